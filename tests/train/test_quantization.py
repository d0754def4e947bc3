import numpy as np
import pytest

from bmlearn.train import tflite_predict, to_tflite


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
