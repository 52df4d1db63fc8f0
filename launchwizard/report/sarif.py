"""SARIF 2.1.0 for a check run (`launchwizard check` and `smoke --format sarif`).

GitHub code scanning and other SARIF readers deduplicate by rule id and fingerprint, so
both are stable: the rule id is the check id (a public interface, DESIGN §5) and the
partial fingerprint hashes the check, its target and nothing that changes between runs.
Live checks find things on hosts, not in files, so each result's physical location is the
sprint.toml that names the target (a code-scanning alert needs one) and its logical
location is the target itself. Passing and skipped results are left out, as SARIF
readers show every result they get.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from launchwizard import __version__
from launchwizard.results import Result, Severity, Status
from launchwizard.secrets.report import SARIF_LEVEL, SARIF_SCHEMA, SECURITY_SEVERITY

FINGERPRINT_KEY = "launchwizardCheck/v1"
INFORMATION_URI = "https://github.com/launchwizard/launchwizard"
REPORTED = (Status.FAIL, Status.WARN, Status.ERROR)


class CheckDescription(Protocol):
    """What a SARIF rule says about a check; the registry's CheckSpec is one."""

    @property
    def stage(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def why(self) -> str: ...
    @property
    def references(self) -> Sequence[str]: ...


def result_fingerprint(result: Result) -> str:
    """Stable across runs: the same check failing on the same target is the same alert."""
    return hashlib.sha256(f"{result.check}\0{result.target}".encode()).hexdigest()[:32]


def _level(result: Result) -> str:
    if result.status == Status.ERROR:
        return "warning"
    if result.status == Status.WARN:
        return "note" if result.severity in (Severity.LOW, Severity.INFO) else "warning"
    return SARIF_LEVEL[result.severity]


def _rule(check: str, spec: CheckDescription | None) -> dict[str, Any]:
    title = spec.title if spec else check
    rule: dict[str, Any] = {
        "id": check,
        "name": check,
        "shortDescription": {"text": title},
        "fullDescription": {"text": spec.why if spec and spec.why else title},
        "properties": {"tags": ["security", "launch-readiness", spec.stage if spec else "other"]},
    }
    if spec is not None:
        rule["defaultConfiguration"] = {"level": SARIF_LEVEL[spec.severity]}
        rule["properties"]["security-severity"] = SECURITY_SEVERITY[spec.severity]
        if spec.references:
            rule["help"] = {"text": "References: " + "; ".join(spec.references)}
    return rule


def _result(result: Result, rule_ids: list[str], config_uri: str) -> dict[str, Any]:
    message = result.summary or result.title
    if result.fix:
        message += f" Fix: {result.fix}"
    return {
        "ruleId": result.check,
        "ruleIndex": rule_ids.index(result.check),
        "level": _level(result),
        "message": {"text": f"{result.target}: {message}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": config_uri}, "region": {"startLine": 1}},
                "logicalLocations": [{"name": result.target, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: result_fingerprint(result)},
        "properties": {
            "status": str(result.status),
            "severity": str(result.severity),
            "stage": result.stage,
            "target": result.target,
        },
    }


def run_sarif(
    results: list[Result], catalog: Mapping[str, CheckDescription], config_uri: str = "sprint.toml"
) -> dict[str, Any]:
    """The SARIF log of one run's findings (fail, warn, error); `catalog` describes each check
    by id (the caller hands over the registry, so this renderer never imports it)."""
    reported = [r for r in results if r.status in REPORTED]
    rule_ids = list(dict.fromkeys(r.check for r in reported))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "launchwizard",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(check, catalog.get(check)) for check in rule_ids],
                    }
                },
                "results": [_result(r, rule_ids, config_uri) for r in reported],
            }
        ],
    }
