import os
import subprocess
import sys

import numpy as np
import pytest

import bmlearn as bm
from bmlearn.profiles import PROFILES, resolve_profile
from bmlearn.runtime import Device, _choose_precision


def test_setup_on_cpu_defaults(tf, monkeypatch, capsys):
    monkeypatch.delenv("BMLEARN_PROFILE", raising=False)
    env = bm.setup()
    out = capsys.readouterr().out
    has_gpu = bool(tf.config.list_physical_devices("GPU"))
    assert env.profile.name == ("full" if has_gpu else "quick")
    assert any(d.kind == "CPU" for d in env.devices)
    assert env.num_replicas >= 1
    assert "devices" in out and "profile" in out and "strategy" in out
    if not has_gpu:
        assert env.precision == "float32" and not env.jit_compile and env.deterministic


def test_profile_environment_override(tf, monkeypatch):
    monkeypatch.setenv("BMLEARN_PROFILE", "full")
    env = bm.setup(verbose=False)
    assert env.profile.name == "full"
    if not env.has_accelerator:
        assert any("without a GPU" in n and "Colab" in n for n in env.notes)


def test_profile_argument_beats_environment(tf, monkeypatch):
    monkeypatch.setenv("BMLEARN_PROFILE", "full")
    assert bm.setup("quick", verbose=False).profile.name == "quick"


def test_bad_profile_names_the_variable(monkeypatch):
    monkeypatch.setenv("BMLEARN_PROFILE", "medium")
    with pytest.raises(ValueError, match="BMLEARN_PROFILE must be one of 'quick', 'full'"):
        resolve_profile(None, has_gpu=False)


def test_resolve_profile_by_hardware(monkeypatch):
    monkeypatch.delenv("BMLEARN_PROFILE", raising=False)
    assert resolve_profile(None, has_gpu=True).name == "full"
    assert resolve_profile(None, has_gpu=False).name == "quick"
    assert PROFILES["full"].pick(quick=1, full=2) == 2


def test_bad_seed():
    with pytest.raises(ValueError, match="seed"):
        bm.setup(seed=-1, verbose=False)


def test_seeds_make_runs_repeat(tf):
    bm.setup(seed=7, verbose=False)
    a = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    bm.setup(seed=7, verbose=False)
    b = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_precision_choice():
    cpu = (Device("CPU", "/physical_device:CPU:0"),)
    t4 = (Device("GPU", "/physical_device:GPU:0", "Tesla T4", (7, 5)),) + cpu
    v100 = (Device("GPU", "/physical_device:GPU:0", "Tesla V100", (7, 0)),) + cpu
    a100 = (Device("GPU", "/physical_device:GPU:0", "NVIDIA A100", (8, 0)),) + cpu
    l4 = (Device("GPU", "/physical_device:GPU:0", "NVIDIA L4", (8, 9)),) + cpu
    h100 = (Device("GPU", "/physical_device:GPU:0", "NVIDIA H100", (9, 0)),) + cpu
    k80 = (Device("GPU", "/physical_device:GPU:0", "Tesla K80", (3, 7)),) + cpu
    tpu = (Device("TPU", "/physical_device:TPU:0"),) + cpu
    assert _choose_precision(cpu, None) == "float32"
    assert _choose_precision(t4, None) == "mixed_float16"
    assert _choose_precision(v100, None) == "mixed_float16"
    for ampere_or_newer in (a100, l4, h100):
        assert _choose_precision(ampere_or_newer, None) == "mixed_bfloat16"
    assert _choose_precision(a100[:1] + t4, None) == "mixed_float16"  # the weakest GPU decides
    assert _choose_precision(k80, None) == "float32"
    assert _choose_precision(tpu, None) == "mixed_bfloat16"
    assert _choose_precision(t4, False) == "float32"
    assert _choose_precision(cpu, "mixed_bfloat16") == "mixed_bfloat16"
    with pytest.raises(ValueError, match="mixed_precision"):
        _choose_precision(cpu, "half")


def test_mixed_precision_policy_is_applied(tf):
    import keras

    try:
        env = bm.setup(mixed_precision="mixed_bfloat16", verbose=False)
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
        assert env.precision == "mixed_bfloat16"
    finally:
        bm.setup(mixed_precision=False, verbose=False)
    assert keras.mixed_precision.global_policy().name == "float32"


def test_setup_silences_tensorflow_noise():
    # A fresh interpreter: importing TensorFlow through setup() prints nothing to stderr.
    code = "import bmlearn as bm; bm.setup(verbose=False); import keras; print('ok')"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert result.stderr.strip() == "", result.stderr


def test_import_bmlearn_is_light():
    code = "import sys, bmlearn; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False"


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        bm.not_a_module  # noqa: B018


def test_logical_cpus_allow_a_mirrored_strategy_on_one_cpu():
    code = (
        "import bmlearn as bm; bm.setup(logical_cpus=2, verbose=False);"
        "import tensorflow as tf;"
        "s = tf.distribute.MirroredStrategy(['/cpu:0', '/cpu:1']);"
        "print(len(tf.config.list_logical_devices('CPU')), s.num_replicas_in_sync)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["2", "2"]


def test_logical_cpus_validated():
    with pytest.raises(ValueError, match="logical_cpus"):
        bm.setup(logical_cpus=0, verbose=False)


GPU_ENV = {"BMLEARN_PRECISION": "mixed_bfloat16", "BMLEARN_DETERMINISTIC": "0", "BMLEARN_XLA": "1"}


def test_environment_overrides_every_choice(tf, monkeypatch, capsys):
    import keras

    for key, value in {**GPU_ENV, "BMLEARN_SEED": "3", "BMLEARN_PROFILE": "quick"}.items():
        monkeypatch.setenv(key, value)
    try:
        env = bm.setup()
        out = capsys.readouterr().out
        assert (env.precision, env.deterministic, env.jit_compile, env.seed) == (
            "mixed_bfloat16", False, True, 3)
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
        assert env.compute_dtype == "bfloat16" and env.matmul_dtype == "bfloat16"
        assert env.overrides == ("BMLEARN_PROFILE=quick", "BMLEARN_PRECISION=mixed_bfloat16",
                                 "BMLEARN_DETERMINISTIC=0", "BMLEARN_XLA=1", "BMLEARN_SEED=3")
        assert "overrides : BMLEARN_PROFILE=quick, BMLEARN_PRECISION=mixed_bfloat16" in out
        a = tf.random.uniform((3,)).numpy()
        bm.setup(verbose=False)
        np.testing.assert_array_equal(a, tf.random.uniform((3,)).numpy())  # seed 3 again
        # Arguments beat the environment.
        env = bm.setup(seed=5, mixed_precision=False, deterministic=True, xla=False, verbose=False)
        assert (env.precision, env.deterministic, env.jit_compile, env.seed) == (
            "float32", True, False, 5)
    finally:
        for key in (*GPU_ENV, "BMLEARN_SEED"):
            monkeypatch.delenv(key, raising=False)
        bm.setup(seed=0, mixed_precision=False, verbose=False)


def test_deterministic_ops_can_be_turned_off_again(tf, monkeypatch):
    from tensorflow.python.framework import config

    bm.setup(deterministic=True, verbose=False)
    assert config.is_op_determinism_enabled()
    bm.setup(deterministic=False, verbose=False)
    assert not config.is_op_determinism_enabled()
    bm.setup(verbose=False)
    assert config.is_op_determinism_enabled() or bool(tf.config.list_physical_devices("GPU"))


@pytest.mark.parametrize("name, value, accepted", [
    ("BMLEARN_PRECISION", "float16", "'float32', 'mixed_float16', 'mixed_bfloat16'"),
    ("BMLEARN_DETERMINISTIC", "true", "'0', '1'"),
    ("BMLEARN_XLA", "2", "'0', '1'"),
    ("BMLEARN_SEED", "one", "a non-negative integer"),
])
def test_bad_override_names_the_variable_and_the_accepted_values(monkeypatch, name, value, accepted):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as err:
        bm.setup(verbose=False)
    message = str(err.value)
    assert message.startswith(name) and accepted in message and repr(value) in message


def test_float16_on_a_cpu_and_xla_under_determinism_are_explained(tf, monkeypatch):
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("CPU-only notes")
    try:
        env = bm.setup(mixed_precision="mixed_float16", deterministic=True, xla=True, verbose=False)
        assert any("mixed_float16 without a GPU" in n for n in env.notes)
        assert any("Keras drops jit_compile" in n for n in env.notes)
    finally:
        bm.setup(seed=0, mixed_precision=False, verbose=False)


def test_tf32_makes_the_matmul_dtype_tf32():
    from bmlearn.profiles import PROFILES
    from bmlearn.runtime import Runtime

    a100 = (Device("GPU", "/physical_device:GPU:0", "NVIDIA A100", (8, 0)),)
    env = Runtime(a100, None, "float32", True, PROFILES["full"], 0, False, False, tf32=True)
    assert env.compute_dtype == "float32" and env.matmul_dtype == "tf32"
    mixed = Runtime(a100, None, "mixed_bfloat16", True, PROFILES["full"], 0, False, False, tf32=True)
    assert mixed.matmul_dtype == "bfloat16"
