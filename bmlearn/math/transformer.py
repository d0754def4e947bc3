"""The transformer block in NumPy: layer normalisation, GELU, and a pre-layer-norm block (GPT-2).

This is the from-scratch twin of :class:`bmlearn.layers.TransformerBlock`: it
reads that Keras layer's ``get_weights()`` and computes the same outputs,
written out so that every step can be printed. It never imports TensorFlow.
"""

from __future__ import annotations

import math

import numpy as np

from bmlearn.math.attention import MultiHeadAttention
from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["TransformerBlock", "gelu", "layer_norm"]


def layer_norm(x, gamma, beta, eps: float = 1e-5) -> np.ndarray:
    """Layer normalisation (Ba et al., 2016): standardise each vector, then scale and shift.

    Over the last axis (the features of one position)::

        mean = x.mean(-1),  var = ((x - mean) ** 2).mean(-1)      # biased variance
        y = gamma * (x - mean) / sqrt(var + eps) + beta

    Unlike batch normalisation, the statistics come from one vector, so a
    position's output never depends on the other positions or the batch. This
    is ``keras.layers.LayerNormalization(epsilon=eps)`` over the last axis
    (``eps = 1e-5`` is GPT-2's; Keras's default is 1e-3).

    Args:
        x: array ``(..., d)``.
        gamma: scale, shape ``(d,)``.
        beta: shift, shape ``(d,)``.
        eps: added to the variance, > 0.

    Returns:
        An array of ``x``'s shape.

    Raises:
        ValueError: if an input is empty or not finite, ``gamma`` or ``beta``
            does not have ``d`` entries, or ``eps`` is not > 0.

    Example:
        >>> y = layer_norm([[1.0, 2.0, 3.0]], gamma=[1.0, 1.0, 1.0], beta=[0.0, 0.0, 0.0])
        >>> y.round(4)  # mean 2, variance 2/3
        array([[-1.2247,  0.    ,  1.2247]])
        >>> layer_norm([[1.0, 2.0]], gamma=[1.0], beta=[0.0, 0.0])
        Traceback (most recent call last):
        ...
        ValueError: gamma must have shape (2,) (the last axis of x), but received (1,).
    """
    x = as_finite_array(x, "x", min_ndim=1)
    d = x.shape[-1]
    gamma = as_finite_array(gamma, "gamma", ndim=1)
    beta = as_finite_array(beta, "beta", ndim=1)
    for name, arr in (("gamma", gamma), ("beta", beta)):
        if arr.shape != (d,):
            raise ValueError(
                f"{name} must have shape ({d},) (the last axis of x), but received {arr.shape}."
            )
    eps = check_scalar(eps, "eps", low=0, low_open=True)
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def gelu(x, approximate: bool = True) -> np.ndarray:
    """The Gaussian error linear unit, ``x Φ(x)`` (Hendrycks & Gimpel, 2016).

    ``Φ`` is the standard normal CDF: GELU passes positive inputs almost
    unchanged and lets small negative ones through a little, a smooth ReLU.
    With ``approximate=True`` (GPT-2's choice, and what
    :class:`bmlearn.layers.TransformerBlock` uses)::

        gelu(x) ≈ 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))

    which differs from the exact ``0.5 x (1 + erf(x / sqrt(2)))`` by less than 5e-4.

    Args:
        x: array-like.
        approximate: the tanh approximation (``True``) or the exact erf form.

    Returns:
        A float array of ``x``'s shape.

    Raises:
        ValueError: if ``x`` is empty or not finite.

    Example:
        >>> gelu([-1.0, 0.0, 1.0]).round(4)
        array([-0.1588,  0.    ,  0.8412])
        >>> gelu([-1.0, 0.0, 1.0], approximate=False).round(4)
        array([-0.1587,  0.    ,  0.8413])
    """
    x = as_finite_array(x, "x")
    if approximate:
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))
    erf = np.vectorize(math.erf, otypes=[float])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class TransformerBlock:
    """A pre-layer-norm transformer block (GPT-2's layout) in NumPy, with Keras's weight layout.

    For ``x`` of shape ``(T, d)`` or ``(B, T, d)``::

        a = MultiHeadAttention(layer_norm(x, g1, b1))          # causal by default
        x = x + a
        x = x + gelu(layer_norm(x, g2, b2) @ W_1 + b_1) @ W_2 + b_2

    with :class:`~bmlearn.math.MultiHeadAttention` and the tanh :func:`gelu`.
    This is what :class:`bmlearn.layers.TransformerBlock` computes at
    inference (dropout is an identity then); the 16 arrays are that layer's
    ``get_weights()``, in its order::

        g1, b1,  W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o,  g2, b2,  W_1, b_1, W_2, b_2

    ``W_q``: ``(d, heads, head_dim)``, ``W_o``: ``(heads, head_dim, d)``,
    ``W_1``: ``(d, d_ff)``, ``W_2``: ``(d_ff, d)``; the number of heads is read
    from ``W_q``'s shape.

    Args:
        weights: the 16 arrays above.
        causal: mask the attention so that position t sees positions ≤ t only.
        eps: the layer norms' epsilon (GPT-2's 1e-5, the Keras block's default).

    Raises:
        ValueError: if there are not 16 arrays or their shapes do not fit.

    Example:
        >>> block = TransformerBlock.random(d_model=8, num_heads=2, seed=0)
        >>> x = np.random.default_rng(1).normal(size=(5, 8))
        >>> y, w = block(x, return_attention=True)
        >>> y.shape, w.shape
        ((5, 8), (2, 5, 5))
        >>> y2 = block(np.vstack([x[:3], np.zeros((2, 8))]))  # change the last two positions
        >>> bool(np.array_equal(y[:3], y2[:3]))  # causal: the first three do not change
        True
    """

    def __init__(self, weights, *, causal: bool = True, eps: float = 1e-5):
        weights = [as_finite_array(w, f"weights[{i}]") for i, w in enumerate(weights)]
        if len(weights) != 16:
            raise ValueError(
                "TransformerBlock: weights must be the 16 arrays of the Keras block's "
                "get_weights() (ln_1 gamma, beta; W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o; ln_2 "
                f"gamma, beta; W_1, b_1, W_2, b_2), but received {len(weights)} arrays."
            )
        g1, b1 = weights[0:2]
        self.attention = MultiHeadAttention(weights[2:10])
        g2, b2, W_1, b_1, W_2, b_2 = weights[10:16]
        d = self.attention.W_q.shape[0]
        if self.attention.W_o.shape[2] != d or self.attention.W_k.shape[0] != d or \
                self.attention.W_v.shape[0] != d:
            raise ValueError(
                f"TransformerBlock: the attention must map d = {d} features to {d} (self-"
                f"attention on the residual stream), but received W_k {self.attention.W_k.shape},"
                f" W_v {self.attention.W_v.shape}, W_o {self.attention.W_o.shape}."
            )
        if W_1.ndim != 2 or W_1.shape[0] != d:
            raise ValueError(f"TransformerBlock: W_1 must have shape ({d}, d_ff), but received "
                             f"{W_1.shape}.")
        d_ff = W_1.shape[1]
        expected = {"ln_1 gamma": (g1, (d,)), "ln_1 beta": (b1, (d,)), "ln_2 gamma": (g2, (d,)),
                    "ln_2 beta": (b2, (d,)), "b_1": (b_1, (d_ff,)), "W_2": (W_2, (d_ff, d)),
                    "b_2": (b_2, (d,))}
        for name, (arr, shape) in expected.items():
            if arr.shape != shape:
                raise ValueError(f"TransformerBlock: with d = {d} and d_ff = {d_ff}, {name} must "
                                 f"have shape {shape}, but received {arr.shape}.")
        if not isinstance(causal, (bool, np.bool_)):
            raise ValueError(f"causal must be True or False, but received {causal!r}.")
        self.g1, self.b1, self.g2, self.b2 = g1, b1, g2, b2
        self.W_1, self.b_1, self.W_2, self.b_2 = W_1, b_1, W_2, b_2
        self.causal = bool(causal)
        self.eps = check_scalar(eps, "eps", low=0, low_open=True)
        self.d_model, self.d_ff = int(d), int(d_ff)
        self.num_heads = self.attention.num_heads

    @classmethod
    def from_keras_weights(cls, weights, *, causal: bool = True,
                           eps: float = 1e-5) -> "TransformerBlock":
        """Build from ``bmlearn.layers.TransformerBlock(...).get_weights()``.

        Args:
            weights: the list of 16 arrays.
            causal: as the Keras block's ``causal``.
            eps: as the Keras block's ``layer_norm_epsilon``.

        Returns:
            A :class:`TransformerBlock` computing what the Keras block computes
            without dropout.

        Raises:
            ValueError: as for the constructor.

        Example:
            >>> weights = TransformerBlock.random(8, 2, d_ff=16).get_weights()
            >>> block = TransformerBlock.from_keras_weights(weights)
            >>> block.num_heads, block.d_ff
            (2, 16)
        """
        return cls([np.asarray(w) for w in weights], causal=causal, eps=eps)

    @classmethod
    def random(cls, d_model: int, num_heads: int, *, d_ff: int | None = None, scale: float = 0.02,
               seed: int = 0, causal: bool = True) -> "TransformerBlock":
        """A block with normal random kernels (standard deviation ``scale``, as GPT-2's 0.02).

        Biases and the layer norms' shifts are also random (a trained block's
        are not zero), and the layer norms' scales are near 1.

        Args:
            d_model: width, a positive integer divisible by ``num_heads``.
            num_heads: number of heads.
            d_ff: the MLP's width (default ``4 * d_model``).
            scale: standard deviation of the kernels, > 0.
            seed: random seed.
            causal: as for the constructor.

        Returns:
            A new :class:`TransformerBlock`.

        Raises:
            ValueError: for sizes that are not positive integers, or ``d_model``
                not divisible by ``num_heads``.

        Example:
            >>> [w.shape for w in TransformerBlock.random(4, 2).get_weights()][12:14]
            [(4, 16), (16,)]
        """
        d = check_scalar(d_model, "d_model", integer=True, low=1)
        H = check_scalar(num_heads, "num_heads", integer=True, low=1)
        if d % H:
            raise ValueError(f"d_model must be divisible by num_heads, but received "
                             f"d_model={d_model} and num_heads={num_heads}.")
        d_ff = 4 * d if d_ff is None else check_scalar(d_ff, "d_ff", integer=True, low=1)
        scale = check_scalar(scale, "scale", low=0, low_open=True)
        k = d // H
        rng = np.random.default_rng(seed)
        shapes = [(d,), (d,), (d, H, k), (H, k), (d, H, k), (H, k), (d, H, k), (H, k), (H, k, d),
                  (d,), (d,), (d,), (d, d_ff), (d_ff,), (d_ff, d), (d,)]
        weights = [rng.normal(scale=scale, size=s) for s in shapes]
        weights[0] += 1.0  # layer-norm scales near 1
        weights[10] += 1.0
        return cls(weights, causal=causal)

    def get_weights(self) -> list:
        """The 16 arrays in the Keras block's order (for ``keras_block.set_weights(...)``).

        Returns:
            ``[g1, b1, W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o, g2, b2, W_1, b_1, W_2, b_2]``.

        Example:
            >>> len(TransformerBlock.random(4, 2).get_weights())
            16
        """
        return [self.g1, self.b1, *self.attention.get_weights(), self.g2, self.b2,
                self.W_1, self.b_1, self.W_2, self.b_2]

    def __call__(self, x, *, return_attention: bool = False):
        """Run the block on ``x``.

        Args:
            x: ``(T, d_model)`` or ``(B, T, d_model)``.
            return_attention: also return the attention weights.

        Returns:
            The output, of ``x``'s shape; with ``return_attention``, the pair
            ``(output, weights)`` with weights ``(…, heads, T, T)``.

        Raises:
            ValueError: if ``x`` is not finite, not 2-D or 3-D, or does not
                have ``d_model`` features.
        """
        x = as_finite_array(x, "x", ndim=(2, 3))
        if x.shape[-1] != self.d_model:
            raise ValueError(f"TransformerBlock: x must have d_model = {self.d_model} features "
                             f"(last axis), but received shape {x.shape}.")
        attended, weights = self.attention(layer_norm(x, self.g1, self.b1, self.eps),
                                           use_causal_mask=self.causal)
        x = x + attended
        hidden = gelu(layer_norm(x, self.g2, self.b2, self.eps) @ self.W_1 + self.b_1)
        x = x + hidden @ self.W_2 + self.b_2
        return (x, weights) if return_attention else x
