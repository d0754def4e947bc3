"""What training a model costs: FLOPs, device-hours, days and dollars at a stated price.

Training a dense transformer of ``N`` parameters on ``D`` tokens takes about
``6 N D`` FLOPs (:func:`bmlearn.scaling.training_flops`). At a device's peak
FLOP/s times the share of it a run sustains (its utilisation), that is a
number of device-hours (:func:`bmlearn.scaling.gpu_hours`), and at a rental
price per device-hour, a number of dollars. :func:`training_cost` chains the
three and returns every step in a :class:`TrainingCost`, so that each can be
checked against a published run: Llama 2 7B's 184,320 A100-hours for 2T
tokens (Touvron et al. 2023, Table 2) and GPT-3's 3.14e23 FLOPs (Brown et al.
2020, Table D.1).

The price is an argument, never a constant here: pass a number or a
:class:`bmlearn.business.prices.Price` per GPU-hour.
"""

from __future__ import annotations

import dataclasses

from bmlearn import scaling
from bmlearn.business.prices import GPU_HOUR, Price
from bmlearn.validation import check_scalar

__all__ = ["TrainingCost", "training_cost"]

_SECONDS_PER_DAY = 86400.0


@dataclasses.dataclass(frozen=True)
class TrainingCost:
    """The cost of a training run, step by step: the result of :func:`training_cost`.

    Attributes:
        n_params: parameters ``N``.
        n_tokens: training tokens ``D``.
        flops: ``6 N D``.
        peak_flops: one device's peak FLOP/s.
        utilisation: the share of the peak sustained, in (0, 1].
        num_devices: devices working together.
        gpu_hours: device-hours, whatever the number of devices.
        days: wall-clock days on ``num_devices`` devices.
        price_per_gpu_hour: the price assumed, dollars per device-hour.
        dollars: ``gpu_hours * price_per_gpu_hour``.
    """

    n_params: float
    n_tokens: float
    flops: float
    peak_flops: float
    utilisation: float
    num_devices: int
    gpu_hours: float
    days: float
    price_per_gpu_hour: float
    dollars: float


def _price_amount(price, name: str = "price_per_gpu_hour") -> float:
    """A price per GPU-hour as a float: a number >= 0, or a :class:`Price` in that unit."""
    if isinstance(price, Price):
        if price.unit != GPU_HOUR:
            raise ValueError(f"{name} must be a price in {GPU_HOUR!r}, but received one in "
                             f"{price.unit!r}.")
        return price.amount
    return check_scalar(price, name, low=0)


def _peak(device, peak_flops) -> float:
    """One device's peak FLOP/s from exactly one of a device (name or DevicePeak) and a number."""
    if (device is None) == (peak_flops is None):
        raise ValueError(f"exactly one of device and peak_flops must be given, but received "
                         f"device={device!r} and peak_flops={peak_flops!r}.")
    if peak_flops is not None:
        return check_scalar(peak_flops, "peak_flops", low=0, low_open=True)
    if isinstance(device, scaling.DevicePeak):
        return device.flops
    return scaling.device_peak(device).flops


def training_cost(n_params, n_tokens, *, device=None, peak_flops=None, utilisation,
                  price_per_gpu_hour, num_devices=1) -> TrainingCost:
    """The FLOPs, device-hours, days and dollars to train a dense transformer.

    ``flops = 6 N D`` (:func:`bmlearn.scaling.training_flops`);
    ``gpu_hours = flops / (peak · utilisation) / 3600``
    (:func:`bmlearn.scaling.gpu_hours`); ``days`` divides the work among
    ``num_devices`` (:func:`bmlearn.scaling.training_time`); and
    ``dollars = gpu_hours · price_per_gpu_hour``. More devices finish sooner
    at the same cost: the bill counts device-hours.

    Args:
        n_params: the number of parameters ``N``.
        n_tokens: the number of training tokens ``D``.
        device: a name of :data:`bmlearn.scaling.DEVICE_PEAKS` (or a driver's
            name for it), or a :class:`bmlearn.scaling.DevicePeak`; or give
            ``peak_flops`` instead.
        peak_flops: one device's peak FLOP/s, instead of ``device``.
        utilisation: the share of the peak the run sustains on average, in
            (0, 1]: 0.3 to 0.5 is typical of large runs.
        price_per_gpu_hour: dollars per device-hour (a number >= 0 or a
            :class:`~bmlearn.business.prices.Price` in "USD per GPU-hour").
        num_devices: the number of devices working together.

    Returns:
        A :class:`TrainingCost`.

    Raises:
        ValueError: for sizes that are not positive, a utilisation outside
            (0, 1], a negative price, a price in another unit, an unknown
            device, or both or neither of ``device`` and ``peak_flops``.

    Example:
        A 1B-parameter model on 20B tokens is 6 · 1e9 · 20e9 = 1.2e20 FLOPs; at
        half of 100 TFLOP/s that is 1.2e20 / 5e13 = 2.4e6 s = 666.7 device-hours,
        or $1,333.33 at $2 an hour; 8 devices take 666.7 / 8 / 24 = 3.47 days:

        >>> cost = training_cost(1e9, 20e9, peak_flops=100e12, utilisation=0.5,
        ...                      price_per_gpu_hour=2.0, num_devices=8)
        >>> cost.flops, round(cost.gpu_hours, 1), round(cost.dollars, 2), round(cost.days, 2)
        (1.2e+20, 666.7, 1333.33, 3.47)
        >>> training_cost(1e9, 20e9, device="A100", utilisation=0, price_per_gpu_hour=2.0)
        Traceback (most recent call last):
        ...
        ValueError: utilisation must be a number in (0, 1], but received 0.
        >>> training_cost(1e9, 20e9, device="A100", utilisation=0.4, price_per_gpu_hour=-1)
        Traceback (most recent call last):
        ...
        ValueError: price_per_gpu_hour must be a finite number >= 0, but received -1.
    """
    peak = _peak(device, peak_flops)
    flops = scaling.training_flops(n_params, n_tokens)
    hours = scaling.gpu_hours(flops, peak, utilisation=utilisation)
    seconds = scaling.training_time(flops, peak, utilisation=utilisation, num_devices=num_devices)
    price = _price_amount(price_per_gpu_hour)
    return TrainingCost(
        n_params=float(n_params), n_tokens=float(n_tokens), flops=flops, peak_flops=peak,
        utilisation=float(utilisation), num_devices=int(num_devices), gpu_hours=hours,
        days=seconds / _SECONDS_PER_DAY, price_per_gpu_hour=price, dollars=hours * price,
    )
