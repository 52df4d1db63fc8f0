"""One code scan of a repository: read the files, run every rule table, decide request paths.

The four checks (code.timeouts, code.retries, code.pooling, code.errors) and `launchwizard
code` share one scan; each takes its own findings from it. Repository-level findings (a job
framework with no dead-letter path, a web app with no error-reporting hook) come from
`REPO_RULES` once every file's facts are in.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from launchwizard.code.engine import Candidate, FileOutcome, FileScanner, Suppressions
from launchwizard.code.files import SourceFile, SourceReader
from launchwizard.code.model import CodeFinding, Fact, ReadStats, RepoRule, Rule, finding_fingerprint
from launchwizard.code.paths import FileTable, on_request_path, reachable
from launchwizard.code.tables import ALL_RULES, REPO_RULES
from launchwizard.safe.terminal import safe_text

MAX_NOTES = 20


@dataclass
class CodeScan:
    """Everything the scan found and read: findings (worst first), facts, statistics, notes."""

    root: str
    findings: list[CodeFinding] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    stats: ReadStats = field(default_factory=ReadStats)
    notes: list[str] = field(default_factory=list)
    suppressed: int = 0
    baselined: int = 0
    cancelled: bool = False

    def for_check(self, check: str) -> list[CodeFinding]:
        return [f for f in self.findings if f.check == check]

    def has_fact(self, name: str) -> bool:
        return any(fact_matches(f.name, name) for f in self.facts)

    def fact_names(self) -> list[str]:
        return sorted({f.name for f in self.facts})

    @property
    def files_read(self) -> int:
        return self.stats.total_read

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "findings": [f.to_json() for f in self.findings],
            "facts": self.fact_names(),
            "stats": self.stats.to_json(),
            "suppressed": self.suppressed,
            "baselined": self.baselined,
            "notes": list(self.notes),
        }


def fact_matches(fact: str, wanted: str) -> bool:
    """`framework:celery` satisfies both `framework:celery` and `framework`."""
    return fact == wanted or fact.startswith(wanted + ":")


def scan_code(
    root: Path,
    *,
    listed: Iterable[str] | None = None,
    suppressions: Suppressions | None = None,
    guard: Callable[[str], str] = lambda line: line,
    accepted: frozenset[str] = frozenset(),
    cancel: threading.Event | None = None,
    reader: SourceReader | None = None,
) -> CodeScan:
    """Scan the source files under `root` (or the `listed` ones) with the rule tables.

    `accepted` fingerprints (a baseline) are counted, not reported. Bad files (not parsing,
    minified, too large, not UTF-8, symlinks) are skipped and counted, never raised.
    """
    suppressions = suppressions or Suppressions()
    reader = reader or SourceReader(root, allowed=suppressions.path_allowed)
    scan = scan_sources(
        reader.files(listed, cancel),
        root=str(root),
        stats=reader.stats,
        suppressions=suppressions,
        guard=guard,
        accepted=accepted,
    )
    scan.notes[:0] = reader.notes
    scan.cancelled = cancel is not None and cancel.is_set()
    if scan.cancelled:
        scan.notes.append("the scan was cancelled before it read every file")
    return scan


def scan_sources(
    sources: Iterable[SourceFile],
    *,
    root: str = "",
    stats: ReadStats | None = None,
    suppressions: Suppressions | None = None,
    guard: Callable[[str], str] = lambda line: line,
    accepted: frozenset[str] = frozenset(),
    rules: Sequence[Rule] = ALL_RULES,
    repo_rules: Sequence[RepoRule] = REPO_RULES,
) -> CodeScan:
    """The rule tables over source files already read (the tests feed snippets this way)."""
    suppressions = suppressions or Suppressions()
    scanner = FileScanner(rules, suppressions, guard)
    scan = CodeScan(root=root, stats=stats or ReadStats())
    outcomes: list[FileOutcome] = []
    parse_notes: list[str] = []
    for source in sources:
        outcome = scanner.scan(source)
        if outcome.skipped:
            scan.stats.skip(outcome.skipped, source.path)
            parse_notes.append(outcome.note)
            continue
        scan.stats.read(source.language, len(source.text.encode("utf-8", "surrogatepass")))
        outcomes.append(outcome)
    scan.facts = [fact for outcome in outcomes for fact in outcome.facts]
    findings = _findings(outcomes, scan.facts)
    findings.extend(_repo_findings(repo_rules, scan.facts, suppressions))
    kept = [f for f in findings if f.fingerprint not in suppressions.fingerprints]
    scan.suppressed = sum(o.marked for o in outcomes) + len(findings) - len(kept)
    scan.findings = sorted(
        (f for f in kept if f.fingerprint not in accepted),
        key=lambda f: (-f.severity.rank, f.check, f.path, f.line, f.column, f.rule),
    )
    scan.baselined = len(kept) - len(scan.findings)
    scan.notes = parse_notes[:MAX_NOTES]
    if len(parse_notes) > MAX_NOTES:
        scan.notes.append(f"… and {len(parse_notes) - MAX_NOTES} more files that do not parse")
    return scan


def _findings(outcomes: list[FileOutcome], facts: list[Fact]) -> list[CodeFinding]:
    tables = {o.path: o.table for o in outcomes if o.table is not None}
    reached = reachable(tables.values())
    fact_names = {f.name for f in facts}
    findings: list[CodeFinding] = []
    for outcome in outcomes:
        occurrences: Counter[tuple[str, str]] = Counter()
        for candidate in outcome.candidates:
            rule = candidate.rule
            if _has_any(fact_names, rule.unless_facts):
                continue
            if rule.requires_facts and not _has_any(fact_names, rule.requires_facts):
                continue
            request = _request_path(outcome.path, candidate, tables.get(outcome.path), reached)
            if rule.scope == "request" and not request:
                continue
            occurrences[(rule.id, candidate.code)] += 1
            findings.append(_finding(outcome, candidate, request, occurrences[(rule.id, candidate.code)]))
    return findings


def _has_any(facts: set[str], wanted: Sequence[str]) -> bool:
    return any(fact_matches(name, want) for want in wanted for name in facts)


def _request_path(path: str, candidate: Candidate, table: FileTable | None, reached: set[Any]) -> bool | None:
    if candidate.chain is None:
        return None
    if table is None:
        return False
    return on_request_path(path, candidate.chain, table, reached)


def _finding(
    outcome: FileOutcome, candidate: Candidate, request: bool | None, occurrence: int
) -> CodeFinding:
    rule = candidate.rule
    return CodeFinding(
        rule=rule.id,
        check=rule.check,
        severity=rule.severity,
        path=safe_text(outcome.path),
        line=candidate.line,
        column=candidate.column,
        code=candidate.code,
        message=rule.message,
        fix=rule.fix,
        reference=rule.reference,
        fingerprint=finding_fingerprint(rule.id, outcome.path, candidate.code, occurrence),
        request_path=request,
        language=outcome.language,
    )


def _repo_findings(
    repo_rules: Sequence[RepoRule], facts: list[Fact], suppressions: Suppressions
) -> list[CodeFinding]:
    """A framework or app in use without what must go with it, located where it is used."""
    findings = []
    for rule in repo_rules:
        if rule.id in suppressions.rules:
            continue
        present = [f for f in facts if fact_matches(f.name, rule.when)]
        if not present or any(fact_matches(f.name, m) for f in facts for m in rule.unless):
            continue
        where = min(present, key=lambda f: (f.path, f.line))
        findings.append(
            CodeFinding(
                rule=rule.id,
                check=rule.check,
                severity=rule.severity,
                path=safe_text(where.path),
                line=where.line,
                column=1,
                code=where.code,
                message=rule.message,
                fix=rule.fix,
                reference=rule.reference,
                fingerprint=finding_fingerprint(rule.id, "", rule.when, 1),
                advisory=True,
            )
        )
    return findings
