"""What the lab serves, as plain data tables: name servers, zones, web hosts and their routes.

Everything lives on 127.53.0.0/16: name servers on 127.53.0.x, the demo product ("Acme
Assist") on 127.53.1.x, one test host per address on 127.53.2.x and DNS-only names on
127.53.3.x. Adding a scenario means adding a row here; the servers read nothing else.
"""

from __future__ import annotations

import json

from launchwizard.demo.model import (
    ANY_PATH,
    BOTH,
    Chat,
    Cors,
    Fault,
    RateLimited,
    Redirect,
    Response,
    WebHost,
    ZoneSpec,
    host,
    title_page,
    txt_rdata,
)
from launchwizard.demo.sites_bundle import demo_routes
from launchwizard.demo.sites_edge import service_hosts, service_zones
from launchwizard.demo.sites_rdap import rdap_hosts, rdap_zones
from launchwizard.demo.zones_mail import mail_hosts, mail_zones
from launchwizard.demo.zones_message import message_zones
from launchwizard.demo.zones_spf import spf_zones

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
DEMO_LOGIN_QUOTA = 600
"""Sign-ins per minute the demo's login allows: it announces the limit (edge.ratelimit's
probe of 10 requests sees no throttling and says so), while a few full audits, smoke tests
and evaluations in the same minute (the README's own sequence: each audit samples the
login about 55 times) stay well under it."""

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
        http={ANY_PATH: title_page("Acme Assist app")},
        https={
            "/login": RateLimited(title_page("Sign in to Acme Assist"), quota=DEMO_LOGIN_QUOTA, window_s=60),
            "/widget/v2/chat.js": Response(200, _WIDGET_JS, "text/javascript; charset=utf-8"),
            ANY_PATH: title_page("Acme Assist app"),
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
    _lab("noredirect", 12, http={ANY_PATH: title_page("noredirect.lab.test")}),
    _lab("temp", 13, http={ANY_PATH: Redirect(302, "https://temp.lab.test/")}),
    _lab("offhost", 14, http={ANY_PATH: Redirect(301, "https://good.lab.test/")}),
    _lab("otherport", 15, http={ANY_PATH: Redirect(301, "https://otherport.lab.test:8443/")}),
    _lab("fileredirect", 16, http={ANY_PATH: Redirect(301, "file:///etc/passwd")}),
    _lab("loop", 17, https={"/": Redirect(301, "/a"), "/a": Redirect(301, "/")}),
    _lab(
        "downgrade",
        18,
        http={
            "/plain": title_page("downgrade.lab.test plain"),
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
            "/4": title_page("longchain.lab.test end"),
        },
    ),
    _lab("reset", 20, http=Fault("reset"), https=Fault("reset")),
    _lab("hang", 21, http=Fault("hang"), https=Fault("hang")),
    _lab("slowbody", 22, https={ANY_PATH: Fault("slowbody")}),
    _lab("hugebody", 23, https={ANY_PATH: Fault("hugebody")}),
    _lab("badtls", 24, https=Fault("garbage-tls")),
    _lab("closed80", 25, http=None),
    _lab("hugecert", 27, cert="huge"),
    _lab(
        "badlocation",
        26,
        http={ANY_PATH: Redirect(301, "http://[::1")},
        https={"/": Redirect(301, "https://badlocation.lab.test:99999/")},
    ),
)

WEB_HOSTS: tuple[WebHost, ...] = DEMO_HOSTS + TEST_HOSTS + mail_hosts() + service_hosts() + rdap_hosts()

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
            ("bigtxt", "TXT", txt_rdata(_BIG)),
            ("bigtxt", "TXT", txt_rdata(_BIG.upper())),
            ("bigtxt", "TXT", txt_rdata(_BIG[::-1])),
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
    *rdap_zones(),
)
