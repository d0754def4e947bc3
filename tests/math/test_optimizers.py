"""The optimisers against keras.optimizers: 100 steps on the same function, float64.

Each side computes its own gradients (NumPy by hand, TensorFlow by
GradientTape) at its own current parameters, so the two trajectories are
independent; they must agree to 1e-6 at every step.
"""

import numpy as np
import pytest

import bmlearn.math as bmm

STEPS = 100
TARGET = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
CURVATURE = np.array([[1.0, 4.0, 0.25], [2.0, 0.5, 8.0]])


def _start():
    return [np.array([-1.2, 1.0]), np.zeros((2, 3))]  # the classic Rosenbrock start


def _grads(params, scale=1.0):
    """Gradient of scale · [Rosenbrock(x) + ½ Σ c (W - T)²], written out by hand."""
    x, W = params
    gx = np.array([
        -2 * (1 - x[0]) - 40 * x[0] * (x[1] - x[0] ** 2),
        20 * (x[1] - x[0] ** 2),
    ])
    return [scale * gx, scale * CURVATURE * (W - TARGET)]


def _tf_loss(tf, x, W, scale=1.0):
    rosen = (1 - x[0]) ** 2 + 10 * (x[1] - x[0] ** 2) ** 2
    return scale * (rosen + 0.5 * tf.reduce_sum(CURVATURE * (W - TARGET) ** 2))


def _run_ours(opt, steps=STEPS, scale=1.0):
    params = _start()
    path = []
    for _ in range(steps):
        opt.step(params, _grads(params, scale))
        path.append([p.copy() for p in params])
    return path


def _run_keras(tf, opt, steps=STEPS, scale=1.0):
    import keras

    variables = [keras.Variable(p, dtype="float64") for p in _start()]
    path = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = _tf_loss(tf, variables[0], variables[1], scale)
        grads = tape.gradient(loss, [v.value for v in variables])
        opt.apply_gradients(zip(grads, variables))
        path.append([v.numpy().copy() for v in variables])
    return path


def _max_path_diff(a, b):
    return max(float(np.abs(p - q).max()) for sa, sb in zip(a, b) for p, q in zip(sa, sb))


def test_hand_gradient_is_right(rng):
    params = [rng.normal(size=2), rng.normal(size=(2, 3))]
    num = [bmm.numerical_gradient(lambda _: _np_loss(params), p) for p in params]
    for g, n in zip(_grads(params), num):
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-7)


def _np_loss(params):
    x, W = params
    return (1 - x[0]) ** 2 + 10 * (x[1] - x[0] ** 2) ** 2 + 0.5 * np.sum(CURVATURE * (W - TARGET) ** 2)


# Hyperparameters are exactly representable in float32 (powers of two and such). Keras keeps
# the learning rate in a float32 variable and casts momentum, beta_1 and beta_2 through float32
# (ops.cast of a Python float) even for float64 variables, so 0.9 becomes 0.89999998 inside
# Keras. With float32-exact values both sides use the same numbers and the comparison measures
# the formulas, not that rounding (test_keras_rounds_betas_to_float32 shows the effect).
LR = 2.0**-7  # 0.0078125
CASES = {
    "SGD": (lambda: bmm.SGD(lr=LR), lambda k: k.optimizers.SGD(learning_rate=LR)),
    "Momentum": (
        lambda: bmm.Momentum(lr=LR / 4, momentum=0.875),
        lambda k: k.optimizers.SGD(learning_rate=LR / 4, momentum=0.875),
    ),
    "Momentum-nesterov": (
        lambda: bmm.Momentum(lr=LR / 4, momentum=0.875, nesterov=True),
        lambda k: k.optimizers.SGD(learning_rate=LR / 4, momentum=0.875, nesterov=True),
    ),
    # Keras's epsilon placement (sqrt(v + eps)) and default eps=1e-7, rho=0.9:
    "RMSProp-keras-epsilon": (
        lambda: bmm.RMSProp(lr=LR, rho=0.9, eps=1e-7, keras_epsilon=True),
        lambda k: k.optimizers.RMSprop(learning_rate=LR, rho=0.9, epsilon=1e-7),
    ),
    # The default (paper-style) placement, compared fairly: with eps=0 both are g / sqrt(v).
    "RMSProp-eps0": (
        lambda: bmm.RMSProp(lr=LR, rho=0.9, eps=0.0),
        lambda k: k.optimizers.RMSprop(learning_rate=LR, rho=0.9, epsilon=0.0),
    ),
    # Keras's "efficient version" (Kingma & Ba, section 2), with Keras's default eps=1e-7:
    "Adam-keras-epsilon": (
        lambda: bmm.Adam(lr=8 * LR, beta1=0.875, beta2=1 - 2.0**-10, eps=1e-7, keras_epsilon=True),
        lambda k: k.optimizers.Adam(learning_rate=8 * LR, beta_1=0.875, beta_2=1 - 2.0**-10),
    ),
    # Algorithm 1 (the default), compared fairly: with eps=0 the two forms are identical.
    "Adam-eps0": (
        lambda: bmm.Adam(lr=8 * LR, beta1=0.875, beta2=1 - 2.0**-10, eps=0.0),
        lambda k: k.optimizers.Adam(learning_rate=8 * LR, beta_1=0.875, beta_2=1 - 2.0**-10,
                                    epsilon=0.0),
    ),
    # Algorithm 1 with the paper's eps=1e-8 against Keras with the same eps: on gradients of
    # order 1 the different placement changes nothing measurable.
    "Adam-paper-eps1e-8": (
        lambda: bmm.Adam(lr=8 * LR, beta1=0.75, beta2=1 - 2.0**-7, eps=1e-8),
        lambda k: k.optimizers.Adam(learning_rate=8 * LR, beta_1=0.75, beta_2=1 - 2.0**-7,
                                    epsilon=1e-8),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_100_steps_match_keras(tf, deviation, case):
    import keras

    ours_factory, keras_factory = CASES[case]
    ours = _run_ours(ours_factory())
    ref = _run_keras(tf, keras_factory(keras))
    # Same formulas on both sides, or a different epsilon placement (reported apart).
    family = "optimisers (eps placement)" if case == "Adam-paper-eps1e-8" else "optimisers"
    diff = max(deviation(family, p, q) for sa, sb in zip(ours, ref) for p, q in zip(sa, sb))
    assert diff < 1e-6, (case, diff)
    # The optimiser really moved, and the trajectory stayed finite.
    moved = np.abs(ours[-1][1] - _start()[1]).max()
    assert moved > 0.1 and all(np.isfinite(p).all() for p in ours[-1])


KERAS_DEFAULTS = {  # each Keras optimiser with its own defaults, and our equivalent
    "SGD": (lambda: bmm.SGD(), lambda k: k.optimizers.SGD()),
    "Momentum": (lambda: bmm.Momentum(lr=0.002, momentum=0.9),
                 lambda k: k.optimizers.SGD(learning_rate=0.002, momentum=0.9)),
    "RMSProp": (lambda: bmm.RMSProp(eps=1e-7, keras_epsilon=True), lambda k: k.optimizers.RMSprop()),
    "Adam": (lambda: bmm.Adam(eps=1e-7, keras_epsilon=True), lambda k: k.optimizers.Adam()),
}


@pytest.mark.parametrize("case", list(KERAS_DEFAULTS))
def test_100_steps_match_keras_with_its_default_hyperparameters(tf, deviation, case):
    """With 0.9, 0.999, 0.01 ... Keras computes with float32-rounded copies (see below), so the
    agreement is limited by that rounding, yet still within 1e-6 over 100 steps."""
    import keras

    ours_factory, keras_factory = KERAS_DEFAULTS[case]
    ours = _run_ours(ours_factory())
    ref = _run_keras(tf, keras_factory(keras))
    diff = max(deviation("optimisers (Keras defaults)", p, q)
               for sa, sb in zip(ours, ref) for p, q in zip(sa, sb))
    assert diff < 1e-6, (case, diff)


def test_defaults_agree_with_keras_where_the_paper_does(tf):
    import keras

    def value(v):  # Keras 3.0 keeps hyperparameters in variables that float() rejects
        return float(keras.ops.convert_to_numpy(v))

    adam, k_adam = bmm.Adam(), keras.optimizers.Adam()
    assert (adam.lr, adam.beta1, adam.beta2) == (
        pytest.approx(value(k_adam.learning_rate)), k_adam.beta_1, k_adam.beta_2
    )
    assert adam.eps == 1e-8 and k_adam.epsilon == 1e-7  # the paper's eps vs Keras's
    rms, k_rms = bmm.RMSProp(), keras.optimizers.RMSprop()
    assert rms.rho == k_rms.rho == 0.9 and rms.lr == pytest.approx(value(k_rms.learning_rate))
    assert bmm.SGD().lr == pytest.approx(value(keras.optimizers.SGD().learning_rate))


def test_epsilon_placement_matters_for_tiny_gradients(tf):
    """Where sqrt(v) is comparable to eps, the two placements really differ."""
    import keras

    scale = 1e-12  # gradients of order 1e-12
    hyper = {"lr": 0.0625, "beta1": 0.875, "beta2": 1 - 2.0**-10, "eps": 1e-8}
    paper = _run_ours(bmm.Adam(**hyper), steps=1, scale=scale)
    ours_keras = _run_ours(bmm.Adam(**hyper, keras_epsilon=True), steps=1, scale=scale)
    ref = _run_keras(tf, keras.optimizers.Adam(learning_rate=0.0625, beta_1=0.875,
                                               beta_2=1 - 2.0**-10, epsilon=1e-8),
                     steps=1, scale=scale)
    assert _max_path_diff(ours_keras, ref) < 1e-15
    step_paper = np.abs(paper[0][1] - _start()[1]).max()
    step_keras = np.abs(ref[0][1] - _start()[1]).max()
    # Keras's eps acts like eps / sqrt(1 - beta2) = 32 eps at step 1, so its step is smaller.
    assert step_paper > 10 * step_keras

    rms_paper = _run_ours(bmm.RMSProp(lr=LR, eps=1e-7), steps=1, scale=scale)
    rms_ours_keras = _run_ours(bmm.RMSProp(lr=LR, eps=1e-7, keras_epsilon=True), steps=1, scale=scale)
    rms_ref = _run_keras(tf, keras.optimizers.RMSprop(learning_rate=LR, epsilon=1e-7), steps=1,
                         scale=scale)
    assert _max_path_diff(rms_ours_keras, rms_ref) < 1e-15
    assert np.abs(rms_paper[0][1]).max() > 10 * np.abs(rms_ref[0][1]).max()


def test_keras_rounds_betas_to_float32(tf):
    """Why the comparisons above use float32-exact hyperparameters."""
    import keras

    g = np.array([0.5, -2.0])
    var = keras.Variable(np.zeros(2), dtype="float64")
    keras.optimizers.Adam(learning_rate=0.0625, epsilon=0.0).apply_gradients([(tf.constant(g), var)])
    b1, b2 = float(np.float32(0.9)), float(np.float32(0.999))
    # Keras's first step: lr · sqrt(1 - b2) / (1 - b1) · m / sqrt(v), with m = 0.1 g and v = 0.001 g².
    expected = -0.0625 * np.sqrt(1 - b2) / (1 - b1) * (0.1 * g) / np.sqrt(0.001 * g * g)
    np.testing.assert_allclose(var.numpy(), expected, rtol=1e-12)
    # Exact 0.9 and 0.999 would give a first step of exactly lr; Keras's is off by 7e-6 of it.
    assert abs(var.numpy()[0] + 0.0625) / 0.0625 > 1e-6


def test_keras_form_is_algorithm_1_with_a_rescaled_epsilon(rng):
    g = [rng.normal(scale=1e-6, size=5)]
    eps, beta2 = 1e-7, 0.999
    a, b = [np.zeros(5)], [np.zeros(5)]
    bmm.Adam(lr=0.1, eps=eps, keras_epsilon=True).step(a, g)
    bmm.Adam(lr=0.1, eps=eps / np.sqrt(1 - beta2)).step(b, g)  # t = 1
    np.testing.assert_allclose(a[0], b[0], rtol=1e-12)


def test_adam_first_step_with_and_without_bias_correction():
    for g in (1e-3, 1.0, 1e3):
        w = [np.zeros(1)]
        bmm.Adam(lr=0.1, eps=0.0).step(w, [np.array([g])])
        assert w[0][0] == pytest.approx(-0.1)  # |first step| = lr, whatever the gradient
        w = [np.zeros(1)]
        bmm.Adam(lr=0.1, eps=0.0, bias_correction=False).step(w, [np.array([g])])
        assert w[0][0] == pytest.approx(-0.1 * 0.1 / np.sqrt(0.001))  # (1 - b1) / sqrt(1 - b2) = 3.16


def test_updates_are_in_place():
    p = np.ones(3)
    ref = p
    bmm.Momentum(lr=0.5).step([p], [np.ones(3)])
    assert ref is p and np.allclose(p, 0.5)
    params = (np.ones(2), np.ones((2, 2)))  # a tuple works too
    bmm.Adam().step(params, [np.ones(2), np.ones((2, 2))])
    assert np.all(params[1] < 1)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: bmm.SGD(lr=0), "lr must be a finite number > 0"),
        (lambda: bmm.SGD(lr=float("nan")), "lr must be a finite number > 0"),
        (lambda: bmm.Momentum(momentum=1.0), r"momentum must be a number in \[0, 1\)"),
        (lambda: bmm.RMSProp(rho=-0.1), r"rho must be a number in \[0, 1\)"),
        (lambda: bmm.RMSProp(eps=-1e-8), "eps must be a finite number >= 0"),
        (lambda: bmm.Adam(beta1=1.0), r"beta1 must be a number in \[0, 1\)"),
        (lambda: bmm.Adam(beta2=1.5), r"beta2 must be a number in \[0, 1\)"),
        (lambda: bmm.Adam(lr="0.1"), "lr must be a finite number > 0"),
    ],
)
def test_bad_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("opt", [bmm.SGD(), bmm.Momentum(), bmm.RMSProp(), bmm.Adam()],
                         ids=lambda o: type(o).__name__)
def test_bad_step_arguments(opt):
    with pytest.raises(ValueError, match="same length"):
        opt.step([np.ones(2)], [np.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match="same length"):
        opt.step([], [])
    with pytest.raises(ValueError, match="must be lists"):
        opt.step(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"grads\[0\] must have the shape of params\[0\], \(2,\), but received shape \(3,\)"):
        opt.step([np.ones(2)], [np.ones(3)])
    with pytest.raises(ValueError, match=r"params\[0\] must be a writable float NumPy array.*list"):
        opt.step([[1.0, 2.0]], [np.ones(2)])
    with pytest.raises(ValueError, match="dtype int64"):
        opt.step([np.ones(2, dtype=np.int64)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"grads\[0\] must hold finite numbers, but received 1 NaN"):
        opt.step([np.ones(2)], [np.array([np.nan, 0.0])])
    opt.step([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"first used with parameters of shapes \[\(2,\)\]"):
        opt.step([np.ones(3)], [np.ones(3)])
