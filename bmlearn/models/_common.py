"""Checks and pieces shared by the model builders."""

from __future__ import annotations

import numbers

from bmlearn.validation import check_scalar

__all__ = ["check_input_shape", "check_units"]


def check_input_shape(input_shape, min_rank: int = 1) -> tuple:
    """Check a sample's shape: a tuple of positive integers of rank ≥ ``min_rank``."""
    try:
        shape = tuple(input_shape)
    except TypeError:
        raise ValueError(
            f"input_shape must be a tuple of positive integers, but received {input_shape!r}."
        ) from None
    if len(shape) < min_rank or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(
            f"input_shape must be a tuple of at least {min_rank} positive integer(s), "
            f"but received {input_shape!r}."
        )
    return tuple(int(s) for s in shape)


def check_units(units, name: str) -> tuple:
    """Check a sequence of layer widths (each a positive integer)."""
    if isinstance(units, numbers.Integral):
        units = (units,)
    try:
        units = tuple(units)
    except TypeError:
        raise ValueError(
            f"{name} must be a sequence of positive integers, but received {units!r}."
        ) from None
    return tuple(check_scalar(u, f"each entry of {name}", integer=True, low=1) for u in units)
