import numpy as np
import pytest

from bmlearn.tuning import tuner_results

pytestmark = pytest.mark.filterwarnings(  # KerasTuner 1.4.8 calls threading.currentThread()
    "ignore:currentThread:DeprecationWarning", "ignore:getName:DeprecationWarning")


def _search(tmp_path, objective):
    import keras
    import keras_tuner

    def build(hp):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((2,)),
                                  keras.layers.Dense(hp.Choice("units", [1, 4])),
                                  keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(hp.Choice("lr", [0.0, 0.1])), loss="mse")
        return model

    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2)).astype("float32")
    y = x @ np.array([[1.0], [-1.0]], dtype="float32")
    tuner = keras_tuner.GridSearch(build, objective=objective, directory=str(tmp_path),
                                   project_name="t", seed=0)
    tuner.search(x, y, epochs=3, verbose=0)
    return tuner


def test_table_has_every_trial_sorted_best_first(tmp_path):
    tuner = _search(tmp_path, "loss")
    table = tuner_results(tuner)
    assert len(table) == 4 and list(table.columns) == ["units", "lr", "score"]
    assert sorted(zip(table["units"], table["lr"])) == [(1, 0.0), (1, 0.1), (4, 0.0), (4, 0.1)]
    assert list(table["score"]) == sorted(table["score"])  # loss: lower is better
    best = tuner.oracle.get_best_trials(1)[0]
    assert table.index[0] == best.trial_id and table["score"].iloc[0] == best.score
    for trial_id, row in table.iterrows():
        assert row["score"] == tuner.oracle.trials[trial_id].score


def test_maximised_objective_sorts_descending(tmp_path):
    import keras_tuner

    tuner = _search(tmp_path, keras_tuner.Objective("loss", direction="max"))
    scores = list(tuner_results(tuner)["score"])
    assert scores == sorted(scores, reverse=True)


def test_bad_input(tmp_path):
    import keras_tuner

    with pytest.raises(ValueError, match="must be a KerasTuner tuner"):
        tuner_results(object())
    tuner = keras_tuner.RandomSearch(lambda hp: None, objective="loss", max_trials=1,
                                     directory=str(tmp_path), project_name="empty")
    with pytest.raises(ValueError, match="no finished trial"):
        tuner_results(tuner)
