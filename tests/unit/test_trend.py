"""Our Mann-Kendall and Sen's slope answer what pymannkendall and scipy answer, on many series."""

from __future__ import annotations

import warnings

import pymannkendall
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import theilslopes

from fieldapp.sensing.trend import mann_kendall, sen_slope

series = st.lists(st.integers(min_value=0, max_value=6), min_size=4, max_size=40)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(series)
def test_mann_kendall_matches_pymannkendall_with_ties(values):
    tau, p = mann_kendall([float(v) for v in values])
    expected = pymannkendall.original_test(values)
    assert tau == pytest.approx(float(expected.Tau))
    assert p == pytest.approx(float(expected.p), abs=1e-12)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.data())
def test_sen_slope_matches_scipy_over_uneven_years(data):
    years = sorted(data.draw(st.lists(st.integers(min_value=1900, max_value=2025), min_size=4, max_size=30)))
    if len(set(years)) < 2:
        return
    values = data.draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=len(years), max_size=len(years)))
    with warnings.catch_warnings():
        # scipy's confidence interval (not compared) warns on degenerate series; its slope is still defined.
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = float(theilslopes(values, years).slope)
    assert sen_slope(years, values) == pytest.approx(expected)
