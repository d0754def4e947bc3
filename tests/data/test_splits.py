"""bmlearn.data.splits."""

import numpy as np
import pytest

import bmlearn as bm
from bmlearn.data import split_three_ways


def test_split_three_ways_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of samples"):
        split_three_ways(np.zeros((10, 2)), np.zeros(9), val_fraction=0.2, test_fraction=0.2, seed=0)


def test_splits_summary_and_unpacking():
    d = bm.data.load_digits(shape="flat")
    x, y = d.train
    assert x is d.train.x and y is d.train.y
    assert "train:  1167 samples" in d.summary()
