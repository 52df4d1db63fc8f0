"""The wizard's model: every change goes to disk, results merge, handover gaps are listed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from launchwizard.checks.runner import RunReport
from launchwizard.config import parse_sprint
from launchwizard.results import Result, Severity, Status
from launchwizard.session import Session
from launchwizard.state.model import InvalidChange
from launchwizard.state.runs import list_runs
from launchwizard.state.statefile import load_state, state_path
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SPRINT = """
[sprint]
client = "Acme Assist"
canonical = "https://www.acme.test/"
[domains]
apex = "acme.test"
hosts = ["www.acme.test", "app.acme.test"]
"""


def open_session(tmp_path: Path) -> Session:
    path = tmp_path / "sprint.toml"
    path.write_text(SPRINT, encoding="utf-8")
    sprint = parse_sprint(SPRINT, path)
    backend = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    return Session(sprint, Store(sprint.state_dir, "launchwizard:test", backend), clock=lambda: NOW)


def result(check: str, target: str, status: Status, severity: Severity = Severity.HIGH) -> Result:
    return Result(check, "audit", target, status, severity, check, f"{check} {status}")


def report(*results: Result) -> RunReport:
    return RunReport(list(results), started_at=NOW.isoformat(), duration_ms=3)


def test_a_run_is_saved_and_becomes_the_current_picture(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    assert session.stage_counts("audit").todo == 0
    session.record_run(
        report(
            result("tls.expiry", "app.acme.test", Status.FAIL),
            result("dns.records", "www.acme.test", Status.PASS),
        )
    )
    diff = session.record_run(report(result("tls.expiry", "app.acme.test", Status.PASS)))
    assert [d["check"] for d in diff["fixed"]] == ["tls.expiry"]
    assert len(list_runs(session.sprint.state_dir)) == 2
    counts = session.stage_counts("audit")
    assert (counts.passed, counts.failed) == (2, 0)
    assert session.state.started_at == NOW
    assert session.state.stages["audit"].status == "in-progress"
    reopened = open_session(tmp_path)
    assert {(r.check, r.status) for r in reopened.all_results()} == {
        ("dns.records", Status.PASS),
        ("tls.expiry", Status.PASS),
    }


def test_the_rule_decision_follows_the_results(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    session.record_run(report(result("tls.expiry", "app.acme.test", Status.FAIL, Severity.CRITICAL)))
    assert session.rule_decision().verdict == "delay-24h"
    assert [r.check for r in session.risks()] == ["tls.expiry"]


def test_the_sprint_is_not_decided_until_the_quick_audit_has_run(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    assert session.sprint_decision() is None
    handover = Result(
        "monitor.alerts", "handover", "acme.test", Status.SKIPPED, Severity.MEDIUM, "alerts", "not opted in"
    )
    session.record_run(report(handover))
    assert session.rule_decision().verdict == "ship-now"
    assert session.sprint_decision() is None
    readme = dict(session.preview())["README.md"]
    assert "There is no launch decision yet: the quick audit (stage 1) has not run" in readme
    assert "**Ship now**, by the launch rule" not in readme
    session.record_run(report(result("tls.expiry", "app.acme.test", Status.PASS)))
    assert session.sprint_decision() is not None
    assert "**Ship now**, by the launch rule" in dict(session.preview())["README.md"]


def test_items_overrides_and_the_last_screen_are_saved(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    session.mark_item("rollback-tested", "done", "rolled back on staging")
    session.mark_item("alerts-routed", "waive", "pager next week", "Dana", date.today() + timedelta(days=3))
    with pytest.raises(InvalidChange, match="a waiver needs an expiry date"):
        session.mark_item("uptime-two-regions", "waive", "later", "Dana", None)
    session.set_override("ship-now", "risk accepted", "Sam")
    session.remember_screen("stage:deploy")
    saved = load_state(session.sprint.state_dir)
    assert saved.item("rollback-tested").evidence == "rolled back on staging"
    assert saved.item("alerts-routed").owner == "Dana"
    assert saved.override is not None and saved.override.by == "Sam"
    assert saved.last_screen == "stage:deploy"
    assert session.stage_counts("deploy").todo == 3


def test_captured_fields_fill_the_handover_checklist(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    assert "Domain registrar: Owner" in session.missing_for_handover()
    session.save_field("registrar.owner", "Dana")
    session.save_field("dns.api_token", "tok-123", secret=True)
    assert "Domain registrar: Owner" not in session.missing_for_handover()
    registrar, dns, _hosting = session.capture_sections("audit")
    assert registrar.field("owner").value == "Dana"
    assert dns.field("api_token").is_set and dns.field("api_token").value is None
    assert b"tok-123" not in (session.sprint.state_dir / "store.toml").read_bytes()
    session.save_field("registrar.owner", "")
    assert "Domain registrar: Owner" in session.missing_for_handover()


def test_preview_and_export_render_the_pack(tmp_path: Path) -> None:
    session = open_session(tmp_path)
    session.record_run(report(result("tls.expiry", "app.acme.test", Status.FAIL)))
    preview = dict(session.preview())
    assert preview["README.md"].startswith("# Handover pack: Acme Assist")
    written = session.export(tmp_path / "pack")
    assert sorted(p.name for p in written) == sorted(preview)


def test_a_corrupt_state_is_set_aside_and_the_session_still_opens(tmp_path: Path) -> None:
    state_dir = tmp_path / ".launchwizard"
    state_dir.mkdir()
    state_path(state_dir).write_text("version = [", encoding="utf-8")
    session = open_session(tmp_path)
    assert session.recovered is not None
    assert session.recovered.kept_at.read_text(encoding="utf-8") == "version = ["
    assert session.state.started_at is None


def test_a_file_keyring_without_a_passphrase_asks_the_wizard(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("LAUNCHWIZARD_PASSPHRASE", raising=False)
    path = tmp_path / "sprint.toml"
    path.write_text(SPRINT, encoding="utf-8")
    sprint = parse_sprint(SPRINT, path)
    session = Session(
        sprint, Store(sprint.state_dir, "launchwizard:test", EncryptedFileKeyring(tmp_path / "k.enc"))
    )
    assert session.needs_passphrase
    session.use_passphrase("typed in a dialog")
    assert not session.needs_passphrase


def test_the_handover_asks_for_a_monitor_export_until_one_is_recorded(tmp_path: Path) -> None:
    from launchwizard.state.model import MonitorExport

    session = open_session(tmp_path)
    missing = session.missing_for_handover()
    assert any(line.startswith("uptime monitors: not exported") for line in missing)
    session.state.monitor_exports["gatus"] = MonitorExport("gatus/config.yaml")
    assert not any(line.startswith("uptime monitors") for line in session.missing_for_handover())
