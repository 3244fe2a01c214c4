"""Direction of change in one source's series: Mann-Kendall with Sen's slope, said in plain words.

The test is pymannkendall's original Mann-Kendall test on the values in time order; the slope is
Sen's (Theil-Sen) estimator over the bins' own years (scipy), so bins where the source did not look
are left out, not read as zeros. Fewer than MIN_BINS bins is "too little data", never "no change".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pymannkendall
from scipy.stats import theilslopes

# With 4 values the smallest two-sided p of Mann-Kendall is about 0.08: fewer cannot show anything.
MIN_BINS = 4
# p-value bounds of the words used for a direction's strength, strongest first.
STRENGTHS = ((0.01, "strong"), (0.05, "moderate"), (0.10, "weak"))


@dataclass(frozen=True)
class Trend:
    """What one series says: a direction (or none, or too little data), its strength and its numbers."""

    direction: str  # "increase", "decrease", "no clear direction" or "too little data"
    n: int
    strength: str | None = None
    p: float | None = None
    tau: float | None = None
    slope_per_year: float | None = None


def trend(years: Sequence[int], values: Sequence[float]) -> Trend:
    """The trend of values observed at years (ascending); any bin without a value must be left out."""
    n = len(values)
    if n < MIN_BINS:
        return Trend("too little data", n)
    if len(set(values)) == 1:
        return Trend("no clear direction", n, p=1.0, tau=0.0, slope_per_year=0.0)
    test = pymannkendall.original_test(list(values))
    slope = float(theilslopes(list(values), list(years)).slope)
    p, tau = float(test.p), float(test.Tau)
    strength = next((word for bound, word in STRENGTHS if p < bound), None)
    if strength is None or tau == 0:
        return Trend("no clear direction", n, p=p, tau=tau, slope_per_year=slope)
    return Trend("increase" if tau > 0 else "decrease", n, strength, p, tau, slope)
