"""XOR: points around the four corners of the unit square, generated with a fixed seed."""

from __future__ import annotations

import numpy as np

from bmlearn.data.splits import Split
from bmlearn.validation import check_scalar

__all__ = ["make_xor"]


def make_xor(n: int = 400, *, noise: float = 0.15, seed: int = 0) -> Split:
    """Noisy XOR: four Gaussian clouds at the corners of a square.

    Each point's corner ``(a, b)`` is drawn uniformly from ``{0, 1}²``, its
    position is the corner plus Gaussian noise of standard deviation
    ``noise``, and its label is ``a XOR b``: 1 for the corners (0, 1) and
    (1, 0), 0 for (0, 0) and (1, 1). No straight line separates the classes.

    Args:
        n: number of points.
        noise: standard deviation of the noise around each corner (≥ 0).
        seed: the random seed.

    Returns:
        A :class:`~bmlearn.data.splits.Split`: ``x`` of shape ``(n, 2)``
        (float32) and ``y`` of shape ``(n,)`` (int64, 0 or 1).

    Raises:
        ValueError: for ``n`` not a positive integer or a negative ``noise``.

    Example:
        >>> x, y = make_xor(4, noise=0.0, seed=0)
        >>> bool(np.all(y == (x[:, 0] != x[:, 1])))
        True
    """
    n = check_scalar(n, "n", integer=True, low=1)
    noise = check_scalar(noise, "noise", low=0)
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 2, size=(n, 2))
    x = corners + rng.normal(0.0, noise, size=(n, 2))
    y = np.logical_xor(corners[:, 0], corners[:, 1])
    return Split(x.astype(np.float32), y.astype(np.int64))
