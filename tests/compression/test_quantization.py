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
