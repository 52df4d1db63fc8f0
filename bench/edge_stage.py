"""Benchmark: does the edge stage finish in about the time of its slowest chain?

Runs the edge stage of the demo product against the lab with latency added to every DNS
and HTTP response: first each (check, target) unit alone on a cold cache to find the
longest single chain, then the whole stage at once. Prints wall time, the longest chain
and their ratio (target: about 1, at most 1.5). The rate-limit probe is left out of the
comparison: its length is set by its configured pace, not by the network.

Run: .venv/bin/python bench/edge_stage.py [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import tempfile
import time
from pathlib import Path

import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner, plan
from launchwizard.config import ProbeBudget, ProbesConfig, load_sprint
from launchwizard.demo.lab import Lab


def timed_run(sprint, specs) -> float:
    started = time.perf_counter()
    asyncio.run(Runner(sprint, specs).run())
    return time.perf_counter() - started


def longest_chain(sprint, specs) -> tuple[float, str]:
    """Each unit alone, cold cache: the slowest one is the floor for the whole stage."""
    worst, worst_key = 0.0, ""
    for unit in plan(sprint, specs):
        alone = sprint if unit.spec.scope == "apex" else dataclasses.replace(sprint, hosts=(unit.target,))
        elapsed = timed_run(alone, [unit.spec])
        if elapsed > worst:
            worst, worst_key = elapsed, unit.key
    return worst, worst_key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    with Lab(latency_s=args.latency_ms / 1000) as lab, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sprint.toml"
        path.write_text(tomli_w.dumps(lab.demo_sprint()), encoding="utf-8")
        sprint = load_sprint(path)
        sprint = dataclasses.replace(sprint, probes=ProbesConfig(ratelimit=ProbeBudget(enabled=False)))
        specs = [spec for spec in select(stages=["edge"]) if spec.id != "edge.ratelimit"]
        units = len(plan(sprint, specs))
        longest, key = longest_chain(sprint, specs)
        wall = timed_run(sprint, specs)
    hosts = len(sprint.hosts)
    print(f"edge stage of {hosts} hosts, {units} units, {args.latency_ms} ms latency per response")
    print(f"whole stage (concurrent): {wall:.2f} s")
    print(f"longest single chain:     {longest:.2f} s  ({key})")
    print(f"ratio whole/longest:      {wall / longest:.2f}  (target about 1, at most 1.5)")


if __name__ == "__main__":
    main()
