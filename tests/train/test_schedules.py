import math
import pathlib

import numpy as np
import pytest

import bmlearn  # noqa: F401
from bmlearn.train import WarmupCosine


def closed_form(step, peak, total, warmup, final):
    if step < warmup:
        return peak * step / warmup
    progress = min((step - warmup) / (total - warmup), 1.0)
    return final + (peak - final) * 0.5 * (1 + math.cos(math.pi * progress))


@pytest.mark.parametrize("peak, total, warmup, final",
                         [(1e-3, 100, 10, 0.0), (0.5, 37, 0, 0.05), (2e-3, 1000, 999, 1e-4)])
def test_schedule_matches_the_closed_form(peak, total, warmup, final):
    schedule = WarmupCosine(peak, total_steps=total, warmup_steps=warmup,
                            final_learning_rate=final)
    for step in sorted({0, 1, warmup // 2, max(warmup - 1, 0), warmup, warmup + 1,
                        (warmup + total) // 2, total - 1, total, total + 1, 5 * total}):
        expected = closed_form(step, peak, total, warmup, final)
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-5, abs=1e-9), step


def test_schedule_matches_keras_cosine_decay_with_warmup():
    import keras

    peak, total, warmup, final = 3e-3, 500, 50, 3e-4
    ours = WarmupCosine(peak, total, warmup, final)
    theirs = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=total - warmup, alpha=final / peak,
        warmup_target=peak, warmup_steps=warmup)
    steps = np.arange(0, 600, 7)
    np.testing.assert_allclose([float(ours(s)) for s in steps],
                               [float(theirs(s)) for s in steps], rtol=1e-5, atol=1e-10)


def test_peak_and_shape():
    schedule = WarmupCosine(1.0, total_steps=20, warmup_steps=5)
    rates = np.array([float(schedule(s)) for s in range(25)])
    assert rates.argmax() == 5 and rates.max() == pytest.approx(1.0)
    assert np.all(np.diff(rates[:6]) > 0) and np.all(np.diff(rates[5:21]) < 0)
    assert rates[20:] == pytest.approx(0.0, abs=1e-7)


def test_optimizer_uses_the_schedule():
    import keras

    schedule = WarmupCosine(0.1, total_steps=10, warmup_steps=4)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    seen = []
    model.fit(np.zeros((6, 1)), np.zeros(6), batch_size=1, epochs=1, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(
                  on_train_batch_begin=lambda b, logs: seen.append(
                      float(model.optimizer.learning_rate)))])
    np.testing.assert_allclose(seen, [closed_form(s, 0.1, 10, 4, 0.0) for s in range(6)],
                               rtol=1e-5, atol=1e-9)


def test_config_round_trip_and_keras_serialisation():
    import keras

    schedule = WarmupCosine(2e-3, total_steps=300, warmup_steps=30, final_learning_rate=1e-5,
                            name="lr")
    config = schedule.get_config()
    assert config == {"peak_learning_rate": 2e-3, "total_steps": 300, "warmup_steps": 30,
                      "final_learning_rate": 1e-5, "name": "lr"}
    again = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(schedule))
    assert isinstance(again, WarmupCosine) and again.get_config() == config


def test_model_with_the_schedule_saves_and_loads_in_safe_mode(tmp_path: pathlib.Path):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(WarmupCosine(1e-2, 20, 5)), loss="mse")
    model.fit(np.ones((8, 2)), np.ones(8), epochs=1, batch_size=4, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    restored = loaded.optimizer.learning_rate
    assert isinstance(loaded.optimizer._learning_rate, WarmupCosine)
    assert float(restored) == pytest.approx(float(model.optimizer.learning_rate))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"peak_learning_rate": 0.0, "total_steps": 10}, "peak_learning_rate must be a finite"),
        ({"peak_learning_rate": float("nan"), "total_steps": 10}, "peak_learning_rate"),
        ({"peak_learning_rate": 1.0, "total_steps": 0}, "total_steps must be a positive"),
        ({"peak_learning_rate": 1.0, "total_steps": 10.5}, "total_steps must be a positive"),
        ({"peak_learning_rate": 1.0, "total_steps": 10, "warmup_steps": 10},
         "warmup_steps must be smaller"),
        ({"peak_learning_rate": 1.0, "total_steps": 10, "warmup_steps": -1},
         "warmup_steps must be a non-negative"),
        ({"peak_learning_rate": 1.0, "total_steps": 10, "final_learning_rate": 2.0},
         "must not exceed"),
        ({"peak_learning_rate": 1.0, "total_steps": 10, "final_learning_rate": -0.1},
         "final_learning_rate must be"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        WarmupCosine(**kwargs)


def test_passes_the_schedule_checks_every_custom_schedule_must_pass():
    from bmlearn.testing import check_schedule

    check_schedule(WarmupCosine(2e-3, total_steps=300, warmup_steps=30, final_learning_rate=1e-5),
                   steps=(0, 1, 29, 30, 31, 150, 299, 300, 500))
