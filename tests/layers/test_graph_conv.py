"""GraphConv against a NumPy reference of Â X W + b, with a tolerance derived from the dtype."""

import numpy as np
import pytest

from bmlearn.numerics import unit_roundoff
from bmlearn.testing import check_layer


@pytest.fixture(scope="module")
def gc(keras):
    from bmlearn.layers import graph_conv

    return graph_conv


def random_graph(rng, n=7, p=0.4):
    a = np.triu((rng.random((n, n)) < p).astype(float), 1)
    return a + a.T


def test_normalized_adjacency_matches_a_direct_formula():
    rng = np.random.default_rng(0)
    a = random_graph(rng)
    a_tilde = a + np.eye(len(a))
    d = np.diag(a_tilde.sum(axis=1) ** -0.5)
    from bmlearn.layers.graph_conv import normalized_adjacency

    np.testing.assert_allclose(normalized_adjacency(a), d @ a_tilde @ d, rtol=1e-12)
    eig = np.linalg.eigvalsh(normalized_adjacency(a))
    assert eig.max() == pytest.approx(1.0) and eig.min() > -1  # spectrum in (-1, 1]


@pytest.mark.parametrize("dtype", ["float32", "mixed_float16", "mixed_bfloat16"])
def test_graph_conv_matches_numpy_reference(gc, keras, dtype):
    rng = np.random.default_rng(1)
    a_hat = np.stack([gc.normalized_adjacency(random_graph(rng)) for _ in range(2)])
    x = rng.normal(size=(2, 7, 5))
    layer = gc.GraphConv(3, dtype=dtype)
    layer([x.astype("float32"), a_hat.astype("float32")])
    layer.bias.assign(rng.normal(size=3))
    w, b = np.asarray(layer.kernel, np.float64), np.asarray(layer.bias, np.float64)
    got = np.asarray(layer([x.astype("float32"), a_hat.astype("float32")]), np.float64)
    want = a_hat @ (x @ w) + b
    # Each output is a sum of n_nodes terms, each a sum of in_features products: with inputs,
    # weights and the intermediate X W rounded to the compute dtype, sums of that many terms and
    # the output rounded, the error is at most (in_features + n_nodes + 6) u (|Â| |X| |W| + |b|),
    # u the compute dtype's unit roundoff (a standard forward bound, first order in u).
    compute = layer.compute_dtype
    steps = x.shape[-1] + x.shape[1] + 6
    bound = steps * unit_roundoff(compute) * (np.abs(a_hat) @ (np.abs(x) @ np.abs(w)) + np.abs(b))
    assert np.all(np.abs(got - want) <= bound), np.max(np.abs(got - want) / bound)


def test_graph_conv_passes_check_layer(gc):
    rng = np.random.default_rng(2)
    a_hat = gc.normalized_adjacency(random_graph(rng))[None].astype("float32")
    x = rng.normal(size=(1, 7, 4)).astype("float32")
    check_layer(gc.GraphConv(3, activation="relu"), [x, a_hat], mixed_output_dtype="float16")


def test_graph_conv_in_a_functional_model_learns_a_neighbour_average(gc, keras):
    # Node features zero except node 0: after one layer with W = 1, b = 0, node j holds Â[j, 0].
    a = np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0]], float)
    a_hat = gc.normalized_adjacency(a)
    x = np.zeros((1, 4, 1), "float32")
    x[0, 0, 0] = 1
    layer = gc.GraphConv(1, kernel_initializer="ones")
    out = np.asarray(layer([x, a_hat[None].astype("float32")]))[0, :, 0]
    np.testing.assert_allclose(out, a_hat[:, 0], rtol=1e-6)
    assert out[3] == 0  # two hops away: one layer does not reach it


@pytest.mark.parametrize("call, match", [
    (lambda gc: gc.GraphConv(0), "units must be"),
    (lambda gc: gc.normalized_adjacency(np.ones((2, 3))), "square"),
    (lambda gc: gc.normalized_adjacency([[0, 1], [0, 0]]), "symmetric"),
    (lambda gc: gc.GraphConv(2)(np.ones((1, 3, 2), "float32")), "features, adjacency"),
])
def test_bad_input_raises(gc, call, match):
    with pytest.raises(ValueError, match=match):
        call(gc)
