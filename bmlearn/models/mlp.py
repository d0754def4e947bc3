"""A multilayer perceptron (MLP) classifier."""

from __future__ import annotations

from bmlearn.models._common import check_input_shape, check_units
from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()

__all__ = ["build_mlp"]


def build_mlp(
    input_shape,
    num_classes: int,
    *,
    hidden_units=(256, 128),
    activation: str = "relu",
    dropout: float = 0.0,
    name: str = "mlp",
) -> keras.Model:
    """Build an MLP: dense hidden layers, then a softmax over the classes.

    Inputs with more than one axis (images) are flattened first. The output
    layer computes in float32 even under a mixed-precision policy, so the
    softmax and the loss stay accurate. The model is returned uncompiled.

    Args:
        input_shape: shape of one sample, e.g. ``(64,)`` or ``(8, 8, 1)``.
        num_classes: number of classes (≥ 2); the output has one probability
            per class.
        hidden_units: width of each hidden layer; ``()`` gives a linear
            (softmax-regression) model.
        activation: activation of the hidden layers, any name Keras knows
            (``"relu"``, ``"tanh"``, ``"linear"``, …).
        dropout: dropout rate after each hidden layer, in [0, 1).
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` mapping ``(batch, *input_shape)`` to
        ``(batch, num_classes)`` probabilities.

    Raises:
        ValueError: for a bad shape, width, class count or dropout rate.

    Example:
        >>> model = build_mlp((64,), 10, hidden_units=(32,))
        >>> model.output_shape
        (None, 10)
        >>> model.count_params() == 64 * 32 + 32 + 32 * 10 + 10
        True
    """
    input_shape = check_input_shape(input_shape)
    num_classes = check_scalar(num_classes, "num_classes", integer=True, low=2)
    hidden_units = check_units(hidden_units, "hidden_units")
    dropout = check_scalar(dropout, "dropout", low=0, high=1, high_open=True)

    inputs = keras.Input(shape=input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, activation=activation, name=f"hidden_{i}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"dropout_{i}")(x)
    outputs = keras.layers.Dense(
        num_classes, activation="softmax", dtype="float32", name="probabilities"
    )(x)
    return keras.Model(inputs, outputs, name=name)
