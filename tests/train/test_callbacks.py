import numpy as np
import pytest

import bmlearn as bm
from bmlearn.train import InterruptTraining, ReseedEachEpoch, ThroughputMeter, TrainingInterrupted


def _keras():
    import keras

    return keras


class _CountBatches:
    """A callback that counts finished training batches."""

    def __new__(cls):
        keras = _keras()

        class Counter(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.batches = 0

            def on_train_batch_end(self, batch, logs=None):
                self.batches += 1

        return Counter()


def _tiny_model(dropout=0.0, seed=0):
    keras = _keras()
    keras.utils.set_random_seed(seed)
    layers = [keras.Input((4,)), keras.layers.Dense(8, activation="relu")]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(1))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    return model


def _data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x @ np.array([1.0, -2.0, 0.5, 0.0]))[:, None].astype(np.float32)


@pytest.mark.parametrize("epoch, batch", [(0, 0), (1, 3), (2, 4)])
def test_interrupt_stops_exactly_before_the_chosen_batch(epoch, batch):
    x, y = _data(40)  # batch size 8: 5 batches per epoch
    counter = _CountBatches()
    stop = InterruptTraining(epoch=epoch, batch=batch)
    with pytest.raises(TrainingInterrupted, match=f"before batch {batch} of epoch {epoch}"):
        _tiny_model().fit(x, y, epochs=4, batch_size=8, verbose=0, callbacks=[counter, stop])
    assert counter.batches == epoch * 5 + batch
    assert stop.fired


def test_interrupt_beyond_the_run_does_nothing():
    x, y = _data(16)
    stop = InterruptTraining(epoch=5)
    _tiny_model().fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[stop])
    assert not stop.fired


def _resume_max_difference(tmp_path, *, dropout, reseed):
    keras = _keras()
    x, y = _data(40)
    extra = [ReseedEachEpoch()] if reseed else []
    straight = _tiny_model(dropout)
    straight.fit(x, y, epochs=4, batch_size=8, verbose=0, callbacks=list(extra))
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    interrupted = _tiny_model(dropout)
    with pytest.raises(TrainingInterrupted):
        interrupted.fit(x, y, epochs=4, batch_size=8, verbose=0,
                        callbacks=[backup, InterruptTraining(epoch=2, batch=2), *extra])
    resumed = _tiny_model(dropout)
    history = resumed.fit(x, y, epochs=4, batch_size=8, verbose=0,
                          callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "backup")),
                                     *extra])
    assert len(history.history["loss"]) == 2  # epochs 2 and 3 only
    return max(float(np.abs(a - b).max())
               for a, b in zip(straight.get_weights(), resumed.get_weights()))


@pytest.fixture
def deterministic(tf):
    """Deterministic ops for one test, as bm.setup() turns them on without a GPU."""
    from tensorflow.python.framework import config

    was = config.is_op_determinism_enabled()
    tf.config.experimental.enable_op_determinism()
    yield
    if not was:
        config.disable_op_determinism()


def test_resumed_run_equals_the_uninterrupted_one(tmp_path, deterministic):
    assert _resume_max_difference(tmp_path, dropout=0.0, reseed=False) == 0.0


def test_dropout_breaks_resumption_and_reseeding_repairs_it(tmp_path, deterministic):
    assert _resume_max_difference(tmp_path / "a", dropout=0.5, reseed=False) > 1e-4
    assert _resume_max_difference(tmp_path / "b", dropout=0.5, reseed=True) == 0.0


def test_reseed_sets_the_counter_from_the_epoch():
    keras = _keras()
    model = _tiny_model(dropout=0.5)
    seen = []
    probe = keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(
        [int(v.numpy()[1]) for v in model.variables if "seed_generator" in v.path][0]))
    x, y = _data(16)
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[ReseedEachEpoch(), probe])
    assert seen == [0, 2**20, 2 * 2**20]


def test_throughput_meter_counts_and_times():
    x, y = _data(64)
    meter = ThroughputMeter(batch_size=8, warmup_steps=3)
    _tiny_model().fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[meter])
    assert meter.steps_timed == 16 - 3
    assert meter.seconds > 0
    assert meter.samples_per_second == pytest.approx(13 * 8 / meter.seconds)


def test_throughput_meter_before_and_without_timed_steps():
    meter = ThroughputMeter(batch_size=8, warmup_steps=100)
    assert meter.seconds == 0.0 and meter.samples_per_second == 0.0
    x, y = _data(16)
    _tiny_model().fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[meter])
    assert meter.steps_timed == 0 and meter.samples_per_second == 0.0


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: InterruptTraining(epoch=-1), "epoch must be a non-negative integer"),
        (lambda: InterruptTraining(epoch=1, batch=1.5), "batch must be a non-negative integer"),
        (lambda: ThroughputMeter(batch_size=0), "batch_size must be a positive integer"),
        (lambda: ThroughputMeter(batch_size=8, warmup_steps=-2), "warmup_steps must be"),
    ],
)
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bm_train_is_reachable_from_the_package():
    assert bm.train.InterruptTraining is InterruptTraining
    assert "train" in bm.__all__


def _resume_with_pipeline(tmp_path, *, per_epoch_order):
    keras = _keras()
    x, y = _data(40)

    def run(callbacks, backup=None):
        model = _tiny_model(dropout=0.5)
        reseed = ReseedEachEpoch()
        ds = bm.train.make_dataset(x, y, 8, shuffle=True, seed=1,
                                   epoch=reseed.epoch if per_epoch_order else None)
        extra = [keras.callbacks.BackupAndRestore(str(backup))] if backup else []
        model.fit(ds, epochs=4, verbose=0, shuffle=False, callbacks=[*extra, reseed, *callbacks])
        return model

    straight = run([])
    with pytest.raises(TrainingInterrupted):
        run([InterruptTraining(epoch=2, batch=1)], backup=tmp_path / "b")
    resumed = run([], backup=tmp_path / "b")
    return max(float(np.abs(a - b).max())
               for a, b in zip(straight.get_weights(), resumed.get_weights()))


def test_per_epoch_order_makes_a_shuffled_pipeline_resumable(tmp_path, deterministic):
    assert _resume_with_pipeline(tmp_path / "a", per_epoch_order=False) > 1e-4
    assert _resume_with_pipeline(tmp_path / "b", per_epoch_order=True) == 0.0
