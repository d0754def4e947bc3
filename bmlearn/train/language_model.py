"""Training and scoring a language model on one long stream of token ids.

A language model learns from windows of a token stream: the input is ``seq_len``
tokens, the target is the same window shifted by one, so every position is a
next-token prediction (``y[t] = x[t + 1]``). :func:`next_token_dataset` cuts a
stream into such windows for ``model.fit``; :func:`lm_cross_entropy` scores a
model on a whole text, every token predicted once, in nats per token, the
number that the lessons compare with the uniform, unigram and bigram baselines
(:class:`bmlearn.text.NGramModel`) and with a source's true entropy.
"""

from __future__ import annotations

import numpy as np

from bmlearn.quiet import import_tensorflow
from bmlearn.validation import check_scalar

__all__ = ["lm_cross_entropy", "next_token_dataset", "next_token_windows"]


def _check_ids(ids, name: str, seq_len: int) -> np.ndarray:
    """A 1-D int32 array of non-negative token ids, long enough for one window; or raise."""
    arr = np.asarray(ids)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be a 1-D array of integer token ids, but received an "
                         f"array of shape {arr.shape} and dtype {arr.dtype}.")
    if arr.size < seq_len + 1:
        raise ValueError(f"{name} must hold at least seq_len + 1 = {seq_len + 1} tokens, but "
                         f"received {arr.size}.")
    if arr.min() < 0:
        raise ValueError(f"{name} must hold token ids >= 0, but received {int(arr.min())}.")
    return arr.astype(np.int32)


def next_token_windows(ids, seq_len: int, *, stride: int | None = None):
    """Cut a token stream into next-token windows ``(x, y)`` with ``y[:, t] = x[:, t + 1]``.

    Args:
        ids: the token stream, a 1-D integer array.
        seq_len: tokens per window (the model's context), a positive integer.
        stride: tokens between the starts of two windows (default ``seq_len``:
            windows that do not overlap, so every token is a target once).

    Returns:
        ``(x, y)``, two int32 arrays of shape ``(n_windows, seq_len)`` with
        ``n_windows = (len(ids) - seq_len - 1) // stride + 1``.

    Raises:
        ValueError: if ``ids`` is not a 1-D array of non-negative integers
            with at least ``seq_len + 1`` of them, or a size is not a positive
            integer.

    Example:
        >>> x, y = next_token_windows(np.arange(10), seq_len=4)
        >>> x.tolist()
        [[0, 1, 2, 3], [4, 5, 6, 7]]
        >>> y.tolist()
        [[1, 2, 3, 4], [5, 6, 7, 8]]
        >>> next_token_windows(np.arange(3), seq_len=4)
        Traceback (most recent call last):
        ...
        ValueError: ids must hold at least seq_len + 1 = 5 tokens, but received 3.
    """
    seq_len = check_scalar(seq_len, "seq_len", integer=True, low=1)
    stride = seq_len if stride is None else check_scalar(stride, "stride", integer=True, low=1)
    arr = _check_ids(ids, "ids", seq_len)
    starts = np.arange(0, arr.size - seq_len, stride)
    index = starts[:, None] + np.arange(seq_len)[None, :]
    return arr[index], arr[index + 1]


def next_token_dataset(ids, seq_len: int, batch_size: int, *, shuffle: bool = True,
                       seed: int = 0, stride: int | None = None, repeat: bool = False):
    """A ``tf.data`` pipeline of next-token windows for ``model.fit``.

    The windows of :func:`next_token_windows` (each a random-access slice of
    the stream, so nothing is copied per window), shuffled with a new order
    every epoch when ``shuffle``, in batches of ``batch_size`` (a last,
    smaller batch is dropped so that every step has the same shape and XLA
    compiles one step), prefetched.

    Args:
        ids: the token stream, a 1-D integer array.
        seq_len: tokens per window, a positive integer.
        batch_size: windows per batch, a positive integer no larger than the
            number of windows.
        shuffle: shuffle the windows, with a new order every epoch.
        seed: the shuffling seed.
        stride: tokens between window starts (default ``seq_len``); a smaller
            stride makes more, overlapping windows from the same text.
        repeat: repeat forever (train with ``steps_per_epoch``).

    Returns:
        A ``tf.data.Dataset`` of ``(x, y)`` int32 batches of shape
        ``(batch_size, seq_len)``.

    Raises:
        ValueError: as :func:`next_token_windows`, or if ``batch_size`` is
            larger than the number of windows.

    Example:
        >>> ds = next_token_dataset(np.arange(100), seq_len=8, batch_size=4, shuffle=False)
        >>> x, y = next(iter(ds))
        >>> tuple(x.shape), int(x[1, 0]), int(y[1, 0])
        ((4, 8), 8, 9)
        >>> len(ds)  # 12 windows of 8 (the 13th would need a 105th token), 3 batches of 4
        3
    """
    tf = import_tensorflow()
    seq_len = check_scalar(seq_len, "seq_len", integer=True, low=1)
    batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
    stride = seq_len if stride is None else check_scalar(stride, "stride", integer=True, low=1)
    seed = check_scalar(seed, "seed", integer=True, low=0)
    arr = _check_ids(ids, "ids", seq_len)
    starts = np.arange(0, arr.size - seq_len, stride, dtype=np.int64)
    if batch_size > starts.size:
        raise ValueError(f"batch_size must be at most the number of windows, {starts.size}, but "
                         f"received {batch_size}.")
    stream = tf.constant(arr)
    offsets = tf.range(seq_len + 1, dtype=tf.int64)

    def window(start):
        chunk = tf.gather(stream, start + offsets)
        return chunk[:-1], chunk[1:]

    ds = tf.data.Dataset.from_tensor_slices(starts)
    if shuffle:
        ds = ds.shuffle(starts.size, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.map(window, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def lm_cross_entropy(model, ids, seq_len: int, *, batch_size: int = 64,
                     max_tokens: int | None = None) -> float:
    """A language model's mean cross-entropy on a text, in nats per predicted token.

    The text is cut into windows that do not overlap (:func:`next_token_windows`),
    so every token after the first is predicted once, from the tokens before
    it in its window (between 0 and ``seq_len - 1`` of them, as in training).
    The log-softmax is taken in float64 from the model's logits, whatever the
    precision the model computes in. Divide by ``ln 2`` for bits per token;
    ``exp`` of it is the perplexity.

    Args:
        model: a Keras model from token ids ``(batch, seq_len)`` to logits
            ``(batch, seq_len, vocab_size)``.
        ids: the text's token ids, a 1-D integer array.
        seq_len: window length, at most the model's context.
        batch_size: windows per forward pass.
        max_tokens: score only the first ``max_tokens`` tokens (for speed);
            ``None`` scores them all.

    Returns:
        The mean of ``-log p(token | context)`` over the predicted tokens, a float.

    Raises:
        ValueError: for bad ids or sizes, or token ids outside the model's vocabulary.

    Example:
        >>> import keras
        >>> inputs = keras.Input((None,), dtype="int32")
        >>> uniform = keras.Model(inputs, keras.ops.zeros_like(  # equal logits for 5 tokens
        ...     keras.ops.repeat(keras.ops.expand_dims(keras.ops.cast(inputs, "float32"), -1), 5, -1)))
        >>> print(f"{lm_cross_entropy(uniform, np.arange(50) % 5, seq_len=8):.6f} = ln 5 = {np.log(5):.6f}")
        1.609438 = ln 5 = 1.609438
    """
    seq_len = check_scalar(seq_len, "seq_len", integer=True, low=1)
    batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
    arr = _check_ids(ids, "ids", seq_len)
    if max_tokens is not None:
        max_tokens = check_scalar(max_tokens, "max_tokens", integer=True, low=seq_len + 1)
        arr = arr[:max_tokens]
    vocab = getattr(model, "output_shape", (None,))[-1]
    if vocab is not None and arr.max() >= vocab:
        raise ValueError(f"ids must be below the model's vocabulary size {vocab}, but "
                         f"received {int(arr.max())}.")
    x, y = next_token_windows(arr, seq_len)
    total, count = 0.0, 0
    for start in range(0, len(x), batch_size):
        logits = np.asarray(model(x[start:start + batch_size], training=False), dtype=np.float64)
        target = y[start:start + batch_size]
        top = logits.max(axis=-1, keepdims=True)
        log_z = np.log(np.exp(logits - top).sum(axis=-1)) + top[..., 0]
        picked = np.take_along_axis(logits, target[..., None], axis=-1)[..., 0]
        total += float((log_z - picked).sum())
        count += target.size
    return total / count
