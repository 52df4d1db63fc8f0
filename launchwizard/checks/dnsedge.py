"""DNS checks of the edge stage: `dns.takeover` and `dns.caa`.

dns.takeover follows the CNAME chain of every name the sprint knows (its hosts, the
`[domains] subdomains` and the names in the hosts' certificates) and matches each target
against the services that can be claimed by whoever registers the name first
(launchwizard.edge.takeover, after can-i-take-over-xyz). A candidate needs evidence: the
target does not exist (NXDOMAIN) or serves the service's "unclaimed" page. The check only
reads DNS and sends one plain GET per candidate; it never tries to claim anything.

dns.caa finds the CAA record set that governs each host (RFC 8659 §3: the closest name
upward that has one) and says whether it lets the CA that issued the host's current
certificate issue the next one (internet.nl web_caa).
"""

from __future__ import annotations

import asyncio
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.edge.caa import CaaRecord, issuer_caa_domains, judge_caa, parse_caa
from launchwizard.edge.takeover import TakeoverVerdict, judge, match_service
from launchwizard.net.dns import DnsAnswer, Outcome
from launchwizard.net.http import FetchError
from launchwizard.results import Result, Severity, Status

BODY_MAX = 256 * 1024
CONCURRENT_NAMES = 8
MAX_CAA_CLIMB = 8
VERDICT_ORDER = ("vulnerable", "verify", "dangling", "error", "not-vulnerable", "safe", "no-cname")


def _under(name: str, apex: str) -> bool:
    return name == apex or name.endswith(f".{apex}")


async def known_names(ctx: CheckContext) -> list[str]:
    """Hosts, subdomains and the certificate names under the apex (wildcards cannot be listed)."""
    sprint = ctx.sprint
    names = dict.fromkeys((*sprint.hosts, *sprint.subdomains))
    handshakes = await asyncio.gather(*(ctx.net.tls.handshake(host) for host in sprint.hosts))
    for handshake in handshakes:
        leaf = handshake.leaf
        for san in leaf.sans if leaf is not None else []:
            name = san.rstrip(".").lower()
            if not name.startswith("*.") and _under(name, sprint.apex):
                names.setdefault(name)
    return list(names)


async def _fingerprint_body(ctx: CheckContext, name: str) -> tuple[bytes | None, str | None]:
    """The page the name serves (plain HTTP first, as a service's own "unclaimed" page is
    served there even when no certificate covers the custom name)."""
    last_error = None
    for url in (f"http://{name}/", f"https://{name}/"):
        try:
            response = await ctx.net.http.request("GET", url, max_body=BODY_MAX)
        except FetchError as exc:
            last_error = exc.message
            continue
        return response.body, None
    return None, last_error


async def _examine(ctx: CheckContext, name: str, bound: asyncio.Semaphore) -> dict[str, Any]:
    async with bound:
        answer = await ctx.net.dns.query(name, "A")
        if answer.failed and not answer.cname_chain:
            return {"name": name, "verdict": "error", "reason": answer.describe()}
        if not answer.cname_chain:
            return {"name": name, "verdict": "no-cname", "reason": "no CNAME: nothing to take over"}
        service = next((s for s in map(match_service, answer.cname_chain) if s is not None), None)
        body, fetch_error = None, None
        if service is not None and service.fingerprints and answer.found:
            body, fetch_error = await _fingerprint_body(ctx, name)
        verdict = judge(
            name,
            answer.cname_chain,
            target_nxdomain=answer.outcome is Outcome.NXDOMAIN,
            body=body,
            fetch_error=fetch_error,
        )
    return _row(verdict, answer)


def _row(verdict: TakeoverVerdict, answer: DnsAnswer) -> dict[str, Any]:
    return {
        "name": verdict.name,
        "chain": list(answer.cname_chain),
        "service": verdict.service,
        "verdict": verdict.verdict,
        "reason": verdict.reason,
        "fix": verdict.fix,
    }


async def takeover(ctx: CheckContext) -> list[Result]:
    """`dns.takeover`: no known name's CNAME dangles to a service someone else could claim."""
    names = await known_names(ctx)
    bound = asyncio.Semaphore(CONCURRENT_NAMES)
    rows = await asyncio.gather(*(_examine(ctx, name, bound) for name in names))
    rows.sort(key=lambda row: (VERDICT_ORDER.index(row["verdict"]), row["name"]))
    evidence = {"names": rows}
    by_verdict: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_verdict.setdefault(row["verdict"], []).append(row)
    cnames = [row for row in rows if row["verdict"] != "no-cname"]
    for verdict, status, severity in (
        ("vulnerable", Status.FAIL, Severity.HIGH),
        ("verify", Status.WARN, Severity.MEDIUM),
        ("dangling", Status.WARN, Severity.MEDIUM),
    ):
        found = by_verdict.get(verdict)
        if found:
            summary = "; ".join(row["reason"] for row in found[:3])
            fix = " ".join(dict.fromkeys(row["fix"] for row in found))
            headline = _headline(verdict, found)
            summary = _lead(verdict, found) + summary
            return [
                ctx.result(status, summary, evidence=evidence, fix=fix, severity=severity, headline=headline)
            ]
    errors = by_verdict.get("error", [])
    if errors and len(errors) == len(rows):
        return [
            ctx.result(Status.ERROR, f"DNS failed for every name: {errors[0]['reason']}", evidence=evidence)
        ]
    summary = f"{len(names)} name(s) checked, {len(cnames)} with a CNAME: none points at an unclaimed service"
    if errors:
        summary += f"; {len(errors)} could not be resolved ({errors[0]['reason']})"
    return [ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)]


def _headline(verdict: str, rows: list[dict[str, Any]]) -> str:
    """`legacy.acme.test can be taken over: its CNAME points at an unclaimed Microsoft Azure name`."""
    names = ", ".join(row["name"] for row in rows[:3]) + (
        f" and {len(rows) - 3} more" if len(rows) > 3 else ""
    )
    services = ", ".join(dict.fromkeys(str(row.get("service") or "service") for row in rows[:3]))
    if verdict == "vulnerable":
        return f"{names} can be taken over: a CNAME points at an unclaimed {services} name"
    if verdict == "verify":
        return f"{names} may be open to takeover on {services}: verify by hand"
    return f"{names} has a CNAME to a name that does not resolve"


def _lead(verdict: str, rows: list[dict[str, Any]]) -> str:
    names = ", ".join(row["name"] for row in rows[:3])
    if verdict == "vulnerable":
        return f"takeover candidate ({names}): "
    if verdict == "verify":
        return f"possible takeover, verify by hand ({names}): "
    return f"dangling CNAME ({names}): "


async def relevant_caa(ctx: CheckContext, host: str) -> tuple[str | None, list[str], str | None]:
    """(name that holds it, its records, DNS error): the CAA set that governs `host`."""
    labels = host.split(".")
    for start in range(min(len(labels) - 1, MAX_CAA_CLIMB)):
        name = ".".join(labels[start:])
        answer = await ctx.net.dns.query(name, "CAA")
        if answer.found:
            return name, list(answer.records), None
        if answer.outcome is Outcome.ERROR:
            return name, [], answer.describe()
    return None, [], None


async def caa(ctx: CheckContext) -> list[Result]:
    """`dns.caa`: CAA published, valid, and allowing the CA that issued the current certificate."""
    host = ctx.target
    (holder, texts, error), handshake = await asyncio.gather(
        relevant_caa(ctx, host), ctx.net.tls.handshake(host)
    )
    if error is not None:
        summary = (
            f"CAA lookup failed at {holder}: {error}; CAs refuse to issue while the lookup fails, "
            "so renewals would fail too"
        )
        return [ctx.result(Status.ERROR, summary, evidence={"name": holder, "error": error})]
    records = [parse_caa(text) for text in texts]
    leaf = handshake.leaf
    issuer_cn = leaf.issuer.removeprefix("CN=") if leaf is not None else None
    issuer_org = leaf.issuer_organization if leaf is not None else None
    ca_domains = issuer_caa_domains(issuer_org, issuer_cn) if leaf is not None else ()
    verdict = judge_caa(records, ca_domains)
    evidence = {
        "found_at": holder,
        "record": texts,
        "parsed": [_record_row(record) for record in records],
        "certificate_issuer": {"organization": issuer_org, "common_name": issuer_cn},
        "issuer_caa_domains": list(ca_domains),
        "allowed_issuers": list(verdict.allowed_issuers),
        "problems": [{"level": "warn", "message": problem} for problem in verdict.problems],
    }
    status, severity = _caa_status(verdict.status)
    fix = _caa_fix(verdict.status, host, ca_domains)
    return [ctx.result(status, verdict.summary, evidence=evidence, fix=fix, severity=severity)]


def _record_row(record: CaaRecord) -> list[str]:
    return [str(record.flags), record.tag, record.value, "; ".join(record.problems) or "ok"]


def _caa_status(verdict: str) -> tuple[Status, Severity]:
    return {
        "allowed": (Status.PASS, Severity.INFO),
        "forbidden": (Status.FAIL, Severity.MEDIUM),
        "invalid": (Status.FAIL, Severity.LOW),
        "unknown-ca": (Status.WARN, Severity.LOW),
        "no-restriction": (Status.WARN, Severity.LOW),
    }.get(verdict, (Status.WARN, Severity.LOW))


def _caa_fix(verdict: str, host: str, ca_domains: tuple[str, ...]) -> str:
    ca = ca_domains[0] if ca_domains else "<your CA's CAA domain, e.g. letsencrypt.org>"
    if verdict == "allowed":
        return ""
    if verdict == "forbidden":
        return (
            f'Add `0 issue "{ca}"` to the CAA records before the certificate of {host} is renewed, or '
            "move the certificate to a CA the records allow; otherwise the renewal will be refused."
        )
    return (
        f'Publish CAA records at the apex naming only the CAs you use, e.g. `0 issue "{ca}"` and '
        '`0 iodef "mailto:security@<apex>"`, so no other CA can issue certificates for your names.'
    )
