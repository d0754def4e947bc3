import numpy as np
import pytest

from bmlearn.numerics import matmul_error_bound
from bmlearn.testing import check_layer



@pytest.fixture(scope="module")
def Layer(keras):
    from bmlearn.layers import TokenAndPositionEmbedding

    return TokenAndPositionEmbedding


def test_passes_the_layer_checks(Layer, rng):
    ids = rng.integers(0, 11, size=(2, 5)).astype("int32")
    check_layer(Layer(11, 8, 6), ids, mixed_output_dtype="float16")


def test_output_is_token_row_plus_position_row(Layer, rng):
    layer = Layer(vocab_size=13, seq_len=9, d_model=4, dtype="float64")
    ids = rng.integers(0, 13, size=(3, 6))
    out = np.asarray(layer(ids))
    E, P = layer.token_embeddings.numpy(), layer.position_embeddings.numpy()
    np.testing.assert_array_equal(out, E[ids] + P[:6])
    # start_index shifts the positions (cached generation feeds one token at a time)
    shifted = np.asarray(layer(ids[:, :2], start_index=7))
    np.testing.assert_array_equal(shifted, E[ids[:, :2]] + P[7:9])
    # the same token at two positions gets two different vectors
    same = np.asarray(layer(np.array([[5, 5]])))
    assert not np.array_equal(same[0, 0], same[0, 1])


def test_tables_start_from_gpt2_normal_init(Layer):
    layer = Layer(2000, 500, 64)
    layer.build()
    for table in (layer.token_embeddings, layer.position_embeddings):
        values = table.numpy().ravel()
        # standard deviation 0.02 within 5 standard errors of a sample variance
        assert abs(values.std() / 0.02 - 1) < 5 * np.sqrt(2 / values.size)
        assert abs(values.mean()) < 5 * 0.02 / np.sqrt(values.size)


def test_reverse_is_the_tied_output_projection(Layer, rng):
    layer = Layer(10, 4, 6, dtype="float64")
    layer.build()
    h = rng.normal(size=(2, 3, 6))
    logits = np.asarray(layer(h, reverse=True))
    assert logits.dtype == np.float64
    E = layer.token_embeddings.numpy()
    assert np.all(np.abs(logits - h @ E.T) <= matmul_error_bound(h, E.T, "float64"))


def test_reverse_gives_float32_logits_under_mixed_precision(keras, Layer, rng):
    policy = keras.mixed_precision.global_policy()
    try:
        keras.mixed_precision.set_global_policy("mixed_float16")
        layer = Layer(50, 8, 16)
        hidden = layer(rng.integers(0, 50, size=(2, 8)))
        assert keras.backend.standardize_dtype(hidden.dtype) == "float16"
        logits = layer(hidden, reverse=True)
        assert keras.backend.standardize_dtype(logits.dtype) == "float32"
        # float32 products of the float16 hidden states with the unrounded float32 table
        h = np.asarray(hidden).astype(np.float64)
        E = layer.token_embeddings.numpy().astype(np.float64)
        assert layer.token_embeddings.dtype == "float32"
        exact = h @ E.T
        assert np.all(np.abs(np.asarray(logits) - exact) <= matmul_error_bound(h, E.T, "float32"))
    finally:
        keras.mixed_precision.set_global_policy(policy)


def test_gradients_reach_the_table_from_both_uses(keras, Layer, tf):
    layer = Layer(7, 4, 3)
    ids = np.array([[1, 2]])
    with tf.GradientTape() as tape:
        logits = layer(layer(ids), reverse=True)
        loss = keras.ops.sum(logits[..., 0])
    grad = np.asarray(tape.gradient(loss, layer.token_embeddings))
    # row 0 gets gradient only through the output projection, rows 1 and 2 through both
    assert np.any(grad[0] != 0) and np.any(grad[1] != 0) and np.all(grad[3:] == 0)


def test_bad_input_raises(Layer, rng):
    with pytest.raises(ValueError, match="vocab_size must be a positive integer, but received 0"):
        Layer(0, 4, 8)
    with pytest.raises(ValueError, match="seq_len must be a positive integer, but received 2.5"):
        Layer(5, 2.5, 8)
    layer = Layer(5, 4, 8)
    with pytest.raises(ValueError, match=r"seq_len = 4.*start_index=0 and length 6"):
        layer(np.zeros((1, 6), "int32"))
    with pytest.raises(ValueError, match=r"start_index=3 and length 2"):
        layer(np.zeros((1, 2), "int32"), start_index=3)
    with pytest.raises(ValueError, match=r"d_model = 8 features.*\(1, 2, 3\)"):
        layer(np.zeros((1, 2, 3), "float32"), reverse=True)
