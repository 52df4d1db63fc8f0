"""`edge.exposed`: files and routes that must never be public, judged by their content.

A fixed, documented list of paths (launchwizard.edge.exposed.SENSITIVE_PATHS) is requested
on each host over HTTPS, after a baseline of random paths that cannot exist: sites that
answer every path with 200 (single-page apps, catch-all edges) would otherwise look
"exposed" everywhere. A path counts only when its body carries the content marker of
what it claims to be and differs from the baseline; a status code alone is never a
finding. Each path gets one GET without redirects; nothing is sent that changes state.
"""

from __future__ import annotations

import asyncio
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.edge.exposed import SENSITIVE_PATHS, Baseline, Exposure, baseline_paths, judge
from launchwizard.net.http import FetchError, Response
from launchwizard.results import SEVERITY_RANK, Result, Severity, Status

MAX_BODY = 64 * 1024
CONCURRENT_REQUESTS = 6
SHOWN = 3


async def _get(ctx: CheckContext, path: str, bound: asyncio.Semaphore) -> Response | FetchError:
    async with bound:
        try:
            return await ctx.net.http.request("GET", f"https://{ctx.target}{path}", max_body=MAX_BODY)
        except FetchError as exc:
            return exc


async def exposed(ctx: CheckContext) -> list[Result]:
    """`edge.exposed`: none of the sensitive paths is served with its real content."""
    bound = asyncio.Semaphore(CONCURRENT_REQUESTS)
    probes = baseline_paths()
    answers = await asyncio.gather(
        *(_get(ctx, path, bound) for path in probes),
        *(_get(ctx, spec.path, bound) for spec in SENSITIVE_PATHS),
    )
    baseline_answers, path_answers = answers[: len(probes)], answers[len(probes) :]
    baselines = [
        Baseline.from_response(a.status, a.headers, a.body, path)
        for path, a in zip(probes, baseline_answers, strict=True)
        if isinstance(a, Response)
    ]
    errors = [a for a in path_answers if isinstance(a, FetchError)]
    if len(errors) == len(path_answers):
        return [ctx.result(Status.ERROR, f"no answer from https://{ctx.target}/: {errors[0].message}")]
    exposures = [
        found
        for spec, answer in zip(SENSITIVE_PATHS, path_answers, strict=True)
        if isinstance(answer, Response)
        and (found := judge(spec, answer.status, answer.headers, answer.body, baselines, spec.path))
        is not None
    ]
    evidence = _evidence(baselines, path_answers, exposures)
    if not exposures:
        summary = (
            f"none of {len(SENSITIVE_PATHS)} sensitive paths is served "
            f"(judged by content against a baseline of {len(baselines)} random paths)"
        )
        if errors:
            summary += f"; {len(errors)} did not answer ({errors[0].message})"
        return [ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)]
    exposures.sort(key=lambda e: -SEVERITY_RANK[Severity(e.spec.severity)])
    worst = Severity(exposures[0].spec.severity)
    shown = ", ".join(f"{e.spec.path} ({e.spec.title})" for e in exposures[:SHOWN])
    more = f" and {len(exposures) - SHOWN} more" if len(exposures) > SHOWN else ""
    summary = f"https://{ctx.target} serves {shown}{more}"
    fix = " ".join(dict.fromkeys(e.spec.fix for e in exposures))
    return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, severity=worst)]


def _evidence(
    baselines: list[Baseline], answers: list[Response | FetchError], exposures: list[Exposure]
) -> dict[str, Any]:
    """What was exposed (redacted samples only), the baseline, and how every path answered."""
    return {
        "exposed": [
            {
                "path": e.spec.path,
                "what": e.spec.title,
                "severity": e.spec.severity,
                "status": e.status,
                "marker": e.marker,
                "sample": e.sample,
                "why": e.spec.why,
            }
            for e in exposures
        ],
        "baseline": [
            {"status": b.status, "bytes": b.length, "content_type": b.content_type} for b in baselines
        ],
        "checked": {
            spec.path: (answer.status if isinstance(answer, Response) else answer.message)
            for spec, answer in zip(SENSITIVE_PATHS, answers, strict=True)
        },
    }
