import numpy as np
import pytest

from bmlearn.math import dense


def test_dense_single_sample_by_hand():
    x = np.array([5.0, 2.0, 3.0])
    W = np.array([[0.8, 0.1], [-1.5, 0.3], [0.4, -0.2]])
    b = np.array([-1.0, 0.5])
    expected = [5 * 0.8 + 2 * -1.5 + 3 * 0.4 - 1.0, 5 * 0.1 + 2 * 0.3 + 3 * -0.2 + 0.5]
    np.testing.assert_allclose(dense(x, W, b), expected)


def test_dense_batch_equals_rows(rng):
    x = rng.normal(size=(7, 4))
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    batch = dense(x, W, b)
    assert batch.shape == (7, 3)
    np.testing.assert_allclose(batch, np.stack([dense(row, W, b) for row in x]))


def test_dense_matches_keras(tf, rng):
    import keras

    x = rng.normal(size=(5, 6)).astype("float32")
    W, b = rng.normal(size=(6, 4)), rng.normal(size=4)
    layer = keras.layers.Dense(4)
    layer.build((None, 6))
    layer.set_weights([W, b])
    np.testing.assert_allclose(dense(x, W, b), np.asarray(layer(x)), rtol=1e-5, atol=1e-5)


def test_dense_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError) as err:
        dense(np.ones(3), np.eye(2), np.zeros(2))
    msg = str(err.value)
    assert "x.shape=(3,)" in msg and "W.shape=(2, 2)" in msg and "(3, n_out)" in msg


def test_dense_bias_mismatch():
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        dense(np.ones(3), np.ones((3, 2)), np.zeros(3))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_dense_rejects_non_finite(bad):
    x = np.array([1.0, bad, 3.0])
    with pytest.raises(ValueError, match="finite"):
        dense(x, np.ones((3, 2)), np.zeros(2))


def test_dense_rejects_wrong_rank_and_empty():
    with pytest.raises(ValueError, match="1 or 2 dimension"):
        dense(np.ones((2, 2, 2)), np.ones((2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="W must have 2 dimension"):
        dense(np.ones(2), np.ones(2), np.zeros(2))
    with pytest.raises(ValueError, match="empty"):
        dense(np.ones((0, 2)), np.ones((2, 2)), np.zeros(2))
