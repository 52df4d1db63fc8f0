"""`launchwizard eval [--config F] [--format text|json|junit] [--no-save]`: the customers'
evaluation set after each deploy.

It runs `ai.eval` alone and exits 1 when the pass rate is below `[probes.eval] pass_pct`,
when a prompt that passed in the previous saved run fails now, or when the bot could not
be evaluated; 2 when the evaluation set itself is missing or unusable (the reason on one
line). The run is saved (unless --no-save), so the next deploy's eval compares with this
one. JUnit gives one test case per prompt: a failure for a failed prompt, an error for one
that could not be graded, skipped for one that needs a model. It never imports textual.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from launchwizard.commands import EXIT_FINDINGS, EXIT_OK, UsageError
from launchwizard.safe.terminal import safe_text

EVAL_CHECK = "ai.eval"
VERDICT_MARKS = {
    "pass": "✓ PASS    ",
    "fail": "✗ FAIL    ",
    "error": "? ERROR   ",
    "accepted": "~ ACCEPTED",
    "not-evaluated": "○ NOT EVAL",
}


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `eval` subcommand's options (cli.py calls this)."""
    evaluate = commands.add_parser(
        "eval",
        help="run the customers' evaluation set against the chat endpoint (CI, after each deploy)",
        description=(
            "Send the prompts of [probes.eval] file (a promptfoo test file) to the chat endpoint and grade "
            "the replies; exit 1 below pass_pct or when a prompt that passed in the previous saved run fails."
        ),
    )
    evaluate.add_argument("--config", type=Path, default=Path("sprint.toml"), help="sprint.toml path")
    evaluate.add_argument(
        "--format", choices=("text", "json", "junit"), default="text", help="report format on stdout"
    )
    evaluate.add_argument(
        "--no-save",
        action="store_true",
        help="do not save the run (the next eval then compares with an older one)",
    )


def evaluate(args: argparse.Namespace) -> int:
    import asyncio

    from launchwizard.checks.registry import select
    from launchwizard.checks.runner import Runner
    from launchwizard.config import load_sprint

    sprint = load_sprint(args.config)
    report = asyncio.run(Runner(sprint, select(only=[EVAL_CHECK])).run())
    result = report.results[0]
    evidence = result.evidence
    status = str(result.status)
    if status == "skipped":
        raise UsageError(f"{sprint.path}: {result.summary}")
    if status == "error" and "set_error" in evidence:
        raise UsageError(str(evidence["set_error"]))
    document = report.to_json()
    if not args.no_save:
        from launchwizard.commands.audit import record_run

        document["diff"] = record_run(sprint, document)
    rows: list[dict[str, Any]] = evidence.get("cases", [])
    if args.format == "json":
        from launchwizard.commands.audit import machine_report

        print(machine_report("json", report, document, sprint), end="")
    elif args.format == "junit":
        print(_junit(rows, result.summary, status), end="")
    else:
        print(_text(rows, result.summary, evidence))
    if status not in ("pass", "warn"):
        print(f"launchwizard: evaluation failed: {safe_text(result.summary)}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def _text(rows: list[dict[str, Any]], summary: str, evidence: dict[str, Any]) -> str:
    lines = [f"launchwizard eval: {safe_text(str(evidence.get('file', '')))}"]
    if evidence.get("regressions"):
        lines.append(f"  regressions since the run of {safe_text(str(evidence.get('previous_run')))}:")
    for row in rows:
        mark = "REGRESSED " if row.get("regression") else VERDICT_MARKS.get(row["verdict"], row["verdict"])
        ms = f"{row['ms']} ms" if row.get("ms") is not None else "-"
        line = f"  {mark} {safe_text(row['prompt']):<40} {ms:>8}"
        detail = row.get("failed") or ", ".join(row.get("not_evaluated") or [])
        if detail:
            line += f"  {safe_text(detail)}"
        lines.append(line)
    lines.append(safe_text(summary))
    return "\n".join(lines)


def _junit(rows: list[dict[str, Any]], summary: str, status: str) -> str:
    from launchwizard.report.junit import Case, Suite, render_junit

    suite = Suite("launchwizard.eval")
    for row in rows:
        case = Case(str(row["prompt"]), EVAL_CHECK, (row.get("ms") or 0) / 1000)
        verdict = row["verdict"]
        if verdict == "fail":
            lead = "regression: passed in the previous run, fails now: " if row.get("regression") else ""
            case.failure = f"{lead}{row.get('failed')}"
        elif verdict == "error":
            case.error = str(row.get("failed"))
        elif verdict == "not-evaluated":
            case.skipped = "not evaluated here: " + ", ".join(row.get("not_evaluated") or [])
        elif verdict == "accepted":
            accepted = row.get("accepted") or {}
            case.output = f"failed, accepted: {accepted.get('reason', '')}"
        case.output = case.output or str(row.get("description", ""))
        suite.cases.append(case)
    if not rows:
        suite.cases.append(Case("eval", EVAL_CHECK, error=summary if status == "error" else None))
    return render_junit([suite])
