"""Plots shared by the lessons, one module per topic. Each function returns the matplotlib Figure.

- :mod:`~bmlearn.plot.training`: :func:`plot_history`, :func:`plot_histories`,
  :func:`plot_learning_rate`, :func:`plot_sparsity_curve`;
- :mod:`~bmlearn.plot.classification`: :func:`plot_confusion_matrix`,
  :func:`plot_decision_boundary`, :func:`plot_roc_pr`;
- :mod:`~bmlearn.plot.images`: :func:`show_images`;
- :mod:`~bmlearn.plot.attention`: :func:`plot_attention`;
- :mod:`~bmlearn.plot.diagrams`: :func:`draw_dense_shapes`;
- :mod:`~bmlearn.plot.tornado`: :func:`plot_tornado`.
"""

from bmlearn.plot.attention import plot_attention
from bmlearn.plot.classification import plot_confusion_matrix, plot_decision_boundary, plot_roc_pr
from bmlearn.plot.diagrams import draw_dense_shapes
from bmlearn.plot.images import show_images
from bmlearn.plot.tornado import plot_tornado
from bmlearn.plot.training import (
    plot_histories,
    plot_history,
    plot_learning_rate,
    plot_sparsity_curve,
)

__all__ = [
    "draw_dense_shapes",
    "plot_attention",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_histories",
    "plot_history",
    "plot_learning_rate",
    "plot_roc_pr",
    "plot_sparsity_curve",
    "plot_tornado",
    "show_images",
]
