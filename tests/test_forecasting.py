import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error

from bmlearn import forecasting as fc


def test_seasonal_naive_repeats_last_season():
    y = np.arange(10.0)
    np.testing.assert_array_equal(fc.seasonal_naive(y, 5, 3), [7, 8, 9, 7, 8])


def test_mase_matches_sklearn_mae_ratio():
    rng = np.random.default_rng(0)
    tr, yt, yp = rng.normal(size=40), rng.normal(size=12), rng.normal(size=12)
    ref = mean_absolute_error(yt, yp) / mean_absolute_error(tr[12:], tr[:-12])
    assert fc.mase(yt, yp, tr, m=12) == pytest.approx(ref, rel=1e-12)


def test_mape_matches_sklearn():
    rng = np.random.default_rng(1)
    yt, yp = rng.uniform(1, 5, 30), rng.uniform(1, 5, 30)
    assert fc.mape(yt, yp) == pytest.approx(mean_absolute_percentage_error(yt, yp), rel=1e-12)


def test_safety_stock_matches_scipy():
    assert fc.safety_stock(3.0, 0.9, 2.0) == pytest.approx(norm.ppf(0.9) * 3.0 * np.sqrt(2.0), rel=1e-9)


@pytest.mark.parametrize("call", [
    lambda: fc.mape([0.0, 1.0], [1.0, 1.0]),
    lambda: fc.mase([1.0], [1.0, 2.0], [1.0, 2.0, 3.0]),
    lambda: fc.safety_stock(1.0, 1.0),
    lambda: fc.seasonal_naive([1.0], 2, 3),
])
def test_bad_input_raises(call):
    with pytest.raises(ValueError):
        call()


def test_import_does_not_import_tensorflow():
    code = "import sys, bmlearn.forecasting; assert 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_mase_matches_brute_force_loops():
    rng = np.random.default_rng(2)
    tr, yt, yp = rng.normal(size=30), rng.normal(size=5), rng.normal(size=5)
    m = 4
    scale = sum(abs(tr[t] - tr[t - m]) for t in range(m, len(tr))) / (len(tr) - m)
    ref = sum(abs(a - b) for a, b in zip(yt, yp)) / len(yt) / scale
    assert fc.mase(yt, yp, tr, m=m) == pytest.approx(ref, rel=1e-12)


def test_seasonal_naive_is_the_value_one_season_back_brute_force():
    y = np.random.default_rng(3).normal(size=17)
    m, horizon = 5, 13
    extended = list(y)
    for _ in range(horizon):  # each new value repeats the one m steps before it
        extended.append(extended[-m])
    np.testing.assert_array_equal(fc.seasonal_naive(y, horizon, m), extended[len(y):])


def test_safety_stock_covers_the_service_level_of_simulated_lead_time_demand():
    rng = np.random.default_rng(4)
    sigma, lead_time, level, n = 2.0, 3, 0.9, 200_000
    lead_time_errors = rng.normal(0, sigma, size=(n, lead_time)).sum(axis=1)
    covered = np.mean(lead_time_errors <= fc.safety_stock(sigma, level, lead_time))
    assert abs(covered - level) < 5 * np.sqrt(level * (1 - level) / n)
