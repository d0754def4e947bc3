"""Tests for bmlearn.quantile: the pinball loss against scikit-learn, and its Keras twin against NumPy."""

import pathlib
import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import mean_pinball_loss

from bmlearn.numerics import eps
from bmlearn.quantile import check_quantile, pinball_loss


@pytest.mark.parametrize("quantile", [0.05, 0.5, 0.9, 0.99])
def test_pinball_matches_scikit_learn(quantile):
    rng = np.random.default_rng(0)
    y = rng.gamma(3.0, 8.0, size=500)
    q = y + rng.normal(0, 5, size=500)
    # Both sum the same 500 float64 terms, in possibly different orders.
    np.testing.assert_allclose(pinball_loss(y, q, quantile), mean_pinball_loss(y, q, alpha=quantile),
                               rtol=500 * eps("float64"))
    # a constant forecast, and a Keras-shaped (n, 1) forecast, mean the same
    np.testing.assert_allclose(pinball_loss(y, 25.0, quantile),
                               mean_pinball_loss(y, np.full_like(y, 25.0), alpha=quantile),
                               rtol=500 * eps("float64"))
    assert pinball_loss(y, q[:, None], quantile) == pinball_loss(y, q, quantile)


def test_pinball_by_hand():
    # above the forecast costs tau per unit, below it 1 - tau per unit
    assert pinball_loss([10.0], [8.0], 0.9) == pytest.approx(0.9 * 2)
    assert pinball_loss([10.0], [13.0], 0.9) == pytest.approx(0.1 * 3)
    assert pinball_loss([10.0], [10.0], 0.9) == 0.0


def test_constant_minimiser_is_the_empirical_quantile():
    rng = np.random.default_rng(1)
    y = rng.lognormal(3.0, 0.4, size=1001)
    grid = np.sort(y)  # the pinball loss of a constant is piecewise linear, kinked at the data
    for quantile in (0.1, 0.5, 0.9):
        losses = np.array([pinball_loss(y, c, quantile) for c in grid])
        best = grid[int(np.argmin(losses))]
        # with n = 1001, n * quantile is not a whole number: the minimiser is unique, the
        # ceil(n * quantile)-th smallest value, which is numpy's "inverted_cdf" quantile
        assert best == np.sort(y)[int(np.ceil(len(y) * quantile)) - 1]
        assert best == np.quantile(y, quantile, method="inverted_cdf")
        # and no constant between the data points does better
        fine = np.linspace(y.min(), y.max(), 2001)
        assert min(pinball_loss(y, c, quantile) for c in fine) >= losses.min() - 1e3 * eps("float64") * y.max()


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5, float("nan"), "0.9", True])
def test_bad_quantile(bad):
    with pytest.raises(ValueError, match="quantile must be a number in \\(0, 1\\)"):
        pinball_loss([1.0, 2.0], [1.0, 2.0], bad)
    with pytest.raises(ValueError, match="quantile must be"):
        check_quantile(bad)


def test_bad_inputs():
    with pytest.raises(ValueError, match="same number of samples"):
        pinball_loss([1.0, 2.0, 3.0], [1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match="finite"):
        pinball_loss([1.0, np.nan], [1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match="shape"):
        pinball_loss([1.0, 2.0], np.ones((2, 2)), 0.5)


def test_import_alone_does_not_import_tensorflow():
    code = ("import sys, bmlearn.quantile as q; q.pinball_loss([1.0], [2.0], 0.9); "
            "bad = [k for k in sys.modules if k.split('.')[0] in ('tensorflow', 'keras')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("quantile", [0.1, 0.9])
def test_keras_loss_matches_numpy(keras, dtype, quantile):
    from bmlearn.quantile import QuantileLoss

    rng = np.random.default_rng(2)
    y = rng.uniform(10, 60, size=256).astype("float32")
    pred = (y + rng.normal(0, 8, size=256)).astype("float32")[:, None]
    pred_cast = keras.ops.cast(pred, dtype)  # a prediction made in the compute dtype
    reference = pinball_loss(y, np.asarray(keras.ops.cast(pred_cast, "float32")), quantile)
    got = float(QuantileLoss(quantile)(y, pred_cast))
    # The loss casts the prediction to float32 exactly, then computes each term with a few
    # float32 roundings (difference, product, max) and sums 256 terms: relative error at most
    # about (3 + 256) * eps(float32); 2x margin.
    np.testing.assert_allclose(got, reference, rtol=2 * (3 + 256) * eps("float32"))
    # targets given as (n,) or (n, 1) give the same loss
    assert float(QuantileLoss(quantile)(y[:, None], pred)) == float(QuantileLoss(quantile)(y, pred))


def test_keras_loss_config_round_trip(keras):
    from bmlearn.quantile import QuantileLoss

    loss = QuantileLoss(0.9, name="p90")
    config = loss.get_config()
    assert config["quantile"] == 0.9 and config["name"] == "p90"
    again = QuantileLoss.from_config(config)
    assert again.get_config() == config
    serialised = keras.saving.serialize_keras_object(loss)
    assert serialised["registered_name"] == "bmlearn>QuantileLoss"
    restored = keras.saving.deserialize_keras_object(serialised)
    assert isinstance(restored, QuantileLoss) and restored.quantile == 0.9
    with pytest.raises(ValueError, match="quantile must be"):
        QuantileLoss(1.0)


def test_keras_loss_saved_model_round_trip(keras, tmp_path: pathlib.Path):
    from bmlearn.quantile import QuantileLoss

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=64)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=QuantileLoss(0.8))
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded.loss, QuantileLoss) and loaded.loss.quantile == 0.8
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0),
                                                              rel=10 * eps("float32"))


def test_training_learns_the_quantile(keras):
    """A bias-only model trained with the loss ends near the empirical quantile of its targets."""
    from bmlearn.quantile import QuantileLoss

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(4)
    y = rng.exponential(10.0, size=2000).astype("float32")
    x = np.zeros((2000, 1), "float32")
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.Adam(1.0), loss=QuantileLoss(0.9))
    model.fit(x, y, epochs=80, batch_size=2000, verbose=0)  # Adam moves about 1 per step: reach ~23
    model.optimizer.learning_rate.assign(0.01)
    model.fit(x, y, epochs=200, batch_size=2000, verbose=0)  # then settle
    fitted = float(model.predict(x[:1], verbose=0)[0, 0])
    # the share of targets below the fitted constant is 0.9, within a 1% margin
    assert abs(np.mean(y <= fitted) - 0.9) < 0.01
