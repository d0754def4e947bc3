import numpy as np
import pytest

from bmlearn.validation import (
    as_finite_array,
    check_fraction,
    check_labels,
    check_positive_int,
    check_same_length,
)


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
def test_check_fraction_rejects(bad):
    with pytest.raises(ValueError, match="must be a number in"):
        check_fraction(bad, "f")


def test_check_fraction_allow_zero():
    assert check_fraction(0, "f", allow_zero=True) == 0.0


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, None])
def test_check_positive_int_rejects(bad):
    with pytest.raises(ValueError, match="positive integer"):
        check_positive_int(bad, "n")
