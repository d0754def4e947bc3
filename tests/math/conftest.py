"""Record how far bmlearn.math is from its TensorFlow/Keras references.

Tests call ``deviation(family, ours, reference)``: it returns the largest
absolute difference (or, with ``relative=True``, the relative error
``‖a - b‖ / (‖a‖ + ‖b‖)``) and keeps the largest per family; the run ends
with a short table ("largest deviation from TensorFlow/Keras").
"""

import collections

import numpy as np
import pytest

_LARGEST: dict[str, float] = collections.defaultdict(float)


@pytest.fixture
def deviation():
    def record(family: str, ours, reference, *, relative: bool = False) -> float:
        a, b = np.asarray(ours, float), np.asarray(reference, float)
        if relative:  # ‖a - b‖ / (‖a‖ + ‖b‖), the usual gradient-check measure
            diff = float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))
        else:
            diff = float(np.max(np.abs(a - b)))
        _LARGEST[family] = max(_LARGEST[family], diff)
        return diff

    return record


def pytest_terminal_summary(terminalreporter):
    if not _LARGEST:
        return
    terminalreporter.section("largest deviation from TensorFlow/Keras")
    for family in sorted(_LARGEST):
        terminalreporter.write_line(f"{family:<28} {_LARGEST[family]:.3e}")
