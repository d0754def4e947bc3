"""Keras layers for language models, one class per module, each registered serialisable.

- :mod:`~bmlearn.layers.token_and_position_embedding`: :class:`TokenAndPositionEmbedding`,
  learned token and position embeddings, summed (and the tied output projection);
- :mod:`~bmlearn.layers.transformer_block`: :class:`TransformerBlock`, a pre-layer-norm
  transformer block with GPT-2's layout and a key/value cache for generation.

Each layer passes :func:`bmlearn.testing.check_layer` (config round trip, ``.keras``
save and load with ``safe_mode=True``, its documented dtype under ``mixed_float16``),
and has a NumPy twin in :mod:`bmlearn.math` that computes the same numbers.
"""

from bmlearn.layers.token_and_position_embedding import TokenAndPositionEmbedding
from bmlearn.layers.transformer_block import TransformerBlock

__all__ = ["TokenAndPositionEmbedding", "TransformerBlock"]
