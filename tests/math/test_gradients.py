import numpy as np
import pytest

from bmlearn.math import numerical_gradient


def test_known_gradient_any_shape(rng):
    x = rng.normal(size=(2, 3, 4))
    A = rng.normal(size=x.shape)
    grad = numerical_gradient(lambda v: float(np.sum(A * np.sin(v))), x)
    assert grad.shape == x.shape and grad.dtype == np.float64
    np.testing.assert_allclose(grad, A * np.cos(x), rtol=1e-7, atol=1e-9)


def test_scalar_input():
    assert numerical_gradient(lambda v: float(v) ** 3, 2.0) == pytest.approx(12.0, rel=1e-8)


def test_matches_tensorflow_autodiff(tf, rng, deviation):
    x = rng.normal(size=(4, 3))
    W = rng.normal(size=(3, 2))

    def f(v):
        return float(np.sum(np.tanh(v @ W) ** 2))

    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = tf.reduce_sum(tf.tanh(xt @ W) ** 2)
    ref = tape.gradient(y, xt).numpy()
    ours = numerical_gradient(f, x)
    assert deviation("numerical gradient", ours, ref, relative=True) < 1e-8


def test_error_shrinks_like_eps_squared():
    exact = np.exp(1.0)
    err = {eps: abs(float(numerical_gradient(lambda v: float(np.exp(v)), 1.0, eps=eps)) - exact)
           for eps in (1e-2, 1e-3)}
    ratio = err[1e-2] / err[1e-3]
    assert 90 < ratio < 110  # ten times smaller step, a hundred times smaller error


def test_float64_array_is_perturbed_in_place_and_restored(rng):
    W = rng.normal(size=(3, 2))
    before = W.copy()
    seen = []

    def f(_):  # ignores its argument and reads W directly, like a network's loss
        seen.append(W.copy())
        return float(np.sum(W ** 2))

    grad = numerical_gradient(f, W)
    np.testing.assert_allclose(grad, 2 * before, rtol=1e-7)
    np.testing.assert_array_equal(W, before)  # restored exactly
    assert any(not np.array_equal(s, before) for s in seen)  # f did see the perturbation


def test_restored_when_f_raises(rng):
    W = rng.normal(size=3)
    before = W.copy()

    def f(v):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(f, W)
    np.testing.assert_array_equal(W, before)


def test_other_inputs_are_copied():
    x = [1.0, 2.0]
    assert numerical_gradient(lambda v: float(v @ v), x).round(6).tolist() == [2.0, 4.0]
    assert x == [1.0, 2.0]
    ints = np.array([1, 2])
    numerical_gradient(lambda v: float(v @ v), ints)
    assert ints.tolist() == [1, 2]


def test_bad_inputs():
    with pytest.raises(ValueError, match="one real number"):
        numerical_gradient(lambda v: v * 2, np.ones(2))
    with pytest.raises(ValueError, match="finite number, but returned nan"):
        numerical_gradient(lambda v: float("nan"), np.ones(2))
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps=0.0)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps=-1e-6)
    with pytest.raises(ValueError, match="finite"):
        numerical_gradient(lambda v: 0.0, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="empty"):
        numerical_gradient(lambda v: 0.0, np.array([]))
