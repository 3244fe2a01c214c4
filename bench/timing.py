"""Medians of repeated timings, with warm-up runs that are thrown away."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def paired_medians(
    first: Callable[[], object], second: Callable[[], object], repeat: int, warmup: int
) -> tuple[dict, dict]:
    """Time two actions alternately (so drift hits both alike); medians and minimums in ms."""
    for _ in range(warmup):
        first()
        second()
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(first)[0])
        b.append(timed(second)[0])
    return summary(a), summary(b)


def summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": statistics.median(seconds) * 1000,
        "p95_ms": p95 * 1000,
        "min_ms": min(seconds) * 1000,
        "runs": len(seconds),
    }
