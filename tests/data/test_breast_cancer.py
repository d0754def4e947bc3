"""bmlearn.data.breast_cancer."""

import numpy as np
import pytest
import sklearn.datasets

from bmlearn.data import load_breast_cancer, load_breast_cancer_frame


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
