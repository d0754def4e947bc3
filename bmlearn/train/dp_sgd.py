"""Differentially private SGD (DP-SGD) for a Keras model, written out step by step.

One step of DP-SGD (Abadi et al. 2016):

1. draw a batch by Poisson sampling: each training example is included independently with
   probability q (:func:`poisson_batches`), which is what the privacy accountants of
   :mod:`bmlearn.privacy` assume;
2. compute each example's gradient separately (:func:`per_example_gradients`);
3. clip each to a global L2 norm of at most ``clip_norm`` (:func:`clip_gradients`, the rule of
   :func:`bmlearn.privacy.clip_per_example`), so that no example moves the model by more
   than ``clip_norm``;
4. sum them and add Gaussian noise of standard deviation ``noise_multiplier * clip_norm``;
5. divide by the expected batch size q·n (not the drawn one, which would itself depend on who
   is in the data) and let the optimizer take the step (:func:`dp_gradient`,
   :func:`fit_dp_sgd`).

The model must treat each example on its own: no batch normalisation, which mixes the examples
of a batch. Dropout runs, but inside ``tf.vectorized_map`` it draws one mask for the whole batch
rather than one per example (harmless for privacy, since the mask does not depend on the data, but
not the usual dropout); the models of the course's DP examples have none.
"""

from __future__ import annotations

import numpy as np

from bmlearn.quiet import import_keras, import_tensorflow
from bmlearn.validation import as_finite_array, check_same_length, check_scalar

tf = import_tensorflow()
keras = import_keras()

__all__ = ["clip_gradients", "dp_gradient", "fit_dp_sgd", "per_example_gradients", "poisson_batches"]


def per_example_gradients(model, loss_fn, x, y):
    """The gradient of the loss of each example separately, for every trainable weight.

    ``tf.vectorized_map`` runs the gradient of one example for all examples at once (it
    vectorises the loop rather than running it).

    Args:
        model: a Keras model.
        loss_fn: ``loss_fn(y_true, y_pred)`` giving one loss per example, e.g.
            ``keras.losses.sparse_categorical_crossentropy``.
        x: inputs, ``[batch, ...]``.
        y: targets, ``[batch, ...]``.

    Returns:
        A list with one tensor per trainable weight, of shape ``[batch, *weight.shape]``.

    Raises:
        ValueError: if ``x`` and ``y`` have different lengths.

    Example:
        A linear model without bias, y_pred = 2·x, and the squared error: the gradient of
        (2x − y)² with respect to the weight is 2·(2x − y)·x, so 2·(2 − 1)·1 = 2 for x = 1,
        y = 1 and 2·(6 − 0)·3 = 36 for x = 3, y = 0:

        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
        >>> model.layers[0].set_weights([np.array([[2.0]])])
        >>> (g,) = per_example_gradients(model, keras.losses.mean_squared_error,
        ...                              np.array([[1.0], [3.0]]), np.array([[1.0], [0.0]]))
        >>> np.asarray(g).ravel().tolist()
        [2.0, 36.0]
    """
    if None not in (x.shape[0], y.shape[0]) and x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must have the same length, but received {x.shape[0]} and {y.shape[0]}.")
    weights = model.trainable_variables

    def one_example(example):
        xi, yi = example
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(loss_fn(yi[None], model(xi[None], training=True)))
        return tape.gradient(loss, weights)

    return tf.vectorized_map(one_example, (tf.convert_to_tensor(x), tf.convert_to_tensor(y)))


def clip_gradients(grads, clip_norm):
    """Scale each example's gradient to a global L2 norm of at most ``clip_norm``.

    The same rule as :func:`bmlearn.privacy.clip_per_example`, in TensorFlow: example ``i``'s
    gradients (all weights together) are multiplied by ``min(1, clip_norm / norm_i)``.

    Args:
        grads: a list of tensors ``[batch, *weight.shape]``, as from :func:`per_example_gradients`.
        clip_norm: the largest norm, > 0 (``inf`` turns clipping off).

    Returns:
        The clipped gradients, a list in the same shapes.

    Raises:
        ValueError: if ``clip_norm`` is not > 0.

    Example:
        Gradients (3, 4) and (0.3, 0.4), norms 5 and 0.5, clipped to 1:

        >>> [np.round(g, 6).tolist() for g in clip_gradients([tf.constant([[3.0, 4.0], [0.3, 0.4]])], 1.0)]
        [[[0.6, 0.8], [0.3, 0.4]]]
    """
    clip_norm = _check_clip(clip_norm)
    batch = tf.shape(grads[0])[0]
    squared = tf.add_n([tf.reduce_sum(tf.reshape(tf.square(g), [batch, -1]), axis=1) for g in grads])
    norms = tf.sqrt(squared)
    scale = tf.minimum(1.0, clip_norm / tf.maximum(norms, np.finfo(np.float32).tiny))
    return [g * tf.reshape(tf.cast(scale, g.dtype), [-1] + [1] * (len(g.shape) - 1)) for g in grads]


def dp_gradient(model, loss_fn, x, y, *, clip_norm, noise_multiplier, expected_batch_size, noise_rng):
    """One DP-SGD gradient: per-example gradients, clipped, summed, noised, averaged.

    Args:
        model: a Keras model (see the module's note on batch normalisation).
        loss_fn: per-example loss, as for :func:`per_example_gradients`.
        x: the batch's inputs.
        y: the batch's targets.
        clip_norm: the clipping norm C, > 0.
        noise_multiplier: σ, >= 0: the noise added to the sum has standard deviation σ·C
            (0 gives clipped SGD without privacy).
        expected_batch_size: q·n, what the noisy sum is divided by, > 0.
        noise_rng: a ``tf.random.Generator`` for the noise.

    Returns:
        A list of tensors shaped like ``model.trainable_variables``.

    Raises:
        ValueError: if an argument is outside its range.

    Example:
        Without noise and with an infinite clip, the gradient is the ordinary mean gradient: for
        the model of :func:`per_example_gradients`' example, (2 + 36) / 2 = 19.

        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
        >>> model.layers[0].set_weights([np.array([[2.0]])])
        >>> (g,) = dp_gradient(model, keras.losses.mean_squared_error, np.array([[1.0], [3.0]]),
        ...                    np.array([[1.0], [0.0]]), clip_norm=float("inf"), noise_multiplier=0.0,
        ...                    expected_batch_size=2, noise_rng=tf.random.Generator.from_seed(0))
        >>> float(g[0, 0])
        19.0
    """
    clip_norm = _check_clip(clip_norm)
    noise_multiplier = check_scalar(noise_multiplier, "noise_multiplier", low=0)
    expected_batch_size = check_scalar(expected_batch_size, "expected_batch_size", low=0, low_open=True)
    clipped = clip_gradients(per_example_gradients(model, loss_fn, x, y), clip_norm)
    summed = [tf.reduce_sum(g, axis=0) for g in clipped]  # an empty batch sums to zeros
    if noise_multiplier > 0:
        summed = [s + noise_rng.normal(s.shape, stddev=noise_multiplier * clip_norm, dtype=s.dtype)
                  for s in summed]
    return [s / expected_batch_size for s in summed]


def poisson_batches(n, sample_rate, steps, seed):
    """Batches by Poisson sampling: each of ``n`` examples is in each batch with probability q.

    Batch sizes vary around q·n (binomially); this is the sampling that
    :func:`bmlearn.privacy.epsilon` accounts for. Shuffling and cutting the data into fixed
    batches is a different scheme whose guarantee the same ε does not cover.

    Args:
        n: the number of training examples, a positive integer.
        sample_rate: q, in (0, 1].
        steps: the number of batches, a positive integer.
        seed: the seed of the sampling.

    Yields:
        One array of example indices per step, sorted.

    Returns:
        A generator of ``steps`` index arrays.

    Raises:
        ValueError: if an argument is outside its range.

    Example:
        With q = 1 every batch is the whole data:

        >>> [b.tolist() for b in poisson_batches(3, 1.0, 2, seed=0)]
        [[0, 1, 2], [0, 1, 2]]
    """
    n = check_scalar(n, "n", integer=True, low=1)
    sample_rate = check_scalar(sample_rate, "sample_rate", low=0, high=1, low_open=True)
    steps = check_scalar(steps, "steps", integer=True, low=1)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        yield np.flatnonzero(rng.random(n) < sample_rate)


def fit_dp_sgd(model, x, y, *, loss_fn, optimizer, clip_norm, noise_multiplier, sample_rate, steps,
               seed):
    """Train ``model`` with DP-SGD: ``steps`` Poisson-sampled, clipped, noised steps.

    Args:
        model: a Keras model (its weights are updated in place).
        x: all training inputs, ``[n, ...]``.
        y: all training targets, ``[n, ...]``.
        loss_fn: per-example loss, e.g. ``keras.losses.sparse_categorical_crossentropy``.
        optimizer: a Keras optimizer (DP-SGD's guarantee holds for any optimizer that only sees
            the noisy gradients).
        clip_norm: the clipping norm C, > 0.
        noise_multiplier: σ, >= 0.
        sample_rate: q, in (0, 1].
        steps: the number of steps, a positive integer.
        seed: the seed of the sampling and of the noise.

    Returns:
        The list of the drawn batch sizes, one per step.

    Raises:
        ValueError: if an argument is outside its range, or ``x`` and ``y`` differ in length.

    Example:
        >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
        >>> sizes = fit_dp_sgd(model, np.ones((10, 1)), np.ones((10, 1)),
        ...                    loss_fn=keras.losses.mean_squared_error,
        ...                    optimizer=keras.optimizers.SGD(0.1), clip_norm=1.0,
        ...                    noise_multiplier=1.0, sample_rate=0.5, steps=3, seed=0)
        >>> len(sizes)
        3
    """
    x = as_finite_array(x, "x", min_ndim=1, dtype=np.float32)
    y = np.asarray(y)
    check_same_length(x, y)
    n = len(x)
    expected_batch_size = check_scalar(sample_rate, "sample_rate", low=0, high=1, low_open=True) * n
    noise_rng = tf.random.Generator.from_seed(seed)

    @tf.function(reduce_retracing=True)  # one graph for every batch size
    def train_step(x_batch, y_batch):
        grads = dp_gradient(model, loss_fn, x_batch, y_batch, clip_norm=clip_norm,
                            noise_multiplier=noise_multiplier,
                            expected_batch_size=expected_batch_size, noise_rng=noise_rng)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    sizes = []
    for batch in poisson_batches(n, sample_rate, steps, seed):
        train_step(x[batch], y[batch])
        sizes.append(len(batch))
    return sizes


def _check_clip(clip_norm):
    if isinstance(clip_norm, (int, float, np.floating)) and clip_norm == float("inf"):
        return float("inf")
    return check_scalar(clip_norm, "clip_norm", low=0, low_open=True)
