"""bmlearn: the library behind the bmlearn course on large models.

Lessons start with::

    import bmlearn as bm
    env = bm.setup()

Submodules are imported on first use, so ``import bmlearn`` is fast and does
not import TensorFlow; :mod:`bmlearn.math` never imports it at all.

What each module holds, one concept each:

- :func:`setup` (:mod:`bmlearn.runtime`): devices, strategy, precision, seeds, profile;
  :mod:`bmlearn.overrides`: the environment variables that override its choices;
  :mod:`bmlearn.profiles`: the quick and full profiles.
- :mod:`bmlearn.data`: the course's data sets, offline, with fixed splits.
- :mod:`bmlearn.models`: Keras model builders (``build_mlp``, ``build_cnn``, ``build_gpt``).
- :mod:`bmlearn.layers`: Keras layers of the transformer (token and position embedding,
  the pre-layer-norm transformer block with a key/value cache).
- :mod:`bmlearn.text`: tokenizers (characters, byte-level BPE; no TensorFlow) and
  ``generate``, sampling from a GPT with a key/value cache.
- :mod:`bmlearn.scaling`: parameter, compute, memory and time calculators, checked against
  published figures (no TensorFlow).
- :mod:`bmlearn.pretrain`: ``python -m bmlearn.pretrain``, pretraining a GPT on a named corpus at
  a named size (progress bar, TensorBoard, resumable checkpoints, several GPUs or machines);
  :mod:`bmlearn.pretrained`: loading the small bodies bmlearn ships, or any folder it wrote.
- :mod:`bmlearn.math`: from-scratch NumPy math, verified against TensorFlow.
- :mod:`bmlearn.train`: input pipelines, learning-rate schedules, callbacks.
- :mod:`bmlearn.evaluation`: metrics, thresholds and class weights for imbalanced problems.
- :mod:`bmlearn.comparison`: McNemar's test for two classifiers on one test set.
- :mod:`bmlearn.baselines`: scikit-learn baselines to compare models with.
- :mod:`bmlearn.attribution`: integrated gradients, which inputs drive one prediction.
- :mod:`bmlearn.quantile`: the quantile (pinball) loss, in NumPy and as a Keras loss.
- :mod:`bmlearn.forecasting`: forecast baselines and metrics (seasonal naive, MASE, MAPE) and
  safety stock, no TensorFlow.
- :mod:`bmlearn.recommendation`: top-k recommendation baselines (most popular, item-kNN) and
  ranking metrics (recall@k, NDCG@k), no TensorFlow.
- :mod:`bmlearn.business`: what a model costs to train and serve, what a use case is worth,
  build / fine-tune / buy, fairness gaps (no TensorFlow).
- :mod:`bmlearn.privacy`: differential privacy's accounting and clipping, and membership
  inference (no TensorFlow).
- :mod:`bmlearn.tuning`: KerasTuner searches as tables.
- :mod:`bmlearn.compression`: pruning and quantization for deployment.
- :mod:`bmlearn.numerics`: machine epsilon and rounding-error bounds per dtype.
- :mod:`bmlearn.plot`: plots used across lessons.
- :mod:`bmlearn.bench`: the training benchmark, ``python -m bmlearn.bench``.
- :mod:`bmlearn.testing`: checks every custom Keras layer and schedule must pass.
- :mod:`bmlearn.validation`: the one place where input is checked.
- :mod:`bmlearn.notebook`: ``glue`` for lesson notebooks; :mod:`bmlearn.course`: the
  course's repository and install cell; :mod:`bmlearn.quiet`: TensorFlow and Keras,
  imported without their log noise; :mod:`bmlearn.versions`: the oldest TensorFlow
  and Keras the course is tested on.

Where new code goes (large models, use cases, business):

- ``bmlearn/layers/``: Keras layers, one class per module, registered serialisable,
  each tested with :func:`bmlearn.testing.check_layer`;
- ``bmlearn/text/``: tokenizers (pure Python and NumPy) and generation (which drives
  a Keras model, so it imports Keras only when called);
- ``bmlearn/scaling.py``: parameter, compute and memory calculators (no TensorFlow);
- ``bmlearn/models/<name>.py``: model builders, such as ``gpt.py``;
- ``bmlearn/data/<source>.py``: one module per data source or generator;
- ``bmlearn/business/``: cost, value and risk calculators (no TensorFlow);
- ``bmlearn/math/``: the NumPy twins of new layers, such as layer norm and a
  transformer block.
"""

from __future__ import annotations

import importlib

from bmlearn._version import __version__
from bmlearn.runtime import Runtime, setup

_SUBMODULES = (
    "attribution", "baselines", "bench", "comparison", "compression", "course", "data", "evaluation",
    "forecasting", "layers",
    "math", "models", "notebook", "numerics", "overrides", "plot", "pretrain", "pretrained", "profiles",
    "business", "privacy", "quantile", "quiet", "recommendation", "runtime",
    "scaling", "testing", "text", "train", "tuning", "validation", "versions",
)

__all__ = ["__version__", "Runtime", "setup", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"bmlearn.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'bmlearn' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
