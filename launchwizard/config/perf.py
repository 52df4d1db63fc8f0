"""Readers for [perf] and [monitors]: the performance targets and the sampling budget of the
perf checks, and how the exported uptime monitors check and alert.

Every key has the default of ai-monitoring-checklists.md §6 (p95 < 500 ms, errors <= 2 %,
first chat byte <= 3 s, edge hit ratio >= 70 %, 350 KB of JavaScript), so a sprint.toml
without the table still gets the targets a launch should meet.
"""

from __future__ import annotations

import difflib
from typing import Any

from launchwizard.config.fields import (
    Reader,
    as_bool,
    as_int,
    as_positive_number,
    as_string_list,
    reject_unknown_keys,
    sub_table,
)
from launchwizard.config.keypath import KeyPath
from launchwizard.config.model import DEFAULT_REGIONS, MonitorsConfig, PerfConfig

MAX_SAMPLES = 1000
MAX_CONCURRENCY = 32
MIN_REGIONS = 2
CHECKLY_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-central-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "me-south-1",
    "ap-southeast-1",
    "ap-northeast-1",
    "ap-east-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "af-south-1",
)
"""The public locations a Checkly check can run from (the `Region` names of the checkly package)."""


def read_perf(reader: Reader, doc: dict[str, Any]) -> PerfConfig:
    """[perf]: targets and sampling; absent keys keep their defaults."""
    table = sub_table(reader, doc, "perf", ())
    defaults = PerfConfig()
    reject_unknown_keys(reader, table, tuple(defaults.__dataclass_fields__), ("perf",))

    def number(name: str, high: float) -> float:
        return as_positive_number(reader, table.get(name, getattr(defaults, name)), ("perf", name), high)

    def count(name: str, high: int) -> int:
        return as_int(reader, table.get(name, getattr(defaults, name)), ("perf", name), 1, high)

    return PerfConfig(
        samples=count("samples", MAX_SAMPLES),
        concurrency=count("concurrency", MAX_CONCURRENCY),
        p95_ms=number("p95_ms", 60_000),
        error_rate_pct=number("error_rate_pct", 100),
        chat_first_byte_s=number("chat_first_byte_s", 120),
        cache_hit_pct=number("cache_hit_pct", 100),
        js_budget_kb=number("js_budget_kb", 100_000),
    )


def read_monitors(reader: Reader, doc: dict[str, Any]) -> MonitorsConfig:
    """[monitors]: intervals, thresholds and the timeout of the exported monitors."""
    table = sub_table(reader, doc, "monitors", ())
    defaults = MonitorsConfig()
    reject_unknown_keys(reader, table, tuple(defaults.__dataclass_fields__), ("monitors",))

    def count(name: str, low: int, high: int) -> int:
        return as_int(reader, table.get(name, getattr(defaults, name)), ("monitors", name), low, high)

    return MonitorsConfig(
        interval_s=count("interval_s", 10, 3600),
        chat_interval_s=count("chat_interval_s", 10, 86_400),
        failure_threshold=count("failure_threshold", 1, 10),
        success_threshold=count("success_threshold", 1, 10),
        timeout_s=count("timeout_s", 1, 300),
        send_test_alert=as_bool(reader, table.get("send_test_alert", False), ("monitors", "send_test_alert")),
        regions=_read_regions(reader, table),
    )


def _read_regions(reader: Reader, table: dict[str, Any]) -> tuple[str, ...]:
    """[monitors] regions: Checkly locations, at least two, each named once."""
    key: KeyPath = ("monitors", "regions")
    if "regions" not in table:
        return DEFAULT_REGIONS
    regions: list[str] = []
    for index, region in enumerate(as_string_list(reader, table["regions"], key)):
        if region not in CHECKLY_REGIONS:
            close = difflib.get_close_matches(region, CHECKLY_REGIONS, n=1)
            known = ", ".join(CHECKLY_REGIONS)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {known}"
            reader.fail((*key, index), f"{region!r} is not a Checkly location ({hint})")
        if region in regions:
            reader.fail((*key, index), f"{region!r} is listed twice")
        regions.append(region)
    if len(regions) < MIN_REGIONS:
        reader.fail(
            key,
            f"{len(regions)} region given: monitor from at least {MIN_REGIONS} (like "
            f'["eu-west-1", "us-east-1"]), so a network fault near one region is not mistaken for an '
            "outage and an outage seen from one continent only is still caught",
        )
    return tuple(regions)
