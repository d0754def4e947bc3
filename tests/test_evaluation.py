import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
)
from sklearn.utils.class_weight import compute_class_weight

from bmlearn.evaluation import balanced_class_weight, binary_metrics, choose_threshold


@pytest.fixture
def imbalanced(rng):
    y = (rng.random(500) < 0.05).astype(int)
    scores = np.clip(rng.normal(0.3 + 0.3 * y, 0.2), 0, 1).round(2)  # rounding makes ties
    return y, scores


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.62, 0.9, 2.0])
def test_binary_metrics_match_scikit_learn(imbalanced, threshold):
    y, s = imbalanced
    pred = (s >= threshold).astype(int)
    m = binary_metrics(y, s, threshold)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (tp, fp, fn, tn)
    assert m["accuracy"] == pytest.approx(accuracy_score(y, pred))
    assert m["precision"] == pytest.approx(precision_score(y, pred, zero_division=0))
    assert m["recall"] == pytest.approx(recall_score(y, pred, zero_division=0))
    assert m["f1"] == pytest.approx(f1_score(y, pred, zero_division=0))


def test_predicting_nothing_positive():
    m = binary_metrics([0, 0, 1], [0.1, 0.2, 0.3], threshold=0.5)
    assert m["precision"] == 0.0 and m["recall"] == 0.0 and m["f1"] == 0.0
    assert m["accuracy"] == pytest.approx(2 / 3)


def _brute_force(y, s, min_recall=None):
    best_t, best = None, None
    for t in np.unique(s)[::-1]:  # high to low: ties go to the higher threshold
        pred = (s >= t).astype(int)
        if min_recall is None:
            value = f1_score(y, pred, zero_division=0)
            if best is None or value > best + 1e-12:
                best_t, best = t, value
        elif recall_score(y, pred) >= min_recall:
            return float(t)
    return float(best_t)


def test_choose_threshold_maximises_f1(imbalanced):
    y, s = imbalanced
    t = choose_threshold(y, s)
    assert t == _brute_force(y, s)
    assert binary_metrics(y, s, t)["f1"] == pytest.approx(
        max(f1_score(y, (s >= u).astype(int)) for u in np.unique(s)))


@pytest.mark.parametrize("min_recall", [0.1, 0.5, 0.8, 1.0])
def test_choose_threshold_for_a_recall(imbalanced, min_recall):
    y, s = imbalanced
    t = choose_threshold(y, s, min_recall=min_recall)
    assert t == _brute_force(y, s, min_recall)
    assert binary_metrics(y, s, t)["recall"] >= min_recall
    higher = s[s > t]
    if higher.size:  # the next threshold up falls short
        assert binary_metrics(y, s, float(higher.min()))["recall"] < min_recall


def test_balanced_class_weight_matches_scikit_learn(rng):
    y = rng.choice(3, size=200, p=[0.7, 0.25, 0.05])
    ours = balanced_class_weight(y, num_classes=3)
    theirs = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose([ours[c] for c in range(3)], theirs)
    assert sum(ours[c] * np.sum(y == c) for c in range(3)) == pytest.approx(len(y))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: binary_metrics([0, 2], [0.1, 0.2]), r"class labels in 0\.\.1"),
        (lambda: binary_metrics([0, 1], [0.1, np.nan]), "scores must hold finite numbers"),
        (lambda: binary_metrics([0, 1, 1], [0.1, 0.2]), "same number of samples"),
        (lambda: binary_metrics([0, 1], [0.1, 0.2], threshold=np.inf), "threshold must be"),
        (lambda: choose_threshold([0, 0], [0.1, 0.2]), "at least one positive"),
        (lambda: choose_threshold([0, 1], [0.1, 0.2], min_recall=0), "min_recall must be"),
        (lambda: choose_threshold([0, 1], [0.1, 0.2], min_recall=1.5), "min_recall must be"),
        (lambda: choose_threshold([0, 1], [0.1, np.inf]), "1 infinite"),
        (lambda: balanced_class_weight([0, 0, 2], num_classes=3), r"classes \[1\] have none"),
        (lambda: balanced_class_weight([0, 3], num_classes=3), r"values from 0 to 3"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
