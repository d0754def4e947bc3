"""Making a trained model smaller for deployment.

- :mod:`~bmlearn.compression.pruning`: :func:`prune_by_magnitude`,
  :func:`prunable_kernels`, :func:`weight_sparsity` and the
  :class:`KeepPruned` callback, which holds pruned weights at zero while
  fine-tuning.
- :mod:`~bmlearn.compression.quantization`: post-training quantization.
  :func:`quantize_int8` and :func:`dequantize_int8` (per-channel symmetric
  absmax int8), :func:`int8_kernels`, :func:`load_int8_kernels` and
  :func:`weight_bytes` for the dense kernels of a model such as a GPT;
  :func:`to_tflite` and :func:`tflite_predict`, with TensorFlow Lite,
  and :func:`float32_copy`, which TFLite needs for a mixed-precision model.
"""

from bmlearn.compression.pruning import (
    KeepPruned,
    prunable_kernels,
    prune_by_magnitude,
    weight_sparsity,
)
from bmlearn.compression.quantization import (
    dequantize_int8,
    float32_copy,
    int8_kernels,
    load_int8_kernels,
    quantize_int8,
    tflite_predict,
    to_tflite,
    weight_bytes,
)

__all__ = [
    "KeepPruned",
    "dequantize_int8",
    "float32_copy",
    "int8_kernels",
    "load_int8_kernels",
    "prunable_kernels",
    "prune_by_magnitude",
    "quantize_int8",
    "tflite_predict",
    "to_tflite",
    "weight_bytes",
    "weight_sparsity",
]
