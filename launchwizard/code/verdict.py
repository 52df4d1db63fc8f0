"""Each code check's verdict from one scan: status, severity, a summary, the fix, the evidence.

A finding blocks (fail) when it is medium or worse and not known to be off the request
path; a swallowed error in a one-off script is still listed, as a warning. code.retries is
skipped when no job framework is in use: there is nothing to retry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from launchwizard.code.model import CodeFinding
from launchwizard.code.scan import CodeScan
from launchwizard.results import Severity, Status

MAX_SITES = 200
MAX_FIXES = 5
FRAMEWORKS = "Celery, RQ, Dramatiq, BullMQ"
NOUNS = {
    "code.timeouts": ("outbound call without a timeout", "outbound calls without a timeout"),
    "code.retries": ("background job problem", "background job problems"),
    "code.pooling": ("database client created per request", "database clients created per request"),
    "code.errors": ("error-handling problem", "error-handling problems"),
}
ALLOW_HINT = (
    "A reviewed false positive: add `launchwizard:allow` in a comment on its line, or its fingerprint to "
    "allow_fingerprints (its rule id to allow_rules) in .launchwizard-secrets.toml."
)


@dataclass
class Verdict:
    """What one code check concludes from the scan."""

    check: str
    status: Status
    summary: str
    severity: Severity | None = None
    fix: str = ""
    findings: list[CodeFinding] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def judge(scan: CodeScan, check: str) -> Verdict:
    """The verdict of `check` (one of the four code checks) on `scan`."""
    evidence = _evidence(scan, check)
    languages = _languages(scan)
    if scan.cancelled:
        return Verdict(check, Status.ERROR, "the code scan was stopped before it finished", evidence=evidence)
    if scan.files_read == 0:
        skipped = sum(scan.stats.skipped.values())
        extra = f" ({skipped} skipped: {_skip_summary(scan)})" if skipped else ""
        summary = f"no Python, JavaScript or TypeScript source files to read{extra}"
        return Verdict(check, Status.SKIPPED, summary, evidence=evidence)
    if check == "code.retries" and not scan.has_fact("framework"):
        return Verdict(
            check,
            Status.SKIPPED,
            f"no background job framework found ({FRAMEWORKS}) in {languages}",
            evidence=evidence,
        )
    findings = scan.for_check(check)
    if not findings:
        singular = NOUNS[check][0]
        return Verdict(check, Status.PASS, f"no {singular} in {languages}", Severity.INFO, evidence=evidence)
    blocking = [
        f
        for f in findings
        if f.severity.rank >= Severity.MEDIUM.rank and f.request_path is not False and not f.advisory
    ]
    status = Status.FAIL if blocking else Status.WARN
    worst = max(blocking or findings, key=lambda f: f.severity.rank).severity
    return Verdict(check, status, _summary(check, findings), worst, _fix(findings), findings, evidence)


def _summary(check: str, findings: list[CodeFinding]) -> str:
    singular, plural = NOUNS[check]
    files = len({f.path for f in findings})
    rules = Counter(f.rule for f in findings)
    top = ", ".join(f"{rule} ×{count}" for rule, count in rules.most_common(3))
    noun = singular if len(findings) == 1 else plural
    off_path = sum(1 for f in findings if f.request_path is False)
    tail = f"; {off_path} off the request path" if off_path else ""
    return f"{len(findings)} {noun} in {files} file(s): {top}{tail}"


def _fix(findings: list[CodeFinding]) -> str:
    """One line per distinct fix, worst first, then how to accept a reviewed site."""
    fixes: dict[str, str] = {}
    for finding in findings:
        fixes.setdefault(finding.rule, finding.fix)
    lines = [f"{rule}: {fix}" for rule, fix in list(fixes.items())[:MAX_FIXES]]
    if len(fixes) > MAX_FIXES:
        lines.append(f"… and {len(fixes) - MAX_FIXES} more rules (each site lists its fix)")
    return " ".join([*lines, ALLOW_HINT])


def _languages(scan: CodeScan) -> str:
    parts = ", ".join(f"{count} {language}" for language, count in sorted(scan.stats.files_read.items()))
    return f"{scan.files_read} files ({parts})" if parts else "0 files"


def _skip_summary(scan: CodeScan) -> str:
    return ", ".join(f"{count} {reason}" for reason, count in sorted(scan.stats.skipped.items()))


def _evidence(scan: CodeScan, check: str) -> dict[str, Any]:
    """What was read and skipped, the sites (capped), the facts the verdict used, and notes."""
    sites = [finding.to_json() for finding in scan.for_check(check)]
    evidence: dict[str, Any] = {
        "repository": scan.root,
        "read": scan.stats.to_json(),
        "sites": sites[:MAX_SITES],
    }
    if len(sites) > MAX_SITES:
        evidence["sites_not_shown"] = len(sites) - MAX_SITES
    if check in ("code.retries", "code.errors"):
        evidence["facts"] = scan.fact_names()
    if scan.suppressed:
        evidence["allowed_by_policy_or_marker"] = scan.suppressed
    if scan.baselined:
        evidence["accepted_in_baseline"] = scan.baselined
    if scan.notes:
        evidence["notes"] = list(scan.notes)
    return evidence
