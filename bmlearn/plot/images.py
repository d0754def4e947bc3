"""Grids of small grey-scale images, titled with labels and predictions."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["show_images"]


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
    n = min(check_scalar(n, "n", integer=True, low=1), len(images))
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
    ncols = min(check_scalar(ncols, "ncols", integer=True, low=1), n)
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
