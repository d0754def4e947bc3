"""Input checks used only inside :mod:`bmlearn.math` (NumPy only).

They complement :mod:`bmlearn.validation` (where every scalar is checked, by
``check_scalar``) with the array checks that only the math needs: matching
shapes, probabilities and probability distributions. Each raises
:class:`ValueError` naming what was expected and what was received.
"""

from __future__ import annotations

import numpy as np

from bmlearn.validation import as_finite_array

#: Tolerance for "each row sums to 1" (float32 softmax outputs are this close).
ROW_SUM_TOL = 1e-5


def same_shape(a: np.ndarray, b: np.ndarray, a_name: str, b_name: str, fn: str) -> None:
    """Raise unless ``a`` and ``b`` have exactly the same shape (no broadcasting).

    Example:
        >>> same_shape(np.zeros(3), np.zeros((3, 1)), "y_true", "y_pred", "mse")
        Traceback (most recent call last):
        ...
        ValueError: mse: y_true and y_pred must have the same shape, but received y_true.shape=(3,) and y_pred.shape=(3, 1). NumPy would silently broadcast these to a larger array; reshape one of them first.
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{fn}: {a_name} and {b_name} must have the same shape, but received "
            f"{a_name}.shape={a.shape} and {b_name}.shape={b.shape}. NumPy would silently "
            "broadcast these to a larger array; reshape one of them first."
        )


def probabilities(x, name: str, fn: str, *, hint: str = "", ndim=None) -> np.ndarray:
    """Return ``x`` as a finite float array whose entries lie in [0, 1].

    Example:
        >>> probabilities([0.2, 1.5], "p", "binary_cross_entropy")
        Traceback (most recent call last):
        ...
        ValueError: binary_cross_entropy: p must hold probabilities in [0, 1], but received values from 0.2 to 1.5.
    """
    arr = as_finite_array(x, name, ndim=ndim, min_ndim=1)
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError(
            f"{fn}: {name} must hold probabilities in [0, 1], but received values "
            f"from {lo:.6g} to {hi:.6g}.{hint}"
        )
    return arr


def rows_sum_to_one(arr: np.ndarray, name: str, fn: str, *, hint: str = "") -> None:
    """Raise unless every row (last axis) of ``arr`` sums to 1 within ``ROW_SUM_TOL``.

    Example:
        >>> rows_sum_to_one(np.array([[0.5, 0.4]]), "p", "categorical_cross_entropy")
        Traceback (most recent call last):
        ...
        ValueError: categorical_cross_entropy: each row of p must sum to 1 (a probability distribution over the classes), but row 0 sums to 0.9.
    """
    sums = arr.sum(axis=-1).reshape(-1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > ROW_SUM_TOL)
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{fn}: each row of {name} must sum to 1 (a probability distribution over "
            f"the classes), but row {i} sums to {sums[i]:.6g}.{hint}"
        )
