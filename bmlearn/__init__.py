"""bmlearn: the library behind the bmlearn course on large models.

Lessons start with::

    import bmlearn as bm
    env = bm.setup()

Submodules are imported on first use, so ``import bmlearn`` is fast and does
not import TensorFlow; :mod:`bmlearn.math` never imports it at all.

- :func:`setup`: devices, strategy, precision, seeds, profile.
- :mod:`bmlearn.data`: the course's data sets, offline, with fixed splits.
- :mod:`bmlearn.models`: Keras model builders (``build_mlp``, ``build_cnn``).
- :mod:`bmlearn.math`: from-scratch NumPy math, verified against TensorFlow.
- :mod:`bmlearn.baselines`: scikit-learn baselines to compare models with.
- :mod:`bmlearn.plot`: plots used across lessons.
- :mod:`bmlearn.versions`: the oldest TensorFlow and Keras the course is tested on.
- :mod:`bmlearn.overrides`: environment variables that override ``setup()``'s choices.
- :mod:`bmlearn.numerics`: machine epsilon and rounding-error bounds per dtype.
- :mod:`bmlearn.comparison`: McNemar's test for two classifiers on one test set.
"""

from __future__ import annotations

import importlib

from bmlearn._version import __version__
from bmlearn.runtime import Runtime, setup

_SUBMODULES = (
    "baselines", "comparison", "course", "data", "math", "models", "notebook", "numerics",
    "overrides", "plot", "train", "validation", "versions",
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
