"""The lab's vocabulary: a route's response, redirect, fault or chat bot, a web host, a zone.

scenario.py and the sites_* and zones_* tables build their rows from these types, so the
types live below all of them and no table imports another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# ---------------------------------------------------------------- routes


@dataclass(frozen=True)
class Cors:
    """How a route answers cross-origin requests (edge.cors scenarios).

    `allow` is "reflect" (echo any Origin, the classic misconfiguration), "*", "list"
    (only `origins`), "null-too" (`origins` plus the literal "null" origin) or "suffix" (any
    Origin ending with `origins[0]`, the broken regular expression behind many leaks).
    A preflight (OPTIONS with Access-Control-Request-Method) gets 204 and the same policy.
    """

    allow: str
    origins: tuple[str, ...] = ()
    credentials: bool = False

    def allowed(self, origin: str) -> str | None:
        """The Access-Control-Allow-Origin value this policy sends for `origin`, if any."""
        if self.allow == "*":
            return "*"
        if self.allow == "reflect":
            return origin
        if self.allow == "suffix":
            return origin if origin.endswith(self.origins[0]) else None
        permitted = (*self.origins, "null") if self.allow == "null-too" else self.origins
        return origin if origin in permitted else None


@dataclass(frozen=True)
class Response:
    """A complete response: status, extra headers and a body (Content-Length is added)."""

    status: int
    body: str | bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    cors: Cors | None = None


@dataclass(frozen=True)
class RateLimited:
    """A route that answers `inner` for `quota` requests per window of `window_s` seconds, then
    `status` (429 or 503) until the window ends (edge.ratelimit scenarios).

    The window starts with the first request after the lab's counters are reset, so tests
    do not depend on the clock. `announce` adds the IETF draft's RateLimit-Policy and
    RateLimit fields ("draft"), the legacy X-RateLimit-* trio ("legacy") or nothing ("").
    `retry_after` is "seconds", "date" or "" (no Retry-After on the refusal).
    """

    inner: Response
    quota: int
    window_s: int = 60
    status: int = 429
    announce: str = "draft"
    retry_after: str = "seconds"


@dataclass(frozen=True)
class Redirect:
    """A redirect; `location` is sent verbatim, so relative and odd schemes are possible."""

    status: int
    location: str


@dataclass(frozen=True)
class Fault:
    """Misbehaviour by name.

    As a whole scheme (instead of a route table) it acts on the connection before any
    HTTP or TLS: "reset", "hang", "garbage-tls". As a route it acts after the request:
    "reset", "hang", "slowbody", "hugebody" (endless), "trickle" (the response head one byte
    a second) and "manyheaders" (10,000 header lines).
    """

    kind: str


@dataclass(frozen=True)
class Chat:
    """A chat API answering the prompt in the request body (launchwizard.demo.chatbot).

    `bot` is "leaky" (the demo's assistant: leaks under some prompts, a traceback on
    malformed JSON), "guarded" (refuses attacks, 400 on bad JSON, 413 on long input) or
    "oversharing" (its provider key in every reply and error).
    `reply` is "json" ({"reply": {"text": ...}}), "sse" (text/event-stream, one event per
    word), "endless" (an event stream that never ends), "text" (plain text, not JSON).
    `first_byte_s` delays the first body byte after the head, as a slow model does.
    """

    bot: str = "guarded"
    reply: str = "json"
    first_byte_s: float = 0.0


@dataclass(frozen=True)
class Flaky:
    """A route that fails (503) on the requests its pattern names, counted since the lab's
    counters were reset: "odd" fails the 1st, 3rd, ... (one retry always rescues it),
    "always" fails every request (deploy.smoke scenarios). `status` and `retry_after` (a
    Retry-After value, none when empty) shape the failure: 429 with "1" is a server asking
    its client to slow down (RDAP scenarios)."""

    inner: Response
    pattern: str = "odd"
    status: int = 503
    retry_after: str = ""


@dataclass(frozen=True)
class Webhook:
    """An incoming-webhook receiver like Slack's: a POST is recorded (the lab's `deliveries`)
    and answered 200 "ok"; anything else is 400 "invalid_payload" (monitor.alerts scenarios)."""


Route = Response | Redirect | Fault | RateLimited | Chat | Flaky | Webhook
# A route table maps an exact path to a route; "*" matches any path not listed.
Routes = Mapping[str, Route]

ANY_PATH = "*"
CONNECTION_FAULTS = frozenset({"reset", "hang", "garbage-tls"})
ROUTE_FAULTS = frozenset({"reset", "hang", "slowbody", "hugebody", "trickle", "manyheaders"})


@dataclass(frozen=True)
class WebHost:
    """One virtual host: where it listens, its certificate kind, TLS range and routes.

    `http=None` means no http listener on the address at all (connection refused).
    `aliases` are further Host/SNI names answered here (e.g. the name a CNAME points from).
    """

    name: str
    address: str
    http: Routes | Fault | None
    https: Routes | Fault
    cert: str = "good"
    tls: tuple[str, str] = ("TLSv1_2", "TLSv1_3")
    aliases: tuple[str, ...] = ()
    san: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this host answers to, canonical first."""
        return (self.name, *self.aliases)

    @property
    def cert_names(self) -> tuple[str, ...]:
        """SAN entries for its certificate (the certificate kind may still override them)."""
        return self.san or self.names


# ---------------------------------------------------------------- name servers

NAMESERVERS: dict[str, str] = {
    "ns1.acme.test": "127.53.0.1",
    "ns2.acme.test": "127.53.0.2",
    "ns9.acme.test": "127.53.0.9",
}
PRIMARY_NS = "ns1.acme.test"
BOTH = ("ns1.acme.test", "ns2.acme.test")
DEFAULT_SERIAL = 2026112501


@dataclass(frozen=True)
class ZoneSpec:
    """One zone: records as (owner, type, rdata) text, who serves it, per-server serials.

    Owners are relative to the origin ("@" for the apex). `faults` maps an owner to
    "silent", "servfail", "late" (answers after a minute), "truncated" (TC over UDP, the TCP
    connection closed unanswered), "wrongid" (answers under another message id) or
    "silent-other-types" (answers the types the owner holds, nothing else), and wins over
    any records.
    """

    origin: str
    records: tuple[tuple[str, str, str], ...]
    served_by: tuple[str, ...] = BOTH
    ns: tuple[str, ...] = BOTH
    serials: Mapping[str, int] = field(default_factory=dict)
    faults: Mapping[str, str] = field(default_factory=dict)

    def serial_for(self, server: str) -> int:
        """The SOA serial `server` publishes; differing values model a stuck secondary."""
        return self.serials.get(server, DEFAULT_SERIAL)


def txt_rdata(text: str, chunk: int = 250) -> str:
    """TXT rdata from long text, split into quoted strings of at most `chunk` bytes."""
    parts = [text[i : i + chunk] for i in range(0, len(text), chunk)]
    return " ".join(f'"{p}"' for p in parts)


def zone_text(zone: ZoneSpec, server: str) -> str:
    """Master-file text of `zone` as published by `server`, for dns.zone.from_text."""
    lines = [
        f"$ORIGIN {zone.origin}.",
        "$TTL 300",
        f"@ SOA {PRIMARY_NS}. hostmaster.{zone.origin}. {zone.serial_for(server)} 3600 600 1209600 300",
        *(f"@ NS {ns}." for ns in zone.ns),
        *(f"{owner} {rtype} {rdata}" for owner, rtype, rdata in zone.records),
    ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- web hosts

_DEFAULT = object()


def title_page(title: str) -> Response:
    """A tiny HTML page naming the host, so a test can tell which vhost answered."""
    return Response(200, f"<!doctype html><title>{title}</title><h1>{title}</h1>\n")


def host(
    name: str,
    address: str,
    *,
    http: object = _DEFAULT,
    https: object = _DEFAULT,
    **options: object,
) -> WebHost:
    """A WebHost with the usual defaults: http -> 301 https://name/, https / -> 200 page."""
    if http is _DEFAULT:
        http = {ANY_PATH: Redirect(301, f"https://{name}/")}
    if https is _DEFAULT:
        https = {"/": title_page(name)}
    return WebHost(name=name, address=address, http=http, https=https, **options)  # type: ignore[arg-type]
