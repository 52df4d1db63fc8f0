"""Lab web sites for the `secrets.bundle` check: what pages make browsers download.

Kept out of scenario.py so the bundle scenarios do not crowd the web tables; scenario.py
adds these rows with one line each. The scenario module is imported inside the functions
because it imports this one. Every credential is made up at import time
(launchwizard.demo.fakesecrets), so no key-shaped text is written in the repository.
Hosts live on 127.53.4.1xx, in the zones `bundle.test` and `vendor.test`.

Scenarios (each is the homepage host of a test):
  clean.bundle.test    module script, modulepreload, inline analytics, a third-party
                       script and two source maps (comment and X-SourceMap header):
                       no secret anywhere
  leaky.bundle.test    a secret in a same-site script (and again in its inline data: map),
                       a secret in a third-party script (widgets.vendor.test), a source
                       map whose sourcesContent holds a server-only file with a key, a
                       secret in __NEXT_DATA__, and a publishable Stripe key (info only)
  loop.bundle.test     its script redirects forever to ever-new URLs
  badmap.bundle.test   its script advertises a map that is not valid JSON
  huge.bundle.test     a one-line minified script of several MB with one key in the middle
  garbage.bundle.test  the homepage is binary garbage, not HTML
  stalled.bundle.test  a clean script, and one on hang.lab.test that never answers
  chunks.bundle.test   its entry script loads lazy chunks it names (Vite style): one holds
                       a key, one is clean, one is not deployed (404)
  widgets.vendor.test  the third-party host (an embed with a key, a clean analytics script)
"""

from __future__ import annotations

import base64
import json
import random
from typing import TYPE_CHECKING

from launchwizard.demo.fakesecrets import value

if TYPE_CHECKING:
    from launchwizard.demo.model import Response, Routes, WebHost, ZoneSpec

ADDRESSES = {
    "clean.bundle.test": "127.53.4.100",
    "leaky.bundle.test": "127.53.4.101",
    "widgets.vendor.test": "127.53.4.102",
    "loop.bundle.test": "127.53.4.103",
    "badmap.bundle.test": "127.53.4.104",
    "huge.bundle.test": "127.53.4.105",
    "garbage.bundle.test": "127.53.4.106",
    "stalled.bundle.test": "127.53.4.107",
    "chunks.bundle.test": "127.53.4.108",
}
SEED = 11
HUGE_SCRIPT_CHARS = 5 * 1024 * 1024
JS = "application/javascript; charset=utf-8"
MAP = "application/json"

# ---------------------------------------------------------------- helpers


def _page(title: str, head: str = "", body: str = "") -> str:
    """A small but real-looking HTML page."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        f"  <title>{title}</title>\n{head}</head>\n<body>\n  <h1>{title}</h1>\n{body}</body>\n</html>\n"
    )


def source_map(file: str, sources: dict[str, str], source_root: str = "") -> str:
    """A version 3 source map listing `sources` (path -> original text) with sourcesContent."""
    document = {
        "version": 3,
        "file": file,
        "sourceRoot": source_root,
        "sources": list(sources),
        "sourcesContent": list(sources.values()),
        "names": [],
        "mappings": "AAAA,SAASA;AACA",
    }
    return json.dumps(document)


def inline_map_comment(map_json: str) -> str:
    """The `//# sourceMappingURL=data:...;base64,...` line bundlers write for inline maps."""
    encoded = base64.b64encode(map_json.encode()).decode()
    return f"//# sourceMappingURL=data:application/json;charset=utf-8;base64,{encoded}\n"


def _html(text: str | bytes, content_type: str = "text/html; charset=utf-8") -> Response:
    from launchwizard.demo.model import Response

    return Response(200, text, content_type=content_type)


def _script(text: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    from launchwizard.demo.model import Response

    return Response(200, text, content_type=JS, headers=headers)


def _map(text: str) -> Response:
    from launchwizard.demo.model import Response

    return Response(200, text, content_type=MAP)


# ---------------------------------------------------------------- clean

_CLEAN_APP = (
    'import{h as e,r as t}from"./vendor.4c1d.js";const n=document.getElementById("root");'
    't(e("main",{class:"app"},e("h2",null,"Welcome back")),n);\n'
    "//# sourceMappingURL=app.4c1d.js.map\n"
)
_CLEAN_VENDOR = (
    'export function h(t,e,...n){return{t,e,n}}export function r(t,e){e.textContent=t.n.join("")}\n'
)
_CLEAN_APP_SOURCE = (
    'import { h, render } from "./vendor";\n\nconst root = document.getElementById("root");\n'
    'render(h("main", { class: "app" }, h("h2", null, "Welcome back")), root);\n'
)


def _clean_routes() -> Routes:
    head = (
        '  <link rel="modulepreload" href="/assets/vendor.4c1d.js">\n'
        '  <script type="module" src="/assets/app.4c1d.js"></script>\n'
    )
    body = (
        "  <script>window.dataLayer=window.dataLayer||[];dataLayer.push({event:'page_view'});</script>\n"
        '  <script async src="https://widgets.vendor.test/analytics.js"></script>\n'
    )
    vendor_map = source_map("vendor.4c1d.js", {"src/vendor.ts": _CLEAN_VENDOR})
    app_map = source_map("app.4c1d.js", {"app.ts": _CLEAN_APP_SOURCE}, source_root="webpack://clean/src")
    return {
        "/": _html(_page("Clean Co", head, body)),
        "/assets/app.4c1d.js": _script(_CLEAN_APP),
        "/assets/app.4c1d.js.map": _map(app_map),
        "/assets/vendor.4c1d.js": _script(_CLEAN_VENDOR, headers=(("X-SourceMap", "/maps/vendor.js.map"),)),
        "/maps/vendor.js.map": _map(vendor_map),
    }


# ---------------------------------------------------------------- leaky

LEAKY_SOURCE_FILE = "webpack://leaky/./src/lib/openai.server.ts"
LEAKY_INLINE_SOURCE = "webpack://leaky/./src/main.ts"


def leaky_secrets() -> dict[str, str]:
    """The made-up values planted on leaky.bundle.test, by where they are."""
    return {
        "script": value("anthropic-api-key", SEED),
        "vendor": value("sendgrid-api-key", SEED),
        "map": value("openai-api-key", SEED),
        "next_data": value("stripe-secret-key", SEED),
        "publishable": value("stripe-publishable-key", SEED),
    }


def _leaky_routes() -> Routes:
    secrets = leaky_secrets()
    main_source = (
        'import Anthropic from "@anthropic-ai/sdk";\n\n'
        f'export const claude = new Anthropic({{ apiKey: "{secrets["script"]}",\n'
        "  dangerouslyAllowBrowser: true });\n"
    )
    main_js = (
        f'var claude=new Anthropic({{apiKey:"{secrets["script"]}",dangerouslyAllowBrowser:!0}});'
        'document.querySelector("#ask").onclick=function(){claude.messages.create({})};\n'
        + inline_map_comment(source_map("main.js", {LEAKY_INLINE_SOURCE: main_source}))
    )
    server_source = (
        'import OpenAI from "openai";\n\n// Only ever imported by API routes.\n'
        f'export const openai = new OpenAI({{\n  apiKey: "{secrets["map"]}",\n}});\n'
    )
    chunk_source = (
        "export async function ask(q: string) {\n"
        '  return fetch("/api/chat", { method: "POST", body: q });\n}\n'
    )
    chunk_map = source_map(
        "chunk.js", {"webpack://leaky/./src/lib/ask.ts": chunk_source, LEAKY_SOURCE_FILE: server_source}
    )
    next_data = json.dumps(
        {"props": {"pageProps": {"config": {"stripeKey": secrets["next_data"], "plan": "pro"}}}, "page": "/"}
    )
    head = '  <link rel="preload" as="script" href="/static/checkout.js">\n'
    body = (
        '  <button id="ask">Ask</button>\n'
        f'  <script id="__NEXT_DATA__" type="application/json">{next_data}</script>\n'
        '  <script src="/static/main.js"></script>\n'
        '  <script src="/static/chunk.js" async></script>\n'
        '  <script src="https://widgets.vendor.test/embed.js?site=leaky" async></script>\n'
    )
    return {
        "/": _html(_page("Leaky Co", head, body)),
        "/static/main.js": _script(main_js),
        "/static/chunk.js": _script(
            'function ask(q){return fetch("/api/chat",{method:"POST",body:q})}\n'
            "//# sourceMappingURL=chunk.js.map\n"
        ),
        "/static/chunk.js.map": _map(chunk_map),
        "/static/checkout.js": _script(
            f'var stripe=Stripe("{secrets["publishable"]}");stripe.redirectToCheckout({{sessionId:s}});\n'
        ),
    }


def _vendor_routes() -> Routes:
    embed = (
        '(function(){var c={endpoint:"https://api.vendor.test/v1/send",'
        f'key:"{leaky_secrets()["vendor"]}"}};window.VendorWidget=c}})();\n'
    )
    return {
        "/embed.js": _script(embed),
        "/analytics.js": _script("(function(){window.vendorAnalytics={q:[]}})();\n"),
    }


# ---------------------------------------------------------------- faults


def _loop_routes() -> Routes:
    """Every path but the homepage redirects to a new path below itself, without end."""
    from launchwizard.demo.model import ANY_PATH, Redirect

    body = '  <script src="/js/app.js"></script>\n'
    return {"/": _html(_page("Loop Co", body=body)), ANY_PATH: Redirect(302, "next/")}


BADMAP_TEXT = (
    '{"version":3,"file":"app.js","sources":["src/app.ts"],"sourcesContent":["export const x = 1;\\n"'
)


def _badmap_routes() -> Routes:
    body = '  <script src="/app.js"></script>\n'
    return {
        "/": _html(_page("Badmap Co", body=body)),
        "/app.js": _script("var x=1;\n//# sourceMappingURL=app.js.map\n"),
        "/app.js.map": _map(BADMAP_TEXT),
    }


def huge_script() -> str:
    """A one-line minified script of several MB with one key in the middle."""
    chunk = (
        'function a(e,t){return e.map(function(r,n){return r*t+n})}var b=a([1,2,3,4],7),c={k:"v",n:b.length};'
    )
    half = chunk * (HUGE_SCRIPT_CHARS // (2 * len(chunk)))
    return f'{half}var token="{value("github-token", SEED)}";{half}\n'


def _huge_routes() -> Routes:
    body = '  <script src="/bundle.min.js" defer></script>\n'
    return {"/": _html(_page("Huge Co", body=body)), "/bundle.min.js": _script(huge_script())}


def _garbage_routes() -> Routes:
    noise = random.Random(SEED).randbytes(4096)
    return {"/": _html(b"\x00\x01\x02\xff" + noise, content_type="application/octet-stream")}


def _stalled_routes() -> Routes:
    body = '  <script src="/app.js"></script>\n  <script src="https://hang.lab.test/sdk.js" async></script>\n'
    return {"/": _html(_page("Stalled Co", body=body)), "/app.js": _script("var ready=!0;\n")}


CHUNKED_SECRET_PATH = "/assets/Chat-b2e9.js"


def _chunks_routes() -> Routes:
    entry = (
        'const __vite__deps=["assets/vendor-c3d1.js","assets/Settings-d4f0.js"];'
        'const Chat=()=>import("./Chat-b2e9.js");export{Chat};\n'
    )
    chat = f'export const client=new Anthropic({{apiKey:"{value("anthropic-api-key", SEED + 1)}"}});\n'
    body = '  <script type="module" src="/assets/index-a1f7.js"></script>\n'
    return {
        "/": _html(_page("Chunks Co", body=body)),
        "/assets/index-a1f7.js": _script(entry),
        CHUNKED_SECRET_PATH: _script(chat),
        "/assets/vendor-c3d1.js": _script("export const h=(t,e)=>({t,e});\n"),
    }


# ---------------------------------------------------------------- the demo product


DEMO_SOURCE_FILE = "webpack://acme-assist/./src/lib/openai.ts"


def demo_routes() -> Routes:
    """www.acme.test's `/static/app.js` (a publishable Stripe key) and its published map,
    whose sourcesContent still holds the OpenAI key the repository's history leaked."""
    widget_source = (
        'import { loadStripe } from "@stripe/stripe-js";\nimport { openai } from "../lib/openai";\n\n'
        f'export const stripe = loadStripe("{value("stripe-publishable-key", 7)}");\n'
        "export async function reply(question: string) {\n"
        '  return openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", '
        "content: question }] });\n}\n"
    )
    openai_source = (
        'import OpenAI from "openai";\n\nexport const openai = new OpenAI({\n'
        f'  apiKey: "{value("openai-api-key", 7)}",\n  dangerouslyAllowBrowser: true,\n}});\n'
    )
    app_js = (
        f'var s=Stripe("{value("stripe-publishable-key", 7)}");'
        'window.acmeAssist={ask:function(q){return fetch("/api/reply",{method:"POST",body:q})}};\n'
        "//# sourceMappingURL=app.js.map\n"
    )
    app_map = source_map(
        "app.js",
        {"webpack://acme-assist/./src/widget/chat.ts": widget_source, DEMO_SOURCE_FILE: openai_source},
    )
    return {"/static/app.js": _script(app_js), "/static/app.js.map": _map(app_map)}


# ---------------------------------------------------------------- tables


def bundle_hosts() -> tuple[WebHost, ...]:
    """The bundle scenario hosts, each on its own 127.53.4.1xx address."""
    from launchwizard.demo.model import host

    routes = {
        "clean.bundle.test": _clean_routes,
        "leaky.bundle.test": _leaky_routes,
        "widgets.vendor.test": _vendor_routes,
        "loop.bundle.test": _loop_routes,
        "badmap.bundle.test": _badmap_routes,
        "huge.bundle.test": _huge_routes,
        "garbage.bundle.test": _garbage_routes,
        "stalled.bundle.test": _stalled_routes,
        "chunks.bundle.test": _chunks_routes,
    }
    return tuple(host(name, ADDRESSES[name], https=build()) for name, build in routes.items())


def bundle_zones() -> tuple[ZoneSpec, ...]:
    """`bundle.test` (the sites) and `vendor.test` (the third party) with their A records."""
    from launchwizard.demo.model import ZoneSpec

    def records(origin: str) -> tuple[tuple[str, str, str], ...]:
        return tuple(
            (name.removesuffix(f".{origin}"), "A", address)
            for name, address in ADDRESSES.items()
            if name.endswith(f".{origin}")
        )

    return (
        ZoneSpec(origin="bundle.test", records=records("bundle.test")),
        ZoneSpec(origin="vendor.test", records=records("vendor.test")),
    )
