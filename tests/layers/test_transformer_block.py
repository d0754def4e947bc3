import numpy as np
import pytest

from bmlearn.numerics import eps
from bmlearn.testing import check_layer



@pytest.fixture(scope="module")
def Block(keras):
    from bmlearn.layers import TransformerBlock

    return TransformerBlock


def _randomise(block, rng, scale=0.3):
    """Random weights everywhere, biases and layer-norm shifts included."""
    weights = [rng.normal(scale=scale, size=w.shape) for w in block.get_weights()]
    weights[0] += 1.0  # layer-norm scales near 1
    weights[10] += 1.0
    block.set_weights([w.astype(block.variable_dtype) for w in weights])


@pytest.mark.parametrize("kwargs", [{}, {"causal": False}, {"dropout": 0.1, "d_ff": 24}],
                         ids=["causal", "bidirectional", "dropout"])
def test_passes_the_layer_checks(Block, rng, kwargs):
    x = rng.normal(size=(2, 5, 16)).astype("float32")
    check_layer(Block(16, 4, **kwargs), x, mixed_output_dtype="float16")


def test_config_round_trips_every_argument(Block):
    block = Block(12, 3, d_ff=20, dropout=0.25, causal=False, layer_norm_epsilon=1e-6,
                  init_stddev=0.05, output_init_stddev=0.01, name="b")
    config = block.get_config()
    again = Block.from_config(config)
    for key in ("d_model", "num_heads", "d_ff", "dropout", "causal", "layer_norm_epsilon",
                "init_stddev", "output_init_stddev"):
        assert getattr(again, key) == getattr(block, key) == config[key]


def test_parameter_count_is_gpt2s(Block):
    for d, h, d_ff in ((8, 2, None), (12, 3, 20), (768, 12, None)):
        block = Block(d, h, d_ff=d_ff)
        block.build((None, None, d))
        f = 4 * d if d_ff is None else d_ff
        # 2 layer norms (2d each), q/k/v/output projections with biases, the MLP with biases
        assert block.count_params() == 4 * d + 4 * (d * d + d) + (d * f + f) + (f * d + d)
    assert block.count_params() == 7_087_872  # one GPT-2 small block: 85,054,464 / 12


def test_equals_a_stack_of_stock_keras_layers(keras, Block, rng):
    # An independent reference built from keras.layers.LayerNormalization,
    # MultiHeadAttention and Dense with Keras's own GELU, given the block's weights.
    d, H, T = 16, 4, 6
    block = Block(d, H, d_ff=24, dtype="float64")
    x = rng.normal(size=(2, T, d))
    block(x)
    _randomise(block, rng)
    w = block.get_weights()
    ln1 = keras.layers.LayerNormalization(epsilon=1e-5, dtype="float64")
    mha = keras.layers.MultiHeadAttention(H, d // H, dtype="float64")
    ln2 = keras.layers.LayerNormalization(epsilon=1e-5, dtype="float64")
    fc = keras.layers.Dense(24, activation=lambda v: keras.activations.gelu(v, approximate=True),
                            dtype="float64")
    proj = keras.layers.Dense(d, dtype="float64")
    ln1.build(x.shape), ln2.build(x.shape), fc.build(x.shape), proj.build((2, T, 24))
    mha(x, x)
    ln1.set_weights(w[0:2]), mha.set_weights(w[2:10]), ln2.set_weights(w[10:12])
    fc.set_weights(w[12:14]), proj.set_weights(w[14:16])
    h = x + np.asarray(mha(ln1(x), ln1(x), use_causal_mask=True))
    ref = h + np.asarray(proj(fc(ln2(h))))
    # Keras rounds two constants to float32 even in float64 (1/sqrt(head_dim) in
    # MultiHeadAttention, 0.044715 in GELU): a relative error of float32's eps, times
    # the sizes the rounding error flows through.
    tol = (d + 24 + T) * eps("float32") * np.max(np.abs(ref))
    assert np.max(np.abs(np.asarray(block(x)) - ref)) <= tol


def test_attention_scores_are_causal_softmax_rows(Block, rng):
    block = Block(8, 2)
    x = rng.normal(size=(3, 5, 8)).astype("float32")
    out, scores = block(x, return_attention_scores=True)
    scores = np.asarray(scores)
    assert scores.shape == (3, 2, 5, 5)
    np.testing.assert_allclose(scores.sum(axis=-1), 1.0, rtol=8 * eps("float32"))
    assert np.all(scores[..., np.triu_indices(5, k=1)[0], np.triu_indices(5, k=1)[1]] == 0.0)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(block(x)))


def test_mixed_precision_computes_the_softmax_in_float32(keras, Block, rng):
    policy = keras.mixed_precision.global_policy()
    try:
        keras.mixed_precision.set_global_policy("mixed_float16")
        block = Block(8, 2)
        out, scores = block(rng.normal(size=(1, 4, 8)), return_attention_scores=True)
        assert keras.backend.standardize_dtype(out.dtype) == "float16"
        assert keras.backend.standardize_dtype(scores.dtype) == "float32"
        assert block.mlp_in.kernel.dtype == "float32"  # variables stay float32
    finally:
        keras.mixed_precision.set_global_policy(policy)


def test_dropout_only_in_training(Block, rng):
    block = Block(16, 4, dropout=0.5)
    x = rng.normal(size=(2, 6, 16)).astype("float32")
    inference = np.asarray(block(x, training=False))
    np.testing.assert_array_equal(inference, np.asarray(block(x)))
    assert not np.allclose(np.asarray(block(x, training=True)), inference)
    no_dropout = Block(16, 4, dropout=0.0)
    no_dropout(x)
    no_dropout.set_weights(block.get_weights())
    np.testing.assert_array_equal(np.asarray(no_dropout(x, training=True)), inference)


def test_residual_projections_use_their_own_init(Block):
    block = Block(256, 4, init_stddev=0.02, output_init_stddev=0.005)
    block.build((None, None, 256))
    for layer, stddev in ((block.query, 0.02), (block.mlp_in, 0.02),
                          (block.attention_output, 0.005), (block.mlp_out, 0.005)):
        values = layer.kernel.numpy().ravel()
        assert abs(values.std() / stddev - 1) < 5 * np.sqrt(2 / values.size)
        assert np.all(layer.bias.numpy() == 0)


# ----- the key/value cache ---------------------------------------------------------------------


def test_cached_steps_reproduce_the_full_forward(Block, rng):
    d, H, T, S = 16, 4, 7, 10  # T tokens, a cache of S >= T positions
    block = Block(d, H, dtype="float64")
    x = rng.normal(size=(2, T, d))
    block(x)
    _randomise(block, rng)
    full = np.asarray(block(x))
    cache = block.empty_cache(2, S)
    assert tuple(cache.shape) == (2, 2, S, H, d // H)
    # a prefix of 3 positions at once, then one position at a time
    out, cache = block(x[:, :3], cache=cache, cache_update_index=0)
    outputs = [np.asarray(out)]
    for t in range(3, T):
        out, cache = block(x[:, t:t + 1], cache=cache, cache_update_index=t)
        outputs.append(np.asarray(out))
    stepped = np.concatenate(outputs, axis=1)
    # the same arithmetic on fewer rows: equal up to float64 rounding of sums over d, 4d and S
    tol = (d + 4 * d + S) * eps("float64") * np.max(np.abs(full))
    assert np.max(np.abs(stepped - full)) <= tol
    # the cache holds each position's keys and values; the slots after T are untouched zeros
    keys = np.asarray(block.key(block.ln_1(x)))
    assert np.max(np.abs(np.asarray(cache)[:, 0, :T] - keys)) <= tol
    assert np.all(np.asarray(cache)[:, :, T:] == 0)


def test_cache_slots_after_the_query_are_never_read(Block, rng):
    # Garbage in the future slots (the padding a prefill leaves there) changes nothing.
    block = Block(8, 2)
    x = rng.normal(size=(1, 4, 8)).astype("float32")
    clean = block.empty_cache(1, 6)
    _, clean = block(x[:, :3], cache=clean, cache_update_index=0)
    dirty = np.asarray(clean).copy()
    dirty[:, :, 3:] = rng.normal(scale=100.0, size=dirty[:, :, 3:].shape)
    a, _ = block(x[:, 3:], cache=clean, cache_update_index=3)
    b, _ = block(x[:, 3:], cache=dirty.astype("float32"), cache_update_index=3)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_cache_errors(Block):
    x = np.zeros((1, 2, 8), "float32")
    bidirectional = Block(8, 2, causal=False)
    with pytest.raises(ValueError, match="cache needs causal=True"):
        bidirectional(x, cache=bidirectional.empty_cache(1, 4), cache_update_index=0)
    block = Block(8, 2)
    with pytest.raises(ValueError, match="cache_update_index must be given with cache"):
        block(x, cache=block.empty_cache(1, 4))
    with pytest.raises(ValueError, match="batch_size must be a positive integer, but received 0"):
        block.empty_cache(0, 4)


def test_bad_arguments_raise_naming_the_values(Block):
    with pytest.raises(ValueError, match="d_model must be divisible by num_heads, but received "
                                         "d_model=10 and num_heads=4"):
        Block(10, 4)
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\), but received 1.0"):
        Block(8, 2, dropout=1.0)
    with pytest.raises(ValueError, match="d_ff must be a positive integer, but received 0"):
        Block(8, 2, d_ff=0)
    with pytest.raises(ValueError, match="causal must be True or False, but received 'yes'"):
        Block(8, 2, causal="yes")
    with pytest.raises(ValueError, match=r"d_model = 8 features.*\(1, 3, 6\)"):
        Block(8, 2)(np.zeros((1, 3, 6), "float32"))
