"""`edge.ratelimit`: an opt-in, bounded probe of whether repeated requests get throttled.

It sends the configured endpoint's request again and again, never more than
`[probes.ratelimit] max_requests` and never faster than `rate_per_s`, and stops at the
first 429 or 503 (RFC 6585 §4; RFC 9110 §15.6.4), at the first server error and at the
first connection failure. Nothing is sent after a refusal: its Retry-After is reported,
not tested. The RateLimit / RateLimit-Policy fields of the IETF draft and the legacy
X-RateLimit-* trio are read from every answer (web-tls-edge.md §7). Not seeing a limit
within the budget is reported as exactly that, never as proof that there is none.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchwizard.checks.base import CheckContext
from launchwizard.checks.chatcall import request_endpoint
from launchwizard.config.derived import render_body
from launchwizard.edge.ratelimit import RateLimitInfo, read_ratelimit
from launchwizard.net.http import FetchError, Response, hard_stop_s
from launchwizard.results import Result, Severity, Status

if TYPE_CHECKING:
    from launchwizard.config import Endpoint, Sprint

PROBE_PROMPT = "launchwizard rate-limit probe"
THROTTLED = (429, 503)
MAX_BODY = 16 * 1024

FIX_NO_LIMIT = (
    "Throttle this endpoint per client (IP and account): for a login or sign-up form about 5-10 "
    "attempts per minute, for a chat API a per-tenant quota. Answer 429 with Retry-After and "
    "announce the quota with RateLimit-Policy/RateLimit headers (Cloudflare: Security > WAF > "
    "Rate limiting rules; nginx: limit_req; or the framework's middleware)."
)


def probe_deadline(sprint: Sprint) -> float:
    """How long the probe may run: its paced sends plus one timeout per request, bounded."""
    budget = sprint.probes.ratelimit
    endpoint = sprint.endpoints.get(budget.endpoint or "")
    timeout = (endpoint.timeout_s if endpoint and endpoint.timeout_s else None) or sprint.network.timeout_s
    return budget.max_requests / budget.rate_per_s + (budget.max_requests + 1) * hard_stop_s(timeout)


@dataclass
class Probe:
    """What the probe sent and saw, request by request."""

    sent: int = 0
    statuses: list[int] = field(default_factory=list)
    throttled_at: int | None = None
    throttle_status: int | None = None
    stopped: str | None = None
    info: RateLimitInfo | None = None
    first_info: RateLimitInfo | None = None
    elapsed_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "statuses": self.statuses,
            "throttled_at": self.throttled_at,
            "throttle_status": self.throttle_status,
            "stopped": self.stopped,
            "elapsed_s": round(self.elapsed_s, 2),
            "first_answer": self.first_info.to_json() if self.first_info else None,
            "last_answer": self.info.to_json() if self.info else None,
        }


async def run_probe(ctx: CheckContext, endpoint: Endpoint, max_requests: int, rate_per_s: float) -> Probe:
    """Send paced requests until throttled, broken, or the budget is spent."""
    probe = Probe()
    interval = 1.0 / rate_per_s
    started = time.monotonic()
    next_send = started
    body = render_body(endpoint, PROBE_PROMPT)
    for number in range(1, max_requests + 1):
        await asyncio.sleep(max(0.0, next_send - time.monotonic()))
        next_send = time.monotonic() + interval
        probe.sent = number
        try:
            response = await request_endpoint(ctx, endpoint, max_body=MAX_BODY, content=body)
        except FetchError as exc:
            probe.stopped = f"request {number} got no answer: {exc.message}"
            break
        if not _record(probe, number, response):
            break
    probe.elapsed_s = time.monotonic() - started
    return probe


def _record(probe: Probe, number: int, response: Response) -> bool:
    """Note one answer; False when the probe must stop."""
    probe.statuses.append(response.status)
    probe.info = read_ratelimit(response.headers)
    if probe.first_info is None:
        probe.first_info = probe.info
    if response.status in THROTTLED:
        probe.throttled_at, probe.throttle_status = number, response.status
        return False
    if response.status >= 500:
        probe.stopped = f"request {number} got {response.status}: the endpoint fails under repeated requests"
        return False
    return True


async def ratelimit(ctx: CheckContext) -> list[Result]:
    """`edge.ratelimit`: repeated requests to the configured endpoint get throttled."""
    budget = ctx.sprint.probes.ratelimit
    if not budget.enabled or budget.endpoint is None:
        summary = (
            "opt-in probe not enabled: set [probes.ratelimit] enabled = true and endpoint = the "
            "[endpoints] entry to try (it sends up to max_requests real requests)"
        )
        return [ctx.result(Status.SKIPPED, summary, severity=Severity.INFO)]
    endpoint = ctx.sprint.endpoints[budget.endpoint]
    probe = await run_probe(ctx, endpoint, budget.max_requests, budget.rate_per_s)
    evidence = {
        "endpoint": budget.endpoint,
        "url": endpoint.url,
        "method": endpoint.method,
        "budget": {"max_requests": budget.max_requests, "rate_per_s": budget.rate_per_s},
        **probe.to_json(),
    }
    return [_verdict(ctx, endpoint, probe, evidence)]


def _announced(probe: Probe) -> str:
    info = probe.info if probe.info is not None and probe.info.announced else probe.first_info
    if info is None or not info.announced:
        return "no RateLimit or X-RateLimit headers"
    return f"announces {info.describe()}"


def _verdict(ctx: CheckContext, endpoint: Endpoint, probe: Probe, evidence: dict[str, Any]) -> Result:
    announced = _announced(probe)
    if probe.throttled_at is not None:
        retry = probe.info.retry_after_s if probe.info is not None else None
        retry_text = f", Retry-After {retry:g} s" if retry is not None else ", no Retry-After"
        summary = (
            f"throttled at request {probe.throttled_at} ({probe.throttle_status}{retry_text}); {announced}"
        )
        if probe.throttle_status == 503:
            summary += (
                "; it refuses with 503, which monitors and clients read as an outage: 429 is the status "
                "for too many requests (RFC 6585 §4)"
            )
            return ctx.result(
                Status.WARN, summary, evidence=evidence, severity=Severity.LOW, fix=FIX_NO_LIMIT
            )
        return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)
    if probe.statuses == [] and probe.stopped:
        return ctx.result(Status.ERROR, f"no answer from {endpoint.url}: {probe.stopped}", evidence=evidence)
    seen = f"no throttling seen within {len(probe.statuses)} requests ({probe.elapsed_s:.1f} s)"
    stopped = f"; stopped early: {probe.stopped}" if probe.stopped else ""
    summary = f"{seen}{stopped}; {announced}. This is not proof that no limit exists, only that none was met"
    return ctx.result(Status.WARN, summary, evidence=evidence, fix=FIX_NO_LIMIT, severity=Severity.MEDIUM)
