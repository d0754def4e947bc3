"""KerasTuner results as a table."""

from __future__ import annotations

__all__ = ["tuner_results"]


def tuner_results(tuner):
    """One row per finished trial of a KerasTuner search, best first.

    Args:
        tuner: a KerasTuner tuner (``RandomSearch``, ``BayesianOptimization``,
            ``Hyperband``, …) after ``search``.

    Returns:
        A pandas ``DataFrame`` indexed by trial id, with one column per
        hyperparameter and a ``score`` column (the objective), sorted from
        the best score to the worst by the objective's direction.

    Raises:
        ValueError: if ``tuner`` is not a KerasTuner tuner or no trial has
            finished.

    Example:
        >>> import keras, keras_tuner, tempfile
        >>> import numpy as np
        >>> def build(hp):
        ...     model = keras.Sequential([keras.Input((2,)),
        ...                               keras.layers.Dense(hp.Choice("units", [1, 2]))])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     return model
        >>> x = np.zeros((8, 2), "float32")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     tuner = keras_tuner.GridSearch(build, objective="loss", directory=tmp,
        ...                                    project_name="demo")
        ...     tuner.search(x, x[:, :1], epochs=1, verbose=0)
        ...     table = tuner_results(tuner)
        >>> sorted(table["units"]), list(table.columns)
        ([1, 2], ['units', 'score'])
    """
    import pandas as pd

    oracle = getattr(tuner, "oracle", None)
    if oracle is None or not hasattr(oracle, "trials"):
        raise ValueError(
            f"tuner must be a KerasTuner tuner, but received {type(tuner).__name__}."
        )
    rows = {}
    for trial_id, trial in oracle.trials.items():
        if trial.score is None:
            continue
        row = dict(trial.hyperparameters.values)
        row["score"] = float(trial.score)
        rows[trial_id] = row
    if not rows:
        raise ValueError("the tuner has no finished trial: run tuner.search(...) first.")
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "trial"
    direction = getattr(oracle.objective, "direction", "min")
    return table.sort_values("score", ascending=(direction == "min"), kind="stable")
