"""Benchmark: what the one redaction pass and the one sanitiser cost a real run.

Runs every check of the demo product against the lab (the leaky chat bot and the
oversharing product included), then measures, on the run's own results:
- the redaction pass the runner applies to every result, as a share of the run's wall time;
- the sanitiser over every finding pane the wizard can draw for those results, per pane.
Prints both as ratios; the audit and perf benches show the run's own speed.

Run: .venv/bin/python bench/redaction_cost.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import tomli_w

from launchwizard.checks.registry import REGISTRY, select
from launchwizard.checks.runner import Runner, plan
from launchwizard.config import load_sprint
from launchwizard.demo.lab import Lab
from launchwizard.secrets.redaction import Redactor


def finding_panes(results: list, rounds: int) -> float:
    """Median seconds to build every finding pane for the results (the sanitiser included)."""
    from launchwizard.tui.widgets.evidence import finding_text

    specs = {spec.id: spec for spec in REGISTRY}
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        for result in results:
            finding_text(specs[result.check], result.target, result)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def redaction(results: list, markers: tuple[str, ...], rounds: int) -> float:
    """Median seconds of the redaction pass over every result, with a fresh redactor each time."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        redactor = Redactor(markers=markers)
        for result in results:
            redactor.result(result)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with Lab() as lab, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sprint.toml"
        path.write_text(tomli_w.dumps(lab.demo_sprint()), encoding="utf-8")
        sprint = load_sprint(path)
        specs = select()
        started = time.perf_counter()
        report = asyncio.run(Runner(sprint, specs).run())
        wall = time.perf_counter() - started
    results = report.results
    size = sum(len(str(r.to_json())) for r in results)
    redact_s = redaction(results, sprint.probes.injection.canaries, args.rounds)
    panes_s = finding_panes(results, args.rounds)
    units = len(plan(sprint, specs))
    print(f"run: {units} units, {len(results)} results, {size / 1024:.0f} KB of result JSON")
    print(f"whole run:                 {wall:.2f} s")
    print(f"redaction pass:            {redact_s * 1000:.1f} ms  = {redact_s / wall:.2%} of the run")
    per_pane = panes_s / len(results) * 1000
    print(f"every finding pane drawn:  {panes_s * 1000:.1f} ms  = {per_pane:.2f} ms a pane")


if __name__ == "__main__":
    main()
