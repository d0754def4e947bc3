"""Comparing two classifiers on the same test set: McNemar's exact test.

Two models scored on one test set are not independent samples: most test
items are easy for both, and only the items where they *disagree* say which
is better. The standard error of one accuracy ignores that pairing and is the
wrong yardstick for "is model A better than model B". McNemar's test
(McNemar 1947; Dietterich 1998, "Approximate statistical tests for comparing
supervised classification learning algorithms") uses exactly the discordant
items: if the models were equally good, each discordant item would be won by
A or by B with probability 1/2, so the number A wins is Binomial(n, 1/2) with
n the number of discordant items. The exact two-sided p-value is the binomial
tail. This module imports NumPy and SciPy only.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bmlearn.validation import as_finite_array, check_same_length

__all__ = ["McNemar", "mcnemar"]


@dataclasses.dataclass(frozen=True)
class McNemar:
    """The result of :func:`mcnemar`.

    Attributes:
        only_a: test items model A gets right and model B gets wrong.
        only_b: test items model B gets right and model A gets wrong.
        p_value: exact two-sided p-value of "A and B are equally accurate".
    """

    only_a: int
    only_b: int
    p_value: float

    @property
    def discordant(self) -> int:
        """Items on which exactly one model is right."""
        return self.only_a + self.only_b

    def a_better(self, alpha: float = 0.05) -> bool:
        """Whether A wins more discordant items and the test rejects equality at ``alpha``."""
        return self.only_a > self.only_b and self.p_value < alpha


def mcnemar(y_true, pred_a, pred_b) -> McNemar:
    """McNemar's exact test for two classifiers' predictions on the same items.

    Args:
        y_true: the true labels, one per test item.
        pred_a: model A's predicted labels.
        pred_b: model B's predicted labels.

    Returns:
        A :class:`McNemar` with the discordant counts and the exact two-sided
        p-value, ``min(1, 2 * P[X <= min(only_a, only_b)])`` for
        ``X ~ Binomial(only_a + only_b, 1/2)`` (1 when there are no discordant items).

    Raises:
        ValueError: if the arrays differ in length or hold non-finite values.

    Example:
        >>> y = np.array([0, 1, 1, 0, 1, 0, 1, 1])
        >>> a = np.array([0, 1, 1, 0, 1, 0, 1, 0])   # one error
        >>> b = np.array([1, 0, 1, 0, 0, 0, 1, 0])   # four errors
        >>> result = mcnemar(y, a, b)
        >>> result.only_a, result.only_b, round(result.p_value, 4)
        (3, 0, 0.25)
    """
    from scipy.stats import binom

    check_same_length(y_true, pred_a, "y_true", "pred_a")
    check_same_length(y_true, pred_b, "y_true", "pred_b")
    y = as_finite_array(y_true, "y_true", ndim=1)
    right_a = as_finite_array(pred_a, "pred_a", ndim=1) == y
    right_b = as_finite_array(pred_b, "pred_b", ndim=1) == y
    only_a = int(np.sum(right_a & ~right_b))
    only_b = int(np.sum(right_b & ~right_a))
    n = only_a + only_b
    p = 1.0 if n == 0 else min(1.0, 2.0 * float(binom.cdf(min(only_a, only_b), n, 0.5)))
    return McNemar(only_a, only_b, p)
