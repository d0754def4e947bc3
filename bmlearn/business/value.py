"""What a use case is worth: expected profit, break-even accuracy, cash flows, payback, ROI, sensitivity.

A model's confusion matrix says how often each decision meets each truth; a
payoff matrix of the same shape says what each such case is worth. Their
product, summed, is the profit (:func:`expected_profit`). Against the process
the model would replace (the status quo), it gives the accuracy a model needs
to pay its way (:func:`break_even_accuracy`).

A deployment turns that profit into money over time: an upfront cost to build
it, a monthly benefit (the extra profit at the monthly volume) and a monthly
running cost (:func:`cash_flows`). From the flows: the month the cumulative
cash turns non-negative (:func:`payback_months`), the return on investment
over a horizon (:func:`roi`) and, at a discount rate, the net present value
(:func:`npv`). :func:`tornado` varies one assumption at a time between a low
and a high value and ranks the assumptions by how far they move the answer.

NumPy and the standard library only.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from bmlearn.validation import as_finite_array, check_scalar

__all__ = [
    "expected_profit",
    "break_even_accuracy",
    "cash_flows",
    "payback_months",
    "roi",
    "npv",
    "TornadoRow",
    "tornado",
]


def _square_pair(confusion, payoff):
    """Both matrices as float arrays of one square shape; counts non-negative."""
    c = as_finite_array(confusion, "confusion", ndim=2)
    p = as_finite_array(payoff, "payoff", ndim=2)
    if c.shape != p.shape:
        raise ValueError(f"confusion and payoff must have the same shape, but received confusion of "
                         f"shape {c.shape} and payoff of shape {p.shape}.")
    if c.shape[0] != c.shape[1]:
        raise ValueError(f"confusion must be square (one row per truth, one column per decision), "
                         f"but received shape {c.shape}.")
    if np.any(c < 0):
        raise ValueError(f"confusion must hold counts >= 0, but received a smallest value of "
                         f"{c.min()!r}.")
    if c.sum() == 0:
        raise ValueError("confusion must hold at least one case, but all its counts are 0.")
    return c, p


def expected_profit(confusion, payoff, *, per=1.0) -> float:
    """The profit of a set of decisions: counts times values, summed, per ``per`` cases.

    ``confusion[i, j]`` counts the cases whose truth is ``i`` and whose
    decision was ``j`` (rows are truths, columns decisions, as scikit-learn's
    ``confusion_matrix`` with the decisions as predictions); ``payoff[i, j]`` is
    what one such case earns (negative: costs). The profit is
    ``sum(confusion * payoff) / confusion.sum() * per``.

    Args:
        confusion: a square matrix of counts ``>= 0``, at least one non-zero.
        payoff: the value of one case in each cell, the same shape.
        per: the number of cases to scale to (``1``: per case, ``1000``: per
            1,000 cases), ``> 0``; or ``None`` for the total over the counts.

    Returns:
        The profit, a ``float``.

    Raises:
        ValueError: for shapes that differ (naming both), a matrix that is not
            square, negative or all-zero counts, non-finite values or a ``per``
            that is not positive.

    Example:
        Credit: truth good/bad (rows), decision approve/decline (columns). 700
        good payers approved earn 1,000 each, 50 bad payers approved lose 5,000
        each; declines earn nothing. (700 · 1,000 − 50 · 5,000) / 1,000 cases
        = 450 per case, 450,000 per 1,000:

        >>> confusion = [[700, 100], [50, 150]]
        >>> payoff = [[1000, 0], [-5000, 0]]
        >>> expected_profit(confusion, payoff)
        450.0
        >>> expected_profit(confusion, payoff, per=1000)
        450000.0
        >>> expected_profit(confusion, payoff, per=None)
        450000.0
        >>> expected_profit(confusion, [[1000, 0]])
        Traceback (most recent call last):
        ...
        ValueError: confusion and payoff must have the same shape, but received confusion of shape (2, 2) and payoff of shape (1, 2).
    """
    c, p = _square_pair(confusion, payoff)
    total = float(np.sum(c * p))
    if per is None:
        return total
    return total / float(c.sum()) * check_scalar(per, "per", low=0, low_open=True)


def break_even_accuracy(confusion, payoff, status_quo) -> float:
    """The accuracy at which a model's profit per case equals the status quo's, its error mix fixed.

    Definition. Split the model's cases into right decisions (the diagonal of
    ``confusion``) and errors (the rest). A right decision is worth, on
    average, ``v_right = sum(diag(C · P)) / sum(diag(C))``; an error is worth
    ``v_wrong = sum(offdiag(C · P)) / sum(offdiag(C))``. A model of accuracy
    ``a`` whose right decisions and errors keep these mixes (the same share of
    false approvals among its errors, say) earns ``a · v_right + (1 − a) · v_wrong``
    per case. It matches the status quo's profit per case ``s`` at

        ``a* = (s − v_wrong) / (v_right − v_wrong)``,

    and beats it at any higher accuracy. ``1 − a*`` is the break-even error
    rate. A value above 1 means no accuracy pays at this error mix; a value
    below 0, that any accuracy does.

    Args:
        confusion: a square matrix of counts (rows truths, columns decisions)
            with at least one right decision and one error.
        payoff: the value of one case in each cell, the same shape.
        status_quo: the profit per case of the process the model would
            replace (approving everyone, a rule, a person).

    Returns:
        ``a*``, a ``float`` (not clipped to [0, 1]).

    Raises:
        ValueError: as :func:`expected_profit`, and if the matrix has no right
            decision or no error, or if right decisions are not worth more
            than errors on average (then no break-even accuracy exists).

    Example:
        Right decisions: 700 · 1,000 + 150 · 0 over 850 cases, 823.53 each;
        errors: 100 · 0 − 50 · 5,000 over 150 cases, −1,666.67 each. Against a
        status quo of 0 per case (approving no one),
        a* = 1,666.67 / (823.53 + 1,666.67) = 0.6693:

        >>> confusion, payoff = [[700, 100], [50, 150]], [[1000, 0], [-5000, 0]]
        >>> round(break_even_accuracy(confusion, payoff, status_quo=0.0), 4)
        0.6693
        >>> a = break_even_accuracy(confusion, payoff, status_quo=450.0)  # the model's own profit
        >>> round(a, 10)  # the model's own accuracy, 850 / 1000
        0.85
    """
    c, p = _square_pair(confusion, payoff)
    s = check_scalar(status_quo, "status_quo")
    right = np.eye(len(c), dtype=bool)
    n_right, n_wrong = float(c[right].sum()), float(c[~right].sum())
    if n_right == 0 or n_wrong == 0:
        raise ValueError(f"confusion must hold at least one right decision and one error, but "
                         f"received {n_right:g} right and {n_wrong:g} wrong.")
    v_right = float(np.sum(c[right] * p[right])) / n_right
    v_wrong = float(np.sum(c[~right] * p[~right])) / n_wrong
    if not v_right > v_wrong:
        raise ValueError(f"right decisions must be worth more than errors on average, but received "
                         f"{v_right!r} per right decision and {v_wrong!r} per error.")
    return (s - v_wrong) / (v_right - v_wrong)


def _money(value, name):
    return check_scalar(value, name, low=0)


def _horizon(horizon_months):
    return check_scalar(horizon_months, "horizon_months", integer=True, low=1)


def cash_flows(upfront, monthly_benefit, monthly_cost, horizon_months, *, ramp_months=0) -> np.ndarray:
    """The net cash of a deployment, month by month: month 0 the upfront cost, then benefit − cost.

    ``flows[0] = −upfront``; for month ``m = 1 .. horizon_months``,
    ``flows[m] = monthly_benefit · min(1, m / ramp_months) − monthly_cost``:
    with ``ramp_months > 0`` the benefit grows linearly to its full value in
    month ``ramp_months`` (adoption takes time); the cost is paid from month 1.

    Args:
        upfront: the cost to build and launch, ``>= 0``, paid in month 0.
        monthly_benefit: the extra profit a full month brings over the status
            quo; any finite number (negative when the use case loses money).
        monthly_cost: the running cost per month (hosting, monitoring,
            people), ``>= 0``.
        horizon_months: the number of months after launch, an integer ``>= 1``.
        ramp_months: months to reach the full benefit, an integer ``>= 0``.

    Returns:
        The ``horizon_months + 1`` net flows, a float array.

    Raises:
        ValueError: naming the value, for a negative cost, a horizon below 1
            month, a negative ramp or non-finite numbers.

    Example:
        >>> cash_flows(1000, 300, 100, 4)
        array([-1000.,   200.,   200.,   200.,   200.])
        >>> cash_flows(1000, 300, 100, 4, ramp_months=3)  # 100, 200, 300, 300 of benefit
        array([-1000.,     0.,   100.,   200.,   200.])
        >>> cash_flows(1000, 300, 100, 0)
        Traceback (most recent call last):
        ...
        ValueError: horizon_months must be a positive integer, but received 0.
    """
    upfront = _money(upfront, "upfront")
    benefit = check_scalar(monthly_benefit, "monthly_benefit")
    cost = _money(monthly_cost, "monthly_cost")
    horizon = _horizon(horizon_months)
    ramp = check_scalar(ramp_months, "ramp_months", integer=True, low=0)
    months = np.arange(1, horizon + 1, dtype=float)
    share = np.minimum(1.0, months / ramp) if ramp else np.ones(horizon)
    return np.concatenate([[-upfront], benefit * share - cost])


def payback_months(flows, *, fractional=False):
    """The first month at which the cumulative cash is ``>= 0``: when the investment has paid back.

    With ``fractional=True``, the month is interpolated linearly within the
    month in which the cumulative cash crosses zero (the month's net flow is
    taken to arrive evenly): if the cumulative cash is ``−100`` after month 3
    and ``+200`` after month 4, payback is ``3 + 100 / 300 = 3.33`` months.

    Args:
        flows: net cash per month, month 0 first (as :func:`cash_flows` returns).
        fractional: interpolate within the month instead of rounding up to it.

    Returns:
        The month, an ``int`` (or a ``float`` with ``fractional=True``); ``0``
        when nothing was spent; ``None`` when the cumulative cash is still
        negative at the end of the flows.

    Raises:
        ValueError: for flows that are empty, not 1-D or not finite.

    Example:
        An upfront 1,000 and 300 a month: −1,000, −700, −400, −100, +200.

        >>> flows = cash_flows(1000, 400, 100, 6)
        >>> payback_months(flows)
        4
        >>> round(payback_months(flows, fractional=True), 4)
        3.3333
        >>> payback_months(cash_flows(1000, 100, 100, 24)) is None  # never pays back
        True
    """
    f = as_finite_array(flows, "flows", ndim=1)
    cumulative = np.cumsum(f)
    reached = np.flatnonzero(cumulative >= 0)
    if reached.size == 0:
        return None
    m = int(reached[0])
    if not fractional or m == 0:
        return m
    before = cumulative[m - 1]  # < 0, and f[m] > -before > 0
    return (m - 1) + float(-before / f[m])


def _discount(horizon, annual_rate):
    """Discount factors for months 0..horizon at an annual rate compounded monthly."""
    r = check_scalar(annual_rate, "annual_discount_rate", low=0)
    return (1.0 + r) ** (-np.arange(horizon + 1) / 12.0)


def npv(flows, annual_discount_rate=0.0) -> float:
    """Net present value: each month's flow discounted to month 0 and summed.

    Month ``m``'s flow is divided by ``(1 + annual_discount_rate) ** (m / 12)``.

    Args:
        flows: net cash per month, month 0 first.
        annual_discount_rate: the yearly rate, ``>= 0`` (``0.1`` for 10%).

    Returns:
        The net present value, a ``float``; at a rate of 0, the sum of the flows.

    Raises:
        ValueError: for a negative rate or flows that are empty or not finite.

    Example:
        1,100 received twelve months from now is worth 1,000 today at 10% a year:

        >>> round(npv([-1000] + [0] * 11 + [1100], annual_discount_rate=0.10), 10)
        0.0
        >>> npv([-1000, 600, 600])
        200.0
    """
    f = as_finite_array(flows, "flows", ndim=1)
    return float(np.sum(f * _discount(len(f) - 1, annual_discount_rate)))


def roi(upfront, monthly_benefit, monthly_cost, horizon_months, *, ramp_months=0,
        annual_discount_rate=0.0) -> float:
    """Return on investment over a horizon: (benefits − costs) / costs.

    Benefits are the monthly benefits of :func:`cash_flows` over the horizon;
    costs are the upfront cost plus the monthly costs. At a discount rate,
    each is discounted to month 0 first (as :func:`npv`), so
    ``roi = npv(flows) / present value of the costs``.

    Args:
        upfront, monthly_benefit, monthly_cost, horizon_months, ramp_months:
            as :func:`cash_flows`.
        annual_discount_rate: as :func:`npv`.

    Returns:
        The ROI as a fraction (``0.5``: the use case returns its cost and half
        again), a ``float``.

    Raises:
        ValueError: as :func:`cash_flows`, and when the costs are all zero (an
            ROI needs something invested).

    Example:
        Build for 1,000, earn 400 and pay 100 a month for 12 months: benefits
        4,800, costs 1,000 + 1,200 = 2,200, ROI = 2,600 / 2,200 = 1.18:

        >>> round(roi(1000, 400, 100, 12), 4)
        1.1818
        >>> roi(1000, 400, -100, 12)
        Traceback (most recent call last):
        ...
        ValueError: monthly_cost must be a finite number >= 0, but received -100.
    """
    flows = cash_flows(upfront, monthly_benefit, monthly_cost, horizon_months, ramp_months=ramp_months)
    horizon = len(flows) - 1
    costs = np.concatenate([[float(upfront)], np.full(horizon, float(monthly_cost))])
    benefits = flows + costs
    d = _discount(horizon, annual_discount_rate)
    pv_costs = float(np.sum(costs * d))
    if pv_costs == 0:
        raise ValueError("upfront and monthly_cost must not both be 0: an ROI divides by what was "
                         "invested, but received 0 and 0.")
    return (float(np.sum(benefits * d)) - pv_costs) / pv_costs


class TornadoRow(NamedTuple):
    """One assumption's effect in :func:`tornado`: its range, the output at each end, the swing."""

    parameter: str
    low: float
    high: float
    output_low: float
    output_high: float
    swing: float


def tornado(model_fn: Callable[..., float], base: dict, ranges: dict) -> list[TornadoRow]:
    """One-at-a-time sensitivity: each assumption moved to its low and high values, the others at base.

    For each ``name`` in ``ranges``, ``model_fn(**{**base, name: low})`` and
    ``model_fn(**{**base, name: high})``; the swing is the absolute difference
    of the two outputs. Rows are sorted by swing, largest first (ties keep the
    order of ``ranges``): a tornado plot draws them top down. Interactions
    between assumptions (two moving together) are not measured.

    Args:
        model_fn: a function of keyword arguments returning a number.
        base: every argument of ``model_fn`` at its base value.
        ranges: ``{name: (low, high)}`` for the assumptions to vary; each name
            must be in ``base``.

    Returns:
        A list of :class:`TornadoRow`.

    Raises:
        ValueError: for a name not in ``base``, a range that is not two finite
            numbers, an empty ``ranges`` or an output that is not a finite number.

    Example:
        Profit = volume · (price − unit cost): volume 100 (80 to 120), price 10
        (9 to 11), unit cost 6 (5.5 to 6.5). Volume moves it from 320 to 480
        (swing 160), price from 300 to 500 (200), cost from 450 to 350 (100):

        >>> rows = tornado(lambda volume, price, cost: volume * (price - cost),
        ...                {"volume": 100, "price": 10, "cost": 6},
        ...                {"volume": (80, 120), "price": (9, 11), "cost": (5.5, 6.5)})
        >>> [(r.parameter, r.output_low, r.output_high, r.swing) for r in rows]
        [('price', 300.0, 500.0, 200.0), ('volume', 320.0, 480.0, 160.0), ('cost', 450.0, 350.0, 100.0)]
    """
    if not ranges:
        raise ValueError("ranges must name at least one assumption, but received none.")

    def run(**kwargs):
        out = model_fn(**kwargs)
        return check_scalar(out, "model_fn's output")

    rows = []
    for name, bounds in ranges.items():
        if name not in base:
            raise ValueError(f"ranges must name arguments in base ({sorted(base)}), but received "
                             f"{name!r}.")
        pair = as_finite_array(bounds, f"ranges[{name!r}]", ndim=1)
        if pair.shape != (2,):
            raise ValueError(f"ranges[{name!r}] must be (low, high), but received {bounds!r}.")
        low, high = (v.item() if isinstance(v, np.generic) else v for v in bounds)
        out_low, out_high = run(**{**base, name: low}), run(**{**base, name: high})
        rows.append(TornadoRow(name, float(low), float(high), out_low, out_high,
                               abs(out_high - out_low)))
    order = sorted(range(len(rows)), key=lambda i: (-rows[i].swing, i))
    return [rows[i] for i in order]

