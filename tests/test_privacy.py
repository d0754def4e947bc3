"""bmlearn.privacy: clipping, the accountants, calibration, membership advantage and its bound."""

import math

import numpy as np
import pytest
from scipy import optimize, stats

from bmlearn import privacy

# --- clipping ---------------------------------------------------------------------------------


def test_clipping_by_hand():
    # (3, 4) has norm 5 -> scaled by 2/5 to (1.2, 1.6); (0, 1) has norm 1 <= 2 -> unchanged.
    out = privacy.clip_per_example(np.array([[3.0, 4.0], [0.0, 1.0]]), clip_norm=2.0)
    np.testing.assert_allclose(out, [[1.2, 1.6], [0.0, 1.0]], rtol=0, atol=4 * np.finfo(float).eps)


def test_clipping_a_list_of_arrays_matches_a_loop_over_examples(rng):
    # Two "weights" per example, a [batch, 3, 2] kernel and a [batch, 2] bias: the norm is global.
    kernel = rng.normal(size=(7, 3, 2)) * rng.uniform(0.1, 3, size=(7, 1, 1))
    bias = rng.normal(size=(7, 2))
    clip = 1.5
    got_kernel, got_bias = privacy.clip_per_example([kernel, bias], clip)
    for i in range(7):
        norm = math.sqrt(float(np.sum(kernel[i] ** 2) + np.sum(bias[i] ** 2)))
        factor = min(1.0, clip / norm)
        np.testing.assert_allclose(got_kernel[i], kernel[i] * factor, rtol=8 * np.finfo(float).eps)
        np.testing.assert_allclose(got_bias[i], bias[i] * factor, rtol=8 * np.finfo(float).eps)
        norm_after = math.sqrt(float(np.sum(got_kernel[i] ** 2) + np.sum(got_bias[i] ** 2)))
        assert norm_after <= clip * (1 + 8 * np.finfo(float).eps)


def test_clipping_leaves_zero_gradients_and_infinite_clip_alone():
    grads = np.array([[0.0, 0.0], [30.0, -40.0]])
    np.testing.assert_array_equal(privacy.clip_per_example(grads, math.inf), grads)
    np.testing.assert_array_equal(privacy.clip_per_example(grads, 1.0)[0], [0.0, 0.0])


@pytest.mark.parametrize("clip", [0, -1.0, float("nan")])
def test_clipping_rejects_a_bad_norm(clip):
    with pytest.raises(ValueError, match="clip_norm"):
        privacy.clip_per_example(np.ones((2, 2)), clip)


def test_clipping_rejects_different_batch_sizes():
    with pytest.raises(ValueError, match="batch size"):
        privacy.clip_per_example([np.ones((2, 2)), np.ones((3,))], 1.0)


# --- accounting -------------------------------------------------------------------------------


def analytic_gaussian_epsilon(sigma, delta):
    """ε of the Gaussian mechanism of sensitivity 1 and noise sigma at δ (Balle and Wang 2018, Thm 8).

    delta(eps) = Φ(1/(2σ) − εσ) − e^ε Φ(−1/(2σ) − εσ) is exact and decreasing in ε; solve for ε.
    """
    def gap(eps):
        return (stats.norm.cdf(0.5 / sigma - eps * sigma)
                - math.exp(eps) * stats.norm.cdf(-0.5 / sigma - eps * sigma) - delta)

    return optimize.brentq(gap, 0.0, 100.0, xtol=1e-12)


@pytest.mark.parametrize("sigma", [0.8, 1.0, 2.0])
def test_one_full_batch_step_is_the_gaussian_mechanism(sigma):
    # sample_rate 1, one step: the run is one Gaussian mechanism, whose exact ε Balle and Wang give.
    delta = 1e-5
    exact = analytic_gaussian_epsilon(sigma, delta)
    pld = privacy.epsilon(sigma, 1.0, 1, delta, accountant="pld")
    rdp = privacy.epsilon(sigma, 1.0, 1, delta, accountant="rdp")
    # The PLD accountant discretises the privacy loss pessimistically on a grid of 1e-4 (its
    # value_discretization_interval): its ε is an upper bound, within a few grid steps of the exact one.
    assert exact - 1e-9 <= pld <= exact + 10 * 1e-4
    # The RDP accountant is an upper bound too, and looser.
    assert rdp >= pld


def test_pld_is_tighter_than_rdp_and_both_behave():
    q, delta = 0.02, 1e-5
    for sigma in (0.8, 1.2):
        for steps in (100, 1000):
            assert privacy.epsilon(sigma, q, steps, delta, "pld") <= privacy.epsilon(sigma, q, steps, delta, "rdp")
    for accountant in ("rdp", "pld"):
        by_noise = [privacy.epsilon(s, q, 500, delta, accountant) for s in (0.7, 1.0, 1.5, 3.0)]
        assert all(a > b for a, b in zip(by_noise, by_noise[1:])), by_noise  # more noise, smaller ε
        by_steps = [privacy.epsilon(1.0, q, t, delta, accountant) for t in (10, 100, 1000)]
        assert all(a < b for a, b in zip(by_steps, by_steps[1:])), by_steps  # more steps, larger ε


def test_calibration_round_trip():
    q, steps, delta = 0.05, 300, 1e-5
    for target in (0.5, 2.0, 8.0):
        sigma = privacy.noise_multiplier_for_epsilon(target, q, steps, delta, rtol=1e-3)
        assert privacy.epsilon(sigma, q, steps, delta) <= target
        # and a noise multiplier smaller by the bracket's width would overshoot the target
        assert privacy.epsilon(sigma / (1 + 1e-3), q, steps, delta) > target


@pytest.mark.parametrize("args, name", [
    ((0.0, 0.1, 10, 1e-5), "noise_multiplier"),
    ((-1.0, 0.1, 10, 1e-5), "noise_multiplier"),
    ((1.0, 0.0, 10, 1e-5), "sample_rate"),
    ((1.0, 1.5, 10, 1e-5), "sample_rate"),
    ((1.0, 0.1, 0, 1e-5), "steps"),
    ((1.0, 0.1, 2.5, 1e-5), "steps"),
    ((1.0, 0.1, 10, 0.0), "delta"),
    ((1.0, 0.1, 10, 1.0), "delta"),
])
def test_accounting_rejects_bad_arguments(args, name):
    with pytest.raises(ValueError, match=name):
        privacy.epsilon(*args)


def test_unknown_accountant_and_bad_target():
    with pytest.raises(ValueError, match="accountant"):
        privacy.epsilon(1.0, 0.1, 10, 1e-5, accountant="moments")
    with pytest.raises(ValueError, match="target_epsilon"):
        privacy.noise_multiplier_for_epsilon(0.0, 0.1, 10, 1e-5)
    with pytest.raises(ValueError, match="sample_rate"):
        privacy.noise_multiplier_for_epsilon(1.0, 0.0, 10, 1e-5)


# --- membership inference ---------------------------------------------------------------------


def brute_force_advantage(members, nonmembers):
    best = 0.0
    for tau in np.concatenate([members, nonmembers]):
        best = max(best, np.mean(members <= tau) - np.mean(nonmembers <= tau))
    return best


def test_advantage_matches_brute_force(rng):
    for _ in range(20):
        members = np.round(rng.exponential(0.5, size=rng.integers(1, 40)), 1)  # ties on purpose
        nonmembers = np.round(rng.exponential(0.8, size=rng.integers(1, 40)), 1)
        adv, tau = privacy.membership_advantage(members, nonmembers)
        assert adv == pytest.approx(brute_force_advantage(members, nonmembers), abs=1e-12)
        if adv > 0:  # the threshold reaches the advantage
            assert np.mean(members <= tau) - np.mean(nonmembers <= tau) == pytest.approx(adv, abs=1e-12)


def test_advantage_hand_cases():
    # Separated: every member's loss below every non-member's -> TPR 1, FPR 0 at the largest member loss.
    assert privacy.membership_advantage([0.0, 0.1, 0.2], [0.5, 0.9]) == (1.0, 0.2)
    # Identical lists: TPR = FPR at every threshold -> advantage 0.
    adv, tau = privacy.membership_advantage([0.3, 0.1, 0.2], [0.2, 0.3, 0.1])
    assert adv == 0.0 and tau < 0.1
    # Members with *higher* losses: no threshold helps.
    assert privacy.membership_advantage([2.0, 3.0], [0.1, 0.2])[0] == 0.0
    # Half the members below 0.15, no non-member: 1/2 - 0 at tau = 0.1.
    assert privacy.membership_advantage([0.1, 0.9], [0.2, 0.3]) == (0.5, 0.1)


def test_advantage_rejects_empty_or_nan():
    with pytest.raises(ValueError, match="member_losses"):
        privacy.membership_advantage([], [0.1])
    with pytest.raises(ValueError, match="nonmember_losses"):
        privacy.membership_advantage([0.1], [float("nan")])


def test_advantage_bound():
    # (e^ε − 1 + 2δ) / (e^ε + 1): ε = 0 gives 2δ / 2 = δ; ε = ln 3, δ = 0.01 gives (2 + 0.02) / 4.
    assert privacy.advantage_bound(0.0, 0.1) == pytest.approx(0.1, rel=1e-15)
    assert privacy.advantage_bound(math.log(3), 0.01) == pytest.approx(2.02 / 4, rel=1e-14)
    assert privacy.advantage_bound(math.inf) == 1.0
    # It is the largest TPR − FPR on the DP region TPR <= e^ε FPR + δ, 1 − FPR <= e^ε (1 − TPR) + δ:
    # check on a grid of (FPR, TPR) points.
    eps, delta = 0.7, 0.02
    fpr, tpr = np.meshgrid(np.linspace(0, 1, 2001), np.linspace(0, 1, 2001))
    ok = (tpr <= math.exp(eps) * fpr + delta) & (1 - fpr <= math.exp(eps) * (1 - tpr) + delta)
    best_on_grid = float(np.max((tpr - fpr)[ok]))
    bound = privacy.advantage_bound(eps, delta)
    assert best_on_grid <= bound + 1e-12 and best_on_grid >= bound - 2 / 2000
    # Tighter than Yeom et al.'s e^ε − 1 (δ = 0).
    assert privacy.advantage_bound(eps) < math.expm1(eps)
    with pytest.raises(ValueError, match="eps"):
        privacy.advantage_bound(-0.1)
    with pytest.raises(ValueError, match="delta"):
        privacy.advantage_bound(1.0, 1.0)
