"""The data loaders added for Part 3: breast cancer, an imbalanced set, pure noise."""

import numpy as np
import pytest
import sklearn.datasets

from bmlearn.data import (
    load_breast_cancer,
    load_breast_cancer_frame,
    make_imbalanced,
    make_noise_classification,
)


def test_breast_cancer_frame_is_the_bundled_data():
    frame = load_breast_cancer_frame()
    raw = sklearn.datasets.load_breast_cancer()
    assert list(frame.columns) == [*raw.feature_names, "target"]
    np.testing.assert_array_equal(frame.drop(columns="target").to_numpy(), raw.data)
    np.testing.assert_array_equal(frame["target"].to_numpy(), raw.target)
    assert frame["target"].dtype == np.int64
    assert frame["target"].value_counts().to_dict() == {1: 357, 0: 212}


def test_breast_cancer_splits_are_unscaled_stratified_and_complete():
    data = load_breast_cancer()
    raw = sklearn.datasets.load_breast_cancer()
    stacked = np.concatenate([data.train.x, data.val.x, data.test.x])
    labels = np.concatenate([data.train.y, data.val.y, data.test.y])
    assert stacked.shape == (569, 30) and stacked.dtype == np.float32
    key = np.lexsort(stacked.T[::-1])
    raw_key = np.lexsort(raw.data.astype(np.float32).T[::-1])
    np.testing.assert_array_equal(stacked[key], raw.data.astype(np.float32)[raw_key])
    np.testing.assert_array_equal(labels[key], raw.target[raw_key])
    assert stacked[:, 3].max() > 1000  # "mean area": original units, not standardised
    for _, y in (data.train, data.val, data.test):
        assert abs(y.mean() - 357 / 569) < 0.02
    assert data.class_names == ("malignant", "benign") and "Wisconsin" in data.source


def test_breast_cancer_seed():
    a, b, c = load_breast_cancer(seed=0), load_breast_cancer(seed=0), load_breast_cancer(seed=1)
    np.testing.assert_array_equal(a.test.x, b.test.x)
    assert not np.array_equal(a.test.x, c.test.x)
    with pytest.raises(ValueError, match="test_fraction must be a number in"):
        load_breast_cancer(test_fraction=1.5)


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
        ({"positive_fraction": 0.7}, "at most 0.5"),
        ({"positive_fraction": 0.0}, "positive_fraction must be a number in"),
        ({"n_features": 5}, "at least 7"),
    ],
)
def test_imbalanced_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_imbalanced(**kwargs)


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
