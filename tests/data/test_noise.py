"""bmlearn.data.noise."""

import numpy as np
import pytest

from bmlearn.data import make_noise_classification


def test_noise_labels_are_independent_of_the_features():
    x, y = make_noise_classification(2000, 50, seed=1)
    assert x.shape == (2000, 50) and x.dtype == np.float32 and y.dtype == np.int64
    assert y.sum() == 1000
    corr = np.corrcoef(np.column_stack([x, y]).T)[-1, :-1]
    assert np.abs(corr).max() < 4 / np.sqrt(2000)  # no feature tells the label
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    np.testing.assert_array_equal(make_noise_classification(10, 3, seed=1).x,
                                  make_noise_classification(10, 3, seed=1).x)
    with pytest.raises(ValueError, match="n_features must be a positive integer"):
        make_noise_classification(10, 0)
