"""A GPT: a decoder-only transformer language model with GPT-2's layout."""

from __future__ import annotations

import math

from bmlearn.layers import TokenAndPositionEmbedding, TransformerBlock
from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()

__all__ = ["build_gpt"]


def build_gpt(
    vocab_size: int,
    seq_len: int,
    d_model: int,
    num_layers: int,
    num_heads: int,
    *,
    d_ff: int | None = None,
    dropout: float = 0.0,
    tie_embeddings: bool = True,
    name: str = "gpt",
) -> keras.Model:
    """Build a GPT: token ids in, next-token logits out, GPT-2's layout (Radford et al., 2019).

    The layers, named so that lessons can reach them with ``model.get_layer``:

    - ``embedding``: :class:`~bmlearn.layers.TokenAndPositionEmbedding`,
      learned token and position vectors, summed; then dropout
      (``embedding_dropout``, when ``dropout > 0``);
    - ``block_1`` … ``block_{num_layers}``:
      :class:`~bmlearn.layers.TransformerBlock`, causal, pre-layer-norm,
      attention and MLP with biases and the tanh GELU, dropout where GPT-2 has
      it; the residual projections start with standard deviation
      0.02 / sqrt(2 · num_layers), GPT-2's scaling;
    - ``final_norm``: a last layer norm (epsilon 1e-5), GPT-2's addition;
    - the logits: with ``tie_embeddings``, ``h @ E.T`` with ``E`` the token
      embedding matrix itself (the ``embedding`` layer called with
      ``reverse=True``; no new weights); otherwise a separate
      ``(d_model, vocab_size)`` matrix without bias, the layer ``logits``.

    The parameter count is therefore::

        V d + T d + L (12 d² + 13 d)  + 2 d  (+ V d untied)      for d_ff = 4 d

    (``bmlearn.scaling.gpt_params`` computes it); for GPT-2 small (V = 50257,
    T = 1024, d = 768, L = 12) that is 124,439,808, the published checkpoint's count.

    Under ``mixed_float16`` the blocks compute in float16 and **the logits are
    float32** (the hidden states are cast up and multiplied by the float32
    weights), like the other builders' outputs. The input takes any length up
    to ``seq_len``. The model is returned uncompiled; generate text from it
    with :func:`bmlearn.text.generate`, which uses the blocks' key/value cache.

    Args:
        vocab_size: number of token ids, a positive integer.
        seq_len: context length (number of learned positions), a positive integer.
        d_model: width of the residual stream, divisible by ``num_heads``.
        num_layers: number of transformer blocks, a positive integer.
        num_heads: attention heads per block, a positive integer.
        d_ff: width of the MLPs (default ``4 * d_model``).
        dropout: dropout rate in [0, 1) (embeddings, attention weights,
            residual branches), active only in training.
        tie_embeddings: share the token embedding matrix with the output
            projection (GPT-2 does).
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` from int32 token ids ``(batch, T)``,
        ``T <= seq_len``, to logits ``(batch, T, vocab_size)``; the logits at
        position t score the token at position t + 1.

    Raises:
        ValueError: for sizes that are not positive integers, ``d_model`` not
            divisible by ``num_heads``, or a dropout rate outside [0, 1).

    Example:
        >>> import numpy as np
        >>> model = build_gpt(vocab_size=65, seq_len=16, d_model=32, num_layers=2, num_heads=4)
        >>> model.count_params() == 65 * 32 + 16 * 32 + 2 * (12 * 32**2 + 13 * 32) + 2 * 32
        True
        >>> logits = model(np.zeros((3, 10), "int32"))
        >>> tuple(logits.shape)
        (3, 10, 65)
        >>> build_gpt(65, 16, d_model=30, num_layers=2, num_heads=4)
        Traceback (most recent call last):
        ...
        ValueError: d_model must be divisible by num_heads, but received d_model=30 and num_heads=4.
    """
    vocab_size = check_scalar(vocab_size, "vocab_size", integer=True, low=1)
    seq_len = check_scalar(seq_len, "seq_len", integer=True, low=1)
    d_model = check_scalar(d_model, "d_model", integer=True, low=1)
    num_layers = check_scalar(num_layers, "num_layers", integer=True, low=1)
    num_heads = check_scalar(num_heads, "num_heads", integer=True, low=1)
    if d_model % num_heads:
        raise ValueError(f"d_model must be divisible by num_heads, but received "
                         f"d_model={d_model} and num_heads={num_heads}.")
    d_ff = 4 * d_model if d_ff is None else check_scalar(d_ff, "d_ff", integer=True, low=1)
    dropout = check_scalar(dropout, "dropout", low=0, high=1, high_open=True)
    if not isinstance(tie_embeddings, bool):
        raise ValueError(f"tie_embeddings must be True or False, but received "
                         f"{tie_embeddings!r}.")

    init_stddev = 0.02
    residual_stddev = init_stddev / math.sqrt(2 * num_layers)  # GPT-2, section 2.3
    token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    embedding = TokenAndPositionEmbedding(vocab_size, seq_len, d_model, init_stddev=init_stddev,
                                          name="embedding")
    x = embedding(token_ids)
    if dropout:
        x = keras.layers.Dropout(dropout, name="embedding_dropout")(x)
    for i in range(1, num_layers + 1):
        x = TransformerBlock(d_model, num_heads, d_ff=d_ff, dropout=dropout, causal=True,
                             init_stddev=init_stddev, output_init_stddev=residual_stddev,
                             name=f"block_{i}")(x)
    x = keras.layers.LayerNormalization(epsilon=1e-5, name="final_norm")(x)
    if tie_embeddings:
        logits = embedding(x, reverse=True)
    else:
        # float32 under mixed precision (the policy's variable dtype), float64 in float64
        head_dtype = keras.mixed_precision.global_policy().variable_dtype
        logits = keras.layers.Dense(
            vocab_size, use_bias=False, dtype=head_dtype, name="logits",
            kernel_initializer=keras.initializers.RandomNormal(stddev=init_stddev))(x)
    return keras.Model(token_ids, logits, name=name)
