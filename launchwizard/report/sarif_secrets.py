"""SARIF 2.1.0 for `launchwizard secrets`: one rule per credential kind found, one result per
finding, with the stable partial fingerprint baselines and code scanning track it by.

Findings hold only redacted values (see secrets/model.py), so the log cannot carry a
secret. Rules say what the kind of finding means and how to get rid of it, by exposure:
a live credential must be rotated (deleting it is not enough once it was pushed), a
publishable key is only listed, personal data must leave the repository.
"""

from __future__ import annotations

from typing import Any

from launchwizard.report.sarif import SARIF_LEVEL, sarif_log, sarif_rule
from launchwizard.secrets.model import Finding
from launchwizard.secrets.policy import SARIF_FINGERPRINT
from launchwizard.secrets.report import ScanReport, history_advice

ACCEPT = (
    "If it is not a secret (a test fixture, a documented example), accept it where it is: "
    "`launchwizard:allow` in a comment on the line, its fingerprint in `allow_fingerprints` of "
    "`.launchwizard-secrets.toml`, or a baseline report."
)
DESCRIPTIONS = {
    "secret": (
        "A {provider} credential ({title}) in the code or its git history: anyone who can read the "
        "repository, or any clone of it, can use it until it is rotated.",
        "Rotate it at {provider} first (once pushed, deleting it is not enough: every clone keeps "
        "the history), then remove it from the code and load it from an environment variable or a "
        "secret manager.",
        ("CWE-798 (hard-coded credentials)", "OWASP Secrets Management Cheat Sheet"),
    ),
    "publishable": (
        "A publishable {provider} key ({title}): it is meant to be seen by browsers and is not a "
        "secret, so it never fails the build; it is listed so every key in the code is a known one.",
        "Nothing to rotate. Check that the key is the publishable one and that the matching secret "
        "key is not in the code.",
        (),
    ),
    "identifier": (
        "A {provider} identifier ({title}): it names a credential without granting access, and its "
        "secret half is often nearby.",
        "Check the lines around it for the secret that goes with it; the identifier itself may stay.",
        ("CWE-798 (hard-coded credentials)",),
    ),
    "pii": (
        "Personal data ({title}) in the code, a log or its history: a privacy breach for the person "
        "it belongs to, and a copy in every clone.",
        "Remove it and replace it with made-up data; if it was pushed, rewrite the history or treat it "
        "as disclosed.",
        ("CWE-359 (exposure of private personal information)", "GDPR Art. 5(1)(c) (data minimisation)"),
    ),
}


def _rule(finding: Finding) -> dict[str, Any]:
    description, fix, references = DESCRIPTIONS[finding.exposure]
    words = {"provider": finding.provider, "title": finding.title}
    if finding.note:
        fix += f" Note: {finding.note}."
    return sarif_rule(
        finding.rule,
        title=finding.title,
        description=description.format(**words),
        fix=f"{fix.format(**words)} {ACCEPT}",
        severity=finding.severity,
        tags=["secrets", finding.exposure],
        references=references,
    )


def _result(finding: Finding, rule_ids: list[str]) -> dict[str, Any]:
    message = f"{finding.title} ({finding.provider}): {finding.redacted}"
    advice = history_advice(finding)
    if finding.commit:
        message += f"; introduced in commit {finding.commit[:12]}"
    if advice:
        message += f"; {advice}"
    properties: dict[str, Any] = {"severity": str(finding.severity), "source": finding.source}
    if finding.commit:
        properties.update(commit=finding.commit, date=finding.date, in_head=finding.in_head)
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_ids.index(finding.rule),
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }
        ],
        "partialFingerprints": {SARIF_FINGERPRINT: finding.fingerprint},
        "properties": properties,
    }


def render_sarif(report: ScanReport) -> dict[str, Any]:
    """The scan as a SARIF log, worst findings first."""
    ordered = report.ordered()
    rules: dict[str, dict[str, Any]] = {}
    for finding in ordered:
        rules.setdefault(finding.rule, _rule(finding))
    rule_ids = list(rules)
    return sarif_log(list(rules.values()), [_result(finding, rule_ids) for finding in ordered])
