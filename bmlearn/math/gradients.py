"""Numerical gradients by central differences, for checking hand-written ones."""

from __future__ import annotations

import numbers

import numpy as np

from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["numerical_gradient"]


def numerical_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """Estimate the gradient of a scalar function ``f`` at ``x`` by central differences.

    For every entry ``x_i`` (one at a time)::

        df/dx_i ≈ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

    The error of this estimate shrinks like ``eps**2`` (the first-order error
    terms cancel), until floating-point rounding in ``f`` takes over for very
    small ``eps``; in float64 ``eps = 1e-6`` typically gives 8 to 10 correct
    digits. Cost: two calls of ``f`` per entry, so use it on small problems to
    *check* a gradient, never to train.

    In place: if ``x`` is already a float64 NumPy array, its entries are
    perturbed **in place** and each is restored right after (also when ``f``
    raises). So ``f`` may ignore its argument and read the array through
    another reference, for example a network's weight matrix::

        numerical_gradient(lambda _: net.loss(X, y), net.params[0])

    Any other input (a list, an int array) is copied to float64 first.

    Args:
        f: function of one argument, the array ``x``, returning a finite real
            number.
        x: the point, an array-like of finite numbers of any shape.
        eps: the step, a number > 0.

    Returns:
        The estimated gradient, a float64 array of the same shape as ``x``.

    Raises:
        ValueError: if ``x`` is empty or not finite, ``eps`` is not positive, or
            ``f`` does not return one finite number.

    Example:
        >>> g = numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0]))
        >>> g.round(6)  # the exact gradient of sum(v**2) is 2v
        array([ 2., -4.])
    """
    eps = check_scalar(eps, "eps", low=0, low_open=True)
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.writeable):
        x = np.array(as_finite_array(x, "x"), dtype=np.float64)
    else:
        as_finite_array(x, "x")  # check only: x itself is perturbed and restored
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        try:
            x[idx] = old + eps
            f_plus = _scalar(f(x))
            x[idx] = old - eps
            f_minus = _scalar(f(x))
        finally:
            x[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def _scalar(value) -> float:
    """Return ``value`` as a float, or raise if it is not one finite number."""
    arr = np.asarray(value)
    if arr.size != 1 or not isinstance(arr.reshape(-1)[0].item(), numbers.Real):
        raise ValueError(
            "numerical_gradient: f must return one real number, but returned "
            f"{type(value).__name__} of shape {arr.shape}."
        )
    out = float(arr.reshape(-1)[0])
    if not np.isfinite(out):
        raise ValueError(f"numerical_gradient: f must return a finite number, but returned {out}.")
    return out
