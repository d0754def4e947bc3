"""Fixtures for bmlearn's tests."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported quietly: the independent reference for many tests."""
    from bmlearn.quiet import import_tensorflow

    return import_tensorflow()


@pytest.fixture(scope="session")
def keras(tf):
    """Keras, imported after TensorFlow (quietly)."""
    import keras

    return keras


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
