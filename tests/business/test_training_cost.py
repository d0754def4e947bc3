"""bmlearn.business.training_cost: by-hand arithmetic, and the published runs it must give back.

Float64 arithmetic of a handful of products and quotients is held to a few unit
roundoffs; a paper's printed figure to half a unit in its last printed digit.
"""

import pytest

from bmlearn import scaling
from bmlearn.business.prices import GPU_HOUR, PER_MILLION_INPUT_TOKENS, Price
from bmlearn.business.training_cost import TrainingCost, training_cost
from bmlearn.numerics import unit_roundoff

F64 = 8 * unit_roundoff("float64")


def test_by_hand():
    # 2e9 parameters x 50e9 tokens x 6 = 6e20 FLOPs; at 0.4 x 150e12 FLOP/s = 6e13 FLOP/s that is
    # 1e7 s = 2,777.78 device-hours; x $1.50 = $4,166.67; on 4 devices 1e7 / 4 / 86,400 = 28.94 days.
    cost = training_cost(2e9, 50e9, peak_flops=150e12, utilisation=0.4, price_per_gpu_hour=1.5,
                         num_devices=4)
    assert isinstance(cost, TrainingCost)
    assert cost.flops == pytest.approx(6e20, rel=F64)
    assert cost.gpu_hours == pytest.approx(1e7 / 3600, rel=F64)
    assert cost.dollars == pytest.approx(1e7 / 3600 * 1.5, rel=F64)
    assert cost.days == pytest.approx(1e7 / 4 / 86400, rel=F64)
    assert (cost.n_params, cost.n_tokens, cost.peak_flops, cost.utilisation, cost.num_devices,
            cost.price_per_gpu_hour) == (2e9, 50e9, 150e12, 0.4, 4, 1.5)


def test_more_devices_finish_sooner_at_the_same_cost():
    one = training_cost(1e9, 20e9, device="A100", utilisation=0.5, price_per_gpu_hour=2.0)
    eight = training_cost(1e9, 20e9, device="A100", utilisation=0.5, price_per_gpu_hour=2.0,
                          num_devices=8)
    assert eight.dollars == one.dollars and eight.gpu_hours == one.gpu_hours
    assert eight.days == pytest.approx(one.days / 8, rel=F64)


def test_device_by_name_by_driver_name_or_by_peak():
    by_name = training_cost(1e9, 1e9, device="A100", utilisation=0.5, price_per_gpu_hour=1.0)
    by_driver = training_cost(1e9, 1e9, device="NVIDIA A100-SXM4-80GB", utilisation=0.5,
                              price_per_gpu_hour=1.0)
    by_peak = training_cost(1e9, 1e9, device=scaling.DEVICE_PEAKS["A100"], utilisation=0.5,
                            price_per_gpu_hour=1.0)
    by_number = training_cost(1e9, 1e9, peak_flops=312e12, utilisation=0.5, price_per_gpu_hour=1.0)
    assert by_name == by_driver == by_peak == by_number


def test_a_price_object_is_read_in_its_unit():
    p = Price(2.5, GPU_HOUR, "2024-06", "an example")
    a = training_cost(1e9, 1e9, peak_flops=1e14, utilisation=1, price_per_gpu_hour=p)
    b = training_cost(1e9, 1e9, peak_flops=1e14, utilisation=1, price_per_gpu_hour=2.5)
    assert a == b
    with pytest.raises(ValueError, match=r"price_per_gpu_hour must be a price in 'USD per GPU-hour'"):
        training_cost(1e9, 1e9, peak_flops=1e14, utilisation=1,
                      price_per_gpu_hour=Price(2.5, PER_MILLION_INPUT_TOKENS, "2024-06", "x"))


def test_llama2_7b_gives_back_its_published_a100_hours():
    # Touvron et al. 2023 (Llama 2), Table 2: 184,320 A100-hours for the 7B model on 2T tokens
    # (Table 1). 6 x 6.7e9 x 2e12 = 8.04e22 FLOPs; at 312e12 FLOP/s the utilisation that gives
    # 184,320 hours is 8.04e22 / (184,320 x 3,600 x 312e12) = 0.3884.
    flops = 6 * 6.7e9 * 2e12
    by_hand = flops / (184_320 * 3_600 * 312e12)
    implied = scaling.implied_utilisation(flops, 184_320, 312e12)
    assert implied == pytest.approx(by_hand, rel=F64)
    assert 0.388 < implied < 0.389
    cost = training_cost(6.7e9, 2e12, device="A100", utilisation=implied, price_per_gpu_hour=1.0)
    assert cost.gpu_hours == pytest.approx(184_320, rel=F64)
    assert cost.dollars == pytest.approx(184_320, rel=F64)  # at $1 an hour, dollars = hours


def test_gpt3_is_its_published_flops():
    # Brown et al. 2020, Table D.1: GPT-3 175B (174,600M parameters), 300B tokens, 3.14E+23 FLOPs.
    cost = training_cost(174_600e6, 300e9, device="A100", utilisation=0.5,
                         price_per_gpu_hour=0.0)
    assert cost.flops == pytest.approx(3.14e23, rel=0.005 / 3.14)
    assert cost.dollars == 0.0


@pytest.mark.parametrize("utilisation", [0, -0.1, 1.0001, 2, float("nan")])
def test_utilisation_outside_zero_one_is_refused(utilisation):
    with pytest.raises(ValueError, match=r"utilisation must be a number in \(0, 1\], but received"):
        training_cost(1e9, 1e9, device="A100", utilisation=utilisation, price_per_gpu_hour=1.0)


@pytest.mark.parametrize("price", [-1, -1e-9, float("inf"), "2"])
def test_negative_or_bad_price_is_refused(price):
    with pytest.raises(ValueError, match=r"price_per_gpu_hour must be a finite number >= 0"):
        training_cost(1e9, 1e9, device="A100", utilisation=0.5, price_per_gpu_hour=price)


def test_sizes_devices_and_peaks_are_checked():
    with pytest.raises(ValueError, match=r"n_tokens must be a finite number > 0, but received -1"):
        training_cost(1e9, -1, device="A100", utilisation=0.5, price_per_gpu_hour=1.0)
    with pytest.raises(ValueError, match=r"n_params must be a finite number > 0"):
        training_cost(0, 1e9, device="A100", utilisation=0.5, price_per_gpu_hour=1.0)
    with pytest.raises(ValueError, match=r"num_devices must be a positive integer, but received 0"):
        training_cost(1e9, 1e9, device="A100", utilisation=0.5, price_per_gpu_hour=1.0,
                      num_devices=0)
    with pytest.raises(ValueError, match=r"exactly one of device and peak_flops"):
        training_cost(1e9, 1e9, utilisation=0.5, price_per_gpu_hour=1.0)
    with pytest.raises(ValueError, match=r"exactly one of device and peak_flops"):
        training_cost(1e9, 1e9, device="A100", peak_flops=1e14, utilisation=0.5,
                      price_per_gpu_hour=1.0)
    with pytest.raises(ValueError, match=r"name must name a device in DEVICE_PEAKS"):
        training_cost(1e9, 1e9, device="Apple M2", utilisation=0.5, price_per_gpu_hour=1.0)
    with pytest.raises(ValueError, match=r"peak_flops must be a finite number > 0"):
        training_cost(1e9, 1e9, peak_flops=0, utilisation=0.5, price_per_gpu_hour=1.0)
