"""bmlearn.text.ngram against brute-force counting in plain Python."""

import collections
import math

import numpy as np
import pytest

from bmlearn.text import NGramModel


def brute_force_cross_entropy(train, test, order, vocab, alpha):
    """Add-alpha n-gram cross-entropy with dictionaries, one token at a time."""
    pairs, contexts = collections.Counter(), collections.Counter()
    for i in range(order - 1, len(train)):
        ctx = tuple(train[i - order + 1:i])
        pairs[ctx + (train[i],)] += 1
        contexts[ctx] += 1
    total = 0.0
    n = 0
    for i in range(order - 1, len(test)):
        ctx = tuple(test[i - order + 1:i])
        p = (pairs[ctx + (test[i],)] + alpha) / (contexts[ctx] + alpha * vocab)
        total -= math.log(p)
        n += 1
    return total / n


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("alpha", [1.0, 0.05])
def test_matches_brute_force_counting(order, alpha):
    rng = np.random.default_rng(order)
    vocab = 7
    train = rng.integers(0, vocab, 3000).tolist()
    test = rng.integers(0, vocab, 500).tolist()
    ours = NGramModel(order, vocab, alpha=alpha).fit(np.array(train)).cross_entropy(np.array(test))
    ref = brute_force_cross_entropy(train, test, order, vocab, alpha)
    # 500 float64 logs summed: relative error a few hundred ulps at most
    assert ours == pytest.approx(ref, rel=1000 * np.finfo(np.float64).eps)


def test_probabilities_sum_to_one_over_the_vocabulary():
    rng = np.random.default_rng(0)
    model = NGramModel(3, 5, alpha=0.5).fit(rng.integers(0, 5, 400))
    for context in ([0, 1], [4, 4], [2, 3]):
        total = sum(model.prob(context, t) for t in range(5))
        assert total == pytest.approx(1.0, abs=16 * np.finfo(np.float64).eps)


def test_unigram_of_uniform_text_approaches_log_vocab_and_a_known_chain_its_entropy():
    rng = np.random.default_rng(1)
    text = rng.integers(0, 16, 200_000)
    ce = NGramModel(1, 16).fit(text[:100_000]).cross_entropy(text[100_000:])
    assert ce == pytest.approx(np.log(16), abs=0.01)  # sampling error ~ 1e-3 at 1e5 tokens
    # A deterministic cycle 0,1,2,...: the bigram predicts it almost surely, the unigram cannot.
    cycle = np.arange(20_000) % 10
    assert NGramModel(2, 10, alpha=1e-3).fit(cycle).cross_entropy(cycle) < 1e-3
    assert NGramModel(1, 10).fit(cycle).cross_entropy(cycle) == pytest.approx(np.log(10), 1e-6)


def test_bad_input():
    with pytest.raises(ValueError, match="ids in 0..2"):
        NGramModel(2, 3).fit(np.array([0, 1, 3]))
    with pytest.raises(ValueError, match="fitted first"):
        NGramModel(2, 3).cross_entropy(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="at least 3 tokens"):
        NGramModel(3, 3).fit(np.array([0, 1]))
    with pytest.raises(ValueError, match="alpha"):
        NGramModel(2, 3, alpha=0)
    with pytest.raises(ValueError, match="2\\*\\*62"):
        NGramModel(20, 1000)
    with pytest.raises(ValueError, match="order - 1 = 1"):
        NGramModel(2, 3).fit(np.array([0, 1, 2])).prob([0, 1], 2)
    with pytest.raises(ValueError, match="1-D"):
        NGramModel(2, 3).fit(np.array([[0, 1, 2]]))
