"""`edge.cdn`: which CDN/WAF edge fronts each public host, read passively.

Only what any visitor sees is used: the host's own response headers and cookies, its
CNAME chain and the name servers of its zone (web-tls-edge.md §6). No attack strings are
sent; active WAF fingerprinting needs the client's consent and is not done. A host with
no edge takes floods, bots and scans on its origin; a host whose DNS is at Cloudflare but
whose traffic does not pass through it ("grey cloud") looks protected and is not.
"""

from __future__ import annotations

import asyncio
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.checks.edgefetch import first_response, home_chains
from launchwizard.edge.cdn import EdgeReport, detect_edge, fix_for_unfronted
from launchwizard.net.dns import Outcome
from launchwizard.results import Result, Severity, Status

MAX_NS_CLIMB = 8


async def zone_nameservers(ctx: CheckContext, host: str) -> tuple[list[str], str | None]:
    """NS names of the zone `host` belongs to: the closest name upward that has NS records."""
    labels = host.split(".")
    for start in range(min(len(labels) - 1, MAX_NS_CLIMB)):
        name = ".".join(labels[start:])
        answer = await ctx.net.dns.query(name, "NS")
        if answer.found:
            return [record.rstrip(".").lower() for record in answer.records], None
        if answer.outcome is Outcome.ERROR:
            return [], answer.describe()
    return [], None


async def cdn(ctx: CheckContext) -> list[Result]:
    """`edge.cdn`: a CDN/WAF edge fronts the host (response, CNAME or NS evidence)."""
    host = ctx.target
    (https, http), address, (ns, ns_error) = await asyncio.gather(
        home_chains(ctx, host), ctx.net.dns.query(host, "A"), zone_nameservers(ctx, host)
    )
    response = first_response(https) or first_response(http)
    headers = response.headers if response is not None else []
    report = detect_edge(headers, ns, address.cname_chain)
    evidence: dict[str, Any] = {
        "edges": list(report.edges),
        "signals": [
            {"edge": s.edge, "source": s.source, "evidence": s.evidence, "strength": s.strength}
            for s in report.signals
        ],
        "cname_chain": list(address.cname_chain),
        "nameservers": ns,
    }
    if ns_error:
        evidence["nameserver_error"] = ns_error
    if response is None and not report.signals:
        reason = https.error or http.error or "no answer"
        return [
            ctx.result(
                Status.ERROR, f"no answer from {host} to read its edge from: {reason}", evidence=evidence
            )
        ]
    if report.fronted:
        return [
            ctx.result(Status.PASS, _fronted_summary(host, report), evidence=evidence, severity=Severity.INFO)
        ]
    fix = fix_for_unfronted(host, report)
    if report.dns_only:
        summary = (
            f"{host}'s DNS is at {', '.join(report.dns_only)}, but its traffic does not pass through "
            "the edge (no edge headers or cookies in its response): the origin is exposed"
        )
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix)]
    summary = (
        f"no CDN/WAF edge in front of {host}: its responses, CNAME chain and name servers show none, "
        "so floods, bots and scans reach the origin directly"
    )
    return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix)]


def _fronted_summary(host: str, report: EdgeReport) -> str:
    proxy = [s for s in report.signals if s.strength == "proxy"]
    seen = "; ".join(s.evidence for s in proxy[:3])
    return f"{host} is behind {', '.join(report.edges)} ({seen})"
