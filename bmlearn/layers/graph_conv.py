"""A graph convolution layer (Kipf and Welling, 2017) and the normalised adjacency it multiplies by."""

from __future__ import annotations

import numpy as np

from bmlearn.quiet import import_keras
from bmlearn.validation import as_finite_array, check_scalar

keras = import_keras()
ops = keras.ops

__all__ = ["GraphConv", "normalized_adjacency"]


def normalized_adjacency(adjacency, *, self_loops: bool = True) -> np.ndarray:
    """The symmetrically normalised adjacency ``D^{-1/2} (A + I) D^{-1/2}`` of Kipf and Welling.

    ``A`` is the graph's adjacency matrix (symmetric, non-negative weights),
    ``I`` adds a self-loop to every node so that a node keeps its own
    features, and ``D`` is the diagonal matrix of the row sums of ``A + I``
    (each node's degree plus one). Entry ``(i, j)`` is
    ``a_ij / sqrt(d_i d_j)``: averaging over neighbours, with well-connected
    neighbours counting less. Its eigenvalues lie in ``(-1, 1]``, so
    stacking layers does not blow features up.

    Args:
        adjacency: square array ``(n, n)``, symmetric, with non-negative entries.
        self_loops: add ``I`` first (the renormalisation trick); without it,
            a node with no edges gets a zero row.

    Returns:
        float64 array ``(n, n)``.

    Raises:
        ValueError: for an array that is not square, not symmetric, or has negative entries.

    Example:
        A path of three nodes, 0 - 1 - 2: the middle node has degree 3 with its
        self-loop, the ends 2, so entry (0, 1) is ``1 / sqrt(2 · 3)``:

        >>> normalized_adjacency([[0, 1, 0], [1, 0, 1], [0, 1, 0]]).round(4)
        array([[0.5   , 0.4082, 0.    ],
               [0.4082, 0.3333, 0.4082],
               [0.    , 0.4082, 0.5   ]])
    """
    a = as_finite_array(adjacency, "adjacency", ndim=2)
    if a.shape[0] != a.shape[1]:
        raise ValueError(f"adjacency must be square, but received shape {a.shape}.")
    if not np.allclose(a, a.T) or (a < 0).any():
        raise ValueError("adjacency must be symmetric with non-negative entries, but received "
                         f"an array with max |A - A^T| = {np.abs(a - a.T).max():g} and min {a.min():g}.")
    if self_loops:
        a = a + np.eye(len(a))
    degree = a.sum(axis=1)
    inv_sqrt = np.divide(1.0, np.sqrt(degree), out=np.zeros_like(degree), where=degree > 0)
    return inv_sqrt[:, None] * a * inv_sqrt[None, :]


@keras.saving.register_keras_serializable(package="bmlearn")
class GraphConv(keras.layers.Layer):
    """A graph convolution: ``activation(Â X W + b)`` (Kipf and Welling, 2017).

    Each node's new features are a weighted average of its own and its
    neighbours' features, ``Â X``, passed through a dense layer shared by all
    nodes. ``Â`` is the normalised adjacency matrix (see
    :func:`normalized_adjacency`), given at each call, so one layer serves any
    graph. Computed as ``Â (X W)``, which costs less when ``units`` is smaller
    than the number of input features.

    Dtypes: the layer computes in its policy's compute dtype: under
    ``mixed_float16`` the output is **float16**; ``W`` and ``b`` are stored
    in the variable dtype (float32).

    Args:
        units: output features per node, a positive integer.
        activation: a Keras activation (default: none).
        use_bias: add ``b``.
        kernel_initializer: initializer of ``W`` (default Glorot uniform,
            as in the paper).
        **kwargs: passed to ``keras.layers.Layer`` (``name``, ``dtype``).

    Call arguments:
        inputs: a list ``[features, adjacency]``: ``features`` of shape
            ``(batch, nodes, in_features)`` and ``adjacency`` (the normalised
            ``Â``) of shape ``(batch, nodes, nodes)``. A single graph is a
            batch of one.

    Raises:
        ValueError: for ``units`` that is not a positive integer, or inputs that are not such a pair.

    Example:
        >>> import numpy as np
        >>> a_hat = normalized_adjacency([[0, 1, 0], [1, 0, 1], [0, 1, 0]])[None]
        >>> x = np.eye(3, dtype="float32")[None]  # one-hot features: X W is W
        >>> layer = GraphConv(2)
        >>> y = layer([x, a_hat.astype("float32")])
        >>> tuple(y.shape)
        (1, 3, 2)
        >>> w = layer.kernel.numpy()
        >>> bool(np.allclose(y[0], a_hat[0] @ w, atol=1e-6))
        True
    """

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = check_scalar(units, "units", integer=True, low=1)
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def _shapes(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 \
                or not isinstance(input_shape[0], (list, tuple)):
            raise ValueError(f"GraphConv must be called on [features, adjacency], but received "
                             f"input shape {input_shape}.")
        features, adjacency = (tuple(s) for s in input_shape)
        if len(features) != 3 or len(adjacency) != 3:
            raise ValueError(f"features must be (batch, nodes, in_features) and adjacency (batch, "
                             f"nodes, nodes), but received shapes {features} and {adjacency}.")
        return features, adjacency

    def build(self, input_shape):
        features, _ = self._shapes(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=(features[-1], self.units),
                                      initializer=self.kernel_initializer)
        self.bias = (self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
                     if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        features, adjacency = inputs
        features = ops.cast(features, self.compute_dtype)
        adjacency = ops.cast(adjacency, self.compute_dtype)
        out = ops.matmul(adjacency, ops.matmul(features, ops.cast(self.kernel, self.compute_dtype)))
        if self.use_bias:
            out = out + ops.cast(self.bias, self.compute_dtype)
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        features, _ = self._shapes(input_shape)
        return features[:-1] + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units,
                       "activation": keras.activations.serialize(self.activation),
                       "use_bias": self.use_bias,
                       "kernel_initializer": keras.initializers.serialize(self.kernel_initializer)})
        return config
