"""`launchwizard code` reports: text for people, JSON for scripts, SARIF for code scanning.

Every format is built from findings whose code line is already sanitised and redacted.
Check titles come from the caller (the registry), as for the other renderers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from launchwizard.code.model import CodeFinding
from launchwizard.code.scan import CodeScan
from launchwizard.code.verdict import Verdict
from launchwizard.report.sarif import SARIF_LEVEL, sarif_log, sarif_rule

SCHEMA = "launchwizard.code/1"
SARIF_FINGERPRINT = "launchwizard/v1"
STATUS_LABEL = {"pass": "✓ PASS", "warn": "! WARN", "fail": "✗ FAIL", "error": "? ERROR", "skipped": "- SKIP"}


def render_text(scan: CodeScan, verdicts: list[Verdict], titles: Mapping[str, str]) -> str:
    """Each check's verdict with its sites (place, code line, fix), then what was read."""
    lines: list[str] = []
    for verdict in verdicts:
        label = STATUS_LABEL[str(verdict.status)]
        lines.append(f"{label}  {verdict.check:<14} {titles.get(verdict.check, '')}")
        lines.append(f"          {verdict.summary}")
        for finding in verdict.findings:
            lines.extend(_site_lines(finding))
        lines.append("")
    lines.append(_read_line(scan))
    lines.extend(f"note: {note}" for note in scan.notes)
    return "\n".join(lines) + "\n"


def _site_lines(finding: CodeFinding) -> list[str]:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    path_note = (
        ""
        if finding.request_path is None
        else ("  (on a request path)" if finding.request_path else "  (not on a request path)")
    )
    return [
        f"  {str(finding.severity).upper():<8} {where}  {finding.rule}{path_note}",
        f"           {finding.code}",
        f"           fix: {finding.fix}",
    ]


def _read_line(scan: CodeScan) -> str:
    stats = scan.stats
    languages = ", ".join(f"{language} {count}" for language, count in sorted(stats.files_read.items()))
    line = f"read {stats.total_read} files in {scan.root}" + (f" ({languages})" if languages else "")
    if stats.skipped:
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.skipped.items()))
        line += f"; skipped {sum(stats.skipped.values())} ({skipped})"
    if scan.suppressed:
        line += f"; {scan.suppressed} allowed by policy or marker"
    if scan.baselined:
        line += f"; {scan.baselined} accepted by the baseline"
    return line


def render_json(scan: CodeScan, verdicts: list[Verdict]) -> dict[str, Any]:
    """`{"schema": "launchwizard.code/1", "checks": [...], "findings": [...], ...}`."""
    return {
        "schema": SCHEMA,
        "root": scan.root,
        "checks": [
            {
                "check": v.check,
                "status": str(v.status),
                "severity": str(v.severity) if v.severity else None,
                "summary": v.summary,
                "fix": v.fix,
            }
            for v in verdicts
        ],
        "findings": [finding.to_json() for finding in scan.findings],
        "facts": scan.fact_names(),
        "stats": scan.stats.to_json(),
        "suppressed": scan.suppressed,
        "baselined": scan.baselined,
        "notes": list(scan.notes),
    }


def render_sarif(scan: CodeScan) -> dict[str, Any]:
    """SARIF 2.1.0: one rule per rule id, one result per site, stable partial fingerprints."""
    rules: dict[str, dict[str, Any]] = {}
    for finding in scan.findings:
        rules.setdefault(finding.rule, _sarif_rule(finding))
    ids = list(rules)
    return sarif_log(list(rules.values()), [_sarif_result(finding, ids) for finding in scan.findings])


def _sarif_rule(finding: CodeFinding) -> dict[str, Any]:
    """The rule as code scanning shows it, built like every other launchwizard rule."""
    return sarif_rule(
        finding.rule,
        title=finding.message,
        description=f"{finding.message} (found by {finding.check}).",
        fix=finding.fix,
        severity=finding.severity,
        tags=["reliability", finding.check],
        references=(finding.reference,) if finding.reference else (),
    )


def _sarif_result(finding: CodeFinding, rule_ids: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {"check": finding.check, "severity": str(finding.severity)}
    if finding.request_path is not None:
        properties["request_path"] = finding.request_path
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_ids.index(finding.rule),
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path},
                    "region": {
                        "startLine": finding.line,
                        "startColumn": finding.column,
                        "snippet": {"text": finding.code},
                    },
                }
            }
        ],
        "partialFingerprints": {SARIF_FINGERPRINT: finding.fingerprint},
        "properties": properties,
    }
