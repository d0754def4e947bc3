"""``bmlearn.setup()``: the first call of every lesson.

It finds the devices, picks a ``tf.distribute`` strategy, turns on mixed
precision where the hardware supports it, sets seeds, silences TensorFlow's
C++ log noise and chooses a run profile, then reports what it decided.
Environment variables (:mod:`bmlearn.overrides`) override each decision, so
that any configuration, a GPU's included, can be reproduced on any machine.
"""

from __future__ import annotations

import dataclasses
import sys

from bmlearn import overrides
from bmlearn.profiles import ENV_VAR, Profile, resolve_profile
from bmlearn.quiet import import_keras, import_tensorflow, silenced_stderr
from bmlearn.validation import check_scalar
from bmlearn.versions import outdated

__all__ = ["Device", "Runtime", "setup", "COLAB_GPU_HINT"]

#: What to tell a reader who runs the full profile without a GPU.
COLAB_GPU_HINT = (
    "In Colab: Runtime > Change runtime type > Hardware accelerator: a GPU (T4 is free), "
    "then Runtime > Run all. Or run the quick profile here: set "
    f"{ENV_VAR}=quick, or call bmlearn.setup(profile='quick')."
)


@dataclasses.dataclass(frozen=True)
class Device:
    """One device TensorFlow can use.

    Args:
        kind: ``"GPU"``, ``"TPU"`` or ``"CPU"``.
        name: TensorFlow's name, e.g. ``/physical_device:GPU:0``.
        description: the hardware's name where TensorFlow knows it
            (e.g. ``Tesla T4``), else ``""``.
        compute_capability: ``(major, minor)`` for NVIDIA GPUs, else ``None``.
    """

    kind: str
    name: str
    description: str = ""
    compute_capability: tuple | None = None

    def __str__(self) -> str:
        extra = f" ({self.description})" if self.description else ""
        return f"{self.kind} {self.name}{extra}"


@dataclasses.dataclass(frozen=True)
class Runtime:
    """What :func:`setup` found and decided.

    Attributes:
        devices: every device found, accelerators first.
        strategy: the ``tf.distribute`` strategy; build and compile models in
            ``with runtime.strategy.scope():``.
        precision: the Keras dtype policy in force, ``"float32"``,
            ``"mixed_float16"`` or ``"mixed_bfloat16"``.
        jit_compile: whether lessons should pass ``jit_compile=True`` (XLA) to
            ``model.compile``; on by default with an accelerator.
        profile: the run profile; lessons take sizes and epochs from it.
        seed: the seed set for Python, NumPy and TensorFlow.
        deterministic: whether TensorFlow's deterministic ops are enabled.
        in_colab: whether this runs in Google Colab.
        notes: messages for the reader, e.g. that the full profile is running
            without a GPU, or that TensorFlow or Keras is older than the
            versions the course is tested with (:mod:`bmlearn.versions`).
        overrides: the environment variables of :mod:`bmlearn.overrides`
            that were set, as ``NAME=value`` strings.
        tf32: whether TensorFlow runs float32 matrix products and
            convolutions in TensorFloat-32 (10-bit mantissa): its default on
            NVIDIA GPUs of compute capability 8.0 or newer.
    """

    devices: tuple
    strategy: object
    precision: str
    jit_compile: bool
    profile: Profile
    seed: int
    deterministic: bool
    in_colab: bool
    notes: tuple = ()
    overrides: tuple = ()
    tf32: bool = False

    @property
    def gpus(self) -> tuple:
        """The GPUs found."""
        return tuple(d for d in self.devices if d.kind == "GPU")

    @property
    def has_accelerator(self) -> bool:
        """Whether a GPU or TPU was found."""
        return any(d.kind in ("GPU", "TPU") for d in self.devices)

    @property
    def compute_dtype(self) -> str:
        """The dtype layers compute in: ``"float32"``, ``"float16"`` or ``"bfloat16"``."""
        return {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}.get(
            self.precision, "float32"
        )

    @property
    def matmul_dtype(self) -> str:
        """The precision of the inputs of matrix products and convolutions.

        The compute dtype, except ``"tf32"`` where float32 products run in
        TensorFloat-32 (see :attr:`tf32`). Pass it to
        :func:`bmlearn.numerics.matmul_error_bound`.
        """
        if self.compute_dtype == "float32" and self.tf32:
            return "tf32"
        return self.compute_dtype

    @property
    def num_replicas(self) -> int:
        """How many copies of the model the strategy trains in parallel."""
        return int(self.strategy.num_replicas_in_sync)

    def summary(self) -> str:
        """A short report, one fact a line."""
        from bmlearn._version import __version__

        tf, keras = import_tensorflow(), import_keras()

        strategy = type(self.strategy).__name__
        if strategy == "_DefaultDistributionStrategy":
            strategy = "default (one device)"
        lines = [
            f"bmlearn {__version__} | TensorFlow {tf.__version__} | Keras {keras.__version__}",
            "devices   : " + "; ".join(str(d) for d in self.devices),
            f"strategy  : {strategy}, {self.num_replicas} replica(s)",
            f"precision : {self.precision}" + (" (float32 products in TF32)" if self.tf32 else "")
            + (" + XLA" if self.jit_compile else ""),
            f"profile   : {self.profile.name} ({self.profile.description})",
            f"seed      : {self.seed}" + (" (deterministic ops)" if self.deterministic else ""),
        ]
        if self.overrides:
            lines.append("overrides : " + ", ".join(self.overrides))
        lines += [f"note      : {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _find_devices(tf) -> tuple:
    devices = []
    for kind in ("GPU", "TPU", "CPU"):
        for dev in tf.config.list_physical_devices(kind):
            description, capability = "", None
            if kind == "GPU":
                try:
                    details = tf.config.experimental.get_device_details(dev)
                except (RuntimeError, ValueError):  # pragma: no cover - GPU only
                    details = {}
                description = details.get("device_name", "")
                capability = details.get("compute_capability")
            devices.append(Device(kind, dev.name, description, capability))
    return tuple(devices)


def _split_cpu(tf, n: int) -> None:
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == n:
        return
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        raise ValueError(
            f"logical_cpus={n} must be set before TensorFlow first uses a device: call "
            "bmlearn.setup(logical_cpus=...) first, in a fresh kernel."
        ) from None


def _choose_precision(devices, requested) -> str:
    if requested is False:
        return "float32"
    capabilities = [tuple(d.compute_capability or (0, 0)) for d in devices if d.kind == "GPU"]
    if any(d.kind == "TPU" for d in devices):
        auto = "mixed_bfloat16"
    elif capabilities and min(capabilities) >= (8, 0):
        auto = "mixed_bfloat16"  # Ampere and newer (A100, L4, H100): bfloat16 needs no loss scaling
    elif capabilities and min(capabilities) >= (7, 0):
        auto = "mixed_float16"   # tensor cores without bfloat16: Volta (V100) and Turing (T4)
    else:
        auto = "float32"
    if requested is None:
        return auto
    if isinstance(requested, str):
        if requested not in overrides.POLICIES:
            raise ValueError(
                "mixed_precision must be None, True, False, 'float32', 'mixed_float16' or "
                f"'mixed_bfloat16', but received {requested!r}."
            )
        return requested
    if requested is True:
        return auto if auto != "float32" else "mixed_bfloat16"
    raise ValueError(
        f"mixed_precision must be None, a bool or a policy name, but received {requested!r}."
    )


def setup(
    profile: str | None = None,
    *,
    seed: int | None = None,
    mixed_precision=None,
    deterministic: bool | None = None,
    xla: bool | None = None,
    logical_cpus: int | None = None,
    verbose: bool = True,
) -> Runtime:
    """Prepare TensorFlow for a lesson and report what was decided.

    Call it first, before importing Keras or TensorFlow yourself, so that
    their start-up log lines are silenced. Each choice is made, in order of
    precedence, by its argument, by its environment variable
    (:mod:`bmlearn.overrides`), or automatically from the hardware; the
    report names every variable in force.

    Args:
        profile: ``"quick"``, ``"full"`` or ``None``. ``None`` reads
            ``$BMLEARN_PROFILE``, else picks ``full`` with a GPU or TPU and
            ``quick`` without.
        seed: seed for Python's ``random``, NumPy and TensorFlow. ``None``
            reads ``$BMLEARN_SEED``, else 0.
        mixed_precision: ``None`` reads ``$BMLEARN_PRECISION``, else turns
            mixed precision on where the hardware supports it:
            ``mixed_bfloat16`` on GPUs of compute capability 8.0 or newer
            (A100, L4, H100) and on TPUs, ``mixed_float16`` on 7.x (T4, V100).
            ``False`` keeps float32; ``True`` picks the hardware's policy
            (``mixed_bfloat16`` on a CPU); a policy name forces that policy.
        deterministic: enable TensorFlow's deterministic ops so that runs
            repeat exactly. ``None`` reads ``$BMLEARN_DETERMINISTIC``, else
            on without an accelerator (cheap on CPUs) and off with one
            (slower on GPUs).
        xla: whether lessons compile with XLA (``env.jit_compile``). ``None``
            reads ``$BMLEARN_XLA``, else on with an accelerator.
        logical_cpus: split the CPU into this many logical devices, to try
            ``tf.distribute`` strategies without several GPUs (e.g. a
            ``MirroredStrategy`` over ``/cpu:0`` and ``/cpu:1``). Must be
            set before TensorFlow first uses a device, so call ``setup``
            first in the lesson.
        verbose: print the report.

    Returns:
        A :class:`Runtime` describing devices, strategy, precision, profile
        and seed.

    Raises:
        ValueError: for an unknown profile or precision policy, a negative
            seed, or a bad value in one of the environment variables.

    Example:
        >>> env = setup(profile="quick", seed=0, mixed_precision=False, verbose=False)
        >>> env.profile.name, env.num_replicas, env.compute_dtype
        ('quick', 1, 'float32')
    """
    if seed is None:
        seed = overrides.seed()
        seed = 0 if seed is None else seed
    seed = check_scalar(seed, "seed", integer=True, low=0)
    if logical_cpus is not None:
        logical_cpus = check_scalar(logical_cpus, "logical_cpus", integer=True, low=1)
    if mixed_precision is None:
        mixed_precision = overrides.precision()
    if deterministic is None:
        deterministic = overrides.flag(overrides.DETERMINISTIC)
    if xla is None:
        xla = overrides.flag(overrides.XLA)
    forced = overrides.in_force()

    tf = import_tensorflow()
    if logical_cpus:
        _split_cpu(tf, logical_cpus)
    keras = import_keras()
    with silenced_stderr():
        devices = _find_devices(tf)
        for dev in tf.config.list_physical_devices("GPU"):
            try:  # share the GPU politely (Colab); only possible before first use
                tf.config.experimental.set_memory_growth(dev, True)
            except (RuntimeError, ValueError):  # pragma: no cover - GPU only
                pass
    has_accelerator = any(d.kind in ("GPU", "TPU") for d in devices)
    chosen = resolve_profile(profile, has_accelerator)

    precision = _choose_precision(devices, mixed_precision)
    keras.mixed_precision.set_global_policy(precision)

    gpus = [d for d in devices if d.kind == "GPU"]
    if len(gpus) > 1:
        strategy = tf.distribute.MirroredStrategy()
    else:
        strategy = tf.distribute.get_strategy()

    if deterministic is None:
        deterministic = not has_accelerator
    if xla is None:
        xla = has_accelerator
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    else:
        _disable_op_determinism(tf)
    tf32 = bool(
        any((d.compute_capability or (0, 0)) >= (8, 0) for d in gpus)
        and tf.config.experimental.tensor_float_32_execution_enabled()
    )

    notes = outdated({"tensorflow": tf.__version__, "keras": keras.__version__})
    if chosen.name == "full" and not has_accelerator:
        notes.append(
            "the full profile is running without a GPU: lessons will be slow. " + COLAB_GPU_HINT
        )
    if precision == "mixed_float16" and not gpus:
        notes.append(
            "mixed_float16 without a GPU: CPUs have no fast float16 convolutions, so "
            "convolutional models train many times slower; mixed_bfloat16 runs at about "
            "float32 speed."
        )
    if deterministic and xla:
        notes.append(
            "deterministic ops are on, so Keras drops jit_compile=True (with a warning) "
            "and XLA is not used."
        )
    runtime = Runtime(
        devices=devices,
        strategy=strategy,
        precision=precision,
        jit_compile=bool(xla),
        profile=chosen,
        seed=seed,
        deterministic=bool(deterministic),
        in_colab="google.colab" in sys.modules,
        notes=tuple(notes),
        overrides=forced,
        tf32=tf32,
    )
    if verbose:
        print(runtime.summary())
    return runtime


def _disable_op_determinism(tf) -> None:
    """Undo ``enable_op_determinism`` when a second ``setup()`` in one process asks for it.

    TensorFlow has no public way back; its private one is used when present.
    """
    try:
        from tensorflow.python.framework import config
    except ImportError:  # pragma: no cover - TensorFlow moved it
        return
    if getattr(config, "is_op_determinism_enabled", lambda: False)():
        getattr(config, "disable_op_determinism", lambda: None)()
