import numpy as np
import pandas as pd
import pytest

import bmlearn as bm
from bmlearn.train import make_dataset


def _collect(ds):
    xs, ys = zip(*[(np.asarray(xb), np.asarray(yb)) for xb, yb in ds])
    return np.concatenate(xs), np.concatenate(ys)


def test_batches_equal_the_numpy_data_in_order(rng):
    x = rng.normal(size=(23, 3)).astype(np.float32)
    y = rng.integers(0, 4, size=23)
    ds = make_dataset(x, y, batch_size=5, num_classes=4)
    sizes = [len(xb) for xb, _ in ds]
    assert sizes == [5, 5, 5, 5, 3]
    xs, ys = _collect(ds)
    np.testing.assert_array_equal(xs, x)
    np.testing.assert_array_equal(ys, y)
    assert xs.dtype == np.float32 and ys.dtype == np.int64


def test_drop_remainder_and_inputs_only(rng):
    x = rng.normal(size=(23, 2))
    ds = make_dataset(x, batch_size=5, drop_remainder=True)
    batches = [np.asarray(b) for b in ds]
    assert [len(b) for b in batches] == [5, 5, 5, 5]
    np.testing.assert_allclose(np.concatenate(batches), x[:20].astype(np.float32))


def test_shuffle_is_a_new_permutation_each_epoch_and_repeats_with_the_seed():
    x = np.arange(50, dtype=np.float32)[:, None]
    y = np.arange(50) % 2
    ds = make_dataset(x, y, batch_size=7, shuffle=True, seed=3)
    epoch1, epoch2 = _collect(ds), _collect(ds)
    for xs, ys in (epoch1, epoch2):
        np.testing.assert_array_equal(np.sort(xs[:, 0]), x[:, 0])  # a permutation
        np.testing.assert_array_equal(ys, xs[:, 0].astype(int) % 2)  # pairs stay together
    assert not np.array_equal(epoch1[0], epoch2[0])
    assert not np.array_equal(epoch1[0], x)
    again = make_dataset(x, y, batch_size=7, shuffle=True, seed=3)
    np.testing.assert_array_equal(_collect(again)[0], epoch1[0])
    other = make_dataset(x, y, batch_size=7, shuffle=True, seed=4)
    assert not np.array_equal(_collect(other)[0], epoch1[0])


def test_one_hot_labels():
    y = np.array([2, 0, 1, 2])
    _, ys = _collect(make_dataset(np.zeros((4, 1)), y, batch_size=3, num_classes=3, one_hot=True))
    np.testing.assert_array_equal(ys, np.eye(3)[y])
    assert ys.dtype == np.float32


def test_pandas_frame_and_series_give_the_same_batches():
    frame = bm.data.load_breast_cancer_frame()
    features = frame.drop(columns="target")
    from_pandas = _collect(make_dataset(features, frame["target"], batch_size=64, num_classes=2))
    from_numpy = _collect(make_dataset(features.to_numpy(), frame["target"].to_numpy(),
                                       batch_size=64))
    np.testing.assert_array_equal(from_pandas[0], from_numpy[0])
    np.testing.assert_array_equal(from_pandas[1], from_numpy[1])
    np.testing.assert_allclose(from_pandas[0], features.to_numpy().astype(np.float32))


def test_float_targets_are_kept_as_float32():
    y = np.linspace(0, 1, 6)
    _, ys = _collect(make_dataset(np.zeros((6, 2)), y, batch_size=4))
    np.testing.assert_allclose(ys, y.astype(np.float32))
    assert ys.dtype == np.float32


def test_cache_runs_preprocessing_once(tf):
    calls = []

    def count(x, y):
        def bump(v):
            calls.append(1)
            return v

        return tf.numpy_function(bump, [x], tf.float32, stateful=True), y

    x, y = np.arange(10, dtype=np.float32)[:, None], np.zeros(10, dtype=np.int64)
    cached = make_dataset(x, y, batch_size=4, preprocess=count, cache=True)
    for _ in range(3):
        _collect(cached)
    assert len(calls) == 10
    calls.clear()
    uncached = make_dataset(x, y, batch_size=4, preprocess=count, cache=False)
    for _ in range(3):
        _collect(uncached)
    assert len(calls) == 30


def test_augment_works_on_batches_after_the_cache():
    x = np.arange(6, dtype=np.float32)[:, None]
    y = np.arange(6)
    xs, ys = _collect(make_dataset(x, y, batch_size=4, augment=lambda xb: xb * 10))
    np.testing.assert_array_equal(xs, x * 10)
    np.testing.assert_array_equal(ys, y)
    xs_only = np.concatenate([np.asarray(b) for b in make_dataset(x, batch_size=4,
                                                                   augment=lambda b: b + 1)])
    np.testing.assert_array_equal(xs_only, x + 1)


def test_prefetch_and_cache_do_not_change_the_data(rng):
    x, y = rng.normal(size=(9, 2)), rng.integers(0, 2, 9)
    plain = _collect(make_dataset(x, y, batch_size=4, cache=False, prefetch=False))
    fast = _collect(make_dataset(x, y, batch_size=4, cache=True, prefetch=True))
    np.testing.assert_array_equal(plain[0], fast[0])
    np.testing.assert_array_equal(plain[1], fast[1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"x": [[1.0], [np.nan]], "y": [0, 1]}, r"x must hold finite numbers, but received 1 NaN"),
        ({"x": [[1.0], [2.0]], "y": [0.5, np.inf]}, r"y must hold finite numbers.*1 infinite"),
        ({"x": [[1.0], [2.0], [3.0]], "y": [0, 1]},
         r"same number of samples, but received 3 and 2"),
        ({"x": [[1.0], [2.0]], "y": [0, 3], "num_classes": 3},
         r"class labels in 0\.\.2, but received values from 0 to 3"),
        ({"x": [[1.0], [2.0]], "y": [-1, 0], "num_classes": 2}, r"values from -1 to 0"),
        ({"x": [[1.0], [2.0]], "y": [0, 1], "one_hot": True}, "one_hot=True needs num_classes"),
        ({"x": [[1.0], [2.0]], "num_classes": 2}, "y is None"),
        ({"x": [[1.0], [2.0]], "y": [0, 1], "batch_size": 0}, "batch_size must be a positive"),
        ({"x": [[1.0], [2.0]], "y": [0, 1], "seed": -1}, "seed must be a non-negative"),
        ({"x": [], "y": []}, "must not be empty"),
    ],
)
def test_bad_input_is_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_dataset(**kwargs)


def test_frame_with_nan_is_rejected():
    frame = pd.DataFrame({"a": [1.0, np.nan], "b": [0.0, 1.0]})
    with pytest.raises(ValueError, match="x must hold finite numbers"):
        make_dataset(frame, [0, 1])


def test_epoch_variable_fixes_each_epochs_order(tf):
    epoch = tf.Variable(0, dtype=tf.int64)
    x = np.arange(30, dtype=np.float32)[:, None]
    y = np.arange(30)
    ds = make_dataset(x, y, batch_size=7, shuffle=True, seed=5, epoch=epoch)
    orders = {}
    for e in (0, 1, 2, 1, 0):
        epoch.assign(e)
        xs, ys = _collect(ds)
        np.testing.assert_array_equal(np.sort(ys), y)  # a permutation
        np.testing.assert_array_equal(xs[:, 0], ys)  # pairs stay together
        if e in orders:
            np.testing.assert_array_equal(ys, orders[e])  # the same epoch, the same order
        orders[e] = ys
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[1], orders[2])
    fresh = make_dataset(x, y, batch_size=7, shuffle=True, seed=5, epoch=epoch)
    epoch.assign(2)
    np.testing.assert_array_equal(_collect(fresh)[1], orders[2])  # a new pipeline agrees


def test_epoch_variable_errors(tf):
    with pytest.raises(ValueError, match="preprocess cannot be combined with epoch"):
        make_dataset([[1.0]], [0], shuffle=True, epoch=tf.Variable(0, dtype=tf.int64),
                     preprocess=lambda a, b: (a, b))
    with pytest.raises(ValueError, match="scalar int64 tf.Variable"):
        make_dataset([[1.0]], [0], shuffle=True, epoch=3)
