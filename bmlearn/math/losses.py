"""Loss functions in NumPy: mean squared error and cross-entropy.

Every loss returns one number, the **mean over samples** (and over outputs,
when a sample has several independent outputs), as ``keras.losses`` does with
its default reduction. ``y_true`` and the prediction must have exactly the
same shape: NumPy would silently broadcast ``(n,)`` against ``(n, 1)`` to an
``(n, n)`` array and return a wrong number, so that is an error here.

Two ways to get cross-entropy:

- from **probabilities** (:func:`binary_cross_entropy`,
  :func:`categorical_cross_entropy`): ``log(0)`` is infinite, so the
  probabilities are clipped to ``[1e-7, 1 - 1e-7]`` first, the rule and the
  epsilon of a Keras loss given probabilities (``keras.config.epsilon()`` is
  1e-7). Keras computes in float32, where ``1 - 1e-7`` rounds to
  ``1 - 2**-23``, so at that end its cap is ``-log(2**-23) ≈ 15.9`` where
  this float64 code gives ``-log(1e-7) ≈ 16.1``. And Keras's TensorFlow
  backend skips the clipping altogether when the probabilities come
  unchanged from its own sigmoid or softmax (it recovers the logits: in
  ``fit`` for a model whose float32 last layer has that activation);
- from **logits** (the ``*_from_logits`` functions): no clipping is needed,
  because the logarithm is computed in closed form with the log-sum-exp
  trick. This is exact for any finite logits, ±1000 included, and is what
  you should use in training code.
"""

from __future__ import annotations

import numpy as np

from bmlearn.math import _kernels
from bmlearn.math._checks import probabilities, rows_sum_to_one, same_shape
from bmlearn.validation import as_finite_array

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_from_logits",
    "categorical_cross_entropy",
    "categorical_cross_entropy_from_logits",
    "mse",
]

#: Probabilities are clipped to ``[EPSILON, 1 - EPSILON]`` before taking logs,
#: the same value and rule as Keras (``keras.config.epsilon()``).
EPSILON = 1e-7

_LOGITS_HINT = " If these are logits (raw scores), use the *_from_logits version."


def mse(y_true, y_pred) -> float:
    """Mean squared error: ``mean((y_pred - y_true) ** 2)``.

    The mean is over every entry, i.e. over samples and, for several outputs
    per sample, over outputs too (Keras's ``MeanSquaredError`` gives the same
    number). There is no factor 1/2: some textbooks put one in to tidy up the
    derivative, Keras and this function do not.

    Args:
        y_true: targets, any shape with at least one dimension.
        y_pred: predictions, the same shape as ``y_true``.

    Returns:
        The loss, a float ≥ 0.

    Raises:
        ValueError: if the shapes differ, an input is empty, or an input holds
            NaN or infinity.

    Example:
        >>> mse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])  # (0 + 0 + 4) / 3
        1.3333333333333333
    """
    y_true = as_finite_array(y_true, "y_true", min_ndim=1)
    y_pred = as_finite_array(y_pred, "y_pred", min_ndim=1)
    same_shape(y_true, y_pred, "y_true", "y_pred", "mse")
    return float(np.mean((y_pred - y_true) ** 2))


def binary_cross_entropy(y_true, p) -> float:
    """Binary cross-entropy from probabilities, averaged over all entries.

    For one entry with label ``y`` (1 or 0, or a soft label in between) and
    predicted probability ``p`` that the label is 1::

        loss = -(y log p + (1 - y) log(1 - p))

    Clipping: ``log(0)`` is ``-inf``, so ``p`` is first clipped to
    ``[1e-7, 1 - 1e-7]``. This is the convention of a Keras loss given
    probabilities (the same epsilon, ``keras.config.epsilon()``, applied the
    same way), so the two agree to float32 rounding, except at ``p`` within
    about 1e-7 of 1: Keras clips in float32, where ``1 - 1e-7`` rounds to
    ``1 - 2**-23``. A confident wrong answer costs at most
    ``-log(1e-7) ≈ 16.1`` per entry here (``≈ 15.9`` in Keras for a label 0),
    and beyond the clip its gradient is zero. To avoid clipping altogether,
    work with logits and use :func:`binary_cross_entropy_from_logits`.

    Args:
        y_true: labels in [0, 1], shape ``(n,)`` or ``(n, k)``.
        p: predicted probabilities in [0, 1], the same shape.

    Returns:
        The mean loss, a float ≥ 0.

    Raises:
        ValueError: if the shapes differ, a value lies outside [0, 1], an
            input is empty, or an input holds NaN or infinity.

    Example:
        >>> round(binary_cross_entropy([1.0, 0.0], [0.9, 0.2]), 6)  # -(log 0.9 + log 0.8) / 2
        0.164252
    """
    fn = "binary_cross_entropy"
    y_true = probabilities(y_true, "y_true", fn)
    p = probabilities(p, "p", fn, hint=_LOGITS_HINT)
    same_shape(y_true, p, "y_true", "p", fn)
    p = np.clip(p, EPSILON, 1.0 - EPSILON)
    return float(-np.mean(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p)))


def binary_cross_entropy_from_logits(y_true, logits) -> float:
    """Binary cross-entropy from logits ``z`` (``p = sigmoid(z)``), computed stably.

    Substituting ``p = 1 / (1 + e^{-z})`` into the binary cross-entropy gives
    ``log(1 + e^{z}) - y z``, and ``log(1 + e^{z}) = max(z, 0) + log(1 + e^{-|z|})``
    never overflows. No clipping is needed, so this is exact for any finite
    logit; it is the formula of ``tf.nn.sigmoid_cross_entropy_with_logits``.

    Args:
        y_true: labels in [0, 1], shape ``(n,)`` or ``(n, k)``.
        logits: finite real scores, the same shape.

    Returns:
        The mean loss, a float ≥ 0.

    Raises:
        ValueError: if the shapes differ, a label lies outside [0, 1], an input
            is empty, or an input holds NaN or infinity.

    Example:
        >>> binary_cross_entropy_from_logits([1.0, 0.0], [1000.0, -1000.0])
        0.0
        >>> binary_cross_entropy_from_logits([1.0], [-1000.0])  # confidently wrong
        1000.0
    """
    fn = "binary_cross_entropy_from_logits"
    y_true = probabilities(y_true, "y_true", fn)
    z = as_finite_array(logits, "logits", min_ndim=1)
    same_shape(y_true, z, "y_true", "logits", fn)
    per_entry = np.maximum(z, 0.0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(per_entry))


def categorical_cross_entropy(y_true, p) -> float:
    """Categorical cross-entropy from class probabilities, averaged over samples.

    For one sample with label distribution ``y`` (one-hot, or soft labels)
    and predicted distribution ``p``: ``loss = -sum_k y_k log p_k``. With a
    one-hot label this is ``-log`` of the probability given to the true class.

    Clipping: ``p`` is clipped to ``[1e-7, 1 - 1e-7]`` before the logarithm,
    Keras's convention (``keras.config.epsilon()``), so a zero probability on
    the true class costs ``-log(1e-7) ≈ 16.1`` instead of infinity. Unlike
    Keras, which silently rescales each row of ``p`` to sum to 1, this
    function refuses rows that do not sum to 1 (within 1e-5): such a row is
    almost always a bug, such as logits passed where probabilities belong.
    Use :func:`categorical_cross_entropy_from_logits` for logits.

    Args:
        y_true: label distributions, shape ``(n, k)`` (or ``(k,)`` for one
            sample); each row in [0, 1] and summing to 1.
        p: predicted distributions, the same shape; each row in [0, 1] and
            summing to 1.

    Returns:
        The mean loss over samples, a float ≥ 0.

    Raises:
        ValueError: if the shapes differ, a value lies outside [0, 1], a row
            does not sum to 1, an input is empty, or holds NaN or infinity.

    Example:
        >>> y = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
        >>> p = [[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]]
        >>> round(categorical_cross_entropy(y, p), 6)  # -(log 0.7 + log 0.5) / 2
        0.524911
    """
    fn = "categorical_cross_entropy"
    y_true = probabilities(y_true, "y_true", fn, ndim=(1, 2))
    p = probabilities(p, "p", fn, hint=_LOGITS_HINT, ndim=(1, 2))
    same_shape(y_true, p, "y_true", "p", fn)
    rows_sum_to_one(y_true, "y_true", fn)
    rows_sum_to_one(p, "p", fn, hint=_LOGITS_HINT)
    p = np.clip(p, EPSILON, 1.0 - EPSILON)
    per_sample = -np.sum(y_true * np.log(p), axis=-1)
    return float(np.mean(per_sample))


def categorical_cross_entropy_from_logits(y_true, logits) -> float:
    """Categorical cross-entropy from logits (``p = softmax(z)``), computed stably.

    ``log softmax(z)_k = z_k - log sum_j e^{z_j}``, and the log-sum-exp is
    computed as ``m + log sum_j e^{z_j - m}`` with ``m = max_j z_j``, so no
    exponential overflows and no logarithm of 0 is taken. No clipping is
    needed; this is the formula of ``tf.nn.softmax_cross_entropy_with_logits``.

    Args:
        y_true: label distributions, shape ``(n, k)`` (or ``(k,)``); each row
            in [0, 1] and summing to 1.
        logits: finite real scores, the same shape.

    Returns:
        The mean loss over samples, a float ≥ 0.

    Raises:
        ValueError: if the shapes differ, a label lies outside [0, 1], a label
            row does not sum to 1, an input is empty, or holds NaN or infinity.

    Example:
        >>> categorical_cross_entropy_from_logits([[0.0, 1.0]], [[0.0, 1000.0]])
        0.0
        >>> categorical_cross_entropy_from_logits([[1.0, 0.0]], [[0.0, 1000.0]])
        1000.0
    """
    fn = "categorical_cross_entropy_from_logits"
    y_true = probabilities(y_true, "y_true", fn, ndim=(1, 2))
    z = as_finite_array(logits, "logits", ndim=(1, 2))
    same_shape(y_true, z, "y_true", "logits", fn)
    rows_sum_to_one(y_true, "y_true", fn)
    per_sample = np.sum(y_true * -_kernels.log_softmax(z, axis=-1), axis=-1)
    return float(np.mean(per_sample)) + 0.0  # + 0.0 turns a -0.0 into 0.0
