"""Lab web sites and zones for the edge checks: headers, HSTS, CORS, exposed paths, CDN
detection, rate limits, subdomain takeover and CAA.

Kept out of scenario.py like the bundle and mail scenarios; scenario.py adds the rows the
demo needs (`service_zones`, `service_hosts`) and the tests add `edge_hosts`/`edge_zones`
through `Lab(extra_hosts=..., extra_zones=...)`. The scenario module is imported inside
the functions because it imports this one. Test hosts live in `edge.test` on 127.53.5.x;
the made-up service zones (herokuapp.com, azurewebsites.net, ...) exist only inside the
lab's own name servers, so the takeover rules are tested against the real suffixes.

Scenarios (host: what it shows):
  aplus          every header at its best, SRI on its foreign script, a Cloudflare edge (A+)
  bare           no security header at all, no edge
  weak           unsafe CSP, bad cookies, unsafe referrer, ALLOW-FROM, duplicate nosniff,
                 an http:// foreign script (F)
  dupes / bigcsp / garbage   conflicting duplicates; a 64 KB CSP; malformed cookies,
                 non-UTF-8 header values and HTML that does not parse
  hsts-short / hsts-mid / hsts-twice / hsts-noage / hsts-zero   HSTS variants
  cors-reflect / cors-star / cors-allow / cors-null / cors-suffix   CORS variants
  exposed / spa / guarded   sensitive paths served; a 200-for-everything SPA; paths
                 that are refused (403) or redirect to a login
  cloudfront / fastly / vercel / cfcname / greycloud.test   edge signals of each kind
  ratelimit      /login throttles at request 6 (draft fields), /open never, /busy answers
                 503 with a Retry-After date after 3, /legacy uses X-RateLimit-*
  unclaimed / bucket / pages / claimed / gone / dangling   takeover candidates and a
                 claimed name
  wrongca / critical   CAA that names another CA; a critical unknown CAA property
                 (edge.test itself allows the lab's CA)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.demo.model import Routes, WebHost, ZoneSpec

HTML = "text/html; charset=utf-8"
LAB_CA_DOMAIN = "lab.launchwizard.test"
"""The CAA issuer domain that authorises the lab's own CA (see launchwizard.edge.caa)."""

APPROVED_ORIGINS = ("https://www.edge.test", "https://app.edge.test")
"""The origins the CORS scenarios trust; tests put them in `[edge] approved_origins`."""

BEST_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self' https://cdn.vendor.test; style-src 'self'; "
        "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Set-Cookie", "__Host-session=lab-session-token; Secure; HttpOnly; SameSite=Strict; Path=/"),
)
CLOUDFLARE_HEADERS: tuple[tuple[str, str], ...] = (
    ("Server", "cloudflare"),
    ("CF-RAY", "8c1f2e3d4a5b6c7d-AMS"),
    ("CF-Cache-Status", "DYNAMIC"),
)
SRI_SCRIPT = (
    '<script src="https://cdn.vendor.test/lib.4f2a.js" '
    'integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC" '
    'crossorigin="anonymous"></script>'
)

# ---------------------------------------------------------------- helpers


def _page(title: str, body: str = "", head: str = "") -> str:
    return (
        f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"{head}</head>\n<body>\n<h1>{title}</h1>\n{body}</body>\n</html>\n"
    )


def _site(title: str, headers: tuple[tuple[str, str], ...] = (), body: str = "") -> Routes:
    """Routes of a one-page site whose `/` carries `headers`."""
    from launchwizard.demo.model import Response

    return {"/": Response(200, _page(title, body), HTML, headers=headers)}


def _edge(name: str, n: int, **options: object) -> WebHost:
    """A test host NAME.edge.test on 127.53.5.n."""
    from launchwizard.demo.model import host

    return host(f"{name}.edge.test", f"127.53.5.{n}", **options)


# ---------------------------------------------------------------- headers


def _weak_routes() -> Routes:
    headers = (
        ("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'"),
        ("Set-Cookie", "sessionid=lab-weak-session; Path=/"),
        ("Set-Cookie", "csrftoken=lab-weak-csrf; Path=/; Secure"),
        ("Referrer-Policy", "unsafe-url"),
        ("X-Frame-Options", "ALLOW-FROM https://partner.example"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cross-Origin-Opener-Policy", "same-origin-please"),
    )
    body = '<script src="http://cdn.vendor.test/tracker.js"></script>\n<script>inline()</script>\n'
    return _site("Weak Co", headers, body)


def _dupes_routes() -> Routes:
    headers = (
        ("Content-Security-Policy", "default-src 'self'; script-src 'self'"),
        ("Content-Security-Policy", "default-src *; script-src * 'unsafe-inline'"),
        ("X-Frame-Options", "DENY"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("Strict-Transport-Security", "max-age=31536000"),
        ("Strict-Transport-Security", "max-age=0"),
        ("Referrer-Policy", "no-referrer, unsafe-url"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "unsafe-none"),
    )
    return _site("Dupes Co", headers)


def big_csp() -> str:
    """A 64 KB policy: one script-src listing thousands of hosts, as tag managers grow them."""
    hosts = " ".join(f"https://cdn{i}.vendor.test" for i in range(2600))
    policy = f"default-src 'self'; script-src 'self' {hosts}; object-src 'none'"
    return policy[: 64 * 1024]


def _garbage_routes() -> Routes:
    from launchwizard.demo.model import Response

    headers = (
        ("Set-Cookie", "=; ;;; SameSite"),
        ("Set-Cookie", "login\xff=\xfe\xfd; Secure; HttpOnly; SameSite=Sometimes"),
        ("Set-Cookie", "; Path=/"),
        ("X-Content-Type-Options", "nosniff\xe9"),
        ("Referrer-Policy", "\xff\xfe no-referrer-ish"),
        ("Content-Security-Policy", "script-src 'self' \xc3\x28; default-src"),
        ("X-Frame-Options", ""),
    )
    body = "<![CDATA[ <<<< <script src=//x <a <a <!-- <p <<" + "<" * 5000 + "\x00\x01\xff"
    return {"/": Response(200, body.encode("latin-1"), HTML, headers=headers)}


def _header_hosts() -> tuple[WebHost, ...]:
    from launchwizard.demo.model import Response

    aplus_body = f'<p>Everything in order.</p>\n{SRI_SCRIPT}\n<script src="/app.js"></script>\n'
    return (
        _edge("aplus", 1, https=_site("A+ Co", (*BEST_HEADERS, *CLOUDFLARE_HEADERS), aplus_body)),
        _edge("bare", 2),
        _edge("weak", 3, https=_weak_routes()),
        _edge("dupes", 4, https=_dupes_routes()),
        _edge(
            "bigcsp",
            5,
            https={"/": Response(200, _page("Big CSP"), HTML, (("Content-Security-Policy", big_csp()),))},
        ),
        _edge("garbage", 6, https=_garbage_routes()),
    )


# ---------------------------------------------------------------- HSTS


def _hsts_hosts() -> tuple[WebHost, ...]:
    variants = {
        "hsts-short": (("Strict-Transport-Security", "max-age=86400"),),
        "hsts-mid": (("Strict-Transport-Security", "max-age=20000000; includeSubDomains"),),
        "hsts-twice": (
            ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
            ("Strict-Transport-Security", "max-age=300"),
        ),
        "hsts-noage": (("Strict-Transport-Security", "includeSubDomains; preload"),),
        "hsts-zero": (("Strict-Transport-Security", "max-age=0"),),
    }
    return tuple(
        _edge(name, 10 + index, https=_site(name, headers))
        for index, (name, headers) in enumerate(variants.items())
    )


# ---------------------------------------------------------------- CORS


def _api(cors: object, status: int = 200) -> Routes:
    """An API host: `/` and `/api/me` answer JSON under the given CORS policy; with a 401
    `status` both ask for a login, as an authenticated API does."""
    from launchwizard.demo.model import Cors, Response

    assert isinstance(cors, Cors)
    refused = '{"error": "login required"}'
    me = json.dumps({"user": "lab-user", "plan": "pro"}) if status == 200 else refused
    root = json.dumps({"service": "lab-api"}) if status == 200 else refused
    return {
        "/": Response(status, root, "application/json", cors=cors),
        "/api/me": Response(status, me, "application/json", cors=cors),
    }


def _cors_hosts() -> tuple[WebHost, ...]:
    from launchwizard.demo.model import Cors

    return (
        _edge("cors-reflect", 20, https=_api(Cors("reflect", credentials=True))),
        _edge("cors-star", 21, https=_api(Cors("*"), status=401)),
        _edge("cors-allow", 22, https=_api(Cors("list", APPROVED_ORIGINS, credentials=True))),
        _edge("cors-null", 23, https=_api(Cors("null-too", APPROVED_ORIGINS, credentials=True))),
        _edge("cors-suffix", 24, https=_api(Cors("suffix", ("edge.test",), credentials=True))),
    )


# ---------------------------------------------------------------- exposed paths


def env_file() -> str:
    """The deployed `.env`: made-up credentials (generated, so none is written here)."""
    from launchwizard.demo.fakesecrets import value

    return (
        f"APP_ENV=production\nDATABASE_URL={value('database-url', 31)}\n"
        f"OPENAI_API_KEY={value('openai-api-key', 31)}\nDEBUG=false\n"
    )


GIT_CONFIG = (
    "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"
    '[remote "origin"]\n\turl = git@github.com:acme/acme-app.git\n'
)
SERVER_STATUS = _page(
    "Apache Status",
    "<h1>Apache Server Status for exposed.edge.test</h1>\n<dl><dt>Server uptime: 3 days</dt></dl>\n",
)
ADMIN_PAGE = _page(
    "Site administration | Admin",
    '<form method="post" action="/admin/login"><input name="username">'
    '<input type="password" name="password"><button>Log in</button></form>\n',
)
OPENAPI = json.dumps({"openapi": "3.1.0", "info": {"title": "Lab API"}, "paths": {"/v1/chat": {}}})


def exposed_routes() -> Routes:
    """The usual leaks of a rushed deployment, each with real-looking content."""
    from launchwizard.demo.model import Response

    text = "text/plain; charset=utf-8"
    return {
        "/": Response(200, _page("Exposed Co"), HTML),
        "/.env": Response(200, env_file(), text),
        "/.git/HEAD": Response(200, "ref: refs/heads/main\n", text),
        "/.git/config": Response(200, GIT_CONFIG, text),
        "/server-status": Response(200, SERVER_STATUS, HTML),
        "/actuator/env": Response(
            200, json.dumps({"activeProfiles": ["prod"], "propertySources": []}), "application/json"
        ),
        "/.DS_Store": Response(200, b"\x00\x00\x00\x01Bud1" + bytes(64), "application/octet-stream"),
        "/backup.sql": Response(200, "-- MySQL dump 10.13\nCREATE TABLE users (id int);\n", text),
        "/admin": Response(200, ADMIN_PAGE, HTML),
        "/openapi.json": Response(200, OPENAPI, "application/json"),
    }


def _spa_routes() -> Routes:
    """A single-page app: every path, existing or not, gets the same shell with status 200."""
    from launchwizard.demo.model import ANY_PATH, Response

    shell = _page("SPA Co", '<div id="root"></div>\n<script type="module" src="/assets/index.js"></script>\n')
    return {ANY_PATH: Response(200, shell, HTML)}


def _guarded_routes() -> Routes:
    """Sensitive paths that exist but are refused, or send visitors to a login page."""
    from launchwizard.demo.model import Redirect, Response

    forbidden = Response(403, "Forbidden\n", "text/plain; charset=utf-8")
    return {
        "/": Response(200, _page("Guarded Co"), HTML),
        "/.git/config": forbidden,
        "/.git/HEAD": forbidden,
        "/.env": forbidden,
        "/admin": Redirect(302, "/login?next=/admin"),
        "/login": Response(200, _page("Sign in", '<form><input type="password" name="pw"></form>'), HTML),
    }


def _exposed_hosts() -> tuple[WebHost, ...]:
    return (
        _edge("exposed", 30, https=exposed_routes()),
        _edge("spa", 31, https=_spa_routes()),
        _edge("guarded", 32, https=_guarded_routes()),
    )


# ---------------------------------------------------------------- CDN signals


def _cdn_hosts() -> tuple[WebHost, ...]:
    from launchwizard.demo.model import host

    cloudfront = (
        ("Server", "CloudFront"),
        ("Via", "1.1 7a1b2c3d4e5f.cloudfront.net (CloudFront)"),
        ("X-Amz-Cf-Id", "lab-cf-id-Zm9vYmFyYmF6"),
        ("X-Cache", "Miss from cloudfront"),
    )
    fastly = (
        ("X-Served-By", "cache-ams21000-AMS"),
        ("X-Fastly-Request-ID", "lab-fastly-0001"),
        ("Via", "1.1 varnish"),
    )
    vercel = (("Server", "Vercel"), ("X-Vercel-Id", "fra1::lab-0001"), ("X-Vercel-Cache", "MISS"))
    return (
        _edge("cloudfront", 40, https=_site("CloudFront Co", cloudfront)),
        _edge("fastly", 41, https=_site("Fastly Co", fastly)),
        _edge("vercel", 42, https=_site("Vercel Co", vercel)),
        host("d111lab.cloudfront.net", "127.53.5.43", aliases=("cfcname.edge.test",)),
        host("greycloud.test", "127.53.5.44"),
    )


# ---------------------------------------------------------------- rate limits


def _ratelimit_routes() -> Routes:
    from launchwizard.demo.model import RateLimited, Response

    login = Response(200, _page("Sign in"), HTML)
    ok = Response(200, '{"ok": true}', "application/json")
    return {
        "/": login,
        "/login": RateLimited(login, quota=5, window_s=60),
        "/open": RateLimited(ok, quota=1_000_000, announce=""),
        "/busy": RateLimited(ok, quota=3, status=503, announce="", retry_after="date"),
        "/legacy": RateLimited(ok, quota=4, announce="legacy", retry_after=""),
    }


# ---------------------------------------------------------------- takeover

NO_SUCH_APP = _page("No such app", "<p>There's nothing here, yet.</p>\n<p>No such app</p>\n")
NO_SUCH_BUCKET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code>'
    "<Message>The specified bucket does not exist</Message><BucketName>lw-bucket</BucketName></Error>"
)
NO_PAGES_SITE = _page("Site not found · GitHub Pages", "<p>There isn't a GitHub Pages site here.</p>\n")


def _takeover_hosts() -> tuple[WebHost, ...]:
    from launchwizard.demo.model import ANY_PATH, Response, host

    def both(body: str, content_type: str = HTML, status: int = 404) -> dict[str, object]:
        routes = {ANY_PATH: Response(status, body, content_type)}
        return {"http": routes, "https": routes}

    return (
        host(
            "lw-unclaimed.herokuapp.com", "127.53.5.50", aliases=("unclaimed.edge.test",), **both(NO_SUCH_APP)
        ),
        host(
            "lw-bucket.s3.amazonaws.com",
            "127.53.5.51",
            aliases=("bucket.edge.test",),
            **both(NO_SUCH_BUCKET, "application/xml"),
        ),
        host("lw-pages.github.io", "127.53.5.52", aliases=("pages.edge.test",), **both(NO_PAGES_SITE)),
        host(
            "lw-claimed.herokuapp.com",
            "127.53.5.53",
            aliases=("claimed.edge.test",),
            **both(_page("Claimed Co docs"), status=200),
        ),
    )


def service_hosts() -> tuple[WebHost, ...]:
    """The demo's forgotten Heroku docs app: its name still answers "No such app"."""
    from launchwizard.demo.model import ANY_PATH, Response, host

    routes = {ANY_PATH: Response(404, NO_SUCH_APP, HTML)}
    return (
        host(
            "acme-docs.herokuapp.com", "127.53.1.50", aliases=("docs.acme.test",), http=routes, https=routes
        ),
    )


def service_zones() -> tuple[ZoneSpec, ...]:
    """The hosting services' own zones, as the lab's name servers publish them.

    A name absent from azurewebsites.net is NXDOMAIN, exactly what a deleted Azure app
    leaves behind; the others hold the lab's service hosts.
    """
    from launchwizard.demo.model import ZoneSpec

    return (
        ZoneSpec(
            origin="herokuapp.com",
            records=(
                ("acme-docs", "A", "127.53.1.50"),
                ("lw-unclaimed", "A", "127.53.5.50"),
                ("lw-claimed", "A", "127.53.5.53"),
            ),
        ),
        ZoneSpec(origin="azurewebsites.net", records=()),
        ZoneSpec(origin="s3.amazonaws.com", records=(("lw-bucket", "A", "127.53.5.51"),)),
        ZoneSpec(origin="github.io", records=(("lw-pages", "A", "127.53.5.52"),)),
        ZoneSpec(origin="cloudfront.net", records=(("d111lab", "A", "127.53.5.43"),)),
    )


# ---------------------------------------------------------------- tables


def edge_hosts() -> tuple[WebHost, ...]:
    """Every edge scenario host (tests add them with Lab(extra_hosts=...))."""
    return (
        *_header_hosts(),
        *_hsts_hosts(),
        *_cors_hosts(),
        *_exposed_hosts(),
        *_cdn_hosts(),
        _edge("ratelimit", 60, https=_ratelimit_routes()),
        _edge("wrongca", 70),
        _edge("critical", 71),
        *_takeover_hosts(),
    )


def edge_zones() -> tuple[ZoneSpec, ...]:
    """`edge.test` (the scenario hosts, takeover CNAMEs, CAA) and `greycloud.test` (DNS at
    Cloudflare, proxy off)."""
    from launchwizard.demo.model import ZoneSpec

    addresses = tuple(
        (h.name.removesuffix(".edge.test"), "A", h.address)
        for h in edge_hosts()
        if h.name.endswith(".edge.test")
    )
    takeover = (
        ("unclaimed", "CNAME", "lw-unclaimed.herokuapp.com."),
        ("bucket", "CNAME", "lw-bucket.s3.amazonaws.com."),
        ("pages", "CNAME", "lw-pages.github.io."),
        ("claimed", "CNAME", "lw-claimed.herokuapp.com."),
        ("gone", "CNAME", "lw-gone.azurewebsites.net."),
        ("dangling", "CNAME", "nothing.nowhere.edge.test."),
        ("cfcname", "CNAME", "d111lab.cloudfront.net."),
    )
    caa = (
        ("@", "CAA", f'0 issue "{LAB_CA_DOMAIN}"'),
        ("@", "CAA", '0 iodef "mailto:security@edge.test"'),
        ("wrongca", "CAA", '0 issue "letsencrypt.org"'),
        ("critical", "CAA", '128 tbs "unknown"'),
    )
    return (
        ZoneSpec(origin="edge.test", records=(*addresses, *takeover, *caa)),
        ZoneSpec(
            origin="greycloud.test",
            ns=("ada.ns.cloudflare.com", "bob.ns.cloudflare.com"),
            records=(("@", "A", "127.53.5.44"),),
        ),
    )
