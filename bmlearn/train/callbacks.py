"""Keras callbacks: simulated interruptions, epoch-keyed randomness, throughput."""

from __future__ import annotations

import time

import numpy as np

from bmlearn.quiet import import_keras, import_tensorflow
from bmlearn.validation import check_scalar

keras = import_keras()

__all__ = ["InterruptTraining", "ReseedEachEpoch", "ThroughputMeter", "TrainingInterrupted"]


class TrainingInterrupted(RuntimeError):
    """Raised by :class:`InterruptTraining`: stands in for a lost session.

    Args:
        message: what was interrupted, and where.

    Returns:
        The exception, a ``RuntimeError`` subclass, so that code which
        catches ``RuntimeError`` also catches it.

    Raises:
        Nothing itself: it is what gets raised.

    Example:
        >>> try:
        ...     raise TrainingInterrupted("stopped before batch 3 of epoch 1")
        ... except RuntimeError as err:
        ...     print(type(err).__name__, err)
        TrainingInterrupted stopped before batch 3 of epoch 1
    """


class InterruptTraining(keras.callbacks.Callback):
    """Stop ``fit`` with an exception at a chosen batch of a chosen epoch.

    It simulates what a disconnected Colab session or a pre-empted cloud
    machine does to a training run: the Python process stops in the middle of
    an epoch, and whatever was not saved is lost. Use it to test that a run
    resumes correctly with ``keras.callbacks.BackupAndRestore``.

    Args:
        epoch: the 0-based epoch in which to stop.
        batch: the 0-based batch of that epoch before which to stop.

    Returns:
        A callback for ``fit(callbacks=[...])``; it raises
        :class:`TrainingInterrupted` when training reaches ``(epoch, batch)``,
        once.

    Raises:
        ValueError: if ``epoch`` or ``batch`` is not a non-negative integer.

    Example:
        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> x = np.zeros((8, 1), "float32")
        >>> try:
        ...     model.fit(x, x, epochs=3, batch_size=2, verbose=0,
        ...               callbacks=[InterruptTraining(epoch=1, batch=2)])
        ... except TrainingInterrupted as err:
        ...     print(err)
        training interrupted before batch 2 of epoch 1
    """

    def __init__(self, epoch: int, batch: int = 0):
        super().__init__()
        self.epoch = check_scalar(epoch, "epoch", integer=True, low=0)
        self.batch = check_scalar(batch, "batch", integer=True, low=0)
        self._current_epoch = None
        self.fired = False

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if not self.fired and self._current_epoch == self.epoch and batch == self.batch:
            self.fired = True
            raise TrainingInterrupted(
                f"training interrupted before batch {batch} of epoch {self._current_epoch}"
            )


class ReseedEachEpoch(keras.callbacks.Callback):
    """Make the randomness of training depend on the epoch, not on history.

    Keras layers such as ``Dropout`` and ``RandomTranslation`` draw their
    random numbers from a seed-generator state that advances at every call.
    That state is not part of the weights that
    ``keras.callbacks.BackupAndRestore`` saves, so a resumed run restarts it
    and draws different dropout masks than an uninterrupted run would. At the
    start of every epoch this callback sets each generator's counter to
    ``epoch * 2**20``, keeping its seed: the random numbers of epoch ``e``
    then depend only on the seed and ``e``, and a resumed run repeats the
    uninterrupted one exactly (with deterministic ops). It assumes fewer than
    2**20 random draws per layer and epoch.

    The same holds for the order of the data: the callback keeps the current
    epoch in the variable :attr:`epoch`; pass it to
    :func:`bmlearn.train.make_dataset` (``epoch=callback.epoch``) and each
    epoch's shuffle depends only on the seed and the epoch number.

    Args:
        None.

    Returns:
        A callback for ``fit(callbacks=[...])``, with an ``epoch`` attribute
        (a scalar int64 ``tf.Variable``).

    Raises:
        Nothing.

    Example:
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dropout(0.5),
        ...                           keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> x = np.ones((8, 4), "float32")
        >>> _ = model.fit(x, x[:, :1], epochs=2, batch_size=4, verbose=0,
        ...               callbacks=[ReseedEachEpoch()])
        >>> [int(v.numpy()[1]) for v in model.variables if "seed_generator" in v.path]
        [1048578]
    """

    STRIDE = 2**20

    def __init__(self):
        super().__init__()
        tf = import_tensorflow()
        with tf.init_scope():
            self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch.assign(epoch)
        for variable in self.model.variables:
            if variable.path.endswith("seed_generator_state"):
                state = np.asarray(variable.numpy()).copy()
                state[1] = epoch * self.STRIDE
                variable.assign(state)


class ThroughputMeter(keras.callbacks.Callback):
    """Measure training speed in samples per second, leaving out the warm-up.

    The first steps of ``fit`` include tracing the training function and, with
    ``jit_compile``, compiling it with XLA: seconds that say nothing about the
    speed of training itself. The meter starts its clock when batch
    ``warmup_steps`` begins and stops it when the last batch ends, waiting for
    the device to finish (it reads the loss).

    Args:
        batch_size: samples per batch (every timed batch must be full).
        warmup_steps: how many first steps to leave out.

    Returns:
        A callback for ``fit(callbacks=[...])``. After ``fit``:
        ``steps_timed``, ``seconds`` and ``samples_per_second``.

    Raises:
        ValueError: for a batch size that is not a positive integer or a
            negative ``warmup_steps``.

    Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> meter = ThroughputMeter(batch_size=4, warmup_steps=2)
        >>> x = np.zeros((40, 2), "float32")
        >>> _ = model.fit(x, x[:, :1], epochs=1, batch_size=4, verbose=0, callbacks=[meter])
        >>> meter.steps_timed, meter.samples_per_second > 0
        (8, True)
    """

    def __init__(self, batch_size: int, warmup_steps: int = 5):
        super().__init__()
        self.batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
        self.warmup_steps = check_scalar(warmup_steps, "warmup_steps", integer=True, low=0)
        self._step = 0
        self._start = None
        self._end = None
        self.steps_timed = 0

    def on_train_begin(self, logs=None):
        self._step, self._start, self._end, self.steps_timed = 0, None, None, 0

    def on_train_batch_begin(self, batch, logs=None):
        if self._step == self.warmup_steps:
            self._start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self._step >= self.warmup_steps:
            if logs and "loss" in logs:
                float(np.asarray(logs["loss"]))  # wait for the device
            self._end = time.perf_counter()
            self.steps_timed += 1
        self._step += 1

    @property
    def seconds(self) -> float:
        """Wall-clock seconds of the timed steps (0.0 before any)."""
        if self._start is None or self._end is None:
            return 0.0
        return self._end - self._start

    @property
    def samples_per_second(self) -> float:
        """Samples trained per second over the timed steps (0.0 before any)."""
        if not self.seconds:
            return 0.0
        return self.steps_timed * self.batch_size / self.seconds
