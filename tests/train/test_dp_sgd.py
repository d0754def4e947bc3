"""bmlearn.train.dp_sgd: per-example gradients, clipping, noise and Poisson sampling."""

import numpy as np
import pytest

from bmlearn.numerics import eps
from bmlearn.privacy import clip_per_example

HIDDEN = 16
FEATURES = 5
# Each gradient entry is a sum of at most max(FEATURES, HIDDEN) float32 products per layer, computed
# by different kernels in the loop (one row) and in the vectorised map (a batch): two such sums can
# differ by about n·eps relative to the sum of magnitudes (Higham's γ_n), per layer crossed. A
# factor 4·HIDDEN covers two layers with room, and is far below any real mistake (a wrong example
# or a missing term changes a gradient by its own size).
TOL = 4 * HIDDEN * eps("float32")


@pytest.fixture
def setup(keras, tf):
    from bmlearn.train import dp_sgd

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((FEATURES,)),
                              keras.layers.Dense(HIDDEN, activation="tanh", dtype="float32"),
                              keras.layers.Dense(2, activation="softmax", dtype="float32")])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, FEATURES)).astype("float32") * 3
    y = rng.integers(0, 2, size=12)
    return dp_sgd, model, keras.losses.sparse_categorical_crossentropy, x, y


def _loop_gradients(tf, model, loss_fn, x, y):
    grads = []
    for xi, yi in zip(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(loss_fn(yi[None], model(xi[None])))
        grads.append([np.asarray(g) for g in tape.gradient(loss, model.trainable_variables)])
    return [np.stack(per_weight) for per_weight in zip(*grads)]


def test_per_example_gradients_equal_a_loop(setup, tf):
    dp_sgd, model, loss_fn, x, y = setup
    got = [np.asarray(g) for g in dp_sgd.per_example_gradients(model, loss_fn, x, y)]
    want = _loop_gradients(tf, model, loss_fn, x, y)
    assert [g.shape for g in got] == [(12,) + tuple(w.shape) for w in model.trainable_variables]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=0, atol=TOL * np.abs(w).max())


def test_without_noise_or_clipping_the_step_is_the_mean_gradient(setup, tf):
    dp_sgd, model, loss_fn, x, y = setup
    got = dp_sgd.dp_gradient(model, loss_fn, x, y, clip_norm=float("inf"), noise_multiplier=0.0,
                             expected_batch_size=len(x), noise_rng=tf.random.Generator.from_seed(0))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(loss_fn(y, model(x)))
    want = tape.gradient(loss, model.trainable_variables)
    for g, w in zip(got, want):
        w = np.asarray(w)
        # The mean of 12 per-example gradients adds at most 12 roundings on top of TOL's.
        np.testing.assert_allclose(np.asarray(g), w, rtol=0,
                                   atol=(TOL + 12 * eps("float32")) * np.abs(w).max())


def test_clipping_matches_numpy_and_bounds_every_norm(setup):
    dp_sgd, model, loss_fn, x, y = setup
    grads = dp_sgd.per_example_gradients(model, loss_fn, x, y)
    norms = np.sqrt(sum(np.sum(np.asarray(g).reshape(len(x), -1) ** 2, axis=1) for g in grads))
    clip = float(np.median(norms))  # half the examples are clipped
    assert np.sum(norms > clip) >= 5
    clipped = [np.asarray(g) for g in dp_sgd.clip_gradients(grads, clip)]
    clipped_norms = np.sqrt(sum(np.sum(g.reshape(len(x), -1) ** 2, axis=1) for g in clipped))
    # float32 norm of a few hundred entries: relative error well within 8 eps(float32).
    assert np.all(clipped_norms <= clip * (1 + 8 * eps("float32")))
    reference = clip_per_example([np.asarray(g, dtype="float64") for g in grads], clip)
    for g, r in zip(clipped, reference):
        np.testing.assert_allclose(g, r, rtol=0, atol=8 * eps("float32") * np.abs(r).max())
    with pytest.raises(ValueError, match="clip_norm"):
        dp_sgd.clip_gradients(grads, 0.0)


def test_the_noise_has_the_stated_standard_deviation(keras, tf):
    from bmlearn.train import dp_sgd

    model = keras.Sequential([keras.Input((100,)), keras.layers.Dense(50, dtype="float32")])
    sigma, clip, expected = 2.0, 0.5, 4.0
    # An empty batch: the gradient is the noise alone, divided by the expected batch size.
    noise = dp_sgd.dp_gradient(model, keras.losses.mean_squared_error, np.zeros((0, 100), "float32"),
                               np.zeros((0, 50), "float32"), clip_norm=clip, noise_multiplier=sigma,
                               expected_batch_size=expected, noise_rng=tf.random.Generator.from_seed(1))
    values = np.concatenate([np.asarray(g).ravel() for g in noise])
    n = len(values)  # 5,050 independent draws
    target = sigma * clip / expected
    # The sample std of n normal draws has relative standard error 1/sqrt(2n), 1%; allow 5 of them.
    assert abs(values.std() / target - 1) < 5 / np.sqrt(2 * n)
    assert abs(values.mean()) < 5 * target / np.sqrt(n)


def test_poisson_batches_include_each_example_with_probability_q():
    from bmlearn.train.dp_sgd import poisson_batches

    n, q, steps = 200, 0.1, 500
    counts = np.zeros(n)
    sizes = []
    for batch in poisson_batches(n, q, steps, seed=0):
        counts[batch] += 1
        sizes.append(len(batch))
    # Each example's count is Binomial(steps, q): mean 50, sd sqrt(500·0.1·0.9) = 6.7.
    assert abs(counts.mean() - q * steps) < 5 * np.sqrt(q * (1 - q) * steps / n)
    assert abs(counts.std() - np.sqrt(q * (1 - q) * steps)) < 0.2 * np.sqrt(q * (1 - q) * steps)
    # Batch sizes vary (Binomial(n, q)), they are not fixed at q·n.
    assert len(set(sizes)) > 5
    with pytest.raises(ValueError, match="sample_rate"):
        next(poisson_batches(n, 0.0, steps, seed=0))
    with pytest.raises(ValueError, match="steps"):
        next(poisson_batches(n, q, 0, seed=0))


def test_fit_dp_sgd_trains_and_checks_its_arguments(setup, keras):
    dp_sgd, model, loss_fn, x, y = setup
    y = (x[:, 0] > 0).astype(int)  # separable
    before = float(np.mean(loss_fn(y, model(x))))
    sizes = dp_sgd.fit_dp_sgd(model, x, y, loss_fn=loss_fn, optimizer=keras.optimizers.SGD(0.5),
                              clip_norm=1.0, noise_multiplier=0.1, sample_rate=0.5, steps=30, seed=0)
    after = float(np.mean(loss_fn(y, model(x))))
    assert len(sizes) == 30 and after < before
    with pytest.raises(ValueError, match="same number of samples"):
        dp_sgd.fit_dp_sgd(model, x, y[:-1], loss_fn=loss_fn, optimizer=keras.optimizers.SGD(0.5),
                          clip_norm=1.0, noise_multiplier=0.1, sample_rate=0.5, steps=3, seed=0)
    with pytest.raises(ValueError, match="noise_multiplier"):
        dp_sgd.fit_dp_sgd(model, x, y, loss_fn=loss_fn, optimizer=keras.optimizers.SGD(0.5),
                          clip_norm=1.0, noise_multiplier=-1.0, sample_rate=0.5, steps=3, seed=0)
