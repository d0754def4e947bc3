"""Named train / validation / test splits."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
from sklearn.model_selection import train_test_split

from bmlearn.validation import check_same_length, check_scalar

__all__ = ["Split", "Splits", "split_three_ways"]


class Split(NamedTuple):
    """Inputs and labels of one split; unpacks as ``x, y = split``."""

    x: np.ndarray
    y: np.ndarray


@dataclasses.dataclass(frozen=True)
class Splits:
    """A data set cut into training, validation and test splits.

    Attributes:
        train: fit the model on this.
        val: choose hyperparameters and watch for overfitting on this.
        test: report the final score on this, once.
        class_names: the name of each class label.
        source: where the data comes from, for the lesson's prose.
    """

    train: Split
    val: Split
    test: Split
    class_names: tuple
    source: str

    @property
    def num_classes(self) -> int:
        """How many classes there are."""
        return len(self.class_names)

    @property
    def input_shape(self) -> tuple:
        """The shape of one input sample."""
        return tuple(self.train.x.shape[1:])

    def summary(self) -> str:
        """One line per split with its number of samples and shapes."""
        rows = []
        for name in ("train", "val", "test"):
            x, y = getattr(self, name)
            rows.append(f"{name:<5}: {len(x):>5} samples, x {x.shape}, y {y.shape}")
        return "\n".join(rows)


def split_three_ways(x, y, *, val_fraction, test_fraction, seed, stratify=True):
    """Cut ``(x, y)`` into train, validation and test splits.

    The test split is cut first, then the validation split from the rest, each
    stratified by label (every split keeps the class proportions) and shuffled
    with ``seed``, so the same seed always gives the same splits.

    Args:
        x: inputs, one sample per row.
        y: labels, one per sample.
        val_fraction: share of all samples for validation, in (0, 1).
        test_fraction: share of all samples for testing, in (0, 1).
        seed: the shuffling seed.
        stratify: keep class proportions equal across splits.

    Returns:
        Three :class:`Split` objects: train, validation, test.

    Raises:
        ValueError: if fractions are out of range or leave no training data,
            or ``x`` and ``y`` differ in length.

    Example:
        >>> x, y = np.arange(20).reshape(10, 2), np.array([0, 1] * 5)
        >>> train, val, test = split_three_ways(
        ...     x, y, val_fraction=0.2, test_fraction=0.2, seed=0)
        >>> len(train.x), len(val.x), len(test.x)
        (6, 2, 2)
    """
    check_same_length(x, y)
    val_fraction = check_scalar(val_fraction, "val_fraction", low=0, high=1, low_open=True, high_open=True)
    test_fraction = check_scalar(test_fraction, "test_fraction", low=0, high=1, low_open=True, high_open=True)
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            "val_fraction + test_fraction must be below 1 to leave training data, "
            f"but received {val_fraction} + {test_fraction}."
        )
    x, y = np.asarray(x), np.asarray(y)
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y if stratify else None
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest,
        y_rest,
        test_size=val_fraction / (1 - test_fraction),
        random_state=seed,
        stratify=y_rest if stratify else None,
    )
    return Split(x_train, y_train), Split(x_val, y_val), Split(x_test, y_test)
