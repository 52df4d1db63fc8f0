"""What the lab serves, as plain data tables: name servers, zones, web hosts and their routes.

Everything lives on 127.53.0.0/16: name servers on 127.53.0.x, the demo product ("Acme
Assist") on 127.53.1.x, one test host per address on 127.53.2.x and DNS-only names on
127.53.3.x. Adding a scenario means adding a row here; the servers read nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from launchwizard.demo.sites_bundle import demo_routes
from launchwizard.demo.sites_edge import service_hosts, service_zones
from launchwizard.demo.zones_mail import mail_hosts, mail_zones
from launchwizard.demo.zones_message import message_zones
from launchwizard.demo.zones_spf import spf_zones

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
    malformed JSON) or "guarded" (refuses attacks, 400 on bad JSON, 413 on long input).
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
    "always" fails every request (deploy.smoke scenarios)."""

    inner: Response
    pattern: str = "odd"


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
    connection closed unanswered) or "wrongid" (answers under another message id), and wins
    over any records.
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


def _txt(text: str, chunk: int = 250) -> str:
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


def _page(title: str) -> Response:
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
        https = {"/": _page(name)}
    return WebHost(name=name, address=address, http=http, https=https, **options)  # type: ignore[arg-type]


_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

_HOMEPAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Acme Assist - answers for your customers, day and night</title>
  <meta name="description" content="Acme Assist is the AI assistant for B2B support teams.">
  <link rel="stylesheet" href="/static/site.css">
</head>
<body>
  <header><a href="/" class="logo">Acme Assist</a>
    <nav>
      <a href="/pricing">Pricing</a> <a href="/docs">Docs</a>
      <a href="https://app.acme.test/login">Sign in</a>
    </nav>
  </header>
  <main>
    <h1>Your support team's new colleague</h1>
    <p>Acme Assist answers customer questions from your own documentation, hands over to a
    human when it should, and never sleeps.</p>
    <a class="cta" href="https://app.acme.test/signup">Start a free trial</a>
  </main>
  <footer>&copy; 2026 Acme Assist Ltd. <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
  <script src="/static/app.js" defer></script>
  <script src="https://app.acme.test/widget/v2/chat.js" data-tenant="acme-demo" async></script>
</body>
</html>
"""

# The demo's www sits behind "Cloudflare" with a few headers right and the rest missing, a
# session cookie without Secure, and the .git folder deployed with the site.
_WWW_HEADERS = (
    _HSTS,
    ("Server", "cloudflare"),
    ("CF-RAY", "8c1f2e3d4a5b6c7d-AMS"),
    ("CF-Cache-Status", "DYNAMIC"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Set-Cookie", "acme_session=demo-session-0001; Path=/; HttpOnly; SameSite=Lax"),
)
_DEMO_GIT_CONFIG = (
    "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
    '[remote "origin"]\n\turl = git@github.com:acme-assist/acme-app.git\n'
)
_SWAGGER_UI = (
    "<!doctype html><html><head><title>Acme Assist API - Swagger UI</title>"
    '<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="swagger-ui"></div>'
    '<script src="/docs/swagger-ui-bundle.js"></script></body></html>\n'
)
_WIDGET_JS = "(function () { window.AcmeChat = { open: function () {} }; })();\n" * 60
# The API answers any Origin with credentials allowed: the classic CORS leak.
_API_CORS = Cors("reflect", credentials=True)

DEMO_HOSTS: tuple[WebHost, ...] = (
    host(
        "acme.test",
        "127.53.1.1",
        https={ANY_PATH: Redirect(301, "https://www.acme.test/")},
        san=("acme.test", "www.acme.test"),
    ),
    host(
        "www.acme.test",
        "127.53.1.2",
        https={
            "/": Response(200, _HOMEPAGE, headers=_WWW_HEADERS),
            "/health": Response(200, json.dumps({"status": "ok"}), "application/json", headers=(_HSTS,)),
            "/.git/HEAD": Response(200, "ref: refs/heads/main\n", "text/plain"),
            "/.git/config": Response(200, _DEMO_GIT_CONFIG, "text/plain"),
            **demo_routes(),
        },
    ),
    host(
        "app.hosting.test",
        "127.53.1.3",
        aliases=("app.acme.test",),
        http={ANY_PATH: _page("Acme Assist app")},
        https={
            "/login": RateLimited(_page("Sign in to Acme Assist"), quota=100, window_s=60),
            "/widget/v2/chat.js": Response(200, _WIDGET_JS, "text/javascript; charset=utf-8"),
            ANY_PATH: _page("Acme Assist app"),
        },
        cert="expiring",
        san=("app.acme.test", "app.hosting.test"),
    ),
    host(
        "api.acme.test",
        "127.53.1.4",
        http={ANY_PATH: Redirect(302, "https://api.acme.test/")},
        https={
            "/docs": Response(200, _SWAGGER_UI),
            "/v1/chat": Chat("leaky"),
            ANY_PATH: Response(
                200,
                json.dumps({"service": "acme-assist-api", "version": "2.3.1"}),
                "application/json",
                cors=_API_CORS,
            ),
        },
        tls=("TLSv1", "TLSv1_3"),
    ),
)


def _lab(name: str, n: int, **options: object) -> WebHost:
    """A test host NAME.lab.test on 127.53.2.n."""
    return host(f"{name}.lab.test", f"127.53.2.{n}", **options)


TEST_HOSTS: tuple[WebHost, ...] = (
    _lab("good", 1),
    _lab("expired", 2, cert="expired"),
    _lab("expiring", 3, cert="expiring"),
    _lab("soon", 4, cert="soon"),
    _lab("wronghost", 5, cert="wronghost"),
    _lab("selfsigned", 6, cert="selfsigned"),
    _lab("weakkey", 7, cert="weakkey"),
    _lab("nochain", 8, cert="nochain"),
    _lab("longlife", 9, cert="longlife"),
    _lab("legacy", 10, tls=("TLSv1", "TLSv1_3")),
    _lab("tls12", 11, tls=("TLSv1_2", "TLSv1_2")),
    _lab("noredirect", 12, http={ANY_PATH: _page("noredirect.lab.test")}),
    _lab("temp", 13, http={ANY_PATH: Redirect(302, "https://temp.lab.test/")}),
    _lab("offhost", 14, http={ANY_PATH: Redirect(301, "https://good.lab.test/")}),
    _lab("otherport", 15, http={ANY_PATH: Redirect(301, "https://otherport.lab.test:8443/")}),
    _lab("fileredirect", 16, http={ANY_PATH: Redirect(301, "file:///etc/passwd")}),
    _lab("loop", 17, https={"/": Redirect(301, "/a"), "/a": Redirect(301, "/")}),
    _lab(
        "downgrade",
        18,
        http={
            "/plain": _page("downgrade.lab.test plain"),
            ANY_PATH: Redirect(301, "https://downgrade.lab.test/"),
        },
        https={"/": Redirect(301, "http://downgrade.lab.test/plain")},
    ),
    _lab(
        "longchain",
        19,
        https={
            "/": Redirect(301, "/1"),
            "/1": Redirect(301, "/2"),
            "/2": Redirect(301, "/3"),
            "/3": Redirect(301, "/4"),
            "/4": _page("longchain.lab.test end"),
        },
    ),
    _lab("reset", 20, http=Fault("reset"), https=Fault("reset")),
    _lab("hang", 21, http=Fault("hang"), https=Fault("hang")),
    _lab("slowbody", 22, https={ANY_PATH: Fault("slowbody")}),
    _lab("hugebody", 23, https={ANY_PATH: Fault("hugebody")}),
    _lab("badtls", 24, https=Fault("garbage-tls")),
    _lab("closed80", 25, http=None),
    _lab(
        "badlocation",
        26,
        http={ANY_PATH: Redirect(301, "http://[::1")},
        https={"/": Redirect(301, "https://badlocation.lab.test:99999/")},
    ),
)

WEB_HOSTS: tuple[WebHost, ...] = DEMO_HOSTS + TEST_HOSTS + mail_hosts() + service_hosts()

# ---------------------------------------------------------------- zones

_BIG = "lab-padding-" + "0123456789abcdef" * 30  # about 500 bytes per record

ZONES: tuple[ZoneSpec, ...] = (
    ZoneSpec(
        origin="acme.test",
        served_by=(*BOTH, "ns9.acme.test"),
        records=(
            ("@", "A", "127.53.1.1"),
            ("@", "MX", "10 mx1.hosting.test."),
            ("@", "TXT", '"v=spf1 include:_spf.hosting.test -all"'),
            ("_dmarc", "TXT", '"v=DMARC1; p=quarantine; rua=mailto:dmarc@acme.test"'),
            ("www", "A", "127.53.1.2"),
            ("app", "CNAME", "app.hosting.test."),
            ("api", "A", "127.53.1.4"),
            ("docs", "CNAME", "acme-docs.herokuapp.com."),
            ("legacy", "CNAME", "acme-legacy.azurewebsites.net."),
            ("status", "A", "127.53.1.2"),
            ("@", "CAA", '0 issue "letsencrypt.org"'),
            ("ns1", "A", "127.53.0.1"),
            ("ns2", "A", "127.53.0.2"),
            ("ns9", "A", "127.53.0.9"),
        ),
    ),
    ZoneSpec(
        origin="hosting.test",
        records=(
            ("app", "A", "127.53.1.3"),
            ("mx1", "A", "127.53.1.25"),
            ("_spf", "TXT", '"v=spf1 ip4:127.53.1.25 -all"'),
        ),
    ),
    ZoneSpec(
        origin="lab.test",
        records=(
            ("bigtxt", "TXT", _txt(_BIG)),
            ("bigtxt", "TXT", _txt(_BIG.upper())),
            ("bigtxt", "TXT", _txt(_BIG[::-1])),
            ("nodata", "TXT", '"this name has no address records"'),
            ("ipv6", "AAAA", "::1"),
            ("ipv6", "A", "127.53.2.99"),
            ("cname", "CNAME", "good.lab.test."),
            ("dangling", "CNAME", "gone.hosting.test."),
            *((h.name.removesuffix(".lab.test"), "A", h.address) for h in TEST_HOSTS),
        ),
        faults={"silent": "silent", "servfail": "servfail"},
    ),
    ZoneSpec(
        origin="lame.test",
        ns=(*BOTH, "ns9.acme.test"),
        records=(("@", "A", "127.53.3.1"),),
    ),
    ZoneSpec(
        origin="drift.test",
        serials={"ns1.acme.test": 2026112501, "ns2.acme.test": 2026112401},
        records=(("@", "A", "127.53.3.2"),),
    ),
    *mail_zones(),
    *service_zones(),
    *spf_zones(),
    *message_zones(),
)
