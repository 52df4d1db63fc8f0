"""Percentile bars for perf.latency: p50, p95 and p99 of each route against the p95 target.

Bars are plain text (block characters) so they read the same in a snapshot, a terminal
without colour and a copied screen; the target is a `│` at its place on the scale.
"""

from __future__ import annotations

from typing import Any

BAR_WIDTH = 32
LEVELS = (("p50", "p50_ms"), ("p95", "p95_ms"), ("p99", "p99_ms"))


def _bar(value: float, scale: float, target_at: int) -> str:
    filled = min(BAR_WIDTH, round(value / scale * BAR_WIDTH)) if scale > 0 else 0
    cells = ["█" if i < filled else "·" for i in range(BAR_WIDTH)]
    if 0 <= target_at < BAR_WIDTH:
        cells[target_at] = "│"
    return "".join(cells)


def percentile_bars(rows: Any, target_ms: float) -> list[str] | None:
    """Three bars per route, scaled to the slowest p99 or the target; None when not that shape."""
    if (
        not rows
        or not isinstance(rows, list)
        or not all(isinstance(row, dict) and "route" in row for row in rows)
    ):
        return None
    measured = [float(row[key]) for row in rows for _, key in LEVELS if isinstance(row.get(key), int | float)]
    scale = max([target_ms, *measured]) * 1.1
    target_at = round(target_ms / scale * BAR_WIDTH) if scale > 0 else -1
    width = max(len(str(row["route"])) for row in rows)
    lines = [f"{'':{width}}       0{'':{BAR_WIDTH - 2}}{scale:.0f} ms   (│ = p95 target {target_ms:g} ms)"]
    for row in rows:
        for index, (label, key) in enumerate(LEVELS):
            name = str(row["route"]) if index == 0 else ""
            value = row.get(key)
            if isinstance(value, int | float):
                lines.append(
                    f"{name:{width}}  {label}  {_bar(float(value), scale, target_at)}  {value:.0f} ms"
                )
            else:
                lines.append(f"{name:{width}}  {label}  {'(too few answered requests)':{BAR_WIDTH}}")
        errors = row.get("error_rate_pct")
        if errors is not None:
            lines.append(f"{'':{width}}  errors {errors:g} % of {row.get('samples')} requests")
    return lines
