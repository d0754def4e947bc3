"""Classifier plots: confusion matrix, decision boundary, ROC and precision-recall curves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from bmlearn.plot._figure import label_axes, new_axes
from bmlearn.validation import as_finite_array, check_labels, check_same_length

__all__ = ["plot_confusion_matrix", "plot_decision_boundary", "plot_roc_pr"]


def plot_confusion_matrix(y_true, y_pred, class_names=None, *, title=None):
    """Plot a confusion matrix: rows are true classes, columns predicted ones.

    Args:
        y_true: true labels.
        y_pred: predicted labels.
        class_names: names shown on the axes.
        title: panel title.

    Returns:
        The Figure.

    Example:
        >>> fig = plot_confusion_matrix([0, 1, 1], [0, 1, 0])
        >>> fig.axes[0].get_xlabel()
        'Predicted label'
    """
    check_same_length(y_true, y_pred, "y_true", "y_pred")
    fig, ax = new_axes(None, (6, 5.5))
    ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, display_labels=class_names, ax=ax, colorbar=False, cmap="Blues"
    )
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_decision_boundary(predict, x, y, *, ax=None, title=None, resolution: int = 200):
    """Shade where a 2-D classifier predicts class 1, and draw the data on top.

    Args:
        predict: a function mapping ``(m, 2)`` points to ``(m,)`` probabilities
            of class 1, or ``(m, k)`` class probabilities (column 1 is used).
        x: ``(n, 2)`` points.
        y: ``(n,)`` labels 0 or 1.
        ax: axes to draw in; a new figure when ``None``.
        title: panel title.
        resolution: grid points per axis.

    Returns:
        The Figure.

    Example:
        >>> x = np.array([[0.0, 0.0], [1.0, 1.0]])
        >>> fig = plot_decision_boundary(lambda p: p[:, 0] > 0.5, x, [0, 1], resolution=10)
        >>> len(fig.axes)
        1
    """
    x = as_finite_array(x, "x", ndim=2)
    if x.shape[1] != 2:
        raise ValueError(f"x must have 2 features, but received shape {x.shape}.")
    check_same_length(x, y)
    fig, ax = new_axes(ax, (4.5, 4))
    pad = 0.5
    g0 = np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, resolution)
    g1 = np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, resolution)
    xx, yy = np.meshgrid(g0, g1)
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    p = np.asarray(predict(grid), dtype=float)
    if p.ndim == 2:
        p = p[:, 1] if p.shape[1] > 1 else p[:, 0]
    ax.contourf(xx, yy, p.reshape(xx.shape), levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
    ax.contour(xx, yy, p.reshape(xx.shape), levels=[0.5], colors="k", linewidths=1)
    y = np.asarray(y)
    for label, marker in ((0, "o"), (1, "s")):
        pts = x[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], marker=marker, s=14, edgecolor="k", linewidth=0.4,
                   color="tab:blue" if label == 0 else "tab:red", label=f"class {label}")
    label_axes(ax, "$x_1$", "$x_2$", title=title, grid=False, legend={"loc": "upper right", "fontsize": 8})
    return fig


def plot_roc_pr(y_true, scores):
    """ROC and precision-recall curves of one or more binary classifiers.

    Left, the ROC curve: true-positive rate (recall) against false-positive
    rate as the threshold falls, with the diagonal of a random guess. Right,
    the precision-recall curve, with the horizontal line of a random guess
    at the share of positives. Legends give the area under each curve
    (ROC-AUC; average precision for PR).

    Args:
        y_true: true labels, 0 or 1.
        scores: a dict mapping each model's name to its scores for class 1
            (one per sample), or one array of scores.

    Returns:
        The Figure, with two panels.

    Raises:
        ValueError: for labels other than 0 and 1, only one class present,
            NaN or infinite scores, or scores of another length.

    Example:
        >>> fig = plot_roc_pr([0, 0, 1, 1], {"model": [0.1, 0.4, 0.35, 0.8]})
        >>> [ax.get_xlabel() for ax in fig.axes]
        ['false-positive rate', 'recall']
    """
    from sklearn.metrics import (
        average_precision_score,
        precision_recall_curve,
        roc_auc_score,
        roc_curve,
    )


    y = check_labels(y_true, 2, "y_true")
    if y.min() == y.max():
        raise ValueError("y_true must hold both classes, 0 and 1, but received only one.")
    if not isinstance(scores, dict):
        scores = {"model": scores}
    fig, (ax_roc, ax_pr) = plt.subplots(1, 2, figsize=(10, 4))
    for name, s in scores.items():
        check_same_length(y, s, "y_true", f"scores[{name!r}]")
        s = as_finite_array(s, f"scores[{name!r}]", ndim=1)
        fpr, tpr, _ = roc_curve(y, s)
        ax_roc.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(y, s):.3f})")
        precision, recall, _ = precision_recall_curve(y, s)
        ax_pr.plot(recall, precision, drawstyle="steps-post",
                   label=f"{name} (AP {average_precision_score(y, s):.3f})")
    ax_roc.plot([0, 1], [0, 1], "k--", linewidth=0.8, label="random guess")
    ax_pr.axhline(y.mean(), color="k", linestyle="--", linewidth=0.8, label="random guess")
    label_axes(ax_roc, "false-positive rate", "true-positive rate (recall)", title="ROC curve",
               legend={"fontsize": 8, "loc": "lower right"})
    label_axes(ax_pr, "recall", "precision", title="precision-recall curve",
               legend={"fontsize": 8, "loc": "upper right"})
    for ax in (ax_roc, ax_pr):
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
    fig.tight_layout()
    return fig
