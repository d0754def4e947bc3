"""bmlearn.plot.images."""

import numpy as np
import pytest

from bmlearn import plot


def test_show_images_marks_wrong_predictions_red():
    fig = plot.show_images(np.zeros((3, 64)), labels=[1, 2, 3], predictions=[1, 0, 3], n=3)
    colors = [ax.title.get_color() for ax in fig.axes]
    assert colors == ["black", "red", "black"]
    with pytest.raises(ValueError, match="square number"):
        plot.show_images(np.zeros((2, 10)))
