"""Header checks of the edge stage: `edge.headers` (the MDN HTTP Observatory grade) and
`edge.hsts` (internet.nl's one-year rule).

edge.headers visits each host the way the Observatory does: the https:// chain to its
final page, the http:// chain for the redirection test, and a CORS preflight with a
foreign Origin to the final URL; launchwizard.edge.observatory grades what came back.
edge.hsts reads the host's own first HTTPS response, because a policy set only on the
page a redirect lands on never protects the name the visitor typed.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from launchwizard.checks.base import CheckContext
from launchwizard.checks.edgefetch import PAGE_MAX_BODY, first_response, header_values, home_chains
from launchwizard.config.registrable import is_registrable
from launchwizard.edge.hsts import HstsPolicy, parse_hsts, preloaded
from launchwizard.edge.observatory import PROBE_ORIGIN, Observation, Page, Report, grade
from launchwizard.net.http import Chain, FetchError, HttpClient
from launchwizard.results import Result, Severity, Status

GRADABLE = (401, 403)
HSTS_PASS_S = 31_536_000
HSTS_WARN_S = 15_552_000
PASSING_GRADES = ("A+", "A", "A-")
FAILING_GRADES = ("D+", "D", "D-", "F")
HEAVY_PENALTY = -40

HEADERS_FIX = "Send these headers from the edge (CDN rules) or the app for every HTML response:\n{lines}"
HSTS_FIX = (
    "Send `Strict-Transport-Security: max-age=63072000; includeSubDomains` on every HTTPS response "
    'of {host} (nginx: `add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" '
    "always;`; Cloudflare: SSL/TLS > Edge Certificates > HSTS). Raise max-age in steps if unsure, "
    "but launch with at least one year."
)


def _cookies(chain: Chain) -> tuple[str, ...]:
    return tuple(value for hop in chain.hops for value in header_values(hop, "set-cookie"))


def _http_route(chain: Chain) -> tuple[tuple[str, ...], bool]:
    """The URLs visited from http://host/ and whether every certificate on the way was valid."""
    if chain.error_kind in ("connect", "timeout") and len(chain.hops) <= 1:
        return (), True
    urls = tuple(hop.url for hop in chain.hops if hop.status is not None)
    return urls, chain.error_kind != "tls"


async def _preflight(http: HttpClient, url: str) -> tuple[tuple[str, str], ...]:
    """The Observatory's CORS preflight: OPTIONS with a foreign Origin; no answer counts as none."""
    headers = {"Origin": PROBE_ORIGIN, "Access-Control-Request-Method": "GET"}
    try:
        response = await http.request("OPTIONS", url, headers=headers, max_body=16 * 1024)
    except FetchError:
        return ()
    return tuple(response.headers)


class Ungradable(Exception):
    """No page the Observatory would grade; `chain` is the https visit, `status` its final status."""

    def __init__(self, message: str, chain: Chain) -> None:
        super().__init__(message)
        self.message = message
        self.chain = chain


def http_twin(url: str) -> str:
    """The plain-http URL of the same host and path, on the default (configured) port."""
    parts = urlsplit(url)
    return urlunsplit(("http", parts.hostname or "", parts.path or "/", parts.query, ""))


async def observe(http: HttpClient, url: str, site_domain: str | None) -> Observation:
    """Visit `url` like the Observatory: https chain, http chain, preflight to the final URL.

    Raises Ungradable when there is no page it would grade (no answer, an error page).
    """
    https, plain = await asyncio.gather(
        http.follow_once(url, max_body=PAGE_MAX_BODY),
        http.follow_once(http_twin(url), max_body=PAGE_MAX_BODY),
    )
    final = https.final
    if final is None:
        raise Ungradable(f"no page to grade at {url}: {https.error}", https)
    if not (200 <= final.status < 400 or final.status in GRADABLE):
        message = (
            f"{final.url} answers {final.status}; like the Observatory, only a 2xx, 3xx, 401 or 403 page "
            "is graded"
        )
        raise Ungradable(message, https)
    route, route_valid = _http_route(plain)
    return Observation(
        page=Page(final.url, final.status, tuple(final.headers), final.body, _cookies(https), True),
        http_chain=route,
        http_chain_cert_valid=route_valid,
        preflight=await _preflight(http, final.url),
        site_domain=site_domain,
        site_host=(urlsplit(url).hostname or "").lower() or None,
    )


def _site_domain(ctx: CheckContext) -> str | None:
    apex = ctx.sprint.apex
    return apex if ctx.target == apex or ctx.target.endswith(f".{apex}") else None


async def headers(ctx: CheckContext) -> list[Result]:
    """`edge.headers`: the host's security headers, scored like the MDN HTTP Observatory."""
    try:
        observation = await observe(ctx.net.http, f"https://{ctx.target}/", _site_domain(ctx))
    except Ungradable as exc:
        return [_ungraded(ctx, exc)]
    return [_graded(ctx, grade(observation), observation.page.url)]


def _ungraded(ctx: CheckContext, problem: Ungradable) -> Result:
    chain = problem.chain
    evidence = {"url": chain.start, "chain": chain.to_json(), "error": chain.error}
    if chain.error_kind == "tls":
        summary = (
            f"https://{ctx.target}/ has no trusted certificate ({chain.error}); browsers show an error page "
            "instead of the site, so there are no headers to grade (tls.certificate says why)"
        )
        return ctx.result(Status.FAIL, summary, evidence=evidence, severity=Severity.HIGH)
    return ctx.result(
        Status.ERROR, f"no page to grade at https://{ctx.target}/: {chain.error}", evidence=evidence
    )


def tests_table(report: Report) -> list[dict[str, Any]]:
    """One row per Observatory test for the evidence and the wizard's table."""
    return [
        {
            "test": name,
            "result": test.result,
            "pass": test.passed,
            "score_modifier": test.modifier,
            "received": test.received,
            "recommended": test.recommended,
            "summary": test.summary,
        }
        for name, test in report.tests.items()
    ]


def _graded(ctx: CheckContext, report: Report, url: str) -> Result:
    failing = [test for test in report.tests.values() if not test.passed]
    evidence: dict[str, Any] = {
        "url": url,
        "score": report.score,
        "grade": report.grade,
        "tests_passed": report.tests_passed,
        "tests_quantity": len(report.tests),
        "bonus_counted": report.bonus_counted,
        "tests": tests_table(report),
    }
    summary = (
        f"grade {report.grade} ({report.score}/100, Observatory rules): {report.tests_passed} of "
        f"{len(report.tests)} tests pass"
    )
    if failing:
        summary += "; failing: " + ", ".join(test.name for test in failing)
    if not report.bonus_counted:
        summary += "; bonuses not counted (penalties bring the score under 90)"
    lines = [test.recommended for test in report.tests.values() if test.recommended]
    fix = HEADERS_FIX.format(lines="\n".join(lines)) if lines else ""
    if report.grade in PASSING_GRADES:
        return ctx.result(Status.PASS, summary, evidence=evidence, fix=fix, severity=Severity.INFO)
    heavy = any(test.modifier <= HEAVY_PENALTY for test in report.tests.values())
    severity = Severity.HIGH if heavy else ctx.spec.severity
    status = Status.FAIL if report.grade in FAILING_GRADES or heavy else Status.WARN
    names = [test.name for test in failing]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    headline = f"Security headers grade {report.grade} ({report.score}/100): {shown} fail"
    return ctx.result(status, summary, evidence=evidence, fix=fix, severity=severity, headline=headline)


async def hsts(ctx: CheckContext) -> list[Result]:
    """`edge.hsts`: HTTPS answers with HSTS of at least a year (internet.nl https_hsts)."""
    host = ctx.target
    https, _http = await home_chains(ctx, host)
    first = first_response(https)
    fix = HSTS_FIX.format(host=host)
    if first is None:
        if https.error_kind == "tls":
            summary = (
                f"https://{host}/ has no trusted certificate ({https.error}): browsers ignore HSTS from a "
                "host they do not trust"
            )
            return [ctx.result(Status.FAIL, summary, evidence={"error": https.error}, fix=fix)]
        return [ctx.result(Status.ERROR, f"no HTTPS answer from {host}: {https.error}")]
    values = header_values(first, "strict-transport-security")
    evidence: dict[str, Any] = {"url": first.url, "status": first.status, "received": values}
    if not values:
        summary = f"no Strict-Transport-Security header on https://{host}/ ({first.status})"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix)]
    return [_judge_hsts(ctx, values, evidence, fix)]


def _judge_hsts(ctx: CheckContext, values: list[str], evidence: dict[str, Any], fix: str) -> Result:
    """The first header is the one browsers obey (RFC 6797 §8.1); the rest are noted."""
    policy = parse_hsts(values[0])
    evidence.update(
        max_age=policy.max_age,
        include_subdomains=policy.include_subdomains,
        preload=policy.preload,
        problems=[{"level": "warn", "message": p} for p in policy.problems],
    )
    notes = _hsts_notes(ctx, policy, len(values))
    evidence["notes"] = notes
    tail = "".join(f"; {note}" for note in notes)
    status, summary = _hsts_verdict(ctx.target, policy, len(values))
    if status is Status.PASS:
        return ctx.result(status, summary + tail, evidence=evidence, severity=Severity.INFO)
    severity = Severity.LOW if status is Status.WARN else ctx.spec.severity
    return ctx.result(status, summary + tail, evidence=evidence, fix=fix, severity=severity)


def _hsts_verdict(host: str, policy: HstsPolicy, count: int) -> tuple[Status, str]:
    """internet.nl's thresholds: a year passes, 180 days warns, less fails."""
    if not policy.valid or policy.max_age is None:
        return Status.FAIL, f"HSTS header is invalid and ignored by browsers ({'; '.join(policy.problems)})"
    age = policy.max_age
    days = age // 86400
    if age == 0:
        return Status.FAIL, f"max-age=0 tells browsers to forget HSTS for {host}"
    if age < HSTS_WARN_S:
        return Status.FAIL, f"HSTS max-age is {age} s ({days} days), under 180 days"
    if age < HSTS_PASS_S:
        return Status.WARN, (
            f"HSTS max-age is {age} s ({days} days): at least 180 days, "
            "but under the one year internet.nl asks"
        )
    return (Status.WARN if count > 1 else Status.PASS), f"HSTS max-age is {age} s ({days} days)"


def _hsts_notes(ctx: CheckContext, policy: HstsPolicy, count: int) -> list[str]:
    """What the operator should know beyond the verdict: duplicates, subdomains, preload."""
    subdomains, preload, max_age = policy.include_subdomains, policy.preload, policy.max_age
    notes = []
    if count > 1:
        notes.append(
            f"sent {count} times: browsers obey only the first, and the Observatory calls it invalid; "
            "send it once"
        )
    registrable = is_registrable(ctx.target)
    if preloaded(ctx.target):
        notes.append("on Chromium's HSTS preload list: browsers use HTTPS before the first visit")
    if registrable and not subdomains:
        notes.append(
            "the registrable domain has no includeSubDomains, so its subdomains are not covered "
            "(and it cannot be preloaded)"
        )
    elif subdomains:
        notes.append("includeSubDomains covers every subdomain: make sure all of them serve HTTPS")
    if preload:
        eligible = subdomains and (max_age or 0) >= HSTS_PASS_S and registrable
        notes.append(
            "preload requested and eligible: submit the registrable domain at hstspreload.org"
            if eligible
            else "preload requested, but the preload list needs the registrable domain (by the Public "
            "Suffix List), includeSubDomains and max-age of a year"
        )
    return notes
