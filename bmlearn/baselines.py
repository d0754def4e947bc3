"""Honest baselines from scikit-learn, to stand beside every model."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from bmlearn.validation import as_finite_array, check_same_length

__all__ = ["flatten", "logistic_regression"]


def logistic_regression(x_train, y_train, *, C: float = 1.0) -> Pipeline:
    """Fit a standardised multinomial logistic regression.

    The classic linear baseline for classification: standardise each feature
    on the training data, then fit softmax regression with L2 penalty
    strength ``1 / C``. Inputs with more than one axis (images) are
    flattened; call ``predict`` and ``score`` on flattened inputs too, or use
    :func:`flatten`.

    Args:
        x_train: training inputs, ``(n, ...)``.
        y_train: integer class labels, ``(n,)``.
        C: inverse regularisation strength (scikit-learn's convention).

    Returns:
        A fitted scikit-learn pipeline.

    Raises:
        ValueError: for NaN/inf inputs or mismatched lengths.

    Example:
        >>> x = np.array([[0.0], [0.2], [0.8], [1.0]])
        >>> model = logistic_regression(x, [0, 0, 1, 1])
        >>> model.predict([[0.1], [0.9]])
        array([0, 1])
    """
    x = flatten(x_train)
    y = as_finite_array(y_train, "y_train", ndim=1)
    check_same_length(x, y, "x_train", "y_train")
    model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))
    return model.fit(x, y.astype(np.int64))


def flatten(x) -> np.ndarray:
    """Reshape ``(n, ...)`` inputs to ``(n, features)`` for scikit-learn.

    Args:
        x: inputs with samples on the first axis.

    Returns:
        A 2-D float array.

    Example:
        >>> flatten(np.zeros((5, 8, 8, 1))).shape
        (5, 64)
    """
    x = as_finite_array(x, "x", min_ndim=1)
    return x.reshape(len(x), -1) if x.ndim > 1 else x.reshape(-1, 1)
