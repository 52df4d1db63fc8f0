"""The wizard's core against the real lab: overview, a stage run, findings, items, capture,
restart, markup safety and keymaps. Pilot tests; workers are waited for, never slept on."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Static, TabbedContent
from textual.worker import WorkerFailed

from launchwizard.checks.registry import REGISTRY
from launchwizard.checks.runner import plan
from launchwizard.config import Sprint
from launchwizard.results import Result, Severity, Status
from launchwizard.session import Session
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import LaunchWizardApp
from launchwizard.tui.modals import ItemModal, PassphraseModal
from launchwizard.tui.screens.overview import OverviewScreen
from launchwizard.tui.screens.stage import StageScreen
from launchwizard.tui.widgets.capture_field import FieldValue
from launchwizard.tui.widgets.results import ResultsTable
from launchwizard.tui.widgets.stages import StageTable

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SIZE = (100, 30)
SPF = "[v=spf1 -all]"


def fixed_clock() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No keymap or theme of the developer's own leaks into a test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LAUNCHWIZARD_KEYMAP", raising=False)
    monkeypatch.delenv("LAUNCHWIZARD_THEME", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def sprint(make_sprint: Any) -> Sprint:
    return make_sprint(["good.lab.test", "expiring.lab.test", "missing.lab.test"], apex="lab.test")


def open_app(sprint: Sprint, keyring: Path) -> LaunchWizardApp:
    backend = EncryptedFileKeyring(keyring, passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12))
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:test", backend), clock=fixed_clock)
    return LaunchWizardApp(sprint.path, session, clock=fixed_clock)


def plain(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def cell(table: DataTable[Any], row: str, column: str) -> str:
    value = table.get_cell(row, column)
    assert isinstance(value, Text), "cells are Text, never markup strings"
    return value.plain


async def settle(app: LaunchWizardApp, pilot: Any) -> None:
    """Wait for the workers, then for the messages they posted to be handled."""
    with contextlib.suppress(WorkerFailed):
        await app.workers.wait_for_complete()
    screen = app.screen
    for _ in range(200):
        await pilot.pause()
        if not getattr(screen, "running", False):
            return
    raise AssertionError("the run did not finish")


async def run_stage(app: LaunchWizardApp, pilot: Any, key: str = "r") -> StageScreen:
    await pilot.press(key)
    await settle(app, pilot)
    assert isinstance(app.screen, StageScreen)
    return app.screen


def move_to(table: DataTable[Any], key: str) -> None:
    table.move_cursor(row=table.get_row_index(key))


async def test_overview_before_and_after_the_audit(sprint: Sprint, tmp_path: Path) -> None:
    app = open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=SIZE) as pilot:
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        assert "– not started" in plain(overview.query_one("#clock", Static))
        assert "NOT DECIDED" in plain(overview.query_one("#decision", Static))
        stages = overview.query_one(StageTable)
        assert stages.row_count == 7
        audit_units = len(plan(sprint, [spec for spec in REGISTRY if spec.stage == "audit"]))
        assert stages.cell("audit", "not_run") == str(audit_units) and stages.cell("audit", "failed") == "·"
        await pilot.press("enter")
        assert isinstance(app.screen, StageScreen) and app.screen.stage.id == "audit"
        await run_stage(app, pilot)
        await pilot.press("o")
        assert app.screen is overview
        clock = plain(overview.query_one("#clock", Static))
        assert "started 2026-11-25 12:00 UTC, 0 h 00 min in (hour 0 of 48)" in clock
        assert "Phase audit (hours 0–8)" in clock
        assert stages.cell("audit", "not_run") == "·"
        assert int(stages.cell("audit", "failed")) >= 2
        assert int(stages.cell("audit", "errored")) >= 1
        decision = plain(overview.query_one("#decision", Static))
        assert "DELAY 24 HOURS" in decision or "FIX FIRST" in decision
        assert "tls.expiry on expiring.lab.test" in decision
        assert "tls.expiry on expiring.lab.test" in plain(overview.query_one("#risks", Static))


async def test_audit_run_fills_rows_saves_and_reruns_one_unit(sprint: Sprint, tmp_path: Path) -> None:
    app = open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        table = app.screen.query_one(ResultsTable)
        # every unit of the plan, the "not audited" rows for lab.test and www.lab.test among them
        units = len(plan(sprint, [spec for spec in REGISTRY if spec.stage == "audit"]))
        assert table.row_count == units
        assert cell(table, "tls.expiry@expiring.lab.test", "status") == "○ not run"
        screen = await run_stage(app, pilot)
        assert cell(table, "tls.expiry@expiring.lab.test", "status") == "✗ FAIL"
        assert cell(table, "tls.certificate@missing.lab.test", "status") == "? ERROR"
        assert cell(table, "tls.expiry@good.lab.test", "status") == "✓ PASS"
        assert plain(screen.query_one("#progress-text", Static)) == f"{units}/{units} checked"
        assert "SKIP" in cell(table, "tls.expiry@www.lab.test", "status")
        runs = sorted((sprint.state_dir / "runs").glob("*.json"))
        assert len(runs) == 1

        move_to(table, "tls.expiry@expiring.lab.test")
        await run_stage(app, pilot, "x")
        assert len(list((sprint.state_dir / "runs").glob("*.json"))) == 2
        assert cell(table, "tls.expiry@expiring.lab.test", "status") == "✗ FAIL"

        await pilot.pause()
        finding = plain(screen.query_one("#finding", Static))
        spec = next(s for s in REGISTRY if s.id == "tls.expiry")
        assert "✗ FAIL  tls.expiry on expiring.lab.test" in finding
        for heading in ("What was seen", "Evidence", "Why it matters", "How to fix it", "References"):
            assert heading in finding
        assert spec.why in finding and spec.references[0] in finding


async def test_an_item_is_refused_without_a_reason_and_recorded_with_one(
    sprint: Sprint, tmp_path: Path
) -> None:
    app = open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6", "m")
        modal = app.screen
        assert isinstance(modal, ItemModal) and modal.item.id == "secrets-rotated"
        await pilot.click("#action-na")
        await pilot.press("ctrl+s")
        assert app.screen is modal
        assert "a reason is required" in plain(modal.query_one("#item-error", Static))
        assert app.session is not None and app.session.state.item("secrets-rotated").status == "todo"
        modal.query_one("#item-text", Input).value = "no secret was ever exposed [audit 2026]"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, StageScreen)
        assert app.session.state.item("secrets-rotated").status == "na"
        items = app.screen.query_one("#items", DataTable)
        assert cell(items, "secrets-rotated", "status") == "– N/A"
        assert cell(items, "secrets-rotated", "recorded") == "reason: no secret was ever exposed [audit 2026]"
    state_text = (sprint.state_dir / "state.toml").read_text()
    assert 'reason = "no secret was ever exposed [audit 2026]"' in state_text


async def test_capture_saves_clear_fields_to_the_store_and_secrets_to_the_keyring(
    sprint: Sprint, tmp_path: Path
) -> None:
    keyring = tmp_path / "k.enc"
    app = open_app(sprint, keyring)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "f")
        app.screen.query_one("#field-email_provider-owner", FieldValue).focus()
        await pilot.press("enter", *"Dana [founder]", "enter")
        await pilot.pause()
        assert plain(app.screen.query_one("#status-email_provider-owner", Static)) == "✓ saved"
        app.screen.query_one("#field-email_provider-password", FieldValue).focus()
        await pilot.press("enter")
        password = app.screen.query_one("#edit-email_provider-password", Input)
        assert password.password, "secret fields are masked"
        await pilot.press(*"s3cret-value", "enter")
        await settle(app, pilot)
        assert password.value == ""
        assert plain(app.screen.query_one("#status-email_provider-password", Static)) == "✓ saved to keyring"
        assert "s3cret" not in app.export_screenshot()
    store_text = (sprint.state_dir / "store.toml").read_text()
    assert 'owner = "Dana [founder]"' in store_text
    assert "email_provider.password" in store_text and "s3cret" not in store_text
    assert keyring.exists() and b"s3cret" not in keyring.read_bytes()
    assert app.session is not None
    assert app.session.store.get("email_provider.password", reveal=True) == "s3cret-value"


async def test_a_restart_returns_to_the_same_screen_with_everything_restored(
    sprint: Sprint, tmp_path: Path
) -> None:
    keyring = tmp_path / "k.enc"
    first = open_app(sprint, keyring)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await run_stage(first, pilot)
        assert first.session is not None
        first.session.mark_item("uptime-two-regions", "na", "single-region product")
        first.session.save_field("registrar.owner", "Dana")
        first.session.save_field("dns.api_token", "tok-123", secret=True)
    again = open_app(sprint, keyring)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, StageScreen) and screen.stage.id == "audit"
        table = screen.query_one(ResultsTable)
        assert cell(table, "tls.expiry@expiring.lab.test", "status") == "✗ FAIL"
        await pilot.press("f")
        assert plain(screen.query_one("#field-registrar-owner", FieldValue)) == "Dana"
        assert "tok-123" not in plain(screen.query_one("#field-dns-api_token", FieldValue))
        assert plain(screen.query_one("#status-dns-api_token", Static)) == "✓ set (keyring)"
        screen.query_one(ResultsTable).focus()
        await pilot.press("7")
        await pilot.pause()
        assert isinstance(again.screen, StageScreen) and again.screen.stage.id == "handover"
        items = again.screen.query_one("#items", DataTable)
        assert cell(items, "uptime-two-regions", "status") == "– N/A"


async def test_untrusted_text_is_never_markup(sprint: Sprint, tmp_path: Path) -> None:
    app = open_app(sprint, tmp_path / "k.enc")
    assert app.session is not None
    app.session.results[("dns.records", "good.lab.test")] = Result(
        "dns.records",
        "audit",
        "good.lab.test",
        Status.WARN,
        Severity.HIGH,
        "Host resolves to the expected records",
        SPF,
        evidence={"TXT": [SPF, "[/etc]"], "note": "[b]not bold[/b]"},
        fix="publish [v=spf1 include:_spf.example -all]",
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("1")
        table = app.screen.query_one(ResultsTable)
        assert cell(table, "dns.records@good.lab.test", "summary") == SPF
        move_to(table, "dns.records@good.lab.test")
        await pilot.pause()
        finding = plain(app.screen.query_one("#finding", Static))
        for raw in (SPF, "- [/etc]", "note: [b]not bold[/b]", "publish [v=spf1 include:_spf.example -all]"):
            assert raw in finding
        app.notify(SPF, markup=False)
        await pilot.pause()
        assert "v=spf1&#160;-all]" in app.export_screenshot()


async def test_a_user_keymap_remaps_a_binding_and_a_broken_one_is_only_a_toast(
    sprint: Sprint, tmp_path: Path
) -> None:
    config = tmp_path / "config" / "launchwizard"
    config.mkdir(parents=True)
    (config / "keymap.toml").write_text('[keymap]\n"tab-capture" = "g"\n"overview" = "escape,o"\n')
    app = open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("g")
        assert app.screen.query_one(TabbedContent).active == "capture"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
    (config / "keymap.toml").write_text("[keymap\nbroken")
    app = open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("is not valid TOML" in str(n.message) for n in app._notifications)


async def test_the_theme_comes_from_the_environment_and_a_bad_name_is_a_toast(
    sprint: Sprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAUNCHWIZARD_THEME", "ansi-light")
    app = open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "ansi-light"
    monkeypatch.setenv("LAUNCHWIZARD_THEME", "no-such-theme")
    app = open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("no-such-theme is not a theme" in str(n.message) for n in app._notifications)


async def test_the_first_secret_asks_for_the_keyring_passphrase_once(
    sprint: Sprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LAUNCHWIZARD_PASSPHRASE", raising=False)
    backend = EncryptedFileKeyring(tmp_path / "k.enc", kdf=ScryptParams(n=2**12))
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:test", backend), clock=fixed_clock)
    app = LaunchWizardApp(sprint.path, session, clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "f")
        app.screen.query_one("#field-email_provider-api_key", FieldValue).focus()
        await pilot.press("enter", *"tok", "enter")
        modal = app.screen
        assert isinstance(modal, PassphraseModal) and modal.confirm
        await pilot.press(*"pw", "enter", *"px", "enter")
        assert "the two passphrases differ" in plain(modal.query_one("#passphrase-error", Static))
        modal.query_one("#passphrase-again", Input).value = "pw"
        await pilot.press("enter")
        await settle(app, pilot)
        assert plain(app.screen.query_one("#status-email_provider-api_key", Static)) == "✓ saved to keyring"
        app.screen.query_one("#field-email_provider-password", FieldValue).focus()
        await pilot.press("enter", *"tok2", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StageScreen), "asked only once"
    assert session.store.get("email_provider.password", reveal=True) == "tok2"
