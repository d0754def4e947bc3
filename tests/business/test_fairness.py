"""bmlearn.business.fairness: by-hand cases, fairlearn as the reference, brute force and errors.

The rates are ratios of integer counts. Each is one float64 division of exact integers, so it is
within one unit roundoff u of the true ratio, in ours and in fairlearn's (which divides the same
counts, by a mean or by scikit-learn's recall); a gap is a difference of two such rates in [0, 1].
So ours and fairlearn's agree within 2 roundings per rate, 2 rates, plus the subtraction: 8 u,
written below as 4 eps.
"""

import math

import numpy as np
import pytest

from bmlearn.business.fairness import (
    GroupRate, apply_group_thresholds, demographic_parity_gap, equal_opportunity_gap, group_rates,
    group_thresholds,
)
from bmlearn.numerics import eps

TOL = 4 * eps("float64")

#            group a (5)      group b (4)   group c (3)
Y_TRUE = [1, 1, 1, 0, 0,   1, 1, 0, 0,   1, 0, 0]
Y_PRED = [1, 1, 0, 1, 0,   1, 0, 0, 0,   1, 1, 1]
GROUPS = ["a"] * 5 + ["b"] * 4 + ["c"] * 3


def test_group_rates_by_hand():
    rates = group_rates(Y_TRUE, Y_PRED, GROUPS)
    assert list(rates) == ["a", "b", "c"]
    # a: 3 selected of 5; positives 3 (approved 2 of them); negatives 2 (approved 1)
    assert rates["a"] == GroupRate(5, 3, 3, 2, 1, 3 / 5, 2 / 3, 1 / 2)
    # b: 1 selected of 4; positives 2 (approved 1); negatives 2 (approved 0)
    assert rates["b"] == GroupRate(4, 2, 1, 1, 0, 1 / 4, 1 / 2, 0 / 2)
    # c: 3 selected of 3; positives 1 (approved 1); negatives 2 (approved 2)
    assert rates["c"] == GroupRate(3, 1, 3, 1, 2, 3 / 3, 1 / 1, 2 / 2)


def test_gaps_by_hand():
    # selection rates 0.6, 0.25, 1.0: the gap is 1.0 - 0.25
    assert demographic_parity_gap(Y_PRED, GROUPS) == pytest.approx(0.75, abs=TOL)
    # true-positive rates 2/3, 1/2, 1: the gap is 1 - 1/2
    assert equal_opportunity_gap(Y_TRUE, Y_PRED, GROUPS) == pytest.approx(0.5, abs=TOL)
    # equal decisions in every group: both gaps 0
    assert demographic_parity_gap([1, 0, 1, 0], [0, 0, 1, 1]) == 0.0
    assert equal_opportunity_gap([1, 1, 1, 1], [1, 0, 1, 0], [0, 0, 1, 1]) == 0.0


def test_rates_undefined_without_positives_or_negatives_are_nan():
    rates = group_rates([1, 1, 0, 0], [1, 0, 0, 1], ["x", "x", "y", "y"])
    assert math.isnan(rates["x"].false_positive_rate)  # x has no negatives
    assert math.isnan(rates["y"].true_positive_rate)  # y has no positives
    assert rates["y"].false_positive_rate == 0.5


def test_numeric_and_boolean_inputs():
    rates = group_rates(np.array([True, False, True]), np.array([True, True, False]), np.array([3, 3, 7]))
    assert list(rates) == [3, 7] and all(type(k) is int for k in rates)
    assert rates[3].selection_rate == 1.0 and rates[7].true_positive_rate == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_fairlearn(seed):
    fairlearn_metrics = pytest.importorskip("fairlearn.metrics")
    rng = np.random.default_rng(seed)
    n = 1000
    groups = rng.choice(["18-29", "30-49", "50+", "unknown"], size=n, p=[0.3, 0.4, 0.2, 0.1])
    y_true = rng.integers(0, 2, n)
    # decisions that depend on the group, so that the gaps are not all near 0
    bias = {"18-29": 0.3, "30-49": 0.55, "50+": 0.7, "unknown": 0.5}
    y_pred = (rng.random(n) < np.vectorize(bias.get)(groups) + 0.2 * y_true).astype(int)

    ours_dp = demographic_parity_gap(y_pred, groups)
    ours_eo = equal_opportunity_gap(y_true, y_pred, groups)
    theirs_dp = fairlearn_metrics.demographic_parity_difference(y_true, y_pred, sensitive_features=groups)
    theirs_eo = fairlearn_metrics.equal_opportunity_difference(y_true, y_pred, sensitive_features=groups)
    assert abs(ours_dp - theirs_dp) <= TOL and abs(ours_eo - theirs_eo) <= TOL
    assert ours_dp > 0.1 and ours_eo > 0.1  # the test would notice a gap computed as 0

    frame = fairlearn_metrics.MetricFrame(
        metrics={"count": fairlearn_metrics.count, "selection_rate": fairlearn_metrics.selection_rate,
                 "true_positive_rate": fairlearn_metrics.true_positive_rate,
                 "false_positive_rate": fairlearn_metrics.false_positive_rate},
        y_true=y_true, y_pred=y_pred, sensitive_features=groups).by_group
    rates = group_rates(y_true, y_pred, groups)
    assert sorted(rates) == sorted(frame.index)
    for g, r in rates.items():
        assert r.count == frame.loc[g, "count"]
        for name in ("selection_rate", "true_positive_rate", "false_positive_rate"):
            assert abs(getattr(r, name) - frame.loc[g, name]) <= TOL, (g, name)


def test_group_thresholds_by_hand():
    scores = [0.9, 0.8, 0.6, 0.3, 0.7, 0.5, 0.4, 0.95]
    y_true = [1, 1, 1, 1, 0, 1, 1, 0]
    groups = ["a"] * 5 + ["b"] * 3
    # positives of a: 0.9 0.8 0.6 0.3; a rate >= 0.75 needs 3 of 4: the 3rd highest, 0.6.
    # positives of b: 0.5 0.4; >= 0.75 needs 2 of 2: 0.4.
    assert group_thresholds(scores, y_true, groups, target=0.75) == {"a": 0.6, "b": 0.4}
    # all of a: 0.9 0.8 0.7 0.6 0.3; >= 0.75 needs 4 of 5 (3.75 rounded up): 0.6.
    # all of b: 0.95 0.5 0.4; 3 of 3 (2.25 rounded up): 0.4.
    assert group_thresholds(scores, y_true, groups, target=0.75, rate="selection_rate") == {"a": 0.6, "b": 0.4}
    # target 1: the lowest positive; target 0: no one
    assert group_thresholds(scores, y_true, groups, target=1.0) == {"a": 0.3, "b": 0.4}
    assert group_thresholds(scores, y_true, groups, target=0.0) == {"a": math.inf, "b": math.inf}
    assert not apply_group_thresholds(scores, groups, {"a": math.inf, "b": math.inf}).any()


def test_group_thresholds_target_that_rounds_up():
    # 0.28 * 25 is 7.000000000000001 in float64: the threshold must still be the 7th highest of 25
    scores = np.arange(25, 0, -1) / 25  # 25/25, 24/25, ..., 1/25
    assert 0.28 * 25 > 7
    assert group_thresholds(scores, np.ones(25), np.zeros(25), target=0.28) == {0: scores[6]}
    assert scores[6] == 19 / 25


@pytest.mark.parametrize("rate", ["true_positive_rate", "selection_rate"])
@pytest.mark.parametrize("target", [0.05, 0.3, 0.62, 0.8, 1.0])
def test_group_thresholds_brute_force(rate, target):
    """The threshold reaches the target, and every higher candidate threshold does not."""
    rng = np.random.default_rng(int(100 * target))
    n = 400
    groups = rng.integers(0, 3, n)
    y_true = rng.integers(0, 2, n)
    scores = np.round(rng.random(n), 2)  # ties on purpose
    thresholds = group_thresholds(scores, y_true, groups, target=target, rate=rate)
    approve = apply_group_thresholds(scores, groups, thresholds)
    for g, t in thresholds.items():
        counts = (groups == g) & ((y_true == 1) if rate == "true_positive_rate" else True)
        assert approve[counts].mean() >= target
        for higher in np.unique(scores[counts & (scores > t)]):
            assert np.mean(scores[counts] >= higher) < target, (g, t, higher)
        assert t in scores[counts]  # a threshold is one of the scores
    if rate == "true_positive_rate" and target < 1:
        rates = group_rates(y_true, approve.astype(int), groups)
        # each group at or just above the target: within one positive and the ties at its threshold
        assert max(r.true_positive_rate for r in rates.values()) - target < 0.1


def test_errors():
    with pytest.raises(ValueError, match="y_true and y_pred must hold the same number of samples"):
        group_rates([1, 0], [1, 0, 1], ["a", "a", "b"])
    with pytest.raises(ValueError, match="groups must hold one label per sample, 2, but received 3"):
        group_rates([1, 0], [1, 0], ["a", "a", "b"])
    with pytest.raises(ValueError, match=r"y_pred must hold class labels in 0..1"):
        group_rates([1, 0], [2, 0], ["a", "b"])
    with pytest.raises(ValueError, match="groups must have 1 dimension"):
        group_rates([1, 0], [1, 0], [["a"], ["b"]])
    with pytest.raises(ValueError, match="groups must hold finite numbers"):
        group_rates([1, 0], [1, 0], [0.0, np.nan])
    with pytest.raises(ValueError, match="y_true must not be empty"):
        group_rates([], [], [])
    with pytest.raises(ValueError, match=r"at least 2 distinct groups to compare, but received 1: \['a'\]"):
        demographic_parity_gap([1, 0], ["a", "a"])
    with pytest.raises(ValueError, match="but group 'old' has none, so its true-positive rate is undefined"):
        equal_opportunity_gap([1, 0, 0], [1, 1, 0], ["young", "old", "old"])
    with pytest.raises(ValueError, match="but group 'old' has none"):
        group_thresholds([0.5, 0.2, 0.1], [1, 0, 0], ["young", "old", "old"], target=0.5)
    with pytest.raises(ValueError, match=r"target must be a number in \[0, 1\], but received 1.5"):
        group_thresholds([0.5, 0.2], [1, 1], ["a", "b"], target=1.5)
    with pytest.raises(ValueError, match="rate must be one of 'selection_rate', 'true_positive_rate'"):
        group_thresholds([0.5, 0.2], [1, 1], ["a", "b"], target=0.5, rate="accuracy")
    with pytest.raises(ValueError, match="scores must hold finite numbers"):
        group_thresholds([np.nan, 0.2], [1, 1], ["a", "b"], target=0.5)
    with pytest.raises(ValueError, match="scores and y_true must hold the same number of samples"):
        group_thresholds([0.5, 0.2], [1], ["a", "b"], target=0.5)
    with pytest.raises(ValueError, match=r"received none for 'b' \(it has \['a'\]\)"):
        apply_group_thresholds([0.5, 0.2], ["a", "b"], {"a": 0.3})
    with pytest.raises(ValueError, match=r"thresholds\['a'\] must be a finite number"):
        apply_group_thresholds([0.5, 0.2], ["a", "a"], {"a": "high"})
