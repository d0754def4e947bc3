import pathlib
import tempfile

import numpy as np
import pytest

import bmlearn.math as bmm
from bmlearn.numerics import eps
from bmlearn.scaling import gpt_params



@pytest.fixture(scope="module")
def build_gpt(keras):
    from bmlearn.models import build_gpt

    return build_gpt


@pytest.fixture
def policy(keras):
    """Set a global dtype policy for one test, and restore the previous one after it."""
    previous = keras.mixed_precision.global_policy()
    yield keras.mixed_precision.set_global_policy
    keras.mixed_precision.set_global_policy(previous)


def by_hand(V, T, d, L, d_ff=None, tie=True):
    """GPT-2's parameter count, written out (the reference bmlearn.scaling must also match)."""
    f = 4 * d if d_ff is None else d_ff
    embeddings = V * d + T * d
    block = 2 * d + (3 * (d * d + d) + (d * d + d)) + 2 * d + (d * f + f) + (f * d + d)
    return embeddings + L * block + 2 * d + (0 if tie else V * d)


SHAPES = [  # vocab, seq_len, d_model, layers, heads, d_ff
    (65, 16, 32, 2, 4, None),
    (100, 64, 48, 3, 6, 100),
    (65, 256, 384, 6, 6, None),  # nanoGPT's Shakespeare shape: 10,770,816 with biases
    (1000, 128, 64, 1, 1, 96),
]


@pytest.mark.parametrize("tie", [True, False], ids=["tied", "untied"])
@pytest.mark.parametrize("V,T,d,L,H,d_ff", SHAPES)
def test_count_params_matches_scaling_and_the_hand_count(build_gpt, V, T, d, L, H, d_ff, tie):
    model = build_gpt(V, T, d, L, H, d_ff=d_ff, tie_embeddings=tie)
    expected = gpt_params(V, T, d, L, d_ff=d_ff, tie_embeddings=tie)
    assert model.count_params() == expected == by_hand(V, T, d, L, d_ff, tie)


def test_gpt2_small_has_the_published_parameter_count(build_gpt):
    # GPT-2 small (Radford et al., 2019; the released 124M checkpoint): 124,439,808 parameters.
    model = build_gpt(50257, 1024, 768, 12, 12)
    assert model.count_params() == 124_439_808 == gpt_params(50257, 1024, 768, 12)


def test_shapes_and_layer_names(build_gpt, rng):
    model = build_gpt(65, 16, 32, 2, 4)
    assert [layer.name for layer in model.layers] == [
        "token_ids", "embedding", "block_1", "block_2", "final_norm"]
    for T in (1, 7, 16):  # any length up to the context
        assert tuple(model(rng.integers(0, 65, size=(3, T))).shape) == (3, T, 65)
    with pytest.raises(ValueError, match="seq_len = 16.*length 17"):
        model(np.zeros((1, 17), "int32"))
    untied = build_gpt(65, 16, 32, 2, 4, tie_embeddings=False, dropout=0.1)
    assert [layer.name for layer in untied.layers] == [
        "token_ids", "embedding", "embedding_dropout", "block_1", "block_2", "final_norm", "logits"]
    assert untied.get_layer("logits").use_bias is False


def _numpy_gpt(model, ids, tied=True):
    """The whole model in NumPy: embedding lookup, the blocks' twins, layer norm, projection."""
    E = model.get_layer("embedding").token_embeddings.numpy()
    P = model.get_layer("embedding").position_embeddings.numpy()
    x = E[ids] + P[: ids.shape[1]]
    for layer in model.layers:
        if layer.name.startswith("block_"):
            x = bmm.TransformerBlock.from_keras_weights(layer.get_weights())(x)
    x = bmm.layer_norm(x, *model.get_layer("final_norm").get_weights(), eps=1e-5)
    W = E.T if tied else model.get_layer("logits").get_weights()[0]
    return x @ W


@pytest.mark.parametrize("tie", [True, False], ids=["tied", "untied"])
def test_logits_equal_the_numpy_forward_in_float64(build_gpt, policy, rng, tie):
    policy("float64")
    V, T, d, L = 30, 12, 16, 2
    model = build_gpt(V, T, d, L, 4, tie_embeddings=tie)
    model.set_weights([rng.normal(scale=0.3, size=w.shape) + (1.0 if "gamma" in w.path else 0.0)
                       for w in model.weights])
    ids = rng.integers(0, V, size=(2, T))
    ref = _numpy_gpt(model, ids, tied=tie)
    got = np.asarray(model(ids))
    assert got.dtype == np.float64
    # per block as in tests/math/test_transformer.py, plus the final norm and projection
    tol = (L * (d + 4 * d + T) + 2 * d) * eps("float64") * np.max(np.abs(ref))
    assert np.max(np.abs(got - ref)) <= tol


def test_tied_logits_use_the_embedding_matrix_itself(build_gpt):
    model = build_gpt(20, 8, 16, 1, 2)
    embedding = model.get_layer("embedding")
    ids = np.array([[1, 2, 3]])
    before = np.asarray(model(ids))
    # change only a row that is never an input: only that token's logit changes
    E = embedding.token_embeddings.numpy()
    E[7] += 1.0
    embedding.token_embeddings.assign(E)
    after = np.asarray(model(ids))
    changed = np.any(after != before, axis=(0, 1))
    assert changed[7] and changed.sum() == 1


@pytest.mark.parametrize("tie", [True, False], ids=["tied", "untied"])
def test_mixed_precision_blocks_in_float16_logits_in_float32(keras, build_gpt, policy, tie):
    policy("mixed_float16")
    model = build_gpt(50, 16, 32, 2, 4, tie_embeddings=tie)
    assert model.get_layer("block_1").compute_dtype == "float16"
    logits = model(np.zeros((2, 5), "int32"))
    assert keras.backend.standardize_dtype(logits.dtype) == "float32"
    assert all(w.dtype == "float32" for w in model.weights)


def test_causal_later_tokens_never_change_earlier_logits(build_gpt, rng):
    model = build_gpt(40, 16, 32, 2, 4)
    ids = rng.integers(0, 40, size=(2, 16))
    other = ids.copy()
    other[:, 10:] = rng.integers(0, 40, size=(2, 6))
    a, b = np.asarray(model(ids)), np.asarray(model(other))
    np.testing.assert_array_equal(a[:, :10], b[:, :10])
    assert not np.allclose(a[:, 10:], b[:, 10:])
    # and a shorter input gives the first logits of the longer one (up to float32 rounding:
    # other shapes, other summation orders)
    shorter = np.asarray(model(ids[:, :10]))
    assert np.max(np.abs(shorter - a[:, :10])) <= (4 * 32 + 16) * eps("float32") * np.abs(a).max()


@pytest.mark.parametrize("tie", [True, False], ids=["tied", "untied"])
def test_keras_file_round_trip_in_safe_mode_gives_identical_logits(keras, build_gpt, rng, tie):
    model = build_gpt(30, 12, 16, 2, 2, dropout=0.1, tie_embeddings=tie)
    ids = rng.integers(0, 30, size=(2, 12))
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "gpt.keras"
        model.save(path)
        loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(np.asarray(loaded(ids)), np.asarray(model(ids)))
    assert loaded.count_params() == model.count_params()


def test_dropout_only_in_training(build_gpt, rng):
    model = build_gpt(30, 12, 16, 2, 2, dropout=0.2)
    ids = rng.integers(0, 30, size=(2, 12))
    np.testing.assert_array_equal(np.asarray(model(ids)), np.asarray(model(ids, training=False)))
    assert not np.allclose(np.asarray(model(ids, training=True)), np.asarray(model(ids)))


def test_residual_projections_start_smaller_like_gpt2(build_gpt):
    L = 8
    model = build_gpt(50, 16, 256, L, 4)
    block = model.get_layer("block_3")
    for layer, stddev in ((block.query, 0.02), (block.mlp_out, 0.02 / np.sqrt(2 * L))):
        values = layer.kernel.numpy().ravel()
        assert abs(values.std() / stddev - 1) < 5 * np.sqrt(2 / values.size)


def test_trains_on_a_repeating_sequence(keras, build_gpt):
    # Next-token prediction on a periodic sequence: a working model drives the loss from
    # about log(vocab) far down in a few dozen steps.
    keras.utils.set_random_seed(0)
    V, T = 12, 16
    model = build_gpt(V, T, 32, 1, 2)
    stream = np.tile(np.arange(V), 40)
    x = np.stack([stream[i:i + T] for i in range(0, 200, 3)])
    y = np.stack([stream[i + 1:i + T + 1] for i in range(0, 200, 3)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    first = model.evaluate(x, y, verbose=0)
    assert abs(first - np.log(V)) < 0.2  # small initial weights: nearly uniform predictions
    model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.1


def test_bad_arguments_raise_naming_the_values(build_gpt):
    with pytest.raises(ValueError, match="d_model must be divisible by num_heads, but received "
                                         "d_model=30 and num_heads=4"):
        build_gpt(10, 8, 30, 1, 4)
    with pytest.raises(ValueError, match="num_layers must be a positive integer, but received 0"):
        build_gpt(10, 8, 32, 0, 4)
    with pytest.raises(ValueError, match="vocab_size must be a positive integer, but received -5"):
        build_gpt(-5, 8, 32, 1, 4)
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\), but received 1.5"):
        build_gpt(10, 8, 32, 1, 4, dropout=1.5)
    with pytest.raises(ValueError, match="tie_embeddings must be True or False, but received 'no'"):
        build_gpt(10, 8, 32, 1, 4, tie_embeddings="no")
