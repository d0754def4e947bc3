"""The course's data sets: offline, with fixed seeds.

Nothing here downloads anything. Each loader either reads data that ships with
an installed package (scikit-learn's digits and breast-cancer sets) or
generates it by a documented process with a fixed seed (:func:`make_xor`,
:func:`make_imbalanced`, :func:`make_noise_classification`).
"""

from bmlearn.data.breast_cancer import load_breast_cancer, load_breast_cancer_frame
from bmlearn.data.digits import load_digits
from bmlearn.data.splits import Split, Splits, split_three_ways
from bmlearn.data.synthetic import make_imbalanced, make_noise_classification, make_xor

__all__ = [
    "Split",
    "Splits",
    "load_breast_cancer",
    "load_breast_cancer_frame",
    "load_digits",
    "make_imbalanced",
    "make_noise_classification",
    "make_xor",
    "split_three_ways",
]
