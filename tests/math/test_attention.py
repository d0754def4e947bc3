import numpy as np
import pytest

import bmlearn.math as bmm



def _loop_attention(Q, K, V, mask=None):
    """Attention for one sequence, written as loops straight from the formula."""
    n_q, d_k = Q.shape
    out = np.zeros((n_q, V.shape[1]))
    weights = np.zeros((n_q, K.shape[0]))
    for i in range(n_q):
        scores = np.array([Q[i] @ K[j] / np.sqrt(d_k) for j in range(K.shape[0])])
        allowed = np.ones(K.shape[0], bool) if mask is None else mask[i]
        e = np.where(allowed, np.exp(scores - scores[allowed].max()), 0.0)
        weights[i] = e / e.sum()
        out[i] = weights[i] @ V
    return out, weights


# ----- scaled dot-product attention --------------------------------------------------


def test_three_tokens_by_hand(rng):
    Q, K, V = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    out, w = bmm.attention(Q, K, V)
    ref_out, ref_w = _loop_attention(Q, K, V)
    np.testing.assert_allclose(w, ref_w, rtol=1e-12)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0)


def test_masked_weights_are_exactly_zero_and_rows_still_sum_to_one(rng):
    Q, K, V = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    mask = bmm.causal_mask(4)
    out, w = bmm.attention(Q, K, V, mask=mask)
    assert np.all(w[~mask] == 0.0)
    np.testing.assert_allclose(w.sum(axis=-1), 1.0)
    ref_out, ref_w = _loop_attention(Q, K, V, mask)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12)
    # 0/1 integers mean the same as booleans
    np.testing.assert_array_equal(bmm.attention(Q, K, V, mask=mask.astype(int))[1], w)


def test_causal_output_does_not_depend_on_later_tokens(rng):
    x = rng.normal(size=(6, 4))
    y = x.copy()
    y[4:] = rng.normal(size=(2, 4))  # change the last two tokens
    out_x, _ = bmm.attention(x, x, x, mask=bmm.causal_mask(6))
    out_y, _ = bmm.attention(y, y, y, mask=bmm.causal_mask(6))
    np.testing.assert_allclose(out_x[:4], out_y[:4], rtol=1e-12)
    assert not np.allclose(out_x[4:], out_y[4:])


def test_batch_and_head_axes_are_carried_along(rng):
    Q, K, V = rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(2, 3, 6, 4)), rng.normal(size=(2, 3, 6, 2))
    out, w = bmm.attention(Q, K, V)
    assert out.shape == (2, 3, 5, 2) and w.shape == (2, 3, 5, 6)
    np.testing.assert_allclose(out[1, 2], bmm.attention(Q[1, 2], K[1, 2], V[1, 2])[0])


def test_scaling_by_sqrt_dk_keeps_the_score_spread_constant(rng):
    # With unit-variance entries, q·k has variance d_k; divided by sqrt(d_k) it has variance 1.
    for d_k in (4, 64, 1024):
        q, k = rng.normal(size=(2000, d_k)), rng.normal(size=(2000, d_k))
        scaled = np.sum(q * k, axis=1) / np.sqrt(d_k)
        assert 0.85 < scaled.std() < 1.15


def _keras_dot_product_attention(keras, q, k, v, causal):
    """Keras's scaled dot-product attention on (B, T, H, D) arrays.

    ``keras.ops.dot_product_attention`` where this Keras has it (newer 3.x);
    on older Keras 3, ``keras.layers.Attention`` head by head, with the query
    scaled by 1/sqrt(D) (that layer applies no scaling of its own).
    """
    if hasattr(keras.ops, "dot_product_attention"):
        return keras.ops.convert_to_numpy(keras.ops.dot_product_attention(q, k, v, is_causal=causal))
    layer = keras.layers.Attention(dtype="float64")
    scale = 1.0 / np.sqrt(q.shape[-1])
    heads = [
        keras.ops.convert_to_numpy(
            layer([q[:, :, h] * scale, v[:, :, h], k[:, :, h]], use_causal_mask=causal))
        for h in range(q.shape[2])
    ]
    return np.stack(heads, axis=2)


def test_attention_matches_keras_dot_product_attention(keras, rng, deviation):
    B, T, S, H, D = 2, 5, 5, 3, 4
    q, k, v = rng.normal(size=(B, T, H, D)), rng.normal(size=(B, S, H, D)), rng.normal(size=(B, S, H, D))
    to_heads_first = lambda a: np.transpose(a, (0, 2, 1, 3))  # Keras: (B, T, H, D); ours: (B, H, T, D)
    for causal in (False, True):
        ref = _keras_dot_product_attention(keras, q, k, v, causal)
        mask = bmm.causal_mask(T) if causal else None
        out, _ = bmm.attention(to_heads_first(q), to_heads_first(k), to_heads_first(v), mask=mask)
        assert deviation("attention", to_heads_first(out), ref) < 1e-6


def test_attention_is_keras_mha_with_identity_projections(keras, rng, deviation):
    d, T = 4, 3
    x = rng.normal(size=(1, T, d))
    layer = keras.layers.MultiHeadAttention(num_heads=1, key_dim=d, dtype="float64")
    layer(x, x)
    eye = np.eye(d)
    layer.set_weights([eye[:, None, :], np.zeros((1, d))] * 3 + [eye[None], np.zeros(d)])
    for causal in (False, True):
        ref_out, ref_w = layer(x, x, return_attention_scores=True, use_causal_mask=causal)
        out, w = bmm.attention(x[0], x[0], x[0], mask=bmm.causal_mask(T) if causal else None)
        assert deviation("attention", out, np.asarray(ref_out)[0]) < 1e-6
        assert deviation("attention", w, np.asarray(ref_w)[0, 0]) < 1e-6


# ----- multi-head attention against Keras ----------------------------------------------


def _keras_mha(keras, rng, query, value, *, num_heads, key_dim, value_dim=None, use_bias=True,
               output_shape=None):
    layer = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, value_dim=value_dim,
                                            use_bias=use_bias, output_shape=output_shape,
                                            dtype="float64")
    layer(query, value)  # build
    # Random weights everywhere, biases included (a fresh layer has zero biases).
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    return layer


def test_remaining_difference_is_keras_rounding_1_over_sqrt_dk_to_float32(keras, rng, deviation):
    # Keras scales the queries by ops.cast(1 / sqrt(key_dim), dtype): the Python float goes
    # through float32 first, even in a float64 layer. For key_dim = 4 the scale 0.5 is exact in
    # float32 and the two agree to float64 rounding; for key_dim = 3 they differ by about 1e-8.
    x = rng.normal(size=(2, 5, 8))
    diffs = {}
    for key_dim in (3, 4):
        layer = _keras_mha(keras, rng, x, x, num_heads=2, key_dim=key_dim)
        mha = bmm.MultiHeadAttention.from_keras_weights(layer.get_weights())
        _, ref_w = layer(x, x, return_attention_scores=True)
        diffs[key_dim] = deviation("multi-head attention", mha(x)[1], np.asarray(ref_w))
    assert diffs[4] < 1e-13 < diffs[3] < 1e-6


@pytest.mark.parametrize("causal", [False, True], ids=["no-mask", "causal"])
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no-bias"])
def test_self_attention_matches_keras(keras, rng, deviation, causal, use_bias):
    x = rng.normal(size=(2, 5, 8))
    layer = _keras_mha(keras, rng, x, x, num_heads=2, key_dim=3, use_bias=use_bias)
    mha = bmm.MultiHeadAttention.from_keras_weights(layer.get_weights())
    out, w = mha(x, use_causal_mask=causal)
    ref_out, ref_w = layer(x, x, return_attention_scores=True, use_causal_mask=causal)
    assert deviation("multi-head attention", out, np.asarray(ref_out)) < 1e-6
    assert deviation("multi-head attention", w, np.asarray(ref_w)) < 1e-6
    # Keras's fast path (no scores returned; a fused causal kernel) gives the same output.
    fast = layer(x, x, use_causal_mask=causal)
    assert deviation("multi-head attention", out, np.asarray(fast)) < 1e-6
    if causal:
        assert np.all(w[..., ~bmm.causal_mask(5)] == 0.0)


def test_cross_attention_with_a_padding_mask_matches_keras(keras, rng, deviation):
    B, T, S = 2, 4, 6
    query, value = rng.normal(size=(B, T, 5)), rng.normal(size=(B, S, 7))
    key = rng.normal(size=(B, S, 3))
    layer = keras.layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=9,
                                            dtype="float64")
    layer(query, value, key)
    layer.set_weights([rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()])
    mask = np.ones((B, T, S), dtype=bool)
    mask[0, :, 4:] = False  # sequence 0 has only 4 real key positions (padding)
    mask[1, 2, :3] = False
    mha = bmm.MultiHeadAttention.from_keras_weights(layer.get_weights())
    out, w = mha(query, value, key, mask=mask)
    ref_out, ref_w = layer(query, value, key, attention_mask=mask, return_attention_scores=True)
    assert out.shape == (B, T, 9)
    assert deviation("multi-head attention", out, np.asarray(ref_out)) < 1e-6
    assert deviation("multi-head attention", w, np.asarray(ref_w)) < 1e-6
    fast = layer(query, value, key, attention_mask=mask)
    assert deviation("multi-head attention", out, np.asarray(fast)) < 1e-6
    assert np.all(w[0, :, :, 4:] == 0.0)


def test_mask_and_causal_mask_combine_like_keras(keras, rng, deviation):
    x = rng.normal(size=(1, 5, 4))
    layer = _keras_mha(keras, rng, x, x, num_heads=2, key_dim=2)
    mha = bmm.MultiHeadAttention.from_keras_weights(layer.get_weights())
    mask = np.ones((1, 5, 5), dtype=int)
    mask[0, 3:, 0] = 0  # later positions may not see the first token
    out, w = mha(x, mask=mask, use_causal_mask=True)
    ref_out, ref_w = layer(x, x, attention_mask=mask, use_causal_mask=True, return_attention_scores=True)
    assert deviation("multi-head attention", out, np.asarray(ref_out)) < 1e-6
    assert deviation("multi-head attention", w, np.asarray(ref_w)) < 1e-6


def test_weights_round_trip_into_keras(keras, rng, deviation):
    mha = bmm.MultiHeadAttention.random(d_model=6, num_heads=3, key_dim=2, seed=1)
    x = rng.normal(size=(1, 4, 6))
    layer = keras.layers.MultiHeadAttention(num_heads=3, key_dim=2, dtype="float64")
    layer(x, x)
    layer.set_weights(mha.get_weights())
    assert deviation("multi-head attention", mha(x)[0], np.asarray(layer(x, x))) < 1e-6


def test_unbatched_input_equals_a_batch_of_one(rng):
    mha = bmm.MultiHeadAttention.random(d_model=4, num_heads=2, key_dim=3, seed=0)
    x = rng.normal(size=(5, 4))
    out, w = mha(x, use_causal_mask=True)
    out_b, w_b = mha(x[None], use_causal_mask=True)
    assert out.shape == (5, 4) and w.shape == (2, 5, 5)
    np.testing.assert_allclose(out, out_b[0])
    np.testing.assert_allclose(w, w_b[0])


def test_heads_are_independent_attentions(rng):
    mha = bmm.MultiHeadAttention.random(d_model=4, num_heads=2, key_dim=3, value_dim=2, seed=0)
    x = rng.normal(size=(5, 4))
    out, w = mha(x)
    total = mha.b_o.copy()
    for h in range(2):
        q = x @ mha.W_q[:, h] + mha.b_q[h]
        k = x @ mha.W_k[:, h] + mha.b_k[h]
        v = x @ mha.W_v[:, h] + mha.b_v[h]
        o, w_h = bmm.attention(q, k, v)
        np.testing.assert_allclose(w[h], w_h)
        total = total + o @ mha.W_o[h]
    np.testing.assert_allclose(out, total)


# ----- masks and positional encoding ------------------------------------------------------


def test_causal_mask():
    m = bmm.causal_mask(4)
    assert m.dtype == bool and m.shape == (4, 4)
    np.testing.assert_array_equal(m, np.tril(np.ones((4, 4))) == 1)
    assert bmm.causal_mask(1).tolist() == [[True]]


def test_positional_encoding_follows_the_paper_formula():
    length, depth = 7, 6
    pe = bmm.positional_encoding(length, depth)
    assert pe.shape == (length, depth)
    for pos in range(length):
        for i in range(depth // 2):
            angle = pos / 10000 ** (2 * i / depth)
            assert pe[pos, 2 * i] == pytest.approx(np.sin(angle), abs=1e-15)
            assert pe[pos, 2 * i + 1] == pytest.approx(np.cos(angle), abs=1e-15)
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1, 0, 1])
    assert bmm.positional_encoding(3, 5).shape == (3, 5)  # an odd depth ends with a sine
    np.testing.assert_allclose(bmm.positional_encoding(3, 5)[:, 4], np.sin(np.arange(3) / 10000 ** (4 / 5)))


def test_positional_encoding_offset_is_a_rotation():
    # PE[pos + k] is a fixed linear map (one 2x2 rotation per frequency) of PE[pos]:
    # the property Vaswani et al. chose it for. So dot products depend only on the offset.
    depth, k = 16, 3
    pe = bmm.positional_encoding(50, depth)
    freqs = 1 / 10000 ** (2 * np.arange(depth // 2) / depth)
    R = np.zeros((depth, depth))
    for i, f in enumerate(freqs):
        c, s = np.cos(k * f), np.sin(k * f)
        R[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, -s], [s, c]]  # (sin, cos) rows rotate
    np.testing.assert_allclose(pe[:-k] @ R, pe[k:], atol=1e-12)
    dots = np.array([pe[p] @ pe[p + k] for p in range(40)])
    np.testing.assert_allclose(dots, dots[0], atol=1e-12)


# ----- bad input ----------------------------------------------------------------------------


def test_attention_bad_inputs():
    Q, K, V = np.ones((3, 4)), np.ones((3, 4)), np.ones((3, 2))
    with pytest.raises(ValueError, match=r"same size d_k.*Q.shape=\(3, 4\) and K.shape=\(3, 5\)"):
        bmm.attention(Q, np.ones((3, 5)), V)
    with pytest.raises(ValueError, match=r"same number of positions.*K.shape=\(3, 4\) and V.shape=\(2, 2\)"):
        bmm.attention(Q, K, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"mask must broadcast to .*\(3, 3\).*\(2, 2\)"):
        bmm.attention(Q, K, V, mask=np.ones((2, 2), bool))
    with pytest.raises(ValueError, match="True/False or 1/0"):
        bmm.attention(Q, K, V, mask=np.full((3, 3), 0.5))
    with pytest.raises(ValueError, match=r"at least one key.*index \(1,\)"):
        bmm.attention(Q, K, V, mask=[[1, 0, 0], [0, 0, 0], [1, 1, 1]])
    with pytest.raises(ValueError, match="empty"):
        bmm.attention(Q, K, V, mask=np.ones((0,), bool))
    with pytest.raises(ValueError, match="finite"):
        bmm.attention(np.full((3, 4), np.nan), K, V)
    with pytest.raises(ValueError, match="at least 2 dimension"):
        bmm.attention(np.ones(4), K, V)
    with pytest.raises(ValueError, match="do not broadcast"):
        bmm.attention(np.ones((2, 3, 4)), np.ones((3, 3, 4)), np.ones((3, 3, 2)))


def test_mha_bad_inputs():
    good = bmm.MultiHeadAttention.random(4, 2, 3).get_weights()
    with pytest.raises(ValueError, match="8 arrays.*received 3 arrays"):
        bmm.MultiHeadAttention(good[:3])
    bad = list(good)
    bad[3] = np.zeros((2, 4))
    with pytest.raises(ValueError, match=r"b_k must have shape \(2, 3\), but received \(2, 4\)"):
        bmm.MultiHeadAttention(bad)
    bad = list(good)
    bad[0] = np.zeros((4, 6))
    with pytest.raises(ValueError, match="W_q must have 3 dimensions"):
        bmm.MultiHeadAttention(bad)
    mha = bmm.MultiHeadAttention(good)
    with pytest.raises(ValueError, match=r"query must have 4 features.*received shape \(5, 3\)"):
        mha(np.ones((5, 3)))
    with pytest.raises(ValueError, match="use_causal_mask needs as many queries as keys"):
        mha(np.ones((5, 4)), np.ones((6, 4)), use_causal_mask=True)
    with pytest.raises(ValueError, match="True/False or 1/0"):
        mha(np.ones((5, 4)), mask=np.full((5, 5), 2))
    with pytest.raises(ValueError, match="2 or 3 dimension"):
        mha(np.ones(4))
    with pytest.raises(ValueError, match="num_heads must be a positive integer"):
        bmm.MultiHeadAttention.random(4, 0, 3)


def test_positional_encoding_and_causal_mask_bad_inputs():
    with pytest.raises(ValueError, match="length must be a positive integer"):
        bmm.positional_encoding(0, 4)
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        bmm.positional_encoding(4, 2.5)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        bmm.causal_mask(-1)
