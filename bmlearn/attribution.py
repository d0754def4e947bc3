"""Integrated gradients: which inputs drive one prediction.

Integrated gradients (Sundararajan, Taly and Yan, 2017) attribute the change
of a model's output between a *baseline* input ``x'`` and an input ``x`` to
each input feature ``i``:

.. math::

    \\mathrm{IG}_i(x) = (x_i - x'_i) \\int_0^1
        \\frac{\\partial f}{\\partial x_i}\\bigl(x' + \\alpha (x - x')\\bigr)\\, d\\alpha .

The integral runs along the straight path from the baseline to the input. By
the fundamental theorem of calculus for path integrals the attributions add up
to ``f(x) - f(x')`` (*completeness*), and for a linear function
``f(x) = w·x + b`` the gradient is constant, so ``IG(x) = (x - x') * w``
exactly. :func:`integrated_gradients` approximates the integral with the
trapezoid rule on ``steps`` equal intervals, computing the gradients with
TensorFlow's ``GradientTape``.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["integrated_gradients"]


def _select(outputs, target):
    """One scalar output per row: column ``target`` of a 2-D output, or the output itself."""
    if outputs.shape.rank == 2 and target is None and outputs.shape[-1] == 1:
        return outputs[:, 0]
    if outputs.shape.rank == 1 and target is None:
        return outputs
    if outputs.shape.rank == 2 and target is not None:
        if target >= outputs.shape[-1]:
            raise ValueError(
                f"target must be an integer in [0, {outputs.shape[-1] - 1}] for a model with "
                f"{outputs.shape[-1]} outputs, but received {target!r}."
            )
        return outputs[:, target]
    raise ValueError(
        "target must name one output column (an integer) for a model whose output has shape "
        f"{tuple(outputs.shape)}, but received {target!r}."
    )


def integrated_gradients(model, x, baseline=None, *, steps: int = 64, target: int | None = None,
                         batch_size: int = 4096) -> np.ndarray:
    """Integrated gradients of one model output, by the trapezoid rule along the straight path.

    Args:
        model: a callable that maps a float32 tensor of inputs ``(batch, *shape)`` to outputs
            ``(batch,)`` or ``(batch, k)``, such as a Keras model.
        x: the inputs to explain, ``(n, *shape)``: a batch, even of one.
        baseline: the reference input ``x'``, of ``x``'s shape or broadcastable to it (one
            sample, ``(*shape)``); ``None`` means all zeros. State it: attributions explain
            ``f(x) - f(baseline)``, so they depend on it.
        steps: the number of equal intervals of the path integral (``steps + 1`` gradient
            evaluations per input). The trapezoid rule's error shrinks as ``steps`` grows.
        target: the output column to explain, for a model with several outputs (e.g. the
            probability of one class); ``None`` for a model with one output per row.
        batch_size: the most path points sent to the model at once.

    Returns:
        A float64 array of ``x``'s shape: the attribution of each input feature. Its sum over
        a row approximates ``f(x) - f(baseline)`` for that row.

    Raises:
        ValueError: for empty or non-finite ``x`` or ``baseline``, a baseline that does not
            broadcast to ``x``, a non-positive ``steps`` or ``batch_size``, or a ``target``
            that does not name one output column.

    Example:
        >>> import keras
        >>> w = np.array([[2.0], [-1.0], [0.5]], dtype="float32")
        >>> linear = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        >>> linear.set_weights([w, np.array([0.3], dtype="float32")])
        >>> x = np.array([[1.0, 2.0, 4.0]], dtype="float32")
        >>> ig = integrated_gradients(linear, x, steps=8)  # baseline: zeros
        >>> np.allclose(ig, x * w[:, 0], rtol=1e-6)  # exactly (x - x') * w for a linear model
        True
        >>> bool(np.isclose(ig.sum(), float(linear(x)[0, 0] - linear(0 * x)[0, 0]), rtol=1e-6))
        True
    """
    x = as_finite_array(x, "x", min_ndim=2, dtype=np.float32)
    if baseline is None:
        base = np.zeros_like(x)
    else:
        base = as_finite_array(baseline, "baseline", dtype=np.float32)
        try:
            base = np.broadcast_to(base, x.shape)
        except ValueError:
            raise ValueError(
                f"baseline must broadcast to x's shape {x.shape}, but received shape {base.shape}."
            ) from None
    steps = check_scalar(steps, "steps", integer=True, low=1)
    batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
    if target is not None:
        target = check_scalar(target, "target", integer=True, low=0)

    # Trapezoid rule on [0, 1] with `steps` equal intervals: nodes k / steps, weights 1/steps,
    # halved at both ends.
    alphas = np.linspace(0.0, 1.0, steps + 1)
    weights = np.full(steps + 1, 1.0 / steps)
    weights[[0, -1]] /= 2
    delta = (x - base).astype(np.float64)
    n, shape = x.shape[0], x.shape[1:]
    # All path points of all inputs in one array: row (k, j) = base_j + alpha_k (x_j - base_j).
    path = (base[None].astype(np.float64) + alphas.reshape((-1,) + (1,) * x.ndim) * delta[None])
    path = path.astype(np.float32).reshape((-1,) + shape)
    grads = np.empty(path.shape, dtype=np.float64)
    for start in range(0, len(path), batch_size):
        chunk = tf.convert_to_tensor(path[start:start + batch_size])
        with tf.GradientTape() as tape:
            tape.watch(chunk)
            out = _select(tf.convert_to_tensor(model(chunk)), target)
            total = tf.reduce_sum(tf.cast(out, tf.float32))
        grad = tape.gradient(total, chunk)
        if grad is None:
            raise ValueError("model's output does not depend on its input through TensorFlow "
                             "operations, so it has no gradient.")
        grads[start:start + batch_size] = grad.numpy()
    grads = grads.reshape((steps + 1, n) + shape)
    average = np.tensordot(weights, grads, axes=1)  # the integral of the gradient over alpha
    return delta * average
