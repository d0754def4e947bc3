"""bmlearn.plot.tornado."""

import pytest

from bmlearn import plot
from bmlearn.business.value import tornado


def test_plot_tornado_draws_each_bar_from_the_base_to_each_end():
    # v * p at v = 10, p = 2: v from 5 to 20 gives 10 to 40; p from 1 to 3 gives 10 to 30
    rows = tornado(lambda v, p: v * p, {"v": 10, "p": 2}, {"v": (5, 20), "p": (1, 3)})
    fig = plot.plot_tornado(rows, 20, xlabel="revenue", labels={"v": "volume"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["volume (5 to 20)", "p (1 to 3)"]
    spans = sorted((round(b.get_x(), 9), round(b.get_x() + b.get_width(), 9)) for b in ax.patches)
    # each bar starts at the base, 20, and ends at an output: 10 and 40 for v, 10 and 30 for p
    assert spans == [(20, 10), (20, 10), (20, 30), (20, 40)]
    assert ax.get_xlabel() == "revenue"


def test_plot_tornado_errors():
    with pytest.raises(ValueError, match="rows must hold at least one row"):
        plot.plot_tornado([], 0)
    rows = tornado(lambda x: x, {"x": 1}, {"x": (0, 2)})
    with pytest.raises(ValueError, match="base_output must be a finite number"):
        plot.plot_tornado(rows, float("nan"))
