"""Keras model builders used across the lessons.

- :mod:`~bmlearn.models.mlp`: :func:`build_mlp`, a multilayer perceptron;
- :mod:`~bmlearn.models.cnn`: :func:`build_cnn`, a small convolutional network for images;
- :mod:`~bmlearn.models.gpt`: :func:`build_gpt`, a GPT language model (GPT-2's layout),
  from token ids to next-token logits;
- :mod:`~bmlearn.models.gpt_classifier`: :func:`build_gpt_classifier`, a GPT body
  with a new classification head (pooled over the real tokens, padding left out);
- :mod:`~bmlearn.models.autoencoder`: :func:`build_autoencoder`, a dense autoencoder
  whose reconstruction error scores how unusual an input is.

Each builder returns an uncompiled ``keras.Model`` so that lessons show the
``compile`` step; build and compile inside ``env.strategy.scope()``. Layers
compute in the global dtype policy, and every builder keeps its output layer
in float32 so that the softmax and the loss stay accurate under mixed precision.
"""

from bmlearn.models.autoencoder import build_autoencoder
from bmlearn.models.cnn import build_cnn
from bmlearn.models.gpt import build_gpt
from bmlearn.models.gpt_classifier import build_gpt_classifier
from bmlearn.models.mlp import build_mlp

__all__ = ["build_autoencoder", "build_cnn", "build_gpt", "build_gpt_classifier", "build_mlp"]
