"""Email-stage SPF checks: `email.spf` (the published record) and `email.spf_senders`
(every approved sender IP passes check_host, a documentation address does not).

Both run once on the `[email] domain`, or the apex when none is set; the result's target is
that domain. Three outcomes stay apart: no record (fail, not found), DNS error (error, never
"missing") and an invalid record (fail, with the raw text). The fix is always a record the
operator can paste.
"""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.email.records import spf_rows
from launchwizard.email.spf import MAX_LOOKUPS, MAX_VOID_LOOKUPS, SpfRecord, SpfSyntaxError, is_spf, parse
from launchwizard.email.spf_eval import ResolverDns, check_host
from launchwizard.email.spf_static import Analysis, analyze
from launchwizard.results import Result, Severity, Status

DOCUMENTATION_IP = "192.0.2.1"  # TEST-NET-1 (RFC 5737): no real sender uses it
RECORD_WARN_BYTES = 450  # above this the TXT answer risks UDP truncation (RFC 7208 §3.4)


# ---------------------------------------------------------------- email.spf


async def spf(ctx: CheckContext) -> list[Result]:
    """`email.spf`: exactly one valid record, within the limits, ending in ~all or -all."""
    domain = ctx.target
    answer = await ctx.net.dns.query(domain, "TXT")
    evidence: dict[str, Any] = {"domain": domain, "record": None}
    if answer.failed:
        summary = f"DNS error looking up the SPF record of {domain}: {answer.error} (not proof it is missing)"
        return [ctx.result(Status.ERROR, summary, evidence=evidence, target=domain)]
    records = [r for r in answer.records if is_spf(r)]
    if not records:
        evidence["txt_records"] = list(answer.records)
        summary = f"no SPF record found at {domain} ({answer.describe()})"
        _suggest(evidence, domain, suggested_record(ctx, None))
        fix = f"Publish this TXT record at {domain}:\n{evidence['suggested_record']}"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)]
    if len(records) > 1:
        evidence["record"] = records
        evidence["parsed"] = [row for text in records for row in spf_rows(text)]
        summary = f"{len(records)} SPF records at {domain}: receivers treat that as permerror"
        _suggest(evidence, domain, _merged(ctx, records))
        fix = f"Replace them with one TXT record:\n{evidence['suggested_record']}"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)]
    evidence["record"] = records[0]
    evidence["parsed"] = spf_rows(records[0])
    try:
        record = parse(records[0])
    except SpfSyntaxError as exc:
        summary = f"invalid SPF record at {domain}: {exc}"
        _suggest(evidence, domain, _merged(ctx, records))
        fix = f"Replace the record with:\n{evidence['suggested_record']}"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)]
    analysis = await analyze(record, domain, ResolverDns(ctx.net.dns))
    return [_judge(ctx, domain, record, analysis, evidence)]


def _judge(
    ctx: CheckContext, domain: str, record: SpfRecord, analysis: Analysis, evidence: dict[str, Any]
) -> Result:
    """Turn the static analysis into one verdict: failures first, then warnings."""
    all_term = record.all_term
    redirect = record.modifier("redirect")
    evidence.update(
        {
            "lookups": analysis.lookups,
            "lookups_per_term": analysis.per_term,
            "void_lookups": analysis.void_lookups,
            "all": all_term.text if all_term else None,
            "bytes": len(record.raw.encode()),
        }
    )
    if analysis.void_terms:
        evidence["void_terms"] = analysis.void_terms
    failures, warnings = _findings(record, analysis)
    missing = _missing_includes(ctx, record)
    if missing:
        evidence["missing_includes"] = missing
        warnings.append(
            f"approved include{'s' if len(missing) > 1 else ''} {', '.join(missing)} not in the record"
        )
    fix = f"Publish this record instead:\n{suggested_record(ctx, record)}"
    if failures or warnings:
        _suggest(evidence, domain, suggested_record(ctx, record))
    if failures:
        return ctx.result(Status.FAIL, "; ".join(failures), evidence=evidence, fix=fix, target=domain)
    if analysis.dns_errors:
        evidence["dns_errors"] = analysis.dns_errors
        summary = "DNS errors while following the record: " + "; ".join(analysis.dns_errors)
        return ctx.result(Status.ERROR, summary, evidence=evidence, target=domain)
    if warnings:
        return ctx.result(
            Status.WARN, "; ".join(warnings), evidence=evidence, fix=fix, severity=Severity.LOW, target=domain
        )
    ending = all_term.text if all_term else f"redirect={redirect.value if redirect else ''}"
    summary = f"one valid record, {analysis.lookups}/{MAX_LOOKUPS} lookups, ends in {ending}"
    return ctx.result(Status.PASS, summary, evidence=evidence, target=domain)


def _findings(record: SpfRecord, analysis: Analysis) -> tuple[list[str], list[str]]:
    failures: list[str] = list(analysis.problems)
    warnings: list[str] = []
    if analysis.lookups > MAX_LOOKUPS:
        failures.append(f"needs {analysis.lookups}/{MAX_LOOKUPS} DNS lookups: receivers return permerror")
    if analysis.void_lookups > MAX_VOID_LOOKUPS:
        failures.append(
            f"{analysis.void_lookups}/{MAX_VOID_LOOKUPS} void lookups: receivers return permerror"
        )
    all_term = record.all_term
    if all_term is None and record.modifier("redirect") is None:
        failures.append("no 'all' at the end: unlisted senders get neutral instead of being refused")
    elif all_term is not None and all_term.qualifier in "+?":
        failures.append(f"'{all_term.text}' lets any server on the internet send as this domain")
    if any(t.name == "ptr" for t in record.terms):
        warnings.append("'ptr' is discouraged (RFC 7208 §5.5): slow, and some receivers ignore it")
    if all_term is not None and record.terms[-1] is not all_term:
        warnings.append(f"terms after '{all_term.text}' are never evaluated")
    if len(record.raw.encode()) > RECORD_WARN_BYTES:
        warnings.append(f"record is {len(record.raw.encode())} bytes: the answer may not fit in UDP")
    return failures, warnings


def _missing_includes(ctx: CheckContext, record: SpfRecord) -> list[str]:
    """`[email] approved_includes` entries the record does not include directly."""
    present = {(t.domain_spec or "").rstrip(".").lower() for t in record.terms if t.name == "include"}
    return [i for i in ctx.sprint.email.approved_includes if i.rstrip(".").lower() not in present]


def _suggest(evidence: dict[str, Any], domain: str, record: str) -> None:
    """The record to paste and where: the evidence keys the TUI shows and copies."""
    evidence["suggested_record"] = record
    evidence["publish_at"] = domain


def suggested_record(ctx: CheckContext, record: SpfRecord | None) -> str:
    """A record to paste: the existing terms kept (without ptr or a permissive all), the
    configured includes and sender IPs added, ending in ~all when the record already ended
    so, else -all (never +all or ?all)."""
    terms: list[str] = []
    if record is not None:
        terms = [t.text for t in record.terms if t.name not in ("all", "ptr", "redirect")]
    for include in ctx.sprint.email.approved_includes:
        _add(terms, f"include:{include}")
    for sender in ctx.sprint.email.sender_ips:
        _add(terms, f"ip{ipaddress.ip_network(sender, strict=False).version}:{sender}")
    redirect = record.modifier("redirect") if record is not None else None
    all_term = record.all_term if record is not None else None
    ending = (
        [redirect.text]
        if redirect is not None and all_term is None
        else ["~all" if all_term is not None and all_term.qualifier == "~" else "-all"]
    )
    return " ".join(["v=spf1", *terms, *ending])


def _add(terms: list[str], term: str) -> None:
    if term.lower() not in (t.lower() for t in terms):
        terms.append(term)


def _merged(ctx: CheckContext, records: list[str]) -> str:
    """One record from several (or the valid terms of an invalid one): every valid term of
    each, once, ending in -all."""
    terms: list[str] = []
    for text in records:
        for word in text[6:].split(" "):
            try:
                candidate = parse(f"v=spf1 {word}") if word else None
            except SpfSyntaxError:
                continue
            if candidate and candidate.terms and candidate.terms[0].name not in ("all", "ptr", "redirect"):
                _add(terms, word)
    return suggested_record(ctx, parse(" ".join(["v=spf1", *terms])))


# ---------------------------------------------------------------- email.spf_senders


async def senders(ctx: CheckContext) -> list[Result]:
    """`email.spf_senders`: each `[email] sender_ips` entry passes; 192.0.2.1 must not."""
    domain = ctx.target
    dns = ResolverDns(ctx.net.dns)
    entries = (*ctx.sprint.email.sender_ips, DOCUMENTATION_IP)
    addresses = [_probe_address(sender) for sender in entries]
    results = await asyncio.gather(
        *(check_host(ip, domain, f"postmaster@{domain}", domain, dns) for ip in addresses)
    )
    outcomes = {
        sender: {"ip": ip, "result": r.result, "lookups": r.lookups}
        for sender, ip, r in zip(entries, addresses, results, strict=True)
    }
    evidence: dict[str, Any] = {"domain": domain, "record": await _raw_record(ctx, domain)}
    raw = evidence["record"]
    if raw is not None:
        evidence["parsed"] = [
            row for text in ([raw] if isinstance(raw, str) else raw) for row in spf_rows(text)
        ]
    evidence["senders"] = outcomes
    return [_judge_senders(ctx, domain, outcomes, evidence)]


def _probe_address(sender: str) -> str:
    """An address to test for a sender entry: the address, or the first one of a network."""
    network = ipaddress.ip_network(sender, strict=False)
    return str(network.network_address)


async def _raw_record(ctx: CheckContext, domain: str) -> str | list[str] | None:
    """The raw SPF record(s) for the evidence; the resolver's cache makes this free."""
    answer = await ctx.net.dns.query(domain, "TXT")
    records = [r for r in answer.records if is_spf(r)]
    return records[0] if len(records) == 1 else (records or None)


def _judge_senders(
    ctx: CheckContext, domain: str, outcomes: dict[str, dict[str, Any]], evidence: dict[str, Any]
) -> Result:
    configured = [s for s in outcomes if s != DOCUMENTATION_IP]
    errors = [s for s in outcomes if outcomes[s]["result"] == "temperror"]
    if errors:
        summary = f"DNS error while evaluating SPF for {', '.join(errors)} (temperror): not a verdict"
        return ctx.result(Status.ERROR, summary, evidence=evidence, target=domain)
    failing = [s for s in configured if outcomes[s]["result"] != "pass"]
    problems = [f"{s} gets {outcomes[s]['result']}" for s in failing]
    if outcomes[DOCUMENTATION_IP]["result"] == "pass":
        problems.append(f"the documentation address {DOCUMENTATION_IP} passes: the record lets anyone send")
    if problems:
        _suggest(evidence, domain, suggested_record(ctx, _parsed(evidence["record"])))
        fix = f"Publish this SPF record at {domain}:\n{evidence['suggested_record']}"
        return ctx.result(Status.FAIL, "; ".join(problems), evidence=evidence, fix=fix, target=domain)
    if not configured:
        summary = f"no [email] sender_ips configured; only checked that {DOCUMENTATION_IP} does not pass"
        return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.LOW, target=domain)
    summary = f"all {len(configured)} approved senders pass; {DOCUMENTATION_IP} does not"
    return ctx.result(Status.PASS, summary, evidence=evidence, target=domain)


def _parsed(raw: Any) -> SpfRecord | None:
    if not isinstance(raw, str):
        return None
    try:
        return parse(raw)
    except SpfSyntaxError:
        return None
