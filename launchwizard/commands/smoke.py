"""`launchwizard smoke --config F [--format text|json|junit|sarif]`: the post-deploy smoke test.

It runs `deploy.smoke` only (homepage, login, chat, health; one retry each) and exits 1
when a route failed twice in a row, so a deploy pipeline can stop and roll back. JUnit
output gives one test case per route; a route rescued by its retry passes with a note in
its system-out. It never imports textual and does not save a run: CI after every deploy
should not fill .launchwizard/runs/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from launchwizard.commands import EXIT_FINDINGS, EXIT_OK
from launchwizard.commands.output import add_output_option, emit
from launchwizard.safe.terminal import safe_text

SMOKE_CHECK = "deploy.smoke"
THROTTLED = 429


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `smoke` subcommand's options (cli.py calls this)."""
    smoke = commands.add_parser(
        "smoke",
        help="post-deploy smoke test of homepage, login, chat and health (CI)",
        description=(
            "Try each critical route of [endpoints] once, and once more if it failed; exit 1 when a route "
            "fails twice in a row."
        ),
    )
    smoke.add_argument("--config", type=Path, default=Path("sprint.toml"), help="sprint.toml path")
    smoke.add_argument(
        "--format", choices=("text", "json", "junit", "sarif"), default="text", help="report format on stdout"
    )
    add_output_option(smoke)


def smoke(args: argparse.Namespace) -> int:
    import asyncio

    from launchwizard.checks.registry import select
    from launchwizard.checks.runner import Runner
    from launchwizard.config import load_sprint

    sprint = load_sprint(args.config)
    report = asyncio.run(Runner(sprint, select(only=[SMOKE_CHECK])).run())
    result = report.results[0]
    routes: list[dict[str, Any]] = result.evidence.get("routes", [])
    text_report = _text(routes, result.summary) + "\n"
    if args.format in ("json", "sarif"):
        from launchwizard.commands.audit import machine_report

        emit(args, machine_report(args.format, report, report.to_json(), sprint), lambda: text_report)
    elif args.format == "junit":
        emit(args, _junit(routes, result.summary, str(result.status)), lambda: text_report)
    else:
        emit(args, text_report)
    if str(result.status) != "pass":
        print(f"launchwizard: smoke test failed: {safe_text(result.summary)}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


VERDICT_MARKS = {"up": "✓ UP   ", "throttled": "✓ UP   ", "flaky": "~ RETRY", "down": "✗ DOWN "}


def _attempt_text(attempt: dict[str, Any]) -> str:
    """`200`, `503`, `timed out`, or `429 throttled, Retry-After 55 s`."""
    if attempt["status"] is None:
        return safe_text(str(attempt["problem"]))
    if attempt["status"] != THROTTLED:
        return str(attempt["status"])
    retry = attempt.get("retry_after_s")
    said = f"Retry-After {retry:g} s" if retry is not None else "no Retry-After"
    return f"{THROTTLED} throttled, {said}"


def _text(routes: list[dict[str, Any]], summary: str) -> str:
    lines = ["launchwizard smoke: the post-deploy smoke test"]
    for route in routes:
        tries = ", ".join(_attempt_text(a) for a in route["attempts"])
        lines.append(
            f"  {VERDICT_MARKS[route['verdict']]} {route['route']:<9} {safe_text(route['url'])}  [{tries}]"
        )
    lines.append(safe_text(summary))
    return "\n".join(lines)


def _junit(routes: list[dict[str, Any]], summary: str, status: str) -> str:
    from launchwizard.report.junit import Case, Suite, render_junit

    suite = Suite("launchwizard.smoke")
    for route in routes:
        seconds = sum((a["ms"] or 0) for a in route["attempts"]) / 1000
        case = Case(route["route"], SMOKE_CHECK, seconds)
        if route["verdict"] == "down":
            case.failure = f"{route['url']} failed twice in a row: {route['problem']}"
        elif route["verdict"] == "flaky":
            case.output = f"failed once ({route['problem']}), then answered on the retry"
        elif route["verdict"] == "throttled":
            case.output = f"up, but rate-limiting this client: {_attempt_text(route['attempts'][-1])}"
        suite.cases.append(case)
    if not routes:
        suite.cases.append(Case("smoke", SMOKE_CHECK, error=summary if status == "error" else None))
    return render_junit([suite])
