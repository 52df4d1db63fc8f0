"""Redirect checks of the audit stage: `redirect.https` and `redirect.canonical`.

Judged by internet.nl's `https_forced` rule (the first hop from http://X goes to
https://X on the same host) and the MDN HTTP Observatory's redirection test.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any
from urllib.parse import urlsplit

from launchwizard.checks.base import CheckContext
from launchwizard.net.http import Chain, FetchError, resolve_location
from launchwizard.results import Result, Severity, Status

PERMANENT = (301, 308)
MAX_GOOD_HOPS = 3
OK_FINAL = (401, 403)

HTTPS_FIX = (
    "Answer every plain-HTTP request on {host} with a permanent redirect to the same URL "
    "on https://{host} (nginx: `return 301 https://$host$request_uri;`; Cloudflare: "
    "SSL/TLS > Edge Certificates > Always Use HTTPS). Redirect to the canonical host only "
    "after that first hop, so HSTS is set on {host} itself."
)


def _standard_port(scheme: str, port: int | None) -> bool:
    return port is None or port == {"http": 80, "https": 443}.get(scheme)


async def https(ctx: CheckContext) -> list[Result]:
    """`redirect.https`: http://host/ answers with a permanent redirect to https://host/."""
    host = ctx.target
    start = f"http://{host}/"
    try:
        response = await ctx.net.http.request("GET", start, max_body=4096)
    except FetchError as exc:
        return [_unreachable(ctx, start, exc)]
    evidence: dict[str, Any] = {"request": start, "status": response.status, "address": response.address}
    fix = HTTPS_FIX.format(host=host)
    if not response.is_redirect:
        summary = f"http://{host}/ serves content (status {response.status}) instead of redirecting to HTTPS"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix)]
    location = response.header("location") or ""
    evidence["location"] = location
    try:
        target = urlsplit(resolve_location(start, location))
    except FetchError as exc:
        reason = exc.message
        if exc.kind == "scheme":
            scheme = location.strip().split(":", 1)[0].lower()
            reason = f"redirects to an unsupported scheme ({scheme}:) instead of https://{host}"
        return [ctx.result(Status.FAIL, reason, evidence=evidence, fix=fix)]
    problem = _first_hop_problem(host, target.scheme.lower(), target.hostname, target.port)
    if problem:
        severity = Severity.MEDIUM if target.scheme.lower() == "https" else ctx.spec.severity
        return [ctx.result(Status.FAIL, problem, evidence=evidence, fix=fix, severity=severity)]
    if response.status not in PERMANENT:
        summary = (
            f"redirects to HTTPS with a temporary {response.status}; browsers and search "
            "engines do not remember it"
        )
        fix = f"Use 301 (or 308) for the http://{host} to https://{host} redirect."
        return [ctx.result(Status.WARN, summary, evidence=evidence, fix=fix, severity=Severity.LOW)]
    summary = f"http://{host}/ redirects permanently ({response.status}) to https://{host}"
    return [ctx.result(Status.PASS, summary, evidence=evidence)]


def _first_hop_problem(host: str, scheme: str, target_host: str | None, port: int | None) -> str | None:
    """What is wrong with the first hop's target, or None when it is https on the same host."""
    if scheme == "http":
        return f"first redirect stays on plain HTTP ({scheme}://{target_host})"
    if (target_host or "").lower() != host:
        return (
            f"first redirect goes to another host (https://{target_host}); it must go to "
            f"https://{host} first so that host gets its HSTS policy"
        )
    if not _standard_port(scheme, port):
        return f"redirects to a non-standard port (https://{target_host}:{port})"
    return None


def _unreachable(ctx: CheckContext, url: str, exc: FetchError) -> Result:
    """No HTTP answer: a closed port 80 is acceptable by the references; the rest is unknown."""
    evidence = {"request": url, "error": exc.message}
    if exc.kind == "connect" and "refused" in exc.message:
        summary = (
            f"nothing listens for plain HTTP on {ctx.target} (connection refused); internet.nl "
            "and the Observatory accept this, but visitors who type http:// get an error "
            "unless the domain is HSTS-preloaded"
        )
        return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)
    return ctx.result(Status.ERROR, f"no answer from {url}: {exc.message}", evidence=evidence)


async def canonical(ctx: CheckContext) -> list[Result]:
    """`redirect.canonical`: from http and https, the host ends on its declared canonical URL."""
    host = ctx.target
    expected = ctx.sprint.canonical_for(host)
    from_https, from_http = await asyncio.gather(
        ctx.net.http.follow(f"https://{host}/", max_body=64 * 1024),
        ctx.net.http.follow(f"http://{host}/", max_body=64 * 1024),
    )
    evidence: dict[str, Any] = {
        "expected": expected,
        "from_https": from_https.to_json(),
        "from_http": from_http.to_json(),
    }
    findings: list[tuple[Status, Severity, str]] = []
    findings.extend(_judge_chain(ctx, "https", from_https, expected))
    if _judged_by_redirect_https(from_http):
        evidence["http_note"] = "http:// does not redirect at all; redirect.https reports that"
    else:
        findings.extend(_judge_chain(ctx, "http", from_http, expected))
    if not findings:
        hops = max(len(from_https.hops), len(from_http.hops)) - 1
        summary = f"http:// and https:// both end on {expected} ({hops} redirect(s) at most)"
        return [ctx.result(Status.PASS, summary, evidence=evidence)]
    order = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2}
    findings.sort(key=lambda f: (order[f[0]], -f[1].rank))
    status, severity, _ = findings[0]
    summary = "; ".join(text for _, _, text in findings)
    fix = (
        f"Make every entry point of {host} end on {expected} in as few permanent hops as "
        "possible: http://host -> https://host -> canonical URL, never back to http://, and "
        "with a certificate valid for every host on the way."
    )
    return [ctx.result(status, summary, evidence=evidence, fix=fix, severity=severity)]


def _judged_by_redirect_https(chain: Chain) -> bool:
    """A closed port 80, or plain HTTP served with no redirect: redirect.https owns those."""
    if chain.error_kind == "connect" and "refused" in (chain.error or ""):
        return True
    return chain.final is not None and len(chain.hops) == 1


def _judge_chain(
    ctx: CheckContext, label: str, chain: Chain, expected: str
) -> list[tuple[Status, Severity, str]]:
    """Findings for one chain: loops, bad schemes, downgrades, wrong destination, length."""
    high = ctx.spec.severity
    if chain.error_kind in ("loop", "too-many-hops", "scheme", "bad-location", "protocol"):
        return [(Status.FAIL, high, f"from {label}://: {chain.error}")]
    if chain.error_kind == "tls":
        where = chain.hops[-1].url if chain.hops else chain.start
        return [(Status.FAIL, Severity.CRITICAL, f"certificate failure at {where}: {chain.error}")]
    findings: list[tuple[Status, Severity, str]] = []
    downgrade = _downgrade(chain)
    if downgrade:
        findings.append((Status.FAIL, high, f"from {label}://: redirect from HTTPS back to {downgrade}"))
    if chain.error:
        where = chain.hops[-1].url if chain.hops else chain.start
        findings.append((Status.ERROR, high, f"from {label}://: no answer from {where}: {chain.error}"))
        return findings
    final = chain.final
    assert final is not None
    if not _same_destination(final.url, expected):
        findings.append((Status.FAIL, high, f"from {label}:// ends on {final.url}, expected {expected}"))
    elif final.status >= 400 and final.status not in OK_FINAL:
        findings.append((Status.WARN, Severity.MEDIUM, f"{final.url} answers {final.status}"))
    redirects = len(chain.hops) - 1
    if redirects > MAX_GOOD_HOPS:
        findings.append(
            (
                Status.WARN,
                Severity.LOW,
                f"from {label}:// takes {redirects} redirects (each costs a round trip)",
            )
        )
    return findings


def _downgrade(chain: Chain) -> str | None:
    """The first http:// URL reached from an https:// one, if any."""
    urls = [hop.url for hop in chain.hops]
    for before, after in itertools.pairwise(urls):
        if before.startswith("https://") and after.startswith("http://"):
            return after
    return None


def _same_destination(actual: str, expected: str) -> bool:
    """Same scheme, host and port; the path counts only when the declared URL has one."""
    got, want = urlsplit(actual), urlsplit(expected)
    if (got.scheme, (got.hostname or "").lower()) != (want.scheme, (want.hostname or "").lower()):
        return False
    if (got.port or None) != (want.port or None):
        return False
    want_path = want.path or "/"
    return want_path == "/" or (got.path or "/").rstrip("/") == want_path.rstrip("/")
