"""The course's data sets: offline, with fixed seeds. One module per source or generator.

Nothing here downloads anything. Each loader either reads data that ships with
an installed package or generates it by a documented process with a fixed seed:

- :mod:`~bmlearn.data.digits`: :func:`load_digits`, scikit-learn's 8×8 handwritten digits;
- :mod:`~bmlearn.data.breast_cancer`: :func:`load_breast_cancer` and
  :func:`load_breast_cancer_frame`, scikit-learn's Wisconsin breast-cancer table;
- :mod:`~bmlearn.data.imbalanced`: :func:`make_imbalanced`, a binary problem with rare positives;
- :mod:`~bmlearn.data.xor`: :func:`make_xor`, noisy points around the corners of a square;
- :mod:`~bmlearn.data.noise`: :func:`make_noise_classification`, labels unrelated to the features;
- :mod:`~bmlearn.data.splits`: :class:`Split`, :class:`Splits` and :func:`split_three_ways`.

What each returns, by one rule: a function returns :class:`Splits` (training,
validation and test sets, class names and the data's source) when it fixes the
course's split for the lessons that train and report on the data: every
``load_*``, and :func:`make_imbalanced`, whose rare positives must be
stratified across the three sets. It returns one :class:`Split` (``x, y``) when
it makes a single set of samples that a lesson draws again with another seed
(:func:`make_xor`: a training and a test set) or splits its own way
(:func:`make_noise_classification`: a fresh data set per seed, split inside
the leakage experiment). ``load_breast_cancer_frame`` returns the raw table.
"""

from bmlearn.data.breast_cancer import load_breast_cancer, load_breast_cancer_frame
from bmlearn.data.digits import load_digits
from bmlearn.data.imbalanced import make_imbalanced
from bmlearn.data.noise import make_noise_classification
from bmlearn.data.splits import Split, Splits, split_three_ways
from bmlearn.data.xor import make_xor

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
