"""Diagrams of the arithmetic: the shapes in a dense layer's ``z = x W + b``."""

from __future__ import annotations

from matplotlib.patches import Rectangle

from bmlearn.plot._figure import new_axes
from bmlearn.validation import check_scalar

__all__ = ["draw_dense_shapes"]


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
    batch, n_in, n_out = (check_scalar(v, k, integer=True, low=1) for v, k in
                          ((batch, "batch"), (n_in, "n_in"), (n_out, "n_out")))
    fig, ax = new_axes(None, (1.0 + 0.55 * (n_in + 2 * n_out + 6), 1.2 + 0.5 * max(batch, n_in)))
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
