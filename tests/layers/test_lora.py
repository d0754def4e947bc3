import numpy as np
import pytest

from bmlearn.testing import check_layer



@pytest.fixture(scope="module")
def LoRA(keras):
    from bmlearn.layers import LoRA

    return LoRA


# (layer factory, input shape): a Dense, and the four attention projections of a
# TransformerBlock with d_model = 12, 3 heads of size 4.
def _dense(keras, **kw):
    return keras.layers.Dense(7, **kw), (3, 5, 10)


def _query(keras, **kw):
    return keras.layers.EinsumDense("btd,dhk->bthk", output_shape=(None, 3, 4), bias_axes="hk",
                                    **kw), (2, 5, 12)


def _output(keras, **kw):
    return keras.layers.EinsumDense("bthk,hkd->btd", output_shape=(None, 12), bias_axes="d",
                                    **kw), (2, 5, 3, 4)


LAYERS = {"dense": _dense, "query": _query, "attention_output": _output}


def _trained(keras, LoRA, name, rng, *, rank=2, alpha=None, input_axes=None, dtype=None):
    """A wrapped layer with random weights everywhere (B too, as if trained) and its inputs."""
    kw = {} if dtype is None else {"dtype": dtype}
    layer, shape = LAYERS[name](keras, **kw)
    x = rng.normal(size=shape).astype("float32")
    layer.build(shape)
    for w in layer.weights:
        w.assign(rng.normal(scale=0.3, size=w.shape))
    lora = LoRA(layer, rank, alpha=alpha, input_axes=input_axes)
    lora.lora_kernel_a.assign(rng.normal(scale=0.3, size=lora.lora_kernel_a.shape))
    lora.lora_kernel_b.assign(rng.normal(scale=0.3, size=lora.lora_kernel_b.shape))
    return lora, x


def _exact(lora, x):
    """x (W + s A B) + b in float64, with NumPy: the independent reference."""
    kernel = np.asarray(lora.layer.kernel, np.float64)
    a = np.asarray(lora.lora_kernel_a, np.float64)
    b = np.asarray(lora.lora_kernel_b, np.float64)
    merged = kernel + lora.alpha / lora.rank * np.tensordot(a, b, axes=1)
    if hasattr(lora.layer, "equation"):
        y = np.einsum(lora.layer.equation, x.astype(np.float64), merged)
    else:
        y = x.astype(np.float64) @ merged
    return y + np.asarray(lora.layer.bias, np.float64)


@pytest.mark.parametrize("name", list(LAYERS))
def test_passes_the_layer_checks(keras, LoRA, rng, name):
    lora, x = _trained(keras, LoRA, name, rng)
    check_layer(lora, x, mixed_output_dtype="float16")


def test_config_round_trips_every_argument(keras, LoRA):
    layer = keras.layers.EinsumDense("btd,dhk->bthk", output_shape=(None, 3, 4), bias_axes="hk",
                                     name="q")
    lora = LoRA(layer, 3, alpha=6.0, input_axes=2, a_initializer="glorot_normal", name="w")
    again = LoRA.from_config(lora.get_config())
    assert (again.rank, again.alpha, again.input_axes, again.scale) == (3, 6.0, 2, 2.0)
    assert again.layer.equation == layer.equation and again.layer.name == "q"
    assert type(again.a_initializer).__name__ == "GlorotNormal"


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("dtype", ["float64", "float32", "mixed_float16", "mixed_bfloat16"])
def test_equals_x_times_w_plus_scaled_ab_within_the_bound(keras, LoRA, rng, name, dtype):
    lora, x = _trained(keras, LoRA, name, rng, rank=3, alpha=1.5, dtype=dtype)
    bound = lora.error_bound(x)
    error = np.abs(np.asarray(lora(x), np.float64) - _exact(lora, x))
    assert np.all(error <= bound)
    assert (error / bound).max() > 0.01  # and not vacuous: within 100x of the worst error


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("dtype", ["float64", "float32", "mixed_float16", "mixed_bfloat16"])
def test_equals_keras_enable_lora_given_the_same_a_and_b(keras, LoRA, rng, name, dtype):
    # Keras splits off the kernel's last axis: input_axes = kernel.ndim - 1 reproduces it.
    keras_axes = {"dense": 1, "query": 2, "attention_output": 2}[name]  # kernel.ndim - 1
    lora, x = _trained(keras, LoRA, name, rng, rank=2, alpha=5.0, dtype=dtype,
                       input_axes=keras_axes)
    reference, _ = LAYERS[name](keras, dtype=dtype)
    reference.build(x.shape)
    reference.set_weights(lora.layer.get_weights())
    reference.enable_lora(2, lora_alpha=5.0)
    assert tuple(reference.lora_kernel_a.shape) == tuple(lora.lora_kernel_a.shape)
    assert tuple(reference.lora_kernel_b.shape) == tuple(lora.lora_kernel_b.shape)
    # Keras keeps its LoRA kernels in float32 whatever the layer's dtype: give both the
    # same float32 values; in a float64 layer its update is then computed in float32.
    for ours_w, keras_w in ((lora.lora_kernel_a, reference.lora_kernel_a),
                            (lora.lora_kernel_b, reference.lora_kernel_b)):
        value = np.asarray(ours_w).astype(np.float32)
        ours_w.assign(value)
        keras_w.assign(value)
    ours = np.asarray(lora(x), np.float64)
    theirs = np.asarray(reference(x), np.float64)
    bound = lora.error_bound(x, dtype="float32" if dtype == "float64" else None)
    assert np.all(np.abs(ours - theirs) <= 2 * bound)


def test_keras_convention_is_the_default_for_dense_and_attention_output(keras, LoRA):
    for name in ("dense", "attention_output"):
        layer, shape = LAYERS[name](keras)
        layer.build(shape)
        lora = LoRA(layer, 2)
        assert lora.input_axes == len(layer.kernel.shape) - 1


def test_default_update_is_rank_r_where_keras_gives_heads_times_r(keras, LoRA, rng):
    ours, _ = _trained(keras, LoRA, "query", rng, rank=2, dtype="float64")
    keras_like, _ = _trained(keras, LoRA, "query", rng, rank=2, input_axes=2, dtype="float64")
    d, heads, k = ours.layer.kernel.shape
    assert tuple(ours.lora_kernel_a.shape) == (d, 2)  # the paper's A: (d_model, r)
    assert tuple(ours.lora_kernel_b.shape) == (2, heads, k)
    assert tuple(keras_like.lora_kernel_a.shape) == (d, heads, 2)  # Keras's: (d_model, heads, r)
    assert tuple(keras_like.lora_kernel_b.shape) == (2, k)
    assert np.linalg.matrix_rank(ours.delta().reshape(d, heads * k)) == 2
    assert np.linalg.matrix_rank(keras_like.delta().reshape(d, heads * k)) == heads * 2


def test_starts_as_the_wrapped_layer_and_trains_only_a_and_b(keras, LoRA, rng):
    layer = keras.layers.Dense(4)
    x = rng.normal(size=(16, 6)).astype("float32")
    before = np.asarray(layer(x))
    frozen = [np.asarray(w).copy() for w in layer.weights]
    lora = LoRA(layer, 2)
    np.testing.assert_array_equal(np.asarray(lora(x)), before)  # B = 0 exactly
    assert not np.any(np.asarray(lora.lora_kernel_b)) and np.any(np.asarray(lora.lora_kernel_a))
    assert [w.name for w in lora.trainable_weights] == ["lora_kernel_a", "lora_kernel_b"]
    assert lora.count_params() == 6 * 4 + 4 + 2 * (6 + 4)
    inputs = keras.Input((6,))
    model = keras.Model(inputs, lora(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    a0 = np.asarray(lora.lora_kernel_a).copy()
    model.fit(x, rng.normal(size=(16, 4)), batch_size=16, epochs=1, verbose=0)
    # The first step: B = 0 makes A's gradient (x^T g B^T) exactly zero; B's is not.
    np.testing.assert_array_equal(np.asarray(lora.lora_kernel_a), a0)
    assert np.any(np.asarray(lora.lora_kernel_b))
    model.fit(x, rng.normal(size=(16, 4)), batch_size=16, epochs=1, verbose=0)
    assert not np.array_equal(np.asarray(lora.lora_kernel_a), a0)
    for w, w0 in zip(layer.weights, frozen):
        np.testing.assert_array_equal(np.asarray(w), w0)


def test_add_lora_and_merge_lora_on_a_gpt(keras, rng):
    from bmlearn.layers import ATTENTION_PROJECTIONS, LoRA, add_lora, merge_lora
    from bmlearn.models import build_gpt

    d, layers, vocab, rank = 16, 2, 40, 3
    gpt = build_gpt(vocab, 8, d, layers, num_heads=4)
    ids = rng.integers(0, vocab, size=(3, 8)).astype("int32")
    before = np.asarray(gpt(ids))
    n_params = gpt.count_params()
    added = add_lora(gpt, rank, alpha=6)
    assert len(added) == 4 * layers and all(isinstance(a, LoRA) for a in added)
    block = gpt.get_layer("block_1")
    assert [getattr(block, n) for n in ATTENTION_PROJECTIONS] == added[:4]
    np.testing.assert_array_equal(np.asarray(gpt(ids)), before)
    lora_weights = [w for w in gpt.trainable_weights if "lora" in w.name]
    assert sum(int(np.prod(w.shape)) for w in lora_weights) == layers * 4 * rank * 2 * d
    assert gpt.count_params() == n_params + layers * 4 * rank * 2 * d
    for a in added:
        a.lora_kernel_b.assign(rng.normal(scale=0.1, size=a.lora_kernel_b.shape))
    adapted = np.asarray(gpt(ids))
    assert np.abs(adapted - before).max() > 1e-3  # the update does change the model
    assert merge_lora(gpt) == 4 * layers
    assert gpt.count_params() == n_params
    assert not any(isinstance(getattr(block, n), LoRA) for n in ATTENTION_PROJECTIONS)
    assert all(w.trainable for w in gpt.weights)
    # float32, two orders of the same sums through 2 blocks: agree to float32 rounding
    from bmlearn.numerics import eps

    np.testing.assert_allclose(np.asarray(gpt(ids)), adapted, rtol=0,
                               atol=1e3 * eps("float32") * np.abs(adapted).max())


def test_merge_after_predict_gives_the_merged_model(keras, rng):
    # predict() traces and caches a function that calls the LoRA wrappers; after merging, a
    # stale trace must not add the update twice (the classifier holds the merged GPT).
    from bmlearn.layers import add_lora, merge_lora
    from bmlearn.models import build_gpt

    gpt = build_gpt(30, 8, 16, 1, num_heads=2)
    inputs = keras.Input((8,), dtype="int32")
    outer = keras.Model(inputs, keras.layers.Dense(3)(gpt(inputs)))
    added = add_lora(gpt, 2)
    for a in added:
        a.lora_kernel_b.assign(rng.normal(scale=0.2, size=a.lora_kernel_b.shape))
    ids = rng.integers(0, 30, size=(4, 8)).astype("int32")
    before = outer.predict(ids, verbose=0)
    merge_lora(gpt)  # only the inner model: the outer one keeps its traced predict function
    after = outer.predict(ids, verbose=0)
    from bmlearn.numerics import eps

    assert np.abs(after - before).max() <= 1e3 * eps("float32") * np.abs(before).max()
    assert all(not np.any(np.asarray(a.lora_kernel_b)) for a in added)


def test_add_lora_chooses_targets_and_needs_one(keras):
    from bmlearn.layers import add_lora
    from bmlearn.models import build_gpt

    gpt = build_gpt(30, 8, 8, 1, num_heads=2)
    added = add_lora(gpt, 1, targets=("mlp_in", "mlp_out"))
    assert [a.layer.name for a in added] == ["mlp_in", "mlp_out"]
    with pytest.raises(ValueError, match="sublayers named \\['nothing'\\]"):
        add_lora(gpt, 1, targets=("nothing",))


@pytest.mark.parametrize(
    "make, kwargs, match",
    [
        (lambda k: k.layers.Dense(3), {"rank": 0}, "rank must be a positive integer"),
        (lambda k: k.layers.Dense(3), {"rank": 2, "alpha": 0}, "alpha must be"),
        (lambda k: k.layers.Dense(3), {"rank": 2, "input_axes": 2}, "input_axes must be"),
        (lambda k: k.layers.Dense(3, activation="relu"), {"rank": 2}, "no activation"),
        (lambda k: k.layers.Conv1D(3, 2), {"rank": 2}, "Dense or EinsumDense, but received Conv1D"),
        (lambda k: k.layers.EinsumDense("ab,cb->ac", output_shape=3), {"rank": 1},
         "summed against the input first"),
    ],
)
def test_bad_input(keras, LoRA, make, kwargs, match):
    with pytest.raises(ValueError, match=match):
        LoRA(make(keras), **kwargs)


def test_refuses_a_layer_with_keras_lora_or_quantized(keras, LoRA):
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    layer.enable_lora(2)
    with pytest.raises(ValueError, match="lora_enabled=True"):
        LoRA(layer, 2)
    layer = keras.layers.Dense(3)
    layer.build((None, 4))
    layer.quantize("int8")
    with pytest.raises(ValueError, match="quantization_mode='int8'"):
        LoRA(layer, 2)
