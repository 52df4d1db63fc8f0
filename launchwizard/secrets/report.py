"""`launchwizard secrets` reports: text for people, JSON for scripts (SARIF for code scanning
is built from the same findings by report/sarif_secrets.py).

Every format is built from findings, which hold only redacted values, so no format can
print a secret. JSON findings carry the fields promised to CI users first: rule, provider,
path, line, column, commit (null for the work tree), redacted, fingerprint.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from launchwizard.results import SEVERITY_RANK, Severity
from launchwizard.safe.terminal import safe_text
from launchwizard.secrets.model import Finding

SCHEMA = "launchwizard.secrets/1"
ROTATE_HISTORY = "deleted since, but still in git history: rotate it (deleting is not enough)"
ROTATE_HEAD = "still in the code and in git history: remove it, then rotate it"
ROTATE_UNKNOWN = "in git history: rotate it (deleting is not enough)"
UNSTAGE = "staged for the next commit: unstage it (git restore --staged PATH) and keep it out of the code"


@dataclass
class ScanReport:
    """One scan's outcome: new findings, how many the baseline accepted, what was read."""

    root: str
    findings: list[Finding]
    baselined: int = 0
    history: bool = False
    stats: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    scope: str = ""
    """What was read, when not the work tree (and history): "staged changes", "commits A..B"."""

    def ordered(self) -> list[Finding]:
        """Worst first, then by place, so the top of any report is what to fix first."""
        return sorted(
            self.findings,
            key=lambda f: (-SEVERITY_RANK[f.severity], f.path, f.line, f.column, f.commit or ""),
        )


def history_advice(finding: Finding) -> str:
    """What a staged or history finding implies: a staged key must not be committed; a
    deleted key is still leaked and must be rotated."""
    if finding.source == "staged":
        return UNSTAGE
    if finding.source != "history":
        return ""
    if finding.in_head is None:
        return ROTATE_UNKNOWN
    return ROTATE_HEAD if finding.in_head else ROTATE_HISTORY


def where(finding: Finding) -> str:
    """path:line:column, with the commit and date for a history finding."""
    place = f"{finding.path}:{finding.line}:{finding.column}"
    if finding.commit:
        date = f" {finding.date[:10]}" if finding.date else ""
        place += f" (commit {finding.commit[:12]}{date})"
    return place


def render_text(report: ScanReport) -> str:
    """One block per finding, worst first, then a one-line total. File names, notes and the
    root come from the repository, so each goes through the sanitiser: a name holding an
    escape sequence or a newline cannot colour the terminal or forge a line."""
    lines = []
    for finding in report.ordered():
        place = safe_text(where(finding))
        lines.append(f"{str(finding.severity).upper():<8}  {finding.rule:<26}  {place}  {finding.redacted}")
        detail = "; ".join(part for part in (finding.title, finding.note, history_advice(finding)) if part)
        lines.append(f"{'':<10}{safe_text(detail)}")
    lines.append(safe_text(_total_line(report)))
    lines.extend(f"note: {safe_text(note)}" for note in report.notes)
    return "\n".join(lines) + "\n"


def _total_line(report: ScanReport) -> str:
    counts = Counter(str(f.severity) for f in report.findings)
    scope = report.scope or ("work tree and full history" if report.history else "work tree")
    files = report.stats.get("files", 0)
    if not report.findings:
        total = f"no secrets found in {report.root} ({scope}, {files} files)"
    else:
        parts = ", ".join(f"{counts[str(s)]} {s}" for s in Severity if counts[str(s)])
        total = f"{len(report.findings)} finding(s) in {report.root} ({scope}, {files} files): {parts}"
    if report.baselined:
        total += f"; {report.baselined} more accepted by the baseline"
    return total


def render_json(report: ScanReport) -> dict[str, Any]:
    """The JSON report; `findings` objects start with the documented contract fields."""
    return {
        "schema": SCHEMA,
        "root": report.root,
        "history": report.history,
        "scope": report.scope or ("work tree and full history" if report.history else "work tree"),
        "findings": [finding.to_json() for finding in report.ordered()],
        "baselined": report.baselined,
        "stats": dict(report.stats),
        "notes": list(report.notes),
    }
