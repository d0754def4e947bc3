"""A multilayer perceptron in NumPy, with backpropagation written out layer by layer.

This is teaching code: it favours one readable line per equation over speed.
The tests check :meth:`MLP.backward` against numerical gradients and against
TensorFlow's automatic differentiation on the same weights.
"""

from __future__ import annotations

import numpy as np

from bmlearn.math import _kernels
from bmlearn.math._checks import probabilities, rows_sum_to_one
from bmlearn.math.activations import relu, relu_grad, sigmoid, sigmoid_grad, softmax, tanh, tanh_grad
from bmlearn.math.layers import dense
from bmlearn.math.losses import (
    binary_cross_entropy_from_logits,
    categorical_cross_entropy_from_logits,
    mse,
)
from bmlearn.math.optimizers import Adam
from bmlearn.validation import (
    as_finite_array,
    check_labels,
    check_scalar,
    check_same_length,
)

__all__ = ["MLP"]

_ACTIVATIONS = {
    "tanh": (tanh, tanh_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "relu": (relu, relu_grad),
}
_OUTPUTS = ("sigmoid", "softmax", "linear")


class MLP:
    """A small multilayer perceptron: dense layers, a hidden activation, an output layer.

    The output layer and the loss come as a pair, and for each pair the
    gradient of the loss with respect to the output layer's pre-activations
    ``z`` is simply "prediction minus target", scaled by the mean:

    ============  ===============================  ==========================
    ``output``    loss (mean over samples)         ``dL/dz`` of the last layer
    ============  ===============================  ==========================
    ``sigmoid``   binary cross-entropy             ``(p - y) / y.size``
    ``softmax``   categorical cross-entropy        ``(p - y) / n``
    ``linear``    mean squared error               ``2 (p - y) / y.size``
    ============  ===============================  ==========================

    Weights start Glorot-uniform (Keras's default for ``Dense``: uniform in
    ``±sqrt(6 / (n_in + n_out))``), biases at zero. Everything is float64.

    Args:
        sizes: layer widths from input to output, at least two, e.g.
            ``(2, 8, 1)``: 2 inputs, one hidden layer of 8 units, 1 output.
        activation: the hidden layers' activation: ``"tanh"``, ``"sigmoid"``
            or ``"relu"``.
        output: ``"sigmoid"`` (binary classification: one probability per
            output), ``"softmax"`` (one of ``sizes[-1]`` classes) or
            ``"linear"`` (regression).
        seed: random seed for the initial weights and for shuffling in
            :meth:`fit`.

    Attributes:
        weights: list of weight matrices, ``weights[l]`` of shape
            ``(sizes[l], sizes[l + 1])``.
        biases: list of bias vectors, ``biases[l]`` of shape ``(sizes[l + 1],)``.
        params: ``[W1, b1, W2, b2, ...]``, the same array objects, in the
            order :meth:`backward` returns gradients; optimisers update them
            in place.

    Raises:
        ValueError: for fewer than two sizes, a size that is not a positive
            integer, an unknown activation or output, or ``output="softmax"``
            with fewer than two outputs.

    Example:
        >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
        >>> y = np.array([0, 1, 1, 0])  # XOR
        >>> net = MLP((2, 4, 1), activation="tanh", output="sigmoid", seed=0)
        >>> history = net.fit(X, y, epochs=300, optimizer=Adam(lr=0.05))
        >>> net.predict(X)
        array([0, 1, 1, 0])
        >>> history["loss"][-1] < 0.05
        True
    """

    def __init__(self, sizes, activation: str = "tanh", output: str = "sigmoid", seed: int = 0):
        sizes = tuple(sizes) if isinstance(sizes, (list, tuple)) else sizes
        if not isinstance(sizes, tuple) or len(sizes) < 2:
            raise ValueError(
                "MLP: sizes must be a list of at least two layer widths (inputs, ..., outputs), "
                f"but received {sizes!r}."
            )
        self.sizes = tuple(check_scalar(s, f"sizes[{i}]", integer=True, low=1) for i, s in enumerate(sizes))
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"MLP: activation must be one of {sorted(_ACTIVATIONS)}, but received {activation!r}."
            )
        if output not in _OUTPUTS:
            raise ValueError(f"MLP: output must be one of {list(_OUTPUTS)}, but received {output!r}.")
        if output == "softmax" and self.sizes[-1] < 2:
            raise ValueError(
                f"MLP: output='softmax' needs at least 2 outputs (classes), but sizes[-1] is "
                f"{self.sizes[-1]}. For two classes use output='sigmoid' with 1 output."
            )
        self.activation = activation
        self.output = output
        self.seed = seed
        self._act, self._act_grad = _ACTIVATIONS[activation]
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            self.weights.append(_kernels.glorot_uniform(rng, n_in, n_out, (n_in, n_out)))
            self.biases.append(np.zeros(n_out))
        self._cache = None

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes}, activation={self.activation!r}, output={self.output!r})"

    @property
    def params(self) -> list:
        """``[W1, b1, W2, b2, ...]``: the model's arrays themselves, not copies."""
        return [p for W, b in zip(self.weights, self.biases) for p in (W, b)]

    def count_params(self) -> int:
        """The number of weights and biases.

        Returns:
            ``sum(n_in * n_out + n_out)`` over the layers.

        Example:
            >>> MLP((2, 8, 1)).count_params()  # 2*8 + 8 + 8*1 + 1
            33
        """
        return int(sum(p.size for p in self.params))

    # ----- forward pass ------------------------------------------------------------

    def forward(self, x) -> np.ndarray:
        """Compute the network's output and remember what backpropagation needs.

        For each layer ``l``: ``z_l = a_{l-1} W_l + b_l`` and ``a_l = f(z_l)``,
        with ``a_0 = x``, ``f`` the hidden activation, and the output
        function (sigmoid, softmax or identity) on the last layer. Each
        layer's input ``a_{l-1}`` and pre-activation ``z_l`` are kept for
        :meth:`backward`.

        Args:
            x: inputs, shape ``(n, sizes[0])``.

        Returns:
            The outputs ``a_L``, shape ``(n, sizes[-1])``: probabilities for
            a sigmoid or softmax output, real numbers for a linear one.

        Raises:
            ValueError: if ``x`` is not 2-D with ``sizes[0]`` columns, is
                empty, or holds NaN or infinity.

        Example:
            >>> MLP((3, 2, 1)).forward(np.zeros((5, 3))).shape
            (5, 1)
        """
        x = as_finite_array(x, "x", ndim=2)
        if x.shape[1] != self.sizes[0]:
            raise ValueError(
                f"MLP.forward: x must have {self.sizes[0]} features (sizes[0]), but received "
                f"shape {x.shape}."
            )
        inputs, pre_activations = [], []
        a = x
        last = len(self.weights) - 1
        for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
            inputs.append(a)
            z = dense(a, W, b)
            pre_activations.append(z)
            a = self._act(z) if layer < last else self._output_fn(z)
        self._cache = {"inputs": inputs, "z": pre_activations, "output": a}
        return a

    def _output_fn(self, z: np.ndarray) -> np.ndarray:
        if self.output == "sigmoid":
            return sigmoid(z)
        if self.output == "softmax":
            return softmax(z, axis=-1)
        return z.copy()

    # ----- loss --------------------------------------------------------------------

    def loss(self, x, y) -> float:
        """Run :meth:`forward` on ``x`` and return the mean loss against ``y``.

        Cross-entropies are computed from the last layer's logits (the
        ``*_from_logits`` functions): exact, no clipping, and precisely the
        function whose gradient :meth:`backward` returns.

        Args:
            x: inputs, shape ``(n, sizes[0])``.
            y: targets, as for :meth:`backward`.

        Returns:
            The loss, a float.

        Raises:
            ValueError: for bad inputs or targets (see :meth:`forward` and
                :meth:`backward`).

        Example:
            >>> net = MLP((2, 3), output="softmax")  # no hidden layer: softmax regression
            >>> round(net.loss(np.zeros((1, 2)), [2]), 4)  # z = b = 0: uniform, so log 3
            1.0986
        """
        self.forward(x)
        y = self._targets(y, len(self._cache["output"]))
        z = self._cache["z"][-1]
        if self.output == "sigmoid":
            return binary_cross_entropy_from_logits(y, z)
        if self.output == "softmax":
            return categorical_cross_entropy_from_logits(y, z)
        return mse(y, z)

    def _targets(self, y, n: int) -> np.ndarray:
        """Turn ``y`` into a float array of shape ``(n, sizes[-1])``."""
        k = self.sizes[-1]
        fn = "MLP"
        received = np.shape(y)
        if self.output == "softmax" and np.ndim(y) == 1:
            y = check_labels(y, k, "y")
            y = np.eye(k)[y]  # integer labels -> one-hot rows
        elif self.output == "sigmoid":
            y = probabilities(y, "y", fn)
        else:
            y = as_finite_array(y, "y", min_ndim=1)
        if y.ndim == 1 and k == 1:
            y = y.reshape(-1, 1)
        if y.shape != (n, k):
            raise ValueError(
                f"MLP: y must have shape ({n}, {k}) to match the output"
                f"{' (or (' + str(n) + ',) for one output)' if k == 1 else ''}, "
                f"but received shape {received}."
            )
        if self.output == "softmax":
            y = probabilities(y, "y", fn)
            rows_sum_to_one(y, "y", fn)
        return y

    # ----- backward pass -----------------------------------------------------------

    def backward(self, y) -> list:
        """Backpropagation: the gradient of the loss with respect to every parameter.

        Uses the values cached by the last :meth:`forward` (or :meth:`loss`)
        call. With ``δ_l = dL/dz_l``, working from the last layer back::

            δ_L     = (output - y) / (number of terms averaged)   # output and loss paired
            dL/dW_l = a_{l-1}ᵀ δ_l        # each weight: its input times the error it feeds
            dL/db_l = Σ_samples δ_l       # each bias: the errors, summed over the batch
            δ_{l-1} = (δ_l W_lᵀ) ⊙ f'(z_{l-1})   # chain rule through the layer, then f

        Args:
            y: targets for the ``n`` samples of the last forward pass. For
                ``output="sigmoid"``: labels in [0, 1] of shape
                ``(n, sizes[-1])``, or ``(n,)`` for one output. For
                ``"softmax"``: integer class labels ``(n,)`` or label
                distributions ``(n, sizes[-1])``. For ``"linear"``: real
                targets of shape ``(n, sizes[-1])`` or ``(n,)`` for one output.

        Returns:
            The gradients ``[dW1, db1, dW2, db2, ...]``, in the order of
            :attr:`params`, each with its parameter's shape.

        Raises:
            ValueError: if :meth:`forward` has not been called, or ``y`` does
                not fit the last forward pass.

        Example:
            >>> net = MLP((2, 3, 1), seed=1)
            >>> _ = net.forward(np.ones((4, 2)))
            >>> [g.shape for g in net.backward(np.ones(4))]
            [(2, 3), (3,), (3, 1), (1,)]
        """
        if self._cache is None:
            raise ValueError("MLP.backward: call forward(x) (or loss(x, y)) first.")
        inputs, zs, p = self._cache["inputs"], self._cache["z"], self._cache["output"]
        n = len(p)
        y = self._targets(y, n)

        # The output layer: dL/dz for each (output, loss) pair is "prediction - target".
        if self.output == "softmax":
            delta = (p - y) / n  # categorical cross-entropy, mean over the n samples
        elif self.output == "sigmoid":
            delta = (p - y) / y.size  # binary cross-entropy, mean over all n·k entries
        else:
            delta = 2.0 * (p - y) / y.size  # mean squared error, mean over all n·k entries

        grads_W = [None] * len(self.weights)
        grads_b = [None] * len(self.weights)
        for layer in reversed(range(len(self.weights))):
            a_in = inputs[layer]  # this layer's input, (n, n_in)
            grads_W[layer] = a_in.T @ delta  # (n_in, n) @ (n, n_out) -> (n_in, n_out)
            grads_b[layer] = delta.sum(axis=0)  # (n_out,)
            if layer > 0:
                # Back through this layer's weights, then through the previous activation.
                d_a_in = delta @ self.weights[layer].T  # dL/da_{l-1}, (n, n_in)
                delta = d_a_in * self._act_grad(zs[layer - 1])  # dL/dz_{l-1}
        return [g for gW, gb in zip(grads_W, grads_b) for g in (gW, gb)]

    # ----- training and prediction ---------------------------------------------------

    def fit(self, x, y, *, epochs: int, optimizer=None, batch_size: int | None = None,
            seed: int | None = None) -> dict:
        """Train with mini-batch gradient descent: forward, backward, optimiser step.

        Args:
            x: inputs, shape ``(n, sizes[0])``.
            y: targets, as for :meth:`backward`.
            epochs: passes over the data, a positive integer.
            optimizer: an object with ``step(params, grads)``, such as
                :class:`~bmlearn.math.Adam`; ``None`` means ``Adam(lr=0.01)``.
            batch_size: samples per step; ``None`` uses the whole data set
                (full-batch gradient descent) in every step.
            seed: seed for shuffling the mini-batches; ``None`` uses the
                constructor's seed.

        Returns:
            ``{"loss": [...]}``: the loss on all of ``x`` after each epoch.

        Raises:
            ValueError: for bad inputs, targets, epochs or batch size.

        Example:
            >>> net = MLP((1, 1), output="linear")
            >>> x = np.linspace(-1, 1, 20).reshape(-1, 1)
            >>> hist = net.fit(x, 3 * x[:, 0] + 1, epochs=200, optimizer=Adam(lr=0.1))
            >>> [round(float(net.weights[0][0, 0]), 2), round(float(net.biases[0][0]), 2)]
            [3.0, 1.0]
        """
        epochs = check_scalar(epochs, "epochs", integer=True, low=1)
        x = as_finite_array(x, "x", ndim=2)
        check_same_length(x, y, "x", "y")
        y = self._targets(y, len(x))
        n = len(x)
        batch_size = n if batch_size is None else check_scalar(batch_size, "batch_size", integer=True, low=1)
        optimizer = Adam(lr=0.01) if optimizer is None else optimizer
        rng = np.random.default_rng(self.seed if seed is None else seed)
        history = {"loss": []}
        for _ in range(epochs):
            order = rng.permutation(n) if batch_size < n else np.arange(n)
            for start in range(0, n, batch_size):
                batch = order[start:start + batch_size]
                self.forward(x[batch])
                grads = self.backward(y[batch])
                optimizer.step(self.params, grads)
            history["loss"].append(self.loss(x, y))
        return history

    def predict(self, x) -> np.ndarray:
        """Predicted classes (sigmoid or softmax output) or values (linear output).

        Args:
            x: inputs, shape ``(n, sizes[0])``.

        Returns:
            Sigmoid with one output: 0/1 labels ``(n,)`` (probability > 0.5);
            several sigmoid outputs: 0/1 array ``(n, k)``; softmax: the most
            probable class ``(n,)``; linear: the outputs, ``(n,)`` for one
            output, else ``(n, k)``.

        Example:
            >>> MLP((2, 3), output="softmax").predict(np.zeros((2, 2)))
            array([0, 0])
        """
        out = self.forward(x)
        if self.output == "softmax":
            return np.argmax(out, axis=1)
        if self.output == "sigmoid":
            labels = (out > 0.5).astype(np.int64)
            return labels[:, 0] if labels.shape[1] == 1 else labels
        return out[:, 0] if out.shape[1] == 1 else out

    def score(self, x, y) -> float:
        """Accuracy: the share of samples whose predicted class equals the label.

        Args:
            x: inputs, shape ``(n, sizes[0])``.
            y: integer class labels ``(n,)`` (for several sigmoid outputs,
                0/1 labels ``(n, k)``; an entry counts when all of its row is right).

        Returns:
            Accuracy in [0, 1].

        Raises:
            ValueError: for a linear output (use :meth:`loss`), or a length mismatch.

        Example:
            >>> MLP((2, 1)).score(np.zeros((2, 2)), [0, 1])
            0.5
        """
        if self.output == "linear":
            raise ValueError("MLP.score is accuracy, for classifiers; with output='linear' use loss().")
        pred = self.predict(x)
        y = np.asarray(y)
        check_same_length(pred, y, "predictions", "y")
        if pred.shape != y.shape:
            raise ValueError(
                f"MLP.score: y must have shape {pred.shape}, but received shape {y.shape}."
            )
        hits = pred == y
        return float(np.mean(hits if hits.ndim == 1 else hits.all(axis=1)))
