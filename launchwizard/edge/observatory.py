"""The MDN HTTP Observatory's grade (algorithm v6), computed from one visit to a page.

Every rule, result id, modifier and the score-to-grade table come from
web-tls-edge.md §2 (mdn-http-observatory on main): twelve tests, each with one result
whose modifier is added to 100; bonuses count only when the penalties alone leave at
least 90; the score has no ceiling and a floor of 0; the grade comes from the score
rounded down to a multiple of 5 and capped at 100. Result ids and test names are the
Observatory's own, so a user can look each one up in its documentation.

A host on Chromium's HSTS preload list gets `hsts-preloaded` whatever its header says, and an
http:// route whose every host is preloaded `redirection-all-redirects-preloaded` (the list
comes from the `hstspreload` package). "Foreign" scripts are those outside the page's
registrable domain, from the Public Suffix List (or the sprint's apex for hosts under it).
COOP and COEP are read as RFC 8941 Items, as browsers read them, so a quoted or
capitalised token, or text left after the parameters, is `*-header-invalid`.
A saved response has no http:// visit and no preflight, so `redirection` and
`cross-origin-resource-sharing` are listed as not tested rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from launchwizard.config.registrable import registrable_domain as public_registrable_domain
from launchwizard.edge.cookies import PASSING as COOKIES_PASSING
from launchwizard.edge.cookies import SetCookie, evaluate_cookies
from launchwizard.edge.csp import CspVerdict, evaluate_csp
from launchwizard.edge.hsts import parse_hsts, preloaded
from launchwizard.edge.page import PageFacts, ScriptTag, read_page
from launchwizard.edge.rawhttp import RawResponse
from launchwizard.edge.sfv import item_token

ALGORITHM_VERSION = 6
PROBE_ORIGIN = "https://launchwizard-probe.example"
"""The foreign Origin of the CORS preflight: a name that can never be one of the product's."""
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
HSTS_MIN_S = 15_552_000
MAX_RECEIVED = 400
GRADE_FLOORS = (
    (100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
    (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F"),
)  # fmt: skip

TEST_NAMES = (
    "content-security-policy",
    "cookies",
    "cross-origin-resource-sharing",
    "redirection",
    "referrer-policy",
    "strict-transport-security",
    "subresource-integrity",
    "x-content-type-options",
    "x-frame-options",
    "cross-origin-resource-policy",
    "cross-origin-opener-policy",
    "cross-origin-embedder-policy",
)

RESULTS: dict[str, tuple[int, str]] = {
    "csp-implemented-with-no-unsafe-default-src-none": (10, "CSP with default-src 'none' and nothing unsafe"),
    "csp-implemented-with-no-unsafe": (5, "CSP without 'unsafe-inline' or 'unsafe-eval'"),
    "csp-implemented-with-unsafe-inline-in-style-src-only": (0, "CSP, with unsafe sources only in style-src"),
    "csp-implemented-but-duplicate-directives": (0, "CSP, but report-uri or report-to is given twice"),
    "csp-implemented-with-insecure-scheme-in-passive-content-only": (
        -10,
        "CSP lets images or media load over http:",
    ),
    "csp-implemented-with-unsafe-eval": (-10, "CSP allows 'unsafe-eval'"),
    "csp-implemented-with-unsafe-inline": (
        -20,
        "CSP allows 'unsafe-inline', data: or broad sources for scripts or objects",
    ),
    "csp-implemented-with-insecure-scheme": (-20, "CSP lets an https page load active content over http:"),
    "csp-header-invalid": (-25, "the CSP cannot be parsed, so it is graded as broken"),
    "csp-not-implemented": (-25, "no Content-Security-Policy"),
    "csp-not-implemented-but-reporting-enabled": (
        -25,
        "only a report-only CSP: it reports, it does not protect",
    ),
    "cookies-secure-with-httponly-sessions-and-samesite": (
        5,
        "every cookie is Secure with SameSite, session cookies HttpOnly",
    ),
    "cookies-secure-with-httponly-sessions": (
        0,
        "cookies are Secure and session cookies HttpOnly; SameSite missing",
    ),
    "cookies-not-found": (0, "no cookies set"),
    "cookies-without-secure-flag-but-protected-by-hsts": (
        -5,
        "a cookie lacks Secure (HSTS limits the damage)",
    ),
    "cookies-session-without-secure-flag-but-protected-by-hsts": (
        -10,
        "a session cookie lacks Secure (HSTS limits the damage)",
    ),
    "cookies-without-secure-flag": (-20, "a cookie lacks Secure and can travel over http"),
    "cookies-samesite-flag-invalid": (-20, "a SameSite value is invalid, or SameSite=None lacks Secure"),
    "cookies-anticsrf-without-samesite-flag": (-20, "an anti-CSRF cookie has no SameSite"),
    "cookies-session-without-httponly-flag": (
        -30,
        "a session cookie lacks HttpOnly, so scripts can steal it",
    ),
    "cookies-session-without-secure-flag": (-40, "a session cookie lacks Secure and can travel over http"),
    "cross-origin-resource-sharing-not-implemented": (0, "no cross-origin access granted"),
    "cross-origin-resource-sharing-implemented-with-public-access": (
        0,
        "public content open to every origin (*)",
    ),
    "cross-origin-resource-sharing-implemented-with-restricted-access": (
        0,
        "cross-origin access for named origins",
    ),
    "cross-origin-resource-sharing-implemented-with-universal-access": (
        -50,
        "any origin is echoed back with credentials allowed: other sites can read signed-in responses",
    ),
    "redirection-to-https": (0, "http:// redirects to https:// on the same host first"),
    "redirection-not-needed-no-http": (0, "no http:// listener, so no redirect is needed"),
    "redirection-all-redirects-preloaded": (0, "every host on the way is HSTS-preloaded"),
    "redirection-off-host-from-http": (
        -5,
        "http:// redirects to https:// on another host, so HSTS is never set",
    ),
    "redirection-not-to-https-on-initial-redirection": (-10, "the first redirect from http:// stays on http"),
    "redirection-not-to-https": (-20, "http:// redirects, but not to an https:// page"),
    "redirection-missing": (-20, "http:// does not redirect to https://"),
    "redirection-invalid-cert": (-20, "an invalid certificate on the way from http://"),
    "referrer-policy-private": (5, "Referrer-Policy keeps URLs private"),
    "referrer-policy-not-implemented": (
        0,
        "no Referrer-Policy (browsers default to strict-origin-when-cross-origin)",
    ),
    "referrer-policy-unsafe": (-5, "Referrer-Policy leaks full URLs to other sites"),
    "referrer-policy-header-invalid": (-5, "Referrer-Policy not recognised"),
    "hsts-preloaded": (5, "HSTS-preloaded"),
    "hsts-implemented-max-age-at-least-six-months": (0, "HSTS with max-age of at least six months"),
    "hsts-implemented-max-age-less-than-six-months": (-10, "HSTS max-age under six months"),
    "hsts-not-implemented": (-20, "no Strict-Transport-Security"),
    "hsts-header-invalid": (-20, "Strict-Transport-Security cannot be read, so browsers ignore it"),
    "hsts-not-implemented-no-https": (-20, "HSTS cannot be set: the page is not served over https"),
    "hsts-invalid-cert": (-20, "HSTS cannot be set: the certificate is not valid"),
    "sri-implemented-and-all-scripts-loaded-securely": (5, "scripts carry integrity and load from the site"),
    "sri-implemented-and-external-scripts-loaded-securely": (
        5,
        "foreign scripts carry integrity, over https",
    ),
    "sri-not-implemented-response-not-html": (0, "not HTML: SRI does not apply"),
    "sri-not-implemented-but-no-scripts-loaded": (0, "no scripts on the page"),
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": (
        0,
        "all scripts load from the site itself",
    ),
    "sri-not-implemented-but-external-scripts-loaded-securely": (
        -5,
        "foreign scripts over https without integrity",
    ),
    "sri-implemented-but-external-scripts-not-loaded-securely": (
        -20,
        "foreign scripts over http: or protocol-relative //, even with integrity",
    ),
    "sri-not-implemented-and-external-scripts-not-loaded-securely": (
        -50,
        "foreign scripts over http: or //, without integrity: anyone on the path can replace them",
    ),
    "html-not-parseable": (-20, "claims to be HTML but cannot be parsed"),
    "x-content-type-options-nosniff": (0, "X-Content-Type-Options: nosniff"),
    "x-content-type-options-not-implemented": (-5, "no X-Content-Type-Options"),
    "x-content-type-options-header-invalid": (-5, "X-Content-Type-Options is not exactly nosniff"),
    "x-frame-options-implemented-via-csp": (5, "framing is restricted by CSP frame-ancestors"),
    "x-frame-options-sameorigin-or-deny": (5, "X-Frame-Options DENY or SAMEORIGIN"),
    "x-frame-options-allow-from-origin": (0, "X-Frame-Options ALLOW-FROM, which browsers no longer obey"),
    "x-frame-options-not-implemented": (-20, "no framing protection: the page can be clickjacked"),
    "x-frame-options-header-invalid": (-20, "X-Frame-Options not recognised, so framing is not restricted"),
    "corp-implemented-with-same-origin": (10, "Cross-Origin-Resource-Policy: same-origin"),
    "corp-implemented-with-same-site": (10, "Cross-Origin-Resource-Policy: same-site"),
    "corp-implemented-with-cross-origin": (0, "Cross-Origin-Resource-Policy: cross-origin (the default)"),
    "corp-not-implemented": (0, "no Cross-Origin-Resource-Policy (defaults to cross-origin)"),
    "corp-header-invalid": (-5, "Cross-Origin-Resource-Policy not recognised"),
    "coop-implemented-with-same-origin": (10, "Cross-Origin-Opener-Policy: same-origin"),
    "coop-implemented-with-same-origin-allow-popups": (
        10,
        "Cross-Origin-Opener-Policy: same-origin-allow-popups",
    ),
    "coop-implemented-with-noopener-allow-popups": (10, "Cross-Origin-Opener-Policy: noopener-allow-popups"),
    "coop-implemented-with-unsafe-none": (0, "Cross-Origin-Opener-Policy: unsafe-none (the default)"),
    "coop-not-implemented": (0, "no Cross-Origin-Opener-Policy"),
    "coop-header-invalid": (-5, "Cross-Origin-Opener-Policy invalid or sent more than once"),
    "coep-implemented-with-require-corp": (10, "Cross-Origin-Embedder-Policy: require-corp"),
    "coep-implemented-with-credentialless": (10, "Cross-Origin-Embedder-Policy: credentialless"),
    "coep-implemented-with-unsafe-none": (0, "Cross-Origin-Embedder-Policy: unsafe-none (the default)"),
    "coep-not-implemented": (0, "no Cross-Origin-Embedder-Policy"),
    "coep-header-invalid": (-5, "Cross-Origin-Embedder-Policy invalid or sent more than once"),
}

PASSING_RESULTS = frozenset(
    {
        *COOKIES_PASSING,
        "cross-origin-resource-sharing-not-implemented",
        "cross-origin-resource-sharing-implemented-with-public-access",
        "cross-origin-resource-sharing-implemented-with-restricted-access",
        "redirection-to-https",
        "redirection-not-needed-no-http",
        "redirection-all-redirects-preloaded",
        "referrer-policy-private",
        "referrer-policy-not-implemented",
        "hsts-preloaded",
        "hsts-implemented-max-age-at-least-six-months",
        "sri-implemented-and-all-scripts-loaded-securely",
        "sri-implemented-and-external-scripts-loaded-securely",
        "sri-not-implemented-response-not-html",
        "sri-not-implemented-but-no-scripts-loaded",
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        "x-content-type-options-nosniff",
        "x-frame-options-implemented-via-csp",
        "x-frame-options-sameorigin-or-deny",
        "x-frame-options-allow-from-origin",
    }
)
"""Results that pass besides CSP's (csp.PASSING) and the CORP/COOP/COEP non-invalid ones."""

RECOMMENDED = {
    "content-security-policy": (
        "Content-Security-Policy: default-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "cookies": "Set-Cookie: {name}=<value>; Secure; HttpOnly; SameSite=Lax; Path=/",
    "cross-origin-resource-sharing": (
        "Access-Control-Allow-Origin: <one approved origin, never the request's Origin echoed back>"
    ),
    "redirection": "http://<host>/ -> 301 Location: https://<same host>/ (then on to the final host)",
    "referrer-policy": "Referrer-Policy: strict-origin-when-cross-origin",
    "strict-transport-security": "Strict-Transport-Security: max-age=63072000; includeSubDomains",
    "subresource-integrity": (
        'Load every foreign <script> over https with integrity="sha384-..." crossorigin="anonymous"'
    ),
    "x-content-type-options": "X-Content-Type-Options: nosniff",
    "x-frame-options": "X-Frame-Options: DENY",
    "cross-origin-resource-policy": "Cross-Origin-Resource-Policy: same-origin",
    "cross-origin-opener-policy": (
        "Cross-Origin-Opener-Policy: same-origin (same-origin-allow-popups if sign-in uses pop-ups)"
    ),
    "cross-origin-embedder-policy": "Cross-Origin-Embedder-Policy: require-corp (or credentialless)",
}
BEST_MODIFIER = {
    "content-security-policy": 10,
    "cookies": 5,
    "referrer-policy": 5,
    "subresource-integrity": 5,
    "x-frame-options": 5,
    "cross-origin-resource-policy": 10,
    "cross-origin-opener-policy": 10,
}
"""Tests whose header is worth pasting even when they pass: their best result scores higher.
The others are recommended only when they fail (CSP and COEP changes can break a site)."""


@dataclass(frozen=True)
class Page:
    """The final page of the https visit: what the Observatory grades."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    cookies: tuple[str, ...] = ()
    certificate_valid: bool = True

    def values(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def joined(self, name: str) -> str | None:
        """A header's field values joined by ", ", as HTTP clients fold duplicates; None if absent."""
        values = self.values(name)
        return ", ".join(values) if values else None

    @property
    def https(self) -> bool:
        return self.url.lower().startswith("https://")


@dataclass(frozen=True)
class Observation:
    """One visit: the page, the http:// route to it (None: not visited) and the preflight."""

    page: Page
    http_chain: tuple[str, ...] | None = None
    http_chain_cert_valid: bool = True
    preflight: tuple[tuple[str, str], ...] | None = None
    site_domain: str | None = None
    probe_origin: str = PROBE_ORIGIN
    """The foreign Origin the preflight was sent with."""
    site_host: str | None = None
    """The host that was asked about, whose preload status counts (default: the page's)."""


@dataclass(frozen=True)
class TestResult:
    """One Observatory test: result id, pass, modifier, the header as received and to paste."""

    name: str
    result: str
    passed: bool
    modifier: int
    received: str | None
    recommended: str | None
    summary: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "pass": self.passed,
            "score_modifier": self.modifier,
            "received": self.received,
            "recommended": self.recommended,
            "summary": self.summary,
            "data": self.data,
        }


@dataclass(frozen=True)
class Report:
    """The grade of one page: score, letter, and every test in the Observatory's order."""

    score: int
    grade: str
    tests: dict[str, TestResult]
    not_tested: tuple[str, ...]
    penalty_score: int
    bonus_counted: bool

    @property
    def tests_passed(self) -> int:
        return sum(test.passed for test in self.tests.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grade": self.grade,
            "algorithm_version": ALGORITHM_VERSION,
            "tests_passed": self.tests_passed,
            "tests_quantity": len(self.tests),
            "bonus_counted": self.bonus_counted,
            "not_tested": list(self.not_tested),
            "tests": {name: test.to_json() for name, test in self.tests.items()},
        }


def grade_letter(score: int) -> str:
    """The letter for a score: rounded down to a multiple of 5, capped at 100."""
    rounded = min(max(score, 0) // 5 * 5, 100)
    return next(letter for floor, letter in GRADE_FLOORS if rounded >= floor)


def clip(text: str | None) -> str | None:
    """A received value short enough for a table cell, with its real length when cut."""
    if text is None or len(text) <= MAX_RECEIVED:
        return text
    return f"{text[:MAX_RECEIVED]}... ({len(text)} characters)"


def registrable_domain(host: str, site_domain: str | None = None) -> str:
    """The site a host belongs to: the sprint's apex when under it, else its registrable
    domain by the Public Suffix List."""
    host = host.lower().rstrip(".")
    if site_domain and (host == site_domain or host.endswith(f".{site_domain}")):
        return site_domain
    return public_registrable_domain(host)


# ---------------------------------------------------------------- the tests


@dataclass(frozen=True)
class _Visit:
    """What several tests share: the page facts, the CSP verdict and whether HSTS passed."""

    observation: Observation
    facts: PageFacts
    csp: CspVerdict
    hsts_passes: bool
    site_host: str

    @property
    def page(self) -> Page:
        return self.observation.page


def _test(name: str, result: str, received: str | None, data: dict[str, Any] | None = None) -> TestResult:
    """A test's row with its modifier, pass rule and, when it falls short, what to paste."""
    modifier, summary = RESULTS[result]
    passed = result in PASSING_RESULTS
    short = not passed or modifier < BEST_MODIFIER.get(name, modifier)
    recommended = RECOMMENDED[name] if short else None
    return TestResult(name, result, passed, modifier, clip(received), recommended, summary, data or {})


def _csp_test(visit: _Visit) -> TestResult:
    verdict = visit.csp
    received = visit.page.joined("content-security-policy")
    if received is None and visit.facts.meta_values("content-security-policy"):
        received = "<meta> " + "; ".join(visit.facts.meta_values("content-security-policy"))
    data = {"reason": verdict.reason, "policies": verdict.header_policies + verdict.meta_policies}
    recommended = None if verdict.passed else RECOMMENDED["content-security-policy"]
    test = _test("content-security-policy", verdict.result, received, data)
    return replace(test, passed=verdict.passed, recommended=recommended)


def _cookie_text(cookie: SetCookie) -> str:
    flags = [flag for flag, on in (("Secure", cookie.secure), ("HttpOnly", cookie.httponly)) if on]
    flags.append(f"SameSite={cookie.samesite}" if cookie.samesite is not None else "no SameSite")
    return f"{cookie.name[:60] or '(no name)'} ({', '.join(flags)})"


def _cookies_test(visit: _Visit) -> TestResult:
    result, cookies = evaluate_cookies(visit.page.cookies, visit.hsts_passes)
    received = "; ".join(_cookie_text(cookie) for cookie in cookies) or None
    weakest = next((c for c in cookies if c.session), cookies[0]) if cookies else None
    recommended = None
    if weakest is not None and RESULTS[result][0] < BEST_MODIFIER["cookies"]:
        recommended = RECOMMENDED["cookies"].format(name=weakest.name[:60] or "session")
    data = {"cookies": [cookie.to_json() for cookie in cookies]}
    return replace(_test("cookies", result, received, data), recommended=recommended)


def _cors_result(headers: Sequence[tuple[str, str]], probe_origin: str) -> tuple[str, str | None]:
    values = {key.lower(): value.strip() for key, value in reversed(headers)}
    origin = values.get("access-control-allow-origin")
    if origin is None:
        return "cross-origin-resource-sharing-not-implemented", None
    credentials = values.get("access-control-allow-credentials", "")
    received = f"Access-Control-Allow-Origin: {origin}" + (
        f"; Access-Control-Allow-Credentials: {credentials}" if credentials else ""
    )
    if origin == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access", received
    if origin == probe_origin and credentials.lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access", received
    return "cross-origin-resource-sharing-implemented-with-restricted-access", received


def _cors_test(visit: _Visit) -> TestResult | None:
    preflight = visit.observation.preflight
    if preflight is None:
        return None
    origin = visit.observation.probe_origin
    result, received = _cors_result(preflight, origin)
    return _test("cross-origin-resource-sharing", result, received, {"origin": origin})


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _redirection_result(route: tuple[str, ...], cert_valid: bool) -> str:
    if not route:
        return "redirection-not-needed-no-http"
    if not cert_valid:
        return "redirection-invalid-cert"
    if all(preloaded(_host(url)) for url in route):
        return "redirection-all-redirects-preloaded"
    if len(route) == 1:
        return (
            "redirection-missing" if not route[0].lower().startswith("https://") else "redirection-to-https"
        )
    if not route[-1].lower().startswith("https://"):
        return "redirection-not-to-https"
    if not route[1].lower().startswith("https://"):
        return "redirection-not-to-https-on-initial-redirection"
    if _host(route[1]) != _host(route[0]):
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def _redirection_test(visit: _Visit) -> TestResult | None:
    route = visit.observation.http_chain
    if route is None:
        return None
    result = _redirection_result(route, visit.observation.http_chain_cert_valid)
    received = " -> ".join(route) if route else "no answer on http://"
    return _test("redirection", result, received, {"route": list(route)})


REFERRER_PRIVATE = ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
REFERRER_UNSAFE = ("origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade")


def _referrer_test(visit: _Visit) -> TestResult:
    header = visit.page.values("referrer-policy")
    tokens = [token.strip().lower() for value in (*header, *visit.facts.meta_values("referrer-policy"))
              for token in value.split(",")]  # fmt: skip
    known = [token for token in tokens if token in (*REFERRER_PRIVATE, *REFERRER_UNSAFE)]
    if known:
        result = "referrer-policy-private" if known[-1] in REFERRER_PRIVATE else "referrer-policy-unsafe"
    elif tokens:
        result = "referrer-policy-header-invalid"
    else:
        result = "referrer-policy-not-implemented"
    received = ", ".join(header) if header else None
    return _test("referrer-policy", result, received, {"effective": known[-1] if known else None})


def _hsts_result(page: Page, site_host: str) -> str:
    if not page.https:
        return "hsts-not-implemented-no-https"
    if preloaded(site_host):
        return "hsts-preloaded"
    if not page.certificate_valid:
        return "hsts-invalid-cert"
    value = page.joined("strict-transport-security")
    if value is None:
        return "hsts-not-implemented"
    policy = parse_hsts(value)
    if not policy.valid or policy.max_age is None:
        return "hsts-header-invalid"
    if policy.max_age >= HSTS_MIN_S:
        return "hsts-implemented-max-age-at-least-six-months"
    return "hsts-implemented-max-age-less-than-six-months"


def _hsts_test(visit: _Visit) -> TestResult:
    result = _hsts_result(visit.page, visit.site_host)
    data = {"preloaded": result == "hsts-preloaded"}
    return _test("strict-transport-security", result, visit.page.joined("strict-transport-security"), data)


SRI_WORSE = (
    "sri-implemented-and-all-scripts-loaded-securely",
    "sri-implemented-and-external-scripts-loaded-securely",
    "sri-implemented-but-external-scripts-not-loaded-securely",
    "sri-not-implemented-but-external-scripts-loaded-securely",
    "sri-not-implemented-and-external-scripts-not-loaded-securely",
)


def _script_verdict(script: ScriptTag, page: Page, site: str) -> tuple[bool, str | None]:
    """(foreign, result it forces) for one script, by the Observatory's origin rules."""
    src = script.src
    lowered = src.lower()
    if lowered.startswith("//") and not lowered.startswith("///"):
        foreign, secure = True, False
    elif lowered.startswith(("http://", "https://")):
        foreign = registrable_domain(_host(src), site) != site
        secure = lowered.startswith("https://")
    else:
        foreign, secure = False, page.https
    if not foreign:
        return (
            False,
            "sri-implemented-and-all-scripts-loaded-securely" if script.integrity and secure else None,
        )
    if script.integrity:
        return True, None if secure else "sri-implemented-but-external-scripts-not-loaded-securely"
    if secure:
        return True, "sri-not-implemented-but-external-scripts-loaded-securely"
    return True, "sri-not-implemented-and-external-scripts-not-loaded-securely"


def _sri_result(visit: _Visit) -> tuple[str, list[str]]:
    facts = visit.facts
    if not facts.is_html:
        return "sri-not-implemented-response-not-html", []
    if not facts.parseable:
        return "html-not-parseable", []
    if facts.script_count == 0:
        return "sri-not-implemented-but-no-scripts-loaded", []
    site = registrable_domain(_host(visit.page.url), visit.observation.site_domain)
    result: str | None = None
    foreign_seen: list[str] = []
    for script in facts.scripts:
        foreign, forced = _script_verdict(script, visit.page, site)
        if foreign:
            foreign_seen.append(script.src)
        if forced is None:
            continue
        if not foreign:
            result = result or forced
        elif result is None or SRI_WORSE.index(forced) > SRI_WORSE.index(result):
            result = forced
    if result is None:
        result = (
            "sri-implemented-and-external-scripts-loaded-securely"
            if foreign_seen
            else "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
        )
    return result, foreign_seen


def _sri_test(visit: _Visit) -> TestResult:
    result, foreign = _sri_result(visit)
    received = (
        f"{visit.facts.script_count} script(s), {len(foreign)} foreign" if visit.facts.is_html else None
    )
    if foreign:
        received = f"{received}: {', '.join(src[:120] for src in foreign[:5])}"
    return _test(
        "subresource-integrity", result, received, {"foreign_scripts": [s[:200] for s in foreign[:20]]}
    )


def _xcto_test(visit: _Visit) -> TestResult:
    value = visit.page.joined("x-content-type-options")
    if value is None:
        result = "x-content-type-options-not-implemented"
    elif value.strip().lower() == "nosniff":
        result = "x-content-type-options-nosniff"
    else:
        result = "x-content-type-options-header-invalid"
    return _test("x-content-type-options", result, value)


def _xfo_test(visit: _Visit) -> TestResult:
    value = visit.page.joined("x-frame-options")
    upper = (value or "").strip().upper()
    if visit.csp.frame_ancestors_in_header:
        result = "x-frame-options-implemented-via-csp"
    elif value is None:
        result = "x-frame-options-not-implemented"
    elif upper in ("DENY", "SAMEORIGIN"):
        result = "x-frame-options-sameorigin-or-deny"
    elif upper.startswith("ALLOW-FROM"):
        result = "x-frame-options-allow-from-origin"
    else:
        result = "x-frame-options-header-invalid"
    return _test("x-frame-options", result, value)


def _policy_row(name: str, result: str, value: str | None) -> TestResult:
    passed = not result.endswith("-header-invalid")
    modifier, summary = RESULTS[result]
    recommended = RECOMMENDED[name] if not passed or modifier < BEST_MODIFIER.get(name, modifier) else None
    return TestResult(name, result, passed, modifier, clip(value), recommended, summary)


def _structured_test(name: str, prefix: str, values: Sequence[str], allowed: Sequence[str]) -> TestResult:
    """COOP and COEP: sent once, an RFC 8941 Item whose token (exact case) is a known policy."""
    if not values:
        return _policy_row(name, f"{prefix}-not-implemented", None)
    token = item_token(values[0][:1024].strip()) if len(values) == 1 else None
    result = f"{prefix}-implemented-with-{token}" if token in allowed else f"{prefix}-header-invalid"
    return _policy_row(name, result, ", ".join(values))


def _corp_test(visit: _Visit) -> TestResult:
    """CORP: the header's fields joined (else the last <meta>), lower-cased, one exact value."""
    header = visit.page.values("cross-origin-resource-policy")
    meta = visit.facts.meta_values("cross-origin-resource-policy")
    value = ", ".join(header) if header else (meta[-1] if meta else None)
    if not value:
        return _policy_row("cross-origin-resource-policy", "corp-not-implemented", value)
    token = value[:256].strip().lower()
    allowed = ("same-origin", "same-site", "cross-origin")
    result = f"corp-implemented-with-{token}" if token in allowed else "corp-header-invalid"
    return _policy_row("cross-origin-resource-policy", result, value)


def _coop_test(visit: _Visit) -> TestResult:
    allowed = ("same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none")
    values = visit.page.values("cross-origin-opener-policy")
    return _structured_test("cross-origin-opener-policy", "coop", values, allowed)


def _coep_test(visit: _Visit) -> TestResult:
    values = visit.page.values("cross-origin-embedder-policy")
    allowed = ("require-corp", "credentialless", "unsafe-none")
    test = _structured_test("cross-origin-embedder-policy", "coep", values, allowed)
    return replace(test, recommended=None) if test.passed else test


# ---------------------------------------------------------------- grading


def _visit(observation: Observation) -> _Visit:
    page = observation.page
    facts = read_page(page.joined("content-type"), page.body)
    csp = evaluate_csp(
        page.values("content-security-policy"),
        facts.meta_values("content-security-policy"),
        page.values("content-security-policy-report-only"),
        page.https,
    )
    site_host = observation.site_host or _host(page.url)
    hsts_passes = _hsts_result(page, site_host) in PASSING_RESULTS
    return _Visit(observation, facts, csp, hsts_passes, site_host)


def grade(observation: Observation) -> Report:
    """Run the twelve tests on one visit and score them; never raises on hostile pages."""
    visit = _visit(observation)
    runs = {
        "content-security-policy": _csp_test(visit),
        "cookies": _cookies_test(visit),
        "cross-origin-resource-sharing": _cors_test(visit),
        "redirection": _redirection_test(visit),
        "referrer-policy": _referrer_test(visit),
        "strict-transport-security": _hsts_test(visit),
        "subresource-integrity": _sri_test(visit),
        "x-content-type-options": _xcto_test(visit),
        "x-frame-options": _xfo_test(visit),
        "cross-origin-resource-policy": _corp_test(visit),
        "cross-origin-opener-policy": _coop_test(visit),
        "cross-origin-embedder-policy": _coep_test(visit),
    }
    tests = {name: test for name, test in runs.items() if test is not None}
    not_tested = tuple(name for name, test in runs.items() if test is None)
    return score(tests, not_tested)


def score(tests: dict[str, TestResult], not_tested: tuple[str, ...] = ()) -> Report:
    """Add the modifiers: bonuses only when the penalties alone leave at least 90."""
    penalties = sum(min(test.modifier, 0) for test in tests.values())
    bonuses = sum(max(test.modifier, 0) for test in tests.values())
    penalty_score = max(100 + penalties, 0)
    bonus_counted = penalty_score >= MINIMUM_SCORE_FOR_EXTRA_CREDIT
    total = penalty_score + bonuses if bonus_counted else penalty_score
    return Report(total, grade_letter(total), tests, not_tested, penalty_score, bonus_counted)


def observation_from_raw(raw: RawResponse, url: str) -> Observation:
    """A saved response graded as the page at `url`: no http:// visit, no preflight."""
    cookies = tuple(value for key, value in raw.headers if key.lower() == "set-cookie")
    return Observation(page=Page(url, raw.status, raw.headers, raw.body, cookies, True))
