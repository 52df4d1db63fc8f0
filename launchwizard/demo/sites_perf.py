"""Lab web sites for the core, perf and deploy checks: landing pages, widgets, caches,
bundles, chat APIs (JSON, streamed, endless, not JSON, slow, leaky) and flaky routes.

Test hosts live in `perf.test` on 127.53.6.x; tests add them with
`Lab(extra_hosts=perf_hosts(), extra_zones=perf_zones())`.

Scenarios (host: what it shows):
  fast     a landing page with a deferred script and an async widget, static assets cached
           for a year and served from the edge cache (Cache-Status hit), a quick /health,
           a useful JSON 404, a guarded chat API over JSON (/v1/chat) and SSE (/v1/stream)
  heavy    a render-blocking widget, 3 MB of plain JavaScript and a gzip bundle that
           decodes to 20 MB, assets with no-store, Set-Cookie and Vary: *, edge misses,
           a 200 page for every unknown path, a chat API that answers malformed JSON with
           a traceback, and a /health that answers 503
  chat     chat APIs: the leaky assistant (/v1/chat, /v1/stream), a stream that never
           ends (/v1/endless), plain text instead of JSON (/v1/text), slow first bytes
           (/v1/slow, /v1/slowstream) and the guarded bot (/v1/guarded)
  smoke    / fails every other request (one retry rescues it), /login always fails,
           /throttled always answers 429 with Retry-After (up, but rate-limiting)
  hooks    a Slack-like incoming webhook that records what it is sent; other paths 404
           "no_service", as Slack answers for a deleted webhook
  overshare  a product whose every answer carries a provider key: the chat bot's replies
           and errors, the health route, the 404 page (for the redaction of captured bodies)
  debug    frameworks left in debug mode: its chat API answers 500 with Express's default
           error page (the stack escaped and joined with <br> &nbsp; &nbsp;at ...) and
           unknown paths get Django's technical 404 page (DEBUG = True, URL patterns listed)
"""

from __future__ import annotations

import functools
import gzip
import html
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.demo.model import Routes, WebHost, ZoneSpec

HTML = "text/html; charset=utf-8"
JS = "text/javascript; charset=utf-8"
HUGE_DECODED = 20 * 1024 * 1024
PLAIN_BUNDLE = 3 * 1024 * 1024
SLOW_FIRST_BYTE_S = 1.5

_CACHED = (
    ("Cache-Control", "public, max-age=31536000, immutable"),
    ("Cache-Status", '"lab-edge"; hit'),
    ("Age", "120"),
)
_UNCACHED = (
    ("Cache-Control", "no-store"),
    ("Set-Cookie", "asset_session=lab-asset-1; Path=/"),
    ("Vary", "*"),
    ("X-Cache", "MISS"),
)


def landing_page(title: str, widget_tag: str) -> str:
    """A landing page with a stylesheet, an image, the app script and the chat widget tag."""
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        '<link rel="stylesheet" href="/static/site.css">'
        f"{widget_tag}</head><body><h1>{title}</h1>"
        '<img src="/static/logo.png" alt="logo">'
        '<script src="/static/app.js" defer></script>'
        "</body></html>\n"
    )


def _fast_routes() -> Routes:
    from launchwizard.demo.model import ANY_PATH, Chat, Response

    page = landing_page("Fast landing", '<script src="/widget/chat.js" async></script>')
    return {
        "/": Response(200, page),
        "/static/app.js": Response(200, "console.log('app');\n" * 400, JS, _CACHED),
        "/widget/chat.js": Response(200, "window.chat = {open() {}};\n" * 100, JS, _CACHED),
        "/static/site.css": Response(200, "body { margin: 0 }\n", "text/css", _CACHED),
        "/static/logo.png": Response(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png", _CACHED),
        "/health": Response(200, json.dumps({"status": "ok"}), "application/json"),
        "/login": Response(200, "<!doctype html><title>Sign in</title><form method=post></form>"),
        "/v1/chat": Chat("guarded"),
        "/v1/stream": Chat("guarded", "sse"),
        ANY_PATH: Response(
            404, json.dumps({"error": "no such page", "path_help": "see /docs"}), "application/json"
        ),
    }


def _heavy_routes() -> Routes:
    from launchwizard.demo.model import ANY_PATH, Chat, Response

    page = landing_page(
        "Heavy landing", '<script src="/widget/chat.js"></script><script src="/static/vendor.js"></script>'
    )
    vendor = gzip.compress(b"/* vendor */" + b" " * HUGE_DECODED, compresslevel=9)
    encoded = (*_UNCACHED, ("Content-Encoding", "gzip"))
    return {
        "/": Response(200, page),
        "/static/app.js": Response(200, b"var a=1;\n" * (PLAIN_BUNDLE // 9), JS, _UNCACHED),
        "/static/vendor.js": Response(200, vendor, JS, encoded),
        "/widget/chat.js": Response(200, "window.chat = {open() {}};\n" * 4000, JS, _UNCACHED),
        "/static/site.css": Response(200, "body { margin: 0 }\n", "text/css", _UNCACHED),
        "/static/logo.png": Response(200, b"\x89PNG\r\n\x1a\n", "image/png", _UNCACHED),
        "/health": Response(503, json.dumps({"status": "degraded", "db": "down"}), "application/json"),
        "/v1/chat": Chat("leaky"),
        ANY_PATH: Response(200, "<!doctype html><title>Heavy landing</title><div id=root></div>"),
    }


def _chat_routes() -> Routes:
    from launchwizard.demo.model import Chat

    return {
        "/v1/chat": Chat("leaky"),
        "/v1/stream": Chat("leaky", "sse"),
        "/v1/endless": Chat("guarded", "endless"),
        "/v1/text": Chat("guarded", "text"),
        "/v1/slow": Chat("guarded", "json", SLOW_FIRST_BYTE_S),
        "/v1/slowstream": Chat("guarded", "sse", SLOW_FIRST_BYTE_S),
        "/v1/guarded": Chat("guarded"),
    }


def _hooks_routes() -> Routes:
    from launchwizard.demo.model import ANY_PATH, Response, Webhook

    return {
        "/services/T0LAB/B0LAB/lab-hook-token": Webhook(),
        ANY_PATH: Response(404, "no_service", "text/plain"),
    }


def _smoke_routes() -> Routes:
    from launchwizard.demo.model import Chat, Flaky, RateLimited, Response

    return {
        "/": Flaky(Response(200, "<!doctype html><title>Smoke</title>"), "odd"),
        "/login": Flaky(Response(200, "<!doctype html><title>Sign in</title>"), "always"),
        "/throttled": RateLimited(Response(200, "<!doctype html><title>Sign in</title>"), quota=0),
        "/health": Response(200, json.dumps({"status": "ok"}), "application/json"),
        "/v1/chat": Chat("guarded"),
    }


def _overshare_routes() -> Routes:
    from launchwizard.demo.chatbot import leaked_key
    from launchwizard.demo.model import ANY_PATH, Chat, Response

    key = leaked_key()
    return {
        "/": Response(200, "<!doctype html><title>Overshare</title><h1>Overshare</h1>"),
        "/login": Response(200, "<!doctype html><title>Sign in</title>"),
        "/health": Response(200, json.dumps({"status": "ok", "llm_key": key}), "application/json"),
        "/v1/chat": Chat("oversharing"),
        ANY_PATH: Response(404, f"<h1>Not found</h1><pre>config: OPENAI_API_KEY={key}</pre>"),
    }


def _express_error_page() -> str:
    """finalhandler's page outside production: the stack HTML-escaped, lines joined with
    <br>, each pair of spaces written ' &nbsp;', so no frame starts a line."""
    stack = (
        "TypeError: Cannot read properties of undefined (reading 'message')\n"
        "    at /srv/acme-api/routes/chat.js:14:32\n"
        "    at Layer.handle [as handle_request] (/srv/api/node_modules/express/lib/router/layer.js:95:5)"
    )
    body = html.escape(stack).replace("\n", "<br>").replace("  ", " &nbsp;")
    head = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>Error</title>\n</head>\n'
    return f"{head}<body>\n<pre>{body}</pre>\n</body>\n</html>\n"


def _django_404_page() -> str:
    """Django's technical 404 with DEBUG = True: the URLconf's patterns for anyone to read."""
    return (
        '<!DOCTYPE html><html lang="en"><head><title>Page not found</title></head><body>'
        '<header id="summary"><h1>Page not found <small>(404)</small></h1></header>'
        '<main id="info"><p>Using the URLconf defined in <code>acme.urls</code>, Django tried these '
        "URL patterns, in this order:</p><ol><li><code>admin/</code></li><li><code>v1/chat</code></li></ol>"
        '<p>The current path didn’t match any of these.</p></main><footer id="explanation"><p>You’re '
        "seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>"
        "</footer></body></html>\n"
    )


def _debug_routes() -> Routes:
    from launchwizard.demo.model import ANY_PATH, Response

    return {
        "/": Response(200, landing_page("Debug landing", "")),
        "/health": Response(200, json.dumps({"status": "ok"}), "application/json"),
        "/v1/chat": Response(500, _express_error_page()),
        ANY_PATH: Response(404, _django_404_page()),
    }


@functools.cache
def perf_hosts() -> tuple[WebHost, ...]:
    """Every perf scenario host (tests add them with Lab(extra_hosts=...)); built once, as the
    20 MB bundle takes a moment to compress."""
    from launchwizard.demo.model import host

    return (
        host("fast.perf.test", "127.53.6.1", https=_fast_routes()),
        host("heavy.perf.test", "127.53.6.2", https=_heavy_routes()),
        host("chat.perf.test", "127.53.6.3", https=_chat_routes()),
        host("smoke.perf.test", "127.53.6.4", https=_smoke_routes()),
        host("hooks.perf.test", "127.53.6.5", https=_hooks_routes()),
        host("overshare.perf.test", "127.53.6.7", https=_overshare_routes()),
        host("debug.perf.test", "127.53.6.6", https=_debug_routes()),
    )


def perf_zones() -> tuple[ZoneSpec, ...]:
    """`perf.test`: one A record per scenario host."""
    from launchwizard.demo.model import ZoneSpec

    records = tuple((h.name.removesuffix(".perf.test"), "A", h.address) for h in perf_hosts())
    return (ZoneSpec(origin="perf.test", records=records),)
