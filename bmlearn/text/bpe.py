"""Byte-level byte-pair encoding (BPE), trained from scratch: how a subword vocabulary is learned.

A character tokenizer (:mod:`bmlearn.text.char`) has a tiny vocabulary and long
sequences. BPE moves along that trade-off between **vocabulary size and
sequence length** one step at a time, and this module lets a reader watch
each step:

1. Start from the 256 byte values: any text, in any script, is a sequence of
   UTF-8 bytes, so nothing is ever unknown and ``decode(encode(text)) == text``
   for every string (Chinese and emoji included).
2. Split the text into words with a regular expression (the *pre-tokenizer*,
   :data:`SPLIT_PATTERN`), so that merges never cross a word boundary, and
   count each distinct word once with its frequency.
3. Count every adjacent pair of tokens over all words. Merge the most frequent
   pair into a new token (id ``256``, then ``257``, …) everywhere it occurs.
4. Repeat until the vocabulary reaches ``vocab_size``, or no pair occurs at
   least ``min_frequency`` times.

Each merge adds one id to the vocabulary and removes one token from every
place the pair occurred. On English the first merges build the commonest
words out of their letters (``"t"`` + ``"h"``, then ``" "`` + ``"th"``, then
``" th"`` + ``"e"``, …) and shorten the text most; later ones save less and
less (the counts never rise from one merge to the next). A larger
vocabulary means shorter sequences (a model sees more text in the same
context) but a larger embedding table and output layer, and rarer tokens with
fewer training examples each. :attr:`BPETokenizer.merge_counts` records how
many occurrences each merge removed.

**Tie-break.** When several pairs share the highest count, the pair with the
smallest ``(left id, right id)`` wins. Byte tokens keep their byte value as
id, so among raw bytes this is byte order; a merged token's id is its merge's
rank. Training is therefore deterministic.

**Speed.** Pair counts are kept up to date incrementally: a merge re-counts
only the words that contain the merged pair (found through an index from each
pair to the words holding it), and a heap with lazy deletion gives the most
frequent pair. Training a few hundred merges on a megabyte of text takes
seconds on one CPU core, most of it spent splitting the text into words.

**Encoding** applies the learned merges to each word in the order they were
learned (the lowest-ranked pair present first), the same rule as GPT-2's and
Hugging Face ``tokenizers``' BPE, so a text is split exactly as training split
it.

This module imports only NumPy and the standard library (Python's :mod:`re`,
not the third-party ``regex`` module; see :data:`SPLIT_PATTERN`).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict

import numpy as np

from bmlearn.text._common import ID_DTYPE, check_ids, check_text, read_json, write_json
from bmlearn.validation import check_scalar

__all__ = ["BPETokenizer", "SPLIT_PATTERN"]

#: The pre-tokenizer: GPT-2's pattern written for Python's :mod:`re`.
#: GPT-2 uses ``'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+``,
#: whose Unicode classes ``\p{L}`` (letters) and ``\p{N}`` (numbers) need the
#: third-party ``regex`` module. Here letters are ``[^\W\d_]`` (word characters
#: that are neither decimal digits nor ``_``) and numbers are ``\d`` (decimal
#: digits). Two consequences: numeric characters that are not decimal digits
#: (``²``, ``Ⅻ``) join letters rather than numbers, and ``_`` joins punctuation,
#: as in GPT-2. A word is thus an English contraction suffix, or an optional
#: space followed by a run of letters, of digits or of other symbols, or a run
#: of whitespace. The pattern matches every character of every string, and
#: characters a custom pattern skips become words of their own, so
#: pre-tokenizing never loses text. The same pattern is used on every machine,
#: whether or not ``regex`` is installed, so a tokenizer splits identically everywhere.
SPLIT_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+"""

_FORMAT = "bmlearn.text.BPETokenizer"
_CACHE_SIZE = 100_000  # distinct words whose encoding is remembered
_ERRORS = ("replace", "strict", "ignore", "backslashreplace")


def _to_bytes(text: str) -> bytes:
    # surrogatepass: a Python str may hold lone surrogates (invalid Unicode); keep them too.
    return text.encode("utf-8", "surrogatepass")


def _split(text: str, regex: re.Pattern) -> list[str]:
    """Split ``text`` into words with ``regex``; text it skips becomes words too."""
    if not regex.groups:  # findall returns whole matches only for a pattern without groups
        words = regex.findall(text)
        if sum(map(len, words)) == len(text):  # matches are ordered and disjoint: nothing skipped
            return words
    words, pos = [], 0
    for m in regex.finditer(text):
        start, end = m.span()
        if start > pos:
            words.append(text[pos:start])
        if end > start:
            words.append(text[start:end])
        pos = max(pos, end)
    if pos < len(text):
        words.append(text[pos:])
    return words


def _merge(tokens: list[int], a: int, b: int, new: int) -> list[int]:
    """Replace each occurrence of the pair ``(a, b)`` in ``tokens``, left to right, with ``new``."""
    out, i, n = [], 0, len(tokens)
    while i < n:
        if i < n - 1 and tokens[i] == a and tokens[i + 1] == b:
            out.append(new)
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def _byte_to_unicode() -> dict[int, str]:
    """GPT-2's printable stand-in for each byte (a space is ``'Ġ'``), for the saved vocabulary."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    mapping, extra = {b: chr(b) for b in printable}, 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def _check_merges(merges) -> list[tuple[int, int]]:
    try:
        merges = list(merges)
        arr = np.asarray(merges) if merges else np.zeros((0, 2), dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"merges must be a sequence of (left id, right id) pairs, "
                         f"but received {type(merges).__name__}: {exc}") from None
    if arr.ndim != 2 or arr.shape[1] != 2 or not (
            np.issubdtype(arr.dtype, np.integer) and arr.dtype != bool):
        raise ValueError(f"merges must be a sequence of (left id, right id) integer pairs, "
                         f"but received an array of shape {arr.shape} and dtype {arr.dtype}.")
    limit = 256 + np.arange(len(arr))  # merge i may use bytes and the tokens of merges 0..i-1
    bad = np.flatnonzero((arr.min(axis=1, initial=0) < 0) | (arr.max(axis=1, initial=0) >= limit))
    if len(bad):
        i = int(bad[0])
        raise ValueError(f"merges[{i}] must pair ids in 0..{255 + i} (bytes and earlier merges), "
                         f"but received {tuple(int(v) for v in arr[i])!r}.")
    return [(int(a), int(b)) for a, b in arr]


class BPETokenizer:
    """A byte-level BPE tokenizer: 256 byte tokens plus one token per learned merge.

    Train one with :meth:`train`; construct one directly from a list of merges
    to study a hand-made example. Id ``b < 256`` is the byte ``b``; id
    ``256 + i`` is the concatenation of the two tokens of ``merges[i]``.

    Args:
        merges: the merges in the order they were learned: pairs
            ``(left id, right id)``, where merge ``i`` may use ids up to ``255 + i``.
        pattern: the pre-tokenizer, a regular expression for Python's :mod:`re`
            that finds the words merges stay inside (:data:`SPLIT_PATTERN` by default).
        merge_counts: optionally, how often each merge's pair occurred when it
            was learned (:meth:`train` fills it in).

    Raises:
        ValueError: if a merge uses an id that does not exist yet, the pattern
            does not compile, or ``merge_counts`` does not match ``merges``.

    Example:
        >>> tok = BPETokenizer([(ord("a"), ord("b"))])  # one merge: "a" + "b" -> id 256
        >>> tok.vocab_size, tok.vocab[256]
        (257, b'ab')
        >>> tok.encode("abcab")
        array([256,  99, 256], dtype=int32)
        >>> tok.decode([256, 99, 256])
        'abcab'
    """

    def __init__(self, merges=(), *, pattern: str = SPLIT_PATTERN, merge_counts=None):
        self._merges = _check_merges(merges)
        check_text(pattern, "pattern")
        try:
            self._regex = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"pattern must be a regular expression for Python's re, "
                             f"but received {pattern!r}: {exc}.") from None
        self._pattern = pattern
        if merge_counts is not None:
            merge_counts = [check_scalar(c, f"merge_counts[{i}]", integer=True, low=1)
                            for i, c in enumerate(merge_counts)]
            if len(merge_counts) != len(self._merges):
                raise ValueError(f"merge_counts must hold one count per merge "
                                 f"({len(self._merges)}), but received {len(merge_counts)}.")
        self._merge_counts = None if merge_counts is None else tuple(merge_counts)
        self._ranks = {pair: rank for rank, pair in enumerate(self._merges)}
        vocab = [bytes([b]) for b in range(256)]
        for a, b in self._merges:
            vocab.append(vocab[a] + vocab[b])
        self._vocab = vocab
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def train(cls, text: str, vocab_size: int, *, min_frequency: int = 2,
              pattern: str = SPLIT_PATTERN) -> "BPETokenizer":
        """Learn merges from ``text`` until the vocabulary holds ``vocab_size`` tokens.

        Args:
            text: the training text, a non-empty ``str``.
            vocab_size: the target number of tokens, at least 256 (the bytes);
                ``vocab_size - 256`` merges are learned.
            min_frequency: a pair is merged only if it occurs at least this
                often (2 by default, as in Hugging Face's ``ByteLevelBPETokenizer``);
                training stops early, with a smaller vocabulary, when no pair does.
            pattern: the pre-tokenizer (:data:`SPLIT_PATTERN` by default).

        Returns:
            The trained :class:`BPETokenizer`, with :attr:`merge_counts` set.

        Raises:
            ValueError: if ``text`` is empty or not a ``str``, ``vocab_size`` is
                below 256 or ``min_frequency`` below 1.

        Example:
            >>> tok = BPETokenizer.train("low lower lowest low low", vocab_size=260)
            >>> [tok.vocab[i] for i in range(256, tok.vocab_size)]
            [b'lo', b'low', b' low', b' lowe']
            >>> tok.merge_counts
            (5, 5, 4, 2)
            >>> BPETokenizer.train("low", vocab_size=100)
            Traceback (most recent call last):
            ...
            ValueError: vocab_size must be an integer >= 256, but received 100.
        """
        check_text(text, "text", non_empty=True)
        vocab_size = check_scalar(vocab_size, "vocab_size", integer=True, low=256)
        min_frequency = check_scalar(min_frequency, "min_frequency", integer=True, low=1)
        regex = cls((), pattern=pattern)._regex  # checks the pattern

        word_counts = Counter(_split(text, regex))
        words = [list(_to_bytes(w)) for w in word_counts]
        freqs = list(word_counts.values())
        counts: dict[tuple[int, int], int] = defaultdict(int)  # pair -> occurrences
        where: dict[tuple[int, int], set[int]] = defaultdict(set)  # pair -> words holding it
        for i, (w, f) in enumerate(zip(words, freqs)):
            for pair in zip(w, w[1:]):
                counts[pair] += f
                where[pair].add(i)
        # Heap of (-count, left, right): the most frequent pair first, ties to the smallest ids.
        # A count that changes is pushed again; stale entries are skipped when popped.
        heap = [(-c, a, b) for (a, b), c in counts.items()]
        heapq.heapify(heap)

        merges, merge_counts = [], []
        while len(merges) < vocab_size - 256 and heap:
            neg, a, b = heapq.heappop(heap)
            if counts.get((a, b)) != -neg:
                continue  # stale entry
            if -neg < min_frequency:
                break
            new = 256 + len(merges)
            merges.append((a, b))
            merge_counts.append(-neg)
            delta: dict[tuple[int, int], int] = defaultdict(int)
            for i in where.pop((a, b)):
                old = words[i]
                merged = _merge(old, a, b, new)
                if len(merged) == len(old):
                    continue  # the index is stale: an earlier merge removed the pair here
                f = freqs[i]
                for pair in zip(old, old[1:]):
                    delta[pair] -= f
                for pair in zip(merged, merged[1:]):
                    delta[pair] += f
                    if new in pair:
                        where[pair].add(i)
                words[i] = merged
            for pair, d in delta.items():
                if d == 0:
                    continue
                c = counts[pair] + d
                if c > 0:
                    counts[pair] = c
                    heapq.heappush(heap, (-c, *pair))
                else:
                    del counts[pair]
                    where.pop(pair, None)
        return cls(merges, pattern=pattern, merge_counts=merge_counts)

    @property
    def merges(self) -> list[tuple[int, int]]:
        """The learned merges, in order: ``merges[i]`` made token ``256 + i``."""
        return list(self._merges)

    @property
    def merge_counts(self) -> tuple[int, ...] | None:
        """How often each merge's pair occurred in the training text when merged (``None``: unknown)."""
        return self._merge_counts

    @property
    def vocab(self) -> list[bytes]:
        """The bytes each id stands for: ``vocab[i]`` for id ``i``."""
        return list(self._vocab)

    @property
    def vocab_size(self) -> int:
        """The number of ids: 256 bytes plus one per merge."""
        return len(self._vocab)

    @property
    def pattern(self) -> str:
        """The pre-tokenizer's regular expression."""
        return self._pattern

    def _encode_word(self, word: str) -> list[int]:
        tokens = list(_to_bytes(word))
        ranks = self._ranks
        while len(tokens) > 1:
            # The pair learned first among those present; pairs never learned rank last.
            pair = min(zip(tokens, tokens[1:]), key=lambda p: ranks.get(p, len(ranks)))
            if pair not in ranks:
                break
            tokens = _merge(tokens, pair[0], pair[1], 256 + ranks[pair])
        return tokens

    def encode(self, text: str) -> np.ndarray:
        """Turn any ``str`` into token ids: split into words, then apply the merges in order.

        Args:
            text: any ``str`` (every string is a sequence of bytes, so nothing
                is unknown); ``""`` gives an empty array.

        Returns:
            A 1-D ``int32`` array of ids in ``0 .. vocab_size - 1``.

        Raises:
            ValueError: if ``text`` is not a ``str``.

        Example:
            >>> tok = BPETokenizer.train("the cat, the hat, the bat", vocab_size=262)
            >>> ids = tok.encode("the rat")
            >>> [tok.vocab[i] for i in ids]
            [b'the', b' ', b'r', b'at']
            >>> BPETokenizer().encode("é")  # no merges: one id per UTF-8 byte
            array([195, 169], dtype=int32)
        """
        check_text(text, "text")
        ids: list[int] = []
        cache = self._cache
        for word in _split(text, self._regex):
            tokens = cache.get(word)
            if tokens is None:
                tokens = self._encode_word(word)
                if len(cache) < _CACHE_SIZE:
                    cache[word] = tokens
            ids.extend(tokens)
        return np.array(ids, dtype=ID_DTYPE)

    def decode(self, ids, *, errors: str = "replace") -> str:
        """Turn ids back into text: ``decode(encode(text)) == text`` for every ``str``.

        A sequence a model generates need not be valid UTF-8 (it may stop in
        the middle of a character's bytes); ``errors`` says what happens then.

        Args:
            ids: a 1-D sequence (list, NumPy array, tensor) of integer ids in
                ``0 .. vocab_size - 1``; an empty one gives ``""``.
            errors: how invalid UTF-8 is decoded: ``"replace"`` (with U+FFFD, the
                default), ``"strict"`` (raise), ``"ignore"`` or ``"backslashreplace"``.

        Returns:
            The text.

        Raises:
            ValueError: if ``ids`` is not 1-D, not integers, or holds an id
                outside ``0 .. vocab_size - 1``; with ``errors="strict"``, if
                the bytes are not valid UTF-8 (:class:`UnicodeDecodeError`).

        Example:
            >>> tok = BPETokenizer()
            >>> tok.decode(tok.encode("日本 🙂"))
            '日本 🙂'
            >>> tok.decode([230, 151])  # the first two of the three bytes of '日'
            '�'
            >>> tok.decode([1.0])
            Traceback (most recent call last):
            ...
            ValueError: ids must be integer token ids, but received dtype float64 (first values array([1.])).
        """
        if errors not in _ERRORS:
            raise ValueError(f"errors must be one of {', '.join(map(repr, _ERRORS))}, "
                             f"but received {errors!r}.")
        vocab = self._vocab
        data = b"".join([vocab[i] for i in check_ids(ids, self.vocab_size).tolist()])
        try:
            return data.decode("utf-8", "surrogatepass")  # also returns lone surrogates encoded
        except UnicodeDecodeError:
            return data.decode("utf-8", errors)

    def save(self, path) -> None:
        """Write the tokenizer to a JSON file: pattern, merges, their counts and the vocabulary.

        ``merges`` is a list of ``[left id, right id]`` pairs; ``vocab`` lists each
        id's bytes written with GPT-2's printable stand-ins for bytes (``"Ġ"`` is
        a space, ``"Ċ"`` a newline), as Hugging Face ``tokenizers`` writes
        them: it is there for people to read, and :meth:`load` checks it
        against the merges.

        Args:
            path: a file path (``str`` or path-like); an existing file is replaced.

        Example:
            >>> import json, os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "bpe.json")
            >>> BPETokenizer.train("the then there", vocab_size=258).save(path)
            >>> saved = json.load(open(path, encoding="utf-8"))
            >>> saved["merges"], saved["vocab"][256:]  # "t"+"h" and "h"+"e" tie at 3: (104, 101) wins
            ([[104, 101], [116, 256]], ['he', 'the'])
        """
        shown = _byte_to_unicode()
        write_json(path, {
            "format": _FORMAT,
            "version": 1,
            "pattern": self._pattern,
            "merges": [list(m) for m in self._merges],
            "merge_counts": None if self._merge_counts is None else list(self._merge_counts),
            "vocab": ["".join(shown[b] for b in token) for token in self._vocab],
        })

    @classmethod
    def load(cls, path) -> "BPETokenizer":
        """Read a tokenizer written by :meth:`save`; it encodes exactly as the saved one.

        Args:
            path: the file written by :meth:`save`.

        Returns:
            The :class:`BPETokenizer`.

        Raises:
            ValueError: if the file is not JSON written by :meth:`BPETokenizer.save`,
                or its vocabulary does not match its merges.

        Example:
            >>> import os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "bpe.json")
            >>> tok = BPETokenizer.train("to be or not to be", vocab_size=260)
            >>> tok.save(path)
            >>> BPETokenizer.load(path) == tok
            True
        """
        data = read_json(path, _FORMAT)
        tok = cls(data.get("merges", []), pattern=data.get("pattern", SPLIT_PATTERN),
                  merge_counts=data.get("merge_counts"))
        shown = _byte_to_unicode()
        expected = ["".join(shown[b] for b in token) for token in tok._vocab]
        if "vocab" in data and data["vocab"] != expected:
            first = next((i for i, (u, v) in enumerate(zip(data["vocab"], expected)) if u != v),
                         min(len(data["vocab"]), len(expected)))
            raise ValueError(f"path's vocab must match its merges ({len(expected)} tokens), but "
                             f"received {len(data['vocab'])} tokens, differing from id {first}.")
        return tok

    def __eq__(self, other):
        if not isinstance(other, BPETokenizer):
            return NotImplemented
        return self._merges == other._merges and self._pattern == other._pattern

    __hash__ = None

    def __repr__(self):
        return f"BPETokenizer(vocab_size={self.vocab_size}, merges={len(self._merges)})"
