"""The figure set-up every plot shares: new axes or the caller's, labels, grid, legend, title."""

from __future__ import annotations

import matplotlib.pyplot as plt


def new_axes(ax, figsize):
    """``(figure, axes)``: the caller's ``ax`` and its figure, or a new figure of ``figsize``."""
    if ax is None:
        return plt.subplots(figsize=figsize)
    return ax.figure, ax


def history_logs(history) -> dict:
    """A ``keras.callbacks.History``'s ``.history`` dict, or the dict itself."""
    return getattr(history, "history", history)


def label_axes(ax, xlabel: str, ylabel: str, *, title=None, grid: bool = True, legend=True) -> None:
    """Label a panel; ``legend`` is ``True``, ``False`` or the legend's keyword arguments."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if grid:
        ax.grid(alpha=0.3)
    if legend:
        ax.legend(**(legend if isinstance(legend, dict) else {}))
    if title:
        ax.set_title(title)


def finish(fig, ax, xlabel: str, ylabel: str, *, title=None, legend=True):
    """Label a one-panel figure, tighten its layout and return it."""
    label_axes(ax, xlabel, ylabel, title=title, legend=legend)
    fig.tight_layout()
    return fig
