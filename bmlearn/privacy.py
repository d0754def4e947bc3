"""Differential privacy for training: clipping, the privacy budget, and membership inference.

Differentially private stochastic gradient descent (DP-SGD, Abadi et al. 2016) bounds how much
one training example can change a model: each example's gradient is clipped to a norm of at most
``clip_norm``, the clipped gradients are summed, and Gaussian noise of standard deviation
``noise_multiplier * clip_norm`` is added. Its guarantee, (ε, δ)-differential privacy, is
computed by a privacy accountant; this module calls Google's ``dp_accounting`` rather than a
hand-made one:

- :func:`clip_per_example`: each example's gradient scaled to a global L2 norm of at most
  ``clip_norm`` (NumPy; the Keras training step is :mod:`bmlearn.train.dp_sgd`).
- :func:`epsilon`: ε after ``steps`` Poisson-sampled Gaussian steps, from the RDP or the PLD
  accountant of ``dp_accounting``.
- :func:`noise_multiplier_for_epsilon`: the smallest noise multiplier that reaches a target ε
  (bisection on :func:`epsilon`).
- :func:`membership_advantage`: the loss-threshold membership-inference attack of Yeom et al.
  (2018), its advantage (true-positive rate minus false-positive rate) and threshold.
- :func:`advantage_bound`: the largest advantage any attack can have on an (ε, δ)-DP model,
  (e^ε − 1 + 2δ) / (e^ε + 1) (Kairouz, Oh and Viswanath 2015; Humphries et al. 2020).

NumPy, SciPy and ``dp_accounting`` only: no TensorFlow.
"""

from __future__ import annotations

import contextlib
import logging
import math

import numpy as np

from bmlearn.validation import as_finite_array, check_scalar

__all__ = [
    "advantage_bound",
    "clip_per_example",
    "epsilon",
    "membership_advantage",
    "noise_multiplier_for_epsilon",
]

ACCOUNTANTS = ("rdp", "pld")


def clip_per_example(grads, clip_norm):
    """Scale each example's gradient to an L2 norm of at most ``clip_norm``.

    The norm of an example is taken over all of its gradient at once (every array of ``grads``
    together, the "global" norm), and the example's gradient is multiplied by
    ``min(1, clip_norm / norm)``: a gradient already inside the ball is left alone, a longer one
    keeps its direction and gets length ``clip_norm``. So however unusual one example is, its
    contribution to the summed gradient has norm at most ``clip_norm``.

    Args:
        grads: one NumPy array of shape ``[batch, ...]``, or a list or tuple of such arrays (one
            per weight of a model) with the same ``batch``. A list is always read as a list of
            arrays, one per weight, never as one nested array.
        clip_norm: the largest norm, a number > 0 (``inf`` turns clipping off).

    Returns:
        The clipped gradients, in the same form as ``grads`` (an array or a list of arrays), as
        float64.

    Raises:
        ValueError: if ``clip_norm`` is not > 0, an array holds NaN or infinity, or the arrays'
            batch sizes differ.

    Example:
        One example's gradient (3, 4) has norm 5; clipped to 1 it becomes (0.6, 0.8). The second
        example's (0.3, 0.4) has norm 0.5 and is left alone:

        >>> clip_per_example(np.array([[3.0, 4.0], [0.3, 0.4]]), clip_norm=1.0)
        array([[0.6, 0.8],
               [0.3, 0.4]])
    """
    if not (isinstance(clip_norm, (int, float, np.floating)) and clip_norm == math.inf):
        clip_norm = check_scalar(clip_norm, "clip_norm", low=0, low_open=True)
    single = not isinstance(grads, (list, tuple))
    arrays = [as_finite_array(g, "grads", min_ndim=1) for g in ([grads] if single else grads)]
    batch = arrays[0].shape[0]
    if any(a.shape[0] != batch for a in arrays):
        raise ValueError(f"grads must share their batch size (first dimension), but received "
                         f"shapes {[a.shape for a in arrays]}.")
    squared = sum(np.sum(a.reshape(batch, -1) ** 2, axis=1) for a in arrays)
    norms = np.sqrt(squared)
    scale = np.minimum(1.0, clip_norm / np.maximum(norms, np.finfo(float).tiny))
    clipped = [a * scale.reshape((batch,) + (1,) * (a.ndim - 1)) for a in arrays]
    return clipped[0] if single else clipped


def _check_accounting(noise_multiplier, sample_rate, steps, delta):
    noise_multiplier = check_scalar(noise_multiplier, "noise_multiplier", low=0, low_open=True)
    sample_rate = check_scalar(sample_rate, "sample_rate", low=0, high=1, low_open=True)
    steps = check_scalar(steps, "steps", integer=True, low=1)
    delta = check_scalar(delta, "delta", low=0, high=1, low_open=True, high_open=True)
    return noise_multiplier, sample_rate, steps, delta


def _accountant(accountant):
    from dp_accounting import pld, rdp

    if accountant == "rdp":
        return rdp.RdpAccountant()
    if accountant == "pld":
        return pld.PLDAccountant()
    raise ValueError(f"accountant must be one of {ACCOUNTANTS}, but received {accountant!r}.")


@contextlib.contextmanager
def _quiet_absl():
    """Silence dp_accounting's warnings that it dropped an RDP order that did not converge.

    Dropping an order can only make the RDP accountant's ε larger (it takes the minimum over
    the orders), so the result stays a valid upper bound; the warnings would only clutter.
    """
    logger = logging.getLogger("absl")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _event(noise_multiplier, sample_rate, steps):
    import dp_accounting

    step = dp_accounting.PoissonSampledDpEvent(sample_rate,
                                               dp_accounting.GaussianDpEvent(noise_multiplier))
    return dp_accounting.SelfComposedDpEvent(step, steps)


def epsilon(noise_multiplier, sample_rate, steps, delta, accountant="rdp"):
    """The ε of DP-SGD: ``steps`` steps, each on a Poisson sample, with Gaussian noise.

    Each step includes every training example independently with probability ``sample_rate``
    (Poisson sampling, the assumption of the accountants) and adds Gaussian noise of standard
    deviation ``noise_multiplier`` times the clipping norm to the sum of clipped gradients. The
    whole run is then (ε, δ)-differentially private, for adding or removing one example, with
    the ε returned here. ``dp_accounting``'s two accountants both give upper bounds on the true ε:
    the Rényi-DP accountant (``"rdp"``, Mironov 2017) is fast and a little loose; the
    privacy-loss-distribution accountant (``"pld"``, Koskela et al. 2020, Doroshenko et al. 2022)
    is close to exact and slower.

    Args:
        noise_multiplier: noise standard deviation over the clipping norm, > 0.
        sample_rate: the probability q that an example is in a step's batch, in (0, 1].
        steps: the number of steps, a positive integer.
        delta: the δ of (ε, δ)-DP, in (0, 1); usually below 1 / (number of examples).
        accountant: ``"rdp"`` or ``"pld"``.

    Returns:
        ε, a float (``inf`` where no finite ε is found).

    Raises:
        ValueError: if an argument is outside its range, or the accountant is unknown.

    Example:
        One step on the whole data set (q = 1) with noise multiplier 1 is the Gaussian
        mechanism; at δ = 1e-5 its exact ε is about 4.4 (Balle and Wang 2018), and the PLD
        accountant finds it:

        >>> round(epsilon(1.0, 1.0, 1, 1e-5, accountant="pld"), 2)
        4.4
    """
    noise_multiplier, sample_rate, steps, delta = _check_accounting(
        noise_multiplier, sample_rate, steps, delta)
    acc = _accountant(accountant)
    with _quiet_absl():
        acc.compose(_event(noise_multiplier, sample_rate, steps))
        return float(acc.get_epsilon(delta))


def noise_multiplier_for_epsilon(target_epsilon, sample_rate, steps, delta, accountant="rdp",
                                 rtol=1e-3):
    """The smallest noise multiplier whose run reaches ``target_epsilon``, by bisection.

    ε decreases as the noise grows, so a bisection finds the noise multiplier σ at which
    :func:`epsilon` crosses the target: first a bracket [σ/2, σ] by doubling or halving from 1,
    then halving the bracket (in log σ) until its ends are within ``rtol`` of each other. The
    upper end is returned, so the target is met.

    Args:
        target_epsilon: the privacy budget ε to reach, > 0.
        sample_rate: the probability q that an example is in a step's batch, in (0, 1].
        steps: the number of steps, a positive integer.
        delta: the δ of (ε, δ)-DP, in (0, 1).
        accountant: ``"rdp"`` or ``"pld"``.
        rtol: the relative width of the final bracket, in (0, 1).

    Returns:
        The noise multiplier, a float; its ε is at most ``target_epsilon``, and a noise
        multiplier smaller by the factor ``1 + rtol`` would exceed it.

    Raises:
        ValueError: if an argument is outside its range, the accountant is unknown, or the
            target needs a noise multiplier below 1/64 (a target so large that it protects
            nothing).

    Example:
        The Gaussian mechanism of :func:`epsilon`'s example, backwards, with the RDP accountant
        (which puts ε at 4.73 for noise multiplier 1 at δ = 1e-5): ε = 4.73 needs a noise
        multiplier of 1.

        >>> round(epsilon(1.0, 1.0, 1, 1e-5), 2)
        4.73
        >>> round(noise_multiplier_for_epsilon(4.73, 1.0, 1, 1e-5), 2)
        1.0
    """
    target_epsilon = check_scalar(target_epsilon, "target_epsilon", low=0, low_open=True)
    _, sample_rate, steps, delta = _check_accounting(1.0, sample_rate, steps, delta)
    rtol = check_scalar(rtol, "rtol", low=0, high=1, low_open=True, high_open=True)
    _accountant(accountant)  # reject an unknown name before the search

    def private_enough(sigma):
        return epsilon(sigma, sample_rate, steps, delta, accountant) <= target_epsilon

    hi = 1.0
    while not private_enough(hi):
        hi *= 2
    lo = hi / 2
    while private_enough(lo):
        lo, hi = lo / 2, lo
        if lo < 1 / 64:
            raise ValueError(f"target_epsilon = {target_epsilon!r} needs a noise multiplier below "
                             f"1/64 at this sample rate and number of steps; choose a smaller target.")
    while hi / lo > 1 + rtol:
        mid = math.sqrt(lo * hi)
        lo, hi = (lo, mid) if private_enough(mid) else (mid, hi)
    return float(hi)


def membership_advantage(member_losses, nonmember_losses):
    """The loss-threshold membership-inference attack (Yeom et al. 2018) and its advantage.

    The attacker guesses "member" (was in the training data) when the model's loss on an example
    is at most a threshold τ: models fit their training examples better than new ones. Its
    advantage at τ is the true-positive rate (members guessed members) minus the false-positive
    rate (non-members guessed members); 0 is no better than a coin, 1 is a perfect attack. This
    returns the best threshold for these examples, so on a finite sample the advantage is an
    optimistic (upward-biased) estimate of what the attack achieves on new examples.

    Args:
        member_losses: the model's loss on each training example, a 1-D array.
        nonmember_losses: its loss on each held-out example, a 1-D array.

    Returns:
        ``(advantage, threshold)``: the largest TPR − FPR over all thresholds, in [0, 1], and the
        threshold τ that reaches it ("member" when loss <= τ). With no useful threshold the
        advantage is 0 and τ is below every loss.

    Raises:
        ValueError: if an array is empty or holds NaN or infinity.

    Example:
        Members at losses 0.1 and 0.2, non-members at 0.3 and 0.4: τ = 0.2 catches both members
        and no non-member, an advantage of 1 − 0 = 1.

        >>> membership_advantage([0.1, 0.2], [0.3, 0.4])
        (1.0, 0.2)
    """
    members = as_finite_array(member_losses, "member_losses", ndim=1)
    nonmembers = as_finite_array(nonmember_losses, "nonmember_losses", ndim=1)
    thresholds = np.unique(np.concatenate([members, nonmembers]))
    # Share of each group with loss <= each candidate threshold, by sorted search.
    tpr = np.searchsorted(np.sort(members), thresholds, side="right") / len(members)
    fpr = np.searchsorted(np.sort(nonmembers), thresholds, side="right") / len(nonmembers)
    gain = tpr - fpr
    best = int(np.argmax(gain))
    if gain[best] <= 0:
        return 0.0, float(np.nextafter(thresholds[0], -np.inf))
    return float(gain[best]), float(thresholds[best])


def advantage_bound(eps, delta=0.0):
    """The largest membership advantage (TPR − FPR) of any attack on an (ε, δ)-DP model.

    Differential privacy makes the attacker's test obey TPR <= e^ε FPR + δ and
    1 − FPR <= e^ε (1 − TPR) + δ (Kairouz, Oh and Viswanath 2015). The largest TPR − FPR under
    both is reached where both hold with equality: (e^ε − 1 + 2δ) / (e^ε + 1) (Humphries et al.
    2020). It is tighter than Yeom et al.'s e^ε − 1, and below 1 for every finite ε.

    Args:
        eps: ε, a number >= 0 (``inf`` gives 1).
        delta: δ, in [0, 1).

    Returns:
        The bound, a float in [0, 1].

    Raises:
        ValueError: if ε < 0 or δ outside [0, 1).

    Example:
        At ε = ln 3 and δ = 0: (3 − 1) / (3 + 1) = 0.5.

        >>> round(advantage_bound(math.log(3)), 12)
        0.5
    """
    if not (isinstance(eps, (int, float, np.floating)) and eps == math.inf):
        eps = check_scalar(eps, "eps", low=0)
    delta = check_scalar(delta, "delta", low=0, high=1, high_open=True)
    if eps == math.inf:
        return 1.0
    return float(min(1.0, (math.expm1(eps) + 2 * delta) / (math.exp(eps) + 1)))
