"""A small convolutional network (CNN) classifier for images."""

from __future__ import annotations

from bmlearn.models._common import check_input_shape, check_units
from bmlearn.quiet import import_keras
from bmlearn.validation import check_scalar

keras = import_keras()

__all__ = ["build_cnn"]


def build_cnn(
    input_shape,
    num_classes: int,
    *,
    filters=(32, 64),
    convs_per_block: int = 2,
    dense_units: int = 128,
    dropout: float = 0.3,
    batch_norm: bool = False,
    shift: float = 0.0,
    name: str = "cnn",
) -> keras.Model:
    """Build a CNN: blocks of 3×3 convolutions and 2×2 max pooling, then a classifier.

    Each block has ``convs_per_block`` convolutions with the same number of
    filters (each followed by batch normalisation when ``batch_norm``, and
    ReLU), then a max-pooling layer that halves height and width. The
    classifier flattens, applies dropout, one dense ReLU layer, dropout
    again, and a float32 softmax. With ``shift > 0``, training images are
    first moved by a random fraction of their size (data augmentation, active
    only in training). The model is returned uncompiled.

    Args:
        input_shape: shape of one image, ``(height, width, channels)``.
        num_classes: number of classes (≥ 2).
        filters: number of filters of each block; one block per entry.
        convs_per_block: convolutions in each block.
        dense_units: width of the dense layer before the output.
        dropout: dropout rate in [0, 1).
        batch_norm: add batch normalisation after each convolution.
        shift: largest random translation during training, as a fraction of
            height and width (``0.125`` is one pixel of an 8×8 image); 0 turns
            augmentation off.
        name: the model's name.

    Returns:
        An uncompiled ``keras.Model`` mapping ``(batch, height, width,
        channels)`` images to ``(batch, num_classes)`` probabilities.

    Raises:
        ValueError: for an input that is not an image shape, too many blocks
            for the image size, or bad widths or rates.

    Example:
        >>> model = build_cnn((8, 8, 1), 10, filters=(8, 16))
        >>> model.output_shape
        (None, 10)
        >>> build_cnn((8, 8), 10)
        Traceback (most recent call last):
        ...
        ValueError: input_shape must be (height, width, channels), but received (8, 8).
    """
    input_shape = check_input_shape(input_shape)
    if len(input_shape) != 3:
        raise ValueError(
            f"input_shape must be (height, width, channels), but received {input_shape}."
        )
    num_classes = check_scalar(num_classes, "num_classes", integer=True, low=2)
    filters = check_units(filters, "filters")
    convs_per_block = check_scalar(convs_per_block, "convs_per_block", integer=True, low=1)
    dense_units = check_scalar(dense_units, "dense_units", integer=True, low=1)
    dropout = check_scalar(dropout, "dropout", low=0, high=1, high_open=True)
    shift = check_scalar(shift, "shift", low=0, high=1, high_open=True)
    smallest = min(input_shape[:2])
    if smallest < 2 ** len(filters):
        raise ValueError(
            f"{len(filters)} pooling blocks need images of at least {2 ** len(filters)} pixels "
            f"a side, but input_shape is {input_shape}."
        )

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if shift:
        x = keras.layers.RandomTranslation(shift, shift, fill_mode="constant", name="shift")(x)
    for b, width in enumerate(filters, start=1):
        for c in range(1, convs_per_block + 1):
            x = keras.layers.Conv2D(
                width, 3, padding="same", use_bias=not batch_norm, name=f"conv{b}_{c}"
            )(x)
            if batch_norm:
                x = keras.layers.BatchNormalization(name=f"bn{b}_{c}")(x)
            x = keras.layers.Activation("relu", name=f"relu{b}_{c}")(x)
        x = keras.layers.MaxPooling2D(name=f"pool{b}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout_1")(x)
    x = keras.layers.Dense(dense_units, activation="relu", name="dense")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout_2")(x)
    outputs = keras.layers.Dense(
        num_classes, activation="softmax", dtype="float32", name="probabilities"
    )(x)
    return keras.Model(inputs, outputs, name=name)
