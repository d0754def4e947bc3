"""Learned token and position embeddings, summed: the input layer of a GPT."""

from __future__ import annotations

from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()
ops = keras.ops

__all__ = ["TokenAndPositionEmbedding"]


@keras.saving.register_keras_serializable(package="bmlearn")
class TokenAndPositionEmbedding(keras.layers.Layer):
    """Token ids to vectors: a learned vector per token plus a learned vector per position.

    For token ids ``x[b, t]``::

        output[b, t] = token_embeddings[x[b, t]] + position_embeddings[start_index + t]

    as in GPT and GPT-2 (Radford et al., 2018, 2019), where both tables are
    learned (not the fixed sinusoids of :func:`bmlearn.math.positional_encoding`).
    The model can therefore read at most ``seq_len`` positions: its context length.

    The token table is exposed as :attr:`token_embeddings`, a
    ``(vocab_size, d_model)`` variable, so that an output layer can share it
    ("weight tying", Press & Wolf, 2017): calling the layer with
    ``reverse=True`` on hidden states ``h`` of shape ``(..., d_model)`` returns
    the logits ``h @ token_embeddings.T`` of shape ``(..., vocab_size)``.
    That is how :func:`bmlearn.models.build_gpt` ties its output projection.

    Both tables start from a normal distribution with standard deviation
    ``init_stddev`` (0.02, GPT-2's choice).

    Dtypes: the tables are stored in the variable dtype (float32 under
    ``mixed_float16``) and never autocast. The forward output has the compute
    dtype: **float16 under** ``mixed_float16``. The reverse (logits) output
    has the variable dtype: **float32 under** ``mixed_float16`` (the hidden
    states are cast up, the table is used unrounded), float64 in a float64 layer.

    Args:
        vocab_size: number of distinct token ids, a positive integer.
        seq_len: number of positions (the context length), a positive integer.
        d_model: size of each vector, a positive integer.
        init_stddev: standard deviation of the initial tables, > 0.
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``, …).

    Call arguments:
        inputs: integer token ids ``(batch, T)`` with ``start_index + T <= seq_len``;
            with ``reverse=True``, hidden states ``(..., d_model)``.
        start_index: position of the first token (default 0); an integer or
            a scalar integer tensor, used by cached generation, which feeds one
            token at a time.
        reverse: return logits from hidden states instead (see above).

    Raises:
        ValueError: for sizes that are not positive integers, inputs longer
            than the context, or a reverse input without ``d_model`` features.

    Example:
        >>> import numpy as np
        >>> layer = TokenAndPositionEmbedding(vocab_size=10, seq_len=4, d_model=3)
        >>> out = layer(np.array([[1, 2, 2]]))
        >>> tuple(out.shape)
        (1, 3, 3)
        >>> E = layer.token_embeddings.numpy()
        >>> P = layer.position_embeddings.numpy()
        >>> bool(np.allclose(out[0, 2], E[2] + P[2]))
        True
        >>> tuple(layer(out, reverse=True).shape)  # logits over the vocabulary
        (1, 3, 10)
    """

    def __init__(self, vocab_size: int, seq_len: int, d_model: int, *, init_stddev: float = 0.02,
                 **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = check_scalar(vocab_size, "vocab_size", integer=True, low=1)
        self.seq_len = check_scalar(seq_len, "seq_len", integer=True, low=1)
        self.d_model = check_scalar(d_model, "d_model", integer=True, low=1)
        self.init_stddev = check_scalar(init_stddev, "init_stddev", low=0, low_open=True)
        # Like keras.layers.Embedding: the tables are read in their own dtype (no autocast)
        # and the rows are cast to the compute dtype after the lookup.
        self.autocast = False

    def build(self, input_shape=None):
        init = keras.initializers.RandomNormal
        # autocast=False: read in full precision even where Keras would cast variables to the
        # compute dtype (a layer called on its own under a mixed policy), so that the tied
        # logits use the unrounded table.
        self.token_embeddings = self.add_weight(
            shape=(self.vocab_size, self.d_model), initializer=init(stddev=self.init_stddev),
            autocast=False, name="token_embeddings")
        self.position_embeddings = self.add_weight(
            shape=(self.seq_len, self.d_model), initializer=init(stddev=self.init_stddev),
            autocast=False, name="position_embeddings")
        self.built = True

    def call(self, inputs, start_index=0, reverse: bool = False):
        if reverse:
            return self._logits(inputs)
        ids = ops.cast(inputs, "int32")
        length = ids.shape[-1]
        if isinstance(length, int) and isinstance(start_index, int):
            if start_index < 0 or start_index + length > self.seq_len:
                raise ValueError(
                    f"{self.name}: the positions start_index + length must be <= seq_len = "
                    f"{self.seq_len}, but received start_index={start_index} and length "
                    f"{length}; crop the input to the last {self.seq_len} tokens."
                )
        if length is None:
            length = ops.shape(ids)[-1]
        tokens = ops.take(self.token_embeddings, ids, axis=0)
        # A gather, not a slice: XLA compiles a slice at a tensor offset once per offset value.
        positions = ops.take(self.position_embeddings,
                             ops.arange(length, dtype="int32") + start_index, axis=0)
        return ops.cast(tokens + positions, self.compute_dtype)

    def _logits(self, hidden):
        if hidden.shape[-1] != self.d_model:
            raise ValueError(
                f"{self.name}: reverse=True needs hidden states with d_model = {self.d_model} "
                f"features, but received shape {tuple(hidden.shape)}."
            )
        dtype = self.variable_dtype
        return ops.matmul(ops.cast(hidden, dtype), ops.transpose(self.token_embeddings))

    def compute_output_spec(self, inputs, start_index=0, reverse: bool = False):
        if reverse:
            shape = (*inputs.shape[:-1], self.vocab_size)
            return keras.KerasTensor(shape, dtype=self.variable_dtype)
        return keras.KerasTensor((*inputs.shape, self.d_model), dtype=self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(vocab_size=self.vocab_size, seq_len=self.seq_len, d_model=self.d_model,
                      init_stddev=self.init_stddev)
        return config
