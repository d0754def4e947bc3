"""bmlearn.business.prices: dated prices, validated, and no price anywhere else in the package."""

import math
import pathlib
import re

import pytest

from bmlearn import scaling
from bmlearn.business import prices
from bmlearn.business.prices import GPU_HOUR, Price


def test_price_keeps_its_fields_and_prints_them():
    p = Price(3, GPU_HOUR, "2024-06-15", "a page")
    assert (p.amount, p.unit, p.as_of, p.source) == (3.0, GPU_HOUR, "2024-06-15", "a page")
    assert isinstance(p.amount, float)
    assert str(p) == "3.00 USD per GPU-hour (as of 2024-06-15; a page)"
    assert Price(0, GPU_HOUR, "2024-06", "free tier").amount == 0.0  # zero is a price


def test_price_is_frozen():
    p = Price(1, GPU_HOUR, "2024-06", "a page")
    with pytest.raises(AttributeError):
        p.amount = 2


@pytest.mark.parametrize("amount", [-0.01, math.nan, math.inf, "3", True])
def test_price_refuses_bad_amounts(amount):
    with pytest.raises(ValueError, match=r"amount must be a finite number >= 0, but received"):
        Price(amount, GPU_HOUR, "2024-06", "a page")


@pytest.mark.parametrize("as_of", ["June 2024", "2024-13", "2024-02-30", "2024", "24-06", 2024,
                                   "2024-06-1", " 2024-06"])
def test_price_refuses_dates_that_are_not_iso_months_or_days(as_of):
    with pytest.raises(ValueError, match=r"as_of must be an ISO month or date"):
        Price(1, GPU_HOUR, as_of, "a page")


@pytest.mark.parametrize("field", ["unit", "source"])
def test_price_refuses_empty_unit_or_source(field):
    kwargs = dict(amount=1, unit=GPU_HOUR, as_of="2024-06", source="a page") | {field: " "}
    with pytest.raises(ValueError, match=rf"{field} must be a non-empty string"):
        Price(**kwargs)


def test_examples_are_dated_sourced_and_labelled_as_examples():
    assert prices.EXAMPLE_PRICES
    for name, p in prices.EXAMPLE_PRICES.items():
        assert isinstance(p, Price), name
        assert "check today's price" in p.source, name
        assert "without network access" in p.source, name
        assert p.unit in (GPU_HOUR, prices.PER_MILLION_INPUT_TOKENS,
                          prices.PER_MILLION_OUTPUT_TOKENS), name


def test_gpu_prices_are_named_as_devices_and_api_prices_come_in_pairs():
    gpus = prices.EXAMPLE_GPU_HOUR_PRICES
    assert set(gpus) == {"A100", "H100 SXM", "L4", "T4"}
    assert set(gpus) <= set(scaling.DEVICE_PEAKS)
    api = prices.EXAMPLE_API_PRICES
    assert len(api) >= 2
    for model, pair in api.items():
        assert pair["input"] is prices.EXAMPLE_PRICES[model + " input"]
        assert pair["output"] is prices.EXAMPLE_PRICES[model + " output"]
        assert pair["input"].unit == prices.PER_MILLION_INPUT_TOKENS
        assert pair["output"].unit == prices.PER_MILLION_OUTPUT_TOKENS
        # Every API here charges more for an output token than for an input token.
        assert pair["output"].amount > pair["input"].amount
    assert len(gpus) + 2 * len(api) == len(prices.EXAMPLE_PRICES)


def test_the_cost_modules_build_no_price():
    # Prices come in as arguments: no Price(...) and no price default outside the doctests.
    folder = pathlib.Path(prices.__file__).parent
    for path in (folder / "training_cost.py", folder / "serving.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        text = "\n".join(line for line in lines if not line.lstrip().startswith((">>>", "...")))
        assert not re.search(r"\bPrice\(", text), f"{path.name} builds a Price"
        assert not re.search(r"price\w*\s*=\s*\d", text, re.I), f"{path.name} sets a price"
