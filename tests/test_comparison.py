"""McNemar's test against SciPy's exact binomial test and the textbook's chi-squared form."""

import numpy as np
import pytest
from scipy.stats import binomtest, chi2

from bmlearn.comparison import mcnemar


def test_counts_and_exact_p_value_match_scipy(rng):
    for _ in range(20):
        y = rng.integers(0, 3, size=400)
        a = np.where(rng.random(400) < 0.9, y, (y + 1) % 3)
        b = np.where(rng.random(400) < 0.85, y, (y + 2) % 3)
        result = mcnemar(y, a, b)
        assert result.only_a == int(np.sum((a == y) & (b != y)))
        assert result.only_b == int(np.sum((b == y) & (a != y)))
        expected = binomtest(result.only_a, result.discordant, 0.5).pvalue
        assert result.p_value == pytest.approx(expected, rel=1e-12)


def test_large_samples_agree_with_the_chi_squared_approximation():
    y = np.zeros(4000, dtype=int)
    a = np.zeros(4000, dtype=int)
    b = np.zeros(4000, dtype=int)
    a[:300] = 1                              # A wrong on 300 items
    b[300:700] = 1                           # B wrong on 400 others
    result = mcnemar(y, a, b)
    statistic = (abs(result.only_a - result.only_b) - 1) ** 2 / result.discordant
    assert result.p_value == pytest.approx(chi2.sf(statistic, 1), rel=0.05)
    assert result.a_better() and not mcnemar(y, b, a).a_better()


def test_identical_predictions_give_p_one():
    y = np.array([0, 1, 2])
    assert mcnemar(y, y, y).p_value == 1.0


def test_bad_input():
    with pytest.raises(ValueError, match="same number of samples"):
        mcnemar([0, 1], [0, 1, 1], [0, 1])
