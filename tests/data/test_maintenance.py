"""bmlearn.data.maintenance: the generator's seeds, labels and documented degradation."""

import math

import numpy as np
import pytest

from bmlearn.data import RunToFailure, make_run_to_failure
from bmlearn.data.maintenance import FEATURE_NAMES, LIFETIME, SENSORS

SPLITS = ("train", "val", "test")


def _pooled(data):
    parts = [getattr(data, name) for name in SPLITS]
    return {key: np.concatenate([getattr(p, key) for p in parts]) for key in ("unit", "cycle", "x", "rul", "y")}


@pytest.fixture(scope="module")
def fleet():
    return make_run_to_failure(500, seed=0)


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = make_run_to_failure(10, seed=0), make_run_to_failure(10, seed=0), make_run_to_failure(10, seed=1)
    for name in SPLITS:
        for key in ("unit", "cycle", "x", "rul", "y"):
            np.testing.assert_array_equal(getattr(getattr(a, name), key), getattr(getattr(b, name), key))
    assert not np.array_equal(_pooled(a)["x"][:100], _pooled(c)["x"][:100])


def test_runs_labels_and_prevalence(fleet):
    rows = _pooled(fleet)
    assert isinstance(fleet, RunToFailure) and fleet.within == 30
    lifetimes = []
    for unit in np.unique(rows["unit"]):
        mine = rows["unit"] == unit
        cycle, rul, y = rows["cycle"][mine], rows["rul"][mine], rows["y"][mine]
        life = len(cycle)
        lifetimes.append(life)
        assert LIFETIME[0] <= life <= LIFETIME[1]
        np.testing.assert_array_equal(cycle, np.arange(1, life + 1))
        np.testing.assert_array_equal(rul, life - cycle)
        # Fails within 30 cycles: the last 30 cycles, and only those.
        np.testing.assert_array_equal(y, (np.arange(life) >= life - 30).astype(int))
    lifetimes = np.array(lifetimes)
    # Each unit has exactly `within` positives: the prevalence is 30 units' worth per unit.
    assert rows["y"].sum() == 30 * 500 and rows["y"].mean() == 30 * 500 / lifetimes.sum()
    # Lifetimes uniform on 128..320: mean 224, standard deviation sqrt((193**2 - 1) / 12).
    sd = math.sqrt((193**2 - 1) / 12)
    assert abs(lifetimes.mean() - 224) <= 4 * sd / math.sqrt(500)
    assert rows["x"].dtype == np.float32 and rows["y"].dtype == np.int64


def test_units_are_split_whole(fleet):
    units = [set(getattr(fleet, name).unit) for name in SPLITS]
    assert [len(u) for u in units] == [300, 100, 100]
    assert not (units[0] & units[1] or units[0] & units[2] or units[1] & units[2])
    assert set().union(*units) == set(range(500))
    small = make_run_to_failure(3)
    assert [len(getattr(small, name).units) for name in SPLITS] == [1, 1, 1]


def test_sequences_are_the_rows(fleet):
    part = fleet.val
    sequences = part.sequences()
    assert len(sequences) == len(part.units) == 100
    np.testing.assert_array_equal(np.concatenate([x for x, _ in sequences]), part.x)
    np.testing.assert_array_equal(np.concatenate([y for _, y in sequences]), part.y)
    for (x, y), unit in zip(sequences, part.units):
        assert len(x) == np.sum(part.unit == unit) and y[-1] == 1 and x.shape[1] == len(FEATURE_NAMES)


def _standardised(rows):
    """Each sensor's reading less its base and load shift, in units of its noise."""
    load = rows["x"][:, 0].astype(np.float64)
    out = {}
    for k, (name, (base, shift, noise, _)) in enumerate(SENSORS.items()):
        out[name] = (rows["x"][:, 1 + k] - base - shift * load) / noise
    return out


def test_load_is_uniform(fleet):
    load = _pooled(fleet)["x"][:, 0]
    n = len(load)
    for value in (0, 1, 2):
        assert abs(np.mean(load == value) - 1 / 3) <= 4 * math.sqrt(2 / 9 / n)


def test_sensors_drift_with_wear_as_documented(fleet):
    rows = _pooled(fleet)
    readings = _standardised(rows)
    first = rows["cycle"] <= 10
    last = rows["rul"] < 10
    for name, (_, _, _, gain) in SENSORS.items():
        value = readings[name]
        drift = np.mean([value[last & (rows["unit"] == u)].mean() - value[first & (rows["unit"] == u)].mean()
                         for u in range(500)])
        # Wear rises by 0.78 to 1 between the first and last ten cycles: (119/128)**3 - (10/128)**1.5
        # at least. The noise of the mean drift is sqrt(2 / 10 / 500) = 0.02, so allow 0.1.
        low, high = sorted((0.78 * gain, gain))
        assert low - 0.1 <= drift <= high + 0.1, (name, drift)


def test_calibration_offsets(fleet):
    rows = _pooled(fleet)
    speed = _standardised(rows)["speed"]  # no wear: offset + noise
    means = np.array([speed[rows["unit"] == u].mean() for u in range(500)])
    # Unit means: the offset (sd 0.5) plus the noise averaged over ~224 cycles (sd ~0.07).
    assert 0.45 <= means.std() <= 0.58 and abs(means.mean()) < 0.1


def test_summary_and_source(fleet):
    lines = fleet.summary().splitlines()
    assert len(lines) == 3 and "300 units" in lines[0] and "fail within 30" in lines[0]
    assert "nothing is downloaded" in fleet.source.lower() and "seed=0" in fleet.source
    assert fleet.class_names == ("healthy", "fails soon") and fleet.feature_names == FEATURE_NAMES


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_units": 2}, "n_units must be an integer >= 3, but received 2"),
        ({"n_units": 10.0}, "n_units must be an integer >= 3, but received 10.0"),
        ({"within": 0}, "within must be an integer in \\[1, 127\\], but received 0"),
        ({"within": 128}, "within must be an integer in \\[1, 127\\], but received 128"),
        ({"val_fraction": 1.0}, "val_fraction must be a number in \\(0, 1\\), but received 1.0"),
        ({"n_units": 4, "val_fraction": 0.5, "test_fraction": 0.4}, "must leave training units"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_run_to_failure(**kwargs)
