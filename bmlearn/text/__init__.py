"""Text for language models: tokenizers, and generation from a trained model.

- :mod:`~bmlearn.text.char`: :class:`CharTokenizer`, one token per character;
- :mod:`~bmlearn.text.bpe`: :class:`BPETokenizer`, byte-level byte-pair encoding
  trained from scratch (and :data:`~bmlearn.text.bpe.SPLIT_PATTERN`, its pre-tokenizer);
- :mod:`~bmlearn.text.ngram`: :class:`NGramModel`, the add-α smoothed n-gram
  baselines (unigram, bigram, …) a neural language model must beat;
- :mod:`~bmlearn.text.generation`: :func:`generate`, sampling new tokens from a
  Keras model with a key-value cache.

The two tokenizers are the two ends of one trade-off: a small vocabulary and
long sequences (characters), or a larger vocabulary and shorter sequences
(BPE, one merge at a time). Both turn a ``str`` into a 1-D ``int32`` array of ids
with ``encode`` and back with ``decode``, save to and load from JSON, and raise
:class:`ValueError` on bad input. They are pure Python and NumPy: importing
this package never imports TensorFlow or Keras. :func:`generate` drives a
Keras model, so it is imported only when first used.
"""

from __future__ import annotations

import importlib

from bmlearn.text.bpe import BPETokenizer
from bmlearn.text.char import CharTokenizer
from bmlearn.text.ngram import NGramModel

__all__ = ["BPETokenizer", "CharTokenizer", "NGramModel", "generate"]

_LAZY = {"generate": "bmlearn.text.generation"}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bmlearn.text' has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__})
