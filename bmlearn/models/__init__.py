"""Keras model builders used across the lessons.

Each builder returns an uncompiled ``keras.Model`` so that lessons show the
``compile`` step; build and compile inside ``env.strategy.scope()``.
"""

from bmlearn.models.cnn import build_cnn
from bmlearn.models.mlp import build_mlp

__all__ = ["build_cnn", "build_mlp"]
