"""Set-Cookie attributes and the MDN HTTP Observatory's `cookies` test.

Rules from web-tls-edge.md §2.3: every cookie should be Secure, session cookies (a name
containing "login" or "sess") HttpOnly, and every cookie should carry SameSite Strict, Lax
or None (None only with Secure); an anti-CSRF cookie (name containing "csrf") without
SameSite defeats its purpose. A missing Secure flag is softened when HSTS passes, since
the browser then never sends the cookie over http. Heroku's `heroku-session-affinity`
routing cookie is ignored. The worst finding across cookies is the result.

Parsing follows RFC 6265 §5.2 leniently, as browsers do: the name is what comes before
the first "=", attributes are matched case-insensitively, and garbage yields a cookie
with an empty name rather than an error. Values are never kept: evidence names cookies
and their flags only, because a cookie value is a credential.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

IGNORED = frozenset({"heroku-session-affinity"})
SESSION_MARKS = ("login", "sess")
SAMESITE_VALUES = ("strict", "lax", "none")
MAX_COOKIES = 200
MAX_NAME = 80

WORSE_ORDER = (
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
)
"""Failing results from least to most severe, as the Observatory ranks them."""

PASSING = frozenset(
    {
        "cookies-not-found",
        "cookies-secure-with-httponly-sessions-and-samesite",
        "cookies-secure-with-httponly-sessions",
    }
)


@dataclass(frozen=True)
class SetCookie:
    """One Set-Cookie header's name and security attributes (never its value)."""

    name: str
    secure: bool
    httponly: bool
    samesite: str | None

    @property
    def session(self) -> bool:
        lowered = self.name.lower()
        return any(mark in lowered for mark in SESSION_MARKS)

    @property
    def anticsrf(self) -> bool:
        return "csrf" in self.name.lower()

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name[:MAX_NAME],
            "secure": self.secure,
            "httponly": self.httponly,
            "samesite": self.samesite,
            "session": self.session,
        }


def parse_set_cookie(value: str) -> SetCookie:
    """The name and flags of one Set-Cookie value; never raises."""
    first, _, rest = value.partition(";")
    name = first.partition("=")[0].strip() if "=" in first else ""
    secure = httponly = False
    samesite: str | None = None
    for attribute in rest.split(";"):
        key, _, setting = attribute.partition("=")
        key = key.strip().lower()
        if key == "secure":
            secure = True
        elif key == "httponly":
            httponly = True
        elif key == "samesite":
            samesite = setting.strip()
    return SetCookie(name, secure, httponly, samesite)


def _findings(cookie: SetCookie, hsts_passes: bool) -> list[str]:
    found = []
    if cookie.samesite is not None:
        valid = cookie.samesite.lower() in SAMESITE_VALUES
        if not valid or (cookie.samesite.lower() == "none" and not cookie.secure):
            found.append("cookies-samesite-flag-invalid")
    elif cookie.anticsrf:
        found.append("cookies-anticsrf-without-samesite-flag")
    if not cookie.secure:
        if cookie.session:
            found.append(
                "cookies-session-without-secure-flag-but-protected-by-hsts"
                if hsts_passes
                else "cookies-session-without-secure-flag"
            )
        else:
            found.append(
                "cookies-without-secure-flag-but-protected-by-hsts"
                if hsts_passes
                else "cookies-without-secure-flag"
            )
    if cookie.session and not cookie.httponly:
        found.append("cookies-session-without-httponly-flag")
    return found


def evaluate_cookies(values: Sequence[str], hsts_passes: bool) -> tuple[str, list[SetCookie]]:
    """(result id, the cookies judged) for every Set-Cookie the visit received."""
    cookies = [parse_set_cookie(value) for value in values[:MAX_COOKIES]]
    cookies = [cookie for cookie in cookies if cookie.name.lower() not in IGNORED]
    if not cookies:
        return "cookies-not-found", []
    worst = -1
    for cookie in cookies:
        for finding in _findings(cookie, hsts_passes):
            worst = max(worst, WORSE_ORDER.index(finding))
    if worst >= 0:
        return WORSE_ORDER[worst], cookies
    if all(cookie.samesite is not None for cookie in cookies):
        return "cookies-secure-with-httponly-sessions-and-samesite", cookies
    return "cookies-secure-with-httponly-sessions", cookies
