"""bm.text.generate: greedy and sampled decoding, the key/value cache, the context limit."""

import re

import numpy as np
import pytest

V, SEQ_LEN = 23, 24  # the random model's vocabulary and context



@pytest.fixture(scope="module")
def generation(keras):
    from bmlearn.text import generation

    return generation


@pytest.fixture(scope="module")
def generate(generation):
    return generation.generate


@pytest.fixture(scope="module")
def random_model(keras):
    """A GPT with large random weights: spread-out, varied next-token distributions."""
    from bmlearn.models import build_gpt

    model = build_gpt(V, SEQ_LEN, 32, 2, 4)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(scale=0.3, size=w.shape) + (1.0 if "gamma" in w.path else 0.0)
                       for w in model.weights])
    return model


TEXT = "to be, or not to be, that is the question. "
CHARS = sorted(set(TEXT))


@pytest.fixture(scope="module")
def trained_model(keras):
    """A GPT trained for a few seconds on one repeated line: peaked distributions."""
    from bmlearn.models import build_gpt

    keras.utils.set_random_seed(0)
    ids = np.array([CHARS.index(c) for c in TEXT * 30])
    T = 32
    starts = range(0, len(ids) - T - 1, 3)
    x = np.stack([ids[i:i + T] for i in starts])
    y = np.stack([ids[i + 1:i + T + 1] for i in starts])
    model = build_gpt(len(CHARS), T, 32, 2, 4)
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    loss = model.evaluate(x, y, verbose=0)
    assert loss < 0.5 < np.log(len(CHARS))  # it learned: far below the uniform log V
    return model


def _greedy_by_hand(model, out, start, seq_len):
    """Each token from ``start`` on, recomputed as the argmax of the plain model on its window."""
    for i in range(start, len(out)):
        window = out[max(0, i - seq_len):i]
        logits = np.asarray(model(window[None].astype("int32")))[0, -1]
        assert out[i] == np.argmax(logits), f"token {i}"


# ----- the cache gives exactly the tokens of the full recomputation --------------------------


@pytest.mark.parametrize("prompt_len,new", [(1, 23), (3, 10), (10, 30), (24, 5), (30, 12)],
                         ids=["fills-context", "short", "slides", "full-prompt", "long-prompt"])
def test_greedy_with_cache_equals_without(generate, random_model, rng, prompt_len, new):
    prompt = rng.integers(0, V, size=prompt_len)
    cached = generate(random_model, prompt, new, temperature=0)
    plain = generate(random_model, prompt, new, temperature=0, use_cache=False)
    np.testing.assert_array_equal(cached, plain)
    np.testing.assert_array_equal(cached[:prompt_len], prompt)
    assert cached.shape == (prompt_len + new,) and cached.dtype == np.int32
    assert len(set(cached[prompt_len:])) > 1 or new < 10  # not a degenerate repetition


def test_greedy_is_the_argmax_of_the_model_on_each_window(generate, random_model, rng):
    # The definition, against the model called on the exact (unpadded) window: within the
    # context (tokens 5..23) and after it, when the window slides (tokens 24..39).
    prompt = rng.integers(0, V, size=5)
    out = generate(random_model, prompt, 35, temperature=0)
    _greedy_by_hand(random_model, out, 5, SEQ_LEN)


def test_trained_model_cache_equals_without_and_continues_the_text(generate, trained_model):
    for prompt_text in ("to be, or", "that is the q", "n"):
        prompt = np.array([CHARS.index(c) for c in prompt_text])
        cached = generate(trained_model, prompt, 50, temperature=0)
        np.testing.assert_array_equal(
            cached, generate(trained_model, prompt, 50, temperature=0, use_cache=False))
    # the peaked model writes its line: almost every 4 characters it writes occur in it
    # (only briefly trained, it sometimes jumps from one "to be" or "the" to another)
    text = "".join(CHARS[i] for i in generate(trained_model, [CHARS.index("t")], 60, temperature=0))
    grams = [text[i:i + 4] for i in range(len(text) - 3)]
    assert np.mean([g in TEXT * 2 for g in grams]) > 0.8


def test_cache_under_mixed_precision(keras, generate, trained_model):
    from bmlearn.models import build_gpt

    previous = keras.mixed_precision.global_policy()
    try:
        keras.mixed_precision.set_global_policy("mixed_float16")
        mixed = build_gpt(len(CHARS), 32, 32, 2, 4)
        mixed.set_weights(trained_model.get_weights())
        prompt = np.array([CHARS.index(c) for c in "to be"])
        cached = generate(mixed, prompt, 40, temperature=0)
        np.testing.assert_array_equal(cached, generate(mixed, prompt, 40, temperature=0,
                                                       use_cache=False))
    finally:
        keras.mixed_precision.set_global_policy(previous)


def test_a_batch_of_prompts_gives_each_prompt_s_tokens(generate, random_model, rng):
    prompts = rng.integers(0, V, size=(3, 4))
    out = generate(random_model, prompts, 12, temperature=0)
    assert out.shape == (3, 16)
    for row, prompt in zip(out, prompts):
        np.testing.assert_array_equal(row, generate(random_model, prompt, 12, temperature=0))


# ----- compiled once, cache preallocated ---------------------------------------------------------


def test_each_compiled_function_is_traced_once(generation, generate, keras):
    from bmlearn.models import build_gpt

    model = build_gpt(V, SEQ_LEN, 16, 1, 2)
    generate(model, [1, 2, 3], 30, temperature=0)  # prefill, steps, then the sliding window
    generate(model, [4, 5, 6, 7, 8], 10, temperature=0.8, top_k=5, seed=1)
    generate(model, [1], 40, temperature=0, use_cache=False)
    generator = generation._generator(model, batch_size=1)
    assert generator.tracing_counts() == {"prefill": 1, "step": 1, "forward": 1}


def test_one_xla_program_serves_every_position(generation, generate, random_model, tf):
    # The position is a runtime input, not a compile-time constant: XLA would otherwise build
    # a new program for each position (a slice at a tensor offset does that), so the
    # compiled step's HLO must not depend on it.
    generate(random_model, [1, 2], 3, temperature=0)
    step = generation._generator(random_model, batch_size=1)._step
    token = tf.constant([[1]], tf.int32)
    hlo = [step.experimental_get_compiler_ir(token, tf.constant(p, tf.int32))(stage="hlo")
           for p in (3, 17)]
    assert hlo[0] == hlo[1]
    # the cache written at the position, into the variable's own buffer: each block's cache
    # is an input aliased to an output of the compiled step (updated in place, not copied)
    assert hlo[0].count("dynamic-update-slice(") == 2  # one per block
    aliases = re.search(r"input_output_alias=\{(.*?)\}, entry", hlo[0]).group(1)
    assert aliases.count("may-alias") == 2


def test_cache_is_preallocated_once_at_full_size(generation, generate, random_model):
    generate(random_model, [1, 2], 3, temperature=0)
    generator = generation._generator(random_model, batch_size=1)
    caches = list(generator.caches)
    assert [tuple(c.shape) for c in caches] == [(1, 2, SEQ_LEN, 4, 8)] * 2
    generate(random_model, [3, 4, 5], 15, temperature=0)
    assert all(a is b for a, b in zip(generator.caches, caches))  # the same variables, reused


# ----- sampling ------------------------------------------------------------------------------


def test_sampling_matches_the_softmax_of_logits_over_temperature(generation):
    z = np.array([[2.0, 1.0, 0.0, -1.0, 0.5]])
    rng = np.random.default_rng(0)
    n = 20_000
    for temperature in (0.5, 1.0, 2.0):
        draws = np.concatenate([generation._sample(z, temperature, None, rng) for _ in range(n)])
        p = np.exp(z[0] / temperature) / np.exp(z[0] / temperature).sum()
        freq = np.bincount(draws, minlength=5) / n
        # each frequency within 5 binomial standard deviations of its probability
        assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / n))


def test_top_k_keeps_the_k_most_likely_renormalised(generation):
    z = np.array([[2.0, 1.0, 0.0, -1.0, 0.5]])
    rng = np.random.default_rng(1)
    n = 20_000
    draws = np.concatenate([generation._sample(z, 1.0, 2, rng) for _ in range(n)])
    assert set(draws) == {0, 1}
    p = np.exp([2.0, 1.0]) / np.exp([2.0, 1.0]).sum()
    freq = np.bincount(draws, minlength=2)[:2] / n
    assert np.all(np.abs(freq - p) <= 5 * np.sqrt(p * (1 - p) / n))
    # top_k = 1 is greedy whatever the temperature
    assert all(generation._sample(z, 5.0, 1, rng)[0] == 0 for _ in range(200))


def test_top_k_never_picks_outside_the_top_k(generate, random_model, rng):
    prompt = rng.integers(0, V, size=4)
    for seed in range(3):
        out = generate(random_model, prompt, 15, temperature=2.0, top_k=3, seed=seed)
        for i in range(4, len(out)):
            logits = np.asarray(random_model(out[None, :i]))[0, -1]
            assert out[i] in np.argsort(logits)[-3:], f"seed {seed}, token {i}"


def test_same_seed_same_tokens(generate, random_model):
    a = generate(random_model, [1, 2, 3], 20, temperature=1.5, seed=7)
    np.testing.assert_array_equal(a, generate(random_model, [1, 2, 3], 20, temperature=1.5, seed=7))
    # the cache does not change the draws either
    np.testing.assert_array_equal(
        a, generate(random_model, [1, 2, 3], 20, temperature=1.5, seed=7, use_cache=False))
    assert not np.array_equal(a, generate(random_model, [1, 2, 3], 20, temperature=1.5, seed=8))


def test_zero_new_tokens_returns_the_prompt(generate, random_model):
    np.testing.assert_array_equal(generate(random_model, [4, 5], 0), [4, 5])


# ----- the context limit ---------------------------------------------------------------------


def test_a_long_prompt_is_cropped_to_the_context(generate, random_model, rng):
    prompt = rng.integers(0, V, size=SEQ_LEN + 9)
    out = generate(random_model, prompt, 6, temperature=0)
    np.testing.assert_array_equal(out[:len(prompt)], prompt)  # the whole prompt comes back
    cropped = generate(random_model, prompt[-SEQ_LEN:], 6, temperature=0)
    np.testing.assert_array_equal(out[len(prompt):], cropped[SEQ_LEN:])


# ----- bad input -----------------------------------------------------------------------------


def test_bad_input_raises_naming_the_values(generate, random_model):
    m = random_model
    with pytest.raises(ValueError,
                       match="temperature must be a finite number >= 0, but received -0.5"):
        generate(m, [1], 3, temperature=-0.5)
    with pytest.raises(ValueError, match=r"top_k must be an integer in \[1, 23\], but received 0"):
        generate(m, [1], 3, top_k=0)
    with pytest.raises(ValueError, match=r"top_k must be an integer in \[1, 23\], but received 24"):
        generate(m, [1], 3, top_k=24)
    with pytest.raises(ValueError, match=r"at least one token id.*shape \(0,\)"):
        generate(m, [], 3)
    with pytest.raises(ValueError, match=r"at least one token id.*shape \(2, 0\)"):
        generate(m, np.zeros((2, 0), int), 3)
    with pytest.raises(ValueError, match=r"token ids in 0..22 .*values from 0 to 23"):
        generate(m, [0, 23], 3)
    with pytest.raises(ValueError, match=r"token ids in 0..22 .*values from -1 to 2"):
        generate(m, [-1, 2], 3)
    with pytest.raises(ValueError, match="whole-number token ids"):
        generate(m, [1.5, 2.0], 3)
    with pytest.raises(ValueError,
                       match="max_new_tokens must be a non-negative integer, but received -1"):
        generate(m, [1], -1)
    with pytest.raises(ValueError, match="seed must be a non-negative integer, but received 1.5"):
        generate(m, [1], 3, seed=1.5)
    with pytest.raises(ValueError, match=r"1 dimension \(one prompt\) or 2"):
        generate(m, np.zeros((1, 1, 1), int), 3)


def test_a_model_that_is_not_a_gpt_is_refused(keras, generate):
    inputs = keras.Input((4,), dtype="int32")
    model = keras.Model(inputs, keras.layers.Embedding(10, 10)(inputs))
    with pytest.raises(ValueError, match="one TokenAndPositionEmbedding layer.*with 0"):
        generate(model, [1], 3)
    with pytest.raises(ValueError, match="keras.Model built by bmlearn.models.build_gpt, but "
                                         "received str"):
        generate("gpt", [1], 3)


def test_cache_needs_a_causal_gpt_layout(keras, generate):
    from bmlearn.layers import TokenAndPositionEmbedding, TransformerBlock

    ids = keras.Input((None,), dtype="int32")
    embedding = TokenAndPositionEmbedding(10, 8, 16)
    x = TransformerBlock(16, 2, causal=False)(embedding(ids))
    model = keras.Model(ids, embedding(keras.layers.LayerNormalization()(x), reverse=True))
    with pytest.raises(ValueError, match="use_cache=True needs a model laid out like build_gpt"):
        generate(model, [1, 2], 3)
    assert generate(model, [1, 2], 3, use_cache=False).shape == (5,)


def test_generators_go_away_with_their_model(generation, generate, keras):
    import gc
    import weakref

    from bmlearn.models import build_gpt

    model = build_gpt(V, SEQ_LEN, 16, 1, 2)
    generate(model, [1, 2], 2, temperature=0)
    assert model in generation._GENERATORS
    ref = weakref.ref(model)
    del model
    gc.collect()
    # the compiled functions and caches did not keep the model alive (the registry is weak)
    assert ref() is None
