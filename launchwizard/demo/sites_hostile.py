"""The lab's hostile mode: DNS and web hosts that misbehave the ways the internet does.

Test hosts live in `hostile.test` on 127.53.7.x; tests add them with
`Lab(extra_hosts=hostile_hosts(), extra_zones=hostile_zones())`. The connection-level
faults (reset mid-handshake, TLS that stalls after ClientHello, garbage instead of TLS)
and the slow, endless and hanging bodies are lab.test's (reset, hang, badtls, slowbody,
hugebody); the never-ending chat stream is chat.perf.test/v1/endless.

Scenarios (name: what it does):
  trickle      the response head arrives one byte a second
  manyheaders  a response with 10,000 header lines
  gigabyte     a body that never ends (a 1 GB download and more)
  redirect50   a chain of 50 redirects
  metadata     redirects to http://169.254.169.254/ (cloud metadata, link-local)
  private      redirects to internal.hostile.test, which resolves to 10.20.30.40
  fileredirect redirects to file:///etc/passwd
  namer        a landing page whose scripts, chat widget, preloads, images, lazy chunks and
               source map are named at cloud metadata, a 10.x address and internal.hostile.test
  silent / late / truncated / wrongid / servfail   DNS that never answers, answers after a
               minute, sets TC and then refuses TCP, answers under the wrong message id,
               or fails
  loop1 / loop2  a CNAME loop
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.demo.model import Routes, WebHost, ZoneSpec

METADATA_URL = "http://169.254.169.254/latest/meta-data/"
INTERNAL_ADDRESS = "10.20.30.40"
REDIRECTS = 50
DNS_FAULTS = ("silent", "late", "truncated", "wrongid", "servfail")


def _namer() -> Routes:
    """A page that names everything a browser would load at internal addresses."""
    from launchwizard.demo.model import ANY_PATH, Response

    page = (
        "<!doctype html><html><head><title>Namer</title>"
        f'<script src="{METADATA_URL}app.js" defer></script>'
        '<script src="https://internal.hostile.test/chat-widget.js" async></script>'
        f'<script src="https://{INTERNAL_ADDRESS}/vendor.js" defer></script>'
        '<link rel="preload" as="style" href="https://internal.hostile.test/site.css">'
        '<link rel="stylesheet" href="/static/site.css">'
        "</head><body><h1>Namer</h1>"
        f'<img src="{METADATA_URL}logo.png" alt="">'
        '<script src="/static/app.js" defer></script></body></html>\n'
    )
    app = (
        'import("https://internal.hostile.test/chunk-1a2b.js");\n'
        f"//# sourceMappingURL={METADATA_URL}app.js.map\n"
    )
    return {
        "/": Response(200, page),
        "/static/app.js": Response(200, app, "text/javascript"),
        "/static/site.css": Response(200, "body{}", "text/css"),
        ANY_PATH: Response(404, "not found", "text/plain"),
    }


def _chain() -> Routes:
    from launchwizard.demo.model import Redirect, Response

    routes: dict[str, Redirect | Response] = {"/": Redirect(302, "/1")}
    routes.update({f"/{n}": Redirect(302, f"/{n + 1}") for n in range(1, REDIRECTS)})
    routes[f"/{REDIRECTS}"] = Response(200, "<!doctype html><title>the end</title>")
    return routes


@functools.cache
def hostile_hosts() -> tuple[WebHost, ...]:
    from launchwizard.demo.model import ANY_PATH, Fault, Redirect, host

    def everywhere(route: object) -> dict[str, object]:
        return {"http": {ANY_PATH: route}, "https": {ANY_PATH: route}}

    return (
        host("trickle.hostile.test", "127.53.7.1", **everywhere(Fault("trickle"))),
        host("manyheaders.hostile.test", "127.53.7.2", **everywhere(Fault("manyheaders"))),
        host("gigabyte.hostile.test", "127.53.7.3", **everywhere(Fault("hugebody"))),
        host("redirect50.hostile.test", "127.53.7.4", https=_chain()),
        host("metadata.hostile.test", "127.53.7.5", **everywhere(Redirect(302, METADATA_URL))),
        host(
            "private.hostile.test",
            "127.53.7.6",
            **everywhere(Redirect(302, "https://internal.hostile.test/admin")),
        ),
        host("fileredirect.hostile.test", "127.53.7.7", **everywhere(Redirect(301, "file:///etc/passwd"))),
        host("namer.hostile.test", "127.53.7.8", https=_namer()),
    )


def hostile_zones() -> tuple[ZoneSpec, ...]:
    from launchwizard.demo.model import ZoneSpec

    records = tuple((h.name.removesuffix(".hostile.test"), "A", h.address) for h in hostile_hosts())
    extra = (
        ("internal", "A", INTERNAL_ADDRESS),
        ("loop1", "CNAME", "loop2.hostile.test."),
        ("loop2", "CNAME", "loop1.hostile.test."),
        *((name, "A", "127.53.7.99") for name in DNS_FAULTS),
    )
    return (
        ZoneSpec(
            origin="hostile.test",
            records=(*records, *extra),
            faults={name: name for name in DNS_FAULTS},
        ),
    )
