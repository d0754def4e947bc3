"""Floating-point precision: machine epsilon and rounding-error bounds per dtype.

Lessons compare a Keras result with a NumPy one, or a number with its exact
value, on CPUs and GPUs and in float32, float16 or bfloat16. A tolerance typed
by hand (``atol=1e-5``) holds in one of those settings only. The functions
here derive tolerances from the dtype in use instead (``env.compute_dtype`` or
``env.matmul_dtype`` from :func:`bmlearn.setup`), so that a claim checked in
bfloat16 also holds in float16 and float32.

A format with ``p`` bits of precision (the stored mantissa bits plus the
implicit leading one) has machine epsilon ``eps = 2**(1 - p)``, the gap between
1 and the next number, and unit roundoff ``u = eps / 2``: rounding any real
number to the format changes it by a relative error of at most ``u``.
This module imports only NumPy.
"""

from __future__ import annotations

import numpy as np

from bmlearn.validation import as_finite_array

__all__ = ["PRECISION_BITS", "eps", "unit_roundoff", "matmul_error_bound"]

#: Bits of precision (mantissa bits + the implicit one) of each format.
#: ``tf32`` is NVIDIA's TensorFloat-32: float32's range, float16's precision.
PRECISION_BITS = {"float16": 11, "bfloat16": 8, "tf32": 11, "float32": 24, "float64": 53}


def _bits(dtype) -> int:
    if isinstance(dtype, str):
        name = dtype
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = getattr(dtype, "name", str(dtype))
    name = {"half": "float16", "single": "float32", "double": "float64"}.get(name, name)
    if name not in PRECISION_BITS:
        choices = ", ".join(repr(k) for k in PRECISION_BITS)
        raise ValueError(f"dtype must be one of {choices}, but received {dtype!r}.")
    return PRECISION_BITS[name]


def eps(dtype) -> float:
    """Machine epsilon: the gap between 1 and the next representable number.

    Args:
        dtype: ``"float16"``, ``"bfloat16"``, ``"tf32"``, ``"float32"`` or
            ``"float64"`` (or a NumPy dtype of those).

    Returns:
        ``2 ** (1 - p)`` for ``p`` bits of precision.

    Example:
        >>> eps("bfloat16"), eps("float16")
        (0.0078125, 0.0009765625)
        >>> eps("float32") == float(np.finfo(np.float32).eps)
        True
    """
    return 2.0 ** (1 - _bits(dtype))


def unit_roundoff(dtype) -> float:
    """The largest relative error of rounding a real number to ``dtype``: ``eps / 2``.

    Args:
        dtype: as for :func:`eps`.

    Returns:
        ``2 ** -p`` for ``p`` bits of precision.

    Example:
        >>> unit_roundoff("float32") == 2.0 ** -24
        True
    """
    return eps(dtype) / 2


def matmul_error_bound(x, w, dtype, *, bias=None, accumulate=None) -> np.ndarray:
    """A rigorous bound on the error of ``x @ w (+ bias)`` computed in ``dtype``.

    The model of a framework's matrix product (Keras ``Dense``, a convolution as
    a matrix product): inputs are rounded to ``dtype``, products are summed in
    ``accumulate`` precision in any order, and the product is rounded to
    ``dtype``; with a bias, the bias is rounded to ``dtype``, added, and the sum
    rounded again (Keras adds the bias as a separate operation). With unit
    roundoffs ``u`` (inputs and outputs) and ``v`` (accumulation),
    ``gamma(n) = n v / (1 - n v)``, ``M = |x| @ |w|`` and ``n`` the inner
    dimension, the standard analysis (Higham, *Accuracy and Stability of
    Numerical Algorithms*, 3.1) bounds each output entry's error by the sum of

    - ``e1 = ((1 + u)**2 (1 + gamma(n)) - 1) M``: rounded inputs, summed products;
    - ``e2 = u (M + e1)``: rounding the product;
    - with a bias ``b``: ``e3 = u |b|`` (rounding the bias) and
      ``e4 = u (|exact| + e1 + e2 + e3)`` (rounding the sum); without one,
      ``e4 = 0``.

    The bound holds for every summation order, blocked or fused, on every
    device; a kernel that fuses the bias into one rounding stays inside it.

    Args:
        x: array of shape ``(..., n)``.
        w: array of shape ``(n, m)``.
        dtype: the precision of the inputs and output, e.g. ``env.matmul_dtype``.
        bias: optional array of shape ``(m,)``.
        accumulate: the precision of the sums; by default ``"float32"``,
            which is how TensorFlow's CPU and GPU kernels (oneDNN, Eigen,
            cuBLAS, XLA) sum float16 and bfloat16 products. Pass ``dtype``
            for the worst case of a backend that sums in low precision.

    Returns:
        An array of the output's shape: the bound for each entry.

    Raises:
        ValueError: for an unknown dtype, non-finite input or shapes that do not fit.

    Example:
        >>> x, w = np.array([[1.0, 2.0, 3.0]]), np.array([[0.5], [0.25], [1.0]])
        >>> bound = matmul_error_bound(x, w, "bfloat16")
        >>> float(bound[0, 0]) > 0
        True
        >>> x32 = x.astype(np.float32) @ w.astype(np.float32)
        >>> bool(np.all(np.abs(x32 - x @ w) <= matmul_error_bound(x, w, "float32")))
        True
    """
    x = as_finite_array(x, "x", min_ndim=1, dtype=np.float64)
    w = as_finite_array(w, "w", ndim=2, dtype=np.float64)
    if x.shape[-1] != w.shape[0]:
        raise ValueError(
            f"x's last axis must match w's first, but received x.shape={x.shape} and "
            f"w.shape={w.shape}."
        )
    u = unit_roundoff(dtype)
    v = unit_roundoff("float32" if accumulate is None else accumulate)
    n = w.shape[0]
    if n * v >= 1:
        raise ValueError(
            f"the inner dimension must be below 1/(unit roundoff) = {1 / v:.0f} for a "
            f"meaningful bound, but received {w.shape[0]}."
        )
    gamma = n * v / (1 - n * v)
    magnitude = np.abs(x) @ np.abs(w)
    e1 = ((1 + u) ** 2 * (1 + gamma) - 1) * magnitude
    e2 = u * (magnitude + e1)
    if bias is None:
        return e1 + e2
    bias = as_finite_array(bias, "bias", ndim=1, dtype=np.float64)
    if bias.shape[0] != w.shape[1]:
        raise ValueError(
            f"bias must have one entry per column of w, but received bias.shape={bias.shape} "
            f"and w.shape={w.shape}."
        )
    e3 = u * np.abs(bias)
    e4 = u * (np.abs(x @ w + bias) + e1 + e2 + e3)
    return e1 + e2 + e3 + e4
