"""Magnitude pruning: zero the smallest weights of a trained model."""

from __future__ import annotations

import numpy as np

from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()

__all__ = ["KeepPruned", "prunable_kernels", "prune_by_magnitude", "weight_sparsity"]

_PRUNABLE = (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)


def _all_layers(model):
    for layer in getattr(model, "layers", ()):
        yield layer
        yield from _all_layers(layer)


def prunable_kernels(model) -> list:
    """The weight matrices (kernels) of a model's dense and convolutional layers.

    Biases, normalisation parameters and embeddings are left out: they are
    few, and zeroing them hurts more than it saves.

    Args:
        model: a built Keras model.

    Returns:
        A list of Keras variables, in layer order.

    Raises:
        ValueError: if the model has no dense or convolutional layer.

    Example:
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="hidden"),
        ...                           keras.layers.Dense(1, name="out")], name="net")
        >>> [v.path for v in prunable_kernels(model)]
        ['net/hidden/kernel', 'net/out/kernel']
    """
    kernels = [
        layer.kernel
        for layer in _all_layers(model)
        if isinstance(layer, _PRUNABLE) and getattr(layer, "kernel", None) is not None
    ]
    if not kernels:
        raise ValueError(
            f"model {model.name!r} has no dense or convolutional layer to prune."
        )
    return kernels


def prune_by_magnitude(model, sparsity: float, *, scope: str = "layer") -> dict:
    """Set the smallest-magnitude kernel weights of ``model`` to zero, in place.

    With ``scope="layer"`` each kernel of ``n`` weights loses exactly
    ``round(sparsity * n)`` of them, its smallest in absolute value; with
    ``scope="global"`` the ``round(sparsity * N)`` smallest of all ``N``
    kernel weights go, wherever they are, so layers with many small weights
    lose more. Ties are broken by position, so the count is exact. Biases are
    kept (see :func:`prunable_kernels`). Fine-tune afterwards with
    :class:`KeepPruned` to keep the zeros at zero.

    Args:
        model: a built Keras model.
        sparsity: the share of kernel weights to zero, in [0, 1).
        scope: ``"layer"`` or ``"global"``.

    Returns:
        A dict mapping each kernel's path to its mask: a boolean array,
        ``True`` where the weight is kept.

    Raises:
        ValueError: for ``sparsity`` outside [0, 1), an unknown ``scope``, or
            a model with nothing to prune.

    Example:
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
        >>> masks = prune_by_magnitude(model, 0.5)
        >>> int((model.layers[0].kernel.numpy() == 0).sum()), weight_sparsity(model)
        (10, 0.5)
    """
    sparsity = check_scalar(sparsity, "sparsity", low=0, high=1, high_open=True)
    if scope not in ("layer", "global"):
        raise ValueError(f"scope must be 'layer' or 'global', but received {scope!r}.")
    kernels = prunable_kernels(model)
    values = [np.asarray(k.numpy()) for k in kernels]

    def smallest(flat, count):
        keep = np.ones(flat.size, dtype=bool)
        if count:
            keep[np.argsort(np.abs(flat), kind="stable")[:count]] = False
        return keep

    if scope == "layer":
        keeps = [smallest(v.ravel(), int(round(sparsity * v.size))) for v in values]
    else:
        flat = np.concatenate([v.ravel() for v in values])
        keep_all = smallest(flat, int(round(sparsity * flat.size)))
        keeps = np.split(keep_all, np.cumsum([v.size for v in values])[:-1])
    masks = {}
    for kernel, value, keep in zip(kernels, values, keeps):
        mask = keep.reshape(value.shape)
        kernel.assign(np.where(mask, value, 0).astype(value.dtype))
        masks[kernel.path] = mask
    return masks


def weight_sparsity(model) -> float:
    """The share of a model's kernel weights that are exactly zero.

    Args:
        model: a built Keras model.

    Returns:
        A float in [0, 1], over the kernels of :func:`prunable_kernels`.

    Raises:
        ValueError: if the model has no dense or convolutional layer.

    Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
        >>> _ = model.layers[0].kernel.assign([[0.0, 1.0], [0.0, 2.0]])
        >>> weight_sparsity(model)
        0.5
    """
    values = [np.asarray(k.numpy()) for k in prunable_kernels(model)]
    return float(sum(int((v == 0).sum()) for v in values) / sum(v.size for v in values))


class KeepPruned(keras.callbacks.Callback):
    """Keep pruned weights at zero while a pruned model is fine-tuned.

    The optimiser updates every weight, zeros included; after each training
    batch this callback multiplies each kernel by its mask again, so training
    can only adjust the weights that were kept.

    Args:
        masks: what :func:`prune_by_magnitude` returned: kernel path → mask.

    Returns:
        A callback for ``fit(callbacks=[...])``.

    Raises:
        ValueError: if a mask names a kernel the model does not have, or its
            shape differs from the kernel's (checked when training starts).

    Example:
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> masks = prune_by_magnitude(model, 0.75)
        >>> x = np.ones((8, 4), "float32")
        >>> _ = model.fit(x, x[:, :3], epochs=2, verbose=0, callbacks=[KeepPruned(masks)])
        >>> weight_sparsity(model)
        0.75
    """

    def __init__(self, masks: dict):
        super().__init__()
        self.masks = {path: np.asarray(mask, dtype=bool) for path, mask in dict(masks).items()}
        self._pairs = []

    def on_train_begin(self, logs=None):
        kernels = {k.path: k for k in prunable_kernels(self.model)}
        self._pairs = []
        for path, mask in self.masks.items():
            if path not in kernels:
                raise ValueError(
                    f"mask for {path!r} matches no kernel of the model; it has {sorted(kernels)}."
                )
            kernel = kernels[path]
            if tuple(kernel.shape) != mask.shape:
                raise ValueError(
                    f"mask for {path!r} has shape {mask.shape}, but the kernel has shape "
                    f"{tuple(kernel.shape)}."
                )
            self._pairs.append((kernel, mask.astype(kernel.dtype)))

    def on_train_batch_end(self, batch, logs=None):
        for kernel, mask in self._pairs:
            kernel.assign(kernel * mask)
