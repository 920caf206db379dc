"""The views' percentiles (gui.views.quantiles, which skips np.percentile's slow first call) are numpy's own."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gui.views.quantiles import median, percentiles

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@given(arrays(np.float64, st.integers(1, 400), elements=finite),
       st.lists(st.floats(0, 100), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_percentiles_are_numpys(values, qs):
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.percentile(values, qs)
    assert np.array_equal(percentiles(values, qs), expected, equal_nan=True)


@pytest.mark.parametrize("qs", [[1.0, 99.0], [0.5, 99.5], [0, 100], [50]])
def test_a_grid_of_samples(qs):
    xs = np.linspace(-2, 2, 101)
    gx, gy = np.meshgrid(xs, xs, indexing="ij")
    values = (gx * np.exp(-gx ** 2 - gy ** 2)).ravel()
    assert np.array_equal(percentiles(values, qs), np.percentile(values, qs))


@given(arrays(np.float64, st.integers(1, 400), elements=finite))
@settings(max_examples=300, deadline=None)
def test_medians_are_numpys(values):
    with np.errstate(over="ignore", invalid="ignore"):
        expected = np.median(values)
    assert np.array_equal(median(values), expected, equal_nan=True)
