"""``tf.data`` input pipelines from NumPy arrays and pandas frames."""

from __future__ import annotations

import numpy as np

from bmlearn.quiet import import_tensorflow
from bmlearn.validation import (
    as_finite_array,
    check_labels,
    check_scalar,
    check_same_length,
)

__all__ = ["make_dataset"]


def _to_numpy(values, name: str, dtype):
    """pandas objects to NumPy, then the usual finite-number checks."""
    if hasattr(values, "to_numpy"):  # pandas DataFrame or Series
        values = values.to_numpy()
    return as_finite_array(values, name, min_ndim=1, dtype=dtype)


def make_dataset(
    x,
    y=None,
    batch_size: int = 32,
    *,
    shuffle: bool = False,
    seed: int = 0,
    cache: bool = True,
    prefetch: bool = True,
    num_classes: int | None = None,
    one_hot: bool = False,
    preprocess=None,
    augment=None,
    drop_remainder: bool = False,
    epoch=None,
):
    """Build a ``tf.data`` pipeline from arrays or pandas objects.

    The stages: slices → preprocess → cache → shuffle → batch → augment →
    prefetch.

    The order follows the ``tf.data`` performance guide: an expensive,
    deterministic ``preprocess`` runs once and is cached; shuffling comes
    after the cache so that every epoch sees a new order; batching comes
    after shuffling so that batches differ between epochs; random
    augmentation comes after the cache, so that it differs every epoch, and
    works on whole batches; prefetching comes last so that the next batch is
    prepared while the model trains on the current one.

    Args:
        x: inputs, one sample per row: a NumPy array, a nested list, or a
            pandas ``DataFrame``. Converted to float32.
        y: labels or targets, one per sample (array, list or pandas
            ``Series``), or ``None`` for an inputs-only pipeline (e.g. for
            ``predict``).
        batch_size: samples per batch.
        shuffle: shuffle the samples, with a new order every epoch.
        seed: the shuffling seed; the same seed gives the same sequence of
            orders.
        cache: keep the (preprocessed) samples in memory after the first
            epoch.
        prefetch: prepare batches in the background (``tf.data.AUTOTUNE``).
        num_classes: with integer class labels, their number: labels are
            checked to lie in ``0 .. num_classes - 1``.
        one_hot: turn the labels into one-hot float32 vectors (needs
            ``num_classes``); use with ``categorical_crossentropy``.
        preprocess: optional function ``(x, y) -> (x, y)`` (or ``x -> x``
            without labels) applied to each sample before the cache.
        augment: optional function applied to each *batch* of inputs after
            batching, ``x -> x`` (labels pass through unchanged), e.g. a
            Keras ``RandomTranslation`` layer called with ``training=True``.
            Doing augmentation here rather than inside the model keeps the
            model compilable with XLA.
        drop_remainder: drop a last, smaller batch.
        epoch: ``None``, or an int64 ``tf.Variable`` that holds the current
            epoch, such as :attr:`bmlearn.train.ReseedEachEpoch.epoch`. With
            ``shuffle=True`` the order of each pass then depends only on
            ``seed`` and the variable's value when the pass starts, not on
            how many passes came before, so a training run resumed at epoch
            ``e`` sees the same batches as an uninterrupted one. The arrays
            are then indexed in memory: ``cache`` has no effect and
            ``preprocess`` is not allowed.

    Returns:
        A ``tf.data.Dataset`` of ``(x, y)`` batches, or of ``x`` batches when
        ``y`` is ``None``.

    Raises:
        ValueError: if ``x`` or ``y`` holds NaN or infinity, if they hold
            different numbers of samples, if a label lies outside
            ``0 .. num_classes - 1``, if ``one_hot`` is asked without
            ``num_classes``, ``preprocess`` together with ``epoch``, or a
            batch size that is not a positive integer.

    Example:
        >>> x = np.arange(10, dtype="float32").reshape(5, 2)
        >>> ds = make_dataset(x, [0, 1, 0, 1, 1], batch_size=2, num_classes=2)
        >>> [len(xb) for xb, yb in ds]
        [2, 2, 1]
        >>> make_dataset(x, [0, 1, 2, 1, 1], num_classes=2)
        Traceback (most recent call last):
        ...
        ValueError: y must hold class labels in 0..1, but received values from 0 to 2.
    """
    batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
    seed = check_scalar(seed, "seed", integer=True, low=0)
    if one_hot and num_classes is None:
        raise ValueError("one_hot=True needs num_classes, but received num_classes=None.")
    xs = _to_numpy(x, "x", np.float32)
    ys = None
    if y is not None:
        if hasattr(y, "to_numpy"):
            y = y.to_numpy()
        check_same_length(xs, y)
        if num_classes is not None:
            ys = check_labels(y, num_classes)
            if one_hot:
                ys = np.eye(num_classes, dtype=np.float32)[ys]
        else:
            ys = _to_numpy(y, "y", None)
            if np.issubdtype(ys.dtype, np.floating):
                ys = ys.astype(np.float32)
    elif num_classes is not None:
        raise ValueError("num_classes was given but y is None: there are no labels to check.")
    if epoch is not None and preprocess is not None:
        raise ValueError(
            "preprocess cannot be combined with epoch: preprocess the arrays before building "
            "the pipeline."
        )

    tf = import_tensorflow()
    if shuffle and epoch is not None:
        ds = _epoch_shuffled(tf, xs if ys is None else (xs, ys), len(xs), int(seed), epoch)
    else:
        ds = tf.data.Dataset.from_tensor_slices(xs if ys is None else (xs, ys))
        if preprocess is not None:
            ds = ds.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        if cache:
            ds = ds.cache()
        if shuffle:
            ds = ds.shuffle(len(xs), seed=int(seed), reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if augment is not None:
        if ys is None:
            ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE)
        else:
            ds = ds.map(lambda xb, yb: (augment(xb), yb), num_parallel_calls=tf.data.AUTOTUNE)
    if prefetch:
        ds = ds.prefetch(tf.data.AUTOTUNE)
    return ds


def _epoch_shuffled(tf, arrays, n, seed, epoch):
    """Samples in an order that is a function of (seed, epoch's value) only."""
    if not (hasattr(epoch, "assign") and getattr(epoch, "dtype", None) == tf.int64
            and tuple(epoch.shape) == ()):
        raise ValueError(
            f"epoch must be a scalar int64 tf.Variable, but received {epoch!r}."
        )
    tensors = tf.nest.map_structure(tf.constant, arrays)

    def order(_):
        stateless_seed = tf.stack([tf.constant(seed, tf.int64), epoch.read_value()])
        indices = tf.random.experimental.stateless_shuffle(
            tf.range(n, dtype=tf.int64), seed=stateless_seed
        )
        return tf.data.Dataset.from_tensor_slices(indices)

    # flat_map hides the length; state it, so that Keras knows the steps per epoch.
    indices = tf.data.Dataset.range(1).flat_map(order).apply(
        tf.data.experimental.assert_cardinality(n)
    )
    return indices.map(lambda i: tf.nest.map_structure(lambda t: tf.gather(t, i), tensors))
