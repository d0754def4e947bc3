"""Plots shared by the lessons. Each function returns the matplotlib Figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from sklearn.metrics import ConfusionMatrixDisplay

from bmlearn.validation import as_finite_array, check_positive_int, check_same_length

__all__ = [
    "draw_dense_shapes",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_history",
    "show_images",
    "plot_histories",
    "plot_learning_rate",
    "plot_roc_pr",
    "plot_sparsity_curve",
]


def plot_history(history, metrics=("loss", "accuracy")):
    """Plot training and validation curves, one panel per metric.

    Args:
        history: a ``keras.callbacks.History`` (what ``fit`` returns) or its
            ``.history`` dict.
        metrics: metric names to plot; each panel shows ``name`` and, when
            present, ``val_name``.

    Returns:
        The Figure.

    Raises:
        ValueError: if a metric is not in the history.

    Example:
        >>> fig = plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, metrics=["loss"])
        >>> len(fig.axes)
        1
    """
    logs = getattr(history, "history", history)
    metrics = list(metrics)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(
            f"history has no metric {missing}; it holds {sorted(logs)}."
        )
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, name in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], label="training")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


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
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, display_labels=class_names, ax=ax, colorbar=False, cmap="Blues"
    )
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def show_images(images, labels=None, predictions=None, *, n: int = 10, ncols: int = 10):
    """Show the first ``n`` images in a grid, titled with labels (and predictions).

    A title reads ``7`` (label only) or ``7→1`` (label, then prediction), and is
    red where the prediction is wrong.

    Args:
        images: ``(m, h, w)`` or ``(m, h, w, 1)`` grey-scale images, or
            ``(m, h*w)`` square images flattened.
        labels: true labels, optional.
        predictions: predicted labels, optional.
        n: how many images to show.
        ncols: images per row.

    Returns:
        The Figure.

    Example:
        >>> fig = show_images(np.zeros((3, 8, 8)), labels=[0, 1, 2], n=3)
        >>> len(fig.axes)
        3
    """
    images = as_finite_array(images, "images", min_ndim=2)
    n = min(check_positive_int(n, "n"), len(images))
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(
                f"flattened images must have a square number of pixels, "
                f"but received {images.shape[1]}."
            )
        images = images.reshape(len(images), side, side)
    if images.ndim == 4:
        images = images[..., 0]
    ncols = min(check_positive_int(ncols, "ncols"), n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols, 1.4 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.remove()
            continue
        ax.imshow(images[i], cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            title, color = f"{labels[i]}", "black"
            if predictions is not None:
                title += f"→{predictions[i]}"
                color = "black" if predictions[i] == labels[i] else "red"
            ax.set_title(title, color=color, fontsize=10)
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
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.5, 4))
    else:
        fig = ax.figure
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
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def draw_dense_shapes(batch: int, n_in: int, n_out: int):
    """Draw ``z = x W + b`` as grids of cells, one cell per number.

    ``x`` is ``batch × n_in``, ``W`` is ``n_in × n_out``, ``b`` is one row of
    ``n_out`` that is added to every row of ``x W``, and ``z`` is
    ``batch × n_out``. The shared length ``n_in`` is highlighted.

    Args:
        batch: rows of ``x`` (samples).
        n_in: input features.
        n_out: output units.

    Returns:
        The Figure.

    Example:
        >>> fig = draw_dense_shapes(2, 3, 2)
        >>> len(fig.axes)
        1
    """
    batch, n_in, n_out = (check_positive_int(v, k) for v, k in
                          ((batch, "batch"), (n_in, "n_in"), (n_out, "n_out")))
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * (n_in + 2 * n_out + 6), 1.2 + 0.5 * max(batch, n_in)))
    top = max(batch, n_in)

    def grid(x0, rows, cols, color, label, shape):
        for r in range(rows):
            for c in range(cols):
                ax.add_patch(Rectangle((x0 + c, top - r - 1), 1, 1, facecolor=color,
                                       edgecolor="k", linewidth=0.8))
        ax.text(x0 + cols / 2, top + 0.4, label, ha="center", fontsize=13)
        ax.text(x0 + cols / 2, top - rows - 0.7, shape, ha="center", fontsize=10)
        return x0 + cols

    x0 = grid(0, batch, n_in, "#cde4f7", "$x$", f"({batch}, {n_in})")
    ax.text(x0 + 0.5, top - 1, "·", fontsize=20, ha="center")
    x0 = grid(x0 + 1, n_in, n_out, "#f7dccd", "$W$", f"({n_in}, {n_out})")
    ax.text(x0 + 0.5, top - 1, "+", fontsize=16, ha="center")
    x0 = grid(x0 + 1, 1, n_out, "#e3f2d6", "$b$", f"({n_out},)")
    ax.text(x0 + 0.5, top - 1, "=", fontsize=16, ha="center")
    grid(x0 + 1, batch, n_out, "#eee0f5", "$z$", f"({batch}, {n_out})")
    ax.set_xlim(-0.5, x0 + n_out + 1.5)
    ax.set_ylim(top - max(batch, n_in) - 1.5, top + 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_histories(histories, metric: str = "val_loss", *, title=None):
    """Overlay one metric's curve from several training runs, one line per run.

    Args:
        histories: a dict mapping each run's name to its
            ``keras.callbacks.History`` (or ``.history`` dict).
        metric: the metric to plot, e.g. ``"val_loss"`` or ``"accuracy"``.
        title: panel title.

    Returns:
        The Figure.

    Raises:
        ValueError: if ``histories`` is empty or a run lacks ``metric``.

    Example:
        >>> fig = plot_histories({"a": {"val_loss": [2, 1]}, "b": {"val_loss": [3, 2, 1]}})
        >>> [len(line.get_xdata()) for line in fig.axes[0].lines]
        [2, 3]
    """
    if not histories:
        raise ValueError("histories must name at least one run, but received none.")
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for name, history in dict(histories).items():
        logs = getattr(history, "history", history)
        if metric not in logs:
            raise ValueError(f"run {name!r} has no metric {metric!r}; it holds {sorted(logs)}.")
        values = np.asarray(logs[metric], dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_learning_rate(schedule, steps: int, *, ax=None, title=None):
    """Plot a learning-rate schedule over training steps.

    Args:
        schedule: a callable mapping a step number to a learning rate, such as
            a ``keras.optimizers.schedules.LearningRateSchedule``.
        steps: plot steps ``0 .. steps``.
        ax: axes to draw in; a new figure when ``None``.
        title: panel title.

    Returns:
        The Figure.

    Raises:
        ValueError: for ``steps`` that is not a positive integer.

    Example:
        >>> fig = plot_learning_rate(lambda step: 0.1 / (1 + step), 10)
        >>> float(fig.axes[0].lines[0].get_ydata()[0])
        0.1
    """
    steps = check_positive_int(steps, "steps")
    grid = np.arange(steps + 1)
    rates = np.array([float(schedule(int(s))) for s in grid])
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.2))
    else:
        fig = ax.figure
    ax.plot(grid, rates)
    ax.set_xlabel("training step")
    ax.set_ylabel("learning rate")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
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

    from bmlearn.validation import check_labels

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
    ax_roc.set_xlabel("false-positive rate")
    ax_roc.set_ylabel("true-positive rate (recall)")
    ax_roc.set_title("ROC curve")
    ax_pr.set_xlabel("recall")
    ax_pr.set_ylabel("precision")
    ax_pr.set_title("precision-recall curve")
    for ax in (ax_roc, ax_pr):
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right" if ax is ax_roc else "upper right")
    fig.tight_layout()
    return fig


def plot_sparsity_curve(sparsities, accuracies, *, baseline=None, baseline_label="dense model"):
    """Accuracy against the share of weights pruned, one line per method.

    Args:
        sparsities: the pruned shares, in [0, 1].
        accuracies: a dict mapping each method's name (e.g. ``"pruned"``,
            ``"pruned + fine-tuned"``) to one accuracy per sparsity.
        baseline: an accuracy to draw as a horizontal reference line, or
            ``None``.
        baseline_label: the reference line's label.

    Returns:
        The Figure.

    Raises:
        ValueError: for NaN or infinite values, sparsities outside [0, 1], or
            a method with another number of accuracies than sparsities.

    Example:
        >>> fig = plot_sparsity_curve([0.0, 0.5, 0.9], {"pruned": [0.9, 0.9, 0.5]}, baseline=0.9)
        >>> len(fig.axes[0].lines)
        2
    """
    x = as_finite_array(sparsities, "sparsities", ndim=1)
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"sparsities must lie in [0, 1], but received {x.min()} to {x.max()}.")
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for name, acc in dict(accuracies).items():
        acc = as_finite_array(acc, f"accuracies[{name!r}]", ndim=1)
        check_same_length(x, acc, "sparsities", f"accuracies[{name!r}]")
        ax.plot(100 * x, 100 * acc, marker="o", label=name)
    if baseline is not None:
        ax.axhline(100 * float(baseline), color="k", linestyle="--", linewidth=0.8,
                   label=baseline_label)
    ax.set_xlabel("weights set to zero (%)")
    ax.set_ylabel("test accuracy (%)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
