"""A character tokenizer: one token per character, the vocabulary is the text's characters.

The simplest way to turn text into integers: list the distinct characters of a
training text in sorted order and number them. What a reader should learn from
it is one end of the trade-off between **vocabulary size and sequence length**:

- the vocabulary is tiny (the King James Bible uses 65 characters), so a
  model's embedding table and output layer are small and every id is seen
  often in training;
- but every character is a token, so a text of ``n`` characters is ``n``
  tokens long: a model with a context of 256 tokens sees 256 characters, a
  few sentences, and must spend its capacity learning to spell.

A subword tokenizer (:mod:`bmlearn.text.bpe`) moves along the trade-off: a
larger vocabulary, fewer tokens per character.

This tokenizer has no unknown-token id: a character outside its vocabulary
raises a :class:`ValueError` that names the character and where it is, rather
than silently mapping it to a placeholder that :meth:`CharTokenizer.decode`
could not undo. Everything it accepts round-trips exactly:
``decode(encode(text)) == text``.

This module imports only NumPy.
"""

from __future__ import annotations

import numpy as np

from bmlearn.text._common import ID_DTYPE, check_ids, check_text, read_json, write_json

__all__ = ["CharTokenizer"]

_FORMAT = "bmlearn.text.CharTokenizer"
_SHOWN = 5  # unknown characters named in an error message


def _codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` as ``uint32``; lone surrogates pass through unchanged."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class CharTokenizer:
    """Map each character of a fixed vocabulary to an integer id, and back.

    Build one from a training text with :meth:`fit` (the vocabulary is the
    text's distinct characters, sorted by code point), or from an explicit
    vocabulary. Id ``i`` is the ``i``-th character of :attr:`chars`.

    Args:
        chars: the vocabulary: a non-empty ``str`` (or sequence of
            one-character strings) of distinct characters, in id order.

    Raises:
        ValueError: if ``chars`` is empty, holds a repeated character, or an
            item that is not a single character.

    Example:
        >>> tok = CharTokenizer.fit("hello world")
        >>> tok.chars, tok.vocab_size
        (' dehlorw', 8)
        >>> tok.encode("hold")
        array([3, 5, 4, 1], dtype=int32)
        >>> tok.decode([3, 5, 4, 1])
        'hold'
    """

    def __init__(self, chars):
        if not isinstance(chars, str):
            items = list(chars) if not isinstance(chars, (bytes, bytearray)) else None
            if items is None or not all(isinstance(c, str) and len(c) == 1 for c in items):
                raise ValueError(
                    "chars must be a str or a sequence of one-character strings, "
                    f"but received {chars!r:.80}."
                )
            chars = "".join(items)
        check_text(chars, "chars", non_empty=True)
        if len(set(chars)) != len(chars):
            seen, repeated = set(), []
            for c in chars:
                if c in seen and c not in repeated:
                    repeated.append(c)
                seen.add(c)
            raise ValueError(
                f"chars must hold distinct characters, but received {chars!r:.80} "
                f"(repeated: {''.join(repeated)!r})."
            )
        self._chars = chars
        points = _codepoints(chars)
        self._order = np.argsort(points, kind="stable")
        self._sorted = points[self._order]  # for a vectorised look-up with searchsorted
        self._points = points

    @classmethod
    def fit(cls, text: str) -> "CharTokenizer":
        """Build the tokenizer whose vocabulary is the sorted distinct characters of ``text``.

        Args:
            text: the training text, a non-empty ``str``.

        Returns:
            A :class:`CharTokenizer` with ``len(set(text))`` ids, in code-point order.

        Raises:
            ValueError: if ``text`` is not a ``str`` or is empty.

        Example:
            >>> CharTokenizer.fit("banana").chars
            'abn'
            >>> CharTokenizer.fit("")
            Traceback (most recent call last):
            ...
            ValueError: text must be a non-empty str, but received ''.
        """
        check_text(text, "text", non_empty=True)
        return cls("".join(sorted(set(text))))

    @property
    def chars(self) -> str:
        """The vocabulary: character ``i`` has id ``i``."""
        return self._chars

    @property
    def vocab_size(self) -> int:
        """The number of ids, ``len(chars)``: the size of a model's embedding and output layers."""
        return len(self._chars)

    def encode(self, text: str) -> np.ndarray:
        """Turn ``text`` into one id per character.

        Args:
            text: a ``str`` whose characters are all in :attr:`chars`
                (the empty string gives an empty array).

        Returns:
            A 1-D ``int32`` array of ``len(text)`` ids.

        Raises:
            ValueError: if ``text`` is not a ``str``, or holds characters
                outside the vocabulary; the message names them (up to five)
                and the index of each one's first occurrence.

        Example:
            >>> tok = CharTokenizer.fit("abc")
            >>> tok.encode("cab")
            array([2, 0, 1], dtype=int32)
            >>> tok.encode("cabbage")
            Traceback (most recent call last):
            ...
            ValueError: text must hold only the tokenizer's 3 characters, but received 2 unknown characters: 'g' (U+0067) at index 5, 'e' (U+0065) at index 6.
        """
        check_text(text, "text")
        points = _codepoints(text)
        pos = np.searchsorted(self._sorted, points)
        pos[pos == len(self._sorted)] = 0
        known = self._sorted[pos] == points
        if not known.all():
            self._raise_unknown(text, np.flatnonzero(~known))
        return self._order[pos].astype(ID_DTYPE)

    def _raise_unknown(self, text: str, where: np.ndarray):
        first = {}
        for i in where.tolist():
            first.setdefault(text[i], i)
        shown = ", ".join(f"{c!r} (U+{ord(c):04X}) at index {i}"
                          for c, i in list(first.items())[:_SHOWN])
        more = f", and {len(first) - _SHOWN} more" if len(first) > _SHOWN else ""
        noun = "character" if len(first) == 1 else "characters"
        raise ValueError(
            f"text must hold only the tokenizer's {self.vocab_size} characters, but received "
            f"{len(first)} unknown {noun}: {shown}{more}."
        )

    def decode(self, ids) -> str:
        """Turn ids back into text: ``decode(encode(text)) == text``.

        Args:
            ids: a 1-D sequence (list, NumPy array, tensor) of integer ids in
                ``0 .. vocab_size - 1``; an empty one gives ``""``.

        Returns:
            The text, one character per id.

        Raises:
            ValueError: if ``ids`` is not 1-D, not integers, or holds an id
                outside ``0 .. vocab_size - 1``.

        Example:
            >>> tok = CharTokenizer.fit("abc")
            >>> tok.decode(tok.encode("abcab"))
            'abcab'
            >>> tok.decode([0, 3])
            Traceback (most recent call last):
            ...
            ValueError: ids must hold token ids in 0..2, but received values from 0 to 3 (first out of range: 3 at index 1).
        """
        arr = check_ids(ids, self.vocab_size)
        return self._points[arr].tobytes().decode("utf-32-le", "surrogatepass")

    def save(self, path) -> None:
        """Write the tokenizer to a JSON file: its format name and its characters.

        Args:
            path: a file path (``str`` or path-like); an existing file is replaced.

        Example:
            >>> import os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "chars.json")
            >>> CharTokenizer.fit("hello").save(path)
            >>> CharTokenizer.load(path).chars
            'ehlo'
        """
        write_json(path, {"format": _FORMAT, "version": 1, "chars": self._chars})

    @classmethod
    def load(cls, path) -> "CharTokenizer":
        """Read a tokenizer written by :meth:`save`; it encodes exactly as the saved one.

        Args:
            path: the file written by :meth:`save`.

        Returns:
            The :class:`CharTokenizer`.

        Raises:
            ValueError: if the file is not JSON written by :meth:`CharTokenizer.save`.

        Example:
            >>> import os, tempfile
            >>> path = os.path.join(tempfile.mkdtemp(), "chars.json")
            >>> CharTokenizer.fit("abc").save(path)
            >>> CharTokenizer.load(path) == CharTokenizer.fit("cba")
            True
        """
        data = read_json(path, _FORMAT)
        return cls(data.get("chars"))

    def __eq__(self, other):
        if not isinstance(other, CharTokenizer):
            return NotImplemented
        return self._chars == other._chars

    __hash__ = None

    def __repr__(self):
        return f"CharTokenizer(vocab_size={self.vocab_size}, chars={self._chars!r:.60})"
