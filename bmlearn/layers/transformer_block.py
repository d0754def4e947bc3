"""A pre-layer-norm transformer block with GPT-2's layout, and a key/value cache for generation."""

from __future__ import annotations

import math

import numpy as np

from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()
ops = keras.ops

__all__ = ["TransformerBlock"]

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


def _gelu_tanh(x):
    """GELU, tanh approximation (Hendrycks & Gimpel, 2016), with constants exact in x's dtype.

    ``keras.activations.gelu(x, approximate=True)`` computes the same formula, but TensorFlow
    rounds its constant 0.044715 to float32 first, even for float64 inputs (an error of about
    1e-9); the NumPy twin comparison in float64 needs the exact constant.
    """
    c1 = ops.convert_to_tensor(_SQRT_2_OVER_PI, dtype=x.dtype)
    c2 = ops.convert_to_tensor(_GELU_CUBIC, dtype=x.dtype)
    half = ops.convert_to_tensor(0.5, dtype=x.dtype)
    return half * x * (1 + ops.tanh(c1 * (x + c2 * x * x * x)))


@keras.saving.register_keras_serializable(package="bmlearn")
class TransformerBlock(keras.layers.Layer):
    """One transformer block, GPT-2 layout: pre-layer-norm attention and MLP, each with a residual.

    For inputs ``x`` of shape ``(batch, T, d_model)``::

        x = x + Dropout(Attention(LayerNorm_1(x)))        # causal multi-head self-attention
        x = x + Dropout(W_2 · GELU(W_1 · LayerNorm_2(x) + b_1) + b_2)

    as in GPT-2 (Radford et al., 2019, section 2.3): the layer norm sits at the
    *input* of each sub-block ("pre-LN"), so the residual stream itself is
    never normalised and gradients reach early blocks unchanged. The
    attention has ``num_heads`` heads of size ``d_model // num_heads``, with
    biases on the query, key, value and output projections; its weights have
    the shapes of ``keras.layers.MultiHeadAttention`` (``W_q``: ``(d_model,
    heads, head_dim)``, ``W_o``: ``(heads, head_dim, d_model)``), so that
    :class:`bmlearn.math.MultiHeadAttention` and
    :class:`bmlearn.math.TransformerBlock` read them directly. The MLP widens
    to ``d_ff`` (4·``d_model`` by default) and back, with GELU in its **tanh
    approximation**, ``0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))``, the
    one GPT-2 uses. Dropout, where GPT-2 has it: on the attention weights, and
    on each sub-block's output before it joins the residual. Layer norms use
    ``epsilon = 1e-5`` (GPT-2's). Kernels start from a normal distribution with
    standard deviation ``init_stddev`` (0.02); the two projections that feed the
    residual stream (attention output and ``W_2``) from ``output_init_stddev``
    (GPT-2 divides it by sqrt(2 · number of blocks); :func:`bmlearn.models.build_gpt`
    does); biases start at zero.

    The weights, in ``get_weights()`` order (16 arrays)::

        ln_1 gamma, beta;  W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o;
        ln_2 gamma, beta;  W_1, b_1, W_2, b_2

    **Cached call, for generation.** With ``cache`` (shape ``(batch, 2,
    cache_len, num_heads, head_dim)``: keys and values of positions
    ``0 .. cache_len - 1``, preallocated with :meth:`empty_cache`) and
    ``cache_update_index`` ``i``, the block computes keys and values for the
    ``T`` new positions ``i .. i + T - 1`` only, writes them into the cache at
    ``i`` (``keras.ops.slice_update``, XLA's in-place DynamicUpdateSlice), and
    lets each new position attend to the cached positions up to itself. The
    shapes never change from one token to the next, so an XLA-compiled step
    is traced once (the pattern of KerasHub's ``CachedMultiHeadAttention``).
    It returns ``(outputs, updated_cache)``. Only a causal block has a cache.

    Dtypes: under ``mixed_float16`` the output is **float16** (the compute
    dtype); the attention scores and softmax are computed in float32.

    Args:
        d_model: size of the residual stream, a positive integer divisible by
            ``num_heads``.
        num_heads: number of attention heads, a positive integer.
        d_ff: width of the MLP's hidden layer (default ``4 * d_model``).
        dropout: dropout rate in [0, 1), active only in training.
        causal: mask the attention so that position t sees positions ≤ t only
            (a language model); ``False`` lets every position see every other.
        layer_norm_epsilon: the layer norms' epsilon, > 0.
        init_stddev: standard deviation of the initial kernels, > 0.
        output_init_stddev: the same for the two residual projections
            (default ``init_stddev``).
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``, …).

    Call arguments:
        inputs: ``(batch, T, d_model)``.
        training: whether dropout is active.
        cache: optional key/value cache (see above).
        cache_update_index: where the new positions go in the cache, an
            integer or a scalar integer tensor (required with ``cache``).
        return_attention_scores: also return the attention weights,
            ``(batch, num_heads, T, T)`` (not with ``cache``).

    Raises:
        ValueError: if ``d_model`` is not divisible by ``num_heads``, a size or
            rate is out of range, the inputs do not have ``d_model`` features,
            or a cache is given to a non-causal block or without an index.

    Example:
        >>> import numpy as np
        >>> block = TransformerBlock(d_model=8, num_heads=2)
        >>> x = np.random.default_rng(0).normal(size=(1, 5, 8)).astype("float32")
        >>> tuple(block(x).shape)
        (1, 5, 8)
        >>> block.count_params() == 12 * 8 * 8 + 13 * 8  # 12 d² + 13 d for d_ff = 4 d
        True
        >>> TransformerBlock(d_model=10, num_heads=3)
        Traceback (most recent call last):
        ...
        ValueError: d_model must be divisible by num_heads, but received d_model=10 and num_heads=3.
    """

    def __init__(self, d_model: int, num_heads: int, *, d_ff: int | None = None,
                 dropout: float = 0.0, causal: bool = True, layer_norm_epsilon: float = 1e-5,
                 init_stddev: float = 0.02, output_init_stddev: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self.d_model = check_scalar(d_model, "d_model", integer=True, low=1)
        self.num_heads = check_scalar(num_heads, "num_heads", integer=True, low=1)
        if self.d_model % self.num_heads:
            raise ValueError(
                f"d_model must be divisible by num_heads, but received d_model={d_model} and "
                f"num_heads={num_heads}."
            )
        self.d_ff = 4 * self.d_model if d_ff is None else check_scalar(d_ff, "d_ff", integer=True,
                                                                        low=1)
        self.dropout = check_scalar(dropout, "dropout", low=0, high=1, high_open=True)
        if not isinstance(causal, (bool, np.bool_)):
            raise ValueError(f"causal must be True or False, but received {causal!r}.")
        self.causal = bool(causal)
        self.layer_norm_epsilon = check_scalar(layer_norm_epsilon, "layer_norm_epsilon", low=0,
                                               low_open=True)
        self.init_stddev = check_scalar(init_stddev, "init_stddev", low=0, low_open=True)
        self.output_init_stddev = (self.init_stddev if output_init_stddev is None else
                                   check_scalar(output_init_stddev, "output_init_stddev", low=0,
                                                low_open=True))
        self.head_dim = self.d_model // self.num_heads
        H, k = self.num_heads, self.head_dim

        def kernel(stddev):  # a fresh initializer per weight (a reused one repeats its values)
            return keras.initializers.RandomNormal(stddev=stddev)

        common = dict(dtype=self.dtype_policy)
        # Created in get_weights() order: Keras lists sub-layers' weights in creation order.
        self.ln_1 = keras.layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="ln_1",
                                                    **common)
        self.query = keras.layers.EinsumDense("btd,dhk->bthk", output_shape=(None, H, k),
                                              bias_axes="hk", kernel_initializer=kernel(
                                                  self.init_stddev), name="query", **common)
        self.key = keras.layers.EinsumDense("btd,dhk->bthk", output_shape=(None, H, k),
                                            bias_axes="hk", kernel_initializer=kernel(
                                                self.init_stddev), name="key", **common)
        self.value = keras.layers.EinsumDense("btd,dhk->bthk", output_shape=(None, H, k),
                                              bias_axes="hk", kernel_initializer=kernel(
                                                  self.init_stddev), name="value", **common)
        self.attention_output = keras.layers.EinsumDense(
            "bthk,hkd->btd", output_shape=(None, self.d_model), bias_axes="d",
            kernel_initializer=kernel(self.output_init_stddev), name="attention_output", **common)
        self.ln_2 = keras.layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="ln_2",
                                                    **common)
        self.mlp_in = keras.layers.Dense(self.d_ff, kernel_initializer=kernel(self.init_stddev),
                                         name="mlp_in", **common)
        self.mlp_out = keras.layers.Dense(self.d_model, kernel_initializer=kernel(
            self.output_init_stddev), name="mlp_out", **common)
        self.attention_dropout = keras.layers.Dropout(self.dropout, name="attention_dropout",
                                                      **common)
        self.residual_dropout = keras.layers.Dropout(self.dropout, name="residual_dropout",
                                                     **common)

    def build(self, input_shape):
        if input_shape[-1] != self.d_model:
            raise ValueError(
                f"{self.name}: inputs must have d_model = {self.d_model} features (last axis), "
                f"but received shape {tuple(input_shape)}."
            )
        shape = tuple(input_shape)
        heads_shape = (*shape[:-1], self.num_heads, self.head_dim)
        self.ln_1.build(shape)
        for dense in (self.query, self.key, self.value):
            dense.build(shape)
        self.attention_output.build(heads_shape)
        self.ln_2.build(shape)
        self.mlp_in.build(shape)
        self.mlp_out.build((*shape[:-1], self.d_ff))
        self.built = True

    def empty_cache(self, batch_size: int, cache_len: int, dtype=None):
        """A zero key/value cache for :meth:`call`'s ``cache`` argument.

        Args:
            batch_size: number of sequences generated together, a positive integer.
            cache_len: number of positions the cache holds (the model's
                context length), a positive integer.
            dtype: the cache's dtype (default: the layer's compute dtype).

        Returns:
            A zero tensor of shape ``(batch_size, 2, cache_len, num_heads, head_dim)``.

        Raises:
            ValueError: if a size is not a positive integer.

        Example:
            >>> tuple(TransformerBlock(8, 2).empty_cache(3, 16).shape)
            (3, 2, 16, 2, 4)
        """
        batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
        cache_len = check_scalar(cache_len, "cache_len", integer=True, low=1)
        return ops.zeros((batch_size, 2, cache_len, self.num_heads, self.head_dim),
                         dtype=dtype or self.compute_dtype)

    def call(self, inputs, training=None, cache=None, cache_update_index=None,
             return_attention_scores: bool = False):
        x = inputs
        h = self.ln_1(x)
        q = self.query(h)  # (batch, T, heads, head_dim)
        k_new = self.key(h)
        v_new = self.value(h)
        if cache is not None:
            if not self.causal:
                raise ValueError(f"{self.name}: a key/value cache needs causal=True, but the "
                                 f"block was built with causal=False.")
            if cache_update_index is None:
                raise ValueError(f"{self.name}: cache_update_index must be given with cache, "
                                 f"but received None.")
            if return_attention_scores:
                raise ValueError(f"{self.name}: return_attention_scores is not available with "
                                 f"cache.")
            # One dynamic-update-slice of the whole cache at (0, 0, i, 0, 0): XLA writes the
            # new keys and values into the cache's buffer in place.
            update = ops.cast(ops.stack([k_new, v_new], axis=1), cache.dtype)
            cache = ops.slice_update(cache, (0, 0, cache_update_index, 0, 0), update)
            k, v = ops.cast(cache[:, 0], q.dtype), ops.cast(cache[:, 1], q.dtype)
            # New position i + t may attend to cached position s <= i + t.
            query_pos = ops.arange(ops.shape(q)[1]) + ops.cast(cache_update_index, "int32")
            mask = ops.arange(ops.shape(k)[1])[None, :] <= query_pos[:, None]
        else:
            k, v = k_new, v_new
            mask = None
            if self.causal:
                length = ops.shape(q)[1]
                mask = ops.arange(length)[None, :] <= ops.arange(length)[:, None]
        attended, weights = self._attend(q, k, v, mask, training)
        x = x + self.residual_dropout(self.attention_output(attended), training=training)
        h = self.mlp_out(_gelu_tanh(self.mlp_in(self.ln_2(x))))
        x = x + self.residual_dropout(h, training=training)
        if cache is not None:
            return x, cache
        if return_attention_scores:
            return x, weights
        return x

    def _attend(self, q, k, v, mask, training):
        """Scaled dot-product attention of every head; the softmax in float32 (or float64)."""
        dtype = self.compute_dtype
        softmax_dtype = "float32" if dtype in ("float16", "bfloat16") else dtype
        # Scale the queries first: in float16, q·k of unscaled vectors can overflow.
        scale = ops.convert_to_tensor(1.0 / math.sqrt(self.head_dim), dtype=q.dtype)
        scores = ops.einsum("bthk,bshk->bhts", q * scale, k)
        scores = ops.cast(scores, softmax_dtype)
        if mask is not None:
            # The smallest finite number, not -inf: masked weights are still exactly 0.
            scores = ops.where(mask[None, None], scores, np.finfo(softmax_dtype).min)
        # softmax written out (keras.ops.softmax warns when a single key is attended to)
        exp = ops.exp(scores - ops.max(scores, axis=-1, keepdims=True))
        weights = exp / ops.sum(exp, axis=-1, keepdims=True)
        dropped = self.attention_dropout(weights, training=training)
        attended = ops.einsum("bhts,bshk->bthk", ops.cast(dropped, v.dtype), v)
        return attended, weights

    def compute_output_spec(self, inputs, training=None, cache=None, cache_update_index=None,
                            return_attention_scores: bool = False):
        out = keras.KerasTensor(inputs.shape, dtype=self.compute_dtype)
        if cache is not None:
            return out, keras.KerasTensor(cache.shape, dtype=cache.dtype)
        if return_attention_scores:
            batch, length = inputs.shape[0], inputs.shape[1]
            softmax_dtype = ("float32" if self.compute_dtype in ("float16", "bfloat16")
                             else self.compute_dtype)
            return out, keras.KerasTensor((batch, self.num_heads, length, length),
                                          dtype=softmax_dtype)
        return out

    def get_config(self):
        config = super().get_config()
        config.update(d_model=self.d_model, num_heads=self.num_heads, d_ff=self.d_ff,
                      dropout=self.dropout, causal=self.causal,
                      layer_norm_epsilon=self.layer_norm_epsilon, init_stddev=self.init_stddev,
                      output_init_stddev=self.output_init_stddev)
        return config
