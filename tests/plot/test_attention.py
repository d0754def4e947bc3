"""bmlearn.plot.attention."""

import numpy as np
import pytest

from bmlearn import plot


def test_plot_attention_draws_every_weight_with_its_labels():
    w = np.array([[1.0, 0.0, 0.0], [0.25, 0.75, 0.0]])
    fig = plot.plot_attention(w, ["a", "b"], ["x", "y", "z"], title="t")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), w)
    assert [t.get_text() for t in ax.texts] == ["1.00", "0.00", "0.00", "0.25", "0.75", "0.00"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y", "z"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    assert ax.get_title() == "t"


def test_plot_attention_validates():
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\]"):
        plot.plot_attention(np.array([[1.5]]))
    with pytest.raises(ValueError, match="label the 2 rows and 2 columns"):
        plot.plot_attention(np.eye(2), ["only one"])
