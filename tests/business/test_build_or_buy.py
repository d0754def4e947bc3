"""bmlearn.business.build_or_buy: by-hand cases, brute-force search over volumes, and errors."""

import numpy as np
import pytest

from bmlearn.business.build_or_buy import Option, break_even_volume, cheapest, total_cost
from bmlearn.numerics import unit_roundoff

F64 = 16 * unit_roundoff("float64")
API = Option("API", 0, 0, 0.002)
HOSTED = Option("self-hosted", 5000, 2000, 0.0005)


def test_total_cost_by_hand():
    # 5,000 + 12 * (2,000 + 0.0005 * 1e6) = 5,000 + 12 * 2,500 = 35,000
    assert total_cost(HOSTED, 1e6, 12) == pytest.approx(35_000.0, rel=F64)
    assert total_cost(API, 1e6, 12) == pytest.approx(24_000.0, rel=F64)
    # a minimum of 3,000 a month: at 1e6 usage is 500 -> 3,000; at 1e7 it is 5,000
    floor = Option("gpu", 0, 100, 0.0005, monthly_minimum=3000)
    np.testing.assert_allclose(total_cost(floor, [0, 1e6, 1e7], 2), [6200, 6200, 10200], rtol=F64)


def test_break_even_volume_by_hand():
    # 12 * 0.002 v = 5,000 + 12 * (2,000 + 0.0005 v)  ->  v = 29,000 / 0.018
    assert break_even_volume(API, HOSTED, 12) == pytest.approx(29_000 / 0.018, rel=F64)
    assert break_even_volume(HOSTED, API, 12) is None
    # with a minimum: one GPU at 3,000 a month covers 6M requests at 0.0005; the API costs
    # 0.002 v a month; they cross at 0.002 v = 3,000, v = 1.5M (below the kink at 6M)
    gpu = Option("gpu", 0, 0, 0.0005, monthly_minimum=3000)
    assert break_even_volume(API, gpu, 1) == pytest.approx(1.5e6, rel=F64)
    # cheaper everywhere: 0.0; the same everywhere: None
    assert break_even_volume(API, Option("free", 0, 0, 0.001), 3) == 0.0
    assert break_even_volume(API, Option("twin", 0, 0, 0.002), 3) is None
    # same per-request cost, lower fixed: cheaper everywhere
    assert break_even_volume(HOSTED, Option("cheaper", 0, 2000, 0.0005), 12) == 0.0


def random_option(rng, name):
    return Option(name, upfront=float(rng.choice([0, rng.uniform(0, 1e5)])),
                  monthly_fixed=float(rng.choice([0, rng.uniform(0, 1e4)])),
                  cost_per_request=float(rng.choice([0, rng.uniform(0, 0.01)])),
                  monthly_minimum=float(rng.choice([0, rng.uniform(0, 2e4)])))


def test_break_even_volume_against_a_brute_force_search():
    rng = np.random.default_rng(0)
    grid = np.concatenate([[0.0], np.logspace(0, 9, 4000)])
    roots = 0
    for _ in range(400):
        a, b = random_option(rng, "a"), random_option(rng, "b")
        months = float(rng.choice([1, 12, 36]))
        v = break_even_volume(a, b, months)
        if v is None:
            # b is not cheaper at a volume far beyond every kink and crossing of the grid's options
            assert total_cost(b, 1e15, months) >= total_cost(a, 1e15, months)
            continue
        # brute force: b is strictly cheaper at every grid volume above v ...
        above = grid[grid > v * (1 + 1e-6) + 1e-6]
        assert np.all(total_cost(b, above, months) < total_cost(a, above, months))
        if v > 0:  # ... and not cheaper just below it, where the two costs meet
            below = v * (1 - 1e-6)
            assert total_cost(b, below, months) >= total_cost(a, below, months)
            assert total_cost(b, v, months) == pytest.approx(total_cost(a, v, months), rel=1e-9)
            roots += 1
    assert roots > 50  # the random options exercised the roots, not only the edge cases


def test_cheapest_matches_total_costs():
    tuned = Option("fine-tuned", 5000, 2000, 0.0002, monthly_minimum=2900)
    volumes = np.logspace(3, 9, 50)
    names = cheapest([API, HOSTED, tuned], volumes, 12)
    for v, name in zip(volumes, names):
        costs = {o.name: total_cost(o, v, 12) for o in (API, HOSTED, tuned)}
        assert name == min(costs, key=costs.get)
    assert cheapest([API, HOSTED], 1e5, 12) == ["API"]
    # ties go to the first listed
    assert cheapest([API, Option("twin", 0, 0, 0.002)], [1e6], 12) == ["API"]


def test_break_even_agrees_with_cheapest():
    tuned = Option("fine-tuned", 5000, 2000, 0.0002, monthly_minimum=2900)
    v = break_even_volume(API, tuned, 12)
    assert cheapest([API, tuned], [v * 0.99, v * 1.01], 12) == ["API", "fine-tuned"]


@pytest.mark.parametrize("field", ["upfront", "monthly_fixed", "cost_per_request", "monthly_minimum"])
def test_option_rejects_negative_amounts(field):
    args = dict(name="x", upfront=1, monthly_fixed=1, cost_per_request=1, monthly_minimum=1)
    with pytest.raises(ValueError, match=f"{field} must be a finite number >= 0, but received -2"):
        Option(**(args | {field: -2}))


def test_errors():
    with pytest.raises(ValueError, match="name must be a non-empty string"):
        Option("", 0, 0, 0)
    with pytest.raises(ValueError, match="requests_per_month must be >= 0"):
        total_cost(API, [-1, 5], 12)
    with pytest.raises(ValueError, match="months must be a finite number > 0, but received 0"):
        total_cost(API, 10, 0)
    with pytest.raises(ValueError, match="months must be a finite number > 0, but received 0"):
        break_even_volume(API, HOSTED, 0)
    with pytest.raises(ValueError, match="b must be an Option"):
        break_even_volume(API, "x", 12)
    with pytest.raises(ValueError, match="options must hold at least one Option"):
        cheapest([], [1], 12)
    with pytest.raises(ValueError, match="option must be an Option"):
        total_cost(None, 1, 12)
