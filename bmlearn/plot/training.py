"""Training curves: histories, several runs, a learning-rate schedule, accuracy against sparsity."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from bmlearn.plot._figure import finish, history_logs, label_axes, new_axes
from bmlearn.validation import as_finite_array, check_same_length, check_scalar

__all__ = ["plot_history", "plot_histories", "plot_learning_rate", "plot_sparsity_curve"]


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
    logs = history_logs(history)
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
        label_axes(ax, "epoch", name)
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
    fig, ax = new_axes(None, (6, 3.8))
    for name, history in dict(histories).items():
        logs = history_logs(history)
        if metric not in logs:
            raise ValueError(f"run {name!r} has no metric {metric!r}; it holds {sorted(logs)}.")
        values = np.asarray(logs[metric], dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    return finish(fig, ax, "epoch", metric, title=title)


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
    steps = check_scalar(steps, "steps", integer=True, low=1)
    grid = np.arange(steps + 1)
    rates = np.array([float(schedule(int(s))) for s in grid])
    fig, ax = new_axes(ax, (6, 3.2))
    ax.plot(grid, rates)
    return finish(fig, ax, "training step", "learning rate", title=title, legend=False)


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
    fig, ax = new_axes(None, (6, 3.8))
    for name, acc in dict(accuracies).items():
        acc = as_finite_array(acc, f"accuracies[{name!r}]", ndim=1)
        check_same_length(x, acc, "sparsities", f"accuracies[{name!r}]")
        ax.plot(100 * x, 100 * acc, marker="o", label=name)
    if baseline is not None:
        ax.axhline(100 * float(baseline), color="k", linestyle="--", linewidth=0.8,
                   label=baseline_label)
    return finish(fig, ax, "weights set to zero (%)", "test accuracy (%)")
