"""Training in practice: the helpers behind Part 3 of the course.

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
- :mod:`~bmlearn.train.evaluation`: :func:`binary_metrics`,
  :func:`choose_threshold` and :func:`balanced_class_weight` for imbalanced
  problems.
- :mod:`~bmlearn.train.pruning`: :func:`prune_by_magnitude`,
  :func:`prunable_kernels`, :func:`weight_sparsity` and the
  :class:`KeepPruned` callback.
- :mod:`~bmlearn.train.quantization`: :func:`to_tflite` and
  :func:`tflite_predict`, post-training quantization with TensorFlow Lite, and
  :func:`float32_copy`, which TFLite needs for a mixed-precision model.
- :mod:`~bmlearn.train.tuning`: :func:`tuner_results`, a KerasTuner search as
  a pandas table.
- :mod:`~bmlearn.train.bench`: ``python -m bmlearn.bench train``, plain
  ``fit`` against the fast path.

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
from bmlearn.train.evaluation import balanced_class_weight, binary_metrics, choose_threshold
from bmlearn.train.pipeline import make_dataset
from bmlearn.train.pruning import KeepPruned, prunable_kernels, prune_by_magnitude, weight_sparsity
from bmlearn.train.quantization import float32_copy, tflite_predict, to_tflite
from bmlearn.train.schedules import WarmupCosine
from bmlearn.train.tuning import tuner_results

__all__ = [
    "InterruptTraining",
    "KeepPruned",
    "ReseedEachEpoch",
    "ThroughputMeter",
    "TrainingInterrupted",
    "WarmupCosine",
    "balanced_class_weight",
    "binary_metrics",
    "choose_threshold",
    "float32_copy",
    "make_dataset",
    "prunable_kernels",
    "prune_by_magnitude",
    "tflite_predict",
    "to_tflite",
    "tuner_results",
    "weight_sparsity",
]
