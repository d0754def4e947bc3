"""Top-k recommendation from implicit feedback: baselines, ranking, metrics (NumPy and SciPy only).

Implicit feedback means that the data say only which items each user
interacted with (rated, bought, watched), as pairs of ``users[i]`` and
``items[i]`` indices. A recommender gives a score to every (user, item)
pair; :func:`top_k` turns the scores into each user's ``k`` best items
among those they have not seen, and :func:`recall_at_k` and
:func:`ndcg_at_k` score those lists against the items each user went on to
interact with later.

- :func:`most_popular`: every user gets the items with the most
  interactions in the training data.
- :func:`item_knn`: item-based nearest neighbours with cosine similarity on
  the binary user-item matrix (Sarwar et al., 2001; Deshpande and Karypis,
  2004).
- :func:`top_k`: the ``k`` highest-scoring unseen items per user.
- :func:`recall_at_k`, :func:`ndcg_at_k`: binary relevance, averaged over
  the users who have at least one relevant item.

The module imports only NumPy and SciPy, never TensorFlow (a test checks it).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from bmlearn.validation import as_finite_array, check_same_length, check_scalar

__all__ = ["interaction_matrix", "item_knn", "most_popular", "ndcg_at_k", "recall_at_k", "top_k"]


def _pairs(users, items, n_users: int, n_items: int, prefix: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Check (user, item) index pairs: whole numbers in range, equal lengths."""
    u = as_finite_array(users, f"{prefix}users", ndim=1)
    i = as_finite_array(items, f"{prefix}items", ndim=1)
    check_same_length(u, i, f"{prefix}users", f"{prefix}items")
    for arr, name, size in ((u, f"{prefix}users", n_users), (i, f"{prefix}items", n_items)):
        if not np.all(arr == np.round(arr)) or arr.min() < 0 or arr.max() >= size:
            raise ValueError(
                f"{name} must hold whole-number indices in 0..{size - 1}, but received values from "
                f"{arr.min():g} to {arr.max():g}."
            )
    return u.astype(np.int64), i.astype(np.int64)


def interaction_matrix(users, items, n_users: int, n_items: int) -> sp.csr_matrix:
    """The binary user-item matrix: 1 where a user interacted with an item (repeats count once).

    Args:
        users: user index of each interaction, in ``0 .. n_users - 1``.
        items: item index of each interaction, in ``0 .. n_items - 1``.
        n_users: number of users (rows).
        n_items: number of items (columns).

    Returns:
        A ``scipy.sparse.csr_matrix`` of shape ``(n_users, n_items)`` holding 0 and 1 (float64).

    Raises:
        ValueError: for indices out of range or arrays of different lengths.

    Example:
        >>> interaction_matrix([0, 0, 1, 0], [2, 0, 2, 2], n_users=2, n_items=3).toarray()
        array([[1., 0., 1.],
               [0., 0., 1.]])
    """
    n_users = check_scalar(n_users, "n_users", integer=True, low=1)
    n_items = check_scalar(n_items, "n_items", integer=True, low=1)
    u, i = _pairs(users, items, n_users, n_items)
    matrix = sp.csr_matrix((np.ones(len(u)), (u, i)), shape=(n_users, n_items))
    matrix.data[:] = 1.0  # duplicates were summed: count each pair once
    return matrix


def most_popular(users, items, n_users: int, n_items: int) -> np.ndarray:
    """Scores of the most-popular recommender: each item's number of distinct users, the same for every user.

    Args:
        users: user index of each training interaction.
        items: item index of each training interaction.
        n_users: number of users.
        n_items: number of items.

    Returns:
        float64 array of shape ``(n_users, n_items)``; every row holds the
        items' counts of users in the training interactions. Pass it to
        :func:`top_k` to remove what each user has seen.

    Raises:
        ValueError: for indices out of range or arrays of different lengths.

    Example:
        >>> most_popular([0, 1, 1, 2], [1, 1, 2, 1], n_users=3, n_items=3)[0]
        array([0., 3., 1.])
    """
    matrix = interaction_matrix(users, items, n_users, n_items)
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    return np.tile(counts, (matrix.shape[0], 1))


def item_knn(users, items, n_users: int, n_items: int) -> np.ndarray:
    """Scores of item-based k-nearest neighbours, with cosine similarity over all neighbours.

    With ``R`` the binary user-item matrix, the similarity of items ``i``
    and ``j`` is the cosine of their columns,
    ``s(i, j) = R[:, i] . R[:, j] / (||R[:, i]|| ||R[:, j]||)`` (0 for an
    item nobody interacted with), and user ``u``'s score for item ``j`` is
    the sum of ``s(i, j)`` over the other items ``i != j`` that ``u``
    interacted with. Every item counts as a neighbour (no truncation to the
    nearest few). Computed as ``(R Rn^T) Rn`` with ``Rn`` the column-
    normalised matrix, which never forms the items-by-items matrix.

    Args:
        users: user index of each training interaction.
        items: item index of each training interaction.
        n_users: number of users.
        n_items: number of items.

    Returns:
        float64 array of shape ``(n_users, n_items)``.

    Raises:
        ValueError: for indices out of range or arrays of different lengths.

    Example:
        Users 0 and 1 watched items 0 and 1; user 2 watched item 0 only, so
        item 1 (cosine 2 / (sqrt(3) sqrt(2)) with item 0) scores above
        item 2, which nobody watched:

        >>> scores = item_knn([0, 0, 1, 1, 2], [0, 1, 0, 1, 0], n_users=3, n_items=3)
        >>> scores[2].round(4)
        array([0.    , 0.8165, 0.    ])
    """
    matrix = interaction_matrix(users, items, n_users, n_items)
    norms = np.sqrt(np.asarray(matrix.sum(axis=0)).ravel())  # binary: the norm is sqrt(count)
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    normalised = matrix @ sp.diags(inverse)
    scores = np.asarray((matrix @ normalised.T) @ normalised.toarray())
    # (R Rn^T Rn)[u, j] = sum over all i in u of s(i, j); remove i = j, whose s(j, j) is 1.
    scores -= matrix.toarray() * (norms > 0)
    return scores


def top_k(scores, k: int = 10, seen_users=None, seen_items=None) -> np.ndarray:
    """Each user's ``k`` highest-scoring items, leaving out the items they have seen.

    Ties are broken by the lower item index, so the result is deterministic.

    Args:
        scores: array of shape ``(n_users, n_items)``.
        k: list length, at most ``n_items``.
        seen_users: user index of each interaction to exclude (such as the
            training ratings), or ``None`` to exclude nothing.
        seen_items: item index of each interaction to exclude.

    Returns:
        int64 array of shape ``(n_users, k)``, best item first.

    Raises:
        ValueError: for bad scores, ``k``, or seen indices; or if a user has
            fewer than ``k`` unseen items.

    Example:
        >>> scores = [[0.9, 0.1, 0.5, 0.5], [0.2, 0.8, 0.3, 0.1]]
        >>> top_k(scores, k=2)
        array([[0, 2],
               [1, 2]])
        >>> top_k(scores, k=2, seen_users=[0], seen_items=[0])
        array([[2, 3],
               [1, 2]])
    """
    s = as_finite_array(scores, "scores", ndim=2).copy()
    n_users, n_items = s.shape
    k = check_scalar(k, "k", integer=True, low=1, high=n_items)
    if (seen_users is None) != (seen_items is None):
        raise ValueError("seen_users and seen_items must be given together, but received only one of them.")
    if seen_users is not None:
        u, i = _pairs(seen_users, seen_items, n_users, n_items, prefix="seen_")
        s[u, i] = -np.inf
        unseen = np.isfinite(s).sum(axis=1)
        if unseen.min() < k:
            raise ValueError(f"every user must have at least k={k} unseen items, but received a user "
                             f"with {unseen.min()}.")
    order = np.argsort(-s, axis=1, kind="stable")
    return order[:, :k].astype(np.int64)


def _hits(recommended, users, items, k: int):
    """Per evaluated user: the hit indicator of each of the top-k positions, and the number relevant."""
    rec = as_finite_array(recommended, "recommended", ndim=2)
    if not np.all(rec == np.round(rec)):
        raise ValueError("recommended must hold whole-number item indices, but received fractions.")
    rec = rec.astype(np.int64)
    k = check_scalar(k, "k", integer=True, low=1, high=rec.shape[1])
    n_items = max(int(rec.max()), int(np.max(as_finite_array(items, "items", ndim=1)))) + 1
    u, i = _pairs(users, items, rec.shape[0], n_items)
    relevant = interaction_matrix(u, i, rec.shape[0], n_items)
    evaluated = np.unique(u)
    top = rec[evaluated, :k]
    hits = np.asarray(relevant[evaluated[:, None], top].todense()) > 0
    n_relevant = np.diff(relevant.indptr)[evaluated]
    return hits, n_relevant


def recall_at_k(recommended, users, items, k: int = 10, *, average: bool = True):
    """Recall at ``k``: the share of a user's relevant items found in their top ``k``.

    ``recall@k(u) = |top_k(u) ∩ relevant(u)| / |relevant(u)|``, averaged over
    the users who appear in ``users`` (users with nothing relevant are not
    scored). A user with more than ``k`` relevant items cannot reach 1.

    Args:
        recommended: int array of shape ``(n_users, >= k)``, each row a
            user's ranked items, best first (as from :func:`top_k`).
        users: user index of each relevant interaction (such as the test ratings).
        items: item index of each relevant interaction.
        k: list length to score.
        average: return the mean over users (``True``) or one value per
            evaluated user, in the order of ``np.unique(users)``.

    Returns:
        A float, or a float64 array with one value per evaluated user.

    Raises:
        ValueError: for bad indices, ``k`` larger than the lists, or arrays of different lengths.

    Example:
        User 0 finds 1 of their 2 relevant items, user 1 their only one:

        >>> recall_at_k([[3, 1, 0], [2, 0, 1]], users=[0, 0, 1], items=[1, 4, 2], k=2)
        0.75
    """
    hits, n_relevant = _hits(recommended, users, items, k)
    per_user = hits.sum(axis=1) / n_relevant
    return float(per_user.mean()) if average else per_user


def ndcg_at_k(recommended, users, items, k: int = 10, *, average: bool = True):
    """Normalised discounted cumulative gain at ``k``, with binary relevance.

    ``DCG@k(u) = sum over positions r = 1..k of rel(r) / log2(r + 1)``, with
    ``rel(r) = 1`` if the item at position ``r`` is relevant to ``u``; the
    ideal ``IDCG@k(u)`` puts all relevant items first:
    ``sum over r = 1..min(k, |relevant(u)|) of 1 / log2(r + 1)``; and
    ``NDCG@k = DCG@k / IDCG@k``, in [0, 1] (Järvelin and Kekäläinen, 2002).
    This is scikit-learn's ``ndcg_score`` with the binary relevance as
    ``y_true`` and any scores that rank the list first.

    Args:
        recommended: int array of shape ``(n_users, >= k)``, each row a
            user's ranked items, best first.
        users: user index of each relevant interaction.
        items: item index of each relevant interaction.
        k: list length to score.
        average: return the mean over users, or one value per evaluated
            user in the order of ``np.unique(users)``.

    Returns:
        A float, or a float64 array with one value per evaluated user.

    Raises:
        ValueError: for bad indices, ``k`` larger than the lists, or arrays of different lengths.

    Example:
        One relevant item at the second place: 1 / log2(3):

        >>> round(ndcg_at_k([[3, 1, 0]], users=[0], items=[1], k=3), 4)
        0.6309
    """
    hits, n_relevant = _hits(recommended, users, items, k)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = hits @ discounts
    ideal = np.cumsum(discounts)[np.minimum(n_relevant, k) - 1]
    per_user = dcg / ideal
    return float(per_user.mean()) if average else per_user
