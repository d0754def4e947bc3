import numpy as np
import pytest

from bmlearn.baselines import flatten, logistic_regression
from bmlearn.data import load_digits


def test_logistic_regression_on_digits_beats_chance_by_far():
    d = load_digits(shape="image")
    model = logistic_regression(*d.train)
    acc = model.score(flatten(d.test.x), d.test.y)
    assert 0.93 < acc < 0.99


def test_logistic_regression_validates():
    with pytest.raises(ValueError, match="same number of samples"):
        logistic_regression(np.zeros((4, 2)), [0, 1, 0])
    with pytest.raises(ValueError, match="finite"):
        logistic_regression(np.array([[np.nan], [1.0]]), [0, 1])


def test_flatten_shapes():
    assert flatten(np.zeros((3, 2, 2))).shape == (3, 4)
    assert flatten(np.zeros(3)).shape == (3, 1)
