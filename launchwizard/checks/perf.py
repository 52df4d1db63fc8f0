"""`perf.latency` and `perf.chat`: what users wait for on the core routes and in the chat.

perf.latency samples every non-LLM core route (`[endpoints]` homepage, health, login) N
times at a bounded concurrency and compares the nearest-rank p95 and the error rate with
the targets of `[perf]` (500 ms, 2 %, as the k6 thresholds a CI gate would use). A failed
request (no answer, a timeout, a status >= 400, as k6's http_req_failed counts it) is an
error, not a latency. Too few samples and it refuses to compute either number.

perf.chat sends a few harmless prompts to `[endpoints.chat]` one after another and times
the first byte of the reply (the first streamed token, or the whole JSON answer) and the
full reply, with the chat timeout enforced: a reply still arriving then is cut and fails.
"""

from __future__ import annotations

import asyncio
import math
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchwizard.checks.base import CheckContext
from launchwizard.checks.chatcall import ChatReply, ask
from launchwizard.config.derived import chat_timeout, core_routes
from launchwizard.net.http import FetchError, hard_stop_s
from launchwizard.perf.stats import MIN_SAMPLES, Summary, summarise
from launchwizard.results import Result, Severity, Status

if TYPE_CHECKING:
    from launchwizard.config import Endpoint, Sprint

SAMPLE_MAX_BODY = 2 * 1024 * 1024
CHAT_SAMPLES = 3
CHAT_PROMPT = "Hello! What can you help me with?"

FIX_LATENCY = (
    "Find where the time goes on the slow route (server timing, APM traces): cache the page at "
    "the edge or in the app, move slow work (database, third-party calls) off the request path, "
    "and keep LLM calls out of non-chat routes. Re-run perf.latency after each change."
)
FIX_ERRORS = (
    "Read the server logs for the failed requests: errors under a little concurrency usually mean "
    "too few workers, a connection pool that runs dry or a dependency that times out."
)
FIX_CHAT_SLOW = (
    "Stream the reply (server-sent events) so the first words show within 2-3 s, trim the prompt and "
    "retrieved context, and pick a faster model for the first answer."
)
FIX_CHAT_TIMEOUT = (
    "Give the chat call its own timeout shorter than the client's (the LLM SDK's timeout and the "
    "server's request timeout), end the stream with an error event when it fires, and show the user "
    "a retry button instead of a reply that never finishes."
)


def latency_deadline(sprint: Sprint) -> float:
    """Rounds of `concurrency` requests, each round at most one request's hard stop, plus slack."""
    rounds = math.ceil(sprint.perf.samples / sprint.perf.concurrency) * len(core_routes(sprint))
    return rounds * hard_stop_s(sprint.network.timeout_s) + 2 * sprint.network.timeout_s


def chat_deadline(sprint: Sprint) -> float:
    """Every chat sample may use the whole chat timeout."""
    endpoint = sprint.endpoints.get("chat")
    timeout = chat_timeout(endpoint) if endpoint is not None else sprint.network.timeout_s
    return CHAT_SAMPLES * (hard_stop_s(timeout) + 1) + sprint.network.timeout_s


@dataclass
class RouteSample:
    """One route's measurements: latencies of the answers, and what went wrong with the rest."""

    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> Summary:
        return summarise(self.latencies_ms, len(self.failures))


async def sample_route(ctx: CheckContext, route: RouteSample, count: int, bound: asyncio.Semaphore) -> None:
    """`count` GETs of one route, never more than the bound's concurrency at once."""

    async def one() -> None:
        async with bound:
            try:
                response = await ctx.net.http.request(
                    "GET", route.url, headers=route.headers, max_body=SAMPLE_MAX_BODY
                )
            except FetchError as exc:
                route.failures.append(exc.message)
                return
        if response.status >= 400:
            route.failures.append(f"status {response.status}")
        elif response.body_error is not None:
            route.failures.append(response.body_error)
        else:
            route.latencies_ms.append(float(response.elapsed_ms))

    await asyncio.gather(*(one() for _ in range(count)))


async def latency(ctx: CheckContext) -> list[Result]:
    """`perf.latency`: p95 and error rate of each core route against the targets."""
    perf = ctx.sprint.perf
    if perf.samples < MIN_SAMPLES:
        return [
            ctx.result(
                Status.ERROR,
                f"refusing to compute a p95 and an error rate from {perf.samples} samples per route: "
                f"at least {MIN_SAMPLES} are needed",
                fix=f"Set [perf] samples to {MIN_SAMPLES} or more (40 by default).",
            )
        ]
    bound = asyncio.Semaphore(perf.concurrency)
    routes = [RouteSample(name, url, _headers(ctx.sprint, name)) for name, url in core_routes(ctx.sprint)]
    await asyncio.gather(*(sample_route(ctx, route, perf.samples, bound) for route in routes))
    rows = [_route_row(route, ctx.sprint) for route in routes]
    evidence: dict[str, Any] = {
        "targets": {"p95_ms": perf.p95_ms, "error_rate_pct": perf.error_rate_pct},
        "samples_per_route": perf.samples,
        "concurrency": perf.concurrency,
        "latency": rows,
    }
    return [_latency_verdict(ctx, rows, evidence)]


def _headers(sprint: Sprint, route: str) -> dict[str, str]:
    """The route's configured request headers (an API key, a tenant), sent with every sample."""
    endpoint = sprint.endpoints.get(route)
    return dict(endpoint.headers) if endpoint is not None else {}


def _route_row(route: RouteSample, sprint: Sprint) -> dict[str, Any]:
    summary = route.summary()
    row: dict[str, Any] = {"route": route.name, "url": route.url, **summary.to_json()}
    problems = []
    if summary.error_rate_pct > sprint.perf.error_rate_pct:
        problems.append(f"{summary.error_rate_pct:.1f} % errors (target <= {sprint.perf.error_rate_pct:g} %)")
    answered = len(route.latencies_ms)
    if answered < MIN_SAMPLES:
        row["p50_ms"] = row["p95_ms"] = row["p99_ms"] = None
        problems.append(f"only {answered} answered requests: too few for a p95 (at least {MIN_SAMPLES})")
    elif summary.p95 is not None and summary.p95 > sprint.perf.p95_ms:
        problems.append(f"p95 {summary.p95:.0f} ms (target < {sprint.perf.p95_ms:g} ms)")
    row["verdict"] = "; ".join(problems) if problems else "within targets"
    row["failures"] = sorted(set(route.failures))[:5]
    return row


def _latency_verdict(ctx: CheckContext, rows: list[dict[str, Any]], evidence: dict[str, Any]) -> Result:
    measured = ", ".join(
        f"{row['route']} p95 {row['p95_ms']:.0f} ms"
        if row["p95_ms"] is not None
        else f"{row['route']} p95 n/a"
        for row in rows
    )
    bad = [row for row in rows if row["verdict"] != "within targets"]
    if not bad:
        summary = f"{measured}; errors within {ctx.sprint.perf.error_rate_pct:g} % on every route"
        return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)
    errors = any(row["error_rate_pct"] > ctx.sprint.perf.error_rate_pct for row in bad)
    summary = "; ".join(f"{row['route']}: {row['verdict']}" for row in bad)
    return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_ERRORS if errors else FIX_LATENCY)


async def chat(ctx: CheckContext) -> list[Result]:
    """`perf.chat`: first byte and full reply of the chat, with the timeout enforced."""
    endpoint = ctx.sprint.endpoints.get("chat")
    if endpoint is None:
        summary = "no [endpoints.chat] configured: add the chat API (url, method, body, response_path)"
        return [ctx.result(Status.SKIPPED, summary, severity=Severity.INFO)]
    replies = []
    for _ in range(CHAT_SAMPLES):
        reply = await ask(ctx, endpoint, CHAT_PROMPT)
        replies.append(reply)
        if reply.status is None or reply.cut:
            break
    return [_chat_verdict(ctx, endpoint, replies)]


def _chat_evidence(ctx: CheckContext, endpoint: Endpoint, replies: list[ChatReply]) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "timeout_s": chat_timeout(endpoint),
        "timeout_source": "[endpoints.chat] timeout_s" if endpoint.timeout_s else "default for chat replies",
        "target_first_byte_s": ctx.sprint.perf.chat_first_byte_s,
        "replies": [reply.to_json() for reply in replies],
    }


def _chat_verdict(ctx: CheckContext, endpoint: Endpoint, replies: list[ChatReply]) -> Result:
    evidence = _chat_evidence(ctx, endpoint, replies)
    timeout = chat_timeout(endpoint)
    last = replies[-1]
    if last.status is None:
        return ctx.result(Status.ERROR, last.problem or "no answer", evidence=evidence)
    if last.cut:
        summary = f"a reply was still arriving after {timeout:g} s and was cut at the chat timeout"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_CHAT_TIMEOUT)
    broken = next((r for r in replies if r.status is not None and r.status >= 400), None)
    if broken is not None:
        summary = f"the chat answered a harmless prompt with status {broken.status}"
        return ctx.result(Status.FAIL, summary, evidence=evidence, severity=Severity.CRITICAL, fix=FIX_ERRORS)
    first = statistics.median(r.first_byte_ms or r.total_ms or 0 for r in replies) / 1000
    full = statistics.median(r.total_ms or 0 for r in replies) / 1000
    style = "streamed (SSE)" if last.format == "sse" else f"{last.format} reply"
    measured = f"first byte {first:.2f} s, full reply {full:.2f} s ({style}, median of {len(replies)})"
    unreadable = next((r.problem for r in replies if r.problem), None)
    target = ctx.sprint.perf.chat_first_byte_s
    if first > target:
        summary = f"{measured}: slower than the {target:g} s users wait before giving up"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_CHAT_SLOW)
    if unreadable:
        summary = f"{measured}; but the reply text could not be read: {unreadable}"
        return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.MEDIUM)
    summary = f"{measured}, within {target:g} s; cut at {timeout:g} s"
    return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)
