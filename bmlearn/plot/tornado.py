"""Tornado plots: how far each assumption, moved alone between a low and a high value, moves an answer."""

from __future__ import annotations

import numpy as np

from bmlearn.plot._figure import finish, new_axes
from bmlearn.validation import check_scalar

__all__ = ["plot_tornado"]


def plot_tornado(rows, base_output, *, xlabel="output", title=None, labels=None, value_format="{:g}",
                 ax=None):
    """Draw one horizontal bar per assumption, the widest swing on top, around the base output.

    Each bar runs from the output at the assumption's low value to the output
    at its high value (the rows of :func:`bmlearn.business.value.tornado`);
    the bar's two halves are coloured by which end (low or high) gives it,
    and the range of the assumption is written beside its name.

    Args:
        rows: ``(parameter, low, high, output_low, output_high, swing)`` rows,
            in the order to draw them top down (``tornado`` sorts them).
        base_output: the output with every assumption at its base value: the
            vertical line the bars grow from.
        xlabel: the output's name and unit.
        title: the title, or ``None``.
        labels: ``{parameter: label}`` to show instead of the parameter names.
        value_format: a format for the low and high values in the labels.
        ax: axes to draw on, or ``None`` for a new figure.

    Returns:
        The Figure.

    Raises:
        ValueError: for no rows or a base output that is not a finite number.

    Example:
        >>> from bmlearn.business.value import tornado
        >>> rows = tornado(lambda v, p: v * p, {"v": 10, "p": 2}, {"v": (5, 20), "p": (1, 3)})
        >>> fig = plot_tornado(rows, 20, xlabel="revenue")
        >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]  # v swings 50 to 200, p 10 to 30
        ['v (5 to 20)', 'p (1 to 3)']
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one row, but received none.")
    base = check_scalar(base_output, "base_output")
    labels = labels or {}
    fig, ax = new_axes(ax, (7, 0.5 * len(rows) + 1.5))
    y = np.arange(len(rows))[::-1]  # the first row on top
    for yi, r in zip(y, rows):
        ax.barh(yi, r.output_low - base, left=base, color="tab:blue", height=0.6,
                label="at the low value" if yi == y[0] else None)
        ax.barh(yi, r.output_high - base, left=base, color="tab:orange", height=0.6,
                label="at the high value" if yi == y[0] else None)
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{labels.get(r.parameter, r.parameter)} "
                        f"({value_format.format(r.low)} to {value_format.format(r.high)})" for r in rows])
    return finish(fig, ax, xlabel, "", title=title, legend=dict(fontsize=8))
