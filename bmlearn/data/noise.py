"""Pure noise: labels unrelated to the features, generated with a fixed seed."""

from __future__ import annotations

import numpy as np

from bmlearn.data.splits import Split
from bmlearn.validation import check_scalar

__all__ = ["make_noise_classification"]


def make_noise_classification(n: int = 200, n_features: int = 2000, *, seed: int = 0) -> Split:
    """Labels that have nothing to do with the features: a trap for data leakage.

    Features are independent standard normal numbers; labels are drawn
    independently, half 0 and half 1 (shuffled). No model can predict these
    labels on new data better than chance (50%); a higher test score is a
    sign that test information leaked into training.

    Args:
        n: number of samples (even numbers give exactly balanced classes).
        n_features: number of features.
        seed: the random seed.

    Returns:
        A :class:`~bmlearn.data.splits.Split`: ``x`` of shape
        ``(n, n_features)`` (float32) and ``y`` of shape ``(n,)`` (int64).

    Raises:
        ValueError: if ``n`` or ``n_features`` is not a positive integer.

    Example:
        >>> x, y = make_noise_classification(10, 3)
        >>> x.shape, int(y.sum())
        ((10, 3), 5)
    """
    n = check_scalar(n, "n", integer=True, low=1)
    n_features = check_scalar(n_features, "n_features", integer=True, low=1)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n_features))
    y = rng.permutation(np.arange(n) % 2)
    return Split(x.astype(np.float32), y.astype(np.int64))
