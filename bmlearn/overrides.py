"""Environment variables that override what :func:`bmlearn.setup` decides.

``setup()`` chooses precision, deterministic ops, XLA and the seed from the
hardware it finds. These variables let a reader (or a test) reproduce any
configuration on any machine, for example a GPU's settings on a CPU::

    BMLEARN_PRECISION=mixed_bfloat16 BMLEARN_DETERMINISTIC=0 BMLEARN_XLA=1 make lessons

An argument passed to ``setup()`` beats its variable; a variable beats the
automatic choice. The profile's variable, ``BMLEARN_PROFILE``, lives in
:mod:`bmlearn.profiles`. This module imports neither NumPy nor TensorFlow.
"""

from __future__ import annotations

import os

from bmlearn.profiles import ENV_VAR as PROFILE

__all__ = [
    "PRECISION", "DETERMINISTIC", "XLA", "SEED", "PROFILE", "ALL", "POLICIES",
    "GPU_SETTINGS", "precision", "flag", "seed", "in_force",
]

#: ``float32``, ``mixed_float16`` or ``mixed_bfloat16``: the Keras dtype policy.
PRECISION = "BMLEARN_PRECISION"
#: ``0`` or ``1``: TensorFlow's deterministic ops.
DETERMINISTIC = "BMLEARN_DETERMINISTIC"
#: ``0`` or ``1``: whether lessons compile with XLA (``env.jit_compile``).
XLA = "BMLEARN_XLA"
#: a non-negative integer: the seed for Python, NumPy and TensorFlow.
SEED = "BMLEARN_SEED"
#: Every variable ``setup()`` reads, in the order its report lists them.
ALL = (PROFILE, PRECISION, DETERMINISTIC, XLA, SEED)

#: The Keras dtype policies ``setup()`` accepts.
POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")

#: What ``setup()`` picks on an A100, L4 or H100 (compute capability 8.0 or
#: newer): ``make test-gpu-config`` runs every lesson on a CPU with these.
GPU_SETTINGS = {PRECISION: "mixed_bfloat16", DETERMINISTIC: "0", XLA: "1"}


def _read(name: str, environ) -> str | None:
    value = (os.environ if environ is None else environ).get(name, "").strip()
    return value or None


def precision(environ=None) -> str | None:
    """The policy named by ``$BMLEARN_PRECISION``, or ``None`` when unset.

    Args:
        environ: a mapping to read instead of ``os.environ`` (for tests).

    Returns:
        One of :data:`POLICIES`, or ``None``.

    Raises:
        ValueError: for any other value, naming the variable and the accepted values.

    Example:
        >>> precision({"BMLEARN_PRECISION": "mixed_bfloat16"})
        'mixed_bfloat16'
        >>> precision({}) is None
        True
        >>> precision({"BMLEARN_PRECISION": "half"})
        Traceback (most recent call last):
        ...
        ValueError: BMLEARN_PRECISION must be one of 'float32', 'mixed_float16', 'mixed_bfloat16', but received 'half'.
    """
    value = _read(PRECISION, environ)
    if value is not None and value not in POLICIES:
        choices = ", ".join(repr(p) for p in POLICIES)
        raise ValueError(f"{PRECISION} must be one of {choices}, but received {value!r}.")
    return value


def flag(name: str, environ=None) -> bool | None:
    """A ``0``/``1`` variable (``BMLEARN_DETERMINISTIC``, ``BMLEARN_XLA``), or ``None`` when unset.

    Args:
        name: the variable's name.
        environ: a mapping to read instead of ``os.environ`` (for tests).

    Returns:
        ``True`` for ``1``, ``False`` for ``0``, ``None`` when unset.

    Raises:
        ValueError: for any other value, naming the variable and the accepted values.

    Example:
        >>> flag("BMLEARN_XLA", {"BMLEARN_XLA": "1"})
        True
        >>> flag("BMLEARN_XLA", {"BMLEARN_XLA": "yes"})
        Traceback (most recent call last):
        ...
        ValueError: BMLEARN_XLA must be one of '0', '1', but received 'yes'.
    """
    value = _read(name, environ)
    if value is None:
        return None
    if value not in ("0", "1"):
        raise ValueError(f"{name} must be one of '0', '1', but received {value!r}.")
    return value == "1"


def seed(environ=None) -> int | None:
    """The seed named by ``$BMLEARN_SEED``, or ``None`` when unset.

    Args:
        environ: a mapping to read instead of ``os.environ`` (for tests).

    Returns:
        A non-negative integer, or ``None``.

    Raises:
        ValueError: for anything but a non-negative integer.

    Example:
        >>> seed({"BMLEARN_SEED": "2"})
        2
        >>> seed({"BMLEARN_SEED": "-1"})
        Traceback (most recent call last):
        ...
        ValueError: BMLEARN_SEED must be a non-negative integer, but received '-1'.
    """
    value = _read(SEED, environ)
    if value is None:
        return None
    if not value.isdigit():
        raise ValueError(f"{SEED} must be a non-negative integer, but received {value!r}.")
    return int(value)


def in_force(environ=None) -> tuple:
    """The overriding variables that are set, as ``NAME=value`` strings.

    Args:
        environ: a mapping to read instead of ``os.environ`` (for tests).

    Returns:
        A tuple of strings, in the order of :data:`ALL`.

    Example:
        >>> in_force({"BMLEARN_SEED": "1", "BMLEARN_XLA": "1", "HOME": "/root"})
        ('BMLEARN_XLA=1', 'BMLEARN_SEED=1')
    """
    return tuple(f"{name}={_read(name, environ)}" for name in ALL if _read(name, environ))
