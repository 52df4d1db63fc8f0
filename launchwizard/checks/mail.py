"""Email checks of the `email` stage: `email.dmarc`, `email.dkim` and `email.mx`.

Each check looks at the sending domain (`[email] domain`, else the apex) and keeps three
outcomes apart: not found (fail with the record to publish), DNS error (error: nothing is
proven, so never "missing") and invalid (fail with the raw text beside the problems).
"""

from __future__ import annotations

import asyncio
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.email.dkim import COMMON_SELECTORS, DkimKey, parse_dkim_key, selector_name
from launchwizard.email.dmarc import (
    Discovery,
    DmarcRecord,
    destination_authorised,
    discover,
    parse_dmarc,
    same_organisation,
)
from launchwizard.email.mx import (
    MxRecord,
    StsPolicy,
    parse_mta_sts_record,
    parse_mx,
    parse_sts_policy,
    parse_tls_rpt_record,
)
from launchwizard.email.records import dkim_rows, dkim_suggestion, dmarc_rows, dmarc_suggestion
from launchwizard.email.txtrecord import txt_texts
from launchwizard.net.dns import DnsAnswer, Outcome
from launchwizard.net.http import FetchError
from launchwizard.results import Result, Severity, Status

ALIGNMENT = {"r": "relaxed (subdomains of the From domain align)", "s": "strict (exact From domain only)"}


# ---------------------------------------------------------------- DMARC


def _dmarc_fix(
    domain: str,
    record: DmarcRecord | None,
    policy: str = "quarantine",
    evidence: dict[str, Any] | None = None,
) -> str:
    """A record to paste at `_dmarc.<domain>`, keeping the existing rua and valid tags where
    there are some; stored in `evidence` as `suggested_record` when given."""
    suggested = dmarc_suggestion(record, domain, policy)
    if evidence is not None:
        evidence["suggested_record"] = suggested
        evidence["publish_at"] = f"_dmarc.{domain}"
    return f'Publish one TXT record at _dmarc.{domain}: "{suggested}"'


async def dmarc(ctx: CheckContext) -> list[Result]:
    """`email.dmarc`: exactly one valid policy, its strength, reports and their authorisation."""
    domain = ctx.target
    found = await discover(ctx.net.dns, domain)
    evidence: dict[str, Any] = {"domain": domain, "lookups": [lk.to_json() for lk in found.lookups]}
    if found.notes:
        evidence["notes"] = list(found.notes)
    if found.outcome == "error":
        summary = f"DNS error while looking for the DMARC policy: {found.error}"
        return [ctx.result(Status.ERROR, summary, evidence=evidence, target=domain)]
    if found.outcome == "not_found":
        return [_dmarc_missing(ctx, domain, evidence)]
    evidence["found_at"] = found.name
    evidence["raw"] = found.texts if found.outcome == "multiple" else found.texts[0]
    evidence["record"] = evidence["raw"]
    if found.outcome == "multiple":
        evidence["parsed"] = [row for text in found.texts for row in dmarc_rows(parse_dmarc(text))]
        summary = f"{len(found.texts)} DMARC records at {found.name}: receivers then apply no policy at all"
        fix = f"Delete all but one of the DMARC records at {found.name}. " + _dmarc_fix(
            domain, None, evidence=evidence
        )
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)]
    assert found.record is not None
    evidence["parsed"] = dmarc_rows(found.record)
    evidence["tags"] = dict(found.record.tags)
    if not found.record.valid:
        evidence["errors"] = list(found.record.errors)
        summary = f"the DMARC record at {found.name} is invalid: " + "; ".join(found.record.errors)
        fix = "Replace it. " + _dmarc_fix(domain, found.record, evidence=evidence)
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)]
    return [await _judge_dmarc(ctx, domain, found, evidence)]


def _dmarc_missing(ctx: CheckContext, domain: str, evidence: dict[str, Any]) -> Result:
    summary = f"no DMARC record for {domain}: anyone can send mail as @{domain} and receivers cannot tell"
    fix = (
        _dmarc_fix(domain, None, "none", evidence)
        + ", read the reports for two weeks, then move to p=quarantine and p=reject."
    )
    return ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)


async def _judge_dmarc(ctx: CheckContext, domain: str, found: Discovery, evidence: dict[str, Any]) -> Result:
    """A valid record: policy strength, reports, authorisation and alignment, worst first."""
    record = found.record
    assert record is not None
    policy = record.subdomain_policy if found.inherited else record.policy
    evidence["effective_policy"] = policy
    evidence["alignment"] = {"dkim": ALIGNMENT[record.adkim], "spf": ALIGNMENT[record.aspf]}
    # RFC 7489 §7.1: the authorisation names the domain that published the record.
    publisher = (found.name or "").removeprefix("_dmarc.") or domain
    auth = await _authorisations(ctx, publisher, record)
    if auth:
        evidence["report_authorisation"] = auth
    problems, status = _dmarc_problems(record, policy, auth)
    where = f"inherited from {found.name}" if found.inherited else f"at {found.name}"
    evidence["warnings"] = record.warnings
    if status is Status.PASS:
        summary = f"p={policy} {where}; reports go to {', '.join(u.uri for u in record.rua)}"
        return ctx.result(Status.PASS, summary, evidence=evidence, target=domain)
    summary = f"p={policy} {where}: " + "; ".join(problems)
    unauthorised = [d for d, v in auth.items() if v["authorised"] == "no"]
    if policy == "none" or record.testing or not record.rua:
        # p=none moves to quarantine; a stronger policy stays, with a rua and without t=y.
        fix = _dmarc_fix(
            domain, record, "quarantine" if policy == "none" else policy or "quarantine", evidence
        )
    elif unauthorised:
        evidence["suggested_record"] = "v=DMARC1"
        evidence["publish_at"] = f"{publisher}._report._dmarc.{unauthorised[0]}"
        fix = "The policy itself is fine."
    else:
        fix = _dmarc_fix(domain, record, policy or "quarantine")
    if policy == "none":
        fix += " once the aggregate reports show all your senders pass; then p=reject."
    for dest in unauthorised:
        fix += f' Ask {dest} to publish TXT "v=DMARC1" at {publisher}._report._dmarc.{dest}.'
    severity = Severity.HIGH if policy == "none" else Severity.MEDIUM
    return ctx.result(status, summary, evidence=evidence, fix=fix, severity=severity, target=domain)


def _dmarc_problems(
    record: DmarcRecord, policy: str | None, auth: dict[str, dict[str, str]]
) -> tuple[list[str], Status]:
    problems: list[str] = []
    if policy == "none":
        problems.append(
            "p=none only monitors; spoofed mail is still delivered (go to quarantine, then reject)"
        )
    if record.testing:
        problems.append("t=y asks receivers to treat the policy as a test")
    if not record.rua:
        problems.append("no rua= report address: you will never see who sends as your domain")
    for dest, verdict in auth.items():
        if verdict["authorised"] == "no":
            problems.append(f"{dest} has not authorised reports for this domain; receivers drop them")
        elif verdict["authorised"] == "error":
            problems.append(f"could not check report authorisation at {dest} (DNS error)")
    return problems, Status.WARN if problems else Status.PASS


async def _authorisations(ctx: CheckContext, domain: str, record: DmarcRecord) -> dict[str, dict[str, str]]:
    """For each external rua/ruf mailbox domain, whether it accepts reports about us."""
    destinations = sorted(
        {u.domain for u in (*record.rua, *record.ruf) if u.domain and not same_organisation(domain, u.domain)}
    )
    verdicts = await asyncio.gather(*(destination_authorised(ctx.net.dns, domain, d) for d in destinations))
    return {
        d: {"authorised": v, "detail": detail} for d, (v, detail) in zip(destinations, verdicts, strict=True)
    }


# ---------------------------------------------------------------- DKIM


async def _selector(ctx: CheckContext, selector: str, domain: str) -> tuple[str, DnsAnswer, list[DkimKey]]:
    answer = await ctx.net.dns.query(selector_name(selector, domain), "TXT")
    keys = [parse_dkim_key(t) for t in txt_texts(answer.records)] if answer.found else []
    return selector, answer, keys


def _selector_json(answer: DnsAnswer, keys: list[DkimKey]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": answer.name, "outcome": str(answer.outcome)}
    if answer.failed:
        data["error"] = answer.error
    if keys:
        data["keys"] = [k.to_json() for k in keys]
    return data


def _dkim_records(evidence: dict[str, Any], looked: list[tuple[str, DnsAnswer, list[DkimKey]]]) -> None:
    """`record` and `parsed` as DNS name -> raw text / rows, for every key record found."""
    found = [(a.name, k) for _, a, keys in looked for k in keys]
    if found:
        evidence["record"] = {name: key.raw for name, key in found}
        evidence["parsed"] = {name: dkim_rows(key) for name, key in found}


def _dkim_suggest(
    evidence: dict[str, Any],
    looked: list[tuple[str, DnsAnswer, list[DkimKey]]],
    verdicts: list[tuple[Status, str]],
) -> str:
    """The key record to publish for the first selector that needs one, and a sentence for
    every selector: where to publish it."""
    lines: list[str] = []
    for (_, answer, keys), (status, _) in zip(looked, verdicts, strict=True):
        if status not in (Status.FAIL, Status.WARN):
            continue
        suggested = dkim_suggestion(keys[0] if len(keys) == 1 else None)
        if "suggested_record" not in evidence:
            evidence["suggested_record"] = suggested
            evidence["publish_at"] = answer.name
        lines.append(f'{answer.name}: "{suggested}"')
    return " Paste: " + "; ".join(lines) + "." if lines else ""


async def dkim(ctx: CheckContext) -> list[Result]:
    """`email.dkim`: every configured selector's key, or a probe of common provider selectors."""
    domain = ctx.target
    configured = ctx.sprint.email.dkim_selectors
    selectors = configured or COMMON_SELECTORS
    looked = await asyncio.gather(*(_selector(ctx, s, domain) for s in selectors))
    evidence: dict[str, Any] = {
        "domain": domain,
        "selectors": {s: _selector_json(a, k) for s, a, k in looked},
    }
    _dkim_records(evidence, [(s, a, k) for s, a, k in looked if not configured and a.found] or looked)
    if not configured:
        return [_judge_probe(ctx, domain, looked, evidence)]
    return [_judge_selectors(ctx, domain, looked, evidence)]


def _verdict(selector: str, answer: DnsAnswer, keys: list[DkimKey]) -> tuple[Status, str]:
    """One selector's status and sentence."""
    if answer.failed:
        return Status.ERROR, f"{selector}: DNS error ({answer.error})"
    if not answer.found:
        return Status.FAIL, f"{selector}: no key record at {answer.name}"
    if len(keys) > 1:
        return Status.FAIL, f"{selector}: {len(keys)} TXT records; receivers cannot pick one"
    key = keys[0]
    if not key.valid:
        return Status.FAIL, f"{selector}: invalid key record ({'; '.join(key.errors)})"
    if key.revoked:
        return Status.FAIL, f"{selector}: key revoked (empty p=); mail signed with it fails DKIM"
    strength = key.strength()
    phrase = f"{selector}: {key.describe()}"
    if strength == "fail":
        return Status.FAIL, phrase + f" is too weak (RSA must be at least {1024}, ideally 2048 bits)"
    if strength == "warn":
        return Status.WARN, phrase + " is weak; rotate to 2048 bits"
    if key.testing:
        return Status.WARN, phrase + ": receivers treat failures as unsigned while t=y is set"
    return Status.PASS, phrase


_RANK = {Status.PASS: 0, Status.WARN: 1, Status.ERROR: 2, Status.FAIL: 3}


def _judge_selectors(
    ctx: CheckContext,
    domain: str,
    looked: list[tuple[str, DnsAnswer, list[DkimKey]]],
    evidence: dict[str, Any],
) -> Result:
    verdicts = [_verdict(s, a, k) for s, a, k in looked]
    worst = max((v[0] for v in verdicts), key=_RANK.__getitem__)
    if worst is Status.ERROR and any(v[0] is Status.FAIL for v in verdicts):
        worst = Status.FAIL
    summary = "; ".join(v[1] for v in verdicts)
    fix = ""
    if worst in (Status.FAIL, Status.WARN):
        fix = (
            "In the mail provider's DKIM settings, generate a 2048-bit RSA (or Ed25519) key for each "
            f"selector and publish the TXT record it shows at <selector>._domainkey.{domain}, "
            '"v=DKIM1; k=rsa; p=<base64 key>"; remove t=y once signatures verify.'
        ) + _dkim_suggest(evidence, looked, verdicts)
    return ctx.result(worst, summary, evidence=evidence, fix=fix, target=domain)


def _judge_probe(
    ctx: CheckContext,
    domain: str,
    looked: list[tuple[str, DnsAnswer, list[DkimKey]]],
    evidence: dict[str, Any],
) -> Result:
    """No selectors configured: report which common ones exist; absence proves little."""
    found = [(s, a, k) for s, a, k in looked if a.found]
    failed = [s for s, a, _ in looked if a.failed]
    evidence["probed"] = list(COMMON_SELECTORS)
    evidence["found"] = [s for s, _, _ in found]
    fix = (
        f"Ask each service that sends as @{domain} for its DKIM selector and list them in "
        "sprint.toml: [email] dkim_selectors = [...]."
    )
    if found:
        verdicts = [_verdict(s, a, k) for s, a, k in found]
        worst = max((v[0] for v in verdicts), key=_RANK.__getitem__)
        summary = "no selectors configured; found " + "; ".join(v[1] for v in verdicts)
        return ctx.result(worst, summary, evidence=evidence, fix=fix, target=domain, severity=Severity.MEDIUM)
    if failed:
        summary = f"no selectors configured, and DNS errors for {', '.join(failed)}; nothing is proven"
        return ctx.result(Status.ERROR, summary, evidence=evidence, target=domain)
    summary = (
        f"no selectors configured and none of the common selectors ({', '.join(COMMON_SELECTORS)}) "
        "has a key; DKIM may use another selector or be missing"
    )
    return ctx.result(
        Status.WARN, summary, evidence=evidence, fix=fix, target=domain, severity=Severity.MEDIUM
    )


# ---------------------------------------------------------------- MX, MTA-STS, TLS-RPT


async def mx(ctx: CheckContext) -> list[Result]:
    """`email.mx`: MX present (or null MX), sane targets that resolve; MTA-STS and TLS-RPT when present."""
    domain = ctx.target
    answer = await ctx.net.dns.query(domain, "MX")
    evidence: dict[str, Any] = {"domain": domain, "mx": list(answer.records)}
    if answer.failed:
        return [ctx.result(Status.ERROR, answer.describe(), evidence=evidence, target=domain)]
    if not answer.found:
        summary = f"{domain} has no MX record: mail to it falls back to its A record or bounces"
        fix = f'Publish the MX records your mail provider gives, e.g. "{domain}. MX 10 mx.provider.example."'
        if answer.outcome is Outcome.NXDOMAIN:
            summary = f"{domain} does not exist in DNS (NXDOMAIN)"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)]
    records = [parse_mx(r) for r in answer.records]
    parsed = [r for r in records if r is not None]
    if any(r.is_null for r in parsed):
        return [_judge_null_mx(ctx, domain, parsed, evidence)]
    problems, errors = await _mx_targets(ctx, parsed, evidence)
    sts_problems, sts_errors = await _mta_sts(ctx, domain, parsed, evidence)
    rpt_problems, rpt_errors = await _tls_rpt(ctx, domain, evidence)
    problems += sts_problems + rpt_problems
    errors += sts_errors + rpt_errors
    return [_judge_mx(ctx, domain, parsed, problems, errors, evidence)]


def _judge_null_mx(
    ctx: CheckContext, domain: str, parsed: list[MxRecord], evidence: dict[str, Any]
) -> Result:
    if len(parsed) > 1:
        summary = "null MX (0 .) published together with other MX records; senders may still try them"
        fix = f"Either remove the null MX or the other MX records of {domain}."
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, target=domain)
    evidence["null_mx"] = True
    summary = f"null MX: {domain} declares it receives no mail (RFC 7505); bounces to it fail at once"
    return ctx.result(Status.PASS, summary, evidence=evidence, target=domain, severity=Severity.INFO)


async def _mx_target(ctx: CheckContext, record: MxRecord) -> tuple[list[str], list[str], dict[str, Any]]:
    host = record.exchange
    info: dict[str, Any] = {"preference": record.preference, "host": host}
    if record.is_ip_literal:
        return [f"{host} is an IP address, not a host name; senders ignore it"], [], info
    a, aaaa = await asyncio.gather(ctx.net.dns.query(host, "A"), ctx.net.dns.query(host, "AAAA"))
    info["addresses"] = [*a.records, *aaaa.records]
    problems: list[str] = []
    errors: list[str] = []
    if a.cname_chain or aaaa.cname_chain:
        info["cname_chain"] = list(a.cname_chain or aaaa.cname_chain)
        problems.append(f"{host} is a CNAME; RFC 5321 §5.1 requires MX targets to be host names with A/AAAA")
    if not info["addresses"]:
        if a.failed or aaaa.failed:
            errors.append(f"could not resolve {host}: {(a if a.failed else aaaa).error}")
        else:
            problems.append(f"{host} does not resolve ({a.describe()}); mail to it bounces")
    return problems, errors, info


async def _mx_targets(
    ctx: CheckContext, parsed: list[MxRecord], evidence: dict[str, Any]
) -> tuple[list[str], list[str]]:
    looked = await asyncio.gather(*(_mx_target(ctx, r) for r in sorted(parsed, key=lambda r: r.preference)))
    evidence["targets"] = [info for _, _, info in looked]
    return [p for ps, _, _ in looked for p in ps], [e for _, es, _ in looked for e in es]


async def _mta_sts(
    ctx: CheckContext, domain: str, parsed: list[MxRecord], evidence: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """MTA-STS when published: the TXT record, then the policy over HTTPS, covering every MX."""
    answer = await ctx.net.dns.query(f"_mta-sts.{domain}", "TXT")
    if answer.failed:
        return [], [f"MTA-STS record lookup failed: {answer.error}"]
    texts = [t for t in txt_texts(answer.records) if t.lower().startswith("v=stsv1")]
    if not texts:
        evidence["mta_sts"] = "not published"
        return [], []
    info: dict[str, Any] = {"raw": texts}
    evidence["mta_sts"] = info
    if len(texts) > 1:
        return ["more than one MTA-STS record; senders ignore MTA-STS"], []
    record = parse_mta_sts_record(texts[0])
    if not record.valid:
        return ["MTA-STS record invalid: " + "; ".join(record.errors)], []
    url = f"https://mta-sts.{domain}/.well-known/mta-sts.txt"
    info["policy_url"] = url
    try:
        response = await ctx.net.http.request("GET", url, max_body=64 * 1024)
    except FetchError as exc:
        return [f"MTA-STS policy could not be fetched from {url}: {exc.message}"], []
    info["policy_status"] = response.status
    if response.status != 200:
        return [f"MTA-STS policy at {url} answered HTTP {response.status}, not 200"], []
    policy = parse_sts_policy(response.text)
    info["policy"] = response.text
    return _policy_problems(policy, parsed, response.header("content-type") or ""), []


def _policy_problems(policy: StsPolicy, parsed: list[MxRecord], content_type: str) -> list[str]:
    problems = ["MTA-STS policy invalid: " + e for e in policy.errors]
    if not content_type.lower().startswith("text/plain"):
        problems.append(f"MTA-STS policy served as {content_type or 'no type'}, not text/plain")
    if policy.valid and policy.mode != "none":
        uncovered = [r.exchange for r in parsed if not policy.covers(r.exchange)]
        if uncovered:
            problems.append(f"MTA-STS policy does not list MX {', '.join(uncovered)}; mail to it fails")
    if policy.mode == "testing":
        problems.append("MTA-STS is in testing mode: TLS failures are only reported, not enforced")
    return problems


async def _tls_rpt(ctx: CheckContext, domain: str, evidence: dict[str, Any]) -> tuple[list[str], list[str]]:
    answer = await ctx.net.dns.query(f"_smtp._tls.{domain}", "TXT")
    if answer.failed:
        return [], [f"TLS-RPT record lookup failed: {answer.error}"]
    texts = [t for t in txt_texts(answer.records) if t.lower().startswith("v=tlsrptv1")]
    if not texts:
        evidence["tls_rpt"] = "not published"
        return [], []
    evidence["tls_rpt"] = {"raw": texts}
    if len(texts) > 1:
        return ["more than one TLS-RPT record"], []
    record = parse_tls_rpt_record(texts[0])
    return (["TLS-RPT record invalid: " + "; ".join(record.errors)] if not record.valid else []), []


def _judge_mx(
    ctx: CheckContext,
    domain: str,
    parsed: list[MxRecord],
    problems: list[str],
    errors: list[str],
    evidence: dict[str, Any],
) -> Result:
    hosts = ", ".join(f"{r.preference} {r.exchange}" for r in sorted(parsed, key=lambda r: r.preference))
    if problems:
        fix = (
            f"Point every MX of {domain} at a host name with its own A/AAAA records (no CNAME, no IP "
            "address), as your mail provider documents; fix the MTA-STS/TLS-RPT items listed."
        )
        return ctx.result(Status.FAIL, "; ".join(problems), evidence=evidence, fix=fix, target=domain)
    if errors:
        return ctx.result(Status.ERROR, "; ".join(errors), evidence=evidence, target=domain)
    return ctx.result(Status.PASS, f"MX {hosts}; every target resolves", evidence=evidence, target=domain)
