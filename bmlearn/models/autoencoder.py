"""A dense autoencoder: compress each input to a few numbers, then rebuild it."""

from __future__ import annotations

from bmlearn.models._common import check_units
from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()

__all__ = ["build_autoencoder"]


def build_autoencoder(
    input_dim: int,
    bottleneck: int,
    *,
    hidden_units=(32,),
    activation: str = "relu",
    name: str = "autoencoder",
) -> keras.Model:
    """Build a dense autoencoder: encoder, a linear bottleneck, a mirrored decoder.

    The encoder has Dense layers of ``hidden_units`` widths, then a linear
    Dense layer of ``bottleneck`` units (the code); the decoder repeats the
    hidden widths in reverse order, then a linear Dense layer of
    ``input_dim`` units rebuilds the input. Trained to reproduce its inputs
    (for instance with the mean squared error), it learns what typical inputs
    look like: an input unlike the training data is rebuilt badly, so the
    reconstruction error serves as an anomaly score. With
    ``hidden_units=()`` the model is linear, and its best fit in squared
    error spans the same subspace as the first ``bottleneck`` principal
    components.

    The output layer computes in float32 even under a mixed-precision policy,
    so that the reconstruction error stays accurate. Standardise the inputs
    first (for instance with a ``keras.layers.Normalization`` layer fitted on
    the training data, or in NumPy): the error then weighs every feature alike.
    The model is returned uncompiled.

    Args:
        input_dim: number of features of one input (≥ 1).
        bottleneck: width of the code (≥ 1); below ``input_dim`` for the
            model to have to compress.
        hidden_units: widths of the encoder's hidden layers, outermost first;
            the decoder mirrors them. ``()`` gives a linear autoencoder.
        activation: activation of the hidden layers, any name Keras knows.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` mapping ``(batch, input_dim)`` to
        ``(batch, input_dim)``.

    Raises:
        ValueError: for a non-positive ``input_dim`` or ``bottleneck``, or bad
            hidden widths.

    Example:
        >>> model = build_autoencoder(10, 3, hidden_units=(8,))
        >>> model.output_shape
        (None, 10)
        >>> [layer.name for layer in model.layers[1:]]
        ['encoder_1', 'code', 'decoder_1', 'reconstruction']
        >>> model.count_params() == (10 * 8 + 8) + (8 * 3 + 3) + (3 * 8 + 8) + (8 * 10 + 10)
        True
    """
    input_dim = check_scalar(input_dim, "input_dim", integer=True, low=1)
    bottleneck = check_scalar(bottleneck, "bottleneck", integer=True, low=1)
    hidden_units = check_units(hidden_units, "hidden_units")

    inputs = keras.Input(shape=(input_dim,), name="inputs")
    x = inputs
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, activation=activation, name=f"encoder_{i}")(x)
    x = keras.layers.Dense(bottleneck, name="code")(x)
    for i, units in enumerate(reversed(hidden_units), start=1):
        x = keras.layers.Dense(units, activation=activation, name=f"decoder_{i}")(x)
    outputs = keras.layers.Dense(input_dim, dtype="float32", name="reconstruction")(x)
    return keras.Model(inputs, outputs, name=name)
