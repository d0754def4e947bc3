"""Helpers for lesson notebooks."""

from __future__ import annotations

__all__ = ["glue"]


def glue(name: str, value, display: bool = False):
    """Make a computed value available to the book's prose as ``{glue:text}`name```.

    This wraps :func:`myst_nb.glue` so that lessons also run where myst-nb is
    not installed (Colab): there it does nothing, and the value is shown by
    the code cell's own printed output.

    Args:
        name: the key the prose refers to.
        value: the value (a number, a string, a figure). Strings are glued as
            Markdown: refer to them with ``{glue:md}`name``` so that they read
            as words, without quotes.
        display: also display the value under the cell.

    Returns:
        ``None``, so that a ``glue`` call at the end of a cell displays nothing.

    Example:
        >>> glue("answer", 42)
    """
    try:
        from myst_nb import glue as _glue
    except ImportError:  # e.g. Colab: the book's toolchain is not installed
        return None
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()  # NumPy 2 prints np.float64(0.5), which the book cannot format
    if isinstance(value, str):  # show words as words, not as a quoted repr
        from IPython.display import Markdown

        value = Markdown(value)
    try:
        _glue(name, value, display=display)
    except Exception:  # outside IPython there is nothing to glue into
        pass
    return None
