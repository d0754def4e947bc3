"""Pretrained GPT bodies: the small ones bmlearn ships, and any folder ``bmlearn.pretrain`` wrote.

A body is what :func:`bmlearn.pretrain.pretrain` writes: ``config.json`` (the
:func:`~bmlearn.models.build_gpt` arguments, the tokenizer, the corpus and how
it was trained), ``tokenizer.json``, ``model.weights.h5`` (float32) and
``result.json`` (the validation loss it reached, next to the uniform, unigram
and bigram baselines on the same text). :func:`load` rebuilds the model and
the tokenizer and returns them as a :class:`Pretrained`.

The bodies shipped in ``bmlearn/weights/`` (:func:`available`), each made by
one command and small enough that a lesson fine-tunes it in seconds on a CPU:

- ``reviews-bpe``: ``python -m bmlearn.pretrain --corpus reviews --size tiny``;
  a GPT of 2 blocks, width 64, 2 heads, context 128 and byte-level BPE with a
  vocabulary of 1,024 (1,023 BPE ids and an end-of-text id), pretrained on the
  text of the fine-food reviews' *training split* only. Its validation text
  is the validation split's reviews, so the test split's text is never seen.

Nothing is downloaded: the weights are package data (``bmlearn/weights/**``).
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import json
from pathlib import Path

import numpy as np

from bmlearn.validation import check_scalar

__all__ = ["Pretrained", "available", "load", "weights_path"]

_FILES = ("config.json", "tokenizer.json", "model.weights.h5", "result.json")


def _weights_root() -> Path:
    return Path(str(importlib.resources.files("bmlearn") / "weights"))


def available() -> tuple:
    """The names of the bodies shipped with bmlearn.

    Returns:
        A sorted tuple of names for :func:`load`.

    Example:
        >>> "reviews-bpe" in available()
        True
    """
    root = _weights_root()
    if not root.is_dir():
        return ()
    return tuple(sorted(p.name for p in root.iterdir()
                        if p.is_dir() and all((p / f).is_file() for f in _FILES)))


def weights_path(name) -> Path:
    """The folder of a shipped body, or of a folder written by :func:`bmlearn.pretrain.pretrain`.

    Args:
        name: a name from :func:`available`, or a path to such a folder.

    Returns:
        The folder, a :class:`pathlib.Path` holding the four files.

    Raises:
        ValueError: if ``name`` is neither a shipped body nor a folder with
            ``config.json``, ``tokenizer.json``, ``model.weights.h5`` and
            ``result.json``.

    Example:
        >>> weights_path("reviews-bpe").name
        'reviews-bpe'
        >>> weights_path("gpt-5")
        Traceback (most recent call last):
        ...
        ValueError: name must be one of 'reviews-bpe' or a folder written by bmlearn.pretrain, but received 'gpt-5'.
    """
    names = available()
    if isinstance(name, str) and name in names:
        return _weights_root() / name
    path = Path(name) if isinstance(name, (str, Path)) else None
    if path is None or not all((path / f).is_file() for f in _FILES):
        choices = ", ".join(repr(n) for n in names)
        raise ValueError(f"name must be one of {choices} or a folder written by bmlearn.pretrain, "
                         f"but received {name!r}.")
    return path


@dataclasses.dataclass(frozen=True, eq=False)
class Pretrained:
    """A pretrained GPT with its tokenizer, configuration and recorded validation loss.

    Attributes:
        name: the body's name (or its folder's).
        model: the :func:`~bmlearn.models.build_gpt` ``keras.Model``, token
            ids ``(batch, T)`` to next-token logits ``(batch, T, vocab)``,
            ``T <= seq_len``, with the pretrained weights. It is causal: the
            output at position ``t`` depends on the tokens ``0 … t`` only.
        tokenizer: the :class:`~bmlearn.text.BPETokenizer` or
            :class:`~bmlearn.text.CharTokenizer` it was trained with.
        config: ``config.json``: ``model`` (``build_gpt``'s arguments),
            ``tokenizer``, ``training`` (steps, batch, tokens seen, seed,
            optimiser, precision, strategy), ``data`` and ``versions``.
        val_loss: the recorded validation loss, nats per token, on the text
            ``config["data"]["val_text"]`` names
            (:func:`bmlearn.train.lm_cross_entropy`).
        source: the training data's source and licence.
        result: ``result.json``: ``val_loss``, ``baselines`` (``uniform``,
            ``unigram``, ``bigram``), ``train_seconds``, ``tokens_seen``, ….
        path: the folder it was loaded from.
    """

    name: str
    model: object
    tokenizer: object
    config: dict
    val_loss: float
    source: str
    result: dict
    path: Path

    @property
    def seq_len(self) -> int:
        """The context length: the longest input the model takes."""
        return int(self.config["model"]["seq_len"])

    @property
    def vocab_size(self) -> int:
        """The model's vocabulary (the tokenizer's, plus the end-of-text id if any)."""
        return int(self.config["model"]["vocab_size"])

    @property
    def eot_id(self) -> int | None:
        """The end-of-text id that starts every document in pretraining, or ``None``."""
        return self.config["tokenizer"]["eot_id"]

    @property
    def baselines(self) -> dict:
        """The uniform, unigram and bigram losses on the validation text, nats per token."""
        return dict(self.result["baselines"])

    def encode_batch(self, texts, *, length: int | None = None):
        """Token ids for a batch of documents, as the model saw documents in pretraining.

        Each text becomes the end-of-text id (where the body has one) followed
        by its tokens, cut to its first ``length`` ids and padded on the right
        with the end-of-text id (0 for a body without one). Padding on the
        right changes nothing before it, the model being causal: the hidden
        state at position ``lengths[i] - 1`` has read all of text ``i`` (that
        fits) and none of the padding; use it, or the mean over the first
        ``lengths[i]`` positions, as the text's features.

        Args:
            texts: an iterable of ``str``.
            length: ids per row, at most :attr:`seq_len` (the default).

        Returns:
            ``(ids, lengths)``: int32 ``(n, length)`` and int32 ``(n,)``, the
            number of ids before the padding (at least 1).

        Raises:
            ValueError: if ``length`` is not an integer in [1, seq_len], or a
                text is not a ``str``.

        Example:
            >>> body = load("reviews-bpe")
            >>> ids, lengths = body.encode_batch(["Great coffee!", "Stale."], length=8)
            >>> ids.shape, lengths.tolist(), bool((ids[:, 0] == body.eot_id).all())
            ((2, 8), [5, 6], True)
            >>> body.tokenizer.decode(ids[0, 1:lengths[0]])
            'Great coffee!'
        """
        length = self.seq_len if length is None else check_scalar(
            length, "length", integer=True, low=1, high=self.seq_len)
        texts = list(texts)
        pad = 0 if self.eot_id is None else int(self.eot_id)
        ids = np.full((len(texts), length), pad, dtype=np.int32)
        lengths = np.zeros(len(texts), dtype=np.int32)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ValueError(f"texts[{i}] must be a str, but received {text!r}.")
            row = self.tokenizer.encode(text)
            if self.eot_id is not None:
                row = np.concatenate([[self.eot_id], row])
            row = row[:length]
            ids[i, :row.size] = row
            lengths[i] = row.size
        return ids, lengths

    def body(self):
        """The model without its output projection: ids to the final layer norm's states.

        Returns:
            A ``keras.Model`` from ids ``(batch, T)`` to ``(batch, T, d_model)``
            that shares the pretrained layers (and weights) with :attr:`model`.

        Example:
            >>> body = load("reviews-bpe")
            >>> ids, _ = body.encode_batch(["Tasty."], length=4)
            >>> tuple(body.body()(ids).shape)
            (1, 4, 64)
        """
        from bmlearn.quiet import import_keras

        keras = import_keras()
        return keras.Model(self.model.input, self.model.get_layer("final_norm").output,
                           name=f"{self.model.name}_body")

    def __repr__(self) -> str:
        m = self.config["model"]
        return (f"Pretrained({self.name!r}: {m['num_layers']} blocks, d_model {m['d_model']}, "
                f"{m['num_heads']} heads, seq_len {m['seq_len']}, vocab {m['vocab_size']}, "
                f"{self.model.count_params():,} parameters, val_loss {self.val_loss:.4f})")


def load(name) -> Pretrained:
    """Load a shipped body by name, or a folder written by ``python -m bmlearn.pretrain``.

    The model is built with :func:`bmlearn.models.build_gpt` from
    ``config.json`` under the current Keras dtype policy (so it computes in
    bfloat16 after ``bmlearn.setup()`` chose ``mixed_bfloat16``; the weights
    stay float32) and its weights are loaded from ``model.weights.h5``.

    Args:
        name: a name from :func:`available` (``"reviews-bpe"``) or a path.

    Returns:
        A :class:`Pretrained`.

    Raises:
        ValueError: for an unknown name, or a folder without the four files.

    Example:
        >>> body = load("reviews-bpe")
        >>> body.config["model"]["num_layers"], body.seq_len, body.vocab_size, body.eot_id
        (2, 128, 1024, 1023)
        >>> body.val_loss < body.baselines["bigram"] < body.baselines["unigram"]
        True
    """
    from bmlearn.models import build_gpt
    from bmlearn.text import BPETokenizer, CharTokenizer

    path = weights_path(name)
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    result = json.loads((path / "result.json").read_text(encoding="utf-8"))
    kind = config["tokenizer"]["kind"]
    tokenizer_cls = {"bpe": BPETokenizer, "char": CharTokenizer}[kind]
    tokenizer = tokenizer_cls.load(path / config["tokenizer"].get("file", "tokenizer.json"))
    model = build_gpt(**config["model"], name="gpt")
    model.load_weights(str(path / "model.weights.h5"))
    label = name if isinstance(name, str) and name in available() else path.name
    return Pretrained(name=label, model=model, tokenizer=tokenizer, config=config,
                      val_loss=float(result["val_loss"]), source=config["data"]["source"],
                      result=result, path=path)
