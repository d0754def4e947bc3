import numpy as np
import pytest

from bmlearn.validation import as_finite_array, check_labels, check_same_length, check_scalar


def test_as_finite_array_counts_bad_values():
    with pytest.raises(ValueError, match="2 NaN and 1 infinite"):
        as_finite_array([np.nan, np.nan, np.inf, 1.0], "x")


def test_as_finite_array_rejects_strings():
    with pytest.raises(ValueError, match="array of numbers"):
        as_finite_array(["a", "b"], "x")


def test_as_finite_array_ndim_message():
    with pytest.raises(ValueError, match=r"x must have 2 dimension\(s\), but received shape \(3,\)"):
        as_finite_array([1, 2, 3], "x", ndim=2)


def test_check_labels_range_and_type():
    np.testing.assert_array_equal(check_labels([0.0, 1.0, 2.0], 3), [0, 1, 2])
    with pytest.raises(ValueError, match=r"0\.\.2, but received values from -1 to 1"):
        check_labels([-1, 0, 1], 3)
    with pytest.raises(ValueError, match="whole-number"):
        check_labels([0.5, 1.0], 3)
    with pytest.raises(ValueError, match="1 dimension"):
        check_labels([[0, 1]], 3)


def test_check_same_length():
    with pytest.raises(ValueError, match="3 and 2"):
        check_same_length(np.zeros(3), np.zeros(2))


@pytest.mark.parametrize("bad", [0, 1, -0.1, 1.5, float("nan"), True, "0.2"])
def test_open_unit_interval_rejects(bad):
    with pytest.raises(ValueError, match=r"f must be a number in \(0, 1\), but received"):
        check_scalar(bad, "f", low=0, high=1, low_open=True, high_open=True)


def test_closed_lower_end_accepts_its_bound():
    assert check_scalar(0, "f", low=0, high=1, high_open=True) == 0.0
    assert check_scalar(1, "f", low=0, high=1) == 1.0
    with pytest.raises(ValueError, match=r"must be a number in \[0, 1\), but received 1"):
        check_scalar(1, "f", low=0, high=1, high_open=True)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, None, np.float64(3.0)])
def test_positive_integer_rejects(bad):
    with pytest.raises(ValueError, match="n must be a positive integer, but received"):
        check_scalar(bad, "n", integer=True, low=1)


def test_integers_come_back_as_int_and_numpy_integers_are_accepted():
    value = check_scalar(np.int64(3), "n", integer=True, low=1)
    assert value == 3 and type(value) is int
    assert type(check_scalar(2, "x")) is float


@pytest.mark.parametrize("kwargs, words", [
    ({}, "a finite number"),
    ({"low": 0}, "a finite number >= 0"),
    ({"low": 0, "low_open": True}, "a finite number > 0"),
    ({"high": 5, "high_open": True}, "a finite number < 5"),
    ({"high": 5}, "a finite number <= 5"),
    ({"low": 0, "high": 1, "low_open": True}, "a number in (0, 1]"),
    ({"integer": True, "low": 0}, "a non-negative integer"),
    ({"integer": True, "low": 2}, "an integer >= 2"),
    ({"integer": True, "low": 1, "high": 9}, "an integer in [1, 9]"),
])
def test_one_message_form(kwargs, words):
    with pytest.raises(ValueError) as err:
        check_scalar(float("inf"), "v", **kwargs)
    assert str(err.value) == f"v must be {words}, but received inf."


def test_every_scalar_message_uses_ascii_comparisons():
    import pathlib

    import bmlearn

    for path in pathlib.Path(bmlearn.__file__).parent.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert not ("must be" in line and ("≥" in line or "≤" in line)), (
                f"{path}: write >= and <= in error messages, not ≥ and ≤: {line.strip()}")
