"""Benchmark: do the sampling checks finish in about samples x latency / concurrency?

Runs perf.latency on the lab's fast perf site (homepage, health and login routes) with
latency added to every DNS and HTTP response, at several concurrencies. The bound for one
run is routes x samples x latency / concurrency: the time the requests need if the check
adds nothing but waiting. Prints wall time, the bound and their ratio (target: about 1;
TLS handshakes on loopback and scheduling make it a little above).

Run: .venv/bin/python bench/perf_sampling.py [--latency-ms 50] [--samples 40]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.config import load_sprint
from launchwizard.config.derived import core_routes
from launchwizard.demo.lab import Lab
from launchwizard.demo.sites_perf import perf_hosts, perf_zones

HOST = "fast.perf.test"


def sprint_document(lab: Lab, samples: int, concurrency: int) -> dict[str, object]:
    return {
        "sprint": {"client": "Bench", "canonical": f"https://{HOST}/"},
        "domains": {"apex": "perf.test", "hosts": [HOST]},
        "endpoints": {
            "homepage": f"https://{HOST}/",
            "health": f"https://{HOST}/health",
            "login": f"https://{HOST}/login",
        },
        "perf": {"samples": samples, "concurrency": concurrency},
        "network": {**lab.network_table(), "timeout_s": 10.0},
    }


def timed(path: Path) -> tuple[float, str]:
    sprint = load_sprint(path)
    started = time.perf_counter()
    report = asyncio.run(Runner(sprint, select(only=["perf.latency"])).run())
    return time.perf_counter() - started, str(report.results[0].status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    lab = Lab(latency_s=latency, extra_hosts=perf_hosts(), extra_zones=perf_zones())
    with lab, tempfile.TemporaryDirectory() as tmp:
        print(f"perf.latency on {HOST}, {args.samples} samples per route, {args.latency_ms} ms latency")
        for concurrency in (1, 4, 8):
            path = Path(tmp) / f"sprint-{concurrency}.toml"
            path.write_text(tomli_w.dumps(sprint_document(lab, args.samples, concurrency)), encoding="utf-8")
            routes = len(core_routes(load_sprint(path)))
            bound = routes * args.samples * latency / concurrency
            wall, status = timed(path)
            print(
                f"concurrency {concurrency}: {wall:.2f} s, bound {bound:.2f} s "
                f"({routes} routes), ratio {wall / bound:.2f}  [{status}]"
            )


if __name__ == "__main__":
    main()
