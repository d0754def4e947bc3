"""bmlearn.numerics against NumPy's finfo, ml_dtypes and Keras's own arithmetic."""

import numpy as np
import pytest

import bmlearn as bm
from bmlearn.numerics import eps, matmul_error_bound, unit_roundoff


def test_eps_matches_numpy_and_ml_dtypes():
    import ml_dtypes

    assert eps("float16") == float(np.finfo(np.float16).eps)
    assert eps("float32") == float(np.finfo(np.float32).eps)
    assert eps(np.float64) == float(np.finfo(np.float64).eps)
    assert eps("bfloat16") == float(ml_dtypes.finfo(ml_dtypes.bfloat16).eps)
    assert eps("tf32") == eps("float16")            # 10 stored mantissa bits, like float16
    assert unit_roundoff("float32") == eps("float32") / 2


def test_unit_roundoff_bounds_rounding(rng):
    import ml_dtypes

    x = rng.normal(size=10_000) * 10.0 ** rng.uniform(-2, 2, size=10_000)  # normal numbers
    x = x[np.abs(x) > 1e-3]
    for dtype, np_dtype in (("float16", np.float16), ("bfloat16", ml_dtypes.bfloat16),
                            ("float32", np.float32)):
        rel = np.abs(x.astype(np_dtype).astype(np.float64) - x) / np.abs(x)
        assert rel.max() <= unit_roundoff(dtype)
        assert rel.max() > 0.5 * unit_roundoff(dtype)   # and the bound is nearly reached


def test_bad_dtype():
    with pytest.raises(ValueError, match="dtype must be one of .* but received 'int8'"):
        eps("int8")


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16", "mixed_float16"])
@pytest.mark.parametrize("n_in", [3, 64, 784])
def test_keras_dense_stays_within_the_bound(tf, policy, n_in, rng):
    import keras

    env = bm.setup(seed=0, mixed_precision=policy, verbose=False)
    try:
        x = rng.normal(size=(128, n_in))
        w = rng.normal(size=(n_in, 10)) / np.sqrt(n_in)
        b = rng.normal(size=10)
        layer = keras.layers.Dense(10)
        layer.build((None, n_in))
        layer.set_weights([w, b])
        got = np.asarray(layer(x.astype("float32")), dtype=np.float64)
        gap = np.abs(got - (x @ w + b))
        bound = matmul_error_bound(x, w, env.matmul_dtype, bias=b)
        assert np.all(gap <= bound)
        # Not vacuous: the bound is within a factor 40 of the largest gap for small n.
        if n_in == 3 and policy != "float32":
            assert gap.max() > bound.max() / 40
    finally:
        bm.setup(seed=0, mixed_precision=False, verbose=False)


def test_bound_is_not_met_by_a_wrong_dtype(rng):
    # A bfloat16 product does not fit a float32 bound: the check can fail.
    import ml_dtypes

    x, w = rng.normal(size=(64, 32)), rng.normal(size=(32, 8))
    low = (x.astype(ml_dtypes.bfloat16).astype(np.float32)
           @ w.astype(ml_dtypes.bfloat16).astype(np.float32))
    assert np.any(np.abs(low - x @ w) > matmul_error_bound(x, w, "float32"))
    assert np.all(np.abs(low - x @ w) <= matmul_error_bound(x, w, "bfloat16"))


def test_shapes_and_values_are_checked():
    with pytest.raises(ValueError, match="x's last axis must match w's first"):
        matmul_error_bound(np.ones((2, 3)), np.ones((4, 1)), "float32")
    with pytest.raises(ValueError, match="finite"):
        matmul_error_bound(np.array([[np.nan]]), np.ones((1, 1)), "float32")
    with pytest.raises(ValueError, match="inner dimension"):
        matmul_error_bound(np.ones((1, 300)), np.ones((300, 1)), "bfloat16", accumulate="bfloat16")
    with pytest.raises(ValueError, match="bias must have one entry per column"):
        matmul_error_bound(np.ones((1, 2)), np.ones((2, 3)), "float32", bias=np.ones(2))
