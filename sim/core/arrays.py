"""Small array helpers of the core, where numpy's general routine is slow for the model's sizes.

``np.unique`` of integers (without counts) hashes its input (numpy 2.3 on), which costs up to ten times a sort for
the few hundred to few thousand household indices a week's events touch; ``distinct`` returns exactly what it
returns (the sorted distinct values) by sorting. ``stable_order`` is a stable argsort of integers by numpy's
faster default sort.
"""

from __future__ import annotations

import numpy as np


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Boolean mask of the first of each run of equal values in a sorted array."""
    first = np.empty(ordered.size, dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a one-dimensional array (``np.unique(values)``)."""
    ordered = np.sort(values)
    return ordered[_firsts(ordered)]


def stable_order(values: np.ndarray) -> np.ndarray:
    """The permutation that sorts integers stably (``np.argsort(values, kind="stable")``): the position breaks
    ties inside one int64 key, which numpy's default sort orders about three times as fast as its stable sort of
    the values alone. Values and length must stay below 2**31."""
    key = values.astype(np.int64) * values.size + np.arange(values.size)
    return np.argsort(key)
