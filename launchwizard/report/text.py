"""The text report: readable in a terminal and in a CI log, status in words and symbols."""

from __future__ import annotations

import os
import textwrap
from typing import Any, Protocol, TextIO

from launchwizard.decision import Decision
from launchwizard.results import Result, Status
from launchwizard.safe.terminal import safe_text
from launchwizard.sprint import STAGES

SYMBOLS = {
    Status.PASS: "✓ PASS ",
    Status.WARN: "! WARN ",
    Status.FAIL: "✗ FAIL ",
    Status.ERROR: "? ERROR",
    Status.SKIPPED: "- SKIP ",
}
COLOURS = {Status.PASS: "32", Status.WARN: "33", Status.FAIL: "31", Status.ERROR: "35", Status.SKIPPED: "2"}
VERDICTS = {"ship-now": "SHIP NOW", "fix-first": "FIX FIRST", "delay-24h": "DELAY 24 HOURS"}
TOP_RISKS = 10


def use_colour(stream: TextIO) -> bool:
    """Colour only for a terminal, and never when NO_COLOR is set."""
    return stream.isatty() and "NO_COLOR" not in os.environ


class FinishedRun(Protocol):
    """What the text report reads of a run; the runner's RunReport is one."""

    results: list[Result]
    risks: list[Result]
    decision: Decision
    duration_ms: int


class TextReport:
    """Render a finished run as grouped lines, with fixes under everything that needs action."""

    def __init__(self, colour: bool = False, width: int = 100) -> None:
        self.colour = colour
        self.width = max(60, width)

    def render(self, report: FinishedRun, title: str, diff: dict[str, Any] | None = None) -> str:
        lines = [safe_text(title), ""]
        for stage in STAGES:
            stage_results = [r for r in report.results if r.stage == stage.id]
            if stage_results:
                lines.append(f"{stage.title.upper()} ({stage.id})")
                lines.extend(self._result_lines(stage_results))
                lines.append("")
        lines.extend(self._risk_lines(report.risks))
        lines.extend(self._diff_lines(diff))
        lines.extend(self._decision_lines(report))
        return "\n".join(lines) + "\n"

    def _status(self, status: Status) -> str:
        word = SYMBOLS[status]
        return f"\x1b[{COLOURS[status]}m{word}\x1b[0m" if self.colour else word

    def _result_lines(self, results: list[Result]) -> list[str]:
        lines = []
        id_width = max(len(r.check) for r in results)
        target_width = max(len(r.target) for r in results)
        indent = " " * 10
        for r in results:
            head = (
                f"  {self._status(r.status)} {r.check:<{id_width}}  {safe_text(r.target):<{target_width}}  "
            )
            severity = f" [{r.severity}]" if r.status in (Status.FAIL, Status.WARN, Status.ERROR) else ""
            lines.append(head + safe_text(r.summary) + severity)
            if r.fix and r.status in (Status.FAIL, Status.WARN):
                lines.extend(
                    textwrap.wrap(
                        "fix: " + safe_text(r.fix),
                        self.width,
                        initial_indent=indent,
                        subsequent_indent=indent + "     ",
                    )
                )
        return lines

    def _risk_lines(self, risks: list[Result]) -> list[str]:
        if not risks:
            return ["TOP RISKS", "  none: nothing failed, warned or errored", ""]
        lines = ["TOP RISKS"]
        for n, r in enumerate(risks[:TOP_RISKS], 1):
            lines.append(f"  {n:>2}. {r.status.upper()} {r.severity}: {r.check} on {safe_text(r.target)}")
        if len(risks) > TOP_RISKS:
            lines.append(f"      … and {len(risks) - TOP_RISKS} more")
        return [*lines, ""]

    def _diff_lines(self, diff: dict[str, Any] | None) -> list[str]:
        """What changed since the previous saved run, when there was one."""
        if not diff or not diff.get("previous"):
            return []
        lines = [f"SINCE THE PREVIOUS RUN ({safe_text(str(diff['previous']))})"]
        for label, key in (("fixed", "fixed"), ("new", "new"), ("still failing", "still_failing")):
            entries = diff.get(key) or []
            names = ", ".join(f"{e['check']} on {safe_text(str(e['target']))}" for e in entries[:6])
            more = f" and {len(entries) - 6} more" if len(entries) > 6 else ""
            lines.append(f"  {label}: {len(entries)}" + (f" ({names}{more})" if names else ""))
        return [*lines, ""]

    def _decision_lines(self, report: FinishedRun) -> list[str]:
        verdict = VERDICTS.get(report.decision.verdict, report.decision.verdict)
        lines = [f"LAUNCH DECISION: {verdict}"]
        for reason in report.decision.reasons:
            lines.extend(
                textwrap.wrap(safe_text(reason), self.width, initial_indent="  - ", subsequent_indent="    ")
            )
        counts = {s: sum(1 for r in report.results if r.status is s) for s in Status}
        tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        lines.append(f"\n{len(report.results)} results ({tally}) in {report.duration_ms / 1000:.1f} s")
        return lines
