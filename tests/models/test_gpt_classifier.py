import pathlib
import tempfile

import numpy as np
import pytest

from bmlearn.numerics import eps
from bmlearn.testing import check_layer

VOCAB, SEQ_LEN, D_MODEL = 60, 32, 16
# Padding changes only the order in which a longer row is added up (attention weights of exactly
# 0 for the padding, zeros in the pooled sum): a few units of float32's precision, relative to
# the largest pooled feature or logit. Measured: at most 4 units; 64 is ample and still fails
# for a pooling that lets padding in (those errors are of the order of the features themselves).
PAD_UNITS = 64



@pytest.fixture(scope="module")
def build(keras):
    from bmlearn.models import build_gpt, build_gpt_classifier

    return build_gpt, build_gpt_classifier


@pytest.fixture
def policy(keras):
    """Set a global dtype policy for one test, and restore the previous one after it."""
    previous = keras.mixed_precision.global_policy()
    yield keras.mixed_precision.set_global_policy
    keras.mixed_precision.set_global_policy(previous)


def random_body(build_gpt, seed=0, **kwargs):
    """A GPT body with random weights everywhere (layer-norm scales near 1), so that every token matters."""
    rng = np.random.default_rng(seed)
    body = build_gpt(VOCAB, SEQ_LEN, D_MODEL, 2, 4, **kwargs)
    weights = []
    for variable in body.weights:
        w = rng.normal(scale=0.3, size=variable.shape)
        if variable.path.endswith("gamma"):
            w += 1.0
        weights.append(w.astype(variable.dtype))
    body.set_weights(weights)
    return body


def pad(rows, length, pad_id=0):
    out = np.full((len(rows), length), pad_id, dtype="int32")
    for i, row in enumerate(rows):
        out[i, :len(row)] = row
    return out


def features_of(keras, model):
    """The pooled vector the head reads."""
    return keras.Model(model.input, model.get_layer("pooling").output)


def final_states(keras, body, ids):
    """The body's final_norm output: the independent reference for the pooling."""
    return np.asarray(keras.Model(body.input, body.get_layer("final_norm").output)(ids))


@pytest.mark.parametrize("pooling", ["mean", "last"])
def test_pooling_and_head_match_a_reference_on_unpadded_text(keras, build, pooling):
    build_gpt, build_gpt_classifier = build
    body = random_body(build_gpt)
    model = build_gpt_classifier(body, 3, pooling=pooling)
    review = np.random.default_rng(1).integers(1, VOCAB, size=(1, 11))
    h = final_states(keras, body, review)[0].astype(np.float64)
    pooled = h.mean(axis=0) if pooling == "mean" else h[-1]
    w, b = model.get_layer("head").get_weights()
    expected = pooled @ w + b
    got = np.asarray(model(review))[0]
    tol = PAD_UNITS * eps("float32") * np.abs(h).max() * np.abs(w).sum(axis=0).max()
    np.testing.assert_allclose(got, expected, rtol=0, atol=tol)


@pytest.mark.parametrize("pooling", ["mean", "last"])
def test_padding_does_not_change_the_prediction(keras, build, pooling):
    build_gpt, build_gpt_classifier = build
    body = random_body(build_gpt)
    model = build_gpt_classifier(body, 2, pooling=pooling, pad_id=0)
    rng = np.random.default_rng(2)
    reviews = [rng.integers(1, VOCAB, size=n) for n in (3, 9, 20)]
    alone = np.concatenate([np.asarray(model(r[None])) for r in reviews])
    alone_features = np.concatenate([np.asarray(features_of(keras, model)(r[None]))
                                     for r in reviews])
    for length in (20, 21, SEQ_LEN):  # one batch, padded on the right to several lengths
        batch = pad(reviews, length)
        np.testing.assert_allclose(np.asarray(features_of(keras, model)(batch)), alone_features,
                                   rtol=0, atol=PAD_UNITS * eps("float32") * np.abs(alone_features).max())
        np.testing.assert_allclose(np.asarray(model(batch)), alone,
                                   rtol=0, atol=PAD_UNITS * eps("float32") * np.abs(alone).max())


def test_the_padding_check_can_fail(keras, build):
    """Averaging over every position, padding included, moves the features far beyond the tolerance."""
    build_gpt, build_gpt_classifier = build
    body = random_body(build_gpt)
    review = np.random.default_rng(3).integers(1, VOCAB, size=(1, 5))
    padded = pad(review, SEQ_LEN)
    h_alone = final_states(keras, body, review)[0]
    h_padded = final_states(keras, body, padded)[0]
    # the real tokens' states are unchanged (causal attention) ...
    np.testing.assert_allclose(h_padded[:5], h_alone, rtol=0,
                               atol=PAD_UNITS * eps("float32") * np.abs(h_alone).max())
    # ... but an unmasked average is not
    gap = np.abs(h_padded.mean(axis=0) - h_alone.mean(axis=0)).max()
    assert gap > 1000 * PAD_UNITS * eps("float32") * np.abs(h_alone).max()


def test_only_trailing_pad_ids_are_padding(keras, build):
    build_gpt, build_gpt_classifier = build
    body = random_body(build_gpt)
    model = build_gpt_classifier(body, 2, pad_id=0)
    review = np.array([[4, 0, 0, 7, 9]])  # pad_id inside the text counts as a token
    h = final_states(keras, body, review)[0].astype(np.float64)
    got = np.asarray(features_of(keras, model)(pad(review, 12)))[0]
    np.testing.assert_allclose(got, h.mean(axis=0), rtol=0,
                               atol=PAD_UNITS * eps("float32") * np.abs(h).max())
    # the mean over five states is not the mean over the three that are not pad_id
    assert np.abs(h.mean(axis=0) - h[[0, 3, 4]].mean(axis=0)).max() > 1e3 * PAD_UNITS * eps("float32")


def test_a_text_of_padding_only_gives_the_bias(keras, build):
    build_gpt, build_gpt_classifier = build
    model = build_gpt_classifier(random_body(build_gpt), 2, pad_id=0)
    model.get_layer("head").set_weights([np.ones((D_MODEL, 2), "float32"), np.array([0.5, -1.0], "float32")])
    np.testing.assert_array_equal(np.asarray(model(np.zeros((2, 6), "int32"))), [[0.5, -1.0]] * 2)


def test_the_classifier_shares_the_body_and_adds_one_dense_head(build):
    build_gpt, build_gpt_classifier = build
    body = random_body(build_gpt)
    model = build_gpt_classifier(body, 4, dropout=0.1)
    assert model.get_layer("body").get_layer("block_1") is body.get_layer("block_1")
    assert model.count_params() == body.count_params() + D_MODEL * 4 + 4
    assert [layer.name for layer in model.layers] == ["token_ids", "body", "pooling", "head_dropout", "head"]
    before = body.get_layer("block_2").get_weights()[0].copy()
    model.get_layer("body").get_layer("block_2").set_weights(
        [w + 1 for w in body.get_layer("block_2").get_weights()])
    np.testing.assert_array_equal(body.get_layer("block_2").get_weights()[0], before + 1)


def test_a_training_step_updates_body_and_head(keras, build):
    build_gpt, build_gpt_classifier = build
    body = build_gpt(VOCAB, SEQ_LEN, D_MODEL, 1, 2)
    model = build_gpt_classifier(body, 2, pooling="last", dropout=0.2)
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ids = pad([[1, 2, 3], [4, 5, 6, 7, 8]], 8)
    before = [w.copy() for w in model.get_weights()]
    model.fit(ids, np.array([0, 1]), epochs=1, verbose=0)
    changed = [not np.array_equal(a, b) for a, b in zip(before, model.get_weights())]
    assert changed[-1] and changed[-2]  # head bias and kernel
    assert sum(changed[:-2]) > 0  # the body learns too


@pytest.mark.parametrize("precision", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_gives_float32_logits_near_the_float32_ones(keras, build, policy, precision):
    build_gpt, build_gpt_classifier = build
    review = pad(np.random.default_rng(4).integers(1, VOCAB, size=(2, 10)), 16)
    exact_model = build_gpt_classifier(random_body(build_gpt), 2)
    exact = np.asarray(exact_model(review))
    policy(precision)
    body = build_gpt(VOCAB, SEQ_LEN, D_MODEL, 2, 4)
    body.set_weights(exact_model.get_layer("body").get_weights()
                     + random_body(build_gpt).get_weights()[len(exact_model.get_layer("body").get_weights()):])
    mixed_model = build_gpt_classifier(body, 2)
    mixed_model.get_layer("head").set_weights(exact_model.get_layer("head").get_weights())
    logits = mixed_model(review)
    assert keras.backend.standardize_dtype(logits.dtype) == "float32"
    assert mixed_model.get_layer("pooling").compute_dtype == "float32"
    # Two blocks of 16-bit rounding on O(1) features and a head with weights of size 0.3:
    # allow 64 units of the 16-bit precision times the head's largest column norm.
    w = exact_model.get_layer("head").get_weights()[0]
    tol = 64 * eps(precision.split("_")[1]) * np.abs(w).sum(axis=0).max()
    np.testing.assert_allclose(np.asarray(logits), exact, rtol=0, atol=tol)


def test_masked_pooling_passes_the_layer_checks(keras):
    from bmlearn.models.gpt_classifier import MaskedPooling

    rng = np.random.default_rng(5)
    hidden = rng.normal(size=(3, 6, 4)).astype("float32")
    ids = pad([[1, 2], [3, 4, 5, 6, 7, 8], []], 6, pad_id=9) + 0  # pad_id 9
    ids[2] = 9
    for mode in ("mean", "last"):
        check_layer(MaskedPooling(9, mode), [hidden, ids], mixed_output_dtype="float32")


def test_save_and_load_gives_the_same_logits(keras, build):
    build_gpt, build_gpt_classifier = build
    model = build_gpt_classifier(random_body(build_gpt), 2, pooling="last", dropout=0.1)
    ids = pad([[1, 2, 3], [5, 6, 7, 8, 9, 10]], 8)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "classifier.keras"
        model.save(path)
        loaded = keras.models.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(np.asarray(loaded(ids)), np.asarray(model(ids)))
    assert loaded.get_layer("pooling").get_config()["mode"] == "last"


@pytest.mark.parametrize("kwargs, message", [
    ({"num_classes": 1}, "num_classes must be an integer >= 2, but received 1."),
    ({"pooling": "max"}, "pooling must be 'mean' or 'last', but received 'max'."),
    ({"pad_id": VOCAB}, f"pad_id must be an integer in [0, {VOCAB - 1}], but received {VOCAB}."),
    ({"pad_id": -1}, f"pad_id must be an integer in [0, {VOCAB - 1}], but received -1."),
    ({"dropout": 1.0}, "dropout must be a number in [0, 1), but received 1.0."),
])
def test_bad_arguments_raise_value_errors_naming_them(build, kwargs, message):
    build_gpt, build_gpt_classifier = build
    args = {"num_classes": 2, **kwargs}
    with pytest.raises(ValueError) as info:
        build_gpt_classifier(build_gpt(VOCAB, SEQ_LEN, D_MODEL, 1, 2), **args)
    assert str(info.value) == message


def test_a_body_without_final_norm_is_refused(keras, build):
    _, build_gpt_classifier = build
    inputs = keras.Input((None,), dtype="int32")
    other = keras.Model(inputs, keras.layers.Embedding(10, 4, name="emb")(inputs))
    with pytest.raises(ValueError, match="body must have a layer named 'final_norm'.*'emb'"):
        build_gpt_classifier(other, 2)
    with pytest.raises(ValueError, match="body must be a keras.Model.*received str"):
        build_gpt_classifier("gpt", 2)
