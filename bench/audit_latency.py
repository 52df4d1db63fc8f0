"""Benchmark: is the audit as fast as its slowest chain? And how fast does the CLI start?

Runs the audit against the lab with 100 ms added to every DNS and HTTP response, first
each (check, host) unit alone on a cold cache to find the longest single chain, then the
whole audit at once. Prints wall time, the longest chain and their ratio (target <= 1.5),
then the start-up time of `launchwizard check --help` (target < 0.4 s).

Run: .venv/bin/python bench/audit_latency.py [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner, plan
from launchwizard.config import load_sprint
from launchwizard.demo.lab import Lab


def timed_run(sprint, specs) -> float:
    started = time.perf_counter()
    asyncio.run(Runner(sprint, specs).run())
    return time.perf_counter() - started


def longest_chain(sprint, specs) -> tuple[float, str]:
    """Each unit alone, cold cache: the slowest one is the floor for the whole run."""
    worst, worst_key = 0.0, ""
    for unit in plan(sprint, specs):
        alone = dataclasses.replace(sprint, hosts=(unit.target,))
        if unit.spec.scope == "apex":
            alone = dataclasses.replace(sprint, hosts=(sprint.apex,))
        elapsed = timed_run(alone, [unit.spec])
        if elapsed > worst:
            worst, worst_key = elapsed, unit.key
    return worst, worst_key


def startup_seconds(runs: int = 10) -> float:
    """Median wall time of `launchwizard check --help` in a fresh interpreter."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "launchwizard", "check", "--help"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    with Lab(latency_s=args.latency_ms / 1000) as lab, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sprint.toml"
        path.write_text(tomli_w.dumps(lab.demo_sprint()), encoding="utf-8")
        sprint = load_sprint(path)
        specs = select(stages=["audit"])
        units = len(plan(sprint, specs))
        longest, key = longest_chain(sprint, specs)
        wall = timed_run(sprint, specs)
    print(f"audit of {len(sprint.hosts)} hosts, {units} units, {args.latency_ms} ms latency per response")
    print(f"whole run (concurrent):  {wall:.2f} s")
    print(f"longest single chain:    {longest:.2f} s  ({key})")
    print(f"ratio whole/longest:     {wall / longest:.2f}  (target <= 1.5)")
    startup = startup_seconds()
    print(f"`launchwizard check --help` start-up: {startup:.3f} s median of 10 (target < 0.4 s)")


if __name__ == "__main__":
    main()
