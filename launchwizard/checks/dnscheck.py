"""DNS checks of the audit stage: `dns.records` and `dns.nameservers`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.config import Nameserver
from launchwizard.net.dns import DnsAnswer, Outcome
from launchwizard.results import Result, Severity, Status

PROVIDERS = (
    (".ns.cloudflare.com", "Cloudflare"),
    (".awsdns-", "Amazon Route 53"),
    (".azure-dns.", "Azure DNS"),
    (".googledomains.com", "Google Cloud DNS"),
    ("ns-cloud-", "Google Cloud DNS"),
    (".domaincontrol.com", "GoDaddy"),
    (".registrar-servers.com", "Namecheap"),
    (".nsone.net", "NS1"),
    (".dnsimple.com", "DNSimple"),
    (".dnsimple-edge.", "DNSimple"),
    (".vercel-dns.com", "Vercel"),
    (".digitalocean.com", "DigitalOcean"),
    (".nsxone.net", "Netlify"),
    (".ultradns.", "UltraDNS"),
    (".akam.net", "Akamai"),
    (".hetzner.com", "Hetzner"),
    (".gandi.net", "Gandi"),
    (".ovh.net", "OVHcloud"),
)


def provider_of(ns_name: str) -> str:
    """Name the DNS provider behind a name server host name, or "other"."""
    name = "." + ns_name.rstrip(".").lower() + "."
    return next((provider for marker, provider in PROVIDERS if marker in name), "other")


async def records(ctx: CheckContext) -> list[Result]:
    """`dns.records`: the host resolves, and to what `[dns.expect]` declares."""
    host = ctx.target
    cname, a, aaaa = await asyncio.gather(
        ctx.net.dns.query(host, "CNAME"), ctx.net.dns.query(host, "A"), ctx.net.dns.query(host, "AAAA")
    )
    evidence = _found_evidence(cname, a, aaaa)
    expect = ctx.sprint.dns_expect.get(host)
    if expect is not None:
        evidence["expected"] = _expect_json(expect)
    pin = ctx.sprint.network.pins.get(host)
    if pin:
        evidence["pinned_for_probes"] = pin
    if a.failed and aaaa.failed:
        return [ctx.result(Status.ERROR, f"DNS lookups failed: {a.error}", evidence=evidence)]
    if a.outcome is Outcome.NXDOMAIN:
        return [_missing(ctx, evidence, f"{host} does not exist in DNS (NXDOMAIN)")]
    if not a.records and not aaaa.records:
        if a.failed or aaaa.failed:
            failed = a if a.failed else aaaa
            return [ctx.result(Status.ERROR, failed.describe(), evidence=evidence)]
        return [_missing(ctx, evidence, f"{host} has no A or AAAA record")]
    if expect is None:
        summary = f"resolves to {_addresses(a, aaaa)}; no expectation declared in [dns.expect]"
        return [ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)]
    mismatches = _mismatches(expect, cname, a, aaaa)
    if mismatches:
        fix = (
            f"At the DNS provider, set the records of {host} to "
            f"{_expect_text(expect)}, remove the others, and re-run the check once the old "
            "TTL has passed."
        )
        return [ctx.result(Status.FAIL, "; ".join(mismatches), evidence=evidence, fix=fix)]
    if a.failed or aaaa.failed:
        failed = a if a.failed else aaaa
        summary = f"expected records found, but {failed.describe()}"
        return [ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.LOW)]
    return [ctx.result(Status.PASS, f"resolves as expected: {_expect_text(expect)}", evidence=evidence)]


def _missing(ctx: CheckContext, evidence: dict[str, Any], summary: str) -> Result:
    host = ctx.target
    canonical_host = ctx.sprint.canonical.split("//", 1)[-1].split("/", 1)[0].split(":")[0]
    severity = Severity.CRITICAL if host in (canonical_host, ctx.sprint.apex) else ctx.spec.severity
    fix = (
        f"Create the record for {host} at the DNS provider of {ctx.sprint.apex} "
        "(an A/AAAA record for the server, or a CNAME to the hosting provider's target), "
        "or remove the host from [domains] hosts if it is not part of the launch."
    )
    return ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, severity=severity)


def _found_evidence(cname: DnsAnswer, a: DnsAnswer, aaaa: DnsAnswer) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    chain = a.cname_chain or aaaa.cname_chain or cname.records
    if chain:
        evidence["cname_chain"] = [c.rstrip(".") + "." for c in chain]
    for answer in (a, aaaa):
        key = answer.rdtype
        if answer.found:
            evidence[key] = list(answer.records)
        elif answer.failed:
            evidence[key] = f"error: {answer.error}"
        else:
            evidence[key] = str(answer.outcome)
    return evidence


def _expect_json(expect: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if expect.a:
        data["A"] = list(expect.a)
    if expect.aaaa:
        data["AAAA"] = list(expect.aaaa)
    if expect.cname:
        data["CNAME"] = expect.cname
    return data


def _expect_text(expect: Any) -> str:
    parts = [f"{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in _expect_json(expect).items()]
    return "; ".join(parts) or "(nothing declared)"


def _addresses(a: DnsAnswer, aaaa: DnsAnswer) -> str:
    return ", ".join([*a.records, *aaaa.records])


def _mismatches(expect: Any, cname: DnsAnswer, a: DnsAnswer, aaaa: DnsAnswer) -> list[str]:
    """Differences between the declared and the published records, one sentence each."""
    problems = []
    first_hop = (a.cname_chain or aaaa.cname_chain or cname.records or ("",))[0]
    if expect.cname and first_hop.rstrip(".").lower() != expect.cname.rstrip(".").lower():
        seen = f"CNAME {first_hop}" if first_hop else "no CNAME"
        problems.append(f"expected CNAME {expect.cname}, found {seen}")
    for label, wanted, answer in (("A", expect.a, a), ("AAAA", expect.aaaa, aaaa)):
        if wanted and sorted(answer.records) != sorted(wanted):
            seen = ", ".join(answer.records) if answer.records else answer.describe()
            problems.append(f"expected {label} {', '.join(wanted)}, found {seen}")
    return problems


@dataclass
class _ServerView:
    """One name server address and what it said about the zone."""

    name: str
    address: str | None
    serial: int | None = None
    ns_set: tuple[str, ...] = ()
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "address": self.address}
        if self.serial is not None:
            data["soa_serial"] = self.serial
        if self.ns_set:
            data["ns"] = list(self.ns_set)
        if self.problem:
            data["problem"] = self.problem
        return data


async def nameservers(ctx: CheckContext) -> list[Result]:
    """`dns.nameservers`: the NS set, its provider, and whether every server answers for the zone."""
    zone = ctx.target
    ns = await ctx.net.dns.query(zone, "NS")
    if ns.failed:
        return [ctx.result(Status.ERROR, ns.describe())]
    if not ns.found:
        fix = f"Delegate {zone} at the registrar to your DNS provider's name servers."
        sev = Severity.CRITICAL
        return [ctx.result(Status.FAIL, ns.describe(), fix=fix, severity=sev)]
    names = sorted(r.rstrip(".").lower() for r in ns.records)
    views = await asyncio.gather(*(_inspect_server(ctx, zone, name) for name in names))
    flat = [v for group in views for v in group]
    providers = sorted({provider_of(n) for n in names})
    evidence: dict[str, Any] = {
        "ns": [n + "." for n in names],
        "provider": providers[0] if len(providers) == 1 else "mixed: " + ", ".join(providers),
        "servers": [v.to_json() for v in flat],
    }
    return [_judge_servers(ctx, zone, names, flat, evidence)]


async def _inspect_server(ctx: CheckContext, zone: str, name: str) -> list[_ServerView]:
    """Resolve one NS name and ask each of its addresses for the zone's SOA and NS."""
    a, aaaa = await asyncio.gather(ctx.net.dns.query(name, "A"), ctx.net.dns.query(name, "AAAA"))
    addresses = [*a.records, *aaaa.records]
    if not addresses:
        reason = a.describe() if a.failed else f"{name} has no address"
        return [_ServerView(name, None, problem=reason)]
    port = ctx.sprint.network.ports.dns
    return list(await asyncio.gather(*(_ask(ctx, zone, name, Nameserver(ip, port)) for ip in addresses)))


async def _ask(ctx: CheckContext, zone: str, name: str, server: Nameserver) -> _ServerView:
    soa, ns = await asyncio.gather(
        ctx.net.dns.ask_server(server, zone, "SOA"), ctx.net.dns.ask_server(server, zone, "NS")
    )
    view = _ServerView(name, str(server))
    if soa.error:
        view.problem = f"no answer: {soa.error}"
    elif soa.rcode != "NOERROR":
        view.problem = f"answers {soa.rcode} for {zone} (lame delegation)"
    elif not soa.authoritative:
        view.problem = f"not authoritative for {zone} (lame delegation)"
    elif "SOA" not in soa.answer:
        view.problem = f"no SOA for {zone}"
    else:
        view.serial = _serial(soa.answer["SOA"][0])
        view.ns_set = tuple(sorted(n.rstrip(".").lower() for n in ns.answer.get("NS", ())))
    return view


def _serial(soa_text: str) -> int | None:
    fields = soa_text.split()
    try:
        return int(fields[2])
    except (IndexError, ValueError):
        return None


def _judge_servers(
    ctx: CheckContext, zone: str, names: list[str], views: list[_ServerView], evidence: dict[str, Any]
) -> Result:
    lame = [v for v in views if v.problem]
    serials = {v.serial for v in views if v.serial is not None}
    ns_sets = {v.ns_set for v in views if v.ns_set}
    if lame:
        listed = ", ".join(f"{v.name} ({v.address or 'no address'}): {v.problem}" for v in lame)
        fix = (
            f"Remove the broken name servers from the delegation of {zone} at the registrar, "
            "or configure the zone on them; every NS listed must answer authoritatively."
        )
        return ctx.result(
            Status.FAIL,
            f"{len(lame)} of {len(views)} name servers are lame: {listed}",
            evidence=evidence,
            fix=fix,
        )
    warnings = []
    if len(names) < 2:
        warnings.append("only one name server: a single outage takes the whole domain down")
    if len(serials) > 1:
        warnings.append(f"SOA serials differ between servers ({', '.join(map(str, sorted(serials)))})")
    if len(ns_sets) > 1 or (ns_sets and set(names) not in [set(s) for s in ns_sets]):
        warnings.append("the servers' own NS records differ from the delegation")
    if warnings:
        fix = (
            "Use at least two name servers on separate networks, and make sure every server "
            "serves the same zone version (check zone transfers or the provider's sync)."
        )
        return ctx.result(
            Status.WARN, "; ".join(warnings), evidence=evidence, fix=fix, severity=Severity.MEDIUM
        )
    provider = evidence["provider"]
    provider = "provider not recognised" if provider == "other" else provider
    summary = f"{len(names)} name servers ({provider}) all answer authoritatively and agree"
    return ctx.result(Status.PASS, summary, evidence=evidence)
