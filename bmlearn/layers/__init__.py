"""Keras layers for language models and graphs, one class per module, each registered serialisable.

- :mod:`~bmlearn.layers.token_and_position_embedding`: :class:`TokenAndPositionEmbedding`,
  learned token and position embeddings, summed (and the tied output projection);
- :mod:`~bmlearn.layers.transformer_block`: :class:`TransformerBlock`, a pre-layer-norm
  transformer block with GPT-2's layout and a key/value cache for generation;
- :mod:`~bmlearn.layers.lora`: :class:`LoRA`, low-rank adaptation of a frozen ``Dense`` or
  ``EinsumDense`` layer, with :func:`add_lora` and :func:`merge_lora` to put it on a model's
  attention projections and fold it back in.
- :mod:`~bmlearn.layers.graph_conv`: :class:`GraphConv`, a graph convolution
  ``activation(Â X W + b)``, with :func:`normalized_adjacency` for ``Â``.

Each layer passes :func:`bmlearn.testing.check_layer` (config round trip, ``.keras``
save and load with ``safe_mode=True``, its documented dtype under ``mixed_float16``),
and is tested against an independent reference: a NumPy twin in :mod:`bmlearn.math` that
computes the same numbers, or (for :class:`LoRA`) Keras's own ``enable_lora``, or (for
:class:`GraphConv`) ``Â X W + b`` in NumPy.
"""

from bmlearn.layers.graph_conv import GraphConv, normalized_adjacency
from bmlearn.layers.lora import ATTENTION_PROJECTIONS, LoRA, add_lora, merge_lora
from bmlearn.layers.token_and_position_embedding import TokenAndPositionEmbedding
from bmlearn.layers.transformer_block import TransformerBlock

__all__ = ["ATTENTION_PROJECTIONS", "GraphConv", "LoRA", "TokenAndPositionEmbedding",
           "TransformerBlock", "add_lora", "merge_lora", "normalized_adjacency"]
