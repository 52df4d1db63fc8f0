"""A whole sprint through the wizard, by keyboard, against the real lab: open, run the
audit, mark an item N/A, capture a secret, quit, restart, see it all restored, export."""

from __future__ import annotations

import contextlib
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Input, Static
from textual.worker import WorkerFailed

from launchwizard.session import Session
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import LaunchWizardApp
from launchwizard.tui.modals import ItemModal
from launchwizard.tui.screens.handover import HandoverScreen
from launchwizard.tui.screens.overview import OverviewScreen
from launchwizard.tui.screens.stage import StageScreen
from launchwizard.tui.widgets.capture_field import FieldValue

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRET = "lw-sprint-canary-51f0"  # launchwizard:allow (a test canary, not a credential)


def wizard(sprint: Any, keyring: Path) -> LaunchWizardApp:
    backend = EncryptedFileKeyring(keyring, passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12))
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:test", backend), clock=lambda: NOW)
    return LaunchWizardApp(sprint.path, session, clock=lambda: NOW)


async def settle(app: LaunchWizardApp, pilot: Any) -> None:
    """Workers done and their messages handled: no sleeping, just waiting for the work."""
    with contextlib.suppress(WorkerFailed):
        await app.workers.wait_for_complete()
    for _ in range(200):
        await pilot.pause()
        if not getattr(app.screen, "running", False):
            return
    raise AssertionError("the wizard did not settle")


def text(cell: object) -> str:
    assert isinstance(cell, Text)
    return cell.plain


async def test_a_whole_sprint_by_keyboard_survives_a_restart(make_sprint, tmp_path: Path) -> None:
    sprint = make_sprint(["good.lab.test", "expiring.lab.test", "legacy.lab.test"], apex="lab.test")
    keyring = tmp_path / "keyring.enc"
    first = wizard(sprint, keyring)
    async with first.run_test(size=(100, 30)) as pilot:
        assert isinstance(first.screen, OverviewScreen)
        await pilot.press("1", "r")
        await settle(first, pilot)
        table = first.screen.query_one("#results", DataTable)
        assert text(table.get_cell("tls.expiry@expiring.lab.test", "status")) == "✗ FAIL"
        assert text(table.get_cell("tls.protocols@legacy.lab.test", "status")) == "✗ FAIL"

        await pilot.press("6", "i", "m")
        modal = first.screen
        assert isinstance(modal, ItemModal) and modal.item.id == "secrets-rotated"
        await pilot.click("#action-na")
        modal.query_one("#item-text", Input).focus()
        await pilot.press(*"one region only")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(first.screen, StageScreen)

        await pilot.press("1", "f")
        first.screen.query_one("#field-dns-api_token", FieldValue).focus()
        await pilot.press("enter", *SECRET, "enter")
        await settle(first, pilot)
        assert plain_status(first, "#status-dns-api_token") == "✓ saved to keyring"
        await pilot.press("ctrl+q")

    second = wizard(sprint, keyring)
    async with second.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = second.screen
        assert isinstance(screen, StageScreen) and screen.stage.id == "audit"
        table = screen.query_one("#results", DataTable)
        assert text(table.get_cell("tls.expiry@expiring.lab.test", "status")) == "✗ FAIL"
        await pilot.press("f")
        assert plain_status(second, "#status-dns-api_token") == "✓ set (keyring)"
        await pilot.press("escape", "6", "i")
        await pilot.pause()
        items = second.screen.query_one("#items", DataTable)
        assert text(items.get_cell("secrets-rotated", "status")) == "– N/A"
        await pilot.press("h")
        await settle(second, pilot)
        assert isinstance(second.screen, HandoverScreen)
        await pilot.press("e")
        await settle(second, pilot)

    pack = sorted((sprint.path.parent / "handover").iterdir())
    assert {"README.md", "risks.md", "access.md", "checklist.md", "evidence.md"} <= {p.name for p in pack}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in pack)
    risks = (sprint.path.parent / "handover" / "risks.md").read_text(encoding="utf-8")
    assert "expiring.lab.test" in risks and "legacy.lab.test" in risks
    assert "stored in encrypted file" in (sprint.path.parent / "handover" / "access.md").read_text()
    on_disk = [p for p in [*sprint.path.parent.rglob("*"), keyring] if p.is_file()]
    assert [p for p in on_disk if SECRET.encode() in p.read_bytes()] == []


def plain_status(app: LaunchWizardApp, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


async def test_a_received_message_is_picked_in_the_wizard_and_used_by_email_message(
    make_sprint, tmp_path: Path
) -> None:
    sprint = make_sprint(["good.lab.test"], apex="lab.test")
    garbage = tmp_path / "not-an-email.eml"
    garbage.write_bytes(b"\x00\x01 not a message")
    app = wizard(sprint, tmp_path / "keyring.enc")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4", "c", "l")
        dialog = app.screen
        dialog.query_one("#message-path", Input).value = str(tmp_path / "missing.eml")
        await pilot.press("ctrl+s")
        assert "is not a file" in str(dialog.query_one("#message-error", Static).content)
        dialog.query_one("#message-path", Input).value = str(garbage)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert app.session is not None and app.session.state.email_message == str(garbage.resolve())
        await pilot.press("r")
        await settle(app, pilot)
        table = app.screen.query_one("#results", DataTable)
        assert text(table.get_cell("email.message@lab.test", "status")) == "? ERROR"
    again = wizard(sprint, tmp_path / "keyring.enc")
    assert again.session is not None and again.session.sprint_for_run().email.message == garbage.resolve()
