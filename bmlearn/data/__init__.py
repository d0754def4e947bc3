"""The course's data sets: offline, with fixed seeds.

Nothing here downloads anything. Each loader either reads data that ships with
an installed package (scikit-learn's digits) or generates it by a documented
process with a fixed seed (:func:`make_xor`).
"""

from bmlearn.data.digits import load_digits
from bmlearn.data.splits import Split, Splits, split_three_ways
from bmlearn.data.synthetic import make_xor

__all__ = ["Split", "Splits", "load_digits", "make_xor", "split_three_ways"]
