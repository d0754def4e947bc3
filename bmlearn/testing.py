"""Test helpers for bmlearn's Keras pieces, in the spirit of Keras's own ``run_layer_test``.

Every custom layer and learning-rate schedule in bmlearn must survive what a
reader will do with it: rebuild it from its config, save the model that holds
it to a ``.keras`` file and load it back with ``safe_mode=True``, and run it
under a mixed-precision policy. :func:`check_layer` and :func:`check_schedule`
check exactly that, with assertions, so that each class's test is one call.
Keras is imported when a helper is called, not when this module is imported.
"""

from __future__ import annotations

import pathlib
import tempfile

import numpy as np

__all__ = ["check_layer", "check_schedule"]


def _keras():
    from bmlearn.quiet import import_keras

    return import_keras()


def _roundtrip_config(obj):
    config = obj.get_config()
    again = type(obj).from_config(config)
    assert type(again) is type(obj), f"from_config gave {type(again).__name__}"
    assert again.get_config() == config, (
        f"{type(obj).__name__}: get_config -> from_config -> get_config changed the config:\n"
        f"{config}\n{again.get_config()}"
    )
    return again


def check_layer(layer, inputs, *, mixed_output_dtype: str, training: bool = False) -> None:
    """Assert that a Keras layer round-trips its config and a ``.keras`` file, and obeys its policy.

    Args:
        layer: a layer instance whose class is registered as serialisable
            (``keras.saving.register_keras_serializable``); it is called on
            ``inputs``, and its rebuilt copies must give exactly its outputs.
        inputs: a NumPy array (or a list of arrays) to call the layer on, batch axis first.
        mixed_output_dtype: the dtype the layer's docstring promises for its output
            under the ``mixed_float16`` policy (``"float16"`` for most layers;
            ``"float32"`` for layers that compute in float32 on purpose).
        training: the ``training`` flag for the calls that compare outputs
            (``False`` for deterministic layers; dropout is off then).

    Raises:
        AssertionError: naming the check that failed.

    Example:
        >>> import keras
        >>> check_layer(keras.layers.Dense(3), np.ones((2, 4), "float32"), mixed_output_dtype="float16")
    """
    keras = _keras()
    policy = keras.mixed_precision.global_policy().name
    single = not isinstance(inputs, (list, tuple))
    arrays = [np.asarray(inputs)] if single else [np.asarray(a) for a in inputs]
    try:
        keras.mixed_precision.set_global_policy("float32")
        # 1. get_config -> from_config, then the same weights give the same outputs.
        call_args = arrays[0] if single else arrays
        out_layer = np.asarray(layer(call_args, training=training))
        again = _roundtrip_config(layer)
        again(call_args, training=training)
        again.set_weights(layer.get_weights())
        np.testing.assert_array_equal(np.asarray(again(call_args, training=training)), out_layer,
                                      err_msg="from_config with the same weights: outputs differ")
        # 2. a .keras file, loaded with safe_mode=True, gives identical outputs.
        model_inputs = [keras.Input(a.shape[1:], dtype=str(a.dtype)) for a in arrays]
        model_inputs = model_inputs[0] if single else model_inputs
        fresh = type(layer).from_config(layer.get_config())
        model = keras.Model(model_inputs, fresh(model_inputs, training=training))
        expected = np.asarray(model(call_args, training=training))
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "layer.keras"
            model.save(path)
            loaded = keras.models.load_model(path, safe_mode=True)
        np.testing.assert_array_equal(np.asarray(loaded(call_args, training=training)), expected,
                                      err_msg=".keras save and load: outputs differ")
        # 3. under mixed_float16 the output has the promised dtype.
        keras.mixed_precision.set_global_policy("mixed_float16")
        mixed = type(layer).from_config({k: v for k, v in layer.get_config().items()
                                         if k != "dtype"})
        got = mixed(call_args, training=training)
        got_dtype = keras.backend.standardize_dtype(got.dtype)
        assert got_dtype == mixed_output_dtype, (
            f"{type(layer).__name__} under mixed_float16: output dtype {got_dtype}, "
            f"documented {mixed_output_dtype}"
        )
    finally:
        keras.mixed_precision.set_global_policy(policy)


def check_schedule(schedule, steps=(0, 1, 10, 100)) -> None:
    """Assert that a learning-rate schedule round-trips its config and a ``.keras`` file.

    Args:
        schedule: a ``keras.optimizers.schedules.LearningRateSchedule`` whose
            class is registered as serialisable.
        steps: steps at which the rebuilt and the loaded schedules must give
            exactly the original's learning rate.

    Raises:
        AssertionError: naming the check that failed.

    Example:
        >>> import keras
        >>> check_schedule(keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    """
    keras = _keras()
    again = _roundtrip_config(schedule)
    want = [float(schedule(s)) for s in steps]
    assert [float(again(s)) for s in steps] == want, "from_config: learning rates differ"
    inputs = keras.Input((1,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse")
    model.fit(np.zeros((4, 1), "float32"), np.zeros((4, 1), "float32"), epochs=1, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "schedule.keras"
        model.save(path)
        loaded = keras.models.load_model(path, safe_mode=True)
    rate = loaded.optimizer._learning_rate
    assert type(rate) is type(schedule), f"loaded a {type(rate).__name__}"
    assert [float(rate(s)) for s in steps] == want, ".keras save and load: learning rates differ"
