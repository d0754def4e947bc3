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


def test_confusion_matrix_counts():
    fig = plot.plot_confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "1", "1", "2"]


def test_show_images_marks_wrong_predictions_red():
    fig = plot.show_images(np.zeros((3, 64)), labels=[1, 2, 3], predictions=[1, 0, 3], n=3)
    colors = [ax.title.get_color() for ax in fig.axes]
    assert colors == ["black", "red", "black"]
    with pytest.raises(ValueError, match="square number"):
        plot.show_images(np.zeros((2, 10)))


def test_decision_boundary_validates():
    with pytest.raises(ValueError, match="2 features"):
        plot.plot_decision_boundary(lambda p: p[:, 0], np.zeros((4, 3)), [0, 1, 0, 1])


def test_draw_dense_shapes_cells():
    fig = plot.draw_dense_shapes(2, 3, 4)
    # x: 2*3, W: 3*4, b: 4, z: 2*4 cells
    assert len(fig.axes[0].patches) == 6 + 12 + 4 + 8
