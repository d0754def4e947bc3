"""Recommendation baselines and ranking metrics, against brute force, hand cases and scikit-learn."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from bmlearn import recommendation as rec


def random_interactions(seed, n_users=12, n_items=15, n=60):
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_users, n), rng.integers(0, n_items, n), n_users, n_items


def brute_item_knn(users, items, n_users, n_items):
    r = np.zeros((n_users, n_items))
    r[users, items] = 1
    scores = np.zeros((n_users, n_items))
    for u in range(n_users):
        for j in range(n_items):
            for i in range(n_items):
                if i != j and r[u, i]:
                    ni, nj = np.linalg.norm(r[:, i]), np.linalg.norm(r[:, j])
                    scores[u, j] += r[:, i] @ r[:, j] / (ni * nj) if ni and nj else 0.0
    return scores


@pytest.mark.parametrize("seed", range(3))
def test_item_knn_matches_brute_force(seed):
    data = random_interactions(seed)
    np.testing.assert_allclose(rec.item_knn(*data), brute_item_knn(*data), atol=1e-12)


def test_most_popular_counts_distinct_users():
    scores = rec.most_popular([0, 0, 1, 2, 2], [1, 1, 1, 0, 1], n_users=3, n_items=3)
    np.testing.assert_array_equal(scores, [[1, 3, 0]] * 3)


@pytest.mark.parametrize("seed", range(3))
def test_top_k_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, size=(6, 9)).astype(float)  # many ties
    su, si = rng.integers(0, 6, 10), rng.integers(0, 9, 10)
    got = rec.top_k(scores, 4, su, si)
    for u in range(6):
        seen = set(si[su == u])
        ranked = sorted((j for j in range(9) if j not in seen), key=lambda j: (-scores[u, j], j))
        assert list(got[u]) == ranked[:4]


def brute_metrics(recommended, users, items, k):
    recall, ndcg = [], []
    for u in sorted(set(users)):
        relevant = {i for uu, i in zip(users, items) if uu == u}
        top = list(recommended[u][:k])
        recall.append(len(relevant & set(top)) / len(relevant))
        dcg = sum(1 / np.log2(r + 2) for r, i in enumerate(top) if i in relevant)
        idcg = sum(1 / np.log2(r + 2) for r in range(min(k, len(relevant))))
        ndcg.append(dcg / idcg)
    return np.mean(recall), np.mean(ndcg)


@pytest.mark.parametrize("seed", range(4))
def test_metrics_match_brute_force_and_sklearn(seed):
    rng = np.random.default_rng(seed)
    n_users, n_items, k = 7, 20, 5
    recommended = np.array([rng.permutation(n_items)[:8] for _ in range(n_users)])
    users, items = rng.integers(0, n_users, 25), rng.integers(0, n_items, 25)
    want_recall, want_ndcg = brute_metrics(recommended, users, items, k)
    assert rec.recall_at_k(recommended, users, items, k) == pytest.approx(want_recall, abs=1e-12)
    assert rec.ndcg_at_k(recommended, users, items, k) == pytest.approx(want_ndcg, abs=1e-12)
    # scikit-learn's ndcg_score: binary relevance as y_true, scores that put the list first in its order
    evaluated = np.unique(users)
    y_true = np.zeros((len(evaluated), n_items))
    y_score = np.zeros((len(evaluated), n_items))
    for row, u in enumerate(evaluated):
        y_true[row, items[users == u]] = 1
        y_score[row, recommended[u]] = np.arange(recommended.shape[1], 0, -1)
    want = ndcg_score(y_true, y_score, k=k)
    assert rec.ndcg_at_k(recommended, users, items, k) == pytest.approx(want, abs=1e-12)
    per_user = rec.ndcg_at_k(recommended, users, items, k, average=False)
    want = [ndcg_score(y_true[row:row + 1], y_score[row:row + 1], k=k) for row in range(len(evaluated))]
    np.testing.assert_allclose(per_user, want, atol=1e-12)


def test_metric_hand_cases():
    recommended = [[0, 1, 2], [2, 1, 0]]
    assert rec.recall_at_k(recommended, [0, 0], [0, 1], k=1) == 0.5
    assert rec.ndcg_at_k(recommended, [0, 0], [0, 1], k=3) == pytest.approx(1.0)
    assert rec.ndcg_at_k(recommended, [1], [5], k=3) == 0.0  # relevant item never recommended
    # more relevant items than k: the ideal list is full, so a full list of hits scores 1
    assert rec.ndcg_at_k(recommended, [0] * 4, [0, 1, 2, 3], k=3) == pytest.approx(1.0)
    assert rec.recall_at_k(recommended, [0] * 4, [0, 1, 2, 3], k=3) == 0.75


@pytest.mark.parametrize("call, match", [
    (lambda: rec.top_k([[1.0, 2.0]], k=3), "k must be"),
    (lambda: rec.top_k([[1.0, 2.0]], k=2, seen_users=[0], seen_items=[0]), "at least k=2 unseen"),
    (lambda: rec.top_k([[1.0, 2.0]], k=1, seen_users=[0]), "together"),
    (lambda: rec.most_popular([0, 1], [0, 5], n_users=2, n_items=3), "items must hold"),
    (lambda: rec.item_knn([0, 1], [0], n_users=2, n_items=3), "same number"),
    (lambda: rec.recall_at_k([[0, 1]], [0], [1], k=3), "k must be"),
    (lambda: rec.ndcg_at_k([[0.5, 1]], [0], [1], k=1), "whole-number"),
    (lambda: rec.interaction_matrix([0], [0], n_users=0, n_items=1), "n_users must be"),
])
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_never_imports_tensorflow():
    code = ("import sys, numpy as np; from bmlearn import recommendation as r; "
            "s = r.item_knn([0, 1], [1, 0], 2, 3); r.ndcg_at_k(r.top_k(s, 2), [0], [1], 2); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
