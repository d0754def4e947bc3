"""A GPT body with a new classification head: pooled final hidden states, then one dense layer."""

from __future__ import annotations

from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()
ops = keras.ops

__all__ = ["MaskedPooling", "build_gpt_classifier"]

_POOLINGS = ("mean", "last")


def _check_pooling(pooling) -> str:
    if pooling not in _POOLINGS:
        raise ValueError(f"pooling must be 'mean' or 'last', but received {pooling!r}.")
    return pooling


@keras.saving.register_keras_serializable(package="bmlearn")
class MaskedPooling(keras.layers.Layer):
    """One vector per sequence: hidden states pooled over the real tokens, padding left out.

    Called on ``[hidden, ids]``, hidden states ``(batch, T, d)`` and the token
    ids ``(batch, T)`` they were computed from. Sequences are padded on the
    right: a sequence's **padding is the run of** ``pad_id`` **at its end**,
    and its real tokens are everything up to and including its last token
    that is not ``pad_id`` (so ``pad_id`` inside a text still counts as a
    token). With ``n`` real tokens ``h_0 … h_{n-1}``:

    - ``mode="mean"``: ``(h_0 + … + h_{n-1}) / n``; a sequence of padding
      only gives zeros;
    - ``mode="last"``: ``h_{n-1}``, the state of the last real token, which
      in a causal model is the only one that has read the whole text;
      a sequence of padding only gives ``h_0``.

    Either way the padding's hidden states never enter the result. The
    pooling adds up in float32 (the layer's variable dtype), whatever the
    hidden states' dtype: the output is **float32 under** ``mixed_float16``
    and ``mixed_bfloat16``.

    Args:
        pad_id: the id used for padding, a non-negative integer.
        mode: ``"mean"`` or ``"last"``.
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``, …).

    Call arguments:
        inputs: ``[hidden, ids]``, floats ``(batch, T, d)`` and integers ``(batch, T)``.

    Raises:
        ValueError: for a negative or non-integer ``pad_id``, or another ``mode``.

    Example:
        >>> import numpy as np
        >>> hidden = np.arange(12, dtype="float32").reshape(1, 4, 3)
        >>> ids = np.array([[7, 0, 5, 0]])  # with pad_id 0, the last 0 is padding
        >>> MaskedPooling(pad_id=0)([hidden, ids]).numpy()  # mean of rows 0, 1, 2
        array([[3., 4., 5.]], dtype=float32)
        >>> MaskedPooling(pad_id=0, mode="last")([hidden, ids]).numpy()  # row 2
        array([[6., 7., 8.]], dtype=float32)
    """

    def __init__(self, pad_id: int, mode: str = "mean", **kwargs):
        super().__init__(**kwargs)
        self.pad_id = check_scalar(pad_id, "pad_id", integer=True, low=0)
        self.mode = _check_pooling(mode)

    def call(self, inputs):
        hidden, ids = inputs
        # Add up in the variable dtype (float32 under mixed precision), never in 16 bits.
        dtype = self.variable_dtype
        hidden = ops.cast(hidden, dtype)
        not_pad = ops.cast(ops.not_equal(ops.cast(ids, "int32"), self.pad_id), "int32")
        # A position is real if a non-pad token is at it or after it (the reversed cumulative sum).
        after = ops.flip(ops.cumsum(ops.flip(not_pad, axis=1), axis=1), axis=1)
        real = ops.cast(ops.greater(after, 0), dtype)  # (batch, T)
        lengths = ops.sum(real, axis=1, keepdims=True)  # (batch, 1)
        if self.mode == "mean":
            total = ops.sum(hidden * real[:, :, None], axis=1)
            return total / ops.maximum(lengths, 1)
        last = ops.cast(ops.maximum(lengths - 1, 0), "int32")  # (batch, 1)
        return ops.take_along_axis(hidden, last[:, :, None], axis=1)[:, 0, :]

    def compute_output_spec(self, inputs):
        hidden, _ = inputs
        return keras.KerasTensor((hidden.shape[0], hidden.shape[-1]), dtype=self.variable_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(pad_id=self.pad_id, mode=self.mode)
        return config


def build_gpt_classifier(
    body: keras.Model,
    num_classes: int,
    *,
    pooling: str = "mean",
    pad_id: int = 0,
    dropout: float = 0.0,
    name: str = "gpt_classifier",
) -> keras.Model:
    """Turn a GPT (ids → next-token logits) into a classifier (ids → class logits).

    The language-model output (the logits over the vocabulary) is dropped;
    the body's last hidden states, the output of its layer ``final_norm``,
    are pooled into one vector per text over the text's real tokens
    (:class:`MaskedPooling`), then a new dense layer maps that vector to
    ``num_classes`` logits::

        ids (batch, T) -> body up to final_norm -> h (batch, T, d)
                       -> pool over real tokens  -> (batch, d)
                       -> [dropout] -> dense      -> logits (batch, num_classes)

    Pad a batch **on the right** with ``pad_id`` (see :class:`MaskedPooling`
    for which tokens count as padding). The body of
    :func:`~bmlearn.models.build_gpt` is causal: a real token attends only to
    itself and the tokens before it, never to the padding after it, so its
    hidden state does not depend on how much padding follows; pooling leaves
    the padding out too. **A text's prediction therefore does not depend on
    its padding** (up to rounding: a longer row is added up in another order).
    Left padding would shift every token's position and change the result.
    Choose a ``pad_id`` that no text ends with: for a byte-level BPE
    tokenizer, 0 (the NUL byte) never occurs in text. Texts longer than the
    body's context (its ``seq_len``) must be cropped first.

    The classifier **shares the body's layers**: training it changes
    ``body``'s weights too (load or copy the body again for another run).
    Its layers: ``body`` (the body up to ``final_norm``, a nested model whose
    blocks are reached as ``model.get_layer("body").get_layer("block_1")``),
    ``pooling``, ``head_dropout`` (when ``dropout > 0``) and ``head``, the
    new ``(d_model, num_classes)`` dense layer with bias, initialised with
    standard deviation 0.02 like the body. Under a mixed-precision policy
    the body computes in 16 bits, while the pooling and the head compute in
    float32, so the **logits are float32**. The model is returned
    uncompiled; compile it with ``SparseCategoricalCrossentropy(from_logits=True)``.

    Args:
        body: a model from :func:`~bmlearn.models.build_gpt` (any Keras model
            from int token ids ``(batch, T)`` with a layer named ``final_norm``
            giving ``(batch, T, d_model)``).
        num_classes: the number of classes, an integer >= 2.
        pooling: ``"mean"`` (the average of the real tokens' states) or
            ``"last"`` (the last real token's state).
        pad_id: the padding id, an integer in ``[0, vocab_size)`` when the body
            has an ``embedding`` layer with a ``vocab_size``.
        dropout: dropout rate on the pooled vector, in [0, 1), active only in training.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` from int32 token ids ``(batch, T)``,
        ``T <= seq_len``, to float32 class logits ``(batch, num_classes)``.

    Raises:
        ValueError: for a body that is not a Keras model with a ``final_norm``
            layer, ``num_classes`` below 2, an unknown ``pooling``, a ``pad_id``
            outside the vocabulary or a dropout rate outside [0, 1).

    Example:
        >>> import numpy as np
        >>> from bmlearn.models import build_gpt
        >>> body = build_gpt(vocab_size=50, seq_len=16, d_model=32, num_layers=2, num_heads=4)
        >>> model = build_gpt_classifier(body, num_classes=2, pad_id=0)
        >>> model.count_params() - body.count_params()  # the head: 32 weights + 1 bias per class
        66
        >>> review = np.array([[5, 17, 23, 9]])
        >>> padded = np.array([[5, 17, 23, 9, 0, 0, 0, 0]])  # the same review, padded
        >>> logits = model(review).numpy()
        >>> logits.shape, logits.dtype
        ((1, 2), dtype('float32'))
        >>> bool(np.allclose(model(padded).numpy(), logits, rtol=1e-5, atol=1e-6))
        True
        >>> build_gpt_classifier(body, num_classes=2, pooling="max")
        Traceback (most recent call last):
        ...
        ValueError: pooling must be 'mean' or 'last', but received 'max'.
    """
    if not isinstance(body, keras.Model):
        raise ValueError(f"body must be a keras.Model from bmlearn.models.build_gpt, "
                         f"but received {type(body).__name__}.")
    try:
        final_norm = body.get_layer("final_norm")
    except ValueError:
        raise ValueError(f"body must have a layer named 'final_norm' (as build_gpt's models do), "
                         f"but received a model with layers "
                         f"{[layer.name for layer in body.layers]!r}.") from None
    num_classes = check_scalar(num_classes, "num_classes", integer=True, low=2)
    pooling = _check_pooling(pooling)
    vocab_size = None
    try:
        vocab_size = body.get_layer("embedding").vocab_size
    except (ValueError, AttributeError):
        pass
    if vocab_size is None:
        pad_id = check_scalar(pad_id, "pad_id", integer=True, low=0)
    else:
        pad_id = check_scalar(pad_id, "pad_id", integer=True, low=0, high=vocab_size - 1)
    dropout = check_scalar(dropout, "dropout", low=0, high=1, high_open=True)

    features = keras.Model(body.input, final_norm.output, name="body")
    # float32 under mixed precision (the policy's variable dtype), float64 in float64
    head_dtype = keras.mixed_precision.global_policy().variable_dtype
    token_ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    hidden = features(token_ids)
    x = MaskedPooling(pad_id, pooling, dtype=head_dtype, name="pooling")([hidden, token_ids])
    if dropout:
        x = keras.layers.Dropout(dropout, dtype=head_dtype, name="head_dropout")(x)
    logits = keras.layers.Dense(
        num_classes, dtype=head_dtype, name="head",
        kernel_initializer=keras.initializers.RandomNormal(stddev=0.02))(x)
    return keras.Model(token_ids, logits, name=name)
