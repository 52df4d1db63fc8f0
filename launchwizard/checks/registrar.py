"""Registrar checks of the audit stage, from the registry's own RDAP answer about the apex:
`registrar.expiry`, `registrar.status`, `registrar.delegation` and `registrar.dnssec`.

The four share one lookup per run (one bootstrap read, one question to the registry);
the live DNS they compare it with (the zone's NS set, its DNSKEYs) comes from the run's
resolver and the name servers the registry delegates to.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from launchwizard.checks.base import CheckContext
from launchwizard.config import Nameserver
from launchwizard.net.dns import Outcome
from launchwizard.rdap.client import Lookup, RdapClient
from launchwizard.rdap.dnssec import read_dnskeys
from launchwizard.rdap.domain import Registration
from launchwizard.rdap.judge import (
    Finding,
    NameServerSet,
    judge_delegation,
    judge_dnssec,
    judge_expiry,
    judge_status,
)
from launchwizard.results import Result, Severity, Status

if TYPE_CHECKING:
    from launchwizard.net import Net

LOOKUP_ROUND_TRIPS = 6
"""Sequential requests one lookup may need: bootstrap, the registry, a retry after 429,
a redirect, the registrar's link, and one to spare. The checks' own deadline adds the DNS
questions after it (registry row: round_trips)."""
CHECK_ROUND_TRIPS = LOOKUP_ROUND_TRIPS + 3
MAX_SERVERS_ASKED = 4
ZONE_NS = "the zone's own NS records"
ZONE_FIX = "make the zone's NS records list the same servers"

_LOOKUPS: weakref.WeakKeyDictionary[Net, dict[tuple[str, str], asyncio.Task[Lookup]]] = (
    weakref.WeakKeyDictionary()
)


async def registration(ctx: CheckContext) -> Lookup:
    """The run's one RDAP lookup of the target, started by whichever check asks first."""
    per_run = _LOOKUPS.setdefault(ctx.net, {})
    key = (ctx.target, ctx.sprint.rdap.bootstrap_url)
    task = per_run.get(key)
    if task is None:
        timeout = ctx.sprint.network.timeout_s
        client = RdapClient(
            ctx.net.http,
            ctx.net.dns,
            bootstrap_url=ctx.sprint.rdap.bootstrap_url,
            cache_dir=ctx.sprint.state_dir / "cache",
            timeout_s=timeout,
            budget_s=LOOKUP_ROUND_TRIPS * timeout,
        )
        task = asyncio.ensure_future(client.lookup(ctx.target))
        per_run[key] = task
    return await asyncio.shield(task)


async def expiry(ctx: CheckContext) -> list[Result]:
    """`registrar.expiry`: days until the registration expires."""
    lookup = await registration(ctx)
    if lookup.registration is None:
        return [_no_answer(ctx, lookup)]
    return [_result(ctx, lookup, judge_expiry(lookup.registration, datetime.now(UTC)))]


async def status(ctx: CheckContext) -> list[Result]:
    """`registrar.status`: holds, pending deletion, transfer and registry locks, the registrar."""
    lookup = await registration(ctx)
    if lookup.registration is None:
        return [_no_answer(ctx, lookup)]
    return [_result(ctx, lookup, judge_status(lookup.registration))]


async def delegation(ctx: CheckContext) -> list[Result]:
    """`registrar.delegation`: the registry's name servers against the zone's and any other
    assignment the sprint knows of."""
    return await delegation_against(ctx, await assigned_name_servers(ctx))


async def assigned_name_servers(ctx: CheckContext) -> list[NameServerSet]:
    """Name-server sets that someone assigned to the zone and the registry must also delegate
    to: Cloudflare's name servers for the zone, read through the cloudflare checks' shared
    access when a token is stored and the zone is on Cloudflare (none otherwise)."""
    from launchwizard.checks.cloudflare import assigned_nameservers

    names, _why_not = await assigned_nameservers(ctx)
    if not names:
        return []
    return [NameServerSet("Cloudflare's assigned name servers", tuple(names))]


async def delegation_against(ctx: CheckContext, assigned: list[NameServerSet]) -> list[Result]:
    """`registrar.delegation` with `assigned` compared besides the zone's own NS set."""
    lookup = await registration(ctx)
    reg = lookup.registration
    if reg is None:
        return [_no_answer(ctx, lookup)]
    if not reg.nameservers:
        return [_result(ctx, lookup, judge_delegation(reg, assigned))]
    live = await _zone_nameservers(ctx, reg)
    if isinstance(live, str):
        return [_result(ctx, lookup, Finding(Status.ERROR, Severity.HIGH, live))]
    return [_result(ctx, lookup, judge_delegation(reg, [live, *assigned]))]


async def dnssec(ctx: CheckContext) -> list[Result]:
    """`registrar.dnssec`: the registry's DS records against the zone's live DNSKEYs."""
    lookup = await registration(ctx)
    reg = lookup.registration
    if reg is None:
        return [_no_answer(ctx, lookup)]
    if not reg.nameservers:
        summary = f"the registry delegates {ctx.target} to no name servers: no zone to compare a DS with"
        return [_result(ctx, lookup, Finding(Status.SKIPPED, Severity.INFO, summary))]
    live = await _zone_dnskeys(ctx, reg)
    if isinstance(live, str):
        return [_result(ctx, lookup, Finding(Status.ERROR, Severity.CRITICAL, live))]
    texts, source = live
    keys, problems = read_dnskeys(texts)
    finding = judge_dnssec(reg, keys, source)
    if problems:
        finding = replace(finding, evidence={**finding.evidence, "dnskey_problems": problems})
    return [_result(ctx, lookup, finding)]


# ---------------------------------------------------------------- results


def _result(ctx: CheckContext, lookup: Lookup, finding: Finding) -> Result:
    evidence = {**finding.evidence, "rdap": lookup.provenance()}
    return ctx.result(
        finding.status, finding.summary, evidence=evidence, fix=finding.fix, severity=finding.severity
    )


def _no_answer(ctx: CheckContext, lookup: Lookup) -> Result:
    """The lookup's own outcome: skipped (the TLD has no RDAP) or an error, with the reason."""
    evidence = {"rdap": lookup.provenance()}
    if lookup.skipped is not None:
        fix = (
            "Check the expiry date, status, transfer lock, name servers and DS records in the "
            "registrar's dashboard by hand, and record them in the handover (launchwizard store set "
            "registrar.expires)."
        )
        return ctx.result(Status.SKIPPED, lookup.skipped, evidence=evidence, fix=fix, severity=Severity.INFO)
    fix = (
        "Run the check again; if it keeps failing, look the domain up at the registrar, or point "
        "[rdap] bootstrap_url at a reachable copy of IANA's dns.json."
    )
    return ctx.result(Status.ERROR, lookup.error or "the RDAP lookup failed", evidence=evidence, fix=fix)


# ---------------------------------------------------------------- live DNS


async def _zone_nameservers(ctx: CheckContext, reg: Registration) -> NameServerSet | str:
    """The NS set the zone publishes: through the resolver, else from the registry's servers
    directly (a validating resolver answers SERVFAIL for a domain with a broken DS)."""
    answer = await ctx.net.dns.query(ctx.target, "NS")
    if answer.found:
        return NameServerSet(ZONE_NS, tuple(sorted({_name(r) for r in answer.records})), ZONE_FIX)
    if answer.outcome in (Outcome.NXDOMAIN, Outcome.NODATA):
        return NameServerSet(ZONE_NS, (), ZONE_FIX)
    replies = await _ask_registry_servers(ctx, reg, "NS")
    if replies is None:
        return f"the zone's NS records could not be read: {answer.error}"
    records, _where = replies
    return NameServerSet(ZONE_NS, tuple(sorted({_name(r) for r in records})), ZONE_FIX)


async def _zone_dnskeys(ctx: CheckContext, reg: Registration) -> tuple[tuple[str, ...], str] | str:
    """The zone's DNSKEY records and where they were read: from the servers the registry
    delegates to (what validating resolvers ask), else through the resolver."""
    replies = await _ask_registry_servers(ctx, reg, "DNSKEY")
    if replies is not None:
        return replies
    answer = await ctx.net.dns.query(ctx.target, "DNSKEY")
    if answer.failed:
        return f"the zone's DNSKEY records could not be read: {answer.error}"
    return answer.records, f"the resolver ({answer.server or 'configured name servers'})"


async def _ask_registry_servers(
    ctx: CheckContext, reg: Registration, rdtype: str
) -> tuple[tuple[str, ...], str] | None:
    """The first authoritative answer for the apex from the registry's name servers, asked at
    once; None when none of them answers with authority."""
    servers = await _server_addresses(ctx, reg.nameservers[:MAX_SERVERS_ASKED])
    if not servers:
        return None
    replies = await asyncio.gather(*(ctx.net.dns.ask_server(s, ctx.target, rdtype) for _, s in servers))
    for (name, server), reply in zip(servers, replies, strict=True):
        if reply.error is None and reply.rcode == "NOERROR" and reply.authoritative:
            return tuple(reply.answer.get(rdtype, ())), f"{name} ({server.host}), asked directly"
    return None


async def _server_addresses(ctx: CheckContext, names: tuple[str, ...]) -> list[tuple[str, Nameserver]]:
    """One address per name server (IPv4 first), on the sprint's DNS port."""
    port = ctx.sprint.network.ports.dns
    answers = await asyncio.gather(
        *(ctx.net.dns.query(name, rdtype) for name in names for rdtype in ("A", "AAAA"))
    )
    found = []
    for index, name in enumerate(names):
        addresses = [*answers[2 * index].records, *answers[2 * index + 1].records]
        if addresses:
            found.append((name, Nameserver(addresses[0], port)))
    return found


def _name(record: str) -> str:
    return record.rstrip(".").lower()
