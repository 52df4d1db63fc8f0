# ruff: noqa: E501  (the suite's header values are kept whole, one per line)
"""The cases of the MDN HTTP Observatory's own test suite (mdn/mdn-http-observatory, test/*.test.js),
restated as data: for each Observatory test, the headers and page its driver sets and the
result id and pass it asserts. The driver's defaults: the site is mozilla.org, the page is
text/html with an empty body, the http:// visit goes mozilla.org -> https://mozilla.org/ ->
https://www.mozilla.org/. HTML pages with <meta http-equiv> are written here to the same facts
as the suite's files (which meta tags, which scripts), not copied.
"""

from __future__ import annotations

from dataclasses import dataclass

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Case:
    """One assertion of the suite: `test`'s result for this response is `expected`."""

    test: str
    expected: str
    passed: bool
    headers: Headers = ()
    body: str = ""
    host: str = "mozilla.org"
    content_type: str = "text/html"

    def raw(self) -> bytes:
        """The response as `curl -si` saves it."""
        lines = ["HTTP/1.1 200 OK", f"Content-Type: {self.content_type}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n" + self.body).encode()


def _page(head: str = "", body: str = "") -> str:
    return f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="UTF-8" />\n{head}<title>T</title>\n</head>\n<body>{body}</body>\n</html>\n'


def _meta(equiv: str, content: str) -> str:
    return f'<meta http-equiv="{equiv}" content="{content}" />\n'


META_CSP_NONE = _page(_meta("Content-Security-Policy", "default-src 'none';"))
META_CSP_HTTPS = _page(_meta("Content-Security-Policy", "default-src https:"))
META_CSP_FOUR = _page(
    _meta("Content-Security-Policy", "default-src 'none'; object-src 'none'; media-src 'none';")
    + _meta("Content-SECURITY-Policy", "connect-src 'self'; font-src 'self'; child-src 'self'")
    + _meta(" Content-Security-Policy ", "img-src 'self'; style-src 'self' 'nonce-Zm9vYmFyYmF6'")
    + _meta("Content-security-Policy", "script-src 'self' 'unsafe-inline' 'nonce-Zm9vYmFyYmF6'")
)
META_FRAME_ANCESTORS = _page(_meta("Content-Security-Policy", "frame-ancestors 'none'"))
META_XFO = _page(_meta("X-Frame-Options", "DENY"))
META_REFERRER = _page('<meta name="referrer" content="no-referrer, same-origin" />\n')
META_REFERRER_CASE = _page('<meta name="referRer" content="no-referrer, same-origin" />\n')
INTEGRITY = (
    'integrity="sha384-dGVzdGRpZ2VzdHRlc3RkaWdlc3R0ZXN0ZGlnZXN0dGVzdGRpZ2VzdHRlc3Q=" crossorigin="anonymous"'
)
LOCAL = '<script src="/static/js/app.js"></script>\n'


def _scripts(*tags: str) -> str:
    return _page(body="\n" + "".join(tags))


def _csp(expected: str, passed: bool, *values: str) -> list[Case]:
    return [
        Case("content-security-policy", expected, passed, (("Content-Security-Policy", v),)) for v in values
    ]


def _one(test: str, header: str, expected: str, passed: bool, *values: str) -> list[Case]:
    return [Case(test, expected, passed, ((header, v),)) for v in values]


CSP = [
    Case("content-security-policy", "csp-not-implemented", False),
    *_csp(
        "csp-header-invalid",
        False,
        "  ",
        "",
        "default-src 'none'; default-src 'none'",
        "default-src 'none'; img-src 'self'; default-src 'none'",
        "default-src 'none'; script-src 'strict-dynamic'",
        "defa",
    ),
    *_csp(
        "csp-implemented-with-unsafe-inline",
        False,
        "default-src 'none'; script-src https://*",
        "default-src 'none'; script-src 'unsafe-inline'",
        "script-src 'unsafe-inline'",
        "script-src data:",
        "script-src http:",
        "script-src ftp:",
        "default-src 'unsafe-inline'",
        "default-src 'UNSAFE-INLINE'",
        "upgrade-insecure-requests",
        "script-src 'none'",
        "script-src https:",
        "script-src https://mozilla.org https:",
        "default-src https://mozilla.org https:",
        "default-src 'none'; script-src *",
        "default-src *; script-src *; object-src 'none'",
        "default-src 'none'; script-src 'none'; object-src *",
        "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'",
        "default-src 'none'; script-src 'unsafe-inline' http:",
        "object-src https:; script-src 'none'",
        "frame-anchestors 'none'",
    ),
    *_csp(
        "csp-implemented-with-insecure-scheme",
        False,
        "default-src http://mozilla.org",
        "default-src 'none'; script-src http://mozilla.org",
        "default-src 'none'; script-src ftp://mozilla.org",
    ),
    *_csp(
        "csp-implemented-with-insecure-scheme-in-passive-content-only",
        True,
        "default-src 'none'; img-src http://mozilla.org",
        "default-src 'self'; img-src ftp:",
        "default-src 'self'; img-src http:",
        "default-src 'none'; img-src https:; media-src http://mozilla.org",
        "default-src 'none'; img-src http: https:; script-src 'self'; style-src 'self'",
        "default-src 'none'; img-src 'none'; media-src http:; script-src 'self'; style-src 'self'",
        "default-src 'none'; img-src 'none'; media-src http:; script-src 'self'; style-src 'unsafe-inline'",
    ),
    *_csp("csp-implemented-with-unsafe-eval", False, "default-src 'none'; script-src 'unsafe-eval'"),
    *_csp(
        "csp-implemented-with-unsafe-inline-in-style-src-only",
        True,
        "object-src 'none'; script-src 'none'; style-src 'unsafe-inline'",
        "default-src 'none'; script-src https://mozilla.org; style-src 'unsafe-inline'",
        "default-src 'unsafe-inline'; script-src https://mozilla.org",
        "default-src 'none';;; ;;;style-src 'self' 'unsafe-inline'",
        "default-src 'none'; style-src data:",
        "default-src 'none'; style-src *",
        "default-src 'none'; style-src https:",
        "default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBB=' 'unsafe-inline'",
    ),
    *_csp(
        "csp-implemented-with-no-unsafe",
        True,
        "default-src https://mozilla.org",
        "default-src https://mozilla.org;;; ;;;script-src 'none'",
        "object-src 'none'; script-src https://mozilla.org; style-src https://mozilla.org; upgrade-insecure-requests;",
        "object-src 'none'; script-src 'strict-dynamic' 'nonce-abc' 'unsafe-inline'; style-src 'none'",
        "object-src 'none'; style-src 'self';script-src 'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBA='",
        "object-src 'none'; style-src 'self'; script-src 'unsafe-inline' "
        "'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBA=''sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBB='",
        "object-src 'none'; script-src 'unsafe-inline' 'nonce-abc123' 'unsafe-inline'; style-src 'none'",
        "default-src https://mozilla.org; style-src 'unsafe-inline' 'nonce-abc123' 'unsafe-inline'",
        "default-src https://mozilla.org; style-src 'unsafe-inline' "
        "'sha256-hqBEA/HXB3aJU2FgOnYN8rkAgEVgyfi3Vs1j2/XMPBB=' 'unsafe-inline'",
    ),
    *_csp(
        "csp-implemented-with-no-unsafe-default-src-none",
        True,
        "default-src",
        "default-src 'none'; script-src 'strict-dynamic' 'nonce-abc123' 'unsafe-inline'",
        "default-src 'none'; script-src https://mozilla.org; style-src https://mozilla.org; upgrade-insecure-requests;",
        "default-src 'none'; object-src https://mozilla.org",
        "default-src 'none'; script-src 'strict-dynamic' 'nonce-abc123'",
        "default-src 'none'; script-src 'strict-dynamic' 'sha256-abc123'",
        "default-src 'none'; script-src 'strict-dynamic' 'sha256-abc123' https://*",
        "default-src 'none'; script-src 'strict-dynamic' 'sha256-abc123' 'unsafe-inline'",
        "default-src 'none'; script-src 'self', default-src 'none'; script-src 'self'",
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline', "
        "default-src 'none'; style-src 'self', "
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'",
    ),
    Case(
        "content-security-policy",
        "csp-implemented-with-no-unsafe-default-src-none",
        True,
        (("Content-Security-Policy", "default-src http:"),),
        META_CSP_HTTPS,
    ),
    Case(
        "content-security-policy", "csp-implemented-with-no-unsafe-default-src-none", True, body=META_CSP_NONE
    ),
    Case(
        "content-security-policy", "csp-implemented-with-no-unsafe-default-src-none", True, body=META_CSP_FOUR
    ),
    *[
        Case(
            "content-security-policy",
            "csp-implemented-with-no-unsafe-default-src-none",
            True,
            (header,),
            page,
        )
        for header, page in (
            (("Content-Security-Policy", "default-src 'none'"), META_CSP_NONE),
            (("Content-Security-Policy", "default-src 'none'"), META_CSP_HTTPS),
            (("Content-Security-Policy", "img-src 'none'"), META_CSP_NONE),
        )
    ],
    Case(
        "content-security-policy",
        "csp-not-implemented-but-reporting-enabled",
        False,
        (("Content-Security-Policy-Report-Only", "default-src 'none'; report-to /_/csp-reports"),),
    ),
    Case("content-security-policy", "csp-not-implemented", False, body=META_FRAME_ANCESTORS),
    Case(
        "content-security-policy",
        "csp-implemented-with-unsafe-inline",
        False,
        (("Content-Security-Policy", "frame-anchestors 'none'"),),
        META_FRAME_ANCESTORS,
    ),
]


def _structured(
    test: str, header: str, prefix: str, valid: dict[str, str], invalid: tuple[str, ...]
) -> list[Case]:
    cases = [Case(test, f"{prefix}-not-implemented", True)]
    cases += [Case(test, f"{prefix}-header-invalid", False, ((header, v),)) for v in invalid]
    cases += [Case(test, expected, True, ((header, v),)) for v, expected in valid.items()]
    first, second = list(valid)[:2]
    cases.append(Case(test, f"{prefix}-header-invalid", False, ((header, first), (header, second))))
    return cases


COEP = _structured(
    "cross-origin-embedder-policy",
    "Cross-Origin-Embedder-Policy",
    "coep",
    {
        "require-corp": "coep-implemented-with-require-corp",
        "credentialless": "coep-implemented-with-credentialless",
        "unsafe-none": "coep-implemented-with-unsafe-none",
        'require-corp; report-to="coep-endpoint"': "coep-implemented-with-require-corp",
        'credentialless; report-to="coep-endpoint"': "coep-implemented-with-credentialless",
        "require-corp; report-to": "coep-implemented-with-require-corp",
    },
    ("whimsy", '"require-corp"', "Require-Corp", "REQUIRE-CORP", "require-corp; report-to=coep endpoint"),
)
COOP = _structured(
    "cross-origin-opener-policy",
    "Cross-Origin-Opener-Policy",
    "coop",
    {
        "same-origin": "coop-implemented-with-same-origin",
        "same-origin-allow-popups": "coop-implemented-with-same-origin-allow-popups",
        "noopener-allow-popups": "coop-implemented-with-noopener-allow-popups",
        "unsafe-none": "coop-implemented-with-unsafe-none",
        'same-origin; report-to="coop-endpoint"': "coop-implemented-with-same-origin",
        'same-origin-allow-popups; report-to="coop-endpoint"': "coop-implemented-with-same-origin-allow-popups",
        "same-origin; report-to": "coop-implemented-with-same-origin",
    },
    ("whimsy", '"same-origin"', "Same-Origin", "SAME-ORIGIN", "same-origin; report-to=coop endpoint"),
)
CORP_NAME, CORP = "cross-origin-resource-policy", "Cross-Origin-Resource-Policy"
CORP_CASES = [
    Case(CORP_NAME, "corp-not-implemented", True),
    *_one(CORP_NAME, CORP, "corp-header-invalid", False, "whimsy"),
    *_one(CORP_NAME, CORP, "corp-implemented-with-same-site", True, "same-site"),
    *_one(CORP_NAME, CORP, "corp-implemented-with-same-origin", True, "same-origin"),
    *_one(CORP_NAME, CORP, "corp-implemented-with-cross-origin", True, "cross-origin"),
    Case(CORP_NAME, "corp-header-invalid", False, ((CORP, "same-origin"), (CORP, "cross-origin"))),
]
XCTO_NAME, XCTO = "x-content-type-options", "X-Content-Type-Options"
XCTO_CASES = [
    Case(XCTO_NAME, "x-content-type-options-not-implemented", False),
    *_one(XCTO_NAME, XCTO, "x-content-type-options-header-invalid", False, "whimsy", "nosniff, nosniff"),
    *_one(XCTO_NAME, XCTO, "x-content-type-options-nosniff", True, "nosniff", "nosniff "),
]
XFO_NAME, XFO = "x-frame-options", "X-Frame-Options"
XFO_CASES = [
    Case(XFO_NAME, "x-frame-options-not-implemented", False),
    *_one(XFO_NAME, XFO, "x-frame-options-header-invalid", False, "whimsy", "SAMEORIGIN, SAMEORIGIN"),
    *_one(XFO_NAME, XFO, "x-frame-options-allow-from-origin", True, "ALLOW-FROM https://mozilla.org"),
    *_one(XFO_NAME, XFO, "x-frame-options-sameorigin-or-deny", True, "DENY", "SAMEORIGIN"),
    Case(
        XFO_NAME,
        "x-frame-options-implemented-via-csp",
        True,
        ((XFO, "DENY"), ("Content-Security-Policy", "frame-ancestors https://mozilla.org")),
    ),
    Case(XFO_NAME, "x-frame-options-not-implemented", False, body=META_XFO),
]
REF_NAME, REF = "referrer-policy", "Referrer-Policy"
REFERRER_CASES = [
    *_one(
        REF_NAME,
        REF,
        "referrer-policy-private",
        True,
        "no-referrer",
        "same-origin",
        "strict-origin",
        "STRICT-ORIGIN",
        "strict-origin-when-cross-origin",
        "no-referrer, whimsy",
    ),
    Case(REF_NAME, "referrer-policy-private", True, body=META_REFERRER),
    Case(REF_NAME, "referrer-policy-private", True, body=META_REFERRER_CASE),
    Case(REF_NAME, "referrer-policy-private", True, ((REF, "unsafe-url"),), META_REFERRER),
    Case(REF_NAME, "referrer-policy-not-implemented", True),
    *_one(REF_NAME, REF, "referrer-policy-header-invalid", False, "whimsy", "whimsy, whimsy1, whimsy2"),
    *_one(
        REF_NAME,
        REF,
        "referrer-policy-unsafe",
        False,
        "origin",
        "origin-when-cross-origin",
        "unsafe-url",
        "origin-when-cross-origin, no-referrer, unsafe-url",
        "no-referrer, unsafe-url",
    ),
]
HSTS_NAME, HSTS = "strict-transport-security", "Strict-Transport-Security"
HSTS_CASES = [
    Case(HSTS_NAME, "hsts-not-implemented", False),
    *_one(
        HSTS_NAME,
        HSTS,
        "hsts-header-invalid",
        False,
        "includeSubDomains; preload",
        "max-age=15768000; includeSubDomains, max-age=15768000; includeSubDomains",
    ),
    *_one(HSTS_NAME, HSTS, "hsts-implemented-max-age-less-than-six-months", False, "max-age=86400"),
    *_one(
        HSTS_NAME,
        HSTS,
        "hsts-implemented-max-age-at-least-six-months",
        True,
        "max-age=15768000; includeSubDomains; preload",
    ),
    Case(HSTS_NAME, "hsts-preloaded", True, host="bugzilla.mozilla.org"),
    Case(HSTS_NAME, "hsts-preloaded", True, host="facebook.com"),
    Case(HSTS_NAME, "hsts-not-implemented", False, host="dropboxusercontent.com"),
]


def _cookies(expected: str, passed: bool, *cookies: str, hsts: bool = False) -> Case:
    headers = tuple(("Set-Cookie", c) for c in cookies)
    if hsts:
        headers += ((HSTS, "max-age=15768000"),)
    return Case("cookies", expected, passed, headers)


COOKIE_CASES = [
    _cookies("cookies-not-found", True),
    _cookies(
        "cookies-secure-with-httponly-sessions",
        True,
        "SESSIONID=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly",
        "foo=bar; Domain=mozilla.org; Secure; Path=/",
        "heroku-session-affinity=bar; Domain=mozilla.org; Path=/",
    ),
    _cookies(
        "cookies-secure-with-httponly-sessions-and-samesite",
        True,
        "SESSIONID_SAMESITE_STRICT=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly; SameSite=Strict",
        "SESSIONID_SAMESITE_LAX=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly; SameSite=Lax",
        "SESSIONID_SAMESITE_NONE=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly; SameSite=None",
    ),
    _cookies(
        "cookies-secure-with-httponly-sessions",
        True,
        "SESSIONID_SAMESITE_STRICT=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly; SameSite=Strict",
        "SESSIONID_SAMESITE_NO_SAMESITE=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly",
        "SESSIONID_SAMESITE_LAX=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly; SameSite=Lax",
        "SESSIONID_SAMESITE_NONE=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly; SameSite=None",
    ),
    _cookies(
        "cookies-anticsrf-without-samesite-flag",
        False,
        "CSRFTOKEN=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly",
    ),
    *[
        _cookies(
            "cookies-samesite-flag-invalid",
            False,
            f"SESSIONID=bar; Domain=mozilla.org; Path=/; Secure; HttpOnly; {flag}",
        )
        for flag in ("SameSite=", "SameSite=True", "SameSite=Invalid")
    ],
    _cookies(
        "cookies-without-secure-flag-but-protected-by-hsts",
        False,
        "foo=bar; Domain=mozilla.org; Path=/",
        hsts=True,
    ),
    _cookies(
        "cookies-session-without-secure-flag-but-protected-by-hsts",
        False,
        "SESSIONID=bar; Domain=mozilla.org; Path=/; HttpOnly",
        hsts=True,
    ),
    _cookies("cookies-without-secure-flag", False, "foo=bar; Domain=mozilla.org; Path=/"),
    _cookies(
        "cookies-session-without-httponly-flag", False, "SESSIONID=bar; Domain=mozilla.org; Path=/; Secure"
    ),
    _cookies(
        "cookies-session-without-secure-flag", False, "SESSIONID=bar; Domain=mozilla.org; Path=/; HttpOnly"
    ),
    _cookies("cookies-session-without-secure-flag", False, "SESSIONID=bar; Domain=mozilla.org; Path=/"),
]
SRI_NAME = "subresource-integrity"
SRI_CASES = [
    Case(SRI_NAME, "sri-not-implemented-but-no-scripts-loaded", True, body=_page()),
    Case(
        SRI_NAME,
        "sri-not-implemented-response-not-html",
        True,
        body='{"foo": "bar"}',
        content_type="application/json",
    ),
    Case(
        SRI_NAME, "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", True, body=_scripts(LOCAL)
    ),
    Case(
        SRI_NAME,
        "sri-not-implemented-and-external-scripts-not-loaded-securely",
        False,
        body=_scripts('<script src="//www.mozilla.org/static/js/foo.js"></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        True,
        body=_scripts('<script src="https://www.mozilla.org/static/js/foo.js"></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-implemented-and-external-scripts-loaded-securely",
        True,
        body=_scripts(LOCAL, f'<script src="https://fb.me/react-0.14.7.min.js" {INTEGRITY}></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-implemented-and-external-scripts-loaded-securely",
        True,
        body=_scripts(LOCAL, f'<script src="https://localhost/react-0.14.7.min.js" {INTEGRITY}></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-implemented-and-all-scripts-loaded-securely",
        True,
        body=_scripts(f'<script src="/static/js/react-0.14.7.min.js" {INTEGRITY}></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-not-implemented-but-external-scripts-loaded-securely",
        False,
        body=_scripts(LOCAL, '<script src="https://fb.me/react-0.14.7.min.js"></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-implemented-but-external-scripts-not-loaded-securely",
        False,
        body=_scripts(
            LOCAL,
            f'<script src="http://fb.me/react-0.14.6.min.js" {INTEGRITY}></script>\n',
            f'<script src="https://fb.me/react-0.14.7.min.js" {INTEGRITY}></script>\n',
        ),
    ),
    Case(
        SRI_NAME,
        "sri-implemented-but-external-scripts-not-loaded-securely",
        False,
        body=_scripts(f'<script src="//fb.me/react-0.14.6.min.js" {INTEGRITY}></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-not-implemented-and-external-scripts-not-loaded-securely",
        False,
        body=_scripts(LOCAL, '<script src="http://fb.me/react-0.14.6.min.js"></script>\n'),
    ),
    Case(
        SRI_NAME,
        "sri-not-implemented-and-external-scripts-not-loaded-securely",
        False,
        body=_scripts(LOCAL, '<script src="//fb.me/react-0.14.6.min.js"></script>\n'),
    ),
]

SAVED_RESPONSE_CASES = [
    *CSP,
    *COEP,
    *COOP,
    *CORP_CASES,
    *XCTO_CASES,
    *XFO_CASES,
    *REFERRER_CASES,
    *HSTS_CASES,
    *COOKIE_CASES,
    *SRI_CASES,
]
"""Every case a saved response can carry: one response's headers and body."""

HTTP_DEFAULT_ROUTE = ("http://mozilla.org/", "https://mozilla.org/", "https://www.mozilla.org/")
REDIRECTION_CASES: list[tuple[tuple[str, ...], str, bool]] = [
    ((), "redirection-not-needed-no-http", True),
    (("http://mozilla.org/",), "redirection-missing", False),
    (("http://mozilla.org/", "http://www.mozilla.org/"), "redirection-not-to-https", False),
    (
        ("http://mozilla.org/", "http://www.mozilla.org/", "http://www.mozilla.org/en/"),
        "redirection-not-to-https",
        False,
    ),
    (HTTP_DEFAULT_ROUTE, "redirection-to-https", True),
    (("http://mozilla.org/", "https://mozilla.org:8443/"), "redirection-to-https", True),
    (
        ("http://mozilla.org/", "http://www.mozilla.org/", "https://www.mozilla.org/"),
        "redirection-not-to-https-on-initial-redirection",
        False,
    ),
    (("http://mozilla.org/", "https://www.mozilla.org/"), "redirection-off-host-from-http", False),
    (
        (
            "http://cloudflare.com/",
            "https://cloudflare.com/",
            "https://www.cloudflare.com/",
            "https://baz.cloudflare.com/foo",
        ),
        "redirection-all-redirects-preloaded",
        True,
    ),
]
"""redirection.test.js: the http:// route (first the http:// URL, last the final page)."""

OBSERVATORY_ORIGIN = "https://http-observatory.security.mozilla.org"
CORS_CASES: list[tuple[Headers, str, bool]] = [
    ((), "cross-origin-resource-sharing-not-implemented", True),
    (
        (("Access-Control-Allow-Origin", "*"),),
        "cross-origin-resource-sharing-implemented-with-public-access",
        True,
    ),
    (
        (("Access-Control-Allow-Origin", "https://mozilla.org"),),
        "cross-origin-resource-sharing-implemented-with-restricted-access",
        True,
    ),
    (
        (("Access-Control-Allow-Origin", "{origin}"), ("Access-Control-Allow-Credentials", "true")),
        "cross-origin-resource-sharing-implemented-with-universal-access",
        False,
    ),
]
"""cors.test.js: the preflight's answer to the Observatory's own Origin ({origin} is it)."""

GRADES = [(100, "A+"), (0, "F"), (120, "A+"), (-10, "F")]
"""grader.test.js: score to grade, the score floored at 0."""


@dataclass(frozen=True)
class Scan:
    """scanner.test.js: a whole captured site and the grade the Observatory gives it."""

    host: str
    headers: Headers
    body: str
    route: tuple[str, ...]
    score: int
    grade: str
    failed: int


MOZILLA_CSP = (
    "frame-src 'self' accounts.firefox.com js.stripe.com www.youtube.com; "
    "script-src 'self' 'unsafe-eval' 'unsafe-inline' cdn.transcend.io js.stripe.com www.mozilla.org; "
    "form-action 'self' https://accounts.firefox.com/ https://basket.mozilla.org; font-src 'self' www.mozilla.org; "
    "style-src 'self' 'unsafe-inline' www.mozilla.org; default-src 'self' *.mozilla.org; frame-ancestors 'none'; "
    "connect-src 'self' www.mozilla.org; upgrade-insecure-requests; img-src 'self' data: www.mozilla.org; "
    "object-src 'none'; media-src 'self' www.mozilla.org; base-uri 'none'"
)
OBSERVATORY_CSP = (
    "default-src 'self'; script-src 'report-sample' 'self' 'wasm-unsafe-eval' https://*.googletagmanager.com "
    "'sha256-XNBp89FG76amD8BqrJzyflxOF9PaWPqPqvJfKZPCv7M='; style-src 'report-sample' 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'self'; connect-src 'self'; font-src 'self'; frame-src 'self'; "
    "img-src 'self' data:; manifest-src 'self'; media-src 'self'; child-src 'self'; worker-src 'self';"
)
SCANS = [
    Scan(
        "mozilla.org",
        (
            ("Content-Type", "text/html; charset=utf-8"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", MOZILLA_CSP),
            ("Content-Security-Policy-Report-Only", MOZILLA_CSP),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Strict-Transport-Security", "max-age=31536000"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ),
        _scripts(
            '<script data-cfasync="false" src="https://transcend-cdn.com/cm/airgap.js"></script>\n',
            '<script src="https://www.mozilla.org/media/js/site.js"></script>\n',
        ),
        ("http://mozilla.org/", "https://mozilla.org/", "https://www.mozilla.org/"),
        75,
        "B",
        2,
    ),
    Scan(
        "observatory.mozilla.org",
        (
            ("Content-Type", "text/html"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
            ("Content-Security-Policy", OBSERVATORY_CSP),
            ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Strict-Transport-Security", "max-age=63072000"),
        ),
        _scripts(
            "<script>window.ready = true;</script>\n",
            '<script src="/static/client/index.js" type="module"></script>\n',
        ),
        (
            "http://observatory.mozilla.org/",
            "https://observatory.mozilla.org/",
            "https://developer.mozilla.org/en-US/observatory",
        ),
        110,
        "A+",
        0,
    ),
]
"""The two captured sites of scanner.test.js, their headers and scripts restated: B (75) with
two tests failed, A+ (110) with none. Neither grants CORS to the Observatory's preflight."""
