"""bmlearn.data.xor."""

import numpy as np
import pytest

from bmlearn.data import make_xor


def test_make_xor_labels_follow_corners():
    x, y = make_xor(2000, noise=0.1, seed=3)
    assert x.shape == (2000, 2) and y.shape == (2000,)
    corner = np.round(x).clip(0, 1)  # noise 0.1 rarely crosses 0.5
    agree = np.mean(y == np.logical_xor(corner[:, 0], corner[:, 1]))
    assert agree > 0.99
    assert 0.45 < y.mean() < 0.55


def test_make_xor_deterministic_and_validated():
    np.testing.assert_array_equal(make_xor(50, seed=1).x, make_xor(50, seed=1).x)
    with pytest.raises(ValueError, match="noise"):
        make_xor(10, noise=-1.0)
    with pytest.raises(ValueError, match="positive integer"):
        make_xor(0)
