"""The dense (fully connected) layer: ``z = x W + b``."""

from __future__ import annotations

import numpy as np

from bmlearn.validation import as_finite_array

__all__ = ["dense"]


def dense(x, W, b) -> np.ndarray:
    """Apply a dense layer, ``z = x @ W + b``, to one sample or a batch.

    Shapes: ``x`` is ``(n_in,)`` for one sample or ``(batch, n_in)`` for a
    batch, ``W`` is ``(n_in, n_out)`` and ``b`` is ``(n_out,)``. The result is
    ``(n_out,)`` or ``(batch, n_out)``: each output unit is a weighted sum of
    all inputs plus that unit's bias. This is the same convention as
    ``keras.layers.Dense``, whose kernel has shape ``(n_in, n_out)``.

    Args:
        x: inputs, shape ``(n_in,)`` or ``(batch, n_in)``.
        W: weights, shape ``(n_in, n_out)``.
        b: biases, shape ``(n_out,)``.

    Returns:
        The pre-activations ``z``, shape ``(n_out,)`` or ``(batch, n_out)``.

    Raises:
        ValueError: if the shapes do not fit together, or any input holds
            NaN or infinity.

    Example:
        >>> x = np.array([1.0, 2.0, 3.0])
        >>> W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        >>> dense(x, W, np.array([0.5, -0.5]))
        array([4.5, 4.5])
        >>> dense(x, np.eye(2), np.zeros(2))
        Traceback (most recent call last):
        ...
        ValueError: dense: x has 3 input features (x.shape=(3,)), but W has 2 rows (W.shape=(2, 2)). W must have shape (n_in, n_out) = (3, n_out).
    """
    x = as_finite_array(x, "x", ndim=(1, 2))
    W = as_finite_array(W, "W", ndim=2)
    b = as_finite_array(b, "b", ndim=1)
    n_in = x.shape[-1]
    if W.shape[0] != n_in:
        raise ValueError(
            f"dense: x has {n_in} input features (x.shape={x.shape}), but W has "
            f"{W.shape[0]} rows (W.shape={W.shape}). W must have shape "
            f"(n_in, n_out) = ({n_in}, n_out)."
        )
    if b.shape[0] != W.shape[1]:
        raise ValueError(
            f"dense: W has {W.shape[1]} output units (W.shape={W.shape}), but b has "
            f"{b.shape[0]} entries (b.shape={b.shape}). b must have shape ({W.shape[1]},)."
        )
    return x @ W + b
