"""Gradient-descent optimisers in NumPy: SGD, momentum, RMSProp and Adam.

They share one interface, ``step(params, grads)``: ``params`` and ``grads``
are lists of NumPy float arrays of matching shapes, and ``step`` updates each
array of ``params`` **in place** (``p -= ...``), so a model that holds
references to its weight arrays sees the new values. An optimiser keeps
per-parameter state (velocities, running averages); it is created at the
first step, so always pass the parameters in the same order.

How these relate to ``keras.optimizers`` (read from the Keras 3 source,
``keras/src/optimizers/{sgd,rmsprop,adam}.py``):

- :class:`SGD` and :class:`Momentum` are the same formulas as
  ``keras.optimizers.SGD`` (with ``momentum=0`` and ``momentum>0``).
- :class:`RMSProp` by default divides by ``sqrt(v) + eps``, as in most
  write-ups (Tieleman and Hinton's lecture has no epsilon at all). Keras
  divides by ``sqrt(v + eps)``, epsilon *inside* the square root, with
  ``eps=1e-7``. Pass ``keras_epsilon=True`` for Keras's placement.
- :class:`Adam` by default is Algorithm 1 of Kingma and Ba (2015): epsilon
  is added to the bias-corrected ``sqrt(v_hat)``. Keras implements the
  "efficient version" of section 2 of the paper: a bias-corrected step size
  ``lr * sqrt(1 - beta2**t) / (1 - beta1**t)`` and epsilon added to the
  *uncorrected* ``sqrt(v)``, with ``eps=1e-7``. Pass ``keras_epsilon=True``
  for Keras's form.

With ``eps=0`` the two placements are identical for both RMSProp and Adam.
"""

from __future__ import annotations

import abc

import numpy as np

from bmlearn.validation import check_scalar

__all__ = ["Adam", "Momentum", "RMSProp", "SGD"]


class _Optimizer(abc.ABC):
    """What every optimiser shares: input checks, the step counter, per-parameter state."""

    def __init__(self, lr: float):
        self.lr = check_scalar(lr, "lr", low=0, low_open=True)
        self.t = 0  # number of steps taken so far
        self._shapes = None  # the parameter shapes seen at the first step
        self._slots = {}  # per-parameter state arrays, keyed by (name, index)

    def step(self, params, grads) -> None:
        """Update every array in ``params`` in place, using ``grads``.

        Args:
            params: list of float NumPy arrays (the parameters).
            grads: list of arrays of the same shapes (the gradients of the
                loss with respect to ``params``).

        Raises:
            ValueError: if the lists differ in length, a shape differs, a
                parameter is not a writable float array, a gradient holds NaN
                or infinity, or the parameters differ from the first step's.
        """
        params, grads = self._check(params, grads)
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)

    @abc.abstractmethod
    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        """Apply one step to parameter ``i`` (array ``p``, gradient ``g``) in place."""

    def _state(self, name: str, i: int, like: np.ndarray) -> np.ndarray:
        """The state array ``name`` of parameter ``i`` (zeros at the first step)."""
        if (name, i) not in self._slots:
            self._slots[name, i] = np.zeros_like(like)
        return self._slots[name, i]

    def _check(self, params, grads):
        cls = type(self).__name__
        if not isinstance(params, (list, tuple)) or not isinstance(grads, (list, tuple)):
            raise ValueError(
                f"{cls}.step: params and grads must be lists of NumPy arrays, but received "
                f"{type(params).__name__} and {type(grads).__name__}."
            )
        if len(params) != len(grads) or not params:
            raise ValueError(
                f"{cls}.step: params and grads must be non-empty lists of the same length, "
                f"but received {len(params)} params and {len(grads)} grads."
            )
        checked = []
        for i, (p, g) in enumerate(zip(params, grads)):
            if (
                not isinstance(p, np.ndarray)
                or not np.issubdtype(p.dtype, np.floating)
                or not p.flags.writeable
            ):
                raise ValueError(
                    f"{cls}.step: params[{i}] must be a writable float NumPy array (it is "
                    f"updated in place), but received {type(p).__name__}"
                    f"{' of dtype ' + str(p.dtype) if isinstance(p, np.ndarray) else ''}."
                )
            g = np.asarray(g, dtype=p.dtype)
            if g.shape != p.shape:
                raise ValueError(
                    f"{cls}.step: grads[{i}] must have the shape of params[{i}], "
                    f"{p.shape}, but received shape {g.shape}."
                )
            if not np.all(np.isfinite(g)):
                raise ValueError(
                    f"{cls}.step: grads[{i}] must hold finite numbers, but received "
                    f"{int(np.isnan(g).sum())} NaN and {int(np.isinf(g).sum())} infinite values."
                )
            checked.append(g)
        shapes = [p.shape for p in params]
        if self._shapes is None:
            self._shapes = shapes
        elif shapes != self._shapes:
            raise ValueError(
                f"{cls}.step: this optimiser was first used with parameters of shapes "
                f"{self._shapes}, but received {shapes}. Use one optimiser per model."
            )
        return params, checked


class SGD(_Optimizer):
    """Plain (stochastic) gradient descent: ``p ← p - lr · g``.

    "Stochastic" refers to the gradient being computed on a random mini-batch;
    the update rule is the same for a full batch. Same formula and default
    learning rate as ``keras.optimizers.SGD()``.

    Args:
        lr: learning rate, > 0.

    Raises:
        ValueError: for a learning rate that is not a positive number.

    Example:
        >>> w = np.array([1.0, -2.0])
        >>> SGD(lr=0.1).step([w], [np.array([0.5, 0.5])])
        >>> w
        array([ 0.95, -2.05])
    """

    def __init__(self, lr: float = 0.01):
        super().__init__(lr)

    def _update(self, i, p, g):
        p -= self.lr * g


class Momentum(_Optimizer):
    """Gradient descent with (heavy-ball) momentum, Polyak (1964).

    A velocity ``v`` (zeros at the start) accumulates past gradients::

        v ← momentum · v - lr · g
        p ← p + v

    On a long, gentle slope the steps grow towards ``lr / (1 - momentum)``
    times the gradient (10× for 0.9); across a narrow valley successive
    gradients point in opposite directions and cancel. With
    ``nesterov=True`` the update uses the look-ahead form of Sutskever et al.
    (2013) as Keras writes it: ``p ← p + momentum · v - lr · g`` (after
    updating ``v``). Both are exactly ``keras.optimizers.SGD(learning_rate=lr,
    momentum=momentum, nesterov=...)``. (PyTorch writes momentum as
    ``v ← μ v + g; p ← p - lr v``, the same steps for a constant ``lr``.)

    Args:
        lr: learning rate, > 0.
        momentum: decay of the velocity, in [0, 1).
        nesterov: use Nesterov momentum.

    Raises:
        ValueError: for out-of-range hyperparameters.

    Example:
        >>> w, opt = np.array([0.0]), Momentum(lr=1.0, momentum=0.5)
        >>> for _ in range(3):
        ...     opt.step([w], [np.array([1.0])])  # a constant gradient of 1
        >>> w  # steps of 1, 1.5, 1.75: the velocity builds up
        array([-4.25])
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, nesterov: bool = False):
        super().__init__(lr)
        self.momentum = check_scalar(momentum, "momentum", low=0, high=1, high_open=True)
        self.nesterov = bool(nesterov)

    def _update(self, i, p, g):
        v = self._state("velocity", i, p)
        v *= self.momentum
        v -= self.lr * g
        if self.nesterov:
            p += self.momentum * v - self.lr * g
        else:
            p += v


class RMSProp(_Optimizer):
    """RMSProp (Tieleman and Hinton, 2012): divide each step by a running RMS of gradients.

    With ``v`` a running average of squared gradients (zeros at the start)::

        v ← rho · v + (1 - rho) · g²
        p ← p - lr · g / (sqrt(v) + eps)           # default
        p ← p - lr · g / sqrt(v + eps)             # keras_epsilon=True

    Every parameter gets its own effective step size: large where gradients
    have been large, small where they have been small, so one learning rate
    suits parameters whose gradients differ by orders of magnitude.

    Epsilon: the lecture that introduced RMSProp has no epsilon; it only
    keeps a division by zero away. The default here, ``sqrt(v) + eps`` with
    ``eps=1e-8``, is the common written form (and Adam's). Keras's RMSprop
    puts epsilon *inside* the square root, ``sqrt(v + eps)``, with
    ``eps=1e-7``; its default ``rho=0.9`` is the lecture's and ours (PyTorch
    uses 0.99). The two placements differ only when ``v`` is comparable to
    ``eps`` (tiny gradients): ``sqrt(v + 1e-7)`` is never below 3.2e-4, so
    Keras takes smaller steps there. To reproduce ``keras.optimizers.RMSprop()``
    exactly, use ``RMSProp(eps=1e-7, keras_epsilon=True)``; with ``eps=0``
    both placements are the same formula.

    Args:
        lr: learning rate, > 0.
        rho: decay of the running average, in [0, 1).
        eps: small constant ≥ 0 that keeps the division finite.
        keras_epsilon: put ``eps`` inside the square root, as Keras does.

    Raises:
        ValueError: for out-of-range hyperparameters.

    Example:
        >>> w = np.array([0.0, 0.0])
        >>> RMSProp(lr=0.1, eps=0.0).step([w], [np.array([1e-3, 1e3])])
        >>> w.round(4)  # the first step is lr / sqrt(1 - rho) in size, whatever the gradient
        array([-0.3162, -0.3162])
    """

    def __init__(self, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8,
                 keras_epsilon: bool = False):
        super().__init__(lr)
        self.rho = check_scalar(rho, "rho", low=0, high=1, high_open=True)
        self.eps = check_scalar(eps, "eps", low=0)
        self.keras_epsilon = bool(keras_epsilon)

    def _update(self, i, p, g):
        v = self._state("v", i, p)
        v *= self.rho
        v += (1.0 - self.rho) * g * g
        if self.keras_epsilon:
            p -= self.lr * g / np.sqrt(v + self.eps)
        else:
            p -= self.lr * g / (np.sqrt(v) + self.eps)


class Adam(_Optimizer):
    """Adam (Kingma and Ba, 2015): momentum plus RMSProp, with bias correction.

    Algorithm 1 of the paper, with ``m`` and ``v`` zeros at the start and
    ``t`` the step number (1, 2, ...)::

        m ← beta1 · m + (1 - beta1) · g            # running mean of gradients
        v ← beta2 · v + (1 - beta2) · g²           # running mean of squared gradients
        m_hat = m / (1 - beta1**t)                 # bias correction: m and v start at 0,
        v_hat = v / (1 - beta2**t)                 # so early averages are too small
        p ← p - lr · m_hat / (sqrt(v_hat) + eps)

    Epsilon and Keras: ``keras.optimizers.Adam`` implements the paper's
    "efficient version" (end of section 2) instead::

        lr_t = lr · sqrt(1 - beta2**t) / (1 - beta1**t)
        p ← p - lr_t · m / (sqrt(v) + eps)          # keras_epsilon=True

    Both are the same update except for where epsilon sits: dividing through
    shows that Keras's form equals Algorithm 1 with ``eps`` replaced by
    ``eps / sqrt(1 - beta2**t)``, which is 31.6 × eps at ``t = 1`` (for
    ``beta2 = 0.999``) and falls to ``eps`` as ``t`` grows. Keras's default
    is also ``eps=1e-7`` rather than the paper's 1e-8. So
    ``Adam(eps=1e-7, keras_epsilon=True)`` reproduces ``keras.optimizers.Adam()``
    up to float32 rounding of its inputs (Keras keeps the learning rate in a
    float32 variable and converts the betas to float32 before raising them
    to the power ``t``, even for float64 weights); with values exact in
    float32 (e.g. ``lr=0.125, beta1=0.875, beta2=1 - 2**-10``) the two agree
    to float64 rounding. With ``eps=0`` both forms coincide. The difference
    matters only where ``sqrt(v_hat)`` is comparable to epsilon, i.e. for
    gradients around 1e-6 or smaller.

    ``bias_correction=False`` drops both corrections (``m_hat = m``,
    ``v_hat = v``): a common mistake, kept as an option so the lessons can
    show what it does.

    Args:
        lr: learning rate (the paper's alpha), > 0.
        beta1: decay of the running mean of gradients, in [0, 1).
        beta2: decay of the running mean of squared gradients, in [0, 1).
        eps: small constant ≥ 0 that keeps the division finite.
        bias_correction: apply the paper's bias correction.
        keras_epsilon: use Keras's efficient form (epsilon on the uncorrected
            ``sqrt(v)``, corrections folded into the step size).

    Raises:
        ValueError: for out-of-range hyperparameters.

    Example:
        >>> w = np.array([0.0, 0.0])
        >>> Adam(lr=0.1).step([w], [np.array([1e-3, 1e3])])
        >>> w.round(4)  # bias-corrected, the first step is lr · sign(g) for any gradient size
        array([-0.1, -0.1])
    """

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, bias_correction: bool = True, keras_epsilon: bool = False):
        super().__init__(lr)
        self.beta1 = check_scalar(beta1, "beta1", low=0, high=1, high_open=True)
        self.beta2 = check_scalar(beta2, "beta2", low=0, high=1, high_open=True)
        self.eps = check_scalar(eps, "eps", low=0)
        self.bias_correction = bool(bias_correction)
        self.keras_epsilon = bool(keras_epsilon)

    def _update(self, i, p, g):
        m = self._state("m", i, p)
        v = self._state("v", i, p)
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        if self.bias_correction:
            c1 = 1.0 - self.beta1**self.t
            c2 = 1.0 - self.beta2**self.t
        else:
            c1 = c2 = 1.0
        if self.keras_epsilon:
            lr_t = self.lr * np.sqrt(c2) / c1
            p -= lr_t * m / (np.sqrt(v) + self.eps)
        else:
            m_hat = m / c1
            v_hat = v / c2
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
