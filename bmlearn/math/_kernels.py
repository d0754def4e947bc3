"""NumPy kernels shared inside bmlearn: the stable softmax and Glorot initialisation.

They do no input checking: the public functions that call them check first.
Each appears once here so that every caller (activations, attention, losses,
the MLP, and generation's sampling) computes it the same way.
"""

from __future__ import annotations

import numpy as np


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``exp(z) / sum(exp(z))`` along ``axis``, with the maximum subtracted first.

    Softmax is unchanged by adding a constant to every input, so subtracting
    the maximum changes nothing but keeps ``exp`` from overflowing. Entries of
    ``-inf`` (masked attention scores) get weight exactly 0, as long as each
    slice holds one finite entry.

    Example:
        >>> softmax(np.array([1000.0, 1000.0, -np.inf]))
        array([0.5, 0.5, 0. ])
    """
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log softmax(z)``: ``z - max - log(sum(exp(z - max)))``, with no overflow and no log of 0.

    Example:
        >>> log_softmax(np.array([0.0, 1000.0])).round(6)
        array([-1000.,     0.])
    """
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int, shape) -> np.ndarray:
    """Glorot (Xavier) uniform weights, Keras's default for ``Dense``: ``U(-l, l)``, ``l = sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> w = glorot_uniform(np.random.default_rng(0), 3, 5, (3, 5))
        >>> bool(np.abs(w).max() <= np.sqrt(6 / 8))
        True
    """
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)
