"""A learning-rate schedule with linear warmup and cosine decay."""

from __future__ import annotations

import math

from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()

__all__ = ["WarmupCosine"]


@keras.saving.register_keras_serializable(package="bmlearn")
class WarmupCosine(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warmup to a peak learning rate, then cosine decay to a final one.

    With peak rate :math:`\\eta`, final rate :math:`\\eta_f`, ``warmup_steps``
    :math:`W` and ``total_steps`` :math:`T`, the rate at step :math:`s` is

    - :math:`\\eta \\, s / W` while :math:`s < W` (from 0 up to the peak);
    - :math:`\\eta_f + (\\eta - \\eta_f) \\cdot \\tfrac12
      \\bigl(1 + \\cos(\\pi \\, (s - W) / (T - W))\\bigr)` for
      :math:`W \\le s \\le T`;
    - :math:`\\eta_f` after :math:`T`.

    Warmup keeps the first, large and noisy updates small while an adaptive
    optimiser's statistics settle; the cosine then lowers the rate smoothly so
    that the last steps are small. The schedule is serialisable
    (``get_config``) and registered with Keras, so a model compiled with it
    saves to and loads from the ``.keras`` format, ``safe_mode`` on.

    Args:
        peak_learning_rate: the rate reached at the end of warmup (> 0).
        total_steps: the step at which the decay ends (> ``warmup_steps``).
        warmup_steps: steps of linear warmup (≥ 0; 0 starts at the peak).
        final_learning_rate: the rate at and after ``total_steps``, between 0
            and ``peak_learning_rate``.
        name: a name for the schedule.

    Returns:
        A schedule; calling it with a step number returns that step's
        learning rate as a float32 scalar tensor.

    Raises:
        ValueError: for a non-positive peak, a final rate outside
            ``[0, peak_learning_rate]``, or step counts that are not integers
            with ``0 ≤ warmup_steps < total_steps``.

    Example:
        >>> schedule = WarmupCosine(1e-3, total_steps=100, warmup_steps=10)
        >>> [round(float(schedule(s)), 6) for s in (0, 5, 10, 55, 100, 200)]
        [0.0, 0.0005, 0.001, 0.0005, 0.0, 0.0]
        >>> optimizer = keras.optimizers.Adam(learning_rate=schedule)
        >>> WarmupCosine.from_config(schedule.get_config()).total_steps
        100
    """

    def __init__(
        self,
        peak_learning_rate,
        total_steps,
        warmup_steps=0,
        final_learning_rate=0.0,
        name="WarmupCosine",
    ):
        super().__init__()
        self.peak_learning_rate = check_scalar(peak_learning_rate, "peak_learning_rate",
                                               low=0, low_open=True)
        self.final_learning_rate = check_scalar(final_learning_rate, "final_learning_rate", low=0)
        if self.final_learning_rate > self.peak_learning_rate:
            raise ValueError(
                "final_learning_rate must not exceed peak_learning_rate, but received "
                f"{final_learning_rate!r} > {peak_learning_rate!r}."
            )
        self.total_steps = check_scalar(total_steps, "total_steps", integer=True, low=1)
        self.warmup_steps = check_scalar(warmup_steps, "warmup_steps", integer=True, low=0)
        if self.warmup_steps >= self.total_steps:
            raise ValueError(
                "warmup_steps must be smaller than total_steps, but received "
                f"warmup_steps={warmup_steps!r} and total_steps={total_steps!r}."
            )
        self.name = name

    def __call__(self, step):
        ops = keras.ops
        step = ops.cast(step, "float32")
        peak = ops.cast(self.peak_learning_rate, "float32")
        final = ops.cast(self.final_learning_rate, "float32")
        warmup = float(self.warmup_steps)
        decay = float(self.total_steps - self.warmup_steps)
        warm = peak * step / max(warmup, 1.0)
        progress = ops.clip((step - warmup) / decay, 0.0, 1.0)
        cosine = final + (peak - final) * 0.5 * (1.0 + ops.cos(math.pi * progress))
        return ops.where(step < warmup, warm, cosine)

    def get_config(self):
        """The schedule's arguments, for ``from_config`` and ``.keras`` files.

        Returns:
            A dict of the constructor's arguments.
        """
        return {
            "peak_learning_rate": self.peak_learning_rate,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "final_learning_rate": self.final_learning_rate,
            "name": self.name,
        }
