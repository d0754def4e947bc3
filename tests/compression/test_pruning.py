import numpy as np
import pytest

from bmlearn.compression import KeepPruned, prunable_kernels, prune_by_magnitude, weight_sparsity


def _model(seed=0):
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((6, 6, 1)),
        keras.layers.Conv2D(4, 3, name="conv"),
        keras.layers.Flatten(),
        keras.layers.Dense(10, name="hidden", bias_initializer="ones"),
        keras.layers.Dense(3, name="out"),
    ], name="net")


@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.5, 0.9, 0.99])
def test_layer_scope_zeroes_exactly_the_smallest_weights_of_each_kernel(sparsity):
    model = _model()
    before = [k.numpy().copy() for k in prunable_kernels(model)]
    masks = prune_by_magnitude(model, sparsity)
    for kernel, old in zip(prunable_kernels(model), before):
        new = kernel.numpy()
        zeroed = new == 0
        assert zeroed.sum() == round(sparsity * old.size)
        np.testing.assert_array_equal(new[~zeroed], old[~zeroed])  # the rest untouched
        if 0 < zeroed.sum() < old.size:
            assert np.abs(old[zeroed]).max() <= np.abs(old[~zeroed]).min()
        np.testing.assert_array_equal(masks[kernel.path], ~zeroed)


def test_global_scope_uses_one_threshold_for_all_kernels():
    model = _model()
    old = np.concatenate([k.numpy().ravel() for k in prunable_kernels(model)])
    prune_by_magnitude(model, 0.6, scope="global")
    new = np.concatenate([k.numpy().ravel() for k in prunable_kernels(model)])
    assert (new == 0).sum() == round(0.6 * old.size)
    assert np.abs(old[new == 0]).max() <= np.abs(old[new != 0]).min()
    per_layer = [float((k.numpy() == 0).mean()) for k in prunable_kernels(model)]
    assert len(set(per_layer)) > 1  # layers lose different shares


def test_biases_are_kept_and_sparsity_is_measured():
    model = _model()
    prune_by_magnitude(model, 0.5)
    np.testing.assert_array_equal(model.get_layer("hidden").bias.numpy(), np.ones(10))
    sizes = [k.numpy().size for k in prunable_kernels(model)]
    expected = sum(round(0.5 * n) for n in sizes) / sum(sizes)
    assert weight_sparsity(model) == pytest.approx(expected)
    assert [k.path for k in prunable_kernels(model)] == [
        "net/conv/kernel", "net/hidden/kernel", "net/out/kernel"]


def test_keep_pruned_holds_the_zeros_while_fine_tuning():
    import keras

    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    masks = prune_by_magnitude(model, 0.7)
    kept_before = model.get_layer("hidden").kernel.numpy()[masks["net/hidden/kernel"]].copy()
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 6, 6, 1)), rng.integers(0, 3, 32)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[KeepPruned(masks)])
    for kernel in prunable_kernels(model):
        np.testing.assert_array_equal(kernel.numpy()[~masks[kernel.path]], 0.0)
    kept_after = model.get_layer("hidden").kernel.numpy()[masks["net/hidden/kernel"]]
    assert not np.allclose(kept_before, kept_after)  # the kept weights did train


def test_without_keep_pruned_the_zeros_come_back():
    import keras

    model = _model()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    prune_by_magnitude(model, 0.7)
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(16, 6, 6, 1)), rng.integers(0, 3, 16), epochs=1, verbose=0)
    assert weight_sparsity(model) < 0.5  # most zeros moved again


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda m: prune_by_magnitude(m, 1.0), r"sparsity must be a number in \[0, 1\)"),
        (lambda m: prune_by_magnitude(m, -0.1), "sparsity must be"),
        (lambda m: prune_by_magnitude(m, 0.5, scope="row"), "scope must be"),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call(_model())


def test_nothing_to_prune():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Activation("relu")], name="plain")
    with pytest.raises(ValueError, match="'plain' has no dense or convolutional layer"):
        prune_by_magnitude(model, 0.5)


def test_keep_pruned_rejects_masks_that_do_not_fit():
    import keras

    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = np.zeros((4, 6, 6, 1)), np.zeros(4)
    with pytest.raises(ValueError, match="matches no kernel"):
        model.fit(x, y, verbose=0, callbacks=[KeepPruned({"net/nope/kernel": np.ones((2, 2))})])
    with pytest.raises(ValueError,
                       match=r"has shape \(2, 2\), but the kernel has shape \(3, 3, 1, 4\)"):
        model.fit(x, y, verbose=0, callbacks=[KeepPruned({"net/conv/kernel": np.ones((2, 2))})])
    assert isinstance(model, keras.Model)
