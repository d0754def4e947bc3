"""Attention weights as a heatmap: which keys each query attends to."""

from __future__ import annotations

import numpy as np

from bmlearn.plot._figure import new_axes
from bmlearn.validation import as_finite_array

__all__ = ["plot_attention"]


def plot_attention(weights, queries=None, keys=None, *, ax=None, title="attention weights"):
    """Draw an attention-weight matrix, one row per query and one column per key, each cell labelled.

    Args:
        weights: ``(n_queries, n_keys)`` weights in [0, 1] (each row a softmax).
        queries: labels of the rows (tokens or positions); ``0 .. n - 1`` when ``None``.
        keys: labels of the columns; the query labels when ``None`` and the matrix is square.
        ax: axes to draw in; a new figure when ``None``.
        title: panel title.

    Returns:
        The Figure.

    Raises:
        ValueError: for weights that are not a 2-D array of numbers in [0, 1], or
            labels of the wrong length.

    Example:
        >>> fig = plot_attention(np.array([[1.0, 0.0], [0.5, 0.5]]), ["the", "cat"])
        >>> [t.get_text() for t in fig.axes[0].texts][:2]
        ['1.00', '0.00']
    """
    w = as_finite_array(weights, "weights", ndim=2)
    if w.min() < 0 or w.max() > 1:
        raise ValueError(f"weights must lie in [0, 1], but received {w.min():.3g} to {w.max():.3g}.")
    queries = [str(i) for i in range(w.shape[0])] if queries is None else list(queries)
    keys = (queries if w.shape[0] == w.shape[1] else [str(j) for j in range(w.shape[1])]) \
        if keys is None else list(keys)
    if (len(queries), len(keys)) != w.shape:
        raise ValueError(
            f"queries and keys must label the {w.shape[0]} rows and {w.shape[1]} columns, but "
            f"received {len(queries)} and {len(keys)} labels."
        )
    fig, ax = new_axes(ax, (0.6 * w.shape[1] + 1.8, 0.55 * w.shape[0] + 1.2))
    ax.imshow(w, cmap="Blues", vmin=0, vmax=1)
    for i, j in np.ndindex(w.shape):
        ax.text(j, i, f"{w[i, j]:.2f}", ha="center", va="center",
                color="white" if w[i, j] > 0.6 else "black", fontsize=9)
    ax.set_xticks(range(len(keys)), keys)
    ax.set_yticks(range(len(queries)), queries)
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query (attending)")
    ax.set_title(title)
    return fig
