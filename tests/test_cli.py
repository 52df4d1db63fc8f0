"""The headless CLI: exit codes, formats, one-line errors, and no textual import."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from launchwizard.checks.registry import CHECK_IDS
from launchwizard.decision import MAX_HIGH_FAILS_TO_FIX
from launchwizard.safe.terminal import safe_text


@pytest.fixture(scope="module")
def mixed_sprint(make_sprint) -> Path:
    return make_sprint(["good.lab.test", "legacy.lab.test", "soon.lab.test"]).path


def test_json_follows_the_contract(capsys, run_cli, mixed_sprint) -> None:
    code, out, err = run_cli(capsys, "check", "--config", str(mixed_sprint), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["schema"] == "launchwizard.run/1"
    assert {r["check"] for r in report["results"]} == set(CHECK_IDS)
    first = report["results"][0]
    assert set(first) == {
        "check",
        "stage",
        "target",
        "status",
        "severity",
        "title",
        "summary",
        "evidence",
        "fix",
        "references",
        "duration_ms",
    }
    targets = {r["target"] for r in report["results"]}
    assert targets == {
        "good.lab.test",
        "legacy.lab.test",
        "soon.lab.test",
        "lab.test",
        "www.lab.test",
        "repo",
        "logs",
        "alerts",
    }
    # the lab serves no lab.test or www.lab.test site, so the sprint opts out of them: every
    # host check says so instead of leaving them out
    opted_out = [r for r in report["results"] if r["target"] == "www.lab.test"]
    assert opted_out and all(r["status"] == "skipped" and "not audited" in r["summary"] for r in opted_out)
    # lab.test publishes no mail records, so the email stage adds its own high findings
    audit_risks = [r for r in report["risks"] if r["stage"] == "audit"]
    assert audit_risks[0]["check"] == "tls.protocols"
    high_fails = [r for r in report["risks"] if r["status"] == "fail" and r["severity"] == "high"]
    expected = "delay-24h" if len(high_fails) > MAX_HIGH_FAILS_TO_FIX else "fix-first"
    assert report["decision"]["verdict"] == expected
    high = [
        r
        for r in report["risks"]
        if r["status"] in ("fail", "error") and r["severity"] in ("critical", "high")
    ]
    assert f"{len(high)} finding(s) at or above high failed" in err


def test_fail_on_sets_the_exit_code(capsys, run_cli, mixed_sprint) -> None:
    config = ["check", "--config", str(mixed_sprint)]
    assert run_cli(capsys, *config, "--only", "tls.protocols", "--fail-on", "critical")[0] == 0
    assert run_cli(capsys, *config, "--only", "tls.protocols", "--fail-on", "high")[0] == 1
    assert run_cli(capsys, *config, "--only", "tls.expiry")[0] == 0
    assert run_cli(capsys, *config, "--only", "tls.expiry", "--fail-on", "medium")[0] == 0
    assert run_cli(capsys, *config, "--only", "tls.expiry", "--fail-on", "info")[0] == 0


def test_errors_count_as_failing(capsys, run_cli, make_sprint) -> None:
    path = make_sprint(["missing.lab.test"]).path
    code, _, err = run_cli(capsys, "check", "--config", str(path), "--only", "tls.certificate")
    assert code == 1
    assert "could not be checked" in err


def test_text_report_reads_in_a_log(capsys, run_cli, mixed_sprint) -> None:
    code, out, _ = run_cli(capsys, "check", "--config", str(mixed_sprint), "--stage", "audit")
    assert code == 1
    assert "QUICK AUDIT (audit)" in out
    assert "✗ FAIL  tls.protocols" in out
    assert "! WARN  tls.expiry" in out
    assert "fix: Disable TLS 1.0 and 1.1" in out
    assert "LAUNCH DECISION: FIX FIRST" in out
    assert "\x1b[" not in out


def test_missing_config_is_one_line_and_exit_2(capsys, run_cli, tmp_path) -> None:
    code, out, err = run_cli(capsys, "check", "--config", str(tmp_path / "nope.toml"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("launchwizard: error: ")
    assert "nope.toml" in err


def test_config_error_names_file_line_and_key(capsys, run_cli, tmp_path) -> None:
    path = tmp_path / "sprint.toml"
    path.write_text(
        '[sprint]\nclient = "Acme"\ncanonical = "https://www.acme.test/"\n'
        '[domains]\napex = "acme.test"\nhots = ["www.acme.test"]\n',
        encoding="utf-8",
    )
    code, _, err = run_cli(capsys, "check", "--config", str(path))
    assert code == 2
    assert err.startswith(f"launchwizard: error: {path}:6: domains.hots: unknown key 'hots'")
    assert "Traceback" not in err


def test_unknown_check_id_is_a_usage_error(capsys, run_cli, mixed_sprint) -> None:
    code, _, err = run_cli(capsys, "check", "--config", str(mixed_sprint), "--only", "tls.nope")
    assert code == 2
    assert "unknown check id 'tls.nope'" in err


def test_headless_check_never_imports_textual(mixed_sprint) -> None:
    probe = (
        "import sys\n"
        "from launchwizard.cli import main\n"
        f"code = main(['check', '--config', {str(mixed_sprint)!r}, '--format', 'json'])\n"
        "print('textual' in sys.modules, code, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "False 1"
    assert json.loads(done.stdout)["schema"] == "launchwizard.run/1"


def test_demo_headless_audits_the_sample_product() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "launchwizard", "demo", "--headless"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "launchwizard audit of Acme Assist (the demo lab on 127.53.0.0/16)" in done.stdout
    rows = (
        ("✗ FAIL", "tls.expiry", "app.acme.test", ""),
        ("✗ FAIL", "tls.protocols", "api.acme.test", ""),
        ("✗ FAIL", "redirect.https", "app.acme.test", ""),
        ("✗ FAIL", "secrets.repo", "acme-app", ""),
        ("✗ FAIL", "secrets.bundle", "www.acme.test", ""),
        ("! WARN", "registrar.expiry", "acme.test", "acme.test expires in 45 days"),
        ("! WARN", "registrar.status", "acme.test", "no transfer lock"),
        *(("✗ FAIL", check, "acme-app", "") for check in ("code.timeouts", "code.retries", "code.pooling")),
        ("✗ FAIL", "code.errors", "acme-app", ""),
    )
    for status, check, target, summary in rows:
        pattern = rf"{re.escape(status)}  {re.escape(check)} +{re.escape(target)} +{re.escape(summary)}"
        assert re.search(pattern, done.stdout), (status, check, target)
    assert "✗ FAIL  cloudflare.tls" in done.stdout and "SSL mode is Flexible" in done.stdout
    assert "✗ FAIL  cloudflare.ratelimit" in done.stdout and "rule covers login" in done.stdout
    assert "LAUNCH DECISION: DELAY 24 HOURS" in done.stdout
    assert done.stderr == ""


def test_safe_text_shows_control_characters_instead_of_obeying_them() -> None:
    assert safe_text("ok\x1b[31mred\x07\r\n") == "ok\\x1b[31mred\\x07\\x0d\\x0a"
    assert safe_text("[v=spf1 -all] é") == "[v=spf1 -all] é"


def test_lab_serves_until_interrupted_and_check_runs_against_it(tmp_path) -> None:
    """`launchwizard lab` announces its sprint.toml, answers checks, and stops cleanly on SIGINT."""
    lab = subprocess.Popen(
        [sys.executable, "-m", "launchwizard", "lab", "--dir", str(tmp_path)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert lab.stderr is not None
        first = lab.stderr.readline()
        assert first == f"lab running; sprint.toml written to {tmp_path / 'sprint.toml'}\n"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "launchwizard",
                "check",
                "--config",
                str(tmp_path / "sprint.toml"),
                "--only",
                "tls.expiry",
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        statuses = {r["target"]: r["status"] for r in json.loads(done.stdout)["results"]}
        assert statuses == {
            "acme.test": "pass",
            "www.acme.test": "pass",
            "app.acme.test": "fail",
            "api.acme.test": "pass",
        }
    finally:
        lab.send_signal(signal.SIGINT)
        rest = lab.communicate(timeout=30)[1]
    assert lab.returncode == 0
    assert "lab stopped" in rest
    assert "Traceback" not in rest
