"""Build, fine-tune or buy: the total cost of each option and the volumes at which they change places.

An :class:`Option` is what a way of running a model costs: an upfront cost
(training, fine-tuning, integration), a fixed cost per month (people, a
support contract), and a usage charge per month that grows with the number
of requests, ``cost_per_request · requests``, but never falls below
``monthly_minimum`` (a GPU kept on even when idle; an API has none). Over a
horizon of ``months``:

    ``total = upfront + months · (monthly_fixed + max(monthly_minimum, cost_per_request · requests))``

:func:`total_cost` evaluates it, :func:`break_even_volume` solves for the
monthly volume above which one option is cheaper than another (in closed
form, segment by segment of these piecewise-linear costs), and
:func:`cheapest` names the cheapest option at each volume.

NumPy and the standard library only; every amount is an argument.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["Option", "total_cost", "break_even_volume", "cheapest"]


@dataclasses.dataclass(frozen=True)
class Option:
    """One way to run a use case, by its costs (all in one currency, all ``>= 0``).

    Attributes:
        name: a label, e.g. ``"API"``.
        upfront: paid once, at the start (training, fine-tuning, integration).
        monthly_fixed: paid every month whatever the volume (people, contracts).
        cost_per_request: the usage charge of one request (tokens at an API's
            price; GPU time at a rental price).
        monthly_minimum: the least usage charge in a month, however few the
            requests: e.g. one GPU always on. ``0`` by default (pay per use).

    Raises:
        ValueError: naming the value, for a negative or non-finite amount or
            an empty name.

    Example:
        >>> api = Option("API", upfront=0, monthly_fixed=0, cost_per_request=0.002)
        >>> api.cost_per_request * 1_000_000  # a million requests
        2000.0
        >>> Option("API", upfront=0, monthly_fixed=-1, cost_per_request=0.002)
        Traceback (most recent call last):
        ...
        ValueError: monthly_fixed must be a finite number >= 0, but received -1.
    """

    name: str
    upfront: float
    monthly_fixed: float
    cost_per_request: float
    monthly_minimum: float = 0.0

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string, but received {self.name!r}.")
        for field in ("upfront", "monthly_fixed", "cost_per_request", "monthly_minimum"):
            object.__setattr__(self, field, check_scalar(getattr(self, field), field, low=0))


def _months(months) -> float:
    return check_scalar(months, "months", low=0, low_open=True)


def _volumes(requests_per_month) -> np.ndarray:
    v = as_finite_array(requests_per_month, "requests_per_month")
    if np.any(v < 0):
        raise ValueError(f"requests_per_month must be >= 0, but received a smallest value of "
                         f"{float(v.min())!r}.")
    return v


def total_cost(option: Option, requests_per_month, months):
    """The total cost of an option over ``months`` at a monthly volume.

    ``upfront + months · (monthly_fixed + max(monthly_minimum, cost_per_request · requests_per_month))``.

    Args:
        option: an :class:`Option`.
        requests_per_month: requests per month, ``>= 0``; a number or an array.
        months: the horizon, ``> 0``.

    Returns:
        A ``float`` for a number, an array of the same shape for an array.

    Raises:
        ValueError: naming the value, for a negative volume or a horizon that
            is not positive.

    Example:
        Fine-tuning for 5,000, an engineer's 2,000 a month, one GPU always on
        (2,900 a month) that serves a request for 0.001: at 1M requests the
        usage is 1,000, below the minimum, so a year costs
        5,000 + 12 · (2,000 + 2,900) = 63,800; at 10M, 5,000 + 12 · (2,000 + 10,000):

        >>> tuned = Option("fine-tuned", 5000, 2000, 0.001, monthly_minimum=2900)
        >>> total_cost(tuned, 1e6, 12), total_cost(tuned, 1e7, 12)
        (63800.0, 149000.0)
        >>> total_cost(tuned, 1e6, 0)
        Traceback (most recent call last):
        ...
        ValueError: months must be a finite number > 0, but received 0.
    """
    if not isinstance(option, Option):
        raise ValueError(f"option must be an Option, but received {type(option).__name__}.")
    months = _months(months)
    v = _volumes(requests_per_month)
    usage = np.maximum(option.monthly_minimum, option.cost_per_request * v)
    total = option.upfront + months * (option.monthly_fixed + usage)
    return float(total) if total.ndim == 0 else total


def _kink(option: Option) -> float:
    """The volume at which usage reaches the monthly minimum (inf when it never does)."""
    if option.monthly_minimum == 0:
        return 0.0
    if option.cost_per_request == 0:
        return np.inf
    return option.monthly_minimum / option.cost_per_request


def break_even_volume(a: Option, b: Option, months):
    """The monthly volume above which ``b`` costs less than ``a`` over ``months``.

    The difference ``d(v) = total_cost(b, v) − total_cost(a, v)`` is linear
    between the volumes at which either option's usage charge reaches its
    monthly minimum. On the last segment its slope is
    ``months · (b.cost_per_request − a.cost_per_request)``: if ``b`` costs more
    per request there, or the same and is not already cheaper, ``b`` is not
    cheaper at high volume and the answer is ``None``. Otherwise, walking the
    segments from the top, the answer is the largest root of ``d``, found in
    closed form on its segment, ``lo + d(lo) · (hi − lo) / (d(lo) − d(hi))``
    (or ``lo + d(lo) / −slope`` on the last one): above it ``b`` is cheaper at
    every volume. ``0.0`` means ``b`` is cheaper at every volume above zero.

    Args:
        a: the option to compare against (e.g. an API).
        b: the option that may become cheaper (e.g. self-hosting).
        months: the horizon, ``> 0``: upfront costs are spread over it.

    Returns:
        The volume, requests per month, a ``float``; or ``None``.

    Raises:
        ValueError: for arguments that are not :class:`Option` or a horizon
            that is not positive.

    Example:
        An API at 0.002 per request against self-hosting for 5,000 upfront,
        2,000 a month and 0.0005 per request: over 12 months they cost the
        same where 12 · 0.002 v = 5,000 + 12 · (2,000 + 0.0005 v), so
        v = (5,000 + 24,000) / (12 · 0.0015) = 1,611,111 requests a month:

        >>> api = Option("API", 0, 0, 0.002)
        >>> hosted = Option("self-hosted", 5000, 2000, 0.0005)
        >>> round(break_even_volume(api, hosted, 12))
        1611111
        >>> break_even_volume(hosted, api, 12) is None  # the API is never cheaper at high volume
        True
    """
    for name, option in (("a", a), ("b", b)):
        if not isinstance(option, Option):
            raise ValueError(f"{name} must be an Option, but received {type(option).__name__}.")
    months = _months(months)
    kinks = sorted({k for k in (_kink(a), _kink(b)) if 0 < k < np.inf})
    points = [0.0, *kinks]

    def d(v):
        return total_cost(b, v, months) - total_cost(a, v, months)

    # Beyond the last kink, an option's usage grows at its cost per request, unless it never
    # leaves its minimum (a cost per request of 0).
    rate_a, rate_b = (o.cost_per_request if _kink(o) < np.inf else 0.0 for o in (a, b))
    slope = months * (rate_b - rate_a)
    top = points[-1]
    d_top = d(top)
    if slope > 0 or (slope == 0 and d_top >= 0):
        return None
    if d_top >= 0:  # slope < 0: the root lies on the last, unbounded segment
        return top + d_top / -slope
    for lo, hi in zip(reversed(points[:-1]), reversed(points[1:])):
        d_lo, d_hi = d(lo), d(hi)
        if d_lo >= 0:
            return lo + d_lo * (hi - lo) / (d_lo - d_hi)
    return 0.0


def cheapest(options, volumes, months) -> list[str]:
    """The name of the cheapest option at each monthly volume (ties: the first listed).

    Args:
        options: a sequence of :class:`Option`, at least one.
        volumes: requests per month, ``>= 0``; a number or a 1-D array.
        months: the horizon, ``> 0``.

    Returns:
        A list of names, one per volume.

    Raises:
        ValueError: for no options, a negative volume or a horizon that is
            not positive.

    Example:
        >>> api = Option("API", 0, 0, 0.002)
        >>> hosted = Option("self-hosted", 5000, 2000, 0.0005)
        >>> cheapest([api, hosted], [1e5, 1e6, 1e7], 12)
        ['API', 'API', 'self-hosted']
    """
    options = list(options)
    if not options:
        raise ValueError("options must hold at least one Option, but received none.")
    v = np.atleast_1d(_volumes(volumes))
    if v.ndim != 1:
        raise ValueError(f"volumes must be a number or a 1-D array, but received shape {v.shape}.")
    costs = np.stack([total_cost(o, v, months) for o in options])
    return [options[i].name for i in np.argmin(costs, axis=0)]
