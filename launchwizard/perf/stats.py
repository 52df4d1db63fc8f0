"""Nearest-rank percentiles and error rates, and when there are too few samples for either.

Nearest rank (the smallest sample with at least p % of the samples at or below it) is what
k6 and most load tools report; it never invents a value between two measurements, which
matters with the 40 samples a launch check can afford.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_SAMPLES = 20
"""Below this a p95 is the second-slowest request and a 2 % error rate cannot be told from
zero: the check refuses to compute them."""
PERCENTILES = (50, 95, 99)


def nearest_rank(values: Sequence[float], percentile: float) -> float:
    """The nearest-rank percentile of `values` (not empty; 0 < percentile <= 100)."""
    if not values:
        raise ValueError("no values")
    if not 0 < percentile <= 100:
        raise ValueError(f"percentile {percentile} is not in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(percentile / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class Summary:
    """Latency percentiles (ms) of the answered requests and the share that failed."""

    samples: int
    errors: int
    p50: float | None
    p95: float | None
    p99: float | None
    fastest: float | None
    slowest: float | None

    @property
    def error_rate_pct(self) -> float:
        return 100.0 * self.errors / self.samples if self.samples else 0.0

    def to_json(self) -> dict[str, float | int | None]:
        return {
            "samples": self.samples,
            "errors": self.errors,
            "error_rate_pct": round(self.error_rate_pct, 2),
            "p50_ms": self.p50,
            "p95_ms": self.p95,
            "p99_ms": self.p99,
            "fastest_ms": self.fastest,
            "slowest_ms": self.slowest,
        }


def summarise(latencies_ms: Sequence[float], errors: int) -> Summary:
    """Percentiles over the answered requests; `errors` failed requests count in the rate."""
    samples = len(latencies_ms) + errors
    if not latencies_ms:
        return Summary(samples, errors, None, None, None, None, None)
    p50, p95, p99 = (nearest_rank(latencies_ms, p) for p in PERCENTILES)
    return Summary(samples, errors, p50, p95, p99, min(latencies_ms), max(latencies_ms))
