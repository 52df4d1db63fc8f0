"""SARIF validation for the tests: the OASIS 2.1.0 schema, GitHub code scanning's documented
ingestion rules, and Microsoft's SARIF Multitool (`validate`, with its GitHub rules)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
from tools import cached_npm_package

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
MULTITOOL = "@microsoft/sarif-multitool-linux@5.7.0"
LEVELS = {"none", "note", "warning", "error"}
MAX_RUNS, MAX_RESULTS, MAX_RULES, MAX_TAGS, MAX_LOCATIONS = 20, 25_000, 25_000, 20, 10
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def validate_schema(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(log)


def _rule_problems(rule: dict[str, Any], where: str) -> list[str]:
    problems = []
    for key in ("shortDescription", "fullDescription"):
        if not (rule.get(key) or {}).get("text"):
            problems.append(f"{where}: no {key}.text")
    help_ = rule.get("help") or {}
    if not help_.get("text") or not help_.get("markdown"):
        problems.append(f"{where}: help needs text and markdown")
    if "helpUri" in rule and not str(rule["helpUri"]).startswith("https://"):
        problems.append(f"{where}: helpUri is not an absolute https URL")
    level = (rule.get("defaultConfiguration") or {}).get("level", "warning")
    if level not in LEVELS:
        problems.append(f"{where}: default level {level!r}")
    properties = rule.get("properties") or {}
    tags = properties.get("tags") or []
    if not tags or len(tags) > MAX_TAGS or not all(isinstance(tag, str) for tag in tags):
        problems.append(f"{where}: 1 to {MAX_TAGS} string tags expected, got {tags!r}")
    severity = properties.get("security-severity")
    try:
        score = float(severity) if isinstance(severity, str) else -1.0
    except ValueError:
        score = -1.0
    if not 0.0 <= score <= 10.0:
        problems.append(f"{where}: security-severity must be a string holding 0.0-10.0, got {severity!r}")
    if "security" not in tags:
        problems.append(f"{where}: security-severity is read only on rules tagged 'security'")
    return problems


def _result_problems(result: dict[str, Any], rules: list[dict[str, Any]], where: str) -> list[str]:
    problems = []
    ids = [rule["id"] for rule in rules]
    if result.get("ruleId") not in ids:
        problems.append(f"{where}: ruleId {result.get('ruleId')!r} is not a rule of the run")
    elif "ruleIndex" in result and ids[result["ruleIndex"]] != result["ruleId"]:
        problems.append(f"{where}: ruleIndex does not point at its rule")
    if result.get("level", "warning") not in LEVELS:
        problems.append(f"{where}: level {result.get('level')!r}")
    if not (result.get("message") or {}).get("text"):
        problems.append(f"{where}: no message.text")
    locations = result.get("locations") or []
    if not 1 <= len(locations) <= MAX_LOCATIONS:
        problems.append(f"{where}: 1 to {MAX_LOCATIONS} locations expected")
    for location in locations:
        physical = location.get("physicalLocation") or {}
        uri = (physical.get("artifactLocation") or {}).get("uri", "")
        if not uri or _SCHEME.match(uri) or uri.startswith("/"):
            problems.append(f"{where}: location {uri!r} is not a path relative to the repository")
        if (physical.get("region") or {}).get("startLine", 0) < 1:
            problems.append(f"{where}: region.startLine missing")
    fingerprints = result.get("partialFingerprints") or {}
    if not fingerprints or not all(isinstance(v, str) and v for v in fingerprints.values()):
        problems.append(f"{where}: partialFingerprints missing")
    return problems


def github_problems(log: dict[str, Any]) -> list[str]:
    """What GitHub code scanning's SARIF documentation requires and this log lacks."""
    problems = []
    if log.get("version") != "2.1.0" or "$schema" not in log:
        problems.append("version 2.1.0 and $schema are required")
    runs = log.get("runs") or []
    if not 1 <= len(runs) <= MAX_RUNS:
        problems.append(f"1 to {MAX_RUNS} runs expected")
    for r, run in enumerate(runs):
        driver = run["tool"]["driver"]
        if not driver.get("name") or not (driver.get("semanticVersion") or driver.get("version")):
            problems.append(f"runs[{r}]: the tool needs a name and a version")
        rules = driver.get("rules") or []
        results = run.get("results")
        if results is None:
            problems.append(f"runs[{r}]: results is required (an empty list when there are none)")
            results = []
        if len(rules) > MAX_RULES or len(results) > MAX_RESULTS:
            problems.append(f"runs[{r}]: over GitHub's limits")
        for i, rule in enumerate(rules):
            problems += _rule_problems(rule, f"runs[{r}].rules[{i}] {rule.get('id')}")
        for i, result in enumerate(results):
            problems += _result_problems(result, rules, f"runs[{r}].results[{i}]")
    return problems


def multitool_findings(path: Path) -> list[str]:
    """Everything Microsoft's SARIF Multitool reports on the file with its SARIF and GitHub
    (GHAS ingestion) rules, as "RULE: message" lines."""
    modules = cached_npm_package(MULTITOOL)
    binary = modules / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    binary.chmod(0o755)
    out = path.with_name(path.name + ".validation.sarif")
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    done = subprocess.run(
        [str(binary), "validate", "--rule-kind", "Gh;Sarif", "--output", str(out), str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.is_file(), f"the multitool wrote no report:\n{done.stdout}\n{done.stderr}"
    report = json.loads(out.read_text(encoding="utf-8-sig"))
    return [
        f"{result['ruleId']}: {result['message'].get('text', result['message'])}"
        for run in report["runs"]
        for result in run.get("results", [])
    ]


def check_log(text: str, tmp_path: Path, name: str = "report.sarif") -> dict[str, Any]:
    """Parse, validate against the schema and GitHub's rules, and run the Multitool."""
    log = json.loads(text)
    validate_schema(log)
    problems = github_problems(log)
    assert not problems, problems
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    findings = multitool_findings(path)
    assert not findings, findings
    return log
