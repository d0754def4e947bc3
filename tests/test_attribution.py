"""Tests for bmlearn.attribution: integrated gradients against independent references."""

import numpy as np
import pytest

from bmlearn.attribution import integrated_gradients


@pytest.fixture
def linear_model(keras):
    rng = np.random.default_rng(0)
    w = rng.normal(size=(5, 1)).astype("float32")
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    model.set_weights([w, np.array([0.7], dtype="float32")])
    return model, w[:, 0]


@pytest.fixture
def tanh_model(keras):
    """A smooth nonlinear network with two outputs (softmax), fixed weights."""
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="tanh"),
                             keras.layers.Dense(2, activation="softmax")])


def test_linear_model_closed_form(linear_model):
    model, w = linear_model
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 5)).astype("float32")
    base = rng.normal(size=5).astype("float32")
    for steps in (1, 7):  # the gradient is constant: any number of steps is exact
        ig = integrated_gradients(model, x, base, steps=steps)
        expected = (x.astype("float64") - base) * w
        # float32 inputs and gradients: a few units of float32 rounding on values of order 1
        np.testing.assert_allclose(ig, expected, rtol=0, atol=20 * np.finfo(np.float32).eps)


def test_default_baseline_is_zero(linear_model):
    model, w = linear_model
    x = np.ones((1, 5), dtype="float32")
    np.testing.assert_allclose(integrated_gradients(model, x), x * w, atol=1e-6)


def _completeness_error(model, x, base, steps, target=0):
    ig = integrated_gradients(model, x, base, steps=steps, target=target)
    f = lambda z: np.asarray(model(z), dtype="float64")[:, target]  # noqa: E731
    return np.abs(ig.sum(axis=1) - (f(x) - f(np.broadcast_to(base, x.shape)))).max()


def test_completeness_on_nonlinear_model(tanh_model):
    rng = np.random.default_rng(2)
    x = rng.normal(scale=2.0, size=(4, 4)).astype("float32")
    base = np.zeros(4, dtype="float32")
    # Trapezoid rule on a smooth integrand: error O(1 / steps^2). With 512 steps, far below the
    # outputs' changes (order 0.1), down to float32 rounding of the summed gradients.
    assert _completeness_error(tanh_model, x, base, 512) < 1e-4
    # and not trivially: the attributions are not all equal or zero
    ig = integrated_gradients(tanh_model, x, base, steps=64, target=1)
    assert np.abs(ig).max() > 1e-2 and np.ptp(ig, axis=1).min() > 0


def test_error_shrinks_with_steps(tanh_model):
    rng = np.random.default_rng(3)
    x = rng.normal(scale=3.0, size=(4, 4)).astype("float32")
    base = np.full(4, -1.0, dtype="float32")
    errors = [_completeness_error(tanh_model, x, base, steps) for steps in (2, 8, 32)]
    # second order: each fourfold increase in steps cuts the error by about 16; ask for 4
    assert errors[0] > 4 * errors[1] > 16 * errors[2], errors


def test_matches_brute_force_riemann_sum(tanh_model, tf):
    """Against an independent computation: the trapezoid rule written point by point."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(1, 4)).astype("float32")
    base = np.zeros((1, 4), dtype="float32")
    steps = 10
    total = np.zeros(4)
    for k in range(steps + 1):
        point = tf.Variable(base + k / steps * (x - base))
        with tf.GradientTape() as tape:
            out = tanh_model(point)[0, 1]
        weight = (0.5 if k in (0, steps) else 1.0) / steps
        total += weight * tape.gradient(out, point).numpy()[0]
    expected = (x[0] - base[0]) * total
    ig = integrated_gradients(tanh_model, x, base, steps=steps, target=1, batch_size=3)
    np.testing.assert_allclose(ig[0], expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("kwargs, match", [
    (dict(x=np.zeros((0, 5))), "x must not be empty"),
    (dict(x=np.array([[np.nan] * 5])), "x must hold finite numbers"),
    (dict(x=np.zeros(5)), "x must have at least 2"),
    (dict(x=np.zeros((1, 5)), baseline=np.zeros(4)), "baseline must broadcast"),
    (dict(x=np.zeros((1, 5)), steps=0), "steps must be a positive integer"),
    (dict(x=np.zeros((1, 5)), steps=2.5), "steps must be a positive integer"),
    (dict(x=np.zeros((1, 5)), target=-1), "target must be a non-negative integer"),
    (dict(x=np.zeros((1, 5)), target=3), r"target must be an integer in \[0, 0\]"),
])
def test_bad_input(linear_model, kwargs, match):
    model, _ = linear_model
    with pytest.raises(ValueError, match=match):
        integrated_gradients(model, **kwargs)


def test_several_outputs_need_a_target(tanh_model):
    with pytest.raises(ValueError, match="target must name one output column"):
        integrated_gradients(tanh_model, np.zeros((1, 4)))
