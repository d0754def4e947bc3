"""bmlearn.train.language_model: windows, the tf.data pipeline, and the LM cross-entropy."""

import keras
import numpy as np
import pytest

from bmlearn.models import build_gpt
from bmlearn.numerics import eps
from bmlearn.train import lm_cross_entropy, next_token_dataset, next_token_windows


def test_windows_shift_by_one_and_cover_the_stream():
    ids = np.arange(1000) % 37
    x, y = next_token_windows(ids, 16)
    assert x.shape == y.shape == ((1000 - 17) // 16 + 1, 16)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    # Non-overlapping: every target position is predicted exactly once.
    starts = np.arange(0, 1000 - 16, 16)
    np.testing.assert_array_equal(y, ids[starts[:, None] + 1 + np.arange(16)])
    x2, _ = next_token_windows(ids, 16, stride=4)
    assert len(x2) == (1000 - 17) // 4 + 1


def test_dataset_holds_every_window_once_per_epoch_in_a_seeded_order():
    ids = np.arange(500)
    ds = next_token_dataset(ids, 10, batch_size=7, seed=3)
    epoch = [x.numpy() for x, _ in ds]
    firsts = np.sort(np.concatenate([b[:, 0] for b in epoch]))
    n_windows = (500 - 11) // 10 + 1
    assert len(firsts) == (n_windows // 7) * 7  # the last, smaller batch is dropped
    assert set(firsts) <= set(range(0, 500, 10))
    again = [x.numpy() for x, _ in next_token_dataset(ids, 10, batch_size=7, seed=3)]
    np.testing.assert_array_equal(np.concatenate(epoch), np.concatenate(again))
    second = [x.numpy() for x, _ in ds]  # a new order in the second epoch
    assert not np.array_equal(np.concatenate(epoch), np.concatenate(second))
    for x, y in ds.take(1):
        np.testing.assert_array_equal(x.numpy() + 1, y.numpy())


def test_cross_entropy_equals_keras_loss_on_the_same_windows():
    keras.utils.set_random_seed(0)
    model = build_gpt(vocab_size=11, seq_len=12, d_model=16, num_layers=1, num_heads=2)
    ids = np.random.default_rng(0).integers(0, 11, 400)
    ours = lm_cross_entropy(model, ids, 12, batch_size=5)
    x, y = next_token_windows(ids, 12)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    ref = float(loss(y, model(x)))
    # Keras computes in float32: a mean of float32 log-softmax terms of size ~log 11.
    assert ours == pytest.approx(ref, abs=64 * eps("float32") * np.log(11))
    assert lm_cross_entropy(model, ids, 12, max_tokens=100) == pytest.approx(
        float(loss(*[a[:8] for a in (y, model(x[:8]))])), abs=64 * eps("float32") * np.log(11))


def test_bad_input():
    with pytest.raises(ValueError, match="at least seq_len \\+ 1 = 9"):
        next_token_windows(np.arange(5), 8)
    with pytest.raises(ValueError, match="1-D array of integer"):
        next_token_windows(np.ones(20), 8)
    with pytest.raises(ValueError, match=">= 0"):
        next_token_windows(np.arange(20) - 1, 8)
    with pytest.raises(ValueError, match="at most the number of windows, 2"):
        next_token_dataset(np.arange(20), 8, batch_size=3)
    model = build_gpt(vocab_size=5, seq_len=8, d_model=8, num_layers=1, num_heads=2)
    with pytest.raises(ValueError, match="below the model's vocabulary size 5"):
        lm_cross_entropy(model, np.arange(40) % 9, 8)
