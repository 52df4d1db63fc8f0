"""The core path: `core.landing`, `core.widget`, `core.errors` and `core.health`.

These are what a first visitor meets: the landing page must load over HTTPS every time, the
chat widget must not hold up the page, a wrong URL or a bad request must get a useful 4xx
(never a stack trace), and the health route must say 200 quickly so monitors and load
balancers can rely on it.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from launchwizard.checks.base import CheckContext
from launchwizard.checks.bundle import size_text
from launchwizard.checks.chatcall import request_endpoint
from launchwizard.checks.edgefetch import landing_page
from launchwizard.config.derived import homepage_url, render_body
from launchwizard.edge.debugpage import debug_markers
from launchwizard.edge.page import ScriptTag
from launchwizard.net.http import Chain, FetchError, Response
from launchwizard.results import Result, Severity, Status

if TYPE_CHECKING:
    from launchwizard.config import Endpoint

LANDING_VISITS = 3
LANDING_SLOW_MS = 3000
"""Past three seconds about half of mobile visitors leave (the perf stage sets the real target)."""
PAGE_MAX_BODY = 2 * 1024 * 1024
WIDGET_MAX_BODY = 4 * 1024 * 1024
WIDGET_BUDGET_KB = 150
WIDGET_HINT = re.compile(r"chat|widget|assist|messenger|intercom|crisp|drift|bot", re.I)
OVERLONG_CHARS = 64 * 1024
HEALTH_SLOW_MS = 1000
ERROR_MAX_BODY = 256 * 1024

FIX_LANDING = (
    "Make https:// on the canonical host answer 200 every time: check the deploy, the origin's "
    "health and the CDN's error logs for the failed visits."
)
FIX_WIDGET_BLOCKING = (
    "Load the widget without blocking the page: add async (or defer) to its <script> tag, or inject "
    "it after the page has loaded; the chat is never the first thing a visitor needs."
)
FIX_WIDGET_HEAVY = (
    "Make the widget's first load small: load the chat UI when the visitor opens it, split vendor "
    "code, and serve it compressed."
)
FIX_ERRORS_TRACE = (
    "Turn off debug mode in production (DEBUG=False, NODE_ENV=production, APP_DEBUG=false), add an "
    "error handler that returns a short JSON or HTML message, and send the trace to the error "
    "tracker instead of the client."
)
FIX_ERRORS_5XX = (
    "Validate input before using it: malformed JSON, a missing field and an over-long message must "
    "get 400, 413 or 422 with a sentence saying what to change, not a crash."
)
FIX_SOFT_404 = (
    "Answer unknown paths with 404 (a single-page app can still show its own not-found page with "
    "that status): monitors, crawlers and the exposed-path checks cannot tell a 200 error page apart."
)
FIX_HEALTH = (
    "Serve a cheap health route that answers 200 when the app can serve requests (its database and "
    "model provider reachable) and 503 otherwise, without authentication or heavy work."
)


def _chain_problem(chain: Chain) -> str | None:
    if chain.final is None:
        return chain.error or "no answer"
    if chain.final.status != 200:
        return f"status {chain.final.status}"
    if not chain.final.url.startswith("https://"):
        return f"ended on {chain.final.url}, not HTTPS"
    return None


async def landing(ctx: CheckContext) -> list[Result]:
    """`core.landing`: the homepage answers 200 over HTTPS on every visit, in reasonable time."""
    url = homepage_url(ctx.sprint)
    visits = [await ctx.net.http.follow(url, max_body=PAGE_MAX_BODY) for _ in range(LANDING_VISITS)]
    rows = [_visit_row(chain) for chain in visits]
    evidence = {"url": url, "visits": rows, "slow_ms": LANDING_SLOW_MS}
    failed = [row for row in rows if row["problem"]]
    if failed:
        summary = f"{len(failed)} of {len(rows)} visits to {url} failed: {failed[0]['problem']}"
        all_failed = len(failed) == len(rows)
        return [
            ctx.result(
                Status.ERROR if all_failed and _unreachable(visits) else Status.FAIL,
                summary,
                evidence=evidence,
                fix=FIX_LANDING,
            )
        ]
    slowest = max(row["ms"] for row in rows)
    measured = f"{len(rows)} visits, all 200 over HTTPS, slowest {slowest} ms"
    if slowest > LANDING_SLOW_MS:
        summary = f"{measured}: slower than {LANDING_SLOW_MS / 1000:g} s, visitors leave before it loads"
        return [ctx.result(Status.WARN, summary, evidence=evidence, fix=FIX_LANDING)]
    return [ctx.result(Status.PASS, measured, evidence=evidence, severity=Severity.INFO)]


def _unreachable(visits: list[Chain]) -> bool:
    return all(chain.final is None for chain in visits)


def _visit_row(chain: Chain) -> dict[str, Any]:
    final = chain.final
    return {
        "final_url": chain.final_url,
        "status": final.status if final else None,
        "hops": len(chain.hops),
        "ms": final.elapsed_ms if final else None,
        "problem": _chain_problem(chain),
    }


@dataclass
class Widget:
    """The chat widget's script tag on the landing page and what fetching it gave."""

    tag: ScriptTag
    url: str
    size: int | None = None
    status: int | None = None
    problem: str | None = None


def find_widget(scripts: tuple[ScriptTag, ...], page_url: str, configured: str | None) -> Widget | None:
    """The widget script: the configured `[endpoints] widget` URL, else the first script whose
    URL looks like a chat widget."""
    for tag in scripts:
        url = urljoin(page_url, tag.src)
        if configured is not None:
            if url.split("?")[0] == configured.split("?")[0]:
                return Widget(tag, url)
        elif WIDGET_HINT.search(urlsplit(url).path):
            return Widget(tag, url)
    return None


async def widget(ctx: CheckContext) -> list[Result]:
    """`core.widget`: the chat widget loads without blocking the page, at a sensible size."""
    loaded = await landing_page(ctx)
    if isinstance(loaded, str):
        return [ctx.result(Status.ERROR, loaded)]
    page_url, page, origin = loaded
    configured = ctx.sprint.endpoints.get("widget")
    found = find_widget(page.scripts, page_url, configured.url if configured else None)
    scripts = [
        {"src": tag.src, "loads": "blocks rendering" if tag.blocking else "async/defer"}
        for tag in page.scripts
    ]
    if found is None:
        summary = "no chat widget script found on the landing page (set [endpoints] widget to its URL)"
        return [
            ctx.result(
                Status.WARN,
                summary,
                evidence={"url": page_url, "page_scripts": scripts},
                severity=Severity.LOW,
            )
        ]
    await _fetch_widget(ctx, found, None if configured and found.url == configured.url else origin)
    evidence: dict[str, Any] = {
        "url": page_url,
        "widget": {
            "url": found.url,
            "blocking": found.tag.blocking,
            "status": found.status,
            "bytes": found.size,
        },
        "page_scripts": scripts,
    }
    return [_widget_verdict(ctx, found, evidence)]


async def _fetch_widget(ctx: CheckContext, found: Widget, named_by: str | None) -> None:
    """The widget script; held to the page's network when the page named it (not sprint.toml)."""
    try:
        response = await ctx.net.http.request("GET", found.url, max_body=WIDGET_MAX_BODY, named_by=named_by)
    except FetchError as exc:
        found.problem = exc.message
        return
    found.status, found.size = response.status, len(response.body)
    if response.status != 200:
        found.problem = f"status {response.status}"
    elif response.truncated:
        found.problem = f"larger than {WIDGET_MAX_BODY // (1024 * 1024)} MB"


def _widget_verdict(ctx: CheckContext, found: Widget, evidence: dict[str, Any]) -> Result:
    if found.problem is not None:
        summary = f"the widget script {found.url} does not load: {found.problem}"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix="Fix the widget's URL or deploy it.")
    size_kb = (found.size or 0) / 1024
    size = size_text(found.size or 0)
    if found.tag.blocking:
        summary = f"the widget script {found.url} blocks rendering (no async, defer or type=module), {size}"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_WIDGET_BLOCKING)
    if size_kb > WIDGET_BUDGET_KB:
        summary = f"the widget loads without blocking but weighs {size} (keep it under {WIDGET_BUDGET_KB} kB)"
        return ctx.result(
            Status.WARN, summary, evidence=evidence, severity=Severity.LOW, fix=FIX_WIDGET_HEAVY
        )
    summary = f"the widget loads without blocking the page ({size})"
    return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)


@dataclass
class ErrorProbe:
    """One deliberately wrong request and how the product answered it."""

    name: str
    method: str
    url: str
    status: int | None = None
    markers: tuple[str, ...] = ()
    body_sample: str = ""
    problem: str | None = None
    verdict: str = ""
    level: str = "pass"

    def to_json(self) -> dict[str, Any]:
        return {
            "probe": self.name,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "verdict": self.verdict,
            "debug_markers": ", ".join(self.markers),
            "body": self.body_sample,
        }


async def _send(ctx: CheckContext, probe: ErrorProbe, headers: dict[str, str], content: bytes | None) -> None:
    try:
        response = await ctx.net.http.request(
            probe.method, probe.url, headers=headers, content=content, max_body=ERROR_MAX_BODY
        )
    except FetchError as exc:
        probe.problem = exc.message
        probe.level, probe.verdict = "error", f"no answer: {exc.message}"
        return
    _judge_error(probe, response)


def _judge_error(probe: ErrorProbe, response: Response) -> None:
    probe.status = response.status
    probe.markers = tuple(debug_markers(response.body))
    probe.body_sample = " ".join(response.text[:160].split())
    if probe.markers:
        probe.level, probe.verdict = "fail", f"{response.status} with a {probe.markers[0]} in the body"
    elif response.status >= 500:
        probe.level, probe.verdict = "fail", f"{response.status}: the server crashed on bad input"
    elif 400 <= response.status < 500:
        useful = bool(response.body.strip())
        probe.level = "pass" if useful else "warn"
        probe.verdict = (
            f"{response.status} with a message" if useful else f"{response.status} with an empty body"
        )
    elif probe.name == "unknown route":
        probe.level, probe.verdict = "warn", f"{response.status} for a path that does not exist (soft 404)"
    else:
        probe.level, probe.verdict = "warn", f"{response.status}: the bad request was accepted"


def _chat_probes(chat: Endpoint) -> list[tuple[ErrorProbe, dict[str, str], bytes | None]]:
    headers = {"Content-Type": "application/json", **dict(chat.headers)}
    overlong = render_body(chat, "A" * OVERLONG_CHARS) or b""
    return [
        (ErrorProbe("malformed JSON", chat.method, chat.url), headers, b'{"message": "unterminated'),
        (ErrorProbe("over-long input", chat.method, chat.url), headers, overlong),
    ]


async def errors(ctx: CheckContext) -> list[Result]:
    """`core.errors`: an unknown route, malformed JSON and an over-long message get useful 4xx."""
    base = homepage_url(ctx.sprint)
    missing = urljoin(base, f"/launchwizard-no-such-page-{secrets.token_hex(6)}")
    planned: list[tuple[ErrorProbe, dict[str, str], bytes | None]] = [
        (ErrorProbe("unknown route", "GET", missing), {}, None)
    ]
    chat = ctx.sprint.endpoints.get("chat")
    if chat is not None and chat.method in ("POST", "PUT", "PATCH"):
        planned += _chat_probes(chat)
    await asyncio.gather(*(_send(ctx, probe, headers, body) for probe, headers, body in planned))
    probes = [probe for probe, _, _ in planned]
    evidence: dict[str, Any] = {"error_probes": [probe.to_json() for probe in probes]}
    if chat is None:
        evidence["note"] = "no [endpoints.chat] with a POST body: only the unknown route was tried"
    return [_errors_verdict(ctx, probes, evidence)]


def _errors_verdict(ctx: CheckContext, probes: list[ErrorProbe], evidence: dict[str, Any]) -> Result:
    if all(probe.level == "error" for probe in probes):
        return ctx.result(Status.ERROR, f"no answer: {probes[0].problem}", evidence=evidence)
    failed = [p for p in probes if p.level == "fail"]
    warned = [p for p in probes if p.level == "warn"]
    listed = "; ".join(f"{p.name}: {p.verdict}" for p in (*failed, *warned))
    if failed:
        traced = any(p.markers for p in failed)
        severity = Severity.HIGH if traced else Severity.MEDIUM
        fix = FIX_ERRORS_TRACE if traced else FIX_ERRORS_5XX
        return ctx.result(Status.FAIL, listed, evidence=evidence, severity=severity, fix=fix)
    if warned:
        soft = any(p.name == "unknown route" for p in warned)
        fix = FIX_SOFT_404 if soft else FIX_ERRORS_5XX
        return ctx.result(Status.WARN, listed, evidence=evidence, severity=Severity.LOW, fix=fix)
    summary = "; ".join(f"{p.name}: {p.verdict}" for p in probes)
    return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)


async def health(ctx: CheckContext) -> list[Result]:
    """`core.health`: the health route answers 200, quickly."""
    endpoint = ctx.sprint.endpoints.get("health")
    if endpoint is None:
        summary = "no [endpoints] health route: monitors and load balancers need one"
        return [ctx.result(Status.WARN, summary, fix=FIX_HEALTH, severity=Severity.MEDIUM)]
    try:
        response = await request_endpoint(ctx, endpoint, max_body=ERROR_MAX_BODY)
    except FetchError as exc:
        return [ctx.result(Status.FAIL, f"{endpoint.url}: no answer ({exc.message})", fix=FIX_HEALTH)]
    evidence = {
        "url": endpoint.url,
        "status": response.status,
        "ms": response.elapsed_ms,
        "body": " ".join(response.text[:200].split()),
    }
    if response.status != 200:
        summary = f"{endpoint.url} answered {response.status}, not 200"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_HEALTH)]
    if response.elapsed_ms > HEALTH_SLOW_MS:
        summary = (
            f"200 but in {response.elapsed_ms} ms: a health route should answer within {HEALTH_SLOW_MS} ms"
        )
        return [ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.LOW, fix=FIX_HEALTH)]
    summary = f"200 in {response.elapsed_ms} ms"
    return [ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)]
