import numpy as np
import pytest

import bmlearn.math as bmm
from bmlearn.data import make_xor

COMBOS = [
    ("tanh", "sigmoid", 1),
    ("sigmoid", "sigmoid", 3),
    ("relu", "softmax", 4),
    ("tanh", "softmax", 3),
    ("relu", "linear", 2),
]
IDS = [f"{a}-{o}-{k}" for a, o, k in COMBOS]


def _problem(rng, output, k, n=7, n_in=3):
    x = rng.normal(size=(n, n_in))
    if output == "sigmoid":
        y = rng.integers(0, 2, size=(n, k)).astype(float)
    elif output == "softmax":
        y = rng.integers(0, k, size=n)
    else:
        y = rng.normal(size=(n, k))
    return x, y


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


@pytest.mark.parametrize("activation, output, k", COMBOS, ids=IDS)
def test_backward_matches_numerical_gradient(rng, deviation, activation, output, k):
    net = bmm.MLP((3, 5, 4, k), activation=activation, output=output, seed=3)
    for b in net.biases:  # non-zero biases, so their gradients are tested in general position
        b[:] = rng.normal(scale=0.1, size=b.shape)
    x, y = _problem(rng, output, k)
    net.forward(x)
    grads = net.backward(y)
    assert [g.shape for g in grads] == [p.shape for p in net.params]
    for p, g in zip(net.params, grads):
        numeric = bmm.numerical_gradient(lambda _: net.loss(x, y), p)
        rel = deviation("MLP grad vs numerical (rel)", g, numeric, relative=True)
        assert rel <= 1e-6, (p.shape, rel)


def _tf_forward_loss(tf, keras, variables, x, y, activation, output):
    act = {"tanh": tf.tanh, "sigmoid": tf.sigmoid, "relu": tf.nn.relu}[activation]
    a = tf.constant(x)
    n_layers = len(variables) // 2
    for layer in range(n_layers):
        W, b = variables[2 * layer], variables[2 * layer + 1]
        z = a @ W + b
        a = act(z) if layer < n_layers - 1 else z
    if output == "sigmoid":
        return tf.reduce_mean(keras.losses.binary_crossentropy(y, a, from_logits=True)), a
    if output == "softmax":
        return tf.reduce_mean(keras.losses.categorical_crossentropy(y, a, from_logits=True)), a
    return tf.reduce_mean(keras.losses.mean_squared_error(y, a)), a


@pytest.mark.parametrize("activation, output, k", COMBOS, ids=IDS)
def test_backward_matches_tensorflow_gradient_tape(tf, rng, deviation, activation, output, k):
    import keras

    net = bmm.MLP((3, 5, 4, k), activation=activation, output=output, seed=4)
    x, y = _problem(rng, output, k)
    y_full = np.eye(k)[y] if output == "softmax" else y
    loss = net.loss(x, y)
    grads = net.backward(y)
    variables = [tf.Variable(p) for p in net.params]  # the same weights, float64
    with tf.GradientTape() as tape:
        loss_tf, _ = _tf_forward_loss(tf, keras, variables, x, y_full, activation, output)
    grads_tf = tape.gradient(loss_tf, variables)
    assert deviation("MLP loss", loss, float(loss_tf)) < 1e-6
    for g, g_tf in zip(grads, grads_tf):
        assert deviation("MLP grad vs GradientTape", g, g_tf.numpy()) < 1e-6
        assert _relative_error(g, g_tf.numpy()) < 1e-9


@pytest.mark.parametrize("activation, output, k", COMBOS, ids=IDS)
def test_forward_matches_a_keras_model_with_the_same_weights(tf, rng, deviation, activation, output, k):
    import keras

    net = bmm.MLP((3, 5, 4, k), activation=activation, output=output, seed=5)
    model = keras.Sequential(
        [keras.Input((3,), dtype="float64"),
         keras.layers.Dense(5, activation=activation, dtype="float64"),
         keras.layers.Dense(4, activation=activation, dtype="float64"),
         keras.layers.Dense(k, activation=output, dtype="float64")]
    )
    model.set_weights(net.params)
    x = rng.normal(size=(9, 3))
    assert deviation("MLP forward", net.forward(x), model(x).numpy()) < 1e-6  # predict() casts to float32


def test_integer_labels_and_one_hot_give_the_same_gradients(rng):
    net = bmm.MLP((3, 4, 3), output="softmax")
    x, labels = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    net.forward(x)
    g_int = net.backward(labels)
    g_hot = net.backward(np.eye(3)[labels])
    for a, b in zip(g_int, g_hot):
        np.testing.assert_array_equal(a, b)


def test_fit_learns_xor_and_the_loss_falls():
    x_train, y_train = make_xor(200, noise=0.15, seed=0)
    x_test, y_test = make_xor(200, noise=0.15, seed=1)
    net = bmm.MLP((2, 8, 1), activation="tanh", seed=0)
    history = net.fit(x_train, y_train, epochs=100, optimizer=bmm.Adam(lr=0.02), batch_size=32)
    assert len(history["loss"]) == 100
    assert history["loss"][-1] < 0.3 * history["loss"][0]
    assert net.score(x_test, y_test) > 0.95


def test_fit_full_batch_is_deterministic():
    x, y = make_xor(50, seed=2)
    runs = [bmm.MLP((2, 4, 1), seed=7).fit(x, y, epochs=5)["loss"] for _ in range(2)]
    assert runs[0] == runs[1]


def test_params_are_the_model_arrays_and_count():
    net = bmm.MLP((2, 8, 3), output="softmax")
    assert net.params[0] is net.weights[0] and net.params[3] is net.biases[1]
    assert net.count_params() == 2 * 8 + 8 + 8 * 3 + 3
    assert "sizes=(2, 8, 3)" in repr(net)


def test_glorot_initialisation_bounds():
    net = bmm.MLP((100, 50, 1), seed=0)
    limit = np.sqrt(6 / 150)
    assert np.abs(net.weights[0]).max() <= limit
    assert np.abs(net.weights[0]).max() > 0.9 * limit
    assert all(np.all(b == 0) for b in net.biases)


def test_predict_and_score_shapes():
    x = np.zeros((4, 2))
    assert bmm.MLP((2, 1)).predict(x).shape == (4,)
    assert bmm.MLP((2, 3)).predict(x).shape == (4, 3)  # three independent sigmoid outputs
    assert bmm.MLP((2, 3), output="softmax").predict(x).shape == (4,)
    assert bmm.MLP((2, 1), output="linear").predict(x).shape == (4,)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sizes": (3,)}, "at least two"),
        ({"sizes": 3}, "at least two"),
        ({"sizes": (3, 0, 1)}, r"sizes\[1\] must be a positive integer"),
        ({"sizes": (3, 1), "activation": "gelu"}, "activation must be one of"),
        ({"sizes": (3, 1), "output": "tanh"}, "output must be one of"),
        ({"sizes": (3, 1), "output": "softmax"}, "needs at least 2 outputs"),
    ],
)
def test_constructor_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bmm.MLP(**kwargs)


def test_bad_inputs_and_targets():
    net = bmm.MLP((2, 3, 1))
    with pytest.raises(ValueError, match="call forward"):
        net.backward([1.0])
    with pytest.raises(ValueError, match=r"x must have 2 features \(sizes\[0\]\), but received shape \(4, 3\)"):
        net.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="finite"):
        net.forward(np.array([[0.0, np.nan]]))
    net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"y must have shape \(4, 1\).*received shape \(3,\)"):
        net.backward(np.zeros(3))
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        net.backward(np.full(4, 2.0))
    soft = bmm.MLP((2, 3), output="softmax")
    soft.forward(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="class labels in 0..2"):
        soft.backward([0, 3])
    with pytest.raises(ValueError, match="each row of y must sum to 1"):
        soft.backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="same number of samples"):
        net.fit(np.zeros((4, 2)), np.zeros(3), epochs=1)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        net.fit(np.zeros((4, 2)), np.zeros(4), epochs=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        net.fit(np.zeros((4, 2)), np.zeros(4), epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="accuracy"):
        bmm.MLP((2, 1), output="linear").score(np.zeros((2, 2)), [0.0, 1.0])
