"""Input checks shared by every bmlearn module.

Each check raises :class:`ValueError` with a message that names what was
expected and what was received, so that bad input never turns into a silent
wrong answer or a NumPy traceback three calls deeper. This module imports only
NumPy, so :mod:`bmlearn.math` can use it without importing TensorFlow.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_scalar",
    "as_finite_array",
    "check_labels",
    "check_same_length",
]


def _describe(integer: bool, low, high, low_open: bool, high_open: bool) -> str:
    """Words for the accepted values, e.g. 'a number in [0, 1)' or 'an integer >= 2'."""
    if integer:
        if high is None and low is not None and not low_open and low in (0, 1):
            return "a positive integer" if low == 1 else "a non-negative integer"
        noun = "an integer"
    else:
        noun = "a number" if low is not None and high is not None else "a finite number"
    if low is not None and high is not None:
        return f"{noun} in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f"{noun} {'>' if low_open else '>='} {low}"
    if high is not None:
        return f"{noun} {'<' if high_open else '<='} {high}"
    return noun


def check_scalar(value, name: str, *, integer: bool = False, low=None, high=None,
                 low_open: bool = False, high_open: bool = False):
    """Check one number: its type, finiteness and bounds, in the spirit of scikit-learn's ``check_scalar``.

    Every scalar argument of bmlearn is checked here, so every message has one
    form: ``"{name} must be {what}, but received {value!r}."``.

    Args:
        value: the number to check. Booleans are rejected, NaN and infinity too.
        name: the argument's name, used in the message.
        integer: require a whole number (``int`` or a NumPy integer).
        low: the smallest accepted value, or ``None`` for no lower bound.
        high: the largest accepted value, or ``None`` for no upper bound.
        low_open: exclude ``low`` itself (``value > low``).
        high_open: exclude ``high`` itself (``value < high``).

    Returns:
        The value as an ``int`` (with ``integer=True``) or a ``float``.

    Raises:
        ValueError: naming what was expected and what was received.

    Example:
        >>> check_scalar(0.1, "dropout", low=0, high=1, high_open=True)
        0.1
        >>> check_scalar(1.0, "dropout", low=0, high=1, high_open=True)
        Traceback (most recent call last):
        ...
        ValueError: dropout must be a number in [0, 1), but received 1.0.
        >>> check_scalar("x", "shift", low=0, high=1, high_open=True)
        Traceback (most recent call last):
        ...
        ValueError: shift must be a number in [0, 1), but received 'x'.
        >>> check_scalar(1, "num_classes", integer=True, low=2)
        Traceback (most recent call last):
        ...
        ValueError: num_classes must be an integer >= 2, but received 1.
    """
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool) and bool(np.isfinite(value))
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        what = _describe(integer, low, high, low_open, high_open)
        raise ValueError(f"{name} must be {what}, but received {value!r}.")
    return int(value) if integer else float(value)


def as_finite_array(x, name: str, *, ndim=None, min_ndim=None, dtype=float) -> np.ndarray:
    """Convert ``x`` to a NumPy array and check that it is usable.

    Args:
        x: array-like input.
        name: the argument's name, used in error messages.
        ndim: required number of dimensions (an int or a tuple of allowed
            ints), or ``None`` for any.
        min_ndim: smallest allowed number of dimensions, or ``None``.
        dtype: NumPy dtype to convert to (``float`` by default).

    Returns:
        The input as an array of ``dtype``.

    Raises:
        ValueError: if ``x`` is empty, has the wrong number of dimensions,
            cannot be converted to numbers, or holds NaN or infinity.

    Example:
        >>> as_finite_array([1, 2, 3], "x")
        array([1., 2., 3.])
        >>> as_finite_array([1.0, float("nan")], "x")
        Traceback (most recent call last):
        ...
        ValueError: x must hold finite numbers, but received 1 NaN and 0 infinite values (shape (2,)).
    """
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be an array of numbers, but received {type(x).__name__}: {exc}"
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(a) for a in allowed)
            raise ValueError(
                f"{name} must have {want} dimension(s), but received shape {arr.shape} "
                f"({arr.ndim} dimension(s))."
            )
    if min_ndim is not None and arr.ndim < min_ndim:
        raise ValueError(
            f"{name} must have at least {min_ndim} dimension(s), but received shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, but received shape {arr.shape}.")
    if np.issubdtype(arr.dtype, np.inexact):
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        if n_nan or n_inf:
            raise ValueError(
                f"{name} must hold finite numbers, but received {n_nan} NaN and {n_inf} "
                f"infinite values (shape {arr.shape})."
            )
    return arr


def check_labels(y, num_classes: int, name: str = "y") -> np.ndarray:
    """Check integer class labels in ``0 .. num_classes - 1``.

    Args:
        y: array-like of class labels, one per sample.
        num_classes: number of classes.
        name: the argument's name, used in error messages.

    Returns:
        The labels as a 1-D ``int64`` array.

    Raises:
        ValueError: if labels are not whole numbers, not 1-D, or outside the range.

    Example:
        >>> check_labels([0, 2, 1], num_classes=3)
        array([0, 2, 1])
        >>> check_labels([0, 3], num_classes=3)
        Traceback (most recent call last):
        ...
        ValueError: y must hold class labels in 0..2, but received values from 0 to 3.
    """
    check_scalar(num_classes, "num_classes", integer=True, low=1)
    arr = as_finite_array(y, name, ndim=1)
    if not np.all(arr == np.round(arr)):
        raise ValueError(f"{name} must hold whole-number class labels, but received {arr[:5]}...")
    labels = arr.astype(np.int64)
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0 or hi >= num_classes:
        raise ValueError(
            f"{name} must hold class labels in 0..{num_classes - 1}, "
            f"but received values from {lo} to {hi}."
        )
    return labels


def check_same_length(x, y, x_name: str = "x", y_name: str = "y") -> None:
    """Check that two arrays hold the same number of samples (first axis).

    Args:
        x: first array.
        y: second array.
        x_name: name of ``x`` in messages.
        y_name: name of ``y`` in messages.

    Raises:
        ValueError: if their lengths differ.

    Example:
        >>> check_same_length([1, 2], [3, 4])
        >>> check_same_length([1, 2], [3])
        Traceback (most recent call last):
        ...
        ValueError: x and y must hold the same number of samples, but received 2 and 1.
    """
    nx, ny = len(x), len(y)
    if nx != ny:
        raise ValueError(
            f"{x_name} and {y_name} must hold the same number of samples, "
            f"but received {nx} and {ny}."
        )
