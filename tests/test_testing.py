"""bmlearn.testing: the layer and schedule checks must pass good classes and fail broken ones."""

import numpy as np
import pytest

from bmlearn.testing import check_layer, check_schedule


@pytest.fixture(scope="module")
def keras():
    from bmlearn.quiet import import_keras

    return import_keras()


def test_keras_own_layers_pass(keras):
    check_layer(keras.layers.Dense(3), np.ones((2, 4), "float32"), mixed_output_dtype="float16")
    check_layer(keras.layers.LayerNormalization(dtype="float32"), np.ones((2, 4), "float32"),
                mixed_output_dtype="float16")


def test_a_layer_whose_config_forgets_an_argument_fails(keras):
    @keras.saving.register_keras_serializable(package="bmlearn_tests")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):                 # forgets the factor
            config = super().get_config()
            config.pop("factor", None)
            return config

    with pytest.raises(AssertionError, match="outputs differ"):
        check_layer(Scale(3.0), np.ones((2, 2), "float32"), mixed_output_dtype="float16")


def test_a_wrong_documented_dtype_fails(keras):
    with pytest.raises(AssertionError, match="under mixed_float16: output dtype float16"):
        check_layer(keras.layers.Dense(3), np.ones((2, 4), "float32"), mixed_output_dtype="float32")


def test_the_global_policy_is_restored(keras):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        check_layer(keras.layers.Dense(2), np.ones((1, 2), "float32"), mixed_output_dtype="float16")
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_an_unregistered_schedule_fails(keras):
    class Halving(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.1 * 0.5 ** (step // 10)

        def get_config(self):
            return {}

    with pytest.raises((AssertionError, TypeError, ValueError)):
        check_schedule(Halving())
