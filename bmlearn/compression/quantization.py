"""Post-training quantization: int8 weights by hand (per-channel absmax), and with TensorFlow Lite.

- :func:`quantize_int8` / :func:`dequantize_int8`: symmetric per-channel int8
  quantization of one array, ``w ≈ q · scale`` with ``|w − q · scale| <= scale / 2``;
  :func:`int8_kernels`, :func:`load_int8_kernels` and :func:`weight_bytes` apply it to
  every ``Dense`` and ``EinsumDense`` kernel of a Keras model (a GPT's blocks) and
  count what the weights take, the scheme of Keras's ``model.quantize("int8")``.
- :func:`to_tflite` and :func:`tflite_predict`: dynamic-range quantization with the
  TensorFlow Lite converter, and :func:`float32_copy`, which it needs for a
  mixed-precision model.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np

from bmlearn.quiet import import_keras, import_tensorflow, silenced_stderr
from bmlearn.validation import as_finite_array, check_scalar

__all__ = ["dequantize_int8", "float32_copy", "int8_kernels", "load_int8_kernels",
           "quantize_int8", "tflite_predict", "to_tflite", "weight_bytes"]

#: The largest int8 code used: symmetric quantization uses -127 .. 127 (not -128),
#: so that 0 is exact and the range is the same on both sides.
INT8_MAX = 127

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


def quantize_int8(w, axis=0):
    """Symmetric per-channel int8 quantization: ``w ≈ q · scale``, one scale per channel.

    For each channel (each index of the axes *not* in ``axis``), the scale is
    the channel's largest magnitude over ``axis`` divided by 127 ("absmax"),
    and each weight becomes the nearest integer multiple of it::

        scale = max |w| / 127,    q = round(w / scale)  in [-127, 127]

    The largest weight maps to ±127 exactly and zero to 0 exactly; nothing is
    clipped. Rounding to the nearest step moves each weight by at most half a
    step: ``|w − q · scale| <= scale / 2``, where a step is ``1/127`` of the
    channel's range. For a ``Dense`` kernel ``(n_in, n_out)``, ``axis=0``
    gives one scale per output unit (what Keras's ``Dense.quantize("int8")``
    does; Keras stores the reciprocal, ``127 / (max |w| + 1e-7)``). An
    all-zero channel gets scale 1 and codes 0.

    Args:
        w: a float array (a kernel).
        axis: the axis or axes reduced per scale (the kernel's input axes).

    Returns:
        ``(q, scale)``: int8 codes of ``w``'s shape, and float32 scales of
        ``w``'s shape with the ``axis`` axes kept as size 1 (so that
        ``q * scale`` broadcasts).

    Raises:
        ValueError: for NaN or infinite weights or an axis ``w`` does not have.

    Example:
        >>> w = np.array([[0.5, -2.0], [-1.0, 1.0], [0.25, 0.1]])
        >>> q, scale = quantize_int8(w, axis=0)
        >>> q.tolist()  # the largest magnitude of each column -> ±127
        [[64, -127], [-127, 64], [32, 6]]
        >>> scale.ravel().tolist() == [np.float32(1 / 127), np.float32(2 / 127)]
        True
        >>> bool(np.all(np.abs(w - dequantize_int8(q, scale)) <= scale / 2 + 1e-7))
        True
    """
    w = as_finite_array(w, "w", dtype=np.float64)
    axes = (axis,) if np.isscalar(axis) else tuple(axis)
    if not all(isinstance(a, (int, np.integer)) and -w.ndim <= a < w.ndim for a in axes):
        raise ValueError(f"axis must be axes of w (ndim {w.ndim}), but received {axis!r}.")
    axes = tuple(int(a) % w.ndim for a in axes)
    absmax = np.max(np.abs(w), axis=axes, keepdims=True)
    scale = (absmax / INT8_MAX).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(w / scale.astype(np.float64)), -INT8_MAX, INT8_MAX).astype(np.int8)
    return q, scale


def dequantize_int8(q, scale) -> np.ndarray:
    """The float32 weights that int8 codes stand for: ``q · scale``.

    Args:
        q: int8 codes, from :func:`quantize_int8`.
        scale: their scales (broadcastable to ``q``).

    Returns:
        A float32 array of ``q``'s shape.

    Example:
        >>> dequantize_int8(np.array([[127, -64]], np.int8), np.float32(0.5)).tolist()
        [[63.5, -32.0]]
    """
    return np.asarray(q).astype(np.float32) * np.asarray(scale, np.float32)


def _input_axes(layer) -> tuple:
    """The kernel axes summed against the input: Dense's axis 0, an EinsumDense's shared letters."""
    keras = import_keras()
    if isinstance(layer, keras.layers.EinsumDense):
        inputs, rest = layer.equation.split(",")
        kernel = rest.split("->")[0]
        return tuple(i for i, c in enumerate(kernel) if c in inputs)
    return (0,)


def int8_kernels(model) -> dict:
    """Quantize every ``Dense`` and ``EinsumDense`` kernel of a model to int8, per output channel.

    The layers Keras's ``model.quantize("int8")`` quantizes, with the same
    scheme: :func:`quantize_int8` over the kernel's input axes (the axes
    summed against the layer's input), so one scale per output unit. For a
    GPT: the attention projections and the MLP of every block. Embedding
    tables, layer norms and biases are left alone. The model is not changed.

    Args:
        model: a built Keras model or layer.

    Returns:
        A dict from each kernel's variable path (``"block_1/query/kernel"``)
        to ``(q, scale)``.

    Raises:
        ValueError: if the model has no such kernel.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")], name="m")
        >>> {path: (q.dtype.name, scale.shape) for path, (q, scale) in int8_kernels(model).items()}
        {'m/d/kernel': ('int8', (1, 3))}
    """
    keras = import_keras()
    out = {}
    for layer in model._flatten_layers(include_self=True, recursive=True):
        if (isinstance(layer, (keras.layers.Dense, keras.layers.EinsumDense)) and layer.built
                and getattr(layer, "quantization_mode", None) is None):
            kernel = layer.kernel
            out[kernel.path] = quantize_int8(np.asarray(kernel), axis=_input_axes(layer))
    if not out:
        raise ValueError(f"model must have built Dense or EinsumDense layers, but received "
                         f"{getattr(model, 'name', type(model).__name__)!r} with none.")
    return out


def load_int8_kernels(model, kernels: dict) -> None:
    """Write the dequantized kernels, ``q · scale``, into a model's matching variables, in place.

    The model then computes with exactly the weights an int8 model stores
    (weight-only quantization, simulated in float: "fake quantization"), so its
    loss is the quantized model's loss. Use a copy with the same layer names.

    Args:
        model: a built Keras model.
        kernels: what :func:`int8_kernels` returned (for this model or a copy).

    Raises:
        ValueError: if a path in ``kernels`` is not a variable of ``model``.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")], name="m")
        >>> kernels = int8_kernels(model)
        >>> load_int8_kernels(model, kernels)
        >>> q, scale = kernels["m/d/kernel"]
        >>> bool(np.array_equal(model.layers[0].kernel.numpy(), dequantize_int8(q, scale)))
        True
    """
    variables = {v.path: v for v in model.weights}
    missing = sorted(set(kernels) - set(variables))
    if missing:
        raise ValueError(f"kernels must name variables of the model, but received paths it "
                         f"does not have: {missing[:3]!r}.")
    for path, (q, scale) in kernels.items():
        variables[path].assign(dequantize_int8(q, scale).astype(variables[path].dtype))


def weight_bytes(model, kernels: dict | None = None) -> int:
    """Bytes a model's weights take: each variable's element count times its item size.

    Args:
        model: a built Keras model (a ``model.quantize``-d one counts its int8
            kernels at one byte each, and their scales).
        kernels: optional :func:`int8_kernels` output: those variables are
            counted as stored in int8 instead, codes plus float32 scales.

    Returns:
        The number of bytes.

    Example:
        >>> import keras
        >>> model = keras.Sequential([keras.Input((100,)), keras.layers.Dense(10)])
        >>> weight_bytes(model)  # (100 · 10 + 10) float32 numbers
        4040
        >>> weight_bytes(model, int8_kernels(model))  # 1000 int8 + 10 scales + 10 biases
        1080
    """
    keras = import_keras()
    kernels = kernels or {}
    total = 0
    for v in model.weights:
        if v.path in kernels:
            q, scale = kernels[v.path]
            total += q.nbytes + scale.nbytes
        else:
            itemsize = np.dtype(keras.backend.standardize_dtype(v.dtype)).itemsize
            total += int(np.prod(v.shape, dtype=np.int64)) * itemsize
    return total
