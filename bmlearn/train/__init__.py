"""Training: input pipelines, learning-rate schedules and callbacks.

One concept per module, all re-exported here:

- :mod:`~bmlearn.train.pipeline`: :func:`make_dataset`, a ``tf.data`` input
  pipeline from NumPy arrays or pandas frames (cache, shuffle, batch,
  prefetch).
- :mod:`~bmlearn.train.schedules`: :class:`WarmupCosine`, a learning rate
  with linear warmup and cosine decay.
- :mod:`~bmlearn.train.callbacks`: :class:`InterruptTraining` (simulates a
  lost session), :class:`ReseedEachEpoch` (ties dropout and shuffling to the
  epoch number, so that a resumed run repeats an uninterrupted one) and
  :class:`ThroughputMeter` (samples per second without the warm-up).

Evaluation lives in :mod:`bmlearn.evaluation`, hyperparameter search in
:mod:`bmlearn.tuning`, pruning and quantization in :mod:`bmlearn.compression`,
and the training benchmark in :mod:`bmlearn.bench`.

Bad input (NaN or infinity, ``x`` and ``y`` of different lengths, labels
outside the class range) is rejected with a :class:`ValueError` that names the
problem.
"""

from bmlearn.train.callbacks import (
    InterruptTraining,
    ReseedEachEpoch,
    ThroughputMeter,
    TrainingInterrupted,
)
from bmlearn.train.pipeline import make_dataset
from bmlearn.train.schedules import WarmupCosine

__all__ = [
    "InterruptTraining",
    "ReseedEachEpoch",
    "ThroughputMeter",
    "TrainingInterrupted",
    "WarmupCosine",
    "make_dataset",
]
