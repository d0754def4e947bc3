"""Post-training quantization with the TensorFlow Lite converter."""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np

from bmlearn.quiet import import_keras, import_tensorflow, silenced_stderr
from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["float32_copy", "tflite_predict", "to_tflite"]

#: The 16-bit compute dtypes of Keras's mixed-precision policies.
_LOW = ("float16", "bfloat16")


def _all_layers(model):
    for layer in getattr(model, "layers", ()):
        yield layer
        yield from _all_layers(layer)


def _check_built(model):
    if not getattr(model, "built", False) or not hasattr(model, "inputs"):
        raise ValueError(
            "model must be a built Keras model (Sequential or functional), but received "
            f"{type(model).__name__}."
        )


def float32_copy(model):
    """The model computing in float32: itself, or a float32 clone with the same weights.

    Under a mixed-precision policy (``mixed_float16`` or ``mixed_bfloat16``,
    what :func:`bmlearn.setup` picks on a GPU) layers compute in 16 bits and
    keep their weights in float32. The TensorFlow Lite converter rejects the
    16-bit operations of such a model, and phones and microcontrollers run
    float32 or integer models anyway, so :func:`to_tflite` converts this copy:
    every layer rebuilt under the ``float32`` policy, holding the very same
    (float32) weights. The global policy is left as it was.

    Args:
        model: a built Sequential or functional Keras model.

    Returns:
        ``model`` itself if every layer already computes in float32 (or in
        a non-float type), else a new model that does.

    Raises:
        ValueError: if ``model`` is not a built Sequential or functional
            Keras model.

    Example:
        >>> import keras
        >>> keras.mixed_precision.set_global_policy("mixed_bfloat16")
        >>> mixed = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> keras.mixed_precision.set_global_policy("float32")
        >>> copy = float32_copy(mixed)
        >>> mixed.layers[0].compute_dtype, copy.layers[0].compute_dtype
        ('bfloat16', 'float32')
        >>> all(np.array_equal(a, b) for a, b in zip(mixed.get_weights(), copy.get_weights()))
        True
        >>> float32_copy(copy) is copy
        True
    """
    _check_built(model)
    keras = import_keras()

    def low_precision(layer):
        return getattr(layer, "compute_dtype", None) in _LOW

    if not any(low_precision(layer) for layer in _all_layers(model)):
        return model

    def rebuild(layer):
        config = layer.get_config()
        if low_precision(layer):  # a mixed policy: 16-bit compute, float32 weights
            config["dtype"] = "float32"
        return layer.__class__.from_config(config)

    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        copy = keras.models.clone_model(model, clone_function=rebuild, recursive=True)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    copy.set_weights(model.get_weights())
    return copy


def to_tflite(model, *, quantize: bool = False) -> bytes:
    """Convert a Keras model to a TensorFlow Lite flatbuffer.

    With ``quantize=True`` the converter runs with
    ``tf.lite.Optimize.DEFAULT`` and no representative data: *dynamic-range*
    quantization. Weights are stored as 8-bit integers with one float scale
    per tensor (or per channel), about a quarter of their float32 size;
    activations stay float and the kernels dequantize, or quantize inputs on
    the fly, as they run.

    A mixed-precision model (its layers compute in float16 or bfloat16) is
    converted through :func:`float32_copy`: the same weights, computing in
    float32, because the converter rejects 16-bit matrix products.

    Args:
        model: a built Keras model.
        quantize: store the weights as int8.

    Returns:
        The ``.tflite`` file's bytes; ``len()`` is its size.

    Raises:
        ValueError: if ``model`` is not a built Sequential or functional
            Keras model.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((256,)), keras.layers.Dense(256)])
        >>> small, big = to_tflite(model, quantize=True), to_tflite(model)
        >>> 3.0 < len(big) / len(small) < 4.0
        True
    """
    _check_built(model)
    model = float32_copy(model)
    tf = import_tensorflow()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    # The converter exports a SavedModel first and prints about it: keep that quiet.
    with contextlib.redirect_stdout(io.StringIO()), silenced_stderr(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return converter.convert()


def tflite_predict(model_bytes: bytes, x, *, batch_size: int = 256) -> np.ndarray:
    """Run a TensorFlow Lite model on inputs, batch by batch.

    Args:
        model_bytes: what :func:`to_tflite` returned.
        x: inputs, ``(n, ...)``, matching the model's input shape.
        batch_size: samples per interpreter call.

    Returns:
        The model's outputs for all ``n`` samples, as a float32 array.

    Raises:
        ValueError: for NaN or infinite inputs, an input shape the model does
            not accept, a bad batch size, or bytes that are not a model.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> x = np.ones((5, 3), "float32")
        >>> out = tflite_predict(to_tflite(model), x)
        >>> out.shape, bool(np.allclose(out, model.predict(x, verbose=0), atol=1e-5))
        ((5, 2), True)
    """
    batch_size = check_scalar(batch_size, "batch_size", integer=True, low=1)
    x = as_finite_array(x, "x", min_ndim=2, dtype=np.float32)
    tf = import_tensorflow()
    with silenced_stderr(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tf.lite.Interpreter's deprecation notice
        try:
            interpreter = tf.lite.Interpreter(model_content=bytes(model_bytes))
        except (ValueError, TypeError, RuntimeError) as err:
            raise ValueError(f"model_bytes is not a TensorFlow Lite model: {err}") from None
    (inp,) = interpreter.get_input_details()
    (out,) = interpreter.get_output_details()
    expected = tuple(int(d) for d in inp["shape_signature"][1:])
    if tuple(x.shape[1:]) != expected and -1 not in expected:
        raise ValueError(
            f"x must have samples of shape {expected}, but received shape {x.shape}."
        )
    outputs = []
    current = None
    with silenced_stderr():  # the runtime announces its CPU delegate on stderr
        for start in range(0, len(x), batch_size):
            batch = x[start:start + batch_size]
            if batch.shape != current:
                interpreter.resize_tensor_input(inp["index"], batch.shape)
                interpreter.allocate_tensors()
                current = batch.shape
            interpreter.set_tensor(inp["index"], batch)
            interpreter.invoke()
            outputs.append(np.array(interpreter.get_tensor(out["index"]), dtype=np.float32))
    return np.concatenate(outputs)
