"""bmlearn.data.imbalanced."""

import numpy as np
import pytest
import sklearn.datasets

from bmlearn.data import make_imbalanced


def test_imbalanced_follows_make_classification():
    data = make_imbalanced(4000, seed=3)
    x, y = sklearn.datasets.make_classification(
        n_samples=4000, n_features=20, n_informative=5, n_redundant=2, weights=[0.98, 0.02],
        class_sep=1.0, flip_y=0.0, random_state=3)
    stacked = np.concatenate([data.train.x, data.val.x, data.test.x])
    assert len(stacked) == 4000 and stacked.dtype == np.float32
    np.testing.assert_allclose(np.sort(stacked[:, 0]), np.sort(x[:, 0].astype(np.float32)))
    assert int(sum(s.y.sum() for s in (data.train, data.val, data.test))) == int(y.sum())
    assert "make_classification" in data.source and "random_state=3" in data.source


def test_imbalanced_share_of_positives_in_every_split():
    data = make_imbalanced()
    sizes = [len(s.x) for s in (data.train, data.val, data.test)]
    assert sizes == [12000, 4000, 4000]
    for split in (data.train, data.val, data.test):
        assert split.y.mean() == pytest.approx(0.02, abs=0.001)
    ten_percent = make_imbalanced(2000, positive_fraction=0.1)
    assert ten_percent.train.y.mean() == pytest.approx(0.1, abs=0.01)
    assert data.num_classes == 2 and data.input_shape == (20,)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "n must be a positive integer"),
        ({"positive_fraction": 0.7}, r"positive_fraction must be a number in \(0, 0\.5\]"),
        ({"positive_fraction": 0.0}, "positive_fraction must be a number in"),
        ({"n_features": 5}, "n_features must be an integer >= 7"),
    ],
)
def test_imbalanced_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_imbalanced(**kwargs)
