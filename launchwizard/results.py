"""The result vocabulary: what every check returns and what the JSON contract carries.

It sits at the bottom of the house, beside errors.py: domain packages, renderers, state and
the decision rule all name a status or a severity without knowing what a check is.

Field names here are a public interface (DESIGN §4): other tools read
`launchwizard check --format json`, so renaming a field breaks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How a check came out for one target."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"


class Severity(StrEnum):
    """How much a finding matters for the launch if it is not fixed."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; used for ranking and for `--fail-on`."""
        return SEVERITY_RANK[self]


SEVERITY_RANK = {
    Severity.CRITICAL: 5,
    Severity.HIGH: 4,
    Severity.MEDIUM: 3,
    Severity.LOW: 2,
    Severity.INFO: 1,
}


@dataclass
class Result:
    """One verdict of one check about one target, with everything needed to act on it."""

    check: str
    stage: str
    target: str
    status: Status
    severity: Severity
    title: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: str = ""
    references: list[str] = field(default_factory=list)
    duration_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        """The DESIGN §4 object for this result."""
        return {
            "check": self.check,
            "stage": self.stage,
            "target": self.target,
            "status": str(self.status),
            "severity": str(self.severity),
            "title": self.title,
            "summary": self.summary,
            "evidence": self.evidence,
            "fix": self.fix,
            "references": list(self.references),
            "duration_ms": self.duration_ms,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        """Rebuild a result from its JSON object (saved runs, other tools' output)."""
        return cls(
            check=str(data["check"]),
            stage=str(data["stage"]),
            target=str(data["target"]),
            status=Status(data["status"]),
            severity=Severity(data["severity"]),
            title=str(data.get("title", "")),
            summary=str(data.get("summary", "")),
            evidence=dict(data.get("evidence") or {}),
            fix=str(data.get("fix", "")),
            references=[str(r) for r in data.get("references") or []],
            duration_ms=int(data.get("duration_ms", 0)),
        )
