"""Activation functions and their derivatives, in NumPy.

Each function accepts any array-like of finite numbers and works element-wise,
except :func:`softmax` and :func:`softmax_jacobian`, which act along an axis.
Implementations are numerically stable for large inputs (±1000 gives no
overflow warnings, NaN or infinity).
"""

from __future__ import annotations

import numpy as np

from bmlearn.math import _kernels
from bmlearn.validation import as_finite_array

__all__ = [
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_jacobian",
    "tanh",
    "tanh_grad",
]


def sigmoid(x) -> np.ndarray:
    """Logistic sigmoid, ``1 / (1 + exp(-x))``, computed without overflow.

    For ``x < 0`` it uses the equivalent form ``exp(x) / (1 + exp(x))``, so
    ``exp`` is only ever taken of non-positive numbers.

    Args:
        x: array-like of finite numbers.

    Returns:
        Values in [0, 1], same shape as ``x``.

    Example:
        >>> sigmoid([0.0, 1000.0, -1000.0])
        array([0.5, 1. , 0. ])
    """
    x = as_finite_array(x, "x")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(x) -> np.ndarray:
    """Derivative of the sigmoid: ``sigmoid(x) * (1 - sigmoid(x))``.

    Its largest value is 0.25, at ``x = 0``; far from 0 it vanishes
    (saturation).

    Args:
        x: array-like of finite numbers (the pre-activations).

    Returns:
        The derivative at each point, same shape as ``x``.

    Example:
        >>> sigmoid_grad([0.0])
        array([0.25])
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x) -> np.ndarray:
    """Hyperbolic tangent, with values in (-1, 1).

    Args:
        x: array-like of finite numbers.

    Returns:
        ``np.tanh(x)``.

    Example:
        >>> tanh([0.0, 1000.0])
        array([0., 1.])
    """
    return np.tanh(as_finite_array(x, "x"))


def tanh_grad(x) -> np.ndarray:
    """Derivative of tanh: ``1 - tanh(x)**2``; its largest value is 1 at 0.

    Args:
        x: array-like of finite numbers (the pre-activations).

    Returns:
        The derivative at each point, same shape as ``x``.

    Example:
        >>> tanh_grad([0.0])
        array([1.])
    """
    t = tanh(x)
    return 1.0 - t * t


def relu(x) -> np.ndarray:
    """Rectified linear unit, ``max(0, x)``.

    Args:
        x: array-like of finite numbers.

    Returns:
        ``x`` where it is positive, 0 elsewhere.

    Example:
        >>> relu([-2.0, 0.0, 3.0])
        array([0., 0., 3.])
    """
    return np.maximum(as_finite_array(x, "x"), 0.0)


def relu_grad(x) -> np.ndarray:
    """Derivative of ReLU: 1 where ``x > 0``, else 0.

    ReLU has no derivative at exactly 0; like TensorFlow, this returns 0 there.

    Args:
        x: array-like of finite numbers (the pre-activations).

    Returns:
        0.0 or 1.0 at each point, same shape as ``x``.

    Example:
        >>> relu_grad([-2.0, 0.0, 3.0])
        array([0., 0., 1.])
    """
    return (as_finite_array(x, "x") > 0).astype(float)


def softmax(x, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``: ``exp(x_i) / sum_j exp(x_j)``.

    The maximum is subtracted first. That leaves the result unchanged (softmax
    is invariant to adding a constant to every input) and keeps ``exp`` from
    overflowing, so logits of ±1000 work.

    Args:
        x: array-like of finite numbers (logits), at least 1-D.
        axis: the axis that holds the classes.

    Returns:
        Probabilities that are positive or zero and sum to 1 along ``axis``.

    Example:
        >>> softmax([1.0, 2.0, 3.0]).round(4)
        array([0.09  , 0.2447, 0.6652])
        >>> softmax([1000.0, 1000.0])
        array([0.5, 0.5])
    """
    return _kernels.softmax(as_finite_array(x, "x", min_ndim=1), axis=axis)


def softmax_jacobian(x) -> np.ndarray:
    """Jacobian of softmax over the last axis: ``J[i, j] = s_i (δ_ij - s_j)``.

    Written as a matrix, ``J = diag(s) - s sᵀ`` with ``s = softmax(x)``.

    Args:
        x: logits, shape ``(n,)`` or ``(batch, n)``.

    Returns:
        ``(n, n)`` for one vector, or ``(batch, n, n)`` for a batch, where
        entry ``[..., i, j]`` is ``∂ s_i / ∂ x_j``.

    Example:
        >>> J = softmax_jacobian([0.0, 0.0])
        >>> J
        array([[ 0.25, -0.25],
               [-0.25,  0.25]])
    """
    x = as_finite_array(x, "x", ndim=(1, 2))
    s = softmax(x, axis=-1)
    diag = np.einsum("...i,ij->...ij", s, np.eye(s.shape[-1]))
    return diag - s[..., :, None] * s[..., None, :]
