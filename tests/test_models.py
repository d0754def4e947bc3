import numpy as np
import pytest

from bmlearn.models import build_cnn, build_mlp



def test_mlp_shapes_and_params(keras):
    model = build_mlp((64,), 10, hidden_units=(32, 16))
    assert model.output_shape == (None, 10)
    assert model.count_params() == (64 * 32 + 32) + (32 * 16 + 16) + (16 * 10 + 10)


def test_mlp_flattens_images_and_outputs_probabilities(keras, rng):
    model = build_mlp((8, 8, 1), 10, hidden_units=(16,), dropout=0.5)
    probs = np.asarray(model(rng.random((5, 8, 8, 1)).astype("float32")))
    assert probs.shape == (5, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert (probs >= 0).all()


def test_mlp_without_hidden_layers_is_softmax_regression(keras, rng):
    model = build_mlp((3,), 4, hidden_units=())
    W, b = model.get_layer("probabilities").get_weights()
    x = rng.random((6, 3)).astype("float32")
    logits = x @ W + b
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-5)


def test_cnn_shapes_and_conv_params(keras):
    model = build_cnn((8, 8, 1), 10, filters=(8, 16), dense_units=32, shift=0.125)
    assert model.output_shape == (None, 10)
    assert model.get_layer("conv1_1").count_params() == 3 * 3 * 1 * 8 + 8
    assert model.get_layer("conv2_2").count_params() == 3 * 3 * 16 * 16 + 16
    assert model.get_layer("pool2").output.shape[1:3] == (2, 2)


def test_cnn_batch_norm_layers(keras):
    model = build_cnn((8, 8, 1), 10, filters=(4,), convs_per_block=1, batch_norm=True)
    assert any(isinstance(l, keras.layers.BatchNormalization) for l in model.layers)
    assert model.get_layer("conv1_1").use_bias is False


def test_augmentation_is_training_only(keras, rng):
    model = build_cnn((8, 8, 1), 3, filters=(4,), shift=0.25, dropout=0.0, batch_norm=False)
    x = rng.random((16, 8, 8, 1)).astype("float32")
    inference = np.asarray(model(x, training=False))
    # At inference the images are left alone: the same inputs give the same outputs.
    np.testing.assert_array_equal(inference, np.asarray(model(x, training=False)))
    shift = model.get_layer("shift")
    np.testing.assert_array_equal(np.asarray(shift(x, training=False)), x)
    # In training they are shifted, and the model's outputs change with them.
    assert not np.array_equal(np.asarray(shift(x, training=True)), x)
    assert np.abs(np.asarray(model(x, training=True)) - inference).max() > 1e-4
    # And the shift is the only thing training changes: without it, training equals inference.
    plain = build_cnn((8, 8, 1), 3, filters=(4,), shift=0.0, dropout=0.0, batch_norm=False)
    plain.set_weights(model.get_weights())
    np.testing.assert_array_equal(np.asarray(plain(x, training=True)), np.asarray(plain(x, training=False)))


@pytest.mark.parametrize("builder", [build_mlp, build_cnn])
def test_models_save_and_load_keras_format(keras, tmp_path, rng, builder):
    model = builder((8, 8, 1), 10)
    x = rng.random((6, 8, 8, 1)).astype("float32")
    before = model.predict(x, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(before, loaded.predict(x, verbose=0))


def test_output_stays_float32_under_mixed_precision(keras):
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = build_mlp((4,), 3, hidden_units=(8,))
        assert model.get_layer("hidden_1").compute_dtype == "float16"
        assert model.output.dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_models_learn_a_simple_problem(keras):
    # A real check that the builders produce trainable models: XOR needs a hidden layer.
    from bmlearn.data import make_xor

    keras.utils.set_random_seed(0)
    x, y = make_xor(200, noise=0.1, seed=0)
    model = build_mlp((2,), 2, hidden_units=(8,), activation="tanh")
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=40, batch_size=50, verbose=0)
    assert model.evaluate(x, y, verbose=0)[1] > 0.95


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_shape": (0,), "num_classes": 10}, "input_shape"),
        ({"input_shape": "64", "num_classes": 10}, "input_shape"),
        ({"input_shape": (64,), "num_classes": 1}, "num_classes"),
        ({"input_shape": (64,), "num_classes": 10, "hidden_units": (32, 0)}, "hidden_units"),
        ({"input_shape": (64,), "num_classes": 10, "dropout": 1.0}, "dropout"),
    ],
)
def test_mlp_bad_arguments(keras, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_mlp(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"input_shape": (8, 8)}, "height, width, channels"),
        ({"input_shape": (8, 8, 1), "filters": (4, 4, 4, 4)}, "at least 16 pixels"),
        ({"input_shape": (8, 8, 1), "shift": 1.0}, "shift"),
        ({"input_shape": (8, 8, 1), "convs_per_block": 0}, "convs_per_block"),
    ],
)
def test_cnn_bad_arguments(keras, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_cnn(num_classes=10, **kwargs)
