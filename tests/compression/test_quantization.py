import numpy as np
import pytest

from bmlearn.compression import tflite_predict, to_tflite


@pytest.fixture(scope="module")
def model():
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((64,)), keras.layers.Dense(256, activation="relu"),
                             keras.layers.Dense(10, activation="softmax")])


def test_float_model_predicts_like_keras(model, rng):
    x = rng.normal(size=(300, 64)).astype(np.float32)
    out = tflite_predict(to_tflite(model), x, batch_size=128)  # 128, 128, 44: resizes
    np.testing.assert_allclose(out, model.predict(x, verbose=0), atol=1e-5)


def test_quantized_model_is_about_four_times_smaller_and_close(model, rng):
    full, small = to_tflite(model), to_tflite(model, quantize=True)
    n_weights = 64 * 256 + 256 * 10
    assert len(full) > 4 * n_weights  # float32 weights: 4 bytes each
    assert len(small) < 1.5 * n_weights  # int8 weights: about 1 byte each
    assert 3.0 < len(full) / len(small) < 4.0
    x = rng.normal(size=(50, 64)).astype(np.float32)
    reference = model.predict(x, verbose=0)
    quantized = tflite_predict(small, x)
    err = np.abs(quantized - reference).max()
    assert 0 < err < 0.05  # changed, but only a little
    assert np.mean(quantized.argmax(1) == reference.argmax(1)) >= 0.9


@pytest.mark.parametrize(
    "x, kwargs, match",
    [
        (np.full((2, 64), np.nan), {}, "x must hold finite numbers"),
        (np.zeros((2, 63)), {}, r"samples of shape \(64,\), but received shape \(2, 63\)"),
        (np.zeros(64), {}, "at least 2 dimension"),
        (np.zeros((2, 64)), {"batch_size": 0}, "batch_size must be a positive"),
    ],
)
def test_bad_input(model, x, kwargs, match):
    with pytest.raises(ValueError, match=match):
        tflite_predict(to_tflite(model), x, **kwargs)


def test_not_a_model():
    with pytest.raises(ValueError, match="not a TensorFlow Lite model"):
        tflite_predict(b"not a flatbuffer", np.zeros((1, 2)))
    with pytest.raises(ValueError, match="must be a built Keras model"):
        to_tflite(object())


def _mixed_model(policy, nested=False):
    import keras

    keras.mixed_precision.set_global_policy(policy)
    try:
        keras.utils.set_random_seed(0)
        body = keras.Sequential([keras.Input((64,)), keras.layers.Dense(128, activation="relu"),
                                 keras.layers.Dropout(0.2)], name="body")
        inputs = keras.Input((64,))
        hidden = body(inputs) if nested else keras.layers.Dense(128, activation="relu")(inputs)
        outputs = keras.layers.Dense(10, activation="softmax", dtype="float32")(hidden)
        return keras.Model(inputs, outputs)
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_the_converter_alone_rejects_a_mixed_precision_model(policy, tf):
    # Why to_tflite converts a float32 copy: TensorFlow Lite has no 16-bit matrix products.
    converter = tf.lite.TFLiteConverter.from_keras_model(_mixed_model(policy))
    with pytest.raises(Exception, match="not supported by the native TFLite runtime"):
        from bmlearn.quiet import silenced_stderr

        with silenced_stderr():
            converter.convert()


@pytest.mark.parametrize("nested", [False, True])
@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_model_converts_through_a_float32_copy(policy, nested, rng):
    import keras

    from bmlearn.numerics import eps
    from bmlearn.compression import float32_copy

    model = _mixed_model(policy, nested)
    keras.mixed_precision.set_global_policy(policy)  # a GPU session: the global policy is mixed
    try:
        copy = float32_copy(model)
        assert keras.mixed_precision.global_policy().name == policy  # left as it was
        blobs = to_tflite(model), to_tflite(model, quantize=True)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    low = "bfloat16" if policy == "mixed_bfloat16" else "float16"
    assert {layer.compute_dtype for layer in model.layers[1:]} == {low, "float32"}  # untouched
    assert all(layer.compute_dtype == "float32" for layer in copy.layers)
    for a, b in zip(model.get_weights(), copy.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = rng.normal(size=(100, 64)).astype(np.float32)
    reference = copy.predict(x, verbose=0)
    # float32 TFLite against float32 Keras: two summation orders of 64- and 128-term sums of
    # probabilities' logits; 64 units of float32's precision is ample (measured: a few).
    np.testing.assert_allclose(tflite_predict(blobs[0], x), reference, rtol=0, atol=64 * eps("float32"))
    # The 16-bit model itself differs from its float32 copy by its own rounding, not more.
    mixed_out = model.predict(x, verbose=0)
    assert 0 < np.abs(mixed_out - reference).max() < 8 * eps(low)
    assert 3.0 < len(blobs[0]) / len(blobs[1]) < 4.0


def test_float32_copy_of_a_float32_model_is_the_model(model):
    from bmlearn.compression import float32_copy

    assert float32_copy(model) is model
    with pytest.raises(ValueError, match="must be a built Keras model"):
        float32_copy(object())


def test_a_subclassed_model_is_refused():
    import keras

    from bmlearn.compression import float32_copy

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        net = Net()
        net(np.zeros((1, 4), "float32"))
    finally:
        keras.mixed_precision.set_global_policy("float32")
    for convert in (float32_copy, to_tflite):
        with pytest.raises(ValueError, match=r"built Keras model \(Sequential or functional\)"):
            convert(net)


# --- int8 by hand: per-channel symmetric absmax ---------------------------------------------

from bmlearn.compression import (  # noqa: E402
    dequantize_int8,
    int8_kernels,
    load_int8_kernels,
    quantize_int8,
    weight_bytes,
)


@pytest.mark.parametrize("shape, axis", [((40, 30), 0), ((16, 4, 8), 0), ((4, 8, 16), (0, 1))])
def test_int8_rounds_each_weight_by_at_most_half_a_step(rng, shape, axis):
    w = rng.normal(scale=0.05, size=shape).astype(np.float32)
    q, scale = quantize_int8(w, axis=axis)
    assert q.dtype == np.int8 and scale.dtype == np.float32
    assert q.min() >= -127 and q.max() <= 127
    # the largest magnitude of each channel becomes exactly +-127
    np.testing.assert_array_equal(np.abs(q).max(axis=axis), 127)
    # the scale: absmax / 127, rounded to float32
    np.testing.assert_array_equal(scale, (np.abs(w).max(axis=axis, keepdims=True) / 127)
                                  .astype(np.float32))
    error = np.abs(w.astype(np.float64) - dequantize_int8(q, scale))
    # half a step, plus the float32 rounding of the product q * scale (and of w itself: 0)
    u = np.finfo(np.float32).eps / 2
    assert np.all(error <= scale / 2 + u * 127 * scale)
    # the other rounding errors spread evenly over [0, step/2]: a quarter step on average,
    # within 5 standard errors (a uniform on [0, 1/2] has standard deviation 1 / sqrt(48))
    others = (error / scale)[np.abs(q) != 127]
    assert abs(others.mean() - 0.25) < 5 / np.sqrt(48 * others.size)


def test_int8_matches_keras_abs_max_quantize(rng, tf):
    import keras

    w = rng.normal(scale=0.05, size=(64, 48)).astype(np.float32)
    q, scale = quantize_int8(w, axis=0)
    keras_q, keras_scale = keras.quantizers.abs_max_quantize(w, axis=0, to_numpy=True)
    keras_q, keras_scale = np.asarray(keras_q), np.asarray(keras_scale, np.float64)
    # Keras stores 127 / (absmax + 1e-7) in float32: our scale's reciprocal, up to the 1e-7
    absmax = np.abs(w).max(axis=0, keepdims=True).astype(np.float64)
    u = np.finfo(np.float32).eps / 2
    assert np.all(np.abs(1 / keras_scale - scale) <= (1e-7 + 4 * u * absmax) / 127)
    # so w / step differs by at most 127 (1e-7 / absmax + 5u) (Keras rounds 127 / (absmax + 1e-7)
    # and w * scale in float32, we round absmax / 127): codes differ by one step at most, and only
    # where w / step lies within that of a half-integer
    assert np.abs(q.astype(int) - keras_q.astype(int)).max() <= 1
    differ = q != keras_q
    window = 127 * (1e-7 / absmax + 5 * u)
    ratio = w / scale.astype(np.float64)
    near_half = np.abs(np.abs(ratio - np.floor(ratio)) - 0.5) <= np.broadcast_to(window, w.shape)
    assert np.all(near_half[differ])


def test_int8_zero_channel_and_bad_input():
    q, scale = quantize_int8(np.array([[0.0, 1.0], [0.0, -0.5]]), axis=0)
    assert q[:, 0].tolist() == [0, 0] and float(scale[0, 0]) == 1.0
    with pytest.raises(ValueError, match="axis must be axes of w"):
        quantize_int8(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="w must hold finite numbers"):
        quantize_int8(np.array([np.nan, 1.0]))


def _gpt(seed=0):
    import keras

    from bmlearn.models import build_gpt

    keras.utils.set_random_seed(seed)
    return build_gpt(vocab_size=50, seq_len=16, d_model=32, num_layers=2, num_heads=4)


def test_int8_kernels_of_a_gpt_are_what_keras_quantizes(rng):
    import warnings

    model, keras_model = _gpt(), _gpt()
    kernels = int8_kernels(model)
    names = ("query", "key", "value", "attention_output", "mlp_in", "mlp_out")
    assert sorted(kernels) == sorted(f"block_{i}/{n}/kernel" for i in (1, 2) for n in names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # layers without a quantize method
        keras_model.quantize("int8")
    keras_vars = {v.path: np.asarray(v) for v in keras_model.weights}
    for path, (q, scale) in kernels.items():
        keras_q = keras_vars[path]
        keras_scale = keras_vars[path + "_scale"]
        assert keras_q.dtype == np.int8 and keras_scale.size == scale.size
        assert np.abs(q.astype(int) - keras_q.astype(int)).max() <= 1
        np.testing.assert_allclose(1 / keras_scale.ravel(), scale.ravel(), rtol=1e-4)
    # the same bytes: int8 codes plus float32 scales for the same kernels
    assert weight_bytes(model, kernels) == weight_bytes(keras_model)
    n = model.count_params()
    n_kernel = sum(q.size for q, _ in kernels.values())
    n_scale = sum(s.size for _, s in kernels.values())
    assert weight_bytes(model) == 4 * n
    assert weight_bytes(model, kernels) == 4 * (n - n_kernel) + n_kernel + 4 * n_scale


def test_load_int8_kernels_gives_keras_weight_only_int8_outputs(rng):
    import warnings

    import keras

    from bmlearn.numerics import eps

    if not hasattr(keras.quantizers, "Int8QuantizationConfig"):
        pytest.skip(f"Keras {keras.__version__} has no weight-only int8 (Int8QuantizationConfig)")
    model, keras_model = _gpt(), _gpt()
    ids = rng.integers(0, 50, size=(4, 16)).astype("int32")
    before = np.asarray(model(ids))
    load_int8_kernels(model, int8_kernels(model))
    ours = np.asarray(model(ids))
    config = keras.quantizers.Int8QuantizationConfig(activation_quantizer=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keras_model.quantize(config=config)
    theirs = np.asarray(keras_model(ids))
    change = np.abs(ours - before).max()
    assert change > 100 * eps("float32") * np.abs(before).max()  # int8 changed the outputs
    # Keras's weight-only int8 computes the same function: far closer to ours than to float
    assert np.abs(ours - theirs).max() < 0.05 * change


def test_load_int8_kernels_refuses_unknown_paths():
    model = _gpt()
    kernels = int8_kernels(model)
    with pytest.raises(ValueError, match="paths it does not have"):
        load_int8_kernels(model, {"nowhere/kernel": next(iter(kernels.values()))})
    import keras

    with pytest.raises(ValueError, match="with none"):
        int8_kernels(keras.Sequential([keras.Input((3,)), keras.layers.Dropout(0.1)]))
