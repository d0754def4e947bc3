"""What the tokenizers share: checks of text and token ids, and their JSON files.

Scalars go through :func:`bmlearn.validation.check_scalar`; the checks here are
the ones that are about text and token ids, in the same message form:
``"{name} must be …, but received {value!r}."``. This module imports only NumPy.
"""

from __future__ import annotations

import json
import os

import numpy as np

#: The dtype of every array of token ids: what Keras embedding layers take, and
#: half the memory of int64 for a corpus of millions of tokens.
ID_DTYPE = np.int32


def check_text(text, name: str = "text", *, non_empty: bool = False) -> str:
    """Check that ``text`` is a ``str`` (non-empty when ``non_empty``) and return it."""
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a str, but received {type(text).__name__}: {text!r:.80}.")
    if non_empty and not text:
        raise ValueError(f"{name} must be a non-empty str, but received {text!r}.")
    return text


def check_ids(ids, vocab_size: int, name: str = "ids") -> np.ndarray:
    """Check a 1-D sequence of integer token ids in ``0 .. vocab_size - 1``.

    An empty sequence is accepted (it decodes to the empty string). Floats are
    rejected even when whole, so that a model's probabilities or logits passed
    by mistake do not decode to text.

    Returns:
        The ids as a 1-D ``int64`` array.
    """
    try:
        arr = np.asarray(ids)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D sequence of integer token ids, "
                         f"but received {type(ids).__name__}: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of integer token ids, "
                         f"but received shape {arr.shape}.")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        example = arr[0] if arr.dtype == object else arr[:3]
        raise ValueError(f"{name} must be integer token ids, but received dtype {arr.dtype} "
                         f"(first values {example!r}).")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= vocab_size:
        bad = int(np.flatnonzero((arr < 0) | (arr >= vocab_size))[0])
        raise ValueError(f"{name} must hold token ids in 0..{vocab_size - 1}, but received "
                         f"values from {lo} to {hi} (first out of range: {int(arr[bad])} "
                         f"at index {bad}).")
    return arr.astype(np.int64, copy=False)


def write_json(path, data: dict) -> None:
    """Write ``data`` to ``path`` as UTF-8 JSON, readable where the text allows.

    Characters are written as themselves; a string holding a lone surrogate
    (which UTF-8 cannot store) makes the whole file fall back to ``\\uXXXX`` escapes.
    """
    try:
        payload = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    except UnicodeEncodeError:
        payload = json.dumps(data, ensure_ascii=True, indent=1).encode("ascii")
    with open(os.fspath(path), "wb") as f:
        f.write(payload)


def read_json(path, kind: str) -> dict:
    """Read a tokenizer file written by :func:`write_json` and check its ``format`` is ``kind``."""
    with open(os.fspath(path), "rb") as f:
        raw = f.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"path must be a JSON file saved by {kind}.save, "
                         f"but received {os.fspath(path)!r}: {exc}") from None
    found = data.get("format") if isinstance(data, dict) else None
    if found != kind:
        raise ValueError(f"path must hold a saved {kind} (format {kind!r}), "
                         f"but received format {found!r} in {os.fspath(path)!r}.")
    return data
