"""The business of large models: calculators whose assumptions are parameters.

What a model costs to train and to serve, what a use case is worth, when to
build, fine-tune or buy, and the checks a business runs on fairness. Every
function takes its prices, volumes and rates as arguments; example prices
carry the date and source they were read from (:mod:`bmlearn.business.prices`),
never facts baked into the code.

Like :mod:`bmlearn.scaling`, on which the cost calculators build, this package
imports NumPy and the standard library only: no TensorFlow, no Keras.

Modules, one concept each:

- :mod:`bmlearn.business.prices`: :class:`Price`, an amount with its unit,
  date and source, and a few dated example prices.
- :mod:`bmlearn.business.training_cost`: :func:`training_cost`, FLOPs to
  device-hours, days and dollars.
- :mod:`bmlearn.business.serving`: a roofline model of serving, from model
  shapes and the KV cache to :func:`serving_cost`, dollars per 1,000 requests.
- :mod:`bmlearn.business.value`: what a use case is worth: :func:`expected_profit`
  from a confusion matrix, :func:`break_even_accuracy`, :func:`cash_flows`,
  :func:`payback_months`, :func:`roi`, :func:`npv` and a one-at-a-time
  sensitivity, :func:`tornado`.
- :mod:`bmlearn.business.build_or_buy`: :class:`Option`, :func:`total_cost`,
  :func:`break_even_volume` and :func:`cheapest`: when to build, fine-tune or buy.
- :mod:`bmlearn.business.fairness`: :func:`group_rates` of a binary decision,
  :func:`demographic_parity_gap`, :func:`equal_opportunity_gap`, and per-group
  thresholds (:func:`group_thresholds`, :func:`apply_group_thresholds`).
"""

from __future__ import annotations

# Each module adds its import line below, and its names to __all__.
from bmlearn.business.prices import EXAMPLE_API_PRICES, EXAMPLE_GPU_HOUR_PRICES, EXAMPLE_PRICES, Price
from bmlearn.business.serving import (
    MODEL_SHAPES, ModelShape, ServingCost, check_memory, decode_seconds, decode_step_seconds,
    kv_cache_bytes, max_batch, prefill_seconds, serving_cost, weight_bytes,
)
from bmlearn.business.training_cost import TrainingCost, training_cost
from bmlearn.business.value import (
    TornadoRow, break_even_accuracy, cash_flows, expected_profit, npv, payback_months, roi, tornado,
)
from bmlearn.business.build_or_buy import Option, break_even_volume, cheapest, total_cost
from bmlearn.business.fairness import (
    GroupRate, apply_group_thresholds, demographic_parity_gap, equal_opportunity_gap, group_rates,
    group_thresholds,
)
__all__: list[str] = []
__all__ += ["Price", "EXAMPLE_PRICES", "EXAMPLE_GPU_HOUR_PRICES", "EXAMPLE_API_PRICES"]
__all__ += ["TrainingCost", "training_cost"]
__all__ += ["expected_profit", "break_even_accuracy", "cash_flows", "payback_months", "roi", "npv",
            "TornadoRow", "tornado"]
__all__ += ["Option", "total_cost", "break_even_volume", "cheapest"]
__all__ += ["GroupRate", "group_rates", "demographic_parity_gap", "equal_opportunity_gap",
            "group_thresholds", "apply_group_thresholds"]
__all__ += ["ModelShape", "MODEL_SHAPES", "ServingCost", "serving_cost", "weight_bytes",
            "kv_cache_bytes", "check_memory", "max_batch", "prefill_seconds",
            "decode_step_seconds", "decode_seconds"]
