"""SARIF 2.1.0 for a check run (`launchwizard check` and `smoke --format sarif`), and the parts
every launchwizard SARIF log shares (report/sarif_secrets.py builds the secret scan's).

GitHub code scanning and other SARIF readers deduplicate by rule id and fingerprint, so
both are stable: the rule id is the check id (a public interface, DESIGN §5) and the
partial fingerprint hashes the check, its target and nothing that changes between runs.
Live checks find things on hosts, not in files, so each result's physical location is the
sprint.toml that names the target (a code-scanning alert needs one) and its logical
location is the target itself. Passing and skipped results are left out, as SARIF
readers show every result they get.

Every rule carries what GitHub's ingestion asks of it: a short and a full description,
help as text and markdown, `helpUri` when one of its references has a stable address, a
default level, tags (with `security`, so `security-severity` is read) and
`security-severity`. A run that could not start (a broken sprint.toml) is still a valid
log: no results, `executionSuccessful: false` and the one-line error as a tool
configuration notification, never an empty file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from launchwizard import __version__
from launchwizard.results import Result, Severity, Status
from launchwizard.safe.markdown import md, prose

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
"""GitHub reads > 9.0 as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low."""
FINGERPRINT_KEY = "launchwizardCheck/v1"
INFORMATION_URI = "https://github.com/launchwizard/launchwizard"
REPORTED = (Status.FAIL, Status.WARN, Status.ERROR)
MAX_TAGS = 20

_RFC = re.compile(r"^RFC (\d{3,5})(?: §(\d+(?:\.\d+)*))?")
_CWE = re.compile(r"^CWE-(\d{1,5})\b")


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


def reference_url(reference: str) -> str | None:
    """The stable address of a reference, where it has one: RFCs (to the section) at the
    RFC Editor, CWE entries at MITRE; None for the others (books, vendor pages)."""
    rfc = _RFC.match(reference)
    if rfc:
        number, section = rfc.groups()
        anchor = f"#section-{section}" if section else ""
        return f"https://www.rfc-editor.org/rfc/rfc{number}{anchor}"
    cwe = _CWE.match(reference)
    if cwe:
        return f"https://cwe.mitre.org/data/definitions/{cwe.group(1)}.html"
    return None


def cwe_tags(references: Sequence[str]) -> list[str]:
    """`external/cwe/cwe-798` for each CWE reference: the tag form code scanning filters by."""
    return [f"external/cwe/cwe-{m.group(1)}" for m in map(_CWE.match, references) if m]


def _reference_lines(references: Sequence[str]) -> tuple[list[str], list[str]]:
    """(text lines, markdown lines) listing the references, linked where they have an address."""
    text, markdown = [], []
    for reference in references:
        url = reference_url(reference)
        text.append(f"- {reference}" + (f" ({url})" if url else ""))
        markdown.append(f"- [{md(reference)}]({url})" if url else f"- {md(reference)}")
    return text, markdown


def sarif_rule(
    rule_id: str,
    *,
    title: str,
    description: str,
    fix: str,
    severity: Severity,
    tags: Sequence[str],
    references: Sequence[str] = (),
) -> dict[str, Any]:
    """One reportingDescriptor with everything GitHub code scanning shows for a rule."""
    text_refs, markdown_refs = _reference_lines(references)
    help_text = "\n\n".join(part for part in (description, fix, "\n".join(text_refs)) if part)
    help_markdown = "\n\n".join(
        part
        for part in (
            prose(description),
            f"**How to fix:** {prose(fix)}" if fix else "",
            "**References:**\n" + "\n".join(markdown_refs) if markdown_refs else "",
        )
        if part
    )
    rule: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": SARIF_LEVEL[severity]},
        "properties": {
            "tags": list(dict.fromkeys(["security", *tags, *cwe_tags(references)]))[:MAX_TAGS],
            "security-severity": SECURITY_SEVERITY[severity],
        },
    }
    url = next(filter(None, map(reference_url, references)), None)
    if url:
        rule["helpUri"] = url
    return rule


def sarif_log(rules: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, Any]:
    """A SARIF log with one run of launchwizard."""
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "launchwizard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": True}],
                "results": results,
            }
        ],
    }


def error_sarif(message: str) -> dict[str, Any]:
    """The log of a run that could not start: the reason as a configuration notification."""
    log = sarif_log([], [])
    log["runs"][0]["invocations"] = [
        {
            "executionSuccessful": False,
            "toolConfigurationNotifications": [
                {"level": "error", "message": {"text": message}, "descriptor": {"id": "launchwizard/config"}}
            ],
        }
    ]
    return log


def result_fingerprint(result: Result) -> str:
    """Stable across runs: the same check failing on the same target is the same alert."""
    return hashlib.sha256(f"{result.check}\0{result.target}".encode()).hexdigest()[:32]


def _level(result: Result) -> str:
    if result.status == Status.ERROR:
        return "warning"
    if result.status == Status.WARN:
        return "note" if result.severity in (Severity.LOW, Severity.INFO) else "warning"
    return SARIF_LEVEL[result.severity]


def _check_rule(check: str, spec: CheckDescription | None) -> dict[str, Any]:
    if spec is None:
        return sarif_rule(
            check,
            title=check,
            description=f"launchwizard check {check}.",
            fix="",
            severity=Severity.MEDIUM,
            tags=["launch-readiness"],
        )
    return sarif_rule(
        check,
        title=spec.title,
        description=f"{spec.title}. {spec.why}" if spec.why else f"{spec.title}.",
        fix=(
            "Each result names the host, what was seen and the exact fix; fix it, then run "
            f"`launchwizard check --only {check}` again."
        ),
        severity=spec.severity,
        tags=["launch-readiness", spec.stage],
        references=spec.references,
    )


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
    return sarif_log(
        [_check_rule(check, catalog.get(check)) for check in rule_ids],
        [_result(r, rule_ids, config_uri) for r in reported],
    )
