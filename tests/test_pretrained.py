"""The shipped pretrained bodies: they load, and reproduce their recorded validation loss.

The recorded loss is recomputed from scratch with the loaded weights and
tokenizer, on the validation text rebuilt from the data loader
(:func:`bmlearn.pretrain.load_corpus`), with :func:`bmlearn.train.lm_cross_entropy`:
an independent check of the files (weights, tokenizer, config) against the
number ``bmlearn.pretrain`` wrote when it trained them.
"""

import json

import numpy as np
import pytest

import bmlearn as bm
from bmlearn import numerics, pretrain, pretrained

NAME = "reviews-bpe"


@pytest.fixture(scope="module")
def body():
    bm.setup(seed=0, mixed_precision=False, verbose=False)
    return pretrained.load(NAME)


@pytest.fixture(scope="module")
def corpus():
    return pretrain.load_corpus("reviews")


def _gamma(body) -> float:
    """Higham's ``γ_k = k u / (1 - k u)`` for the longest float32 accumulation chain of a logit.

    A logit is the end of a chain of float32 accumulations; along the longest
    one, each block sums ``d_model`` terms (the query, key and value
    projections), ``d_head`` (a score), ``seq_len`` (the attention-weighted
    values), ``d_model`` (the output projection), ``d_model`` and ``d_ff`` (the
    MLP), and the tied output layer ``d_model`` more: ``k`` terms in all, each
    sum accurate to a relative ``γ_k`` of its absolute terms, ``u`` float32's
    unit roundoff. So a float32 logit is within about ``γ_k · max|logit|`` of
    its exact value (first order: the amplification by layer norms and
    softmaxes, of order one for a trained model, is not counted). Other
    shapes, machines and thread counts round differently, so two float32
    computations of one logit agree within twice that.
    """
    m = body.config["model"]
    d, d_ff, seq_len, heads = m["d_model"], m["d_ff"], m["seq_len"], m["num_heads"]
    k = m["num_layers"] * (d + d // heads + seq_len + d + d + d_ff) + d
    u = numerics.unit_roundoff("float32")
    return k * u / (1 - k * u)


def _loss_tolerance(body, ids) -> float:
    """How far two float32 computations of the mean cross-entropy may differ.

    ``lm_cross_entropy`` takes the log-softmax in float64, so the only rounding
    is the float32 forward pass: each logit within ``2 γ_k max|logit|`` of the
    other computation's (:func:`_gamma`), and the per-token loss
    ``logsumexp(z) - z_y``, and so its mean, within twice a logit's change.
    On one machine the two agree exactly.
    """
    seq_len = body.seq_len
    x, _ = bm.train.next_token_windows(ids[: 16 * seq_len + 1], seq_len)
    max_logit = float(np.abs(np.asarray(body.model(x, training=False))).max())
    return 2 * 2 * _gamma(body) * max_logit


def test_shipped_body_is_listed_and_small():
    assert NAME in pretrained.available()
    folder = pretrained.weights_path(NAME)
    sizes = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
    assert set(sizes) >= {"config.json", "tokenizer.json", "model.weights.h5", "result.json"}
    assert sum(sizes.values()) < 4 * 2**20  # a few MB at most: shipped in the wheel


def test_config_describes_the_model(body):
    cfg = body.config
    m = cfg["model"]
    # build_gpt's parameter count, from bmlearn.scaling (an independent formula)
    assert body.model.count_params() == bm.scaling.gpt_params(
        m["vocab_size"], m["seq_len"], m["d_model"], m["num_layers"], d_ff=m["d_ff"])
    assert m["vocab_size"] == body.tokenizer.vocab_size + 1 == body.eot_id + 1
    assert cfg["tokenizer"]["kind"] == "bpe" and cfg["corpus"] == "reviews"
    t = cfg["training"]
    assert t["tokens_seen"] == t["steps"] * t["batch_size"] * m["seq_len"]
    assert {"bmlearn", "tensorflow", "keras"} <= set(cfg["versions"])
    assert "modeldata" in body.source and "licence" in body.source
    # the weights are stored in float32
    assert all(w.dtype == np.float32 for w in body.model.get_weights())


def test_tokenizer_is_the_one_pretraining_learns(body, corpus):
    """The shipped tokenizer equals the one learned again from the training text."""
    assert body.tokenizer == corpus.tokenizer
    assert corpus.vocab_size == body.vocab_size and corpus.eot_id == body.eot_id


def test_pretraining_never_saw_validation_or_test_text(corpus):
    reviews = bm.data.load_food_reviews()
    tok, eot = corpus.tokenizer, corpus.eot_id
    # the training stream is exactly the training split's reviews, each after the end-of-text id
    assert (corpus.train_ids == eot).sum() == len(reviews.train.x)
    docs = np.split(corpus.train_ids, np.flatnonzero(corpus.train_ids == eot))[1:]
    assert [tok.decode(doc[1:]) for doc in docs[:50]] == list(reviews.train.x[:50])
    assert not set(reviews.train.x) & (set(reviews.val.x) | set(reviews.test.x))


def test_recorded_validation_loss_is_reproduced(body, corpus):
    loss = bm.train.lm_cross_entropy(body.model, corpus.val_ids, body.seq_len)
    tol = _loss_tolerance(body, corpus.val_ids)
    assert body.result["val_tokens_scored"] == corpus.val_ids.size
    assert abs(loss - body.val_loss) <= tol, (loss, body.val_loss, tol)
    assert tol < 0.01  # the budget is small next to the gaps below


def test_body_beats_the_baselines(body, corpus):
    base = body.baselines
    # the baselines recorded are those of the n-gram models on the same text
    bigram = bm.text.NGramModel(2, body.vocab_size).fit(corpus.train_ids)
    assert base["bigram"] == pytest.approx(bigram.cross_entropy(corpus.val_ids), rel=1e-12)
    assert base["uniform"] == pytest.approx(np.log(body.vocab_size), rel=1e-15)
    assert body.val_loss < base["bigram"] < base["unigram"] < base["uniform"]
    # the tuned bigram (alpha chosen on held-out training text) is at least as good as add-one
    assert base["bigram_tuned"] <= base["bigram"] and base["bigram_tuned_alpha"] in (
        pretrain.BIGRAM_ALPHAS)


def test_encode_batch_pads_after_the_text_and_padding_changes_nothing(body):
    texts = ["This coffee is great, I buy it every month.", "Meh."]
    ids, lengths = body.encode_batch(texts, length=16)
    assert ids.shape == (2, 16) and ids.dtype == np.int32
    assert lengths.tolist() == [1 + len(body.tokenizer.encode(t)) for t in texts]
    assert (ids[:, 0] == body.eot_id).all() and (ids[1, lengths[1]:] == body.eot_id).all()
    # causal: the logits before the padding equal those of the unpadded text
    # (up to float32 rounding: a different shape sums in a different order, see _gamma)
    padded = np.asarray(body.model(ids[1:]))[:, : lengths[1]]
    short = np.asarray(body.model(ids[1:, : lengths[1]]))
    tol = 2 * _gamma(body) * float(np.abs(short).max())
    assert np.abs(padded - short).max() <= tol
    # while a different token before them changes them by far more
    changed = ids[1:, : lengths[1]].copy()
    changed[0, 1] = (changed[0, 1] + 1) % body.tokenizer.vocab_size
    assert np.abs(np.asarray(body.model(changed))[:, 1:] - short[:, 1:]).max() > 1000 * tol
    long_ids, long_len = body.encode_batch(["word " * 500])
    assert long_ids.shape == (1, body.seq_len) and long_len[0] == body.seq_len


def test_body_shares_the_model_weights(body):
    ids, _ = body.encode_batch(["Tasty."], length=6)
    states = np.asarray(body.body()(ids), dtype=np.float64)
    embeddings = np.asarray(body.model.get_layer("embedding").token_embeddings, dtype=np.float64)
    # the tied output layer: logits = states @ E^T, computed in float32 by the model
    exact = states @ embeddings.T
    bound = numerics.matmul_error_bound(states, embeddings.T, "float32")
    assert np.all(np.abs(np.asarray(body.model(ids), dtype=np.float64) - exact) <= bound)


def test_load_a_folder_and_bad_names(body, tmp_path):
    again = pretrained.load(pretrained.weights_path(NAME))
    for a, b in zip(again.model.get_weights(), body.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="name must be one of 'reviews-bpe'"):
        pretrained.load("no-such-body")
    (tmp_path / "config.json").write_text(json.dumps({}))
    with pytest.raises(ValueError, match="folder written by bmlearn.pretrain"):
        pretrained.load(tmp_path)
    with pytest.raises(ValueError, match="length must be"):
        body.encode_batch(["x"], length=body.seq_len + 1)
    with pytest.raises(ValueError, match=r"texts\[0\] must be a str"):
        body.encode_batch([3])
