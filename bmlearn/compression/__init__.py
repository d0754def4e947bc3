"""Making a trained model smaller for deployment.

- :mod:`~bmlearn.compression.pruning`: :func:`prune_by_magnitude`,
  :func:`prunable_kernels`, :func:`weight_sparsity` and the
  :class:`KeepPruned` callback, which holds pruned weights at zero while
  fine-tuning.
- :mod:`~bmlearn.compression.quantization`: :func:`to_tflite` and
  :func:`tflite_predict`, post-training quantization with TensorFlow Lite,
  and :func:`float32_copy`, which TFLite needs for a mixed-precision model.

Int8 quantization of the transformer models goes here too.
"""

from bmlearn.compression.pruning import (
    KeepPruned,
    prunable_kernels,
    prune_by_magnitude,
    weight_sparsity,
)
from bmlearn.compression.quantization import float32_copy, tflite_predict, to_tflite

__all__ = [
    "KeepPruned",
    "float32_copy",
    "prunable_kernels",
    "prune_by_magnitude",
    "tflite_predict",
    "to_tflite",
    "weight_sparsity",
]
