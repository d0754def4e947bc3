"""Attention in NumPy: scaled dot-product attention, masks, multi-head attention,
sinusoidal positional encoding (Vaswani et al., 2017).

Conventions: the last two axes of ``Q``, ``K``, ``V`` are (positions,
features); any axes before them (batch, heads) are carried along. A mask
holds ``True`` (or 1) where a query **may** attend to a key and ``False``
(or 0) where it may not, the same convention as Keras's ``attention_mask``.
"""

from __future__ import annotations

import numpy as np

from bmlearn.math import _kernels
from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["MultiHeadAttention", "attention", "causal_mask", "positional_encoding"]


def causal_mask(n: int) -> np.ndarray:
    """The causal (look-ahead) mask for ``n`` positions: position i may attend to j ≤ i.

    A language model predicting token ``i + 1`` must not see tokens after
    ``i``; this lower-triangular mask enforces that. It equals Keras's
    ``use_causal_mask=True``.

    Args:
        n: number of positions, a positive integer.

    Returns:
        A boolean ``(n, n)`` array, ``True`` on and below the diagonal.

    Raises:
        ValueError: if ``n`` is not a positive integer.

    Example:
        >>> causal_mask(3).astype(int)
        array([[1, 0, 0],
               [1, 1, 0],
               [1, 1, 1]])
    """
    n = check_scalar(n, "n", integer=True, low=1)
    return np.tril(np.ones((n, n), dtype=bool))


def attention(Q, K, V, mask=None):
    """Scaled dot-product attention: ``softmax(Q Kᵀ / sqrt(d_k)) V``.

    Each query (a row of ``Q``) is compared with every key (a row of ``K``)
    by a dot product; the scores are divided by ``sqrt(d_k)`` so that their
    spread does not grow with the key size; a softmax over the keys turns
    each query's scores into weights that sum to 1; the output for the query
    is the weighted average of the values (rows of ``V``).

    Masked positions get weight exactly 0: their scores are set to ``-inf``
    before the softmax.

    Args:
        Q: queries, shape ``(..., n_q, d_k)``.
        K: keys, shape ``(..., n_k, d_k)``.
        V: values, shape ``(..., n_k, d_v)``.
        mask: optional, broadcastable to ``(..., n_q, n_k)``: ``True`` or 1
            where a query may attend to a key, ``False`` or 0 where not.
            Every query must be allowed at least one key.

    Returns:
        ``(output, weights)``: ``output`` of shape ``(..., n_q, d_v)`` and
        the attention weights of shape ``(..., n_q, n_k)``, rows summing to 1.

    Raises:
        ValueError: if the shapes do not fit together, an input is empty or
            not finite, the mask holds values other than 0/1/True/False or
            does not broadcast, or a mask row allows no key at all.

    Example:
        >>> Q = np.array([[1.0, 0.0]])
        >>> K = np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> V = np.array([[10.0], [20.0]])
        >>> out, w = attention(Q, K, V)
        >>> w.round(4)  # softmax([1, 0] / sqrt(2))
        array([[0.6698, 0.3302]])
        >>> out.round(3)
        array([[13.302]])
        >>> attention(Q, K, V, mask=[[False, True]])[0]  # only the second key is allowed
        array([[20.]])
    """
    Q = as_finite_array(Q, "Q", min_ndim=2)
    K = as_finite_array(K, "K", min_ndim=2)
    V = as_finite_array(V, "V", min_ndim=2)
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(
            f"attention: queries and keys must have the same size d_k (last axis), but "
            f"received Q.shape={Q.shape} and K.shape={K.shape}."
        )
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(
            f"attention: K and V must hold the same number of positions (second-to-last "
            f"axis), but received K.shape={K.shape} and V.shape={V.shape}."
        )
    d_k = Q.shape[-1]
    try:
        scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)  # (..., n_q, n_k)
    except ValueError:
        raise ValueError(
            f"attention: the leading (batch) axes of Q and K do not broadcast: "
            f"Q.shape={Q.shape}, K.shape={K.shape}."
        ) from None
    if mask is not None:
        mask = _check_mask(mask, scores.shape)
        scores = np.where(mask, scores, -np.inf)
    weights = _kernels.softmax(scores)
    try:
        return weights @ V, weights
    except ValueError:
        raise ValueError(
            f"attention: the leading (batch) axes of Q, K and V do not broadcast: "
            f"Q.shape={Q.shape}, K.shape={K.shape}, V.shape={V.shape}."
        ) from None


def _as_bool_mask(mask) -> np.ndarray:
    """Return a mask of True/False or 1/0 as a boolean array, or raise."""
    raw = np.asarray(mask)
    if raw.size == 0:
        raise ValueError(f"attention: mask must not be empty, but received shape {raw.shape}.")
    if raw.dtype == bool:
        return raw
    try:
        values = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"attention: mask must hold True/False or 1/0, but received dtype {raw.dtype}."
        ) from None
    if not np.all((values == 0) | (values == 1)):
        raise ValueError(
            "attention: mask must hold True/False or 1/0 (1 = may attend), but received "
            f"values such as {np.unique(values[(values != 0) & (values != 1)])[:3]}."
        )
    return values == 1


def _check_mask(mask, scores_shape) -> np.ndarray:
    """Return the mask as booleans broadcast to ``scores_shape``, or raise."""
    raw = _as_bool_mask(mask)
    try:
        full = np.broadcast_to(raw, scores_shape)
    except ValueError:
        raise ValueError(
            f"attention: mask must broadcast to the scores' shape (..., n_q, n_k) = "
            f"{scores_shape}, but received shape {raw.shape}."
        ) from None
    empty = ~full.any(axis=-1)
    if empty.any():
        where = tuple(int(i) for i in np.argwhere(empty)[0])
        raise ValueError(
            "attention: every query must be allowed to attend to at least one key, but the "
            f"mask row at index {where} is all False."
        )
    return full


def positional_encoding(length: int, depth: int) -> np.ndarray:
    """Sinusoidal positional encoding of Vaswani et al. (2017), section 3.5.

    For position ``pos`` and feature ``i``, with ``d = depth``::

        PE[pos, 2j]     = sin(pos / 10000 ** (2j / d))
        PE[pos, 2j + 1] = cos(pos / 10000 ** (2j / d))

    Sines and cosines alternate (interleaved), as in the paper; each pair of
    features is a rotation at its own frequency, from one turn per 2π
    positions down to one per 10000·2π. An odd ``depth`` ends with a sine.

    Args:
        length: number of positions, a positive integer.
        depth: number of features (the model width), a positive integer.

    Returns:
        A float64 array of shape ``(length, depth)`` with values in [-1, 1].

    Raises:
        ValueError: if ``length`` or ``depth`` is not a positive integer.

    Example:
        >>> positional_encoding(2, 4).round(4)
        array([[0.    , 1.    , 0.    , 1.    ],
               [0.8415, 0.5403, 0.01  , 1.    ]])
    """
    length = check_scalar(length, "length", integer=True, low=1)
    depth = check_scalar(depth, "depth", integer=True, low=1)
    pos = np.arange(length)[:, None]  # (length, 1)
    i = np.arange(depth)[None, :]  # (1, depth)
    angle = pos / np.power(10000.0, (2 * (i // 2)) / depth)
    return np.where(i % 2 == 0, np.sin(angle), np.cos(angle))


class MultiHeadAttention:
    """Multi-head attention in NumPy, with the weight layout of ``keras.layers.MultiHeadAttention``.

    Each of ``H`` heads projects the inputs to its own queries, keys and
    values, runs :func:`attention`, and the heads' outputs are projected back
    together::

        q_h = query W_q[:, h, :] + b_q[h]          # (T, key_dim), likewise k_h, v_h
        o_h = attention(q_h, k_h, v_h, mask)       # (T, value_dim)
        output = Σ_h o_h W_o[h] + b_o              # (T, d_out)

    The arrays have Keras's shapes and order, so ``get_weights()`` of a
    Keras layer loads directly (this module never imports Keras):

    - ``W_q``: ``(d_query, H, key_dim)``, ``b_q``: ``(H, key_dim)``
    - ``W_k``: ``(d_key, H, key_dim)``, ``b_k``: ``(H, key_dim)``
    - ``W_v``: ``(d_value, H, value_dim)``, ``b_v``: ``(H, value_dim)``
    - ``W_o``: ``(H, value_dim, d_out)``, ``b_o``: ``(d_out,)``

    Args:
        weights: the arrays in the order above, 8 of them; or 4 (the
            kernels only), like a Keras layer built with ``use_bias=False``.

    Raises:
        ValueError: if the number of arrays or their shapes do not fit.

    Example:
        >>> mha = MultiHeadAttention.random(d_model=8, num_heads=2, key_dim=4, seed=0)
        >>> x = np.ones((5, 8))  # 5 positions, 8 features
        >>> out, w = mha(x, x, use_causal_mask=True)
        >>> out.shape, w.shape
        ((5, 8), (2, 5, 5))
        >>> w[0, 0]  # the first position can only see itself
        array([1., 0., 0., 0., 0.])
    """

    _NAMES = ("W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "W_o", "b_o")

    def __init__(self, weights):
        weights = [as_finite_array(w, f"weights[{i}]") for i, w in enumerate(weights)]
        if len(weights) == 4:
            self.use_bias = False
            W_q, W_k, W_v, W_o = weights
            b_q = np.zeros(W_q.shape[1:]) if W_q.ndim == 3 else None
            b_k = np.zeros(W_k.shape[1:]) if W_k.ndim == 3 else None
            b_v = np.zeros(W_v.shape[1:]) if W_v.ndim == 3 else None
            b_o = np.zeros(W_o.shape[-1]) if W_o.ndim == 3 else None
        elif len(weights) == 8:
            self.use_bias = True
            W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o = weights
        else:
            raise ValueError(
                "MultiHeadAttention: weights must be the 8 arrays of a Keras layer's "
                "get_weights() (W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o), or its 4 kernels "
                f"when use_bias=False, but received {len(weights)} arrays."
            )
        for name, W in (("W_q", W_q), ("W_k", W_k), ("W_v", W_v), ("W_o", W_o)):
            if W.ndim != 3:
                raise ValueError(
                    f"MultiHeadAttention: {name} must have 3 dimensions, but received shape "
                    f"{W.shape}."
                )
        H, key_dim = W_q.shape[1:]
        value_dim = W_v.shape[2]
        expected = {
            "b_q": (H, key_dim),
            "W_k": (W_k.shape[0], H, key_dim),
            "b_k": (H, key_dim),
            "W_v": (W_v.shape[0], H, value_dim),
            "b_v": (H, value_dim),
            "W_o": (H, value_dim, W_o.shape[2]),
            "b_o": (W_o.shape[2],),
        }
        given = {"b_q": b_q, "W_k": W_k, "b_k": b_k, "W_v": W_v, "b_v": b_v, "W_o": W_o, "b_o": b_o}
        for name, shape in expected.items():
            if given[name].shape != shape:
                raise ValueError(
                    f"MultiHeadAttention: with W_q of shape {W_q.shape} (d_query, heads, "
                    f"key_dim), {name} must have shape {shape}, but received "
                    f"{given[name].shape}."
                )
        self.W_q, self.b_q, self.W_k, self.b_k = W_q, b_q, W_k, b_k
        self.W_v, self.b_v, self.W_o, self.b_o = W_v, b_v, W_o, b_o
        self.num_heads, self.key_dim, self.value_dim = int(H), int(key_dim), int(value_dim)

    @classmethod
    def from_keras_weights(cls, weights) -> "MultiHeadAttention":
        """Build from ``keras.layers.MultiHeadAttention.get_weights()``.

        Args:
            weights: the list of arrays (8, or 4 with ``use_bias=False``).

        Returns:
            A :class:`MultiHeadAttention` computing what the Keras layer computes
            (without dropout).

        Raises:
            ValueError: as for the constructor.

        Example:
            >>> mha = MultiHeadAttention.random(d_model=6, num_heads=3, key_dim=2)
            >>> copy = MultiHeadAttention.from_keras_weights(mha.get_weights())
            >>> copy.num_heads, copy.key_dim
            (3, 2)
        """
        return cls([np.asarray(w) for w in weights])

    @classmethod
    def random(cls, d_model: int, num_heads: int, key_dim: int, value_dim: int | None = None,
               seed: int = 0) -> "MultiHeadAttention":
        """A layer with random Glorot-uniform kernels and zero biases (like a fresh Keras layer).

        Args:
            d_model: feature size of the inputs and of the output.
            num_heads: number of heads.
            key_dim: size of each head's queries and keys.
            value_dim: size of each head's values (default ``key_dim``).
            seed: random seed.

        Returns:
            A new :class:`MultiHeadAttention`.

        Raises:
            ValueError: if a size is not a positive integer.

        Example:
            >>> [w.shape for w in MultiHeadAttention.random(4, 2, 3).get_weights()][:2]
            [(4, 2, 3), (2, 3)]
        """
        d_model = check_scalar(d_model, "d_model", integer=True, low=1)
        H = check_scalar(num_heads, "num_heads", integer=True, low=1)
        key_dim = check_scalar(key_dim, "key_dim", integer=True, low=1)
        value_dim = key_dim if value_dim is None else check_scalar(value_dim, "value_dim", integer=True, low=1)
        rng = np.random.default_rng(seed)

        def glorot(fan_in, fan_out, shape):
            return _kernels.glorot_uniform(rng, fan_in, fan_out, shape)

        return cls([
            glorot(d_model, H * key_dim, (d_model, H, key_dim)), np.zeros((H, key_dim)),
            glorot(d_model, H * key_dim, (d_model, H, key_dim)), np.zeros((H, key_dim)),
            glorot(d_model, H * value_dim, (d_model, H, value_dim)), np.zeros((H, value_dim)),
            glorot(H * value_dim, d_model, (H, value_dim, d_model)), np.zeros(d_model),
        ])

    def get_weights(self) -> list:
        """The 8 arrays in Keras's order (for ``keras_layer.set_weights(...)``).

        Returns:
            ``[W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o]`` (4 kernels when built
            without biases).

        Example:
            >>> len(MultiHeadAttention.random(4, 2, 3).get_weights())
            8
        """
        arrays = [getattr(self, name) for name in self._NAMES]
        return arrays if self.use_bias else arrays[0::2]

    def __call__(self, query, value=None, key=None, *, mask=None, use_causal_mask: bool = False):
        """Attend from ``query`` to ``key``/``value`` (self-attention when ``value`` is None).

        Same argument roles as Keras: ``value`` supplies the keys too unless
        ``key`` is given.

        Args:
            query: ``(T, d_query)`` or ``(B, T, d_query)``.
            value: ``(S, d_value)`` or ``(B, S, d_value)``; ``None`` means ``query``.
            key: ``(S, d_key)`` or ``(B, S, d_key)``; ``None`` means ``value``.
            mask: optional ``(T, S)`` or ``(B, T, S)``, ``True``/1 where query
                position t may attend to key position s (Keras's ``attention_mask``).
            use_causal_mask: also apply :func:`causal_mask` (needs ``T == S``).

        Returns:
            ``(output, weights)``: output ``(…, T, d_out)`` and the attention
            weights of every head, ``(…, H, T, S)``.

        Raises:
            ValueError: for inputs whose feature sizes do not match the
                weights, or a bad mask.
        """
        value = query if value is None else value
        key = value if key is None else key
        query = as_finite_array(query, "query", ndim=(2, 3))
        value = as_finite_array(value, "value", ndim=(2, 3))
        key = as_finite_array(key, "key", ndim=(2, 3))
        for name, x, W in (("query", query, self.W_q), ("key", key, self.W_k),
                           ("value", value, self.W_v)):
            if x.shape[-1] != W.shape[0]:
                raise ValueError(
                    f"MultiHeadAttention: {name} must have {W.shape[0]} features (the first "
                    f"axis of its kernel, shape {W.shape}), but received shape {x.shape}."
                )
        # Project, one set of queries/keys/values per head: (..., T, d) -> (..., H, T, k).
        q = np.einsum("...td,dhk->...htk", query, self.W_q) + self.b_q[:, None, :]
        k = np.einsum("...sd,dhk->...hsk", key, self.W_k) + self.b_k[:, None, :]
        v = np.einsum("...sd,dhk->...hsk", value, self.W_v) + self.b_v[:, None, :]
        full_mask = None
        if use_causal_mask:
            T, S = query.shape[-2], key.shape[-2]
            if T != S:
                raise ValueError(
                    f"MultiHeadAttention: use_causal_mask needs as many queries as keys, but "
                    f"received {T} and {S}."
                )
            full_mask = causal_mask(T)
        if mask is not None:
            m = _as_bool_mask(mask)
            m = m[..., None, :, :] if m.ndim == 3 else m  # (B, T, S) -> (B, 1, T, S): all heads
            full_mask = m if full_mask is None else (m & full_mask)
        heads, weights = attention(q, k, v, mask=full_mask)  # (..., H, T, v), (..., H, T, S)
        output = np.einsum("...htv,hvo->...to", heads, self.W_o) + self.b_o
        return output, weights
