"""`edge.cors`: which origins can read the product's responses from a browser.

For every URL of the host (its root and the `[endpoints]` that live there) the check sends
a preflight (OPTIONS with Access-Control-Request-Method) and a simple GET, once with each
probe Origin: an unrelated site, the literal "null" (sandboxed frames, local files), the
host's own name used as a prefix and the apex used as a bare suffix of an attacker's
domain (the two broken regular expressions behind most CORS leaks), the http:// twin of
an approved origin, and each `[edge] approved_origins` entry other than the URL's own
origin: a page calling its own host is same-origin, so CORS never applies to it and its
answer there says nothing. Only safe methods are sent, so the probe changes nothing on the
product.

Judged by the Fetch standard's CORS protocol and the MDN Observatory's CORS test: an
untrusted origin echoed with credentials is critical (any site can read a logged-in
user's data), `*` on an API that needs authentication is high, and an approved origin
that is refused breaks the product's own front end or widget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from launchwizard.checks.base import CheckContext
from launchwizard.config import values
from launchwizard.net.http import FetchError, Response
from launchwizard.results import SEVERITY_RANK, Result, Severity, Status

PROBE_ORIGIN = "https://launchwizard-probe.example"
CONCURRENT_REQUESTS = 6
AUTH_STATUSES = (401, 403)
AUTH_ENDPOINTS = ("login",)
UNTRUSTED = ("foreign", "null", "prefix", "suffix", "downgrade")

FIX_REFLECT = (
    "Stop echoing the request's Origin. Compare it with an exact allowlist of full origins "
    "(scheme, host and port, e.g. https://www.acme.test) and send Access-Control-Allow-Origin "
    "only for those, with Vary: Origin; never match with startswith/endswith or an unanchored "
    "regular expression, and never allow the 'null' origin."
)
FIX_STAR = (
    "An API that needs a login must not answer Access-Control-Allow-Origin: *. Answer only the "
    "approved origins (exact match, with Vary: Origin); keep * for public, anonymous data."
)
FIX_APPROVED = (
    "Add the approved origins to the API's CORS allowlist (exact strings, for the preflight "
    "OPTIONS as well as the request itself), or correct [edge] approved_origins."
)


@dataclass(frozen=True)
class Probe:
    """One Origin the check sends, and why."""

    kind: str  # "foreign", "null", "prefix", "suffix", "downgrade" or "approved"
    origin: str


@dataclass(frozen=True)
class Answer:
    """What one URL answered one Origin, for the preflight and the simple request."""

    url: str
    probe: Probe
    preflight: Response | None
    simple: Response | None
    error: str | None = None

    def granted(self, which: str) -> tuple[str | None, bool]:
        """(Access-Control-Allow-Origin, credentials allowed) of the preflight or the request."""
        response = self.preflight if which == "preflight" else self.simple
        if response is None:
            return None, False
        credentials = (response.header("access-control-allow-credentials") or "").strip().lower() == "true"
        origin = response.header("access-control-allow-origin")
        return (origin.strip() if origin is not None else None), credentials

    def reflected(self) -> tuple[bool, bool]:
        """Whether either request let this probe's origin in, and whether with credentials."""
        hits = [self.granted(which) for which in ("preflight", "simple")]
        allowed = [cred for origin, cred in hits if origin == self.probe.origin]
        return bool(allowed), any(allowed)

    def wildcard(self) -> tuple[bool, bool]:
        hits = [self.granted(which) for which in ("preflight", "simple")]
        stars = [cred for origin, cred in hits if origin == "*"]
        return bool(stars), any(stars)

    def to_json(self) -> dict[str, Any]:
        pre_origin, pre_cred = self.granted("preflight")
        get_origin, get_cred = self.granted("simple")
        return {
            "url": self.url,
            "probe": self.probe.kind,
            "origin": self.probe.origin,
            "preflight": _describe(self.preflight, pre_origin, pre_cred),
            "request": _describe(self.simple, get_origin, get_cred),
            **({"error": self.error} if self.error else {}),
        }


@dataclass(frozen=True)
class Finding:
    status: Status
    severity: Severity
    message: str
    fix: str


def _describe(response: Response | None, origin: str | None, credentials: bool) -> str:
    if response is None:
        return "no answer"
    if origin is None:
        return f"{response.status}, no Access-Control-Allow-Origin"
    return f"{response.status}, allows {origin}" + (" with credentials" if credentials else "")


def probes_for(host: str, apex: str, approved: tuple[str, ...]) -> list[Probe]:
    """The origins to try on `host`: the untrusted ones first, then every approved one."""
    probes = [
        Probe("foreign", PROBE_ORIGIN),
        Probe("null", "null"),
        Probe("prefix", f"https://{host}.launchwizard-probe.example"),
        Probe("suffix", f"https://lwprobe{apex}"),
    ]
    secure = [origin for origin in approved if origin.startswith("https://")]
    if secure:
        probes.append(Probe("downgrade", "http://" + secure[0].removeprefix("https://")))
    probes.extend(Probe("approved", origin) for origin in approved)
    return probes


def origin_of(url: str) -> str:
    """The origin a browser gives a page at `url`: scheme://host[:port], default port left out."""
    parts = urlsplit(url)
    return values.origin(f"{parts.scheme}://{parts.netloc}")


def cross_origin(probes: list[Probe], url: str) -> list[Probe]:
    """The probes that are cross-origin for `url`: an approved origin equal to the URL's own
    is same-origin (Fetch standard: CORS only governs requests to another origin)."""
    own = origin_of(url)
    return [p for p in probes if not (p.kind == "approved" and p.origin == own)]


def urls_for(ctx: CheckContext) -> list[tuple[str, str | None]]:
    """(URL, endpoint name) pairs to probe on the target host: its root and its endpoints."""
    host = ctx.target
    urls: dict[str, str | None] = {f"https://{host}/": None}
    for name, endpoint in ctx.sprint.endpoints.items():
        parts = urlsplit(endpoint.url)
        if (parts.hostname or "").lower() == host and parts.scheme == "https":
            urls.setdefault(f"https://{parts.netloc}{parts.path or '/'}", name)
    return list(urls.items())


async def _ask(ctx: CheckContext, url: str, probe: Probe, method: str, bound: asyncio.Semaphore) -> Answer:
    """The preflight and the simple request for one URL and Origin."""
    preflight_headers = {
        "Origin": probe.origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type",
    }
    async with bound:
        results = await asyncio.gather(
            ctx.net.http.request("OPTIONS", url, headers=preflight_headers, max_body=16 * 1024),
            ctx.net.http.request("GET", url, headers={"Origin": probe.origin}, max_body=64 * 1024),
            return_exceptions=True,
        )
    preflight, simple = (r if isinstance(r, Response) else None for r in results)
    errors = [r.message for r in results if isinstance(r, FetchError)]
    for other in results:
        if isinstance(other, BaseException) and not isinstance(other, FetchError):
            raise other
    return Answer(url, probe, preflight, simple, errors[0] if errors else None)


def _authenticated(answers: list[Answer], endpoint: str | None) -> str | None:
    """Why this URL looks like it needs a login, or None when it looks public."""
    if endpoint in AUTH_ENDPOINTS:
        return f"it is the {endpoint} endpoint"
    for answer in answers:
        for response in (answer.simple, answer.preflight):
            if response is None:
                continue
            if response.status in AUTH_STATUSES:
                return f"it answers {response.status} without credentials"
            if response.header("www-authenticate") is not None:
                return "it asks for credentials (WWW-Authenticate)"
            allowed = (response.header("access-control-allow-headers") or "").lower()
            if "authorization" in allowed:
                return "its preflight allows the Authorization header"
    return None


def _judge_url(answers: list[Answer], endpoint: str | None, approved: tuple[str, ...]) -> list[Finding]:
    """Findings for one URL from all its probes."""
    url = answers[0].url
    auth = _authenticated(answers, endpoint)
    findings = []
    for answer in answers:
        kind, origin = answer.probe.kind, answer.probe.origin
        if kind not in UNTRUSTED:
            continue
        reflected, with_credentials = answer.reflected()
        if reflected and with_credentials:
            severity = Severity.HIGH if kind == "downgrade" else Severity.CRITICAL
            what = "plain-http twin of an approved origin" if kind == "downgrade" else f"{kind} origin"
            message = (
                f"{url} lets the {what} {origin} read responses with the user's cookies "
                "(Access-Control-Allow-Credentials: true)"
            )
            findings.append(Finding(Status.FAIL, severity, message, FIX_REFLECT))
        elif reflected and auth:
            message = f"{url} echoes the {kind} origin {origin} although {auth}"
            findings.append(Finding(Status.FAIL, Severity.HIGH, message, FIX_REFLECT))
    findings.extend(_wildcard_findings(answers, url, auth))
    findings.extend(_approved_findings(answers, url, endpoint, approved))
    return findings


def _wildcard_findings(answers: list[Answer], url: str, auth: str | None) -> list[Finding]:
    foreign = next((a for a in answers if a.probe.kind == "foreign"), None)
    if foreign is None:
        return []
    star, with_credentials = foreign.wildcard()
    if not star:
        return []
    if auth:
        message = f"{url} answers Access-Control-Allow-Origin: * although {auth}"
        return [Finding(Status.FAIL, Severity.HIGH, message, FIX_STAR)]
    if with_credentials:
        message = (
            f"{url} combines Access-Control-Allow-Origin: * with credentials: browsers refuse that, "
            "so credentialed calls fail, and it shows the intent to share user data with any site"
        )
        return [Finding(Status.WARN, Severity.MEDIUM, message, FIX_STAR)]
    return []


def _approved_findings(
    answers: list[Answer], url: str, endpoint: str | None, approved: tuple[str, ...]
) -> list[Finding]:
    """An approved origin refused where CORS is in use (or on the chat API) breaks the product."""
    uses_cors = any(a.granted(which)[0] is not None for a in answers for which in ("preflight", "simple"))
    if not approved or not (uses_cors or endpoint == "chat"):
        return []
    findings = []
    for answer in answers:
        if answer.probe.kind != "approved" or answer.error:
            continue
        refused = [
            which
            for which in ("preflight", "simple")
            if answer.granted(which)[0] not in (answer.probe.origin, "*")
        ]
        if refused:
            where = " and ".join("preflight" if w == "preflight" else "request" for w in refused)
            message = f"{url} refuses the approved origin {answer.probe.origin} ({where})"
            findings.append(Finding(Status.FAIL, Severity.MEDIUM, message, FIX_APPROVED))
    return findings


async def cors(ctx: CheckContext) -> list[Result]:
    """`edge.cors`: no untrusted origin can read responses; approved origins work."""
    approved = ctx.sprint.edge.approved_origins
    probes = probes_for(ctx.target, ctx.sprint.apex, approved)
    bound = asyncio.Semaphore(CONCURRENT_REQUESTS)
    targets = urls_for(ctx)
    methods = {name: ctx.sprint.endpoints[name].method for _url, name in targets if name is not None}
    per_url = await asyncio.gather(
        *(
            asyncio.gather(
                *(
                    _ask(ctx, url, probe, _preflight_method(methods.get(name or "")), bound)
                    for probe in cross_origin(probes, url)
                )
            )
            for url, name in targets
        )
    )
    own = sorted({origin_of(url) for url, _name in targets} & set(approved))
    evidence: dict[str, Any] = {
        "urls": [url for url, _name in targets],
        "approved_origins": list(approved),
        "same_origin_not_probed": own,
        "probes": [answer.to_json() for answers in per_url for answer in answers],
    }
    findings: list[Finding] = []
    answered = 0
    for answers, (_url, name) in zip(per_url, targets, strict=True):
        if any(a.simple is not None or a.preflight is not None for a in answers):
            answered += 1
            findings.extend(_judge_url(list(answers), name, approved))
    if not answered:
        first_error = next((a.error for answers in per_url for a in answers if a.error), "no answer")
        return [ctx.result(Status.ERROR, f"no answer from {ctx.target}: {first_error}", evidence=evidence)]
    if not findings:
        return [
            ctx.result(
                Status.PASS, _clean_summary(per_url, approved), evidence=evidence, severity=Severity.INFO
            )
        ]
    findings.sort(key=lambda f: (f.status != Status.FAIL, -SEVERITY_RANK[f.severity]))
    worst = findings[0]
    evidence["findings"] = [{"level": str(f.severity), "message": f.message} for f in findings]
    summary = "; ".join(f.message for f in findings[:3]) + (
        f" (+{len(findings) - 3} more)" if len(findings) > 3 else ""
    )
    fix = " ".join(dict.fromkeys(f.fix for f in findings))
    return [ctx.result(worst.status, summary, evidence=evidence, fix=fix, severity=worst.severity)]


def _preflight_method(method: str | None) -> str:
    """The method a browser would ask permission for: the endpoint's own, GET for pages."""
    return method if method and method not in ("GET", "HEAD", "OPTIONS") else "GET"


def _clean_summary(per_url: Sequence[Sequence[Answer]], approved: tuple[str, ...]) -> str:
    urls = len(per_url)
    shared = any(
        a.granted(which)[0] is not None
        for answers in per_url
        for a in answers
        for which in ("preflight", "simple")
    )
    if not shared:
        return f"no cross-origin access granted on {urls} URL(s): untrusted origins get no CORS headers"
    allowed = f"; approved origins ({', '.join(approved)}) work" if approved else ""
    return f"untrusted origins are not let in on {urls} URL(s){allowed}"
