"""How the wizard shows secret findings, problems and environment variables: tables, not dumps."""

from __future__ import annotations

from typing import Any

from launchwizard.checks.registry import REGISTRY
from launchwizard.results import Result, Severity, Status
from launchwizard.tui.widgets.evidence import finding_text


def spec_of(check: str) -> Any:
    return next(spec for spec in REGISTRY if spec.id == check)


def shown(check: str, evidence: dict[str, Any]) -> str:
    result = Result(check, "audit", "acme-app", Status.FAIL, Severity.CRITICAL, "t", "summary", evidence)
    return finding_text(spec_of(check), "acme-app", result).plain


def finding(rule: str, severity: str, **extra: Any) -> dict[str, Any]:
    return {
        "rule": rule,
        "path": ".env",
        "line": 3,
        "redacted": "sk_l…#85aa631c",
        "severity": severity,
        "commit": None,
        **extra,
    }


def test_findings_are_one_row_each_with_place_commit_and_advice() -> None:
    text = shown(
        "secrets.repo",
        {
            "findings": [
                finding("stripe-secret-key", "critical", commit="9d7c48f5cec8cb94", advice="rotate it"),
                finding("slack-webhook", "high", note="in git history since commit 6d0234e9720e"),
            ],
            "scanned": {"files": 8},
        },
    )
    findings = text.split("Findings (values redacted)\n")[1]
    rows = findings.splitlines()
    assert rows[0].split() == [
        "CRITICAL",
        "stripe-secret-key",
        ".env:3",
        "@9d7c48f5",
        "sk_l…#85aa631c",
        "rotate",
        "it",
    ]
    assert rows[1].startswith("HIGH") and rows[1].endswith("in git history since commit 6d0234e9720e")
    evidence = text.split("\nEvidence\n")[1]
    assert "files: 8" in evidence and "rule:" not in evidence


def test_an_empty_findings_list_is_not_a_section_or_a_line() -> None:
    text = shown("secrets.repo", {"findings": [], "scanned": {"files": 8}})
    assert "Findings" not in text and "findings:" not in text


def test_variables_are_a_table_with_one_column_per_environment_and_problems_come_first() -> None:
    text = shown(
        "config.env",
        {
            "problems": [{"level": "fail", "message": "STRIPE_WEBHOOK_SECRET is missing from production"}],
            "variables": [
                {
                    "name": "STRIPE_WEBHOOK_SECRET",
                    "read_at": "app/server.py:10",
                    "default": False,
                    "documented": False,
                    "environments": {"production": "missing", "staging": "missing"},
                    "public_prefix": None,
                },
                {
                    "name": "NEXT_PUBLIC_SUPABASE_URL",
                    "read_at": "web/src/widget.ts:2",
                    "default": True,
                    "documented": True,
                    "environments": {"production": "set", "staging": "set"},
                    "public_prefix": "NEXT_PUBLIC_",
                },
            ],
        },
    )
    assert text.index("Problems") < text.index("Variables")
    assert "FAIL  STRIPE_WEBHOOK_SECRET is missing from production" in text
    table = text.split("Variables\n")[1].splitlines()
    assert table[0].split() == ["variable", "read", "at", "documented", "production", "staging", "notes"]
    assert table[1].split() == ["STRIPE_WEBHOOK_SECRET", "app/server.py:10", "no", "missing", "missing"]
    assert table[2].endswith("set         set      NEXT_PUBLIC_ (browser), has a default")
    assert "name:" not in text
