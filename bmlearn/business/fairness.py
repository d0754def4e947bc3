"""Group fairness of a binary decision: rates by group, their gaps, and group thresholds.

A decision ``y_pred`` (1: the favourable outcome, such as a loan approved)
is compared with the truth ``y_true`` (1: the case deserved it, such as a
loan repaid) inside each group of a sensitive attribute (an age band, say).
Per group, :func:`group_rates` counts:

- the *selection rate*, ``P(y_pred = 1 | group)``: the share given the
  favourable outcome;
- the *true-positive rate*, ``P(y_pred = 1 | y_true = 1, group)``: the
  share of the deserving who get it;
- the *false-positive rate*, ``P(y_pred = 1 | y_true = 0, group)``: the
  share of the undeserving who get it.

Two criteria compare them across groups, as the largest rate minus the
smallest (the ``"between_groups"`` difference of fairlearn's metrics):

- demographic parity (:func:`demographic_parity_gap`): equal selection rates,
  whatever the truth;
- equal opportunity (Hardt, Price and Srebro, 2016;
  :func:`equal_opportunity_gap`): equal true-positive rates.

The mitigation here is post-processing: one threshold per group on a score
(higher: more deserving), chosen so that each group reaches the same rate
(:func:`group_thresholds`, applied by :func:`apply_group_thresholds`). It
needs the group at decision time, which is *disparate treatment*, itself
unlawful for some attributes in some jurisdictions: a legal question before
a technical one.

All rates are ratios of integer counts, computed in float64. NumPy and the
standard library only.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from bmlearn.validation import as_finite_array, check_labels, check_same_length, check_scalar

__all__ = [
    "GroupRate",
    "group_rates",
    "demographic_parity_gap",
    "equal_opportunity_gap",
    "group_thresholds",
    "apply_group_thresholds",
]

_RATES = ("selection_rate", "true_positive_rate")


class GroupRate(NamedTuple):
    """The counts and rates of one group (rates are NaN where their denominator is 0)."""

    count: int  #: members of the group
    positives: int  #: members with ``y_true == 1``
    selected: int  #: members with ``y_pred == 1``
    true_positives: int  #: members with ``y_true == 1`` and ``y_pred == 1``
    false_positives: int  #: members with ``y_true == 0`` and ``y_pred == 1``
    selection_rate: float  #: ``selected / count``
    true_positive_rate: float  #: ``true_positives / positives``
    false_positive_rate: float  #: ``false_positives / (count - positives)``


def _groups(groups, n: int | None = None, name: str = "groups") -> np.ndarray:
    """Group labels as a 1-D array (numbers must be finite), of length ``n`` if given."""
    g = np.asarray(groups)
    if g.ndim != 1:
        raise ValueError(f"{name} must have 1 dimension(s), but received shape {g.shape} "
                         f"({g.ndim} dimension(s)).")
    if g.size == 0:
        raise ValueError(f"{name} must not be empty, but received shape {g.shape}.")
    if np.issubdtype(g.dtype, np.number):
        as_finite_array(g, name, ndim=1)
    if n is not None and len(g) != n:
        raise ValueError(f"{name} must hold one label per sample, {n}, but received {len(g)}.")
    return g


def _binary(y, name: str) -> np.ndarray:
    """0/1 labels (booleans accepted) as a 1-D int64 array."""
    return check_labels(y, 2, name)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else math.nan


def group_rates(y_true, y_pred, groups) -> dict:
    """Counts, selection rate, true-positive rate and false-positive rate of each group.

    Args:
        y_true: the truth, 0 or 1 per sample (1: deserves the favourable outcome).
        y_pred: the decision, 0 or 1 per sample (1: the favourable outcome).
        groups: the group of each sample (strings or numbers), the same length.

    Returns:
        A dict from each group label, in sorted order, to its :class:`GroupRate`. A rate whose
        denominator is 0 (a group with no positives has no true-positive rate) is NaN.

    Raises:
        ValueError: for labels other than 0 and 1, inputs of different lengths, or empty,
            multi-dimensional or non-finite inputs.

    Example:
        Group ``"a"``: 4 members, truth 1 1 0 0, decisions 1 0 1 0, so 2 selected of 4,
        1 of 2 positives and 1 of 2 negatives. Group ``"b"``: truth 1 0, both selected.

        >>> rates = group_rates([1, 1, 0, 0, 1, 0], [1, 0, 1, 0, 1, 1], ["a"] * 4 + ["b"] * 2)
        >>> rates["a"].selection_rate, rates["a"].true_positive_rate, rates["a"].false_positive_rate
        (0.5, 0.5, 0.5)
        >>> rates["b"]
        GroupRate(count=2, positives=1, selected=2, true_positives=1, false_positives=1, selection_rate=1.0, true_positive_rate=1.0, false_positive_rate=1.0)
    """
    y_true = _binary(y_true, "y_true")
    y_pred = _binary(y_pred, "y_pred")
    check_same_length(y_true, y_pred, "y_true", "y_pred")
    g = _groups(groups, len(y_true))
    out = {}
    for label in np.unique(g):
        member = g == label
        t, p = y_true[member], y_pred[member]
        count, positives, selected = int(member.sum()), int(t.sum()), int(p.sum())
        tp, fp = int(np.sum(t & p)), int(np.sum((1 - t) & p))
        key = label.item() if isinstance(label, np.generic) else label
        out[key] = GroupRate(count, positives, selected, tp, fp, _ratio(selected, count),
                             _ratio(tp, positives), _ratio(fp, count - positives))
    return out


def _gap(values: dict) -> float:
    if len(values) < 2:
        raise ValueError(f"groups must hold at least 2 distinct groups to compare, but received "
                         f"{len(values)}: {list(values)!r}.")
    return float(max(values.values()) - min(values.values()))


def demographic_parity_gap(y_pred, groups) -> float:
    """The largest selection rate of a group minus the smallest.

    Demographic parity asks that each group get the favourable outcome at the
    same rate, whatever the truth; the gap is 0 when it holds. It equals
    fairlearn's ``demographic_parity_difference`` (``method="between_groups"``).

    Args:
        y_pred: the decision, 0 or 1 per sample (1: the favourable outcome).
        groups: the group of each sample, the same length, at least 2 distinct groups.

    Returns:
        ``max_g P(y_pred = 1 | g) - min_g P(y_pred = 1 | g)``, in ``[0, 1]``.

    Raises:
        ValueError: for labels other than 0 and 1, lengths that differ, or fewer than 2 groups.

    Example:
        Group ``"a"`` selects 3 of 4 (0.75), group ``"b"`` 1 of 4 (0.25): the gap is 0.5.

        >>> demographic_parity_gap([1, 1, 1, 0, 1, 0, 0, 0], ["a"] * 4 + ["b"] * 4)
        0.5
    """
    y_pred = _binary(y_pred, "y_pred")
    rates = group_rates(np.zeros_like(y_pred), y_pred, _groups(groups, len(y_pred)))
    return _gap({g: r.selection_rate for g, r in rates.items()})


def equal_opportunity_gap(y_true, y_pred, groups) -> float:
    """The largest true-positive rate of a group minus the smallest.

    Equal opportunity (Hardt, Price and Srebro, 2016) asks that the deserving
    (``y_true == 1``) get the favourable outcome at the same rate in every
    group; the gap is 0 when it holds. It equals fairlearn's
    ``equal_opportunity_difference`` (``method="between_groups"``).

    Args:
        y_true: the truth, 0 or 1 per sample (1: deserves the favourable outcome).
        y_pred: the decision, 0 or 1 per sample.
        groups: the group of each sample, the same length, at least 2 distinct groups.

    Returns:
        ``max_g P(y_pred = 1 | y_true = 1, g) - min_g P(y_pred = 1 | y_true = 1, g)``.

    Raises:
        ValueError: for labels other than 0 and 1, lengths that differ, fewer than 2 groups,
            or a group with no positive (its true-positive rate is undefined), named.

    Example:
        Group ``"a"`` approves 2 of its 2 positives (1.0), group ``"b"`` 1 of its 4 (0.25).

        >>> equal_opportunity_gap([1, 1, 0, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0],
        ...                       ["a", "a", "a", "b", "b", "b", "b"])
        0.75
        >>> equal_opportunity_gap([1, 0, 0], [1, 0, 1], ["a", "b", "b"])
        Traceback (most recent call last):
        ...
        ValueError: y_true must hold at least one positive (1) in every group, but group 'b' has none, so its true-positive rate is undefined.
    """
    rates = group_rates(y_true, y_pred, groups)
    for g, r in rates.items():
        if r.positives == 0:
            raise ValueError(f"y_true must hold at least one positive (1) in every group, but group "
                             f"{g!r} has none, so its true-positive rate is undefined.")
    return _gap({g: r.true_positive_rate for g, r in rates.items()})


def group_thresholds(scores, y_true, groups, *, target: float, rate: str = "true_positive_rate") -> dict:
    """One threshold per group on ``scores``, the highest at which the group's rate reaches ``target``.

    The decision is ``scores >= threshold`` (higher scores are more deserving).
    In each group, let ``m`` be the number of its members that count towards
    the rate: its positives for ``rate="true_positive_rate"`` (equal
    opportunity), all its members for ``rate="selection_rate"`` (demographic
    parity). The threshold is the ``k``-th highest score among them, with
    ``k = ceil(target * m)`` the fewest members that make ``k / m >= target``:
    at that threshold the group's rate is at least ``target`` (more only where
    scores tie), and at any higher threshold it is below. A ``target`` of 0 gives
    ``inf`` (select no one).

    Choose the thresholds on a validation split and apply them
    (:func:`apply_group_thresholds`) to new cases: on those, the rates match
    the target only up to sampling noise, which is large for small groups.

    Args:
        scores: a finite score per sample, higher meaning more deserving (e.g. the
            predicted probability of repaying).
        y_true: the truth, 0 or 1 per sample (used by ``"true_positive_rate"`` only, checked
            always).
        groups: the group of each sample, the same length.
        target: the rate each group should reach, in ``[0, 1]``.
        rate: ``"true_positive_rate"`` or ``"selection_rate"``.

    Returns:
        A dict from each group label, in sorted order, to its threshold (a float).

    Raises:
        ValueError: for inputs of different lengths, labels other than 0 and 1, a target
            outside ``[0, 1]``, an unknown ``rate``, or (for ``"true_positive_rate"``) a group
            with no positive, named.

    Example:
        Group ``"a"``'s positives score 0.9, 0.8, 0.6, 0.3: to approve at least 0.5 of them,
        2 of 4, the threshold is the 2nd highest, 0.8. Group ``"b"``'s positives score 0.5
        and 0.4: 1 of 2, threshold 0.5. (Negatives do not count towards this rate.)

        >>> scores = [0.9, 0.8, 0.6, 0.3, 0.7, 0.5, 0.4, 0.95]
        >>> y_true = [1, 1, 1, 1, 0, 1, 1, 0]
        >>> groups = ["a", "a", "a", "a", "a", "b", "b", "b"]
        >>> group_thresholds(scores, y_true, groups, target=0.5)
        {'a': 0.8, 'b': 0.5}
        >>> group_thresholds(scores, y_true, groups, target=0.5, rate="selection_rate")
        {'a': 0.7, 'b': 0.5}
    """
    s = as_finite_array(scores, "scores", ndim=1, dtype=np.float64)
    y_true = _binary(y_true, "y_true")
    check_same_length(s, y_true, "scores", "y_true")
    g = _groups(groups, len(s))
    target = check_scalar(target, "target", low=0, high=1)
    if rate not in _RATES:
        raise ValueError(f"rate must be one of {', '.join(map(repr, _RATES))}, but received {rate!r}.")
    out = {}
    for label in np.unique(g):
        member = g == label
        if rate == "true_positive_rate":
            member &= y_true == 1
            if not member.any():
                raise ValueError(f"y_true must hold at least one positive (1) in every group, but "
                                 f"group {label.item() if isinstance(label, np.generic) else label!r} "
                                 f"has none, so its true-positive rate is undefined.")
        ranked = np.sort(s[member])[::-1]  # highest first
        m = len(ranked)
        k = math.ceil(target * m)
        while k > 0 and (k - 1) / m >= target:  # undo a product rounded up (0.7 * 10 = 7.000...1)
            k -= 1
        key = label.item() if isinstance(label, np.generic) else label
        out[key] = math.inf if k == 0 else float(ranked[k - 1])
    return out


def apply_group_thresholds(scores, groups, thresholds: dict) -> np.ndarray:
    """The decisions ``scores >= thresholds[group]``, one per sample, as a boolean array.

    Args:
        scores: a finite score per sample, higher meaning more deserving.
        groups: the group of each sample, the same length.
        thresholds: a threshold for every group that occurs (e.g. from :func:`group_thresholds`).

    Returns:
        A boolean array: ``True`` where the sample gets the favourable outcome.

    Raises:
        ValueError: for lengths that differ, non-finite scores, or a group without a threshold.

    Example:
        >>> apply_group_thresholds([0.9, 0.6, 0.6, 0.4], ["a", "a", "b", "b"], {"a": 0.8, "b": 0.5})
        array([ True, False,  True, False])
    """
    s = as_finite_array(scores, "scores", ndim=1, dtype=np.float64)
    g = _groups(groups, len(s))
    out = np.zeros(len(s), dtype=bool)
    for label in np.unique(g):
        key = label.item() if isinstance(label, np.generic) else label
        if key not in thresholds:
            raise ValueError(f"thresholds must hold a threshold for every group, but received none "
                             f"for {key!r} (it has {sorted(thresholds)!r}).")
        t = thresholds[key]
        if isinstance(t, float) and math.isinf(t) and t > 0:
            continue  # select no one
        t = check_scalar(t, f"thresholds[{key!r}]")
        member = g == label
        out[member] = s[member] >= t
    return out
