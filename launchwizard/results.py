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
    headline: str = ""
    """What is wrong, in one line, for a finding (a heading in the pack and the risk lists);
    empty when the check left it to `problem_headline` of the summary."""

    def to_json(self) -> dict[str, Any]:
        """The DESIGN §4 object for this result (`headline` only when the check wrote one)."""
        data = {
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
        if self.headline:
            data["headline"] = self.headline
        return data

    @property
    def problem(self) -> str:
        """The finding's heading: what is wrong, never the check's pass-title."""
        return finding_headline(str(self.status), self.headline, self.summary, self.title or self.check)

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
            headline=str(data.get("headline") or ""),
        )


HEADLINE_CHARS = 140
"""A headline longer than this is cut at a word with an ellipsis."""
DETAIL_AFTER_COLON = 30
"""A first clause "statement: details" keeps details this short (a reason), drops longer ones (a list)."""


def finding_headline(status: str, headline: str, summary: str, fallback: str) -> str:
    """A finding's heading: the check's headline, else its summary's first clause; a check
    that could not run says so first, since nothing about the product was established."""
    text = headline or problem_headline(summary) or fallback
    if status == Status.ERROR and not text.lower().startswith(("could not", "no answer", "not verified")):
        return f"Not verified: {text}"
    return text


def problem_headline(summary: str) -> str:
    """A summary's first clause as a heading: `accepts deprecated TLSv1.0 and TLSv1.1 (RFC
    8996); offers TLSv1.2` -> `Accepts deprecated TLSv1.0 and TLSv1.1 (RFC 8996)`.

    It cuts at the first "; " outside brackets, and at a ": " that introduces a long list
    after a statement of four words or more (`4 variables ... missing from production: A, B,
    ...`), never inside brackets or a URL. A first word in lower case is capitalised unless
    it is a name (a URL, a host, a path, an identifier).
    """
    lines = summary.strip().splitlines()
    text = _first_clause(lines[0].strip()) if lines else ""
    if len(text) > HEADLINE_CHARS:
        cut = text[: HEADLINE_CHARS - 1].rsplit(" ", 1)[0]
        text = cut.rstrip(",;:(") + "…"
    first = text.split(" ", 1)[0]
    if first[:1].islower() and not any(mark in first for mark in ("://", ".", "/", "_", "=")):
        text = text[0].upper() + text[1:]
    return text


def _first_clause(text: str) -> str:
    clause = text[: _top_level(text, "; ")[0]] if _top_level(text, "; ") else text
    for index in _top_level(clause, ": "):
        before, after = clause[:index], clause[index + 2 :]
        if len(before.split()) >= 4 and len(after) > DETAIL_AFTER_COLON:
            return before
    return clause


def _top_level(text: str, separator: str) -> list[int]:
    """Where `separator` occurs in `text` outside brackets."""
    found, depth = [], 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(separator, index):
            found.append(index)
    return found
