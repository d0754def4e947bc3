"""Machines run until they fail, with sensor readings every cycle, generated with a fixed seed.

Nothing here is real: it is a small stand-in for run-to-failure data such as
NASA's C-MAPSS turbofan simulations. The process, for each of ``n_units``
machines (units):

1. Its lifetime ``T`` is drawn uniformly from 128 to 320 cycles; it runs
   cycles ``1 .. T`` and fails at the end of cycle ``T``.
2. Its wear grows as ``D(t) = (t / T) ** b``, from near 0 to 1 at failure,
   with an exponent ``b`` drawn uniformly from 1.5 to 3 (wear that
   accelerates, some units faster than others).
3. Each cycle runs at a ``load`` of 0, 1 or 2, drawn uniformly: the
   operating setting, recorded as an input, which shifts some sensors.
4. Sensor ``k`` reads ``base_k + shift_k * load + noise_k * (offset + gain_k
   * D(t) + e)``, where ``offset`` is the unit's own calibration, drawn once
   per unit and sensor from a normal of sd 0.5, and ``e`` the reading noise,
   standard normal every cycle. :data:`SENSORS` lists ``base``, ``shift``,
   ``noise`` and ``gain``: four sensors drift with wear (``gain`` of 1.5
   to 4 noise standard deviations by failure, ``pressure`` downwards); two
   (``speed``, ``current``) do not, and only add noise and the load's shift.

The label of each cycle says whether the unit fails within the next
``within`` cycles: with ``rul = T - t`` the cycles the unit still completes
after this one (0 on its last cycle), ``y = 1`` when ``rul < within``.
Every unit thus has exactly ``within`` positive cycles, its last ones.

Units, not cycles, are split: a unit's whole run is in one of the training,
validation and test sets, so no model sees part of a test unit's life.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bmlearn.validation import check_scalar

__all__ = ["CLASS_NAMES", "FEATURE_NAMES", "LIFETIME", "RunToFailure", "SENSORS", "UnitRuns",
           "make_run_to_failure"]

#: Label 0: the unit will run more than ``within`` further cycles; label 1: it fails within them.
CLASS_NAMES = ("healthy", "fails soon")

#: The smallest and largest lifetime, in cycles.
LIFETIME = (128, 320)

#: Each sensor's ``(base, shift, noise, gain)``: its reading at no wear and load 0, the
#: shift per unit of load, the reading noise's standard deviation, and the drift at
#: failure in units of that noise.
SENSORS = {
    "temperature": (640.0, 8.0, 0.5, 3.0),
    "pressure": (550.0, -5.0, 0.8, -2.0),
    "vibration": (1.2, 0.1, 0.05, 2.5),
    "oil_debris": (10.0, 0.0, 1.0, 4.0),
    "speed": (2400.0, 40.0, 6.0, 0.0),
    "current": (12.0, 1.5, 0.3, 0.0),
}

#: The input columns: the load, then the sensors.
FEATURE_NAMES = ("load", *SENSORS)

_OFFSET_SD = 0.5
_WEAR_EXPONENT = (1.5, 3.0)


@dataclasses.dataclass(frozen=True)
class UnitRuns:
    """The cycles of some units, one row per unit and cycle, sorted by unit then cycle.

    Attributes:
        unit: int64 unit number of each row.
        cycle: int64 cycle number, from 1 to the unit's lifetime.
        x: float32 inputs ``(rows, 7)``, columns as in :data:`FEATURE_NAMES`.
        rul: int64 remaining useful life: the cycles the unit completes
            after this one.
        y: int64 label, 1 when the unit fails within the next ``within``
            cycles (``rul < within``).
    """

    unit: np.ndarray
    cycle: np.ndarray
    x: np.ndarray
    rul: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.y)

    @property
    def units(self) -> np.ndarray:
        """The unit numbers present, sorted."""
        return np.unique(self.unit)

    def sequences(self) -> list:
        """Each unit's run as ``(x, y)``: its inputs ``(T, 7)`` and labels ``(T,)``, cycle by cycle."""
        starts = np.flatnonzero(np.r_[True, np.diff(self.unit) != 0])
        return [(x, y) for x, y in zip(np.split(self.x, starts[1:]), np.split(self.y, starts[1:]))]


@dataclasses.dataclass(frozen=True)
class RunToFailure:
    """Run-to-failure data, split by unit into training, validation and test units.

    Attributes:
        train: fit the model on these units.
        val: choose hyperparameters on these.
        test: report the final score on these, once.
        within: the label's horizon in cycles.
        class_names: ``("healthy", "fails soon")``.
        source: how the data were generated, for the lesson's prose.
    """

    train: UnitRuns
    val: UnitRuns
    test: UnitRuns
    within: int
    class_names: tuple
    source: str

    @property
    def feature_names(self) -> tuple:
        """The input columns: ``load`` and the six sensors."""
        return FEATURE_NAMES

    def summary(self) -> str:
        """One line per split with its units, cycles and share of positive cycles."""
        rows = []
        for name in ("train", "val", "test"):
            part = getattr(self, name)
            rows.append(
                f"{name:<5}: {len(part.units):>4} units, {len(part):>6} cycles, "
                f"{part.y.mean():.1%} fail within {self.within}"
            )
        return "\n".join(rows)


def make_run_to_failure(
    n_units: int = 100,
    *,
    within: int = 30,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> RunToFailure:
    """Generated run-to-failure sensor data, by the module docstring's process.

    Args:
        n_units: number of units, at least 3 (one per split).
        within: the label's horizon in cycles, from 1 to 127 (below the
            shortest lifetime, so every unit has ``within`` positive cycles).
        val_fraction: share of the units for validation, rounded, at least one.
        test_fraction: share of the units for testing, rounded, at least one.
        seed: the generator's and the split's seed; the same seed gives the
            same data.

    Returns:
        :class:`RunToFailure`; units are numbered 0 to ``n_units - 1``.

    Raises:
        ValueError: for fewer than 3 units, ``within`` out of range, or
            fractions outside (0, 1) or leaving no training unit.

    Example:
        >>> data = make_run_to_failure(20)
        >>> [len(part.units) for part in (data.train, data.val, data.test)]
        [12, 4, 4]
        >>> x, y = data.test.sequences()[0]
        >>> x.shape, int(y.sum()), int(y[-30:].sum())
        ((135, 7), 30, 30)
    """
    n_units = check_scalar(n_units, "n_units", integer=True, low=3)
    within = check_scalar(within, "within", integer=True, low=1, high=LIFETIME[0] - 1)
    val_fraction = check_scalar(val_fraction, "val_fraction", low=0, high=1, low_open=True, high_open=True)
    test_fraction = check_scalar(test_fraction, "test_fraction", low=0, high=1, low_open=True, high_open=True)
    n_val, n_test = max(1, round(val_fraction * n_units)), max(1, round(test_fraction * n_units))
    if n_val + n_test >= n_units:
        raise ValueError(
            f"val_fraction and test_fraction must leave training units, but received {val_fraction} "
            f"and {test_fraction} of {n_units} units ({n_val} + {n_test})."
        )
    rng = np.random.default_rng(seed)
    lifetimes = rng.integers(LIFETIME[0], LIFETIME[1] + 1, n_units)
    exponents = rng.uniform(*_WEAR_EXPONENT, n_units)
    base, shift, noise, gain = (np.array(v) for v in zip(*SENSORS.values()))
    rows = {"unit": [], "cycle": [], "x": [], "rul": []}
    for unit, (life, exponent) in enumerate(zip(lifetimes, exponents)):
        cycle = np.arange(1, life + 1)
        wear = (cycle / life) ** exponent
        load = rng.integers(0, 3, life)
        offset = rng.normal(0, _OFFSET_SD, len(SENSORS))
        readings = base + shift * load[:, None] + noise * (
            offset + gain * wear[:, None] + rng.standard_normal((life, len(SENSORS)))
        )
        rows["unit"].append(np.full(life, unit))
        rows["cycle"].append(cycle)
        rows["x"].append(np.column_stack([load, readings]))
        rows["rul"].append(life - cycle)
    unit, cycle, rul = (np.concatenate(rows[k]).astype(np.int64) for k in ("unit", "cycle", "rul"))
    x = np.concatenate(rows["x"]).astype(np.float32)
    y = (rul < within).astype(np.int64)
    order = rng.permutation(n_units)
    groups = (order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test])
    parts = []
    for members in groups:
        keep = np.isin(unit, members)
        parts.append(UnitRuns(unit[keep], cycle[keep], x[keep], rul[keep], y[keep]))
    source = (
        f"generated by bmlearn.data.maintenance.make_run_to_failure(n_units={n_units}, "
        f"within={within}, seed={seed}): machines run until they fail ({LIFETIME[0]} to "
        f"{LIFETIME[1]} cycles), with wear (t / T) ** b that four of six sensors follow through "
        f"noise, calibration offsets and a varying load; label: fails within {within} cycles. "
        "Nothing is real and nothing is downloaded."
    )
    return RunToFailure(*parts, within, CLASS_NAMES, source)
