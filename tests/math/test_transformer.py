"""bmlearn.math.transformer against Keras: layer norm, GELU, and the whole block."""

import numpy as np
import pytest

import bmlearn.math as bmm
from bmlearn.numerics import eps



@pytest.fixture(scope="module")
def layers(keras):
    import bmlearn.layers

    return bmlearn.layers


def block_tolerance(dtype, d_model, d_ff, T, magnitude):
    """How far two correct implementations of one block may differ in ``dtype``.

    Rounding analysis (Higham, ch. 3): an inner product of length n computed in a
    precision with machine epsilon eps is off by at most about n·eps/2 times the sum of
    the magnitudes of its terms. A block is a chain of inner products (layer-norm
    moments and the query/key/value/output projections over d_model, the softmax's
    sums and the weighted average over T, W_1 over d_model and W_2 over d_ff); their
    error bounds add up to at most about (d_model + d_ff + T)·eps times the size of
    the values involved, which the largest output entry stands for. Two
    implementations that sum in different orders can each be that far from the exact
    result. Measured: 20-30 times below this in float64 and float32 alike.
    """
    return (d_model + d_ff + T) * eps(dtype) * max(1.0, float(np.max(np.abs(magnitude))))


# ----- layer norm ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(7,), (3, 16), (2, 5, 48)])
def test_layer_norm_matches_keras(keras, rng, deviation, shape):
    d = shape[-1]
    x = rng.normal(loc=3.0, scale=2.0, size=shape)
    gamma, beta = rng.normal(1.0, 0.3, size=d), rng.normal(size=d)
    layer = keras.layers.LayerNormalization(epsilon=1e-5, dtype="float64")
    layer.build(shape)
    layer.set_weights([gamma, beta])
    ref = np.asarray(layer(x))
    ours = bmm.layer_norm(x, gamma, beta, eps=1e-5)
    # Mean and variance are sums of d terms: about d·eps relative error each.
    tol = 4 * d * eps("float64") * np.max(np.abs(ref))
    assert deviation("layer norm", ours, ref) <= tol


def test_layer_norm_standardises_each_vector(rng):
    x = rng.normal(5.0, 3.0, size=(4, 6, 32))
    y = bmm.layer_norm(x, np.ones(32), np.zeros(32), eps=1e-30)  # var(y) = var / (var + eps)
    tol = 32 * eps("float64") * 10
    assert np.max(np.abs(y.mean(axis=-1))) <= tol
    assert np.max(np.abs(y.var(axis=-1) - 1.0)) <= tol
    # each position is normalised on its own: changing one vector changes only its output
    x2 = x.copy()
    x2[0, 0] *= 7.0
    y2 = bmm.layer_norm(x2, np.ones(32), np.zeros(32), eps=1e-30)
    np.testing.assert_array_equal(y2[0, 1:], y[0, 1:])
    np.testing.assert_array_equal(y2[1:], y[1:])


def test_layer_norm_rejects_bad_input():
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\).*received \(2,\)"):
        bmm.layer_norm(np.ones((2, 3)), np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match="eps must be a finite number > 0, but received 0"):
        bmm.layer_norm(np.ones((2, 3)), np.ones(3), np.zeros(3), eps=0)
    with pytest.raises(ValueError, match="x must hold finite numbers"):
        bmm.layer_norm([[1.0, np.nan]], np.ones(2), np.zeros(2))


# ----- GELU ---------------------------------------------------------------------------------


def test_gelu_matches_keras_in_float32(keras, rng, deviation):
    x = rng.normal(scale=3.0, size=1000).astype("float32")
    for approximate in (True, False):
        ref = np.asarray(keras.activations.gelu(x, approximate=approximate))
        ours = bmm.gelu(x.astype(float), approximate=approximate)
        # a few float32 roundings (tanh or erf, products, sum), each relative eps/2
        assert deviation("gelu", ours, ref) <= 8 * eps("float32") * np.max(np.abs(ref))


def test_keras_float64_gelu_rounds_its_constants_to_float32(keras, rng, deviation):
    # TensorFlow's tanh GELU casts its Python-float constant 0.044715 through float32, even for
    # float64 inputs. Ours keeps it exact. With the constant rounded to float32 the two agree to
    # float64 precision; with the exact one they differ by about 1e-9, far above it. (The erf
    # form is left out: TensorFlow 2.17's float64 erfc is itself off by about 1e-9, so what
    # Keras returns there depends on the TensorFlow version; ours is checked against math.erf.)
    import math

    x = rng.normal(scale=3.0, size=1000)
    c = float(np.float32(0.044715))
    tanh_rounded = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + c * x ** 3)))
    ref = np.asarray(keras.activations.gelu(x, approximate=True))
    tol64 = 8 * eps("float64") * np.max(np.abs(ref))
    assert deviation("gelu", tanh_rounded, ref) <= tol64
    assert np.max(np.abs(bmm.gelu(x, approximate=True) - ref)) > 1000 * tol64
    exact_erf = 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    assert np.max(np.abs(bmm.gelu(x, approximate=False) - exact_erf)) <= tol64


def test_tanh_gelu_is_close_to_the_exact_one(rng):
    x = np.linspace(-6, 6, 2001)
    assert np.max(np.abs(bmm.gelu(x) - bmm.gelu(x, approximate=False))) < 5e-4


# ----- the block against its Keras twin -------------------------------------------------------


def _keras_block(layers, twin, T, dtype, causal=True):
    block = layers.TransformerBlock(twin.d_model, twin.num_heads, d_ff=twin.d_ff, causal=causal,
                                    dtype=dtype)
    block.build((None, T, twin.d_model))
    block.set_weights([w.astype(dtype) for w in twin.get_weights()])
    return block


SHAPES = [(16, 4, None, 7), (32, 2, 48, 9), (64, 8, None, 12)]  # d_model, heads, d_ff, T


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "bidirectional"])
@pytest.mark.parametrize("d_model,num_heads,d_ff,T", SHAPES)
def test_keras_block_equals_numpy_twin_in_float64(layers, rng, deviation, d_model, num_heads,
                                                  d_ff, T, causal):
    twin = bmm.TransformerBlock.random(d_model, num_heads, d_ff=d_ff, scale=0.3, seed=T,
                                       causal=causal)
    block = _keras_block(layers, twin, T, "float64", causal=causal)
    x = rng.normal(size=(3, T, d_model))
    ref = twin(x)
    got = np.asarray(block(x))
    assert got.dtype == np.float64
    assert deviation("transformer block f64", got, ref) <= block_tolerance(
        "float64", d_model, twin.d_ff, T, ref)
    # the attention weights too (Keras: float64 scores and softmax in a float64 layer)
    _, w_ref = twin(x, return_attention=True)
    _, w = block(x, return_attention_scores=True)
    assert deviation("transformer block f64", np.asarray(w), w_ref) <= block_tolerance(
        "float64", d_model, twin.d_ff, T, 1.0)


@pytest.mark.parametrize("d_model,num_heads,d_ff,T", SHAPES)
def test_keras_block_equals_numpy_twin_in_float32(layers, rng, deviation, d_model, num_heads,
                                                  d_ff, T):
    twin = bmm.TransformerBlock.random(d_model, num_heads, d_ff=d_ff, scale=0.3, seed=T)
    block = _keras_block(layers, twin, T, "float32")
    x = rng.normal(size=(3, T, d_model)).astype("float32")
    # The twin runs in float64 on the float32-rounded weights: the reference is exact to
    # float64 precision, and the Keras block's error is its own float32 rounding.
    twin32 = bmm.TransformerBlock.from_keras_weights(block.get_weights())
    ref = twin32(x.astype(float))
    got = np.asarray(block(x))
    assert got.dtype == np.float32
    tol = block_tolerance("float32", d_model, twin.d_ff, T, ref)
    assert deviation("transformer block f32", got, ref) <= tol
    # and the float32 tolerance is not loose enough to hide a wrong block: dropping the
    # MLP's first bias is caught.
    weights = twin32.get_weights()
    weights[13] = np.zeros_like(weights[13])
    assert np.max(np.abs(bmm.TransformerBlock(weights)(x.astype(float)) - got)) > tol


def test_twin_reads_keras_weights_in_get_weights_order(layers):
    block = layers.TransformerBlock(8, 2, d_ff=12)
    block.build((None, 3, 8))
    names = [w.path.split("/", 1)[1] for w in block.weights]
    assert names == ["ln_1/gamma", "ln_1/beta", "query/kernel", "query/bias", "key/kernel",
                     "key/bias", "value/kernel", "value/bias", "attention_output/kernel",
                     "attention_output/bias", "ln_2/gamma", "ln_2/beta", "mlp_in/kernel",
                     "mlp_in/bias", "mlp_out/kernel", "mlp_out/bias"]
    twin = bmm.TransformerBlock.from_keras_weights(block.get_weights())
    assert (twin.d_model, twin.num_heads, twin.d_ff) == (8, 2, 12)


def test_causal_block_never_lets_later_tokens_change_earlier_outputs(layers, rng):
    twin = bmm.TransformerBlock.random(16, 4, scale=0.3, seed=0)
    x = rng.normal(size=(2, 8, 16))
    y = x.copy()
    y[:, 5:] = rng.normal(size=(2, 3, 16))  # change the last three tokens
    # exactly: the masked weights are exactly 0 and everything else is per position
    np.testing.assert_array_equal(twin(x)[:, :5], twin(y)[:, :5])
    assert not np.allclose(twin(x)[:, 5:], twin(y)[:, 5:])
    for dtype in ("float32", "float64"):
        block = _keras_block(layers, twin, 8, dtype)
        np.testing.assert_array_equal(np.asarray(block(x.astype(dtype)))[:, :5],
                                      np.asarray(block(y.astype(dtype)))[:, :5])
    # without the mask every position sees the change
    bidirectional = bmm.TransformerBlock(twin.get_weights(), causal=False)
    assert not np.allclose(bidirectional(x)[:, 0], bidirectional(y)[:, 0])


def test_block_is_the_residual_sum_of_its_parts(rng):
    # x + attention(ln1(x)), then + mlp(ln2(.)): rebuild it from the pieces by hand.
    twin = bmm.TransformerBlock.random(8, 2, scale=0.3, seed=3)
    g1, b1, *attn, g2, b2, W1, c1, W2, c2 = twin.get_weights()
    x = rng.normal(size=(5, 8))
    h = x + bmm.MultiHeadAttention(attn)(bmm.layer_norm(x, g1, b1), use_causal_mask=True)[0]
    ref = h + bmm.gelu(bmm.layer_norm(h, g2, b2) @ W1 + c1) @ W2 + c2
    np.testing.assert_array_equal(twin(x), ref)


def test_twin_rejects_bad_weights_and_inputs():
    weights = bmm.TransformerBlock.random(8, 2).get_weights()
    with pytest.raises(ValueError, match="16 arrays.*received 15"):
        bmm.TransformerBlock(weights[:-1])
    bad = list(weights)
    bad[14] = np.zeros((32, 7))
    with pytest.raises(ValueError, match=r"W_2 must have shape \(32, 8\), but received \(32, 7\)"):
        bmm.TransformerBlock(bad)
    with pytest.raises(ValueError, match=r"d_model = 8 features.*\(5, 6\)"):
        bmm.TransformerBlock(weights)(np.ones((5, 6)))
    with pytest.raises(ValueError, match="d_model must be divisible by num_heads, but received "
                                         "d_model=10 and num_heads=3"):
        bmm.TransformerBlock.random(10, 3)
