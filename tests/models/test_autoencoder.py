import numpy as np
import pytest

from bmlearn.numerics import eps


@pytest.fixture(scope="module")
def build_autoencoder(keras):
    from bmlearn.models import build_autoencoder

    return build_autoencoder


def test_layers_mirror_and_parameter_count(build_autoencoder):
    model = build_autoencoder(12, 3, hidden_units=(8, 5))
    names = [layer.name for layer in model.layers[1:]]
    assert names == ["encoder_1", "encoder_2", "code", "decoder_1", "decoder_2", "reconstruction"]
    widths = [model.get_layer(n).units for n in names]
    assert widths == [8, 5, 3, 5, 8, 12]
    sizes = [12, 8, 5, 3, 5, 8, 12]
    assert model.count_params() == sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    assert model.output_shape == (None, 12)
    assert model.get_layer("code").get_config()["activation"] == "linear"
    assert model.get_layer("reconstruction").get_config()["activation"] == "linear"


def test_linear_autoencoder_with_pca_weights_is_pca_reconstruction(build_autoencoder, rng):
    """With hidden_units=() the model is x -> (x W1 + b1) W2 + b2: PCA's projection is one such map.

    Independent reference: scikit-learn's PCA, whose inverse_transform(transform(x)) is the best
    rank-k reconstruction in squared error.
    """
    from sklearn.decomposition import PCA

    x = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6)) + rng.normal(size=6)
    pca = PCA(n_components=2).fit(x)
    model = build_autoencoder(6, 2, hidden_units=())
    components, mean = pca.components_, pca.mean_
    model.get_layer("code").set_weights([components.T, -mean @ components.T])
    model.get_layer("reconstruction").set_weights([components, mean])
    expected = pca.inverse_transform(pca.transform(x))
    got = np.asarray(model(x.astype("float32")), dtype="float64")
    # float32 weights and inputs: a few units of float32's eps relative to the largest value.
    scale = np.abs(x).max() * 6 * 2
    np.testing.assert_allclose(got, expected, atol=16 * eps("float32") * scale)


def test_training_reaches_the_pca_error_on_linear_data(build_autoencoder, keras, rng):
    """A trained linear autoencoder's error approaches PCA's optimum (Eckart-Young), and cannot beat it."""
    from sklearn.decomposition import PCA

    keras.utils.set_random_seed(0)
    x = (rng.normal(size=(2000, 2)) @ rng.normal(size=(2, 5)) + 0.1 * rng.normal(size=(2000, 5))).astype("float32")
    pca = PCA(n_components=2).fit(x)
    best = np.mean((pca.inverse_transform(pca.transform(x)) - x) ** 2)
    model = build_autoencoder(5, 2, hidden_units=())
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, x, batch_size=100, epochs=60, verbose=0)
    err = np.mean((np.asarray(model.predict(x, verbose=0), dtype="float64") - x) ** 2)
    assert best * (1 - 1e-3) <= err < 1.5 * best, (err, best)
    # and far below the error of rebuilding every input as the mean
    assert err < 0.05 * np.mean((x - x.mean(axis=0)) ** 2)


def test_reconstruction_error_flags_inputs_off_the_training_subspace(build_autoencoder, keras, rng):
    keras.utils.set_random_seed(1)
    basis = rng.normal(size=(2, 6))
    x = (rng.normal(size=(3000, 2)) @ basis).astype("float32")
    model = build_autoencoder(6, 2, hidden_units=(16,))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, x, batch_size=100, epochs=30, verbose=0)
    normal = (rng.normal(size=(200, 2)) @ basis).astype("float32")
    odd = rng.normal(size=(200, 6)).astype("float32") * np.abs(x).std()
    err = lambda a: np.mean((model.predict(a, verbose=0) - a) ** 2, axis=1)
    assert np.median(err(odd)) > 10 * np.median(err(normal))


def test_output_float32_under_mixed_precision_and_save_load(build_autoencoder, keras, tmp_path, rng):
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = build_autoencoder(4, 2, hidden_units=(8,))
        assert model.get_layer("encoder_1").compute_dtype == "float16"
        assert model.output.dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy(previous)
    model = build_autoencoder(4, 2, hidden_units=(8,))
    x = rng.random((5, 4)).astype("float32")
    path = tmp_path / "ae.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


@pytest.mark.parametrize("kwargs, message", [
    (dict(input_dim=0, bottleneck=2), "input_dim must be a positive integer"),
    (dict(input_dim=4.0, bottleneck=2), "input_dim must be a positive integer"),
    (dict(input_dim=4, bottleneck=0), "bottleneck must be a positive integer"),
    (dict(input_dim=4, bottleneck=2, hidden_units=(8, 0)), "each entry of hidden_units"),
    (dict(input_dim=4, bottleneck=2, hidden_units="a"), "hidden_units"),
])
def test_bad_arguments(build_autoencoder, kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_autoencoder(**kwargs)
