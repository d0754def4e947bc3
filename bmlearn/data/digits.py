"""Handwritten digits: the 8×8 images bundled with scikit-learn."""

from __future__ import annotations

import numpy as np
import sklearn.datasets

from bmlearn.data.splits import Splits, split_three_ways
from bmlearn.validation import check_scalar

__all__ = ["load_digits"]

_SOURCE = (
    "scikit-learn's bundled copy of the UCI optical recognition of handwritten digits "
    "data set: 1,797 grey-scale 8×8 images of the digits 0-9 (pixel values 0-16), "
    "installed with scikit-learn, so nothing is downloaded."
)


def load_digits(
    *,
    shape: str = "image",
    val_fraction: float = 0.15,
    test_fraction: float = 0.2,
    seed: int = 0,
    limit: int | None = None,
) -> Splits:
    """Load the digits, scaled to [0, 1], as fixed train / val / test splits.

    Args:
        shape: ``"image"`` gives inputs shaped ``(n, 8, 8, 1)`` for
            convolutional networks; ``"flat"`` gives ``(n, 64)`` vectors.
        val_fraction: share of all samples for validation.
        test_fraction: share of all samples for testing.
        seed: the split's seed; the same seed gives the same split.
        limit: keep only the first ``limit`` samples of the shuffled data
            (before splitting), for a smaller run; ``None`` keeps all 1,797.

    Returns:
        :class:`~bmlearn.data.splits.Splits` with float32 inputs in [0, 1]
        and int64 labels 0-9.

    Raises:
        ValueError: for an unknown ``shape`` or out-of-range fractions.

    Example:
        >>> data = load_digits(shape="flat")
        >>> data.train.x.shape, data.val.x.shape, data.test.x.shape
        ((1167, 64), (270, 64), (360, 64))
        >>> data.num_classes, float(data.train.x.max())
        (10, 1.0)
    """
    if shape not in ("image", "flat"):
        raise ValueError(f"shape must be 'image' or 'flat', but received {shape!r}.")
    bunch = sklearn.datasets.load_digits()
    x = (bunch.images / 16.0).astype(np.float32)
    y = bunch.target.astype(np.int64)
    if limit is not None:
        limit = check_scalar(limit, "limit", integer=True, low=1)
        order = np.random.default_rng(seed).permutation(len(x))[:limit]
        x, y = x[order], y[order]
    x = x[..., None] if shape == "image" else x.reshape(len(x), -1)
    train, val, test = split_three_ways(
        x, y, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
    )
    return Splits(train, val, test, tuple(str(d) for d in range(10)), _SOURCE)
