"""Benchmark: the five cloudflare checks against the lab's API with latency on every answer.

Measures, on a zone with three pages of DNS records:
- loading the SDK (its resource modules are imported on first use, in a worker thread);
- each check alone on a fresh run (the SDK already loaded): the slowest is the floor;
- the five together: they share the token check, the zone and its settings, so the whole
  should take about as long as the slowest alone, far less than one request after another.
Prints the times, the requests sent and the ratios (target: whole/longest about 1, at
most 1.5).

Run: .venv/bin/python bench/cloudflare_api.py [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx
import tomli_w

from launchwizard.checks.cloudflare import TOKEN_FIELD
from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.cloudflare.api import sdk_client
from launchwizard.config import load_sprint
from launchwizard.demo.cloudflare_zones import TOKEN_GOOD
from launchwizard.demo.lab import Lab

ZONE = "cfbig.test"


def timed_run(sprint, specs) -> float:
    started = time.perf_counter()
    report = asyncio.run(
        Runner(sprint, specs, secret_lookup=lambda name: TOKEN_GOOD if name == TOKEN_FIELD else None).run()
    )
    elapsed = time.perf_counter() - started
    bad = [(r.check, r.summary) for r in report.results if str(r.status) not in ("pass", "warn", "fail")]
    assert not bad, bad
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()
    sdk_client(httpx.MockTransport(lambda request: httpx.Response(500)), "https://api.test/client/v4", 5.0)
    loading = time.perf_counter() - started
    with Lab(latency_s=args.latency_ms / 1000) as lab, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sprint.toml"
        document = {
            "sprint": {"client": "Bench", "canonical": f"https://www.{ZONE}/"},
            "domains": {"apex": ZONE, "hosts": [ZONE, f"www.{ZONE}"]},
            "endpoints": {"login": f"https://app.{ZONE}/login", "chat": f"https://api.{ZONE}/v1/chat"},
            "cloudflare": {"api_base": lab.cloudflare_api_base},
            "network": lab.network_table(),
        }
        path.write_text(tomli_w.dumps(document), encoding="utf-8")
        sprint = load_sprint(path)
        specs = [spec for spec in select(stages=["edge"]) if spec.id.startswith("cloudflare.")]
        alone = {spec.id: timed_run(sprint, [spec]) for spec in specs}
        before = len(lab.cloudflare_requests())
        whole = timed_run(sprint, specs)
        requests = len(lab.cloudflare_requests()) - before
    slowest = max(alone, key=alone.__getitem__)
    serial = requests * args.latency_ms / 1000
    print(f"cloudflare checks on {ZONE} (1,234 records), {args.latency_ms} ms latency per answer")
    print(f"loading the SDK once per process (the checks do it in a worker thread): {loading:.2f} s")
    for check, elapsed in alone.items():
        print(f"  {check:<22} alone: {elapsed:.2f} s")
    print(f"all five together:        {whole:.2f} s, {requests} API requests")
    print(
        f"ratio whole/slowest alone: {whole / alone[slowest]:.2f}  ({slowest}; target about 1, at most 1.5)"
    )
    print(f"ratio whole/one request after another ({serial:.2f} s): {whole / serial:.2f}")


if __name__ == "__main__":
    main()
