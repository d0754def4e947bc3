"""bmlearn.business.value: by-hand cases, brute force and errors.

Float64 sums of a handful of products are held to a few unit roundoffs.
"""

import itertools

import numpy as np
import pytest

from bmlearn.business.value import (
    TornadoRow, break_even_accuracy, cash_flows, expected_profit, npv, payback_months, roi, tornado,
)
from bmlearn.numerics import unit_roundoff

F64 = 16 * unit_roundoff("float64")
CONFUSION = [[700, 100], [50, 150]]  # rows: good, bad; columns: approve, decline
PAYOFF = [[1000, 0], [-5000, 0]]


def test_expected_profit_by_hand():
    # 700 * 1000 - 50 * 5000 = 450,000 over 1,000 cases
    assert expected_profit(CONFUSION, PAYOFF) == pytest.approx(450.0, rel=F64)
    assert expected_profit(CONFUSION, PAYOFF, per=1000) == pytest.approx(450_000.0, rel=F64)
    assert expected_profit(CONFUSION, PAYOFF, per=None) == pytest.approx(450_000.0, rel=F64)
    # three classes: 2*1 + 3*(-2) + 5*4 = 16 over 10 cases
    c = [[2, 0, 0], [0, 3, 0], [0, 0, 5]]
    p = [[1, 9, 9], [9, -2, 9], [9, 9, 4]]
    assert expected_profit(c, p) == pytest.approx(1.6, rel=F64)


def test_expected_profit_is_a_per_case_average_over_the_cases():
    rng = np.random.default_rng(0)
    truth, decision = rng.integers(0, 3, 500), rng.integers(0, 3, 500)
    payoff = rng.normal(size=(3, 3))
    confusion = np.zeros((3, 3))
    np.add.at(confusion, (truth, decision), 1)
    by_case = np.mean([payoff[t, d] for t, d in zip(truth, decision)])
    assert expected_profit(confusion, payoff) == pytest.approx(by_case, rel=1e3 * F64)


def test_expected_profit_errors():
    with pytest.raises(ValueError, match=r"confusion of shape \(2, 2\) and payoff of shape \(3, 3\)"):
        expected_profit(CONFUSION, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="confusion must be square"):
        expected_profit([[1, 2, 3]], [[1, 2, 3]])
    with pytest.raises(ValueError, match="confusion must hold counts >= 0"):
        expected_profit([[1, -1], [0, 1]], PAYOFF)
    with pytest.raises(ValueError, match="at least one case"):
        expected_profit(np.zeros((2, 2)), PAYOFF)
    with pytest.raises(ValueError, match="per must be a finite number > 0"):
        expected_profit(CONFUSION, PAYOFF, per=0)


def test_break_even_accuracy_by_hand():
    # right: (700 * 1000 + 150 * 0) / 850; wrong: (100 * 0 - 50 * 5000) / 150
    v_right, v_wrong = 700_000 / 850, -250_000 / 150
    assert break_even_accuracy(CONFUSION, PAYOFF, 0.0) == pytest.approx(
        -v_wrong / (v_right - v_wrong), rel=F64)
    assert break_even_accuracy(CONFUSION, PAYOFF, 100.0) == pytest.approx(
        (100 - v_wrong) / (v_right - v_wrong), rel=F64)


def test_break_even_accuracy_matches_the_profit_of_a_model_with_that_accuracy():
    # A model with accuracy a and the same mixes: scale the diagonal and the errors.
    c = np.array(CONFUSION, dtype=float)
    right = np.eye(2, dtype=bool)
    status_quo = 200.0
    a = break_even_accuracy(c, PAYOFF, status_quo)
    scaled = np.where(right, c / c[right].sum() * a, c / c[~right].sum() * (1 - a))
    assert expected_profit(scaled, PAYOFF) == pytest.approx(status_quo, rel=1e3 * F64)
    # At its own profit the break-even accuracy is its own accuracy.
    assert break_even_accuracy(c, PAYOFF, expected_profit(c, PAYOFF)) == pytest.approx(0.85, rel=1e3 * F64)
    # Found by bisection on accuracy, independently of the closed form.
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        m = np.where(right, c / c[right].sum() * mid, c / c[~right].sum() * (1 - mid))
        lo, hi = (mid, hi) if expected_profit(m, PAYOFF) < status_quo else (lo, mid)
    assert a == pytest.approx(lo, abs=1e-12)


def test_break_even_accuracy_errors():
    with pytest.raises(ValueError, match="at least one right decision and one error"):
        break_even_accuracy([[10, 0], [0, 5]], PAYOFF, 0.0)
    with pytest.raises(ValueError, match="right decisions must be worth more than errors"):
        break_even_accuracy([[1, 1], [1, 1]], [[0, 5], [5, 0]], 0.0)
    with pytest.raises(ValueError, match="status_quo must be a finite number"):
        break_even_accuracy(CONFUSION, PAYOFF, float("nan"))


def test_cash_flows_by_hand():
    np.testing.assert_array_equal(cash_flows(500, 250, 50, 3), [-500, 200, 200, 200])
    # ramp over 4 months: benefits 100, 200, 300, 400, 400 less 50
    np.testing.assert_allclose(cash_flows(0, 400, 50, 5, ramp_months=4), [0, 50, 150, 250, 350, 350],
                               rtol=F64)


@pytest.mark.parametrize("kwargs, message", [
    (dict(horizon_months=0), "horizon_months must be a positive integer, but received 0"),
    (dict(upfront=-1), "upfront must be a finite number >= 0, but received -1"),
    (dict(monthly_cost=-5), "monthly_cost must be a finite number >= 0, but received -5"),
    (dict(ramp_months=-1), "ramp_months must be a non-negative integer, but received -1"),
    (dict(monthly_benefit=float("inf")), "monthly_benefit must be a finite number"),
])
def test_cash_flows_errors(kwargs, message):
    args = dict(upfront=100, monthly_benefit=50, monthly_cost=10, horizon_months=12) | kwargs
    with pytest.raises(ValueError, match=message):
        cash_flows(**args)
    with pytest.raises(ValueError, match=message):
        roi(**args)


def brute_force_payback(flows):
    total = 0.0
    for month, f in enumerate(flows):
        total += f
        if total >= 0:
            return month
    return None


def test_payback_against_a_loop_and_the_closed_form():
    rng = np.random.default_rng(1)
    for _ in range(200):
        upfront, benefit, cost = rng.uniform(0, 1e4), rng.uniform(-100, 2000), rng.uniform(0, 500)
        ramp = int(rng.integers(0, 6))
        flows = cash_flows(upfront, benefit, cost, 36, ramp_months=ramp)
        m = payback_months(flows)
        assert m == brute_force_payback(flows)
        net = benefit - cost
        if ramp == 0 and net > 0 and upfront / net < 35.5:
            # constant flows: interpolation gives back upfront / net exactly
            assert payback_months(flows, fractional=True) == pytest.approx(upfront / net, rel=1e3 * F64)
            assert m == int(np.ceil(upfront / net - 1e-9))
    assert payback_months([0, -1, 5]) == 0
    assert payback_months([-100, 50, 50]) == 2
    assert payback_months([-100, 40, 40]) is None


def test_npv_and_roi_by_hand():
    assert npv([-100, 60, 60]) == pytest.approx(20.0, rel=F64)
    # 12 months at 12% a year: month m discounted by 1.12 ** (m / 12)
    flows = [-1000] + [100] * 12
    expected = -1000 + sum(100 / 1.12 ** (m / 12) for m in range(1, 13))
    assert npv(flows, 0.12) == pytest.approx(expected, rel=F64)
    # benefits 12 * 400 = 4,800; costs 1,000 + 12 * 100 = 2,200
    assert roi(1000, 400, 100, 12) == pytest.approx((4800 - 2200) / 2200, rel=F64)
    pv_b = sum(400 / 1.1 ** (m / 12) for m in range(1, 13))
    pv_c = 1000 + sum(100 / 1.1 ** (m / 12) for m in range(1, 13))
    assert roi(1000, 400, 100, 12, annual_discount_rate=0.1) == pytest.approx((pv_b - pv_c) / pv_c, rel=F64)
    # ROI is the NPV over the present value of the costs
    assert roi(1000, 400, 100, 12, annual_discount_rate=0.1) == pytest.approx(
        npv(cash_flows(1000, 400, 100, 12), 0.1) / pv_c, rel=1e2 * F64)
    with pytest.raises(ValueError, match="annual_discount_rate must be a finite number >= 0"):
        npv(flows, -0.1)
    with pytest.raises(ValueError, match="must not both be 0"):
        roi(0, 100, 0, 12)


def test_tornado_by_hand_and_by_loop():
    def profit(volume, price, cost):
        return volume * (price - cost)

    base = {"volume": 100, "price": 10, "cost": 6}
    ranges = {"volume": (80, 120), "price": (9, 11), "cost": (5.5, 6.5)}
    rows = tornado(profit, base, ranges)
    assert [r.parameter for r in rows] == ["price", "volume", "cost"]
    # volume: 80 * 4 = 320, 120 * 4 = 480; price: 100 * 3, 100 * 5; cost: 100 * 4.5, 100 * 3.5
    assert rows[1] == TornadoRow("volume", 80.0, 120.0, 320.0, 480.0, 160.0)
    assert rows[0] == TornadoRow("price", 9.0, 11.0, 300.0, 500.0, 200.0)
    assert rows[2] == TornadoRow("cost", 5.5, 6.5, 450.0, 350.0, 100.0)
    # a loop over the parameters, independently
    for r in rows:
        lo = profit(**{**base, r.parameter: ranges[r.parameter][0]})
        hi = profit(**{**base, r.parameter: ranges[r.parameter][1]})
        assert (r.output_low, r.output_high) == (lo, hi)
    swings = [r.swing for r in rows]
    assert swings == sorted(swings, reverse=True)


def test_tornado_ties_keep_the_given_order():
    rows = tornado(lambda x, y: x + y, {"x": 0, "y": 0}, {"y": (-1, 1), "x": (1, -1)})
    assert [r.parameter for r in rows] == ["y", "x"] and rows[1].swing == 2


def test_tornado_errors():
    f = lambda x: x  # noqa: E731
    with pytest.raises(ValueError, match="ranges must name arguments in base"):
        tornado(f, {"x": 1}, {"z": (0, 1)})
    with pytest.raises(ValueError, match="must be \\(low, high\\)"):
        tornado(f, {"x": 1}, {"x": (0, 1, 2)})
    with pytest.raises(ValueError, match="at least one assumption"):
        tornado(f, {"x": 1}, {})
    with pytest.raises(ValueError, match="model_fn's output must be a finite number"):
        tornado(lambda x: float("nan"), {"x": 1}, {"x": (0, 1)})


def test_all_combinations_of_a_small_grid_pay_back_when_the_closed_form_says():
    # payback exists within the horizon iff upfront <= horizon * net (no ramp)
    for upfront, benefit, cost in itertools.product([0, 100, 1000], [0, 50, 200], [0, 25]):
        flows = cash_flows(upfront, benefit, cost, 10)
        net = benefit - cost
        pays = upfront == 0 or (net > 0 and upfront <= 10 * net)
        assert (payback_months(flows) is not None) == pays
