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


# --- best_line -------------------------------------------------------------------------------

import itertools  # noqa: E402

from bmlearn.baselines import best_line  # noqa: E402


def _brute_force_best(x, y):
    """Best accuracy over lines through pairs of points (general position), and constants."""
    best = max(np.sum(y == 1), np.sum(y == 0))
    for i, j in itertools.combinations(range(len(y)), 2):
        d = x[j] - x[i]
        score = (x - x[i]) @ np.array([-d[1], d[0]])
        on = np.zeros(len(y), bool)
        on[[i, j]] = True
        for left in (0, 1):
            pred = np.where(score > 0, left, 1 - left)
            # the two points on the line can be put on their correct sides by a tiny move
            best = max(best, np.sum((pred == y) & ~on) + 2)
    return best


def test_best_line_on_xor_corners_gets_three_of_four():
    x = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    line = best_line(x, [0, 0, 1, 1])
    assert line.correct == 3 and line.accuracy == 0.75
    assert np.sum(line.predict(x) == [0, 0, 1, 1]) == 3


def test_best_line_separates_separable_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 2))
    y = (x @ [1.0, -2.0] + 0.3 > 0).astype(int)
    line = best_line(x, y)
    assert line.accuracy == 1.0
    assert np.array_equal(line.predict(x), y)


def test_best_line_matches_brute_force_in_general_position():
    rng = np.random.default_rng(1)
    for _ in range(60):
        n = int(rng.integers(2, 10))
        x, y = rng.normal(size=(n, 2)), rng.integers(0, 2, size=n)
        assert best_line(x, y).correct == _brute_force_best(x, y)


def test_no_line_beats_best_line_even_with_repeated_and_collinear_points():
    rng = np.random.default_rng(2)
    for _ in range(40):
        n = int(rng.integers(1, 12))
        x = rng.integers(0, 3, size=(n, 2)).astype(float)      # repeats and collinear points
        y = rng.integers(0, 2, size=n)
        line = best_line(x, y)
        assert np.sum(line.predict(x) == y) == line.correct     # the line reaches its accuracy
        w, b = rng.normal(size=(5000, 2)), rng.normal(size=5000) * 2
        pred = (x @ w.T + b > 0).astype(int)
        assert (pred == y[:, None]).sum(axis=0).max() <= line.correct


def test_best_line_bounds_logistic_regression():
    from bmlearn.data import make_xor

    x, y = make_xor(200, seed=3)
    line = best_line(x, y)
    assert logistic_regression(x, y).score(x, y) <= line.accuracy < 0.9


def test_best_line_validates():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        best_line(np.zeros((3, 3)), [0, 1, 0])
    with pytest.raises(ValueError, match="only the labels 0 and 1"):
        best_line(np.zeros((3, 2)), [0, 1, 2])
    with pytest.raises(ValueError, match="same number of samples"):
        best_line(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="finite"):
        best_line(np.array([[np.nan, 0.0]]), [1])
    assert best_line(np.array([[0.5, 0.5]]), [1]).accuracy == 1.0
