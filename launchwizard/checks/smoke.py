"""`deploy.smoke`: after a deploy, homepage, login, chat and health each answer.

Each configured route is tried once and, if that fails, once more after a short pause: a
route that fails twice in a row fails the smoke test (and `launchwizard smoke` exits 1); a
route that fails once and then answers passes with a note, because one dropped request
right after a deploy is normal but should be seen. Up means a status below 400 (a login
may redirect to its identity provider) and, for the chat, a reply text that can be read.
A 429 is up too: the route answered and is rate-limiting this client (a login throttles
repeated sign-ins), so it is reported as throttled, with when to come back, and not retried.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchwizard.checks.base import CheckContext
from launchwizard.checks.chatcall import ask, request_endpoint
from launchwizard.config.derived import chat_timeout, homepage_url
from launchwizard.net.http import FetchError, hard_stop_s
from launchwizard.results import Result, Severity, Status

if TYPE_CHECKING:
    from launchwizard.config import Endpoint, Sprint

SMOKE_ROUTES = ("homepage", "login", "chat", "health")
THROTTLED = 429
"""Too Many Requests: the route is up and rate-limiting this client (RFC 6585 §4)."""
RETRY_PAUSE_S = 0.5
SMOKE_PROMPT = "Hello, this is a post-deploy smoke test. Please reply with a short greeting."
MAX_BODY = 256 * 1024

FIX_SMOKE = (
    "Roll back to the last good release now (see the rollback runbook), then read the failing route's "
    "logs: a route that fails twice in a row right after a deploy is broken for users too."
)


@dataclass
class Attempt:
    """One try of a route: what came back, how long it took, why it was not up."""

    status: int | None = None
    ms: int | None = None
    problem: str | None = None
    retry_after_s: float | None = None
    """When a throttled route said to come back (its Retry-After), if it said."""

    @property
    def up(self) -> bool:
        return self.problem is None

    @property
    def throttled(self) -> bool:
        return self.status == THROTTLED

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "ms": self.ms, "problem": self.problem}
        if self.throttled:
            data["retry_after_s"] = self.retry_after_s
        return data


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header (delay-seconds or an HTTP date) in seconds from now, if valid."""
    if value is None:
        return None
    from launchwizard.edge.ratelimit import read_ratelimit

    return read_ratelimit([("retry-after", value)]).retry_after_s


def throttle_note(attempt: Attempt) -> str:
    """`429, Retry-After 55 s` (or without the delay when the route gave none)."""
    if attempt.retry_after_s is None:
        return f"{THROTTLED}, no Retry-After"
    return f"{THROTTLED}, Retry-After {attempt.retry_after_s:g} s"


@dataclass
class RouteRun:
    """A route's attempts and its verdict: up, flaky (failed once, then up) or down."""

    name: str
    url: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        last = self.attempts[-1]
        if not last.up:
            return "down"
        if last.throttled:
            return "throttled"
        return "up" if len(self.attempts) == 1 else "flaky"

    def to_json(self) -> dict[str, Any]:
        last = self.attempts[-1]
        return {
            "route": self.name,
            "url": self.url,
            "verdict": self.verdict,
            "status": last.status,
            "ms": last.ms,
            "problem": next((a.problem for a in self.attempts if a.problem), "") or "",
            "attempts": [attempt.to_json() for attempt in self.attempts],
        }


def smoke_routes(sprint: Sprint) -> list[Endpoint]:
    """The critical routes of `[endpoints]`; the homepage falls back to the canonical URL."""
    from launchwizard.config import Endpoint

    routes = [sprint.endpoints[name] for name in SMOKE_ROUTES if name in sprint.endpoints]
    if "homepage" not in sprint.endpoints:
        routes.insert(0, Endpoint("homepage", homepage_url(sprint)))
    return routes


def smoke_deadline(sprint: Sprint) -> float:
    """Two attempts per route, each at most its own hard stop, plus the pause between them."""
    per_try = [
        chat_timeout(e) if e.name == "chat" else (e.timeout_s or sprint.network.timeout_s)
        for e in smoke_routes(sprint)
    ]
    return 2 * hard_stop_s(max(per_try)) + RETRY_PAUSE_S + sprint.network.timeout_s


async def _try(ctx: CheckContext, endpoint: Endpoint) -> Attempt:
    if endpoint.name == "chat":
        reply = await ask(ctx, endpoint, SMOKE_PROMPT)
        if reply.status == THROTTLED:
            return Attempt(reply.status, reply.total_ms, None, retry_after_seconds(reply.retry_after))
        problem = reply.problem
        if reply.status is not None and reply.status >= 400:
            problem = f"status {reply.status}"
        return Attempt(reply.status, reply.total_ms, problem)
    try:
        response = await request_endpoint(ctx, endpoint, max_body=MAX_BODY)
    except FetchError as exc:
        return Attempt(problem=exc.message)
    if response.status == THROTTLED:
        retry = retry_after_seconds(response.header("retry-after"))
        return Attempt(response.status, response.elapsed_ms, None, retry)
    problem = f"status {response.status}" if response.status >= 400 else None
    return Attempt(response.status, response.elapsed_ms, problem)


async def run_route(ctx: CheckContext, endpoint: Endpoint) -> RouteRun:
    """One try, and one retry after a pause when the first was not up."""
    route = RouteRun(endpoint.name, endpoint.url, [await _try(ctx, endpoint)])
    if not route.attempts[0].up:
        await asyncio.sleep(RETRY_PAUSE_S)
        route.attempts.append(await _try(ctx, endpoint))
    return route


async def smoke(ctx: CheckContext) -> list[Result]:
    """`deploy.smoke`: every critical route up; down only when it fails twice in a row."""
    endpoints = smoke_routes(ctx.sprint)
    routes = await asyncio.gather(*(run_route(ctx, endpoint) for endpoint in endpoints))
    missing = [name for name in SMOKE_ROUTES if name not in {e.name for e in endpoints}]
    evidence: dict[str, Any] = {"routes": [route.to_json() for route in routes]}
    if missing:
        evidence["not_configured"] = missing
    down = [r for r in routes if r.verdict == "down"]
    flaky = [r for r in routes if r.verdict == "flaky"]
    throttled = [r for r in routes if r.verdict == "throttled"]
    note = f"; {', '.join(r.name for r in flaky)} failed once, then answered on the retry" if flaky else ""
    if throttled:
        limited = ", ".join(f"{r.name} ({throttle_note(r.attempts[-1])})" for r in throttled)
        note += f"; throttled, so up but rate-limiting this client: {limited}"
    unset = f"; not configured: {', '.join(missing)}" if missing else ""
    if down:
        listed = ", ".join(f"{r.name} ({r.attempts[-1].problem})" for r in down)
        summary = f"{listed} failed twice in a row{note}{unset}"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_SMOKE)]
    summary = f"{len(routes)} routes up ({', '.join(r.name for r in routes)}){note}{unset}"
    return [ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)]
