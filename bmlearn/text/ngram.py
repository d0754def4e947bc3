"""n-gram language models: the baselines every neural language model must beat.

An n-gram model predicts a token from the ``n - 1`` tokens before it, with
probabilities counted on a training text and add-α smoothing (Laplace's rule
for α = 1) so that a pair never seen in training keeps a small probability:

    p(token | context) = (count(context, token) + α) / (count(context) + α V)

``order=1`` is the unigram model (letter frequencies, no context), ``order=2``
the bigram model. The uniform model, ``ln V`` nats per token, is what a model
that has learned nothing scores. Pure NumPy: counts are kept as sorted integer
keys, so a 4-million-token text is counted in about a second.
"""

from __future__ import annotations

import numpy as np

from bmlearn.validation import check_scalar

__all__ = ["NGramModel"]


def _check_stream(ids, vocab_size: int, name: str, min_len: int) -> np.ndarray:
    arr = np.asarray(ids)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-D array of integer token ids, but received an "
                         f"array of shape {arr.shape} and dtype {arr.dtype}.")
    if arr.size < min_len:
        raise ValueError(f"{name} must hold at least {min_len} tokens (the model's order), but "
                         f"received {arr.size}.")
    if arr.min() < 0 or arr.max() >= vocab_size:
        raise ValueError(f"{name} must hold token ids in 0..{vocab_size - 1}, but received "
                         f"values from {int(arr.min())} to {int(arr.max())}.")
    return arr.astype(np.int64)


class NGramModel:
    """An add-α smoothed n-gram model of a token stream.

    Args:
        order: ``n``, the number of tokens in an n-gram (1 = unigram, 2 = bigram, …),
            a positive integer with ``vocab_size ** order`` below 2**62.
        vocab_size: the number of token ids ``V``.
        alpha: the pseudo-count added to every (context, token) pair, > 0.

    Example:
        >>> train = np.array([0, 1, 0, 1, 0, 1, 0, 2])
        >>> bigram = NGramModel(order=2, vocab_size=3, alpha=1.0).fit(train)
        >>> bigram.prob([0], 1)  # after 0: 1 three times, 2 once; (3 + 1) / (4 + 3)
        0.5714285714285714
        >>> round(bigram.cross_entropy(np.array([0, 1, 0])), 4)  # -(log(4/7) + log(4/6)) / 2
        0.4825
        >>> NGramModel(order=0, vocab_size=3)
        Traceback (most recent call last):
        ...
        ValueError: order must be a positive integer, but received 0.
    """

    def __init__(self, order: int, vocab_size: int, *, alpha: float = 1.0):
        self.order = check_scalar(order, "order", integer=True, low=1)
        self.vocab_size = check_scalar(vocab_size, "vocab_size", integer=True, low=1)
        self.alpha = check_scalar(alpha, "alpha", low=0, low_open=True)
        if float(self.vocab_size) ** self.order >= 2.0 ** 62:
            raise ValueError(f"vocab_size ** order must be below 2**62, but received "
                             f"{self.vocab_size} ** {self.order}.")
        self._pair_keys = self._pair_counts = None
        self._context_keys = self._context_counts = None

    def _keys(self, arr: np.ndarray):
        """Integer keys of every (context, token) pair and of its context, in stream order."""
        n = self.order
        context = np.zeros(arr.size - n + 1, dtype=np.int64)
        for k in range(n - 1):  # the n - 1 tokens before each predicted one
            context = context * self.vocab_size + arr[k:arr.size - n + 1 + k]
        return context * self.vocab_size + arr[n - 1:], context

    def fit(self, ids) -> "NGramModel":
        """Count the n-grams of a training stream.

        Args:
            ids: the training text's token ids, 1-D, at least ``order`` of them.

        Returns:
            The model itself.

        Raises:
            ValueError: for ids that are not integers in ``0 .. vocab_size - 1``.
        """
        arr = _check_stream(ids, self.vocab_size, "ids", self.order)
        pairs, contexts = self._keys(arr)
        self._pair_keys, self._pair_counts = np.unique(pairs, return_counts=True)
        self._context_keys, self._context_counts = np.unique(contexts, return_counts=True)
        return self

    @staticmethod
    def _lookup(keys, counts, query):
        if keys is None:
            raise ValueError("the model must be fitted first (call fit), but received an "
                             "unfitted NGramModel.")
        pos = np.clip(np.searchsorted(keys, query), 0, keys.size - 1)
        return np.where(keys[pos] == query, counts[pos], 0)

    def _log_probs(self, arr: np.ndarray) -> np.ndarray:
        pairs, contexts = self._keys(arr)
        pair = self._lookup(self._pair_keys, self._pair_counts, pairs)
        ctx = self._lookup(self._context_keys, self._context_counts, contexts)
        return np.log(pair + self.alpha) - np.log(ctx + self.alpha * self.vocab_size)

    def prob(self, context, token: int) -> float:
        """``p(token | context)`` for a context of ``order - 1`` token ids.

        Args:
            context: the ``order - 1`` preceding token ids (empty for a unigram model).
            token: the next token's id.

        Returns:
            The smoothed probability, a float in (0, 1).

        Raises:
            ValueError: for a context of the wrong length or ids out of range.
        """
        context = list(np.asarray(context, dtype=np.int64).ravel())
        if len(context) != self.order - 1:
            raise ValueError(f"context must hold order - 1 = {self.order - 1} token ids, but "
                             f"received {len(context)}.")
        arr = _check_stream(np.array(context + [token], dtype=np.int64), self.vocab_size,
                            "context and token", self.order)
        return float(np.exp(self._log_probs(arr))[0])

    def cross_entropy(self, ids) -> float:
        """Mean ``-log p(token | context)`` over a text, in nats per token.

        Every token from position ``order - 1`` on is predicted from the
        ``order - 1`` tokens before it (the first ``order - 1`` tokens only
        serve as context).

        Args:
            ids: the text's token ids, 1-D, at least ``order`` of them.

        Returns:
            The cross-entropy in nats per predicted token (divide by ``ln 2``
            for bits).

        Raises:
            ValueError: for bad ids, or a model not yet fitted.
        """
        arr = _check_stream(ids, self.vocab_size, "ids", self.order)
        return float(-self._log_probs(arr).mean())
