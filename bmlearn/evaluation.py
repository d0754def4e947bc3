"""Metrics for imbalanced binary problems: counts, a threshold, class weights.

These need only NumPy; the tests check them against scikit-learn.
"""

from __future__ import annotations


import numpy as np

from bmlearn.validation import as_finite_array, check_labels, check_same_length, check_scalar

__all__ = ["balanced_class_weight", "binary_metrics", "choose_threshold"]


def _labels_and_scores(y_true, scores):
    check_same_length(y_true, scores, "y_true", "scores")
    y = check_labels(y_true, 2, "y_true")
    s = as_finite_array(scores, "scores", ndim=1)
    return y, s


def binary_metrics(y_true, scores, threshold: float = 0.5) -> dict:
    """Confusion counts and the metrics built on them, at one threshold.

    A sample is predicted positive when its score is at least ``threshold``.
    With TP, FP, FN, TN the counts of true and false positives and negatives:

    - accuracy = (TP + TN) / all;
    - precision = TP / (TP + FP): of the samples flagged, the share that are
      positive (0 when nothing is flagged);
    - recall = TP / (TP + FN): of the positives, the share that are flagged;
    - F1 = 2 · precision · recall / (precision + recall), their harmonic mean
      (0 when both are 0).

    Args:
        y_true: true labels, 0 or 1.
        scores: the model's scores, e.g. probabilities of class 1.
        threshold: the score from which a sample is predicted positive.

    Returns:
        A dict with ``tp``, ``fp``, ``fn``, ``tn`` (ints) and ``accuracy``,
        ``precision``, ``recall``, ``f1`` (floats).

    Raises:
        ValueError: for labels other than 0 and 1, NaN or infinite scores or
            threshold, or ``y_true`` and ``scores`` of different lengths.

    Example:
        >>> m = binary_metrics([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.2])
        >>> m["tp"], m["fp"], m["fn"], m["tn"]
        (1, 1, 1, 1)
        >>> round(m["precision"], 3), round(m["recall"], 3), round(m["f1"], 3)
        (0.5, 0.5, 0.5)
    """
    y, s = _labels_and_scores(y_true, scores)
    threshold = check_scalar(threshold, "threshold")
    pred = s >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "accuracy": (tp + tn) / len(y),
        "precision": precision, "recall": recall, "f1": f1,
    }


def choose_threshold(y_true, scores, *, min_recall: float | None = None) -> float:
    """Choose a decision threshold on validation data.

    Every distinct score is a candidate threshold (predict positive when
    ``score >= threshold``). Without ``min_recall`` the threshold with the
    highest F1 score is returned; with it, the highest threshold whose recall
    is at least ``min_recall``, which flags as few samples as possible and so
    gives the best precision for that recall. Ties go to the higher threshold.

    Choose the threshold on the validation set and report it on the test
    set; chosen on the test set, the test score would be optimistic.

    Args:
        y_true: true labels, 0 or 1, with at least one positive.
        scores: the model's scores.
        min_recall: the smallest acceptable recall, in (0, 1], or ``None``
            to maximise F1.

    Returns:
        The threshold, one of the scores.

    Raises:
        ValueError: for labels other than 0 and 1 or no positive label, NaN
            or infinite scores, different lengths, or ``min_recall`` outside
            (0, 1].

    Example:
        >>> y, s = [0, 0, 1, 0, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.8, 0.9]
        >>> choose_threshold(y, s)
        0.3
        >>> choose_threshold(y, s, min_recall=0.6)
        0.8
    """
    y, s = _labels_and_scores(y_true, scores)
    positives = int(y.sum())
    if positives == 0:
        raise ValueError("y_true must hold at least one positive label (1), but received none.")
    if min_recall is not None:
        min_recall = check_scalar(min_recall, "min_recall", low=0, high=1, low_open=True)
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    # Candidate k: flag every sample whose score >= the k-th distinct score.
    last_of_value = np.r_[s_sorted[1:] != s_sorted[:-1], True]
    tp = np.cumsum(y_sorted)[last_of_value]
    flagged = (np.arange(len(s_sorted)) + 1)[last_of_value]
    thresholds = s_sorted[last_of_value]
    recall = tp / positives
    precision = tp / flagged
    if min_recall is None:
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(tp > 0, 2 * precision * recall / (precision + recall), 0.0)
        return float(thresholds[int(np.argmax(f1))])  # first maximum: highest threshold
    ok = np.flatnonzero(recall >= min_recall - 1e-12)
    return float(thresholds[ok[0]])


def balanced_class_weight(y, num_classes: int) -> dict:
    """Class weights that make every class count as much in the loss.

    Class ``c`` with ``n_c`` of the ``n`` samples gets weight
    ``n / (num_classes * n_c)``: rare classes count more, and the weighted
    number of samples stays ``n``. This is scikit-learn's ``"balanced"``
    rule; pass the result to ``fit(class_weight=...)``.

    Args:
        y: integer class labels of the training set.
        num_classes: how many classes there are.

    Returns:
        A dict mapping each class index to its weight.

    Raises:
        ValueError: for labels outside ``0 .. num_classes - 1`` or a class
            without samples.

    Example:
        >>> balanced_class_weight([0, 0, 0, 1], num_classes=2)
        {0: 0.6666666666666666, 1: 2.0}
    """
    labels = check_labels(y, num_classes)
    counts = np.bincount(labels, minlength=num_classes)
    if np.any(counts == 0):
        missing = np.flatnonzero(counts == 0).tolist()
        raise ValueError(f"every class needs samples, but classes {missing} have none.")
    return {c: len(labels) / (num_classes * int(counts[c])) for c in range(num_classes)}
