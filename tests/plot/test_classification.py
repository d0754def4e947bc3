"""bmlearn.plot.classification."""

import numpy as np
import pytest
from sklearn.metrics import precision_recall_curve, roc_auc_score, roc_curve

from bmlearn import plot


def test_confusion_matrix_counts():
    fig = plot.plot_confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "1", "1", "2"]


def test_decision_boundary_validates():
    with pytest.raises(ValueError, match="2 features"):
        plot.plot_decision_boundary(lambda p: p[:, 0], np.zeros((4, 3)), [0, 1, 0, 1])


def test_plot_roc_pr_curves_match_scikit_learn(rng):
    y = (rng.random(300) < 0.1).astype(int)
    s = rng.random(300) + 0.5 * y
    fig = plot.plot_roc_pr(y, {"m": s})
    ax_roc, ax_pr = fig.axes
    fpr, tpr, _ = roc_curve(y, s)
    np.testing.assert_allclose(ax_roc.lines[0].get_xdata(), fpr)
    np.testing.assert_allclose(ax_roc.lines[0].get_ydata(), tpr)
    precision, recall, _ = precision_recall_curve(y, s)
    np.testing.assert_allclose(ax_pr.lines[0].get_xdata(), recall)
    np.testing.assert_allclose(ax_pr.lines[0].get_ydata(), precision)
    label = ax_roc.get_legend().get_texts()[0].get_text()
    assert label == f"m (AUC {roc_auc_score(y, s):.3f})"
    assert ax_pr.lines[-1].get_ydata()[0] == pytest.approx(y.mean())  # chance line


def test_plot_roc_pr_validates():
    with pytest.raises(ValueError, match="both classes"):
        plot.plot_roc_pr([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="same number of samples"):
        plot.plot_roc_pr([0, 1], {"m": [0.1]})
    with pytest.raises(ValueError, match="finite"):
        plot.plot_roc_pr([0, 1], [0.1, np.nan])
