"""The plots added for Part 3."""

import numpy as np
import pytest
from sklearn.metrics import precision_recall_curve, roc_auc_score, roc_curve

from bmlearn import plot


def test_plot_histories_draws_each_run():
    fig = plot.plot_histories({"a": {"val_loss": [3.0, 2.0]}, "b": {"val_loss": [1.0, 0.5, 0.2]}},
                              title="t")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.0, 0.5, 0.2])
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [1, 2, 3])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ValueError, match="run 'a' has no metric 'accuracy'"):
        plot.plot_histories({"a": {"loss": [1.0]}}, metric="accuracy")
    with pytest.raises(ValueError, match="at least one run"):
        plot.plot_histories({})


def test_plot_learning_rate_samples_every_step():
    fig = plot.plot_learning_rate(lambda s: 0.5 ** s, 4)
    line = fig.axes[0].lines[0]
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2, 3, 4])
    np.testing.assert_allclose(line.get_ydata(), [1, 0.5, 0.25, 0.125, 0.0625])
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        plot.plot_learning_rate(lambda s: 1.0, 0)


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


def test_plot_sparsity_curve_in_percent():
    fig = plot.plot_sparsity_curve([0.0, 0.5], {"p": [0.9, 0.8], "q": [0.9, 0.85]}, baseline=0.9)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0, 50])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [90, 85])
    np.testing.assert_allclose(ax.lines[2].get_ydata(), [90, 90])
    with pytest.raises(ValueError, match="same number of samples"):
        plot.plot_sparsity_curve([0.0, 0.5], {"p": [0.9]})
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        plot.plot_sparsity_curve([0.0, 50.0], {"p": [0.9, 0.8]})
