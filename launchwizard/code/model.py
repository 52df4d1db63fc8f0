"""The vocabulary of the code scan: languages, rules and their examples, findings, facts."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from launchwizard.results import Severity
from launchwizard.safe.terminal import safe_text

Language = Literal["python", "javascript", "typescript", "tsx"]
JS_FAMILY: tuple[Language, ...] = ("javascript", "typescript", "tsx")
PYTHON: tuple[Language, ...] = ("python",)
Scope = Literal["any", "request"]
"""Where a rule's match counts: anywhere in application code, or only on a request path (in
a request handler, or a function a handler calls)."""

CHECK_IDS = ("code.timeouts", "code.retries", "code.pooling", "code.errors")
FINGERPRINT_CHARS = 16


@dataclass(frozen=True)
class Example:
    """A snippet a rule must report `hits` times (0: a false positive that must stay silent).

    `languages` narrows the rule's languages for syntax only some of them parse (TypeScript
    annotations); `path` is the file name the snippet is scanned as (a Next.js route file).
    """

    code: str
    hits: int = 1
    languages: tuple[Language, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class Rule:
    """One structural rule: an ast-grep rule config plus what to tell the team.

    `pattern` is an ast-grep config (`rule`, and optionally `constraints` and `utils`),
    the same object ast-grep's own YAML rules hold. `keywords`: the rule runs only on
    files whose text holds one of them (a cheap prefilter, never a verdict). `requires`:
    ast-grep configs of which one must match somewhere in the file (an import of the
    library); `unless`: configs any match of which in the file silences the rule (the
    timeout set another way). `unless_facts`: repository facts that silence it (a default
    set once for the whole code base); `requires_facts`: facts one of which the repository
    must have (the job framework the decorator belongs to). `not_in_paths`: a regex of file
    paths the rule does not apply to (browser code for a server-side rule). `fact`: a rule
    that records a fact (a framework in use, an error-reporting hook) instead of a finding.
    """

    id: str
    check: str
    languages: tuple[Language, ...]
    pattern: Mapping[str, Any]
    message: str
    fix: str
    severity: Severity
    keywords: tuple[str, ...]
    examples: tuple[Example, ...] = ()
    reference: str = ""
    requires: tuple[Mapping[str, Any], ...] = ()
    unless: tuple[Mapping[str, Any], ...] = ()
    unless_facts: tuple[str, ...] = ()
    requires_facts: tuple[str, ...] = ()
    not_in_paths: str = ""
    scope: Scope = "any"
    fact: str = ""


def fact_rule(
    check: str,
    rule_id: str,
    fact: str,
    languages: tuple[Language, ...],
    pattern: Mapping[str, Any],
    keywords: tuple[str, ...],
    examples: tuple[Example, ...],
) -> Rule:
    """A rule that records a fact about the repository (no finding, no fix of its own)."""
    return Rule(
        id=rule_id,
        check=check,
        languages=languages,
        pattern=pattern,
        message=fact,
        fix="",
        severity=Severity.INFO,
        keywords=keywords,
        fact=fact,
        examples=examples,
    )


@dataclass(frozen=True)
class RepoRule:
    """A finding about the repository as a whole: something in use (`when`, a fact) without
    what must go with it (`unless`, facts). It is reported where the first `when` fact was
    seen."""

    id: str
    check: str
    when: str
    unless: tuple[str, ...]
    message: str
    fix: str
    severity: Severity
    reference: str = ""


@dataclass(frozen=True)
class Fact:
    """Something true of the repository (a job framework, an error hook) and where it was seen."""

    name: str
    path: str
    line: int
    code: str = ""


@dataclass(frozen=True)
class CodeFinding:
    """One call site a rule reported. `code` is the site's first line, sanitised and with
    any secret on it redacted; `request_path` says whether it runs per request (None when
    the rule does not ask)."""

    rule: str
    check: str
    severity: Severity
    path: str
    line: int
    column: int
    code: str
    message: str
    fix: str
    reference: str
    fingerprint: str
    request_path: bool | None = None
    language: str = ""
    advisory: bool = False
    """A repository-level gap (no failure handler, no error tracker): a warning, never a fail."""

    def to_json(self) -> dict[str, Any]:
        """The finding object of `launchwizard code --format json` and of check evidence."""
        row: dict[str, Any] = {
            "check": self.check,
            "rule": self.rule,
            "severity": str(self.severity),
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
            "reference": self.reference,
            "fingerprint": self.fingerprint,
        }
        if self.request_path is not None:
            row["request_path"] = self.request_path
        if self.advisory:
            row["advisory"] = True
        return row


def finding_fingerprint(rule: str, path: str, code: str, occurrence: int) -> str:
    """Rule, path and the code of the site (its n-th occurrence in the file), never the line
    number: moving code above a finding does not change it, so baselines do not churn."""
    material = "\0".join((rule, path, " ".join(code.split()), str(occurrence))).encode("utf-8", "replace")
    return hashlib.sha256(b"launchwizard-code\0" + material).hexdigest()[:FINGERPRINT_CHARS]


@dataclass
class ReadStats:
    """What the scan read and what it left, so a clean result is never mistaken for a full one."""

    files_read: dict[str, int] = field(default_factory=dict)
    bytes_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_examples: dict[str, list[str]] = field(default_factory=dict)
    dirs_pruned: int = 0

    def read(self, language: str, size: int) -> None:
        self.files_read[language] = self.files_read.get(language, 0) + 1
        self.bytes_read += size

    def skip(self, reason: str, path: str, *, keep: int = 5) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        examples = self.skipped_examples.setdefault(reason, [])
        if len(examples) < keep:
            examples.append(safe_text(path))

    @property
    def total_read(self) -> int:
        return sum(self.files_read.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "files_read": self.total_read,
            "languages": dict(sorted(self.files_read.items())),
            "bytes_read": self.bytes_read,
            "files_skipped": sum(self.skipped.values()),
            "skipped": dict(sorted(self.skipped.items())),
            "skipped_examples": {k: list(v) for k, v in sorted(self.skipped_examples.items())},
            "directories_pruned": self.dirs_pruned,
        }
