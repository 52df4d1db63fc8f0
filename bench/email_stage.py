"""Benchmark: our whole email stage for 20 domains against checkdmarc on the same domains.

Starts the lab with 50 ms added to every DNS response and takes the twenty sending domains
`bench01.test` … `bench20.test` (launchwizard/demo/zones_bench.py: SPF with one or two
includes, DMARC with rua, MX, a DKIM key for selector s1). Then, for each of --rounds rounds:

- ours: the whole `email` stage (email.spf, email.spf_senders, email.dmarc, email.dkim,
  email.mx) for the 20 domains in one batch: one sprint and one Runner per domain, all
  gathered on one event loop. Every Runner opens its own resolver, so every round is cold.
- checkdmarc, same domains, same name server (`Do53Nameserver` on the lab's ns1 host:port),
  its process-global caches (`checkdmarc.utils.DNS_CACHE`, the DNSSEC/TLSA/STARTTLS caches)
  cleared first:
  * SPF+DMARC alone: `check_spf` and `check_dmarc` for each domain, one after the other
    (checkdmarc is synchronous). `check_domains` cannot skip its other checks, so this is
    the comparison the target is about.
  * `check_domains(domains)` in full, for context: besides SPF and DMARC it also checks
    SOA, NS, MX (with each host's addresses and reverse DNS), DNSSEC (over TCP), MTA-STS,
    TLS-RPT and BIMI. STARTTLS testing is off (opt-in since checkdmarc 6).

Prints the median wall time of each side, the ratio ours / checkdmarc SPF+DMARC (target < 1)
and ours / check_domains, then the SPF and DMARC verdicts of both tools for a few domains
and how many of the 20 agree. Figures only, no assertions (like audit_latency.py).

checkdmarc is a bench-only dependency (the `bench` extra in pyproject.toml); it installs
into the project venv without changing any of our pinned packages:

    .venv/bin/pip install -e '.[bench]'      # or: .venv/bin/pip install 'checkdmarc>=6'
    .venv/bin/python bench/email_stage.py [--latency-ms 50] [--rounds 3] [--skip-full]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner, RunReport
from launchwizard.config import load_sprint
from launchwizard.config.model import Sprint
from launchwizard.demo.lab import Lab
from launchwizard.demo.zones_bench import bench_domains, bench_zones, sender_ips

SHOWN = ("bench01.test", "bench02.test", "bench03.test", "bench06.test")
TIMEOUT_S = 2.0


# ---------------------------------------------------------------- ours


def sprints_for(lab: Lab, domains: Sequence[str], tmp: Path) -> list[Sprint]:
    """One sprint.toml per domain (apex and [email] domain = the domain), loaded."""
    sprints = []
    for domain in domains:
        doc = {
            "sprint": {"client": domain, "canonical": f"https://{domain}/"},
            "domains": {"apex": domain, "hosts": [domain]},
            "email": {"domain": domain, "dkim_selectors": ["s1"], "sender_ips": list(sender_ips(domain))},
            "network": lab.network_table(),
        }
        path = tmp / domain / "sprint.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(tomli_w.dumps(doc), encoding="utf-8")
        sprints.append(load_sprint(path))
    return sprints


def run_ours(sprints: Sequence[Sprint]) -> tuple[float, list[RunReport]]:
    """The email stage for every sprint at once; the wall time of the whole batch."""
    specs = select(stages=["email"])

    async def batch() -> list[RunReport]:
        return list(await asyncio.gather(*(Runner(s, specs).run() for s in sprints)))

    started = time.perf_counter()
    reports = asyncio.run(batch())
    return time.perf_counter() - started, reports


def _dmarc_policy(raw: object) -> str | None:
    """The p= tag of a raw DMARC record (read from the raw text the check always shows)."""
    if not isinstance(raw, str):
        return None
    tags = dict(part.strip().partition("=")[::2] for part in raw.split(";") if "=" in part)
    return tags.get("p", "").strip().lower() or None


def our_verdicts(report: RunReport) -> dict[str, Any]:
    """SPF status/validity/lookups/all and the DMARC policy from one domain's results."""
    by_check = {r.check: r for r in report.results}
    spf, dmarc = by_check["email.spf"], by_check["email.dmarc"]
    return {
        "spf_status": str(spf.status),
        "spf_valid": str(spf.status) in ("pass", "warn"),
        "lookups": spf.evidence.get("lookups"),
        "all": spf.evidence.get("all"),
        "dmarc_status": str(dmarc.status),
        "policy": _dmarc_policy(dmarc.evidence.get("raw") or dmarc.evidence.get("record")),
        "statuses": {r.check.removeprefix("email."): str(r.status) for r in report.results},
    }


# ---------------------------------------------------------------- checkdmarc


def clear_checkdmarc_caches() -> None:
    """Empty checkdmarc's process-global caches so each round starts cold."""
    import checkdmarc.dnssec
    import checkdmarc.smtp
    import checkdmarc.utils

    for cache in (
        checkdmarc.utils.DNS_CACHE,
        checkdmarc.dnssec.DNSSEC_CACHE,
        checkdmarc.dnssec.DNSKEY_CACHE,
        checkdmarc.dnssec.TLSA_CACHE,
        checkdmarc.smtp.TLS_CACHE,
        checkdmarc.smtp.STARTTLS_CACHE,
    ):
        cache.clear()


def nameservers(lab: Lab) -> list[Any]:
    """The lab's ns1 as a dnspython Do53Nameserver on the lab's DNS port."""
    import dns.nameserver

    host, port = lab.nameserver.rsplit(":", 1)
    return [dns.nameserver.Do53Nameserver(host, int(port))]


def run_checkdmarc_spf_dmarc(lab: Lab, domains: Sequence[str]) -> tuple[float, dict[str, Any]]:
    """checkdmarc's SPF and DMARC checks alone, for each domain in turn (it is synchronous)."""
    from checkdmarc.dmarc import check_dmarc
    from checkdmarc.spf import check_spf

    ns = nameservers(lab)
    clear_checkdmarc_caches()
    results: dict[str, Any] = {}
    started = time.perf_counter()
    for domain in domains:
        spf = check_spf(domain, nameservers=ns, timeout=TIMEOUT_S)
        dmarc = check_dmarc(domain, nameservers=ns, timeout=TIMEOUT_S)
        results[domain] = {"spf": spf, "dmarc": dmarc}
    return time.perf_counter() - started, results


def run_checkdmarc_full(lab: Lab, domains: Sequence[str]) -> float:
    """checkdmarc.check_domains on all the domains: everything it checks by default."""
    import checkdmarc

    ns = nameservers(lab)
    clear_checkdmarc_caches()
    started = time.perf_counter()
    checkdmarc.check_domains(list(domains), nameservers=ns, timeout=TIMEOUT_S)
    return time.perf_counter() - started


def their_verdicts(result: dict[str, Any]) -> dict[str, Any]:
    """SPF validity/lookups/all and the DMARC policy from checkdmarc's result dicts."""
    spf, dmarc = result["spf"], result["dmarc"]
    parsed = spf.get("parsed") or {}
    tags = dmarc.get("tags") or {}
    return {
        "spf_valid": bool(spf.get("valid")),
        "lookups": spf.get("dns_lookups"),
        "all": {"fail": "-all", "softfail": "~all", "neutral": "?all", "pass": "+all"}.get(
            parsed.get("all"), parsed.get("all")
        ),
        "dmarc_valid": bool(dmarc.get("valid")),
        "policy": (tags.get("p") or {}).get("value"),
    }


# ---------------------------------------------------------------- report


def agree(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Same SPF validity, lookup count and `all`, and the same DMARC policy."""
    return all(ours[k] == theirs[k] for k in ("spf_valid", "lookups", "all", "policy"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-full", action="store_true", help="skip checkdmarc.check_domains")
    args = parser.parse_args()
    domains = bench_domains()
    ours_s: list[float] = []
    spf_dmarc_s: list[float] = []
    full_s: list[float] = []
    with (
        Lab(latency_s=args.latency_ms / 1000, extra_zones=bench_zones()) as lab,
        tempfile.TemporaryDirectory() as tmp,
    ):
        sprints = sprints_for(lab, domains, Path(tmp))
        for _ in range(args.rounds):
            elapsed, reports = run_ours(sprints)
            ours_s.append(elapsed)
            elapsed, theirs = run_checkdmarc_spf_dmarc(lab, domains)
            spf_dmarc_s.append(elapsed)
            if not args.skip_full:
                full_s.append(run_checkdmarc_full(lab, domains))
    ours = {d: our_verdicts(r) for d, r in zip(domains, reports, strict=True)}
    them = {d: their_verdicts(theirs[d]) for d in domains}

    wall, spf_dmarc = statistics.median(ours_s), statistics.median(spf_dmarc_s)
    units = len(select(stages=["email"])) * len(domains)
    print(
        f"email stage, {len(domains)} domains, {args.latency_ms} ms DNS latency, "
        f"median of {args.rounds} cold rounds"
    )
    print(f"ours, whole email stage ({units} units, concurrent): {wall:6.2f} s")
    print(f"checkdmarc check_spf + check_dmarc (sequential):   {spf_dmarc:6.2f} s")
    if full_s:
        print(f"checkdmarc check_domains (all its checks):          {statistics.median(full_s):6.2f} s")
    print(f"ratio ours / checkdmarc SPF+DMARC: {wall / spf_dmarc:.3f}  (target < 1)")
    if full_s:
        print(f"ratio ours / checkdmarc check_domains: {wall / statistics.median(full_s):.3f}")
    print("rounds (s): ours " + ", ".join(f"{t:.2f}" for t in ours_s), end="")
    print("; SPF+DMARC " + ", ".join(f"{t:.2f}" for t in spf_dmarc_s), end="")
    print(("; check_domains " + ", ".join(f"{t:.2f}" for t in full_s)) if full_s else "")

    print()
    print(f"{'domain':<14} {'tool':<11} {'SPF valid':<10} {'lookups':<8} {'all':<6} {'DMARC p':<11}")
    for domain in SHOWN:
        for tool, v in (("ours", ours[domain]), ("checkdmarc", them[domain])):
            print(
                f"{domain:<14} {tool:<11} {v['spf_valid']!s:<10} {v['lookups']!s:<8} "
                f"{v['all']!s:<6} {v['policy']!s:<11}"
            )
    agreeing = [d for d in domains if agree(ours[d], them[d])]
    print(f"verdicts agree (SPF valid, lookups, all, DMARC p): {len(agreeing)}/{len(domains)} domains")
    for domain in domains:
        if domain not in agreeing:
            print(f"  differs: {domain}: ours {ours[domain]} / checkdmarc {them[domain]}")
    statuses: dict[str, int] = {}
    for v in ours.values():
        for check, status in v["statuses"].items():
            key = f"{check}={status}"
            statuses[key] = statuses.get(key, 0) + 1
    print("our statuses: " + ", ".join(f"{k} x{n}" for k, n in sorted(statuses.items())))


if __name__ == "__main__":
    main()
