"""bmlearn.plot.diagrams."""


from bmlearn import plot


def test_draw_dense_shapes_cells():
    fig = plot.draw_dense_shapes(2, 3, 4)
    # x: 2*3, W: 3*4, b: 4, z: 2*4 cells
    assert len(fig.axes[0].patches) == 6 + 12 + 4 + 8
