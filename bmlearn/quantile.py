"""The quantile (pinball) loss: in NumPy, and as a Keras loss for training a network.

A forecast ``q`` of the ``tau``-quantile of ``y`` (for instance a delivery
time that 90% of orders beat, ``tau = 0.9``) is scored by the pinball loss

.. math::

    L_\\tau(y, q) = \\max\\bigl(\\tau \\, (y - q),\\; (\\tau - 1) \\, (y - q)\\bigr),

averaged over samples: an outcome above the forecast costs ``tau`` per unit,
one below it ``1 - tau`` per unit. Its expected value is smallest when ``q``
is the ``tau``-quantile of ``y``'s distribution, so a model trained with it
learns a conditional quantile (Koenker and Bassett, 1978).

- :func:`pinball_loss`: the NumPy reference (no TensorFlow);
- ``QuantileLoss``: the same loss as a Keras loss, registered serialisable.

Importing this module does not import TensorFlow or Keras: ``QuantileLoss``
is defined in :mod:`bmlearn._quantile_keras`, imported the first time the
name is looked up here (``bmlearn.quantile.QuantileLoss`` or
``from bmlearn.quantile import QuantileLoss``). Look it up before loading a
saved model that uses it, so that Keras knows the class.

Example:
    >>> loss = QuantileLoss(0.9)
    >>> round(float(loss([10.0, 20.0], [[12.0], [15.0]])), 4)
    2.35
    >>> round(pinball_loss([10.0, 20.0], [12.0, 15.0], 0.9), 4)
    2.35
"""

from __future__ import annotations

import importlib

import numpy as np

from bmlearn.validation import as_finite_array, check_same_length, check_scalar

__all__ = ["QuantileLoss", "check_quantile", "pinball_loss"]


def check_quantile(quantile) -> float:
    """Check a quantile level: a number strictly between 0 and 1.

    Args:
        quantile: the level, e.g. ``0.9`` for the 90th percentile.

    Returns:
        The level as a ``float``.

    Raises:
        ValueError: for a level outside the open interval (0, 1).

    Example:
        >>> check_quantile(0.9)
        0.9
        >>> check_quantile(1.0)
        Traceback (most recent call last):
        ...
        ValueError: quantile must be a number in (0, 1), but received 1.0.
    """
    return check_scalar(quantile, "quantile", low=0, high=1, low_open=True, high_open=True)


def pinball_loss(y, q_pred, quantile) -> float:
    """The mean pinball (quantile) loss of predicted ``quantile``-quantiles ``q_pred`` of ``y``.

    Each sample costs ``quantile * (y - q)`` when the outcome ``y`` is above
    the prediction ``q``, and ``(1 - quantile) * (q - y)`` when it is below.
    The same as scikit-learn's ``mean_pinball_loss(y, q_pred, alpha=quantile)``.

    Args:
        y: the outcomes, a 1-D array.
        q_pred: the predicted quantiles: a 1-D array as long as ``y``, an
            array of shape ``(n, 1)`` (a Keras model's output), or one number
            for every sample (a constant forecast).
        quantile: the quantile level, strictly between 0 and 1.

    Returns:
        The mean loss, a ``float`` (in the units of ``y``).

    Raises:
        ValueError: for a bad level, non-finite values, or lengths that differ.

    Example:
        >>> pinball_loss([1.0, 2.0, 3.0, 10.0], 3.0, 0.9)  # (0.1*2 + 0.1*1 + 0 + 0.9*7) / 4
        1.65
        >>> pinball_loss([1.0, 2.0], [1.0], 0.5)
        Traceback (most recent call last):
        ...
        ValueError: y and q_pred must hold the same number of samples, but received 2 and 1.
    """
    quantile = check_quantile(quantile)
    y = as_finite_array(y, "y", ndim=1, dtype=np.float64)
    q = as_finite_array(q_pred, "q_pred", ndim=(0, 1, 2), dtype=np.float64)
    if q.ndim == 2:
        if q.shape[1] != 1:
            raise ValueError(f"q_pred must have shape (n,) or (n, 1), but received shape {q.shape}.")
        q = q[:, 0]
    if q.ndim == 1:
        check_same_length(y, q, "y", "q_pred")
    diff = y - q
    return float(np.mean(np.maximum(quantile * diff, (quantile - 1) * diff)))


def __getattr__(name):
    # QuantileLoss needs Keras: import it on first use, so that this module alone stays TensorFlow-free.
    if name == "QuantileLoss":
        loss_class = importlib.import_module("bmlearn._quantile_keras").QuantileLoss
        globals()[name] = loss_class
        return loss_class
    raise AttributeError(f"module 'bmlearn.quantile' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), "QuantileLoss"])
