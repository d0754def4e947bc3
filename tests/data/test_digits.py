"""bmlearn.data.digits."""

import numpy as np
import pytest
import sklearn.datasets

from bmlearn.data import load_digits


def test_digits_splits_sizes_and_ranges():
    d = load_digits()
    sizes = [len(d.train.x), len(d.val.x), len(d.test.x)]
    assert sum(sizes) == 1797
    assert sizes == [1167, 270, 360]
    assert d.train.x.shape[1:] == (8, 8, 1) and d.input_shape == (8, 8, 1)
    assert d.train.x.dtype == np.float32 and d.train.y.dtype == np.int64
    for x, y in (d.train, d.val, d.test):
        assert x.min() >= 0.0 and x.max() <= 1.0
        assert set(np.unique(y)) <= set(range(10))
    assert d.num_classes == 10 and "scikit-learn" in d.source


def test_digits_match_the_source_data():
    # Every split's images are the original images divided by 16: nothing altered.
    raw = sklearn.datasets.load_digits()
    originals = {img.tobytes(): label for img, label in zip((raw.images / 16.0).astype(np.float32), raw.target)}
    d = load_digits(shape="image")
    for x, y in (d.train, d.val, d.test):
        for img, label in zip(x[..., 0], y):
            assert originals[img.tobytes()] == label


def test_digits_splits_are_disjoint():
    d = load_digits(shape="flat")
    # Compare by the index of each row in the original data (rows can repeat).
    raw = (sklearn.datasets.load_digits().data / 16.0).astype(np.float32)
    total = sum(len(x) for x, _ in (d.train, d.val, d.test))
    stacked = np.concatenate([d.train.x, d.val.x, d.test.x])
    assert total == len(raw)
    # Same multiset of rows: sorting both gives identical arrays.
    key = lambda a: a[np.lexsort(a.T[::-1])]
    np.testing.assert_array_equal(key(stacked), key(raw))


def test_digits_stratified():
    d = load_digits()
    overall = np.bincount(np.concatenate([d.train.y, d.val.y, d.test.y]), minlength=10) / 1797
    for _, y in (d.train, d.val, d.test):
        np.testing.assert_allclose(np.bincount(y, minlength=10) / len(y), overall, atol=0.01)


def test_digits_deterministic_and_seed_dependent():
    a, b, c = load_digits(seed=0), load_digits(seed=0), load_digits(seed=1)
    np.testing.assert_array_equal(a.test.x, b.test.x)
    assert not np.array_equal(a.test.y, c.test.y)


def test_flat_and_image_are_the_same_split():
    img, flat = load_digits(shape="image"), load_digits(shape="flat")
    np.testing.assert_array_equal(img.test.x.reshape(len(img.test.x), -1), flat.test.x)
    np.testing.assert_array_equal(img.test.y, flat.test.y)


def test_digits_limit():
    d = load_digits(limit=500)
    assert sum(len(x) for x, _ in (d.train, d.val, d.test)) == 500


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"shape": "square"}, "shape must be 'image' or 'flat'"),
        ({"test_fraction": 0}, "test_fraction must be a number in"),
        ({"val_fraction": 0.5, "test_fraction": 0.5}, "must be below 1"),
        ({"limit": 0}, "limit must be a positive integer"),
    ],
)
def test_digits_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_digits(**kwargs)
