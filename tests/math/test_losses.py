import warnings

import numpy as np
import pytest

import bmlearn.math as bmm

EXTREME_LOGITS = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])



def _no_warnings(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / divide-by-zero warnings either
        return fn(*args)


def _softmax_rows(rng, n, k, scale=3.0):
    z = rng.normal(scale=scale, size=(n, k))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ----- against Keras ---------------------------------------------------------------


@pytest.mark.parametrize("shape", [(50,), (50, 3)])
def test_mse_matches_keras(keras, rng, deviation, shape):
    y, p = rng.normal(size=shape), rng.normal(size=shape)
    ref = float(np.mean(keras.losses.mean_squared_error(y, p)))
    ours = bmm.mse(y, p)
    assert deviation("losses", ours, ref) < 1e-6
    assert ours > 0


@pytest.mark.parametrize("shape", [(200,), (100, 3)])
def test_binary_cross_entropy_matches_keras_including_0_and_1(keras, rng, deviation, shape):
    y = rng.integers(0, 2, size=shape).astype(float)
    y.flat[:5] = rng.uniform(size=5)  # some soft labels too
    p = rng.uniform(size=shape)
    p.flat[5:9] = [0.0, 1.0, 0.0, 1.0]  # exact 0 and 1: clipped, as in Keras
    ref = float(np.mean(keras.losses.binary_crossentropy(y, p)))
    ours = _no_warnings(bmm.binary_cross_entropy, y, p)
    assert np.isfinite(ours)
    assert deviation("losses", ours, ref) < 1e-6


def test_binary_cross_entropy_from_logits_matches_tensorflow_at_extremes(tf, keras, rng, deviation):
    z = np.concatenate([rng.normal(scale=10.0, size=200), EXTREME_LOGITS])
    y = rng.integers(0, 2, size=z.shape).astype(float)
    y[-len(EXTREME_LOGITS):] = [0, 1, 0, 1, 0, 1, 0]  # confidently wrong at ±1000
    ours = _no_warnings(bmm.binary_cross_entropy_from_logits, y, z)
    ref_tf = float(np.mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z)))
    ref_keras = float(np.mean(keras.losses.binary_crossentropy(y, z, from_logits=True)))
    assert np.isfinite(ours)
    assert deviation("losses", ours, ref_tf) < 1e-6
    assert deviation("losses", ours, ref_keras) < 1e-6
    # One wrong logit of -1000 on a true label costs exactly 1000.
    assert bmm.binary_cross_entropy_from_logits([1.0], [-1000.0]) == 1000.0


@pytest.mark.parametrize("soft", [False, True])
def test_categorical_cross_entropy_matches_keras(keras, rng, deviation, soft):
    n, k = 60, 5
    p = _softmax_rows(rng, n, k)
    p[0] = [1.0, 0.0, 0.0, 0.0, 0.0]  # exact zeros on wrong classes ...
    p[1] = [0.0, 1.0, 0.0, 0.0, 0.0]
    y = _softmax_rows(rng, n, k, scale=1.0) if soft else np.eye(k)[rng.integers(0, k, size=n)]
    y[1] = np.eye(k)[0]  # ... and on the true class: clipped to 1e-7, as in Keras
    ref = float(np.mean(keras.losses.categorical_crossentropy(y, p)))
    ours = _no_warnings(bmm.categorical_cross_entropy, y, p)
    assert np.isfinite(ours)
    assert deviation("losses", ours, ref) < 1e-6


def test_categorical_cross_entropy_from_logits_matches_tensorflow_at_extremes(tf, keras, rng, deviation):
    n, k = 40, 4
    z = rng.normal(scale=10.0, size=(n, k))
    z[0] = [1000.0, -1000.0, 0.0, 999.0]
    z[1] = [-1000.0, -1000.0, -1000.0, 1000.0]
    y = np.eye(k)[rng.integers(0, k, size=n)]
    y[1] = np.eye(k)[0]  # confidently wrong: costs 2000
    y[2] = [0.1, 0.2, 0.3, 0.4]  # a soft label
    ours = _no_warnings(bmm.categorical_cross_entropy_from_logits, y, z)
    ref_tf = float(np.mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z)))
    ref_keras = float(np.mean(keras.losses.categorical_crossentropy(y, z, from_logits=True)))
    assert np.isfinite(ours)
    assert deviation("losses", ours, ref_tf) < 1e-6
    assert deviation("losses", ours, ref_keras) < 1e-6
    assert bmm.categorical_cross_entropy_from_logits(y[1:2], z[1:2]) == pytest.approx(2000.0)


# ----- by hand and by consistency ----------------------------------------------------


def test_values_by_hand():
    assert bmm.mse([0.0, 0.0], [1.0, 3.0]) == pytest.approx(5.0)  # (1 + 9) / 2, no factor 1/2
    assert bmm.binary_cross_entropy([1.0], [0.5]) == pytest.approx(np.log(2))
    assert bmm.binary_cross_entropy([0.0, 1.0], [0.2, 0.9]) == pytest.approx(
        -(np.log(0.8) + np.log(0.9)) / 2
    )
    assert bmm.categorical_cross_entropy([[0, 0, 1]], [[0.2, 0.3, 0.5]]) == pytest.approx(-np.log(0.5))
    assert bmm.categorical_cross_entropy_from_logits([[1.0, 0.0]], [[0.0, 0.0]]) == pytest.approx(np.log(2))
    # A perfect prediction costs nothing (up to the clipping epsilon).
    assert bmm.categorical_cross_entropy([[0, 1]], [[0, 1]]) == pytest.approx(1e-7, abs=2e-7)


def test_clipping_epsilon_is_keras_epsilon(keras):
    worst = -np.log(1e-7)
    assert keras.config.epsilon() == 1e-7
    assert bmm.binary_cross_entropy([1.0], [0.0]) == pytest.approx(worst)
    assert bmm.categorical_cross_entropy([[1.0, 0.0]], [[0.0, 1.0]]) == pytest.approx(worst)


def test_keras_clips_in_float32_unless_its_own_sigmoid_made_the_probabilities(tf, keras):
    """What the docstrings of binary_cross_entropy and of this module say about Keras."""
    bce = keras.losses.BinaryCrossentropy()  # from_logits=False
    y, z = np.array([[0.0]]), np.array([[40.0]], dtype=np.float32)  # sigmoid(40) is 1 in float32
    # Probabilities as an array: clipped, in float32, where 1 - 1e-7 rounds to 1 - 2**-23.
    keras_cap = float(bce(y, np.ones((1, 1))))
    assert keras_cap == pytest.approx(-np.log(2.0**-23), rel=1e-6)
    assert bmm.binary_cross_entropy([0.0], [1.0]) == pytest.approx(-np.log(1e-7), rel=1e-9)
    assert keras_cap < bmm.binary_cross_entropy([0.0], [1.0])
    # The tensor returned by Keras's sigmoid carries its logits: no clipping, the exact loss.
    assert float(bce(y, keras.activations.sigmoid(tf.constant(z)))) == pytest.approx(40.0, rel=1e-6)
    assert bmm.binary_cross_entropy_from_logits([0.0], [40.0]) == pytest.approx(40.0, rel=1e-12)


def test_from_logits_equals_from_probabilities_where_no_clipping(rng):
    z = rng.normal(scale=3.0, size=(30, 4))
    y_bin = rng.integers(0, 2, size=z.shape).astype(float)
    assert bmm.binary_cross_entropy_from_logits(y_bin, z) == pytest.approx(
        bmm.binary_cross_entropy(y_bin, bmm.sigmoid(z)), rel=1e-9
    )
    y_cat = np.eye(4)[rng.integers(0, 4, size=30)]
    assert bmm.categorical_cross_entropy_from_logits(y_cat, z) == pytest.approx(
        bmm.categorical_cross_entropy(y_cat, bmm.softmax(z)), rel=1e-9
    )


def test_binary_is_categorical_with_two_classes(rng):
    p = rng.uniform(0.01, 0.99, size=20)
    y = rng.integers(0, 2, size=20).astype(float)
    two_class_p = np.column_stack([1 - p, p])
    two_class_y = np.column_stack([1 - y, y])
    assert bmm.binary_cross_entropy(y, p) == pytest.approx(
        bmm.categorical_cross_entropy(two_class_y, two_class_p)
    )


def test_loss_gradients_are_prediction_minus_target(rng):
    # The gradient of cross-entropy from logits is (p - y) / n, checked numerically.
    z = rng.normal(size=(6, 3))
    y = np.eye(3)[rng.integers(0, 3, size=6)]
    num = bmm.numerical_gradient(lambda v: bmm.categorical_cross_entropy_from_logits(y, v), z)
    np.testing.assert_allclose(num, (bmm.softmax(z) - y) / 6, atol=1e-8)
    zb = rng.normal(size=8)
    yb = rng.integers(0, 2, size=8).astype(float)
    num_b = bmm.numerical_gradient(lambda v: bmm.binary_cross_entropy_from_logits(yb, v), zb)
    np.testing.assert_allclose(num_b, (bmm.sigmoid(zb) - yb) / 8, atol=1e-8)
    yr, pr = rng.normal(size=5), rng.normal(size=5)
    np.testing.assert_allclose(
        bmm.numerical_gradient(lambda v: bmm.mse(yr, v), pr), 2 * (pr - yr) / 5, atol=1e-8
    )


# ----- bad input -------------------------------------------------------------------

ALL = [
    bmm.mse,
    bmm.binary_cross_entropy,
    bmm.binary_cross_entropy_from_logits,
    bmm.categorical_cross_entropy,
    bmm.categorical_cross_entropy_from_logits,
]
GOOD = {  # a valid (y_true, prediction) pair for each loss
    bmm.mse: ([[1.0, 0.0]], [[0.5, 0.5]]),
    bmm.binary_cross_entropy: ([[1.0, 0.0]], [[0.5, 0.5]]),
    bmm.binary_cross_entropy_from_logits: ([[1.0, 0.0]], [[0.5, 0.5]]),
    bmm.categorical_cross_entropy: ([[1.0, 0.0]], [[0.5, 0.5]]),
    bmm.categorical_cross_entropy_from_logits: ([[1.0, 0.0]], [[0.5, 0.5]]),
}


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_good_pair_is_accepted(fn):
    y, p = GOOD[fn]
    assert np.isfinite(fn(y, p))


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_shape_mismatch_names_both_shapes(fn):
    y, p = GOOD[fn]
    with pytest.raises(ValueError) as err:
        fn(np.asarray(y).T, p)  # (2, 1) against (1, 2)
    msg = str(err.value)
    assert "same shape" in msg and "(2, 1)" in msg and "(1, 2)" in msg


def test_column_vector_against_flat_vector_is_refused():
    # NumPy would broadcast (4,) - (4, 1) to (4, 4) and return a wrong number.
    with pytest.raises(ValueError, match=r"y_true.shape=\(4,\) and y_pred.shape=\(4, 1\)"):
        bmm.mse(np.zeros(4), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="same shape"):
        bmm.binary_cross_entropy(np.zeros(4), np.full((4, 1), 0.5))


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
@pytest.mark.parametrize("where", [0, 1])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_is_refused(fn, where, bad):
    args = [np.array(a, dtype=float) for a in GOOD[fn]]
    args[where][0, 0] = bad
    with pytest.raises(ValueError, match="finite"):
        fn(*args)


@pytest.mark.parametrize("fn", ALL, ids=lambda f: f.__name__)
def test_empty_is_refused(fn):
    with pytest.raises(ValueError, match="empty"):
        fn(np.zeros((0, 2)), np.zeros((0, 2)))


@pytest.mark.parametrize("fn", [bmm.binary_cross_entropy, bmm.categorical_cross_entropy])
@pytest.mark.parametrize("bad", [1.2, -0.1])
def test_probabilities_outside_0_1_are_refused_with_a_hint(fn, bad):
    p = np.array([[bad, 1.0 - bad]])
    with pytest.raises(ValueError) as err:
        fn([[1.0, 0.0]], p)
    msg = str(err.value)
    assert "p must hold probabilities in [0, 1]" in msg and f"{bad:g}" in msg
    assert "from_logits" in msg


@pytest.mark.parametrize("fn", ALL[1:], ids=lambda f: f.__name__)
def test_labels_outside_0_1_are_refused(fn):
    with pytest.raises(ValueError, match=r"y_true must hold probabilities in \[0, 1\].*from -1 to 2"):
        fn([[-1.0, 2.0]], [[0.5, 0.5]])


@pytest.mark.parametrize(
    "fn", [bmm.categorical_cross_entropy, bmm.categorical_cross_entropy_from_logits],
    ids=lambda f: f.__name__,
)
def test_categorical_rows_must_sum_to_one(fn):
    with pytest.raises(ValueError, match=r"each row of y_true must sum to 1.*row 1 sums to 2"):
        fn([[1.0, 0.0], [1.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]])


def test_categorical_probabilities_rows_must_sum_to_one():
    with pytest.raises(ValueError, match=r"each row of p must sum to 1.*row 0 sums to 0.6"):
        bmm.categorical_cross_entropy([[1.0, 0.0]], [[0.3, 0.3]])


def test_categorical_refuses_3d():
    with pytest.raises(ValueError, match="1 or 2 dimension"):
        bmm.categorical_cross_entropy(np.ones((1, 1, 1)), np.ones((1, 1, 1)))
