"""Honest baselines from scikit-learn, to stand beside every model, and the best straight line."""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from bmlearn.validation import as_finite_array, check_same_length

__all__ = ["BestLine", "best_line", "flatten", "logistic_regression"]


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


@dataclasses.dataclass(frozen=True)
class BestLine:
    """The result of :func:`best_line`.

    Attributes:
        accuracy: the share of points the line classifies correctly, the most
            that any straight line achieves on these points.
        correct: the number of points it classifies correctly.
        weights: ``w`` of shape ``(2,)``; the line predicts class 1 where
            ``x @ w + bias > 0`` and class 0 elsewhere.
        bias: the line's offset.
    """

    accuracy: float
    correct: int
    weights: np.ndarray
    bias: float

    def predict(self, x) -> np.ndarray:
        """The line's class (0 or 1) for each row of ``x`` (shape ``(n, 2)``)."""
        x = as_finite_array(x, "x", ndim=2)
        return (x @ self.weights + self.bias > 0).astype(np.int64)


def best_line(x, y) -> BestLine:
    """The most accurate straight line for labelled points in the plane, by exhaustive search.

    Any linear classifier in two dimensions (logistic regression, a linear
    network, a perceptron) splits the plane with one straight line, so its
    accuracy on these points is at most the returned ``accuracy``. The search
    is exact, not a grid: a best line can always be moved, without changing
    which side any point is on, until it passes through one of the points
    (the *pivot*), and it then can be rotated around the pivot. Rotating a
    line around a pivot changes a point's side only when the line passes
    through that point, so sorting the other points by angle and sweeping
    the line through the gaps between them visits every distinct split; the
    pivot itself can be put on either side by an arbitrarily small shift.
    That is ``n`` sorts of ``n`` angles: ``O(n² log n)`` for ``n`` points.

    Args:
        x: points, shape ``(n, 2)``.
        y: labels, 0 or 1, shape ``(n,)``.

    Returns:
        A :class:`BestLine`: its accuracy (at least the majority class's share,
        which a line far from every point achieves) and a line that reaches it.

    Raises:
        ValueError: for points that are not 2-D, NaN/inf values, labels other
            than 0 and 1, or mismatched lengths.

    Example:
        >>> x = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
        >>> line = best_line(x, [0, 0, 1, 1])      # XOR: three corners of four
        >>> line.correct, float(line.accuracy)
        (3, 0.75)
        >>> int(np.sum(line.predict(x) == [0, 0, 1, 1]))
        3
    """
    x = as_finite_array(x, "x", ndim=2, dtype=np.float64)
    if x.shape[1] != 2:
        raise ValueError(f"x must hold points in the plane, shape (n, 2), but received {x.shape}.")
    y = as_finite_array(y, "y", ndim=1)
    check_same_length(x, y, "x", "y")
    if len(y) == 0 or not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold at least one label, and only the labels 0 and 1.")
    y = y.astype(np.int64)
    n = len(y)
    best = (-1, None)  # (correct, (pivot, theta, left_label))
    for i in range(n):
        d = x - x[i]
        same = (d[:, 0] == 0) & (d[:, 1] == 0)      # the pivot and any copies of it
        # The pivot's group lies on the line and moves to one side as a whole.
        pivot_correct = max(int(np.sum(y[same] == 1)), int(np.sum(y[same] == 0)))
        d, labels = d[~same], y[~same]
        phi = np.mod(np.arctan2(d[:, 1], d[:, 0]), 2 * np.pi)
        upper = phi < np.pi                           # above the pivot (angle in [0, pi))
        alpha = np.where(upper, phi, phi - np.pi)     # the line's angle that passes through it
        alpha = np.clip(alpha, 0.0, np.nextafter(np.pi, 0))
        order = np.argsort(alpha, kind="stable")
        alpha, upper, labels = alpha[order], upper[order], labels[order]
        # For a line at angle theta in the gap after the first k sorted points, a point is on
        # the left if it is "upper" and not yet passed, or "lower" and already passed.
        m = len(labels)
        left_if_passed = (~upper).astype(np.int64)
        y1 = (labels == 1).astype(np.int64)
        # correct with "left = class 1": passed points with left_if_passed == y1, the others
        # with (1 - left_if_passed) == y1.
        agree = (left_if_passed == y1).astype(np.int64)
        passed_agree = np.concatenate([[0], np.cumsum(agree)])            # k = 0..m passed
        total_disagree_after = (1 - agree)[::-1].cumsum()[::-1]
        after_disagree = np.concatenate([total_disagree_after, [0]])      # not passed, k = 0..m
        left1 = passed_agree + after_disagree
        candidates = np.vstack([left1, m - left1])                        # left = 1, left = 0
        # A gap exists after k passed points if the angles on both sides of it differ.
        lo = np.concatenate([[-1.0], alpha])
        hi = np.concatenate([alpha, [np.pi]])
        gap = (hi > lo) & (hi > 0)
        gap[0] = alpha[0] > 0 if m else True
        candidates = np.where(gap, candidates, -1)
        side, k = np.unravel_index(np.argmax(candidates), candidates.shape)
        correct = int(candidates[side, k]) + pivot_correct
        if correct > best[0]:
            theta = 0.5 * (max(lo[k], 0.0) + hi[k])
            best = (correct, (i, theta, 1 - side))
    correct, (i, theta, left_label) = best
    weights, bias = _line_through(x, y, i, theta, left_label)
    line = BestLine(correct / n, correct, weights, bias)
    achieved = int(np.sum(line.predict(x) == y))
    if achieved != correct:  # pragma: no cover (a guard: the search and the line must agree)
        raise RuntimeError(f"best_line: the line found gets {achieved}, not {correct}, right.")
    return line


def _line_through(x, y, i, theta, left_label):
    """The line at angle ``theta`` through point ``i``, shifted to put point ``i`` on its best side."""
    normal = np.array([-np.sin(theta), np.cos(theta)])
    score = (x - x[i]) @ normal                      # > 0: left of the line
    same = np.all(x == x[i], axis=1)
    others = np.abs(score[~same])
    margin = others.min() if others.size else 1.0
    pivot_label = 1 if np.sum(y[same] == 1) >= np.sum(y[same] == 0) else 0
    # Shift by half the margin toward the side that gives the pivot its majority label.
    shift = 0.5 * margin if pivot_label == left_label else -0.5 * margin
    weights = normal if left_label == 1 else -normal
    bias = -float(x[i] @ normal) + shift
    if left_label == 0:
        bias = -bias
    return weights, bias
