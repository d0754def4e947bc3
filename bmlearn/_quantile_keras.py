"""``QuantileLoss``, the Keras twin of :func:`bmlearn.quantile.pinball_loss`.

Kept apart from :mod:`bmlearn.quantile` because it imports Keras;
``bmlearn.quantile.QuantileLoss`` imports this module on first use.
"""

from __future__ import annotations

from bmlearn.quantile import check_quantile
from bmlearn.quiet import import_keras

keras = import_keras()

__all__ = ["QuantileLoss"]


@keras.saving.register_keras_serializable(package="bmlearn")
class QuantileLoss(keras.losses.Loss):
    """The pinball loss of a predicted ``quantile``-quantile, as a Keras loss.

    Per sample, ``max(quantile * (y - q), (quantile - 1) * (y - q))`` for the
    outcome ``y`` and the prediction ``q``, averaged over the last axis and
    then (by default) over the batch, like
    :func:`bmlearn.quantile.pinball_loss`. A network trained with it predicts
    the conditional ``quantile``-quantile of its target. Targets of shape
    ``(batch,)`` are matched with predictions of shape ``(batch, 1)``. The
    loss computes in its own dtype (float32 unless ``dtype`` is given), so a
    float16 or bfloat16 prediction is cast up before the difference is taken.
    Registered serialisable: a model compiled with it saves to a ``.keras``
    file and loads back with ``safe_mode=True``.

    Args:
        quantile: the quantile level, strictly between 0 and 1 (0.9 for a
            90th percentile).
        name: the loss's name.
        reduction: Keras's reduction over the batch
            (``"sum_over_batch_size"``, ``"sum"``, ``"mean"``, ``None``...).
        dtype: the dtype the loss computes in; ``None`` for Keras's float
            type (float32).

    Returns:
        A loss; calling it with ``(y_true, y_pred)`` returns the reduced loss.

    Raises:
        ValueError: for a quantile outside (0, 1).

    Example:
        >>> loss = QuantileLoss(0.9)
        >>> round(float(loss([10.0, 20.0], [[12.0], [15.0]])), 4)  # (0.1*2 + 0.9*5) / 2
        2.35
        >>> QuantileLoss.from_config(loss.get_config()).quantile
        0.9
        >>> QuantileLoss(0)
        Traceback (most recent call last):
        ...
        ValueError: quantile must be a number in (0, 1), but received 0.
    """

    def __init__(self, quantile=0.5, name="quantile_loss", reduction="sum_over_batch_size",
                 dtype=None):
        quantile = check_quantile(quantile)
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.quantile = quantile

    def call(self, y_true, y_pred):
        ops = keras.ops
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
        if len(y_true.shape) == len(y_pred.shape) - 1:
            y_true = ops.expand_dims(y_true, -1)
        diff = y_true - y_pred
        return ops.mean(ops.maximum(self.quantile * diff, (self.quantile - 1.0) * diff), axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantile": self.quantile}


QuantileLoss.__module__ = "bmlearn.quantile"  # documented, and imported, as bmlearn.quantile.QuantileLoss
