"""Benchmark: do the four registrar checks cost one RDAP lookup, and does the cache save a trip?

Runs registrar.expiry, .status, .delegation and .dnssec on the demo product's apex
against the lab's RDAP service with latency added to every DNS and HTTP response:
each check alone on a cold bootstrap cache, all four together on a cold cache (target:
about the slowest one alone, not their sum), then all four again with the bootstrap file
already saved (one request fewer). Prints wall times and ratios.

Run: .venv/bin/python bench/registrar_lookup.py [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from pathlib import Path

import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.config import Sprint, load_sprint
from launchwizard.demo.lab import Lab

CHECKS = ("registrar.expiry", "registrar.status", "registrar.delegation", "registrar.dnssec")


def timed_run(sprint: Sprint, checks: tuple[str, ...]) -> float:
    started = time.perf_counter()
    asyncio.run(Runner(sprint, select(only=list(checks))).run())
    return time.perf_counter() - started


def cold(sprint: Sprint, checks: tuple[str, ...]) -> float:
    """A run with no saved bootstrap file."""
    shutil.rmtree(sprint.state_dir / "cache", ignore_errors=True)
    return timed_run(sprint, checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    with Lab(latency_s=args.latency_ms / 1000) as lab, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sprint.toml"
        path.write_text(tomli_w.dumps(lab.demo_sprint()), encoding="utf-8")
        sprint = load_sprint(path)
        cold(sprint, CHECKS)  # imports and the TLS trust store load once, outside the figures
        alone = {check: cold(sprint, (check,)) for check in CHECKS}
        together = cold(sprint, CHECKS)
        warm = timed_run(sprint, CHECKS)
    slowest = max(alone.values())
    print(f"registrar checks on {sprint.apex}, {args.latency_ms} ms latency per response")
    for check, seconds in alone.items():
        print(f"  {check:<21} alone, cold cache: {seconds:.2f} s")
    print(f"all four together, cold cache:  {together:.2f} s")
    print(f"sum of the four alone:          {sum(alone.values()):.2f} s")
    print(f"ratio together/slowest alone:   {together / slowest:.2f}  (target about 1: one shared lookup)")
    print(f"all four, bootstrap cached:     {warm:.2f} s  ({warm / together:.2f} of cold)")


if __name__ == "__main__":
    main()
