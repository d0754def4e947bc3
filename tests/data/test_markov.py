"""bmlearn.data.markov: exact entropies against long samples, closed forms and SciPy.

The statistical tests use ``R`` independent samples, each started from the
stationary distribution, so the spread of a statistic across them gives its
standard error; a tolerance of 5 standard errors (plus the known bias of a
plug-in estimate) can fail when a computation is wrong by more than the
sampling noise of the sample size used.
"""

import itertools
import math

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from bmlearn.data import MarkovSource
from bmlearn.data.markov import de_bruijn_sequence, is_irreducible, period, stationary_distribution
from bmlearn.numerics import eps

R, LENGTH = 20, 25_000  # 20 independent samples of 25,000 tokens
Z = 5.0


@pytest.fixture(scope="module")
def lang():
    return MarkovSource()


@pytest.fixture(scope="module")
def samples(lang):
    return [lang.sample(LENGTH, seed=1000 + r) for r in range(R)]


def _counts(tokens, m, vocab_size):
    """Counts of (previous m symbols, next symbol), shape (V**m, V)."""
    windows = np.lib.stride_tricks.sliding_window_view(tokens, m + 1)
    ids = windows @ vocab_size ** np.arange(m, -1, -1)
    return np.bincount(ids, minlength=vocab_size ** (m + 1)).reshape(vocab_size**m, vocab_size)


def _plug_in_conditional_entropy(counts):
    """H(next | context) of the empirical joint distribution, in nats."""
    joint = counts[counts > 0] / counts.sum()
    context = counts.sum(axis=1)
    context = context[context > 0] / counts.sum()
    return float(-(joint * np.log(joint)).sum() + (context * np.log(context)).sum())


def _mean_and_se(values):
    values = np.asarray(values, dtype=float)
    return values.mean(), values.std(ddof=1) / math.sqrt(len(values))


# ---------------------------------------------------------------- chain tools


@pytest.mark.parametrize("vocab_size, order", [(2, 1), (2, 3), (3, 2), (4, 3), (8, 2), (5, 1)])
def test_de_bruijn_holds_every_word_once(vocab_size, order):
    seq = de_bruijn_sequence(vocab_size, order).tolist()
    assert len(seq) == vocab_size**order
    cyclic = seq + seq[: order - 1]
    words = [tuple(cyclic[i : i + order]) for i in range(len(seq))]
    assert sorted(words) == list(itertools.product(range(vocab_size), repeat=order))


def _random_chain(rng, n, density):
    edges = rng.random((n, n)) < density
    edges[np.arange(n), rng.integers(0, n, n)] = True  # at least one edge per row
    p = edges * rng.random((n, n))
    return p / p.sum(axis=1, keepdims=True)


def _brute_force_period(p, steps):
    """gcd of the t <= steps with a path of length t from state 0 back to itself."""
    a = (p > 0).astype(np.int64)
    power, found = np.eye(len(p), dtype=np.int64), 0
    for t in range(1, steps + 1):
        power = np.minimum(power @ a, 1)
        if power[0, 0]:
            found = math.gcd(found, t)
    return found


@pytest.mark.parametrize("seed", range(12))
def test_irreducibility_and_period_against_scipy_and_brute_force(seed):
    rng = np.random.default_rng(seed)
    p = _random_chain(rng, 9, density=0.12)
    n_strong, _ = connected_components(p > 0, directed=True, connection="strong")
    assert is_irreducible(p) == (n_strong == 1)
    if n_strong == 1:
        assert period(p) == _brute_force_period(p, steps=4 * len(p) ** 2)


@pytest.mark.parametrize(
    "length, chord, expected", [(6, None, 6), (6, 3, 2), (6, 2, 3), (5, 2, 1), (7, 4, 1), (4, 0, 1)]
)
def test_period_of_a_cycle_with_a_chord(length, chord, expected):
    # A cycle 0 → 1 → … → length-1 → 0, plus an edge from state `chord` back to 0:
    # cycles of lengths `length` and `chord + 1`, so the period is their gcd.
    p = np.zeros((length, length))
    p[np.arange(length), (np.arange(length) + 1) % length] = 1.0
    if chord is not None:
        p[chord] = 0.0
        p[chord, (chord + 1) % length] = p[chord, 0] = 0.5
    assert period(p) == expected == math.gcd(length, (chord + 1) if chord is not None else length)


@pytest.mark.parametrize("seed", range(5))
def test_stationary_distribution_against_the_eigenvector(seed):
    p = _random_chain(np.random.default_rng(seed), 30, density=0.3)
    if not is_irreducible(p):
        pytest.skip("this random chain is reducible")
    pi = stationary_distribution(p)
    values, vectors = np.linalg.eig(p.T)
    ref = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    ref = ref / ref.sum()
    tol = 100 * len(p) * eps("float64")
    np.testing.assert_allclose(pi, ref, atol=tol)
    np.testing.assert_allclose(pi @ p, pi, atol=tol)
    assert pi.min() > 0 and abs(pi.sum() - 1) <= tol


def test_a_reducible_chain_is_refused():
    p = np.array([[1.0, 0.0], [0.5, 0.5]])
    assert not is_irreducible(p)
    with pytest.raises(ValueError, match="irreducible"):
        stationary_distribution(p)
    with pytest.raises(ValueError, match="irreducible"):
        period(p)


@pytest.mark.parametrize(
    "p, match",
    [
        (np.ones((2, 3)) / 3, "transition must be a square matrix, but received shape \\(2, 3\\)"),
        (np.array([[1.5, -0.5], [0.5, 0.5]]), "transition must hold probabilities >= 0"),
        (np.array([[0.5, 0.4], [0.5, 0.5]]), "each row of transition must sum to 1, but received row 0"),
        (np.array([[np.nan, 1.0], [0.5, 0.5]]), "transition must hold finite numbers"),
    ],
)
def test_bad_transition_matrices(p, match):
    for fn in (is_irreducible, period, stationary_distribution):
        with pytest.raises(ValueError, match=match):
            fn(p)


# ---------------------------------------------------------------- the source


def test_the_table(lang):
    assert lang.next_probs.shape == (64, 8)
    np.testing.assert_allclose(lang.next_probs.sum(axis=1), 1.0, atol=8 * eps("float64"))
    assert ((lang.next_probs > 0).sum(axis=1) == 3).all()
    # Irreducible and aperiodic, checked independently: SciPy's components, and P^m > 0 for some m.
    p = lang.context_transition_matrix()
    assert connected_components(p > 0, directed=True, connection="strong")[0] == 1
    reach = (p > 0).astype(np.int64)
    for _ in range(6):  # P^64 by repeated squaring
        reach = np.minimum(reach @ reach, 1)
    assert reach.all()


def test_the_context_chain_follows_the_shift(lang):
    # Context (a, b) followed by s becomes (b, s): P[a·V + b, b·V + s] = P(s | a, b).
    p, V = lang.context_transition_matrix(), lang.vocab_size
    for a, b, s in itertools.product(range(V), repeat=3):
        assert p[a * V + b, b * V + s] == lang.next_probs[a * V + b, s]
    assert (p > 0).sum() == (lang.next_probs > 0).sum()


def test_entropy_rate_of_a_two_state_chain_matches_the_closed_form():
    # Order 1 over two symbols: P = [[1-a, a], [b, 1-b]], π = (b, a)/(a+b), H = (b·h(a) + a·h(b))/(a+b).
    lang = MarkovSource(vocab_size=2, order=1, branching=2, seed=3)
    a, b = lang.next_probs[0, 1], lang.next_probs[1, 0]
    h = lambda q: -q * math.log(q) - (1 - q) * math.log(1 - q)
    np.testing.assert_allclose(lang.stationary, [b / (a + b), a / (a + b)], rtol=16 * eps("float64"))
    expected = (b * h(a) + a * h(b)) / (a + b)
    assert lang.entropy_rate() == pytest.approx(expected, rel=16 * eps("float64"))
    assert lang.entropy_rate("bits") == pytest.approx(expected / math.log(2), rel=16 * eps("float64"))
    assert lang.conditional_entropy(0) == pytest.approx(h(b / (a + b)), rel=16 * eps("float64"))


def test_stationary_distribution_against_context_frequencies(lang, samples):
    # Each sample's frequency of each context; their spread gives each frequency's standard error.
    n_contexts = LENGTH - lang.order + 1
    freqs = np.array([_counts(t, lang.order - 1, lang.vocab_size).ravel() / n_contexts for t in samples])
    mean, se = freqs.mean(axis=0), freqs.std(axis=0, ddof=1) / math.sqrt(R)
    assert np.all(np.abs(mean - lang.stationary) <= Z * se)
    # And not trivially: the contexts are far from uniform.
    assert lang.stationary.max() / lang.stationary.min() > 10


def test_the_true_model_reaches_the_entropy_rate(lang, samples):
    losses = [lang.cross_entropy(t) for t in samples]
    mean, se = _mean_and_se(losses)
    assert abs(mean - lang.entropy_rate()) <= Z * se
    assert se < 0.001  # so the test sees an error of a few thousandths of a nat
    in_bits = lang.cross_entropy(samples[0], "bits")
    assert in_bits == pytest.approx(losses[0] / math.log(2), rel=8 * eps("float64"))


@pytest.mark.parametrize("m", [0, 1, 2, 3])
def test_conditional_entropies_against_plug_in_estimates(lang, samples, m):
    # The empirical conditional entropy of a long sample converges to the exact one. The plug-in
    # estimate is biased low by about K / (2N), K the number of free probabilities (Miller-Madow).
    estimates = [_plug_in_conditional_entropy(_counts(t, m, lang.vocab_size)) for t in samples]
    counts = sum(_counts(t, m, lang.vocab_size) for t in samples)
    pooled = _plug_in_conditional_entropy(counts)
    _, se = _mean_and_se(estimates)
    n = R * (LENGTH - m)
    k = int((counts.sum(axis=1) > 0).sum()) * (lang.vocab_size - 1)  # at most this many free probabilities
    exact = lang.conditional_entropy(m)
    assert exact - Z * se - k / n <= pooled <= exact + Z * se
    if m >= lang.order:
        assert exact == lang.entropy_rate()


def test_the_best_bigram_model_reaches_the_bigram_entropy_and_no_lower(lang, samples):
    # The exact bigram table P(next | previous) from the stationary joint distribution.
    V = lang.vocab_size
    joint = (lang.stationary[:, None] * lang.next_probs).reshape(V, V, V).sum(axis=0)
    bigram = joint / joint.sum(axis=1, keepdims=True)
    losses = [-np.log(bigram[t[:-1], t[1:]][lang.order - 1 :]).mean() for t in samples]
    mean, se = _mean_and_se(losses)
    assert abs(mean - lang.conditional_entropy(1)) <= Z * se
    # The design: a bigram model stays more than 1 nat above the entropy rate.
    assert lang.conditional_entropy(1) - lang.entropy_rate() > 1.0
    assert lang.conditional_entropy(0) < math.log(lang.vocab_size)


def test_a_trigram_count_model_learns_it_from_data(lang, samples):
    # A model that sees both previous symbols, fitted by counting (add-1/2) on 19 samples and
    # scored on the 20th, comes within K / N of the true model on the same tokens: fitting K free
    # probabilities to N tokens costs about K / (2N) nats (the expected excess of a maximum-
    # likelihood fit), here K = 64 contexts x 7.
    train = samples[1:]
    counts = sum(_counts(t, 2, lang.vocab_size) for t in train).reshape(-1, lang.vocab_size) + 0.5
    model = counts / counts.sum(axis=1, keepdims=True)
    test = samples[0]
    loss = -np.log(model[test[:-2] * lang.vocab_size + test[1:-1], test[2:]]).mean()
    k, n = lang.num_contexts * (lang.vocab_size - 1), sum(len(t) - 2 for t in train)
    assert 0 < loss - lang.cross_entropy(test) < k / n


def test_samples_are_deterministic_per_seed(lang):
    a, b, c = lang.sample(5000, seed=7), lang.sample(5000, seed=7), lang.sample(5000, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(lang.sample(300, seed=7), a[:300])
    assert a.dtype == np.int32 and a.min() >= 0 and a.max() < lang.vocab_size
    assert len(lang.sample(1, seed=0)) == 1
    # Every transition in a sample is allowed by the table.
    assert np.isfinite(lang.cross_entropy(a))


def test_the_language_is_deterministic_per_seed():
    a, b, c = MarkovSource(seed=0), MarkovSource(seed=0), MarkovSource(seed=1)
    np.testing.assert_array_equal(a.next_probs, b.next_probs)
    assert a.entropy_rate() == b.entropy_rate() != c.entropy_rate()
    assert "seed 0" in a.source and "0.8422 nats" in a.source and "MIT" in a.source


def test_next_token_probs_and_impossible_tokens(lang):
    tokens = lang.sample(50, seed=2)
    probs = lang.next_token_probs(tokens)
    assert probs.shape == (50 - lang.order, lang.vocab_size)
    for i in range(len(probs)):
        np.testing.assert_array_equal(probs[i], lang.next_probs[tokens[i] * lang.vocab_size + tokens[i + 1]])
    impossible = int(np.flatnonzero(lang.next_probs[tokens[0] * 8 + tokens[1]] == 0)[0])
    assert lang.cross_entropy([tokens[0], tokens[1], impossible]) == math.inf


def test_harder_settings():
    lang = MarkovSource(vocab_size=8, order=3, branching=3)
    h = [lang.conditional_entropy(m) for m in range(5)]
    assert h[0] > h[1] > h[2] > h[3] == h[4] == lang.entropy_rate()
    assert lang.num_contexts == 512 and lang.stationary.shape == (512,)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"vocab_size": 1}, "vocab_size must be an integer >= 2, but received 1"),
        ({"order": 0}, "order must be a positive integer, but received 0"),
        ({"branching": 1}, "branching must be an integer in \\[2, 8\\], but received 1"),
        ({"branching": 9}, "branching must be an integer in \\[2, 8\\], but received 9"),
        ({"concentration": 0.0}, "concentration must be a finite number > 0"),
        ({"concentration": 1e-4}, "must give an irreducible, aperiodic chain within 100 draws"),
        ({"seed": -1}, "seed must be a non-negative integer"),
        ({"vocab_size": 10, "order": 4}, "vocab_size \\*\\* order must be an integer <= 4096, but received 10"),
    ],
)
def test_bad_source_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MarkovSource(**kwargs)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda s: s.sample(0), "n_tokens must be a positive integer, but received 0"),
        (lambda s: s.sample(2.5), "n_tokens must be a positive integer"),
        (lambda s: s.entropy_rate("bans"), "unit must be 'nats' or 'bits', but received 'bans'"),
        (lambda s: s.conditional_entropy(-1), "context_length must be a non-negative integer"),
        (lambda s: s.cross_entropy([0, 1, 8]), "tokens must hold class labels in 0..7"),
        (lambda s: s.cross_entropy([0, 1]), "tokens must hold more than order=2 symbols, but received 2"),
        (lambda s: s.next_token_probs([[0, 1, 2]]), "tokens must have 1 dimension"),
    ],
)
def test_bad_method_arguments(lang, call, match):
    with pytest.raises(ValueError, match=match):
        call(lang)
