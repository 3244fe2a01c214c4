"""Direction of change in one source's series: Mann-Kendall with Sen's slope, said in plain words.

The Mann-Kendall test (with the tie correction) and Sen's (Theil-Sen) slope are the few lines of
their textbook definitions, written here rather than imported: scipy.stats, which pymannkendall
needs, adds about 80 MB to every web worker that loads it, and the photo decoder's memory budget
(issue 10) has no room for that. tests/unit/test_trend.py holds both to pymannkendall's
original_test and scipy's theilslopes on many series, so they answer what the libraries answer.
The slope is taken over the bins' own years, so bins where the source did not look are left out,
not read as zeros. Fewer than MIN_BINS bins is "too little data", never "no change".
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

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


def mann_kendall(values: Sequence[float]) -> tuple[float, float]:
    """Kendall's tau of the values against their order, and the two-sided p of the S statistic."""
    n = len(values)
    s = sum((b > a) - (b < a) for a, b in itertools.combinations(values, 2))
    ties = sum(t * (t - 1) * (2 * t + 5) for t in Counter(values).values() if t > 1)
    variance = (n * (n - 1) * (2 * n + 5) - ties) / 18
    z = 0.0 if s == 0 or variance == 0 else (s - math.copysign(1, s)) / math.sqrt(variance)
    return s / (n * (n - 1) / 2), math.erfc(abs(z) / math.sqrt(2))


def sen_slope(years: Sequence[float], values: Sequence[float]) -> float:
    """The median of the slopes between every pair of points (pairs in the same year left out)."""
    slopes = [
        (values[j] - values[i]) / (years[j] - years[i])
        for i, j in itertools.combinations(range(len(years)), 2)
        if years[j] != years[i]
    ]
    return statistics.median(slopes)


def trend(years: Sequence[int], values: Sequence[float]) -> Trend:
    """The trend of values observed at years (ascending); any bin without a value must be left out."""
    n = len(values)
    if n < MIN_BINS:
        return Trend("too little data", n)
    if len(set(values)) == 1:
        return Trend("no clear direction", n, p=1.0, tau=0.0, slope_per_year=0.0)
    tau, p = mann_kendall(values)
    slope = sen_slope(years, values)
    strength = next((word for bound, word in STRENGTHS if p < bound), None)
    if strength is None or tau == 0:
        return Trend("no clear direction", n, p=p, tau=tau, slope_per_year=slope)
    return Trend("increase" if tau > 0 else "decrease", n, strength, p, tau, slope)
