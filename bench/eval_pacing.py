"""Benchmark: does ai.eval take about what its pacing and the chat's latency need, and what
does grading cost next to sending?

Runs ai.eval with the lab's 24-prompt evaluation set against the demo product's chat bot,
with latency added to every DNS and HTTP response, at several rates. The bound for one run
is (prompts + the target test) x max(1 / rate, latency): prompts are sent one after another,
each no sooner than the pacing allows. Prints wall time, the bound and their ratio (target:
about 1), then the time to read and grade the whole set against canned replies, as a share
of one run.

Run: .venv/bin/python bench/eval_pacing.py [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

import tomli_w

from launchwizard.ai.evalset import load_eval_set
from launchwizard.ai.grading import GradeError, grade
from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.config import load_sprint
from launchwizard.demo.chatbot import faq_reply
from launchwizard.demo.customer_evals import write_customer_evals
from launchwizard.demo.lab import Lab


def timed_run(path: Path) -> tuple[float, str, int]:
    sprint = load_sprint(path)
    started = time.perf_counter()
    report = asyncio.run(Runner(sprint, select(only=["ai.eval"])).run())
    result = report.results[0]
    return time.perf_counter() - started, str(result.status), len(result.evidence.get("cases", []))


def grading_time(evals: Path, rounds: int = 20) -> float:
    """Seconds to read the set and grade every case against the leaky bot's canned reply."""
    started = time.perf_counter()
    for _ in range(rounds):
        for case in load_eval_set(evals, 100).cases:
            with contextlib.suppress(GradeError):
                grade(case, faq_reply(case.prompt or "", leaky=True) or "Hello!", 50)
    return (time.perf_counter() - started) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    with Lab(latency_s=latency) as lab, tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        evals = write_customer_evals(directory)
        print(f"ai.eval, 24 prompts + the target test, {args.latency_ms} ms latency")
        wall = 0.0
        for rate in (2.0, 10.0, 20.0):
            document = {**lab.demo_sprint(), "network": {**lab.network_table(), "timeout_s": 10.0}}
            document["probes"]["eval"]["rate_per_s"] = rate
            path = directory / f"sprint-{rate:g}.toml"
            path.write_text(tomli_w.dumps(document), encoding="utf-8")
            wall, status, cases = timed_run(path)
            bound = (cases + 1) * max(1 / rate, latency)
            print(f"rate {rate:g}/s: {wall:.2f} s, bound {bound:.2f} s, ratio {wall / bound:.2f}  [{status}]")
        grading = grading_time(evals)
        print(f"reading and grading the set: {grading * 1000:.1f} ms, {grading / wall:.3f} of the last run")


if __name__ == "__main__":
    main()
