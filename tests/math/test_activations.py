import warnings

import numpy as np
import pytest

import bmlearn.math as bmm

EXTREME = np.array([-1000.0, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1000.0])


def _tf_value_and_grad(tf, fn, z):
    zt = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        y = fn(zt)
    return y.numpy(), tape.gradient(y, zt).numpy()


@pytest.mark.parametrize(
    "name, tf_name",
    [("sigmoid", "sigmoid"), ("tanh", "tanh"), ("relu", "relu")],
)
def test_activation_and_grad_match_tensorflow(tf, rng, deviation, name, tf_name):
    tf_fn = {"sigmoid": tf.sigmoid, "tanh": tf.tanh, "relu": tf.nn.relu}[tf_name]
    z = np.concatenate([rng.normal(scale=5.0, size=200), EXTREME])
    y_tf, g_tf = _tf_value_and_grad(tf, tf_fn, z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        y = getattr(bmm, name)(z)
        g = getattr(bmm, f"{name}_grad")(z)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(g))
    np.testing.assert_allclose(y, y_tf, atol=1e-6, rtol=0)
    np.testing.assert_allclose(g, g_tf, atol=1e-6, rtol=0)
    deviation("activations", y, y_tf)
    deviation("activations", g, g_tf)


def test_derivatives_match_numerical_gradient(rng):
    z = rng.normal(scale=3.0, size=50)
    z = z[np.abs(z) > 1e-3]  # ReLU has no derivative at 0
    eps = 1e-6
    for f, df in [(bmm.sigmoid, bmm.sigmoid_grad), (bmm.tanh, bmm.tanh_grad), (bmm.relu, bmm.relu_grad)]:
        numeric = (f(z + eps) - f(z - eps)) / (2 * eps)
        np.testing.assert_allclose(df(z), numeric, rtol=1e-6, atol=1e-9)


def test_sigmoid_known_values():
    assert bmm.sigmoid(0.0) == 0.5
    assert bmm.sigmoid_grad(0.0) == 0.25
    np.testing.assert_allclose(bmm.sigmoid(np.log(3.0)), 0.75)


def test_softmax_matches_tensorflow_including_extremes(tf, rng, deviation):
    logits = np.concatenate([rng.normal(scale=10.0, size=(20, 5)), [[1000.0, -1000.0, 0.0, 999.0, 1000.0]]])
    for axis in (-1, 0):
        ours = bmm.softmax(logits, axis=axis)
        ref = tf.nn.softmax(tf.constant(logits), axis=axis).numpy()
        assert np.all(np.isfinite(ours))
        np.testing.assert_allclose(ours, ref, atol=1e-6, rtol=0)
        np.testing.assert_allclose(ours.sum(axis=axis), 1.0)
        deviation("activations", ours, ref)


def test_softmax_shift_invariance(rng):
    z = rng.normal(size=(4, 6))
    np.testing.assert_allclose(bmm.softmax(z), bmm.softmax(z + 123.4))


def test_softmax_jacobian_matches_tensorflow(tf, rng, deviation):
    z = rng.normal(size=(3, 4))
    zt = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(zt)
        s = tf.nn.softmax(zt)
    ref = tape.batch_jacobian(s, zt).numpy()
    np.testing.assert_allclose(bmm.softmax_jacobian(z), ref, atol=1e-6)
    np.testing.assert_allclose(bmm.softmax_jacobian(z[0]), ref[0], atol=1e-6)
    deviation("activations", bmm.softmax_jacobian(z), ref)


def test_softmax_jacobian_rows_sum_to_zero(rng):
    # Softmax outputs always sum to 1, so moving any input changes their sum by 0.
    J = bmm.softmax_jacobian(rng.normal(size=5))
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-12)


@pytest.mark.parametrize("fn", [bmm.sigmoid, bmm.tanh, bmm.relu, bmm.softmax, bmm.sigmoid_grad])
def test_activations_reject_nan_and_empty(fn):
    with pytest.raises(ValueError, match="finite"):
        fn(np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="empty"):
        fn(np.array([]))


def test_softmax_jacobian_rejects_3d():
    with pytest.raises(ValueError, match="1 or 2 dimension"):
        bmm.softmax_jacobian(np.zeros((2, 2, 2)))
