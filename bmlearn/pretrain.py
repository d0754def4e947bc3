"""Pretraining a GPT on a named corpus at a named size, from Python or the command line.

``python -m bmlearn.pretrain --corpus kjv --size nanogpt --out runs/kjv`` trains
:func:`bmlearn.models.build_gpt` by next-token prediction and writes, in the
output folder:

- ``config.json``: the model's :func:`~bmlearn.models.build_gpt` arguments, the
  tokenizer, the corpus, the optimiser, the steps and tokens seen, the seed, the
  strategy, the precision and the bmlearn / TensorFlow / Keras versions;
- ``tokenizer.json``: the tokenizer (:class:`~bmlearn.text.CharTokenizer` or
  :class:`~bmlearn.text.BPETokenizer`), to ``load`` back;
- ``model.weights.h5``: the weights (float32), for ``model.load_weights``;
- ``result.json``: the final validation loss (nats per token on the whole
  validation text, :func:`bmlearn.train.lm_cross_entropy`) next to the
  uniform, unigram and bigram baselines on the same text
  (:class:`bmlearn.text.NGramModel`), the training time and tokens per second;
- ``logs/``: TensorBoard logs (``tensorboard --logdir OUT/logs``);
- ``backup/``: the checkpoint of a run in progress (gone when it finishes).

:func:`bmlearn.pretrained.load` loads such a folder, and the bodies bmlearn ships.

**Corpora** (:data:`CORPORA`; everything is offline):

- ``kjv``: the King James Bible (:func:`bmlearn.data.load_kjv`), one token per
  character (:class:`~bmlearn.text.CharTokenizer` on the corpus's alphabet):
  the scale and vocabulary of the Tiny Shakespeare corpus of nanoGPT;
- ``reviews``: the text of the fine-food reviews' *training split only*
  (:func:`bmlearn.data.load_food_reviews`), byte-level BPE
  (:class:`~bmlearn.text.BPETokenizer`, :data:`REVIEWS_BPE_MERGES` merges
  learned on that text) plus one end-of-text id that starts every review, as
  GPT-2's ``<|endoftext|>`` does; the validation text is the validation
  split's reviews (their labels are never used);
- ``markov``: a sample of :class:`bmlearn.data.MarkovSource` (8 symbols,
  exact entropy rate 0.8422 nats), whose best possible loss is known.

**Sizes** (:data:`SIZES`): ``tiny`` (2 blocks, width 64, 2 heads, context 128:
the shipped body ``reviews-bpe``, trained in about 10 minutes on 2 CPU cores and
small enough to fine-tune in seconds), ``mini`` (4 blocks, width 128, 4 heads,
context 256), ``nanogpt`` (nanoGPT's ``shakespeare_char`` configuration:
6 layers, 6 heads, width 384, context 256, dropout 0.2, batch 64, learning rate
1e-3 decayed to 1e-4, 5,000 iterations) and ``gpt2-small`` (GPT-2 small's shape,
12 layers, 12 heads, width 768, context 1024).

**Resuming.** Training runs as ``ceil(steps / checkpoint_every)`` Keras
"epochs" of ``checkpoint_every`` steps each, and
``keras.callbacks.BackupAndRestore`` saves the weights and the optimiser's state
after each of them (Keras restores a run at the start of an epoch, so an epoch
*is* the checkpoint interval). The batch of every step is a fixed function of
the seed and the step number, and :class:`bmlearn.train.ReseedEachEpoch` keys
dropout to the epoch, so a run interrupted at any point and started again with
the same arguments continues from its last checkpoint and ends with exactly the
weights of an uninterrupted run (with deterministic ops, the CPU default of
:func:`bmlearn.setup`).

**Devices.** The strategy is :func:`bmlearn.setup`'s (one CPU or GPU, or a
``MirroredStrategy`` over several GPUs); when the ``TF_CONFIG`` environment
variable describes a cluster, a ``MultiWorkerMirroredStrategy`` over all its
workers. ``batch_size`` is always the *global* batch: each of ``n`` replicas
computes the gradient of ``batch_size / n`` windows, and their mean is the
gradient of the whole batch, so the run does what one device would do with the
same batch, up to rounding (the test starts two workers on one machine and
checks it). Two details of Keras 3 would break that equality and are handled
here: it clips each replica's share of the gradient, and it squares the
replicas' shares of a sparse gradient separately in Adam (see
``_data_parallel_adamw``); and its ``fit`` fails outright under
``MultiWorkerMirroredStrategy`` (``_multi_worker_trainer``). Each worker
writes its own output; worker ``i > 0`` of a cluster writes under
``OUT/worker-i`` so that workers sharing a file system do not overwrite each
other. Start the same command on every machine, each with its ``TF_CONFIG``.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import math
import os
import platform
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from bmlearn.validation import check_scalar

__all__ = [
    "CORPORA",
    "Corpus",
    "BIGRAM_ALPHAS",
    "REVIEWS_BPE_MERGES",
    "SIZES",
    "load_corpus",
    "main",
    "pretrain",
    "size_config",
]

#: The corpora :func:`pretrain` knows, with a one-line description each.
CORPORA = {
    "kjv": "the King James Bible, one token per character",
    "reviews": "the fine-food reviews' training text, byte-level BPE",
    "markov": "a sample of bmlearn.data.MarkovSource (exact entropy known)",
}

#: BPE merges learned on the reviews' training text: 256 byte ids + 767 merges
#: = 1,023 ids, plus the end-of-text id = a vocabulary of 1,024.
REVIEWS_BPE_MERGES = 767

#: Tokens of the Markov corpus's training and validation samples.
MARKOV_TOKENS = (1_000_000, 100_000)

_SIZE_KEYS = ("d_model", "num_layers", "num_heads", "seq_len", "dropout", "batch_size", "steps",
              "learning_rate", "final_learning_rate", "warmup_steps", "weight_decay", "beta_2",
              "grad_clip")

#: The named sizes: the model's shape and the optimiser's settings. AdamW
#: (``beta_1`` 0.9), gradients clipped to a global norm of 1, the learning rate
#: warmed up linearly and decayed along a cosine (:class:`bmlearn.train.WarmupCosine`),
#: as nanoGPT trains. ``nanogpt`` is nanoGPT's ``config/train_shakespeare_char.py``;
#: ``gpt2-small`` takes the optimiser of its ``train_gpt2.py`` with a smaller batch
#: (nanoGPT accumulates 40 micro-batches of 12 × 1024 tokens).
SIZES = {
    "tiny": dict(d_model=64, num_layers=2, num_heads=2, seq_len=128, dropout=0.0, batch_size=32,
                 steps=800, learning_rate=2e-3, final_learning_rate=2e-4, warmup_steps=50,
                 weight_decay=0.1, beta_2=0.99, grad_clip=1.0),
    "mini": dict(d_model=128, num_layers=4, num_heads=4, seq_len=256, dropout=0.1, batch_size=32,
                 steps=2000, learning_rate=1e-3, final_learning_rate=1e-4, warmup_steps=100,
                 weight_decay=0.1, beta_2=0.99, grad_clip=1.0),
    "nanogpt": dict(d_model=384, num_layers=6, num_heads=6, seq_len=256, dropout=0.2,
                    batch_size=64, steps=5000, learning_rate=1e-3, final_learning_rate=1e-4,
                    warmup_steps=100, weight_decay=0.1, beta_2=0.99, grad_clip=1.0),
    "gpt2-small": dict(d_model=768, num_layers=12, num_heads=12, seq_len=1024, dropout=0.0,
                       batch_size=32, steps=5000, learning_rate=6e-4, final_learning_rate=6e-5,
                       warmup_steps=200, weight_decay=0.1, beta_2=0.95, grad_clip=1.0),
}


def _choice(value, name: str, choices) -> str:
    if value not in choices:
        names = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {names}, but received {value!r}.")
    return value


def size_config(size: str, **overrides) -> dict:
    """The settings of a named size, with some of them replaced.

    Args:
        size: a key of :data:`SIZES`.
        **overrides: settings to replace (``steps``, ``batch_size``, …);
            ``None`` keeps the size's value.

    Returns:
        A new dict with the keys of :data:`SIZES` entries.

    Raises:
        ValueError: for an unknown size or setting, or a value out of range.

    Example:
        >>> cfg = size_config("nanogpt", steps=100)
        >>> cfg["num_layers"], cfg["num_heads"], cfg["d_model"], cfg["seq_len"], cfg["steps"]
        (6, 6, 384, 256, 100)
        >>> size_config("huge")
        Traceback (most recent call last):
        ...
        ValueError: size must be one of 'tiny', 'mini', 'nanogpt', 'gpt2-small', but received 'huge'.
        >>> size_config("tiny", steps=-5)
        Traceback (most recent call last):
        ...
        ValueError: steps must be a positive integer, but received -5.
    """
    cfg = dict(SIZES[_choice(size, "size", SIZES)])
    for key, value in overrides.items():
        if key not in cfg:
            raise ValueError(f"a setting must be one of {', '.join(_SIZE_KEYS)}, but received "
                             f"{key!r}.")
        if value is not None:
            cfg[key] = value
    for key in ("d_model", "num_layers", "num_heads", "seq_len", "batch_size", "steps"):
        cfg[key] = check_scalar(cfg[key], key, integer=True, low=1)
    cfg["warmup_steps"] = check_scalar(cfg["warmup_steps"], "warmup_steps", integer=True, low=0)
    cfg["warmup_steps"] = min(cfg["warmup_steps"], cfg["steps"] - 1)
    cfg["dropout"] = check_scalar(cfg["dropout"], "dropout", low=0, high=1, high_open=True)
    for key in ("learning_rate", "final_learning_rate", "weight_decay", "grad_clip"):
        cfg[key] = check_scalar(cfg[key], key, low=0)
    cfg["beta_2"] = check_scalar(cfg["beta_2"], "beta_2", low=0, high=1, high_open=True)
    if cfg["d_model"] % cfg["num_heads"]:
        raise ValueError(f"d_model must be divisible by num_heads, but received "
                         f"d_model={cfg['d_model']} and num_heads={cfg['num_heads']}.")
    return cfg


@dataclasses.dataclass(frozen=True, eq=False)
class Corpus:
    """A corpus as token ids, with the tokenizer that made them.

    Attributes:
        name: the key of :data:`CORPORA`.
        train_ids: the training text's ids, 1-D int32.
        val_ids: the validation text's ids, 1-D int32.
        tokenizer: a :class:`~bmlearn.text.CharTokenizer` or
            :class:`~bmlearn.text.BPETokenizer`.
        vocab_size: the model's vocabulary: the tokenizer's, plus one for
            the end-of-text id where there is one.
        eot_id: the end-of-text id that starts every document (the reviews),
            else ``None`` (one continuous text).
        source: where the text comes from and its licence.
        val_text: which text the validation ids are.
    """

    name: str
    train_ids: np.ndarray
    val_ids: np.ndarray
    tokenizer: object
    vocab_size: int
    eot_id: int | None
    source: str
    val_text: str


def _documents(tokenizer, texts, eot_id: int) -> np.ndarray:
    """Each text's ids after the end-of-text id, concatenated."""
    parts = []
    for text in texts:
        parts.append(np.array([eot_id], dtype=np.int32))
        parts.append(tokenizer.encode(str(text)))
    return np.concatenate(parts).astype(np.int32)


def load_corpus(corpus: str) -> Corpus:
    """Load a named corpus and tokenize it as :func:`pretrain` does.

    The result is cached: a second call in the same process returns the same
    :class:`Corpus` (do not modify its arrays).

    Args:
        corpus: ``"kjv"``, ``"reviews"`` or ``"markov"`` (:data:`CORPORA`).

    Returns:
        A :class:`Corpus`.

    Raises:
        ValueError: for an unknown corpus.

    Example:
        >>> c = load_corpus("reviews")
        >>> c.vocab_size, c.eot_id, c.tokenizer.vocab_size
        (1024, 1023, 1023)
        >>> int(c.train_ids[0]) == c.eot_id, int((c.train_ids == c.eot_id).sum())  # one per review
        (True, 3178)
        >>> load_corpus("shakespeare")
        Traceback (most recent call last):
        ...
        ValueError: corpus must be one of 'kjv', 'reviews', 'markov', but received 'shakespeare'.
    """
    return _load_corpus(_choice(corpus, "corpus", CORPORA))


@functools.lru_cache(maxsize=None)
def _load_corpus(corpus: str) -> Corpus:
    from bmlearn import data, text

    if corpus == "kjv":
        splits = data.load_kjv()
        tok = text.CharTokenizer(splits.alphabet)
        return Corpus(corpus, tok.encode(splits.train), tok.encode(splits.val), tok,
                      tok.vocab_size, None, splits.source,
                      "the last 10% of the Bible's characters (Acts 22:2 to Revelation 22:21)")
    if corpus == "reviews":
        reviews = data.load_food_reviews()
        tok = text.BPETokenizer.train("\n".join(reviews.train.x), 256 + REVIEWS_BPE_MERGES)
        eot = tok.vocab_size
        return Corpus(corpus, _documents(tok, reviews.train.x, eot),
                      _documents(tok, reviews.val.x, eot), tok, eot + 1, eot, reviews.source,
                      "the text of the reviews' validation split (795 reviews; labels unused)")
    lang = data.MarkovSource()
    tok = text.CharTokenizer("abcdefghijklmnopqrstuvwxyz"[:lang.vocab_size])
    return Corpus(corpus, lang.sample(MARKOV_TOKENS[0], seed=0).astype(np.int32),
                  lang.sample(MARKOV_TOKENS[1], seed=1).astype(np.int32), tok, lang.vocab_size,
                  None, lang.source + " Symbol i is written as the i-th letter.",
                  f"an independent sample of {MARKOV_TOKENS[1]:,} symbols (seed 1)")


def _window_starts(n_tokens: int, seq_len: int, total: int, seed: int) -> np.ndarray:
    """The start of each of ``total`` training windows, in the order they are used.

    Passes over the text follow each other; pass ``p`` cuts the text into
    windows that do not overlap, from a random offset in ``[0, seq_len)``, and
    shuffles them, both drawn from ``(seed, p)``. The windows of step ``s``
    are therefore a fixed function of the seed and ``s``.
    """
    out, count, p = [], 0, 0
    while count < total:
        rng = np.random.default_rng([seed, p])
        offset = int(rng.integers(seq_len))
        starts = np.arange(offset, n_tokens - seq_len, seq_len, dtype=np.int64)
        if starts.size == 0:
            starts = np.arange(0, n_tokens - seq_len, dtype=np.int64)
        rng.shuffle(starts)
        out.append(starts)
        count += starts.size
        p += 1
    return np.concatenate(out)[:total]


def _train_dataset(ids: np.ndarray, seq_len: int, batch_size: int, steps: int, seed: int,
                   first_step: int):
    """Batches ``first_step, …, steps - 1`` of the run, then repeated (never reached)."""
    from bmlearn.quiet import import_tensorflow

    tf = import_tensorflow()
    starts = _window_starts(ids.size, seq_len, steps * batch_size, seed)[first_step * batch_size:]
    stream = tf.constant(ids.astype(np.int32))
    offsets = tf.range(seq_len + 1, dtype=tf.int64)

    def window(start):
        chunk = tf.gather(stream, start + offsets)
        return chunk[:-1], chunk[1:]

    ds = tf.data.Dataset.from_tensor_slices(starts).repeat()
    ds = ds.map(window, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.batch(batch_size, drop_remainder=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    options.deterministic = True
    return ds.with_options(options).prefetch(tf.data.AUTOTUNE)


def _strategy(env):
    """``MultiWorkerMirroredStrategy`` if ``TF_CONFIG`` is set, else the runtime's; and the task."""
    from bmlearn.quiet import import_tensorflow

    tf = import_tensorflow()
    tf_config = os.environ.get("TF_CONFIG")
    if not tf_config:
        return env.strategy, "", 0
    try:
        task = json.loads(tf_config).get("task", {})
    except json.JSONDecodeError:
        raise ValueError(f"TF_CONFIG must be JSON, but received {tf_config!r}.") from None
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    return strategy, str(task.get("type", "worker")), int(task.get("index", 0))


def _multi_worker_trainer(keras, model, element_spec):
    """The GPT's layers in a model whose ``fit`` works under ``MultiWorkerMirroredStrategy``.

    Keras 3's ``fit`` (3.15 at least) fails on several workers in two places
    (keras-team/keras#20585, open): before training it averages a first
    distributed ``(x, y)`` batch over the workers to learn the input shapes,
    which the strategy cannot do for a pair ("Attempt to convert a value
    (PerReplica…) … to a Tensor"); and after each step it averages the logs
    with ``strategy.reduce("MEAN", value, axis=0)``, which fails for a scalar
    loss. This model shares every layer (and weight) with ``model``; it
    learns the shapes from the dataset's ``element_spec`` instead, and
    returns each log as a vector of one value, whose mean over the workers
    is the scalar Keras expects. The training itself is Keras's own.
    """

    class MultiWorkerTrainer(keras.Model):
        def _maybe_symbolic_build(self, iterator=None, data_batch=None):
            return super()._maybe_symbolic_build(data_batch=element_spec)

        def train_step(self, data):
            logs = super().train_step(data)
            return {k: keras.ops.reshape(v, (1,)) for k, v in logs.items()}

        def test_step(self, data):
            logs = super().test_step(data)
            return {k: keras.ops.reshape(v, (1,)) for k, v in logs.items()}

    return MultiWorkerTrainer(model.input, model.output, name=model.name)


def _data_parallel_adamw(keras, tf, grad_clip: float, **kwargs):
    """AdamW whose step does not depend on how the batch is split over replicas.

    Under a ``tf.distribute`` strategy each replica computes the gradient of
    its share of the batch (its loss divided by the number of replicas ``n``)
    and Keras 3 sums them inside the optimiser's update. Two parts of Keras's
    step come *before* that sum, so they would see one replica's share rather
    than the batch's gradient:

    - gradient clipping (``clipnorm``, ``global_clipnorm``) clips each share;
    - a gradient that is a ``tf.IndexedSlices`` (the position embeddings,
      looked up with a gather) is summed by concatenation, so each row appears
      ``n`` times, and Adam's sparse update squares the ``n`` shares
      separately: its second moment gets ``Σ g_r²`` instead of ``(Σ g_r)²``,
      which made the first step of those rows up to √n times too long.

    Here every gradient is made dense, and with clipping on and ``n > 1`` the
    shares are summed first (one more all-reduce), the sum clipped to a global
    norm of ``grad_clip`` (nanoGPT's ``grad_clip``, PyTorch's
    ``clip_grad_norm_``) and handed back as ``n`` equal parts, which Keras's own
    sum adds up again (exactly, for ``n`` a power of two). With one replica it
    is AdamW with ``global_clipnorm=grad_clip``.
    """

    class DataParallelAdamW(keras.optimizers.AdamW):
        def apply(self, grads, trainable_variables=None):
            grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g
                     for g in grads]
            if grad_clip:
                context = tf.distribute.get_replica_context()
                n = 1 if context is None else int(context.num_replicas_in_sync)
                present = [i for i, g in enumerate(grads) if g is not None]
                values = [grads[i] for i in present]
                if n > 1:
                    values = context.all_reduce("SUM", values)
                values, _ = tf.clip_by_global_norm(values, grad_clip)
                if n > 1:
                    values = [v / n for v in values]
                for i, v in zip(present, values):
                    grads[i] = v
            return super().apply(grads, trainable_variables)

    return DataParallelAdamW(**kwargs)


class _StopAtStep:
    """A callback factory: stop ``fit`` after the run's last step (mid-epoch)."""

    @staticmethod
    def make(keras, steps: int, steps_per_epoch: int):
        class StopAtStep(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self._epoch = epoch

            def on_train_batch_end(self, batch, logs=None):
                if self._epoch * steps_per_epoch + batch + 1 >= steps:
                    self.model.stop_training = True

        return StopAtStep()


def _versions() -> dict:
    from bmlearn._version import __version__
    from bmlearn.quiet import import_keras, import_tensorflow

    return {"bmlearn": __version__, "tensorflow": import_tensorflow().__version__,
            "keras": import_keras().__version__, "numpy": np.__version__,
            "python": platform.python_version()}


#: The add-α values tried for the tuned bigram baseline.
BIGRAM_ALPHAS = (1.0, 0.3, 0.1, 0.03, 0.01)


@functools.lru_cache(maxsize=None)
def _baselines(corpus: Corpus, n_val: int) -> dict:
    """The n-gram baselines on ``val_ids``, fitted to the training ids.

    ``uniform`` is ``ln V``; ``unigram`` and ``bigram`` are add-one
    (Laplace) models, :class:`~bmlearn.text.NGramModel`'s default; add-one
    smoothing spreads a lot of probability over the ``V²`` pairs of a large
    vocabulary, so ``bigram_tuned`` is the stronger bigram whose α (from
    :data:`BIGRAM_ALPHAS`) scores best on the last 10% of the *training* ids
    when fitted to the first 90%, then refitted to all of them. Scored on the
    first ``n_val`` validation ids.
    """
    from bmlearn.text import NGramModel

    val_ids = corpus.val_ids[:n_val]
    train_ids, vocab = corpus.train_ids, corpus.vocab_size
    cut = int(0.9 * train_ids.size)
    held_out = {a: NGramModel(2, vocab, alpha=a).fit(train_ids[:cut]).cross_entropy(train_ids[cut:])
                for a in BIGRAM_ALPHAS}
    alpha = min(held_out, key=held_out.get)
    return {
        "uniform": math.log(vocab),
        "unigram": NGramModel(1, vocab).fit(train_ids).cross_entropy(val_ids),
        "bigram": NGramModel(2, vocab).fit(train_ids).cross_entropy(val_ids),
        "bigram_tuned": NGramModel(2, vocab, alpha=alpha).fit(train_ids).cross_entropy(val_ids),
        "bigram_tuned_alpha": alpha,
    }


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def pretrain(
    corpus: str,
    size: str,
    out_dir,
    *,
    steps: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    resume: bool = True,
    checkpoint_every: int = 100,
    eval_batches: int = 8,
    max_val_tokens: int | None = None,
    learning_rate: float | None = None,
    env=None,
    callbacks=(),
    verbose: int = 1,
) -> dict:
    """Pretrain a GPT by next-token prediction and save it with its tokenizer and results.

    See the module's documentation for the corpora, sizes, files written and
    how a run resumes.

    Args:
        corpus: ``"kjv"``, ``"reviews"`` or ``"markov"``.
        size: ``"tiny"``, ``"mini"``, ``"nanogpt"`` or ``"gpt2-small"``.
        out_dir: the output folder (created).
        steps: optimiser steps (default: the size's).
        batch_size: windows per step, over all replicas (default: the size's).
        seed: the seed of the weights, the data order and dropout.
        resume: continue from the checkpoint in ``out_dir/backup`` if there is
            one (``False`` deletes it and starts again).
        checkpoint_every: steps between checkpoints (and between the
            validation losses logged to TensorBoard); one Keras epoch.
        eval_batches: batches of validation windows scored after each
            checkpoint interval, for the logs (0: none).
        max_val_tokens: score the final validation loss on the first
            ``max_val_tokens`` tokens of the validation text only (default:
            all of it), for quick runs and tests.
        learning_rate: peak learning rate (default: the size's).
        env: a :class:`bmlearn.Runtime` from :func:`bmlearn.setup`; ``None``
            calls ``setup(seed=seed, verbose=False)``.
        callbacks: more Keras callbacks for ``fit`` (e.g.
            :class:`bmlearn.train.InterruptTraining` to test resumption).
        verbose: 1 shows Keras's progress bar, 2 one line per checkpoint
            interval, 0 nothing.

    Returns:
        The contents of ``result.json``: ``val_loss`` (nats per token on the
        whole validation text), ``baselines`` (``uniform``, ``unigram``,
        ``bigram`` (add-one) and ``bigram_tuned`` (α chosen on held-out
        training text, ``bigram_tuned_alpha``) on the same text),
        ``val_tokens_scored``, ``train_seconds``, ``tokens_seen``,
        ``tokens_per_second``, ``steps``, ``resumed_from_step``,
        ``final_train_loss``, ``device`` and ``out_dir`` (not in the file).

    Raises:
        ValueError: for an unknown corpus or size, a size or step count that
            is not a positive integer, a negative seed, or a batch size not
            divisible by the number of replicas.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as out:  # doctest: +SKIP
        ...     result = pretrain("markov", "tiny", out, steps=20, verbose=0)
        >>> pretrain("markov", "tiny", "unused", steps=-1)
        Traceback (most recent call last):
        ...
        ValueError: steps must be a positive integer, but received -1.
    """
    _choice(corpus, "corpus", CORPORA)
    cfg = size_config(size, steps=steps, batch_size=batch_size, learning_rate=learning_rate)
    seed = check_scalar(seed, "seed", integer=True, low=0)
    checkpoint_every = check_scalar(checkpoint_every, "checkpoint_every", integer=True, low=1)
    eval_batches = check_scalar(eval_batches, "eval_batches", integer=True, low=0)
    if max_val_tokens is not None:
        max_val_tokens = check_scalar(max_val_tokens, "max_val_tokens", integer=True, low=2)
    if not isinstance(resume, bool):
        raise ValueError(f"resume must be True or False, but received {resume!r}.")

    import bmlearn
    from bmlearn import models, train
    from bmlearn.quiet import import_keras, import_tensorflow

    if env is None:
        env = bmlearn.setup(seed=seed, verbose=False)
    keras = import_keras()
    strategy, task_type, task_index = _strategy(env)
    out = Path(out_dir)
    if task_index > 0 or task_type not in ("", "chief", "worker"):
        out = out / f"{task_type or 'worker'}-{task_index}"
    out.mkdir(parents=True, exist_ok=True)
    backup = out / "backup"
    if not resume and backup.exists():
        shutil.rmtree(backup)
    replicas = int(strategy.num_replicas_in_sync)
    if cfg["batch_size"] % replicas:
        raise ValueError(f"batch_size must be divisible by the number of replicas, {replicas}, "
                         f"but received {cfg['batch_size']}.")

    data = load_corpus(corpus)
    seq_len, total = cfg["seq_len"], cfg["steps"]
    per_epoch = min(checkpoint_every, total)
    epochs = math.ceil(total / per_epoch)
    first_epoch = 0
    metadata = backup / "training_metadata.json"  # what BackupAndRestore restores from
    if resume and metadata.exists():
        first_epoch = int(json.loads(metadata.read_text())["epoch"])
    first_step = min(first_epoch * per_epoch, total)

    gpt_args = dict(vocab_size=data.vocab_size, seq_len=seq_len, d_model=cfg["d_model"],
                    num_layers=cfg["num_layers"], num_heads=cfg["num_heads"],
                    d_ff=4 * cfg["d_model"], dropout=cfg["dropout"], tie_embeddings=True)
    keras.utils.set_random_seed(seed)
    train_ds = _train_dataset(data.train_ids, seq_len, cfg["batch_size"], total, seed, first_step)
    with strategy.scope():
        model = models.build_gpt(**gpt_args)
        trainer = model
        if isinstance(strategy, import_tensorflow().distribute.MultiWorkerMirroredStrategy):
            trainer = _multi_worker_trainer(keras, model, train_ds.element_spec)
        schedule = train.WarmupCosine(cfg["learning_rate"], total_steps=max(total, 2),
                                      warmup_steps=min(cfg["warmup_steps"], max(total, 2) - 1),
                                      final_learning_rate=min(cfg["final_learning_rate"],
                                                              cfg["learning_rate"]))
        optimizer = _data_parallel_adamw(keras, import_tensorflow(), cfg["grad_clip"],
                                         learning_rate=schedule,
                                         weight_decay=cfg["weight_decay"], beta_1=0.9,
                                         beta_2=cfg["beta_2"])
        # nanoGPT's rule: decay the matrices (kernels, token and position embeddings), not
        # the biases and layer-norm parameters.
        optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
        trainer.compile(optimizer=optimizer,
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      jit_compile=bool(env.jit_compile) and not env.deterministic)

    val_ds = None
    if eval_batches:
        n_val = (data.val_ids.size - 1) // seq_len
        val_bs = min(cfg["batch_size"], n_val)
        val_ds = train.next_token_dataset(data.val_ids, seq_len, val_bs, shuffle=False)
        val_ds = val_ds.take(eval_batches)
    fit_callbacks = [
        keras.callbacks.BackupAndRestore(str(backup), save_freq="epoch"),
        train.ReseedEachEpoch(),
        _StopAtStep.make(keras, total, per_epoch),
        keras.callbacks.TensorBoard(str(out / "logs"), update_freq="epoch"),
        *callbacks,
    ]
    started = time.perf_counter()
    history = trainer.fit(train_ds, epochs=epochs, steps_per_epoch=per_epoch,
                        initial_epoch=first_epoch, validation_data=val_ds,
                        callbacks=fit_callbacks, shuffle=False, verbose=verbose)
    seconds = time.perf_counter() - started
    trained_steps = total - first_step
    losses = history.history.get("loss", [])

    val_ids = data.val_ids if max_val_tokens is None else data.val_ids[:max_val_tokens]
    val_loss = train.lm_cross_entropy(model, val_ids, seq_len, batch_size=64)
    tokens_seen = total * cfg["batch_size"] * seq_len
    # The weights alone (a model's save_weights also writes the optimiser's moments: 3x the size)
    weights_only = models.build_gpt(**gpt_args)
    weights_only.set_weights(model.get_weights())
    weights_only.save_weights(str(out / "model.weights.h5"))
    data.tokenizer.save(out / "tokenizer.json")
    tokenizer_kind = "bpe" if type(data.tokenizer).__name__ == "BPETokenizer" else "char"
    config = {
        "corpus": corpus,
        "size": size,
        "model": gpt_args,
        "tokenizer": {"kind": tokenizer_kind, "vocab_size": int(data.tokenizer.vocab_size),
                      "eot_id": data.eot_id, "file": "tokenizer.json"},
        "training": {
            "steps": total, "batch_size": cfg["batch_size"], "seq_len": seq_len,
            "tokens_seen": tokens_seen, "seed": seed, "optimizer": "AdamW",
            "learning_rate": cfg["learning_rate"],
            "final_learning_rate": min(cfg["final_learning_rate"], cfg["learning_rate"]),
            "warmup_steps": min(cfg["warmup_steps"], max(total, 2) - 1),
            "schedule": "WarmupCosine", "weight_decay": cfg["weight_decay"], "beta_1": 0.9,
            "beta_2": cfg["beta_2"], "grad_clip": cfg["grad_clip"], "checkpoint_every": per_epoch,
            "precision": env.precision, "deterministic": bool(env.deterministic),
            "jit_compile": bool(env.jit_compile) and not env.deterministic,
            "strategy": type(strategy).__name__, "replicas": replicas,
        },
        "data": {"source": data.source, "train_tokens": int(data.train_ids.size),
                 "val_tokens": int(data.val_ids.size), "val_text": data.val_text},
        "versions": _versions(),
    }
    result = {
        "val_loss": val_loss,
        "baselines": dict(_baselines(data, int(val_ids.size))),
        "unit": "nats per token",
        "val_tokens_scored": int(val_ids.size),
        "final_train_loss": float(losses[-1]) if losses else None,
        "steps": total,
        "resumed_from_step": first_step,
        "tokens_seen": tokens_seen,
        "train_seconds": seconds,
        "tokens_per_second": trained_steps * cfg["batch_size"] * seq_len / max(seconds, 1e-9),
        "device": "; ".join(str(d) for d in env.devices[:1]) or "CPU",
        "out_dir": str(out),
    }
    _write_json(out / "config.json", config)
    _write_json(out / "result.json", {k: v for k, v in result.items() if k != "out_dir"})
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bmlearn.pretrain",
        description="Pretrain a GPT on a named corpus at a named size; write its weights, "
                    "tokenizer, config, TensorBoard logs and validation loss to --out. "
                    "Interrupted runs continue from their last checkpoint when started again. "
                    "Set TF_CONFIG to train on several machines (MultiWorkerMirroredStrategy).")
    parser.add_argument("--corpus", required=True, help="one of: " + ", ".join(CORPORA))
    parser.add_argument("--size", required=True, help="one of: " + ", ".join(SIZES))
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--steps", type=int, default=None, help="optimiser steps")
    parser.add_argument("--batch-size", type=int, default=None, help="global batch (windows)")
    parser.add_argument("--learning-rate", type=float, default=None, help="peak learning rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-every", type=int, default=100,
                        help="steps between checkpoints")
    parser.add_argument("--eval-batches", type=int, default=8,
                        help="validation batches after each checkpoint interval (TensorBoard)")
    parser.add_argument("--max-val-tokens", type=int, default=None,
                        help="score the final validation loss on this many tokens (default: all)")
    parser.add_argument("--no-resume", action="store_true",
                        help="discard an existing checkpoint and start again")
    parser.add_argument("--precision", default=None,
                        help="float32, mixed_float16 or mixed_bfloat16 (default: bmlearn.setup's)")
    parser.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2))
    return parser


def _check_args(args) -> None:
    """Raise ``ValueError`` for bad command-line values, before anything is loaded."""
    _choice(args.corpus, "corpus", CORPORA)
    size_config(args.size, steps=args.steps, batch_size=args.batch_size,
                learning_rate=args.learning_rate)
    check_scalar(args.seed, "seed", integer=True, low=0)
    check_scalar(args.checkpoint_every, "checkpoint_every", integer=True, low=1)


def main(argv=None) -> dict:
    """The command line: ``python -m bmlearn.pretrain --corpus C --size S --out DIR [...]``.

    Args:
        argv: the arguments (default ``sys.argv[1:]``).

    Returns:
        :func:`pretrain`'s result, which is also printed.

    Raises:
        ValueError: as :func:`pretrain` (run as a command, it prints the
            message and exits with status 2 instead).

    Example:
        >>> main(["--corpus", "kjv", "--size", "tiny", "--out", "unused", "--steps", "-3"])
        Traceback (most recent call last):
        ...
        ValueError: steps must be a positive integer, but received -3.
    """
    args = _parser().parse_args(argv)
    _check_args(args)
    import bmlearn

    env = bmlearn.setup(seed=args.seed, mixed_precision=args.precision,
                        verbose=args.verbose > 0)
    result = pretrain(args.corpus, args.size, args.out, steps=args.steps,
                      batch_size=args.batch_size, seed=args.seed, resume=not args.no_resume,
                      checkpoint_every=args.checkpoint_every, eval_batches=args.eval_batches,
                      max_val_tokens=args.max_val_tokens,
                      learning_rate=args.learning_rate, env=env, verbose=args.verbose)
    if args.verbose:
        base = result["baselines"]
        print(f"validation loss {result['val_loss']:.4f} nats/token "
              f"(uniform {base['uniform']:.4f}, "
              f"unigram {base['unigram']:.4f}, bigram {base['bigram']:.4f}, tuned bigram "
              f"{base['bigram_tuned']:.4f}); {result['train_seconds']:.0f} s, "
              f"{result['tokens_per_second']:,.0f} tokens/s; written to {result['out_dir']}")
    return result


if __name__ == "__main__":  # pragma: no cover - the command line
    try:
        _check_args(_parser().parse_args())
    except ValueError as err:
        _parser().error(str(err))  # usage, the message, exit status 2
    main()
