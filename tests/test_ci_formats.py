"""SARIF 2.1.0 (validated against the OASIS schema) and JUnit for check, secrets and smoke;
`check --since RUN`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from launchwizard.demo import fakesecrets

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
HOSTS = ["good.lab.test", "expired.lab.test", "hang.lab.test"]


def validate_sarif(text: str) -> dict:
    document = json.loads(text)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    return document


def test_the_schema_catches_a_broken_log():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate({"version": "2.1.0", "runs": [{"results": []}]})


def test_check_sarif_is_valid_with_stable_rules_and_fingerprints(make_sprint, run_cli, capsys):
    sprint = make_sprint(HOSTS)
    args = ("check", "--config", str(sprint.path), "--only", "tls.expiry", "--format", "sarif", "--no-save")
    code, first, _ = run_cli(capsys, *args)
    assert code == 1
    log = validate_sarif(first)
    run = log["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["tls.expiry"]
    by_target = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in run["results"]}
    assert set(by_target) == {"expired.lab.test", "hang.lab.test"}
    assert by_target["expired.lab.test"]["level"] == "error"
    assert by_target["hang.lab.test"]["properties"]["status"] == "error"
    _, second, _ = run_cli(capsys, *args)
    fingerprints = [
        [r["partialFingerprints"] for r in json.loads(out)["runs"][0]["results"]] for out in (first, second)
    ]
    assert fingerprints[0] == fingerprints[1]
    assert len({json.dumps(f) for f in fingerprints[0]}) == 2


def test_check_junit_has_a_case_per_result(make_sprint, run_cli, capsys):
    sprint = make_sprint(HOSTS)
    code, out, _ = run_cli(
        capsys,
        "check",
        "--config",
        str(sprint.path),
        "--only",
        "tls.expiry",
        "--format",
        "junit",
        "--no-save",
    )
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("name") == "launchwizard.audit"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "1", "1")
    assert suite.get("skipped") == "2"  # lab.test and www.lab.test, opted out: not audited
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["expired.lab.test"].find("failure") is not None
    assert cases["hang.lab.test"].find("error") is not None
    assert cases["good.lab.test"].get("classname") == "tls.expiry"


def test_secrets_sarif_validates_and_junit_lists_findings(tmp_path, run_cli, capsys):
    (tmp_path / "config.py").write_text(fakesecrets.line("github-token", 3) + "\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "secrets", str(tmp_path), "--format", "sarif")
    assert code == 1
    validate_sarif(out)
    code, out, _ = run_cli(capsys, "secrets", str(tmp_path), "--format", "junit")
    assert code == 1
    case = ET.fromstring(out).find("testsuite/testcase")
    assert case is not None and case.get("name") == "config.py:1"
    failure = case.find("failure")
    assert failure is not None and fakesecrets.value("github-token", 3) not in out
    clean = tmp_path / "clean"
    clean.mkdir()
    code, out, _ = run_cli(capsys, "secrets", str(clean), "--format", "junit")
    assert code == 0 and "no secrets found" in out


def test_smoke_sarif_validates(make_sprint, run_cli, capsys, lab):
    lab.reset_rate_limits()
    sprint = make_sprint(
        ["smoke.perf.test"], apex="perf.test", endpoints={"homepage": "https://smoke.perf.test/login"}
    )
    code, out, _ = run_cli(capsys, "smoke", "--config", str(sprint.path), "--format", "sarif")
    assert code == 1
    log = validate_sarif(out)
    assert log["runs"][0]["results"][0]["ruleId"] == "deploy.smoke"


def test_since_prints_only_what_changed(make_sprint, run_cli, capsys, tmp_path):
    first = make_sprint(["good.lab.test"])
    code, _, _ = run_cli(capsys, "check", "--config", str(first.path), "--only", "tls.expiry")
    assert code == 0
    grown = first.path.read_text(encoding="utf-8").replace(
        'hosts = [\n    "good.lab.test",\n]', 'hosts = [\n    "good.lab.test",\n    "expired.lab.test",\n]'
    )
    assert grown != first.path.read_text(encoding="utf-8")
    first.path.write_text(grown, encoding="utf-8")
    args = ("check", "--config", str(first.path), "--only", "tls.expiry", "--since", "latest")
    code, out, _ = run_cli(capsys, *args)
    assert code == 1
    assert "not run -> fail    tls.expiry on expired.lab.test" in out
    assert "good.lab.test" not in out
    code, out, _ = run_cli(capsys, *args, "--format", "json")
    changes = json.loads(out)["changes"]
    assert changes == []
    code, _, err = run_cli(capsys, *args[:-2], "--since", "no-such-run")
    assert code == 2 and "no such run" in err
    code, _, err = run_cli(capsys, *args, "--format", "sarif")
    assert code == 2 and "--since" in err
