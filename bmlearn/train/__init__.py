"""Training: input pipelines, learning-rate schedules and callbacks.

One concept per module, all re-exported here:

- :mod:`~bmlearn.train.pipeline`: :func:`make_dataset`, a ``tf.data`` input
  pipeline from NumPy arrays or pandas frames (cache, shuffle, batch,
  prefetch).
- :mod:`~bmlearn.train.language_model`: :func:`next_token_dataset` and
  :func:`next_token_windows` (a token stream cut into next-token windows) and
  :func:`lm_cross_entropy` (a language model's nats per token on a text).
- :mod:`~bmlearn.train.schedules`: :class:`WarmupCosine`, a learning rate
  with linear warmup and cosine decay.
- :mod:`~bmlearn.train.dp_sgd`: differentially private SGD written out:
  :func:`per_example_gradients`, :func:`clip_gradients`, :func:`dp_gradient` (clipped, summed,
  noised, averaged), :func:`poisson_batches` and :func:`fit_dp_sgd`; the privacy accounting is in
  :mod:`bmlearn.privacy`.
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
from bmlearn.train.dp_sgd import (
    clip_gradients,
    dp_gradient,
    fit_dp_sgd,
    per_example_gradients,
    poisson_batches,
)
from bmlearn.train.language_model import lm_cross_entropy, next_token_dataset, next_token_windows
from bmlearn.train.pipeline import make_dataset
from bmlearn.train.schedules import WarmupCosine

__all__ = [
    "InterruptTraining",
    "ReseedEachEpoch",
    "ThroughputMeter",
    "TrainingInterrupted",
    "WarmupCosine",
    "clip_gradients",
    "dp_gradient",
    "fit_dp_sgd",
    "lm_cross_entropy",
    "make_dataset",
    "next_token_dataset",
    "next_token_windows",
    "per_example_gradients",
    "poisson_batches",
]
