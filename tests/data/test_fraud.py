"""bmlearn.data.fraud: the generator's seeds, prevalence and documented structure."""

import math

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from bmlearn.data import make_card_fraud
from bmlearn.data.fraud import FEATURE_NAMES, MERCHANT_SHARES, MERCHANTS, MIMIC_SHARE

#: A binomial count lies within this many standard deviations of its mean with
#: probability above 1 - 6e-5 (normal approximation), so a failure means a wrong rate.
Z = 4


def _pooled(data):
    x = np.concatenate([data.train.x, data.val.x, data.test.x])
    y = np.concatenate([data.train.y, data.val.y, data.test.y])
    return x, y


@pytest.fixture(scope="module")
def large():
    return make_card_fraud(300_000, seed=0)


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = make_card_fraud(20_000, seed=0), make_card_fraud(20_000, seed=0), make_card_fraud(20_000, seed=1)
    for name in ("train", "val", "test"):
        np.testing.assert_array_equal(getattr(a, name).x, getattr(b, name).x)
        np.testing.assert_array_equal(getattr(a, name).y, getattr(b, name).y)
    assert not np.array_equal(a.train.x, c.train.x)
    assert a.source == b.source != c.source


@pytest.mark.parametrize("n, rate", [(20_000, 0.005), (100_000, 0.005), (50_000, 0.02), (4_000, 0.3)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fraud_rate_is_binomial(n, rate, seed):
    _, y = _pooled(make_card_fraud(n, fraud_rate=rate, seed=seed))
    assert len(y) == n and set(np.unique(y)) == {0, 1}
    # Frauds ~ Binomial(n, rate): mean n * rate, standard deviation sqrt(n * rate * (1 - rate)).
    assert abs(y.sum() - n * rate) <= Z * math.sqrt(n * rate * (1 - rate))


def test_splits_are_stratified_and_sized():
    data = make_card_fraud(50_000, seed=3)
    _, y = _pooled(data)
    assert [len(s.y) for s in (data.train, data.val, data.test)] == [30_000, 10_000, 10_000]
    for split in (data.train, data.val, data.test):
        assert abs(split.y.sum() - len(split.y) * y.mean()) <= 1
        assert split.x.dtype == np.float32 and split.y.dtype == np.int64
    assert data.input_shape == (len(FEATURE_NAMES),) == (13,)


def test_features_have_their_documented_ranges(large):
    x, _ = _pooled(large)
    column = {name: x[:, i] for i, name in enumerate(FEATURE_NAMES)}
    assert (column["amount"] > 0).all() and (column["distance_km"] >= 0).all()
    assert set(np.unique(column["hour"])) == set(range(24))
    for flag in ("card_present", "foreign"):
        assert set(np.unique(column[flag])) == {0, 1}
    assert np.all(x[:, 5:].sum(axis=1) == 1)  # one merchant each


def _within(observed, expected, count):
    """A share of `count` draws lies within Z binomial standard deviations of its probability."""
    return abs(observed - expected) <= Z * math.sqrt(expected * (1 - expected) / count)


def test_the_documented_mixture(large):
    x, y = _pooled(large)
    fraud, legit = x[y == 1], x[y == 0]
    present, foreign = FEATURE_NAMES.index("card_present"), FEATURE_NAMES.index("foreign")
    # A fraud follows the fraud pattern with probability 1 - MIMIC_SHARE, else the cardholder's.
    share = 1 - MIMIC_SHARE
    assert _within(fraud[:, present].mean(), share * 0.25 + MIMIC_SHARE * 0.75, len(fraud))
    assert _within(fraud[:, foreign].mean(), share * 0.20 + MIMIC_SHARE * 0.02, len(fraud))
    assert _within(legit[:, present].mean(), 0.75, len(legit))
    assert _within(legit[:, foreign].mean(), 0.02, len(legit))
    for m, merchant in enumerate(MERCHANTS):
        expected_fraud = share * MERCHANT_SHARES["fraud"][m] + MIMIC_SHARE * MERCHANT_SHARES["cardholder"][m]
        assert _within(fraud[:, 5 + m].mean(), expected_fraud, len(fraud)), merchant
        assert _within(legit[:, 5 + m].mean(), MERCHANT_SHARES["cardholder"][m], len(legit)), merchant
    # Legitimate amounts: log-normal with median $30, so half are below $30.
    assert _within((legit[:, 0] < 30).mean(), 0.5, len(legit))
    # Night (0-5 h): legitimate, a normal around 14:00 with sd 4.5 h, taken modulo 24.
    hours = np.arange(24)
    p_hour = sum(norm.cdf(hours + 1 + 24 * k, 14, 4.5) - norm.cdf(hours + 24 * k, 14, 4.5) for k in (-1, 0, 1))
    assert _within((legit[:, 1] < 6).mean(), p_hour[:6].sum(), len(legit))
    # Frauds: 70% of frauds are half at night, the mimics as often as cardholders.
    p_fraud_night = share * (0.5 + 0.5 * 6 / 24) + MIMIC_SHARE * p_hour[:6].sum()
    assert _within((fraud[:, 1] < 6).mean(), p_fraud_night, len(fraud))
    assert np.median(fraud[:, 0]) > 2 * np.median(legit[:, 0])
    assert np.median(fraud[:, 2]) > 4 * np.median(legit[:, 2])


def test_learnable_but_capped_by_the_mimics(large):
    def features(x):
        return np.column_stack([np.log(x[:, 0]), np.log1p(x[:, 2]), x[:, 1] < 6, x[:, 3:]])

    model = LogisticRegression(max_iter=1000).fit(features(large.train.x), large.train.y)
    x = np.concatenate([large.val.x, large.test.x])
    y = np.concatenate([large.val.y, large.test.y])
    auc = roc_auc_score(y, model.predict_proba(features(x))[:, 1])
    # The population cap is 1 - MIMIC_SHARE / 2 = 0.85; a sample of ~600 frauds varies by
    # about sqrt(0.85 * 0.15 / 600) = 0.015 (Hanley and McNeil's order), so allow Z of those.
    cap = 1 - MIMIC_SHARE / 2
    assert 0.75 < auc <= cap + Z * math.sqrt(cap * (1 - cap) / y.sum())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "n must be a positive integer, but received 0"),
        ({"n": 1000.0}, "n must be a positive integer, but received 1000.0"),
        ({"fraud_rate": 0}, "fraud_rate must be a number in \\(0, 0.5\\], but received 0"),
        ({"fraud_rate": 0.6}, "fraud_rate must be a number in \\(0, 0.5\\], but received 0.6"),
        ({"n": 1000}, "n \\* fraud_rate must be at least 20 .*, but received 1000 \\* 0.005 = 5"),
        ({"test_fraction": 1}, "test_fraction must be a number in \\(0, 1\\), but received 1"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_card_fraud(**kwargs)
