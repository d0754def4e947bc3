"""Breast-cancer diagnosis: the Wisconsin data bundled with scikit-learn."""

from __future__ import annotations

import numpy as np
import sklearn.datasets

from bmlearn.data.splits import Splits, split_three_ways

__all__ = ["load_breast_cancer", "load_breast_cancer_frame"]

_SOURCE = (
    "scikit-learn's bundled copy of the Breast Cancer Wisconsin (Diagnostic) data set: "
    "569 tumours, each described by 30 measurements of cell nuclei computed from an image "
    "of a fine-needle aspirate, labelled malignant (212) or benign (357). Installed with "
    "scikit-learn, so nothing is downloaded. The data come from the UCI Machine Learning "
    "Repository (Wolberg, Street and Mangasarian, 1995), which distributes them under the "
    "Creative Commons Attribution 4.0 licence (CC BY 4.0): free to use and share with credit; "
    "scikit-learn itself is BSD-3-Clause."
)
#: Label 0 is malignant and 1 benign, as in scikit-learn.
CLASS_NAMES = ("malignant", "benign")


def load_breast_cancer_frame():
    """The whole breast-cancer data set as one pandas table.

    Args:
        None.

    Returns:
        A pandas ``DataFrame`` of 569 rows: 30 float feature columns, named
        as in scikit-learn (``"mean radius"``, …, ``"worst fractal
        dimension"``), and an int ``"target"`` column, 0 for malignant and 1
        for benign. The features keep their original units and scales
        (areas in the hundreds, smoothness near 0.1), so standardise them
        before training a network.

    Raises:
        Nothing.

    Example:
        >>> frame = load_breast_cancer_frame()
        >>> frame.shape, int(frame["target"].sum())
        ((569, 31), 357)
    """
    bunch = sklearn.datasets.load_breast_cancer(as_frame=True)
    frame = bunch.frame.copy()
    frame["target"] = frame["target"].astype(np.int64)
    return frame


def load_breast_cancer(
    *, val_fraction: float = 0.15, test_fraction: float = 0.2, seed: int = 0
) -> Splits:
    """The breast-cancer data as fixed, stratified train / val / test splits.

    The features are returned **unscaled**, in their original units: fitting
    a standardisation is part of the model, and must use the training split
    only.

    Args:
        val_fraction: share of all samples for validation.
        test_fraction: share of all samples for testing.
        seed: the split's seed; the same seed gives the same split.

    Returns:
        :class:`~bmlearn.data.splits.Splits` with float32 inputs of shape
        ``(n, 30)`` and int64 labels (0 malignant, 1 benign).

    Raises:
        ValueError: for out-of-range fractions.

    Example:
        >>> data = load_breast_cancer()
        >>> len(data.train.x), len(data.val.x), len(data.test.x)
        (369, 86, 114)
        >>> data.class_names, data.input_shape
        (('malignant', 'benign'), (30,))
    """
    bunch = sklearn.datasets.load_breast_cancer()
    x = bunch.data.astype(np.float32)
    y = bunch.target.astype(np.int64)
    train, val, test = split_three_ways(
        x, y, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
    )
    return Splits(train, val, test, CLASS_NAMES, _SOURCE)
