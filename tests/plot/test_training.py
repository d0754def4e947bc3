"""bmlearn.plot.training."""

import numpy as np
import pytest

from bmlearn import plot


def test_plot_history_panels_and_lines():
    fig = plot.plot_history({"loss": [3, 2, 1], "val_loss": [3, 2.5, 2], "accuracy": [0.1, 0.5, 0.9]})
    loss_ax, acc_ax = fig.axes
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 1
    np.testing.assert_array_equal(loss_ax.lines[0].get_ydata(), [3, 2, 1])


def test_plot_history_missing_metric():
    with pytest.raises(ValueError, match="no metric"):
        plot.plot_history({"loss": [1.0]}, metrics=["accuracy"])


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
