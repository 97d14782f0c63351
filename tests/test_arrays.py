"""The core's array helpers return exactly what the numpy routines they stand in for return."""

import numpy as np
import pytest

from sim.core.arrays import distinct, stable_order


@pytest.mark.parametrize("size", [0, 1, 2, 7, 500, 5000])
def test_the_helpers_equal_numpys_own(size):
    rng = np.random.default_rng(size)
    for high in (3, 200_000):                       # many ties, few ties
        values = rng.integers(0, high, size).astype(np.int32)
        np.testing.assert_array_equal(distinct(values), np.unique(values))
        np.testing.assert_array_equal(stable_order(values), np.argsort(values, kind="stable"))
