"""What the perf checks compute from what they measured: percentiles, cache verdicts."""
