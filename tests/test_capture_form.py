"""The capture form never overwrites silently: with a field focused every stage key still
navigates; only Enter starts an edit, Enter (ctrl+s) saves it and Escape puts the saved value
back; a draft shows as unsaved until then; an overwritten value can be restored. Driven by
keyboard with Pilot, at 80x24 and 120x36."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from test_tui_snapshots import make_app, settle
from textual.widgets import Input, Static, TabbedContent, TextArea

from launchwizard.session import Session
from launchwizard.tui.app import LaunchWizardApp
from launchwizard.tui.modals import ItemModal
from launchwizard.tui.screens.decision import DecisionScreen
from launchwizard.tui.screens.handover import HandoverScreen
from launchwizard.tui.screens.overview import OverviewScreen
from launchwizard.tui.screens.stage import StageScreen
from launchwizard.tui.widgets.capture_field import FieldValue, LineEditor, TextEditor

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
OWNER = "registrar.owner"
SAVED = "Dana Smith (founder)"


def plain(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def status(app: Any, name: str) -> str:
    return plain(app.screen.query_one(f"#status-{name.replace('.', '-')}", Static))


def shown(app: Any, name: str) -> str:
    return plain(app.screen.query_one(f"#field-{name.replace('.', '-')}", FieldValue))


async def open_capture(app: Any, pilot: Any, stage: str = "1", field: str = OWNER) -> FieldValue:
    await settle(pilot)
    await pilot.press(stage, "f")
    await pilot.pause()
    value = app.screen.query_one(f"#field-{field.replace('.', '-')}", FieldValue)
    value.focus()
    await pilot.pause()
    return value


NAVIGATION = [
    ("2", StageScreen, "core"),
    ("7", StageScreen, "handover"),
    ("o", OverviewScreen, None),
    ("d", DecisionScreen, None),
    ("h", HandoverScreen, None),
    ("right_square_bracket", StageScreen, "core"),
    ("left_square_bracket", StageScreen, "handover"),
]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("key", "screen", "stage"), NAVIGATION)
async def test_stage_keys_navigate_while_a_field_is_focused(
    tmp_path: Path, monkeypatch, size, key: str, screen: type, stage: str | None
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    async with app.run_test(size=size) as pilot:
        await open_capture(app, pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        if stage is not None:
            assert app.screen.stage.id == stage
    assert app.session.store.get(OWNER) == SAVED


@pytest.mark.parametrize("size", SIZES)
async def test_tab_keys_and_mark_act_on_the_stage_not_the_field(tmp_path: Path, monkeypatch, size) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:deploy")
    async with app.run_test(size=size) as pilot:
        await open_capture(app, pilot, "6", "rollback.steps")
        tabs = app.screen.query_one(TabbedContent)
        for key, tab in (("c", "checks"), ("f", "capture"), ("i", "checklist")):
            await pilot.press(key)
            await pilot.pause()
            assert tabs.active == tab
        await pilot.press("f")
        app.screen.query_one("#field-rollback-steps", FieldValue).focus()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ItemModal)
    assert app.session.store.get("rollback.steps") is None


@pytest.mark.parametrize("size", SIZES)
async def test_enter_edits_and_escape_puts_the_saved_value_back(tmp_path: Path, monkeypatch, size) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    async with app.run_test(size=size) as pilot:
        await open_capture(app, pilot)
        await pilot.press("enter")
        editor = app.screen.query_one("#edit-registrar-owner", LineEditor)
        assert app.focused is editor and editor.value == SAVED and editor.selection.is_empty
        await pilot.press("1", "c")
        assert editor.value == SAVED + "1c" and status(app, OWNER) == "● unsaved"
        assert app.session.store.get(OWNER) == SAVED
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StageScreen), "escape cancels the edit, it does not leave the stage"
        assert isinstance(app.focused, FieldValue) and not editor.display
        assert shown(app, OWNER) == SAVED and status(app, OWNER) == "✓ saved"
    assert app.session.store.get(OWNER) == SAVED


@pytest.mark.parametrize("size", SIZES)
async def test_enter_saves_and_u_restores_the_value_it_replaced(tmp_path: Path, monkeypatch, size) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    store = app.session.store
    async with app.run_test(size=size) as pilot:
        await open_capture(app, pilot)
        await pilot.press("enter", "ctrl+u", *"Sam Lee", "enter")
        await pilot.pause()
        assert store.get(OWNER) == "Sam Lee" and shown(app, OWNER) == "Sam Lee"
        assert status(app, OWNER) == "✓ saved · 1 earlier (u)" and isinstance(app.focused, FieldValue)
        await pilot.press("u")
        await pilot.pause()
        assert store.get(OWNER) == SAVED and shown(app, OWNER) == SAVED
        assert status(app, OWNER) == "↺ restored (u undoes)"
        await pilot.press("u")
        await pilot.pause()
        assert store.get(OWNER) == "Sam Lee"


async def test_up_in_the_editor_brings_back_earlier_values(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    app.session.save_field(OWNER, "Sam Lee")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await pilot.press("enter")
        editor = app.screen.query_one("#edit-registrar-owner", LineEditor)
        assert editor.value == "Sam Lee"
        await pilot.press("up")
        assert editor.value == SAVED and status(app, OWNER) == "● unsaved"
        await pilot.press("down")
        assert editor.value == "Sam Lee"
        await pilot.press("up", "enter")
        await pilot.pause()
    assert app.session.store.get(OWNER) == SAVED


async def test_clearing_a_field_can_be_undone(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await pilot.press("enter", "ctrl+u", "enter")
        await pilot.pause()
        assert app.session.store.get(OWNER) is None and status(app, OWNER) == "✓ cleared (u undoes)"
        await pilot.press("u")
        await pilot.pause()
    assert app.session.store.get(OWNER) == SAVED


@pytest.mark.parametrize("size", SIZES)
async def test_a_changed_draft_stays_open_and_unsaved_when_focus_moves(
    tmp_path: Path, monkeypatch, size
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    async with app.run_test(size=size) as pilot:
        await open_capture(app, pilot)
        await pilot.press("enter", *" & Sam")
        await pilot.press("tab")
        await pilot.pause()
        editor = app.screen.query_one("#edit-registrar-owner", LineEditor)
        assert app.focused is not editor and editor.display
        assert status(app, OWNER) == "● unsaved" and app.session.store.get(OWNER) == SAVED
        form = app.screen.query_one("#capture-form")
        assert form.unsaved == [OWNER]
        editor.focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.session.store.get(OWNER) == SAVED + " & Sam"


async def test_leaving_an_unchanged_editor_closes_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await pilot.press("enter", "tab")
        await pilot.pause()
        assert not app.screen.query_one("#edit-registrar-owner", LineEditor).display
        assert status(app, OWNER) == "✓ saved"


@pytest.mark.parametrize("size", SIZES)
async def test_a_list_field_is_edited_on_several_lines(tmp_path: Path, monkeypatch, size) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:deploy")
    async with app.run_test(size=size) as pilot:
        await open_capture(app, pilot, "6", "rollback.steps")
        await pilot.press("enter")
        editor = app.screen.query_one("#edit-rollback-steps", TextEditor)
        assert isinstance(editor, TextArea) and app.focused is editor
        await pilot.press(*"Redeploy v1", "enter", *"Check health", "enter")
        assert app.session.store.get("rollback.steps") is None, "Enter is a new line here"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(app, "rollback.steps") == "Redeploy v1  (+1 more line)"
    assert app.session.store.get("rollback.steps") == "Redeploy v1\nCheck health"


async def test_a_secret_is_saved_only_on_purpose(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot, "1", "dns.api_token")
        await pilot.press("enter", *"tok-1", "tab")
        await settle(pilot)
        assert status(app, "dns.api_token") == "● unsaved"
        assert app.session.store.secret_names() == []
        app.screen.query_one("#edit-dns-api_token", Input).focus()
        await pilot.press("escape")
        await settle(pilot)
        assert app.session.store.secret_names() == []
        assert app.screen.query_one("#edit-dns-api_token", Input).value == ""


async def test_a_stage_reopens_with_no_editor_focused_and_after_a_restart_on_its_checks(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_capture(app, pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert not isinstance(app.focused, Input | TextArea)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, StageScreen) and app.screen.stage.id == "core"
        await pilot.press("1", "f")
        await pilot.pause()
    session = app.session
    assert session is not None and session.store.get(OWNER) == SAVED
    again = LaunchWizardApp(session.sprint.path, Session(session.sprint, session.store), clock=app.clock)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, StageScreen) and again.screen.stage.id == "audit"
        assert again.screen.query_one(TabbedContent).active == "checks"
        assert not isinstance(again.focused, Input | TextArea | FieldValue)


async def test_the_env_section_asks_about_each_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:deploy", environments={"production": ["A"], "staging": ["A"]})
    async with app.run_test(size=(120, 36)) as pilot:
        await open_capture(app, pilot, "6", "env.staging")
        await pilot.press("enter", *"Fly.io secrets; Dana and Sam", "ctrl+s")
        await pilot.pause()
        hints = [plain(w) for w in app.screen.query(".section-hint").results(Static)]
        assert any("who can change them" in hint for hint in hints)
    assert app.session.store.get("env.staging") == "Fly.io secrets; Dana and Sam"


async def test_a_hostile_saved_value_is_edited_as_its_codes(tmp_path: Path, monkeypatch) -> None:
    """A value a script stored with control characters shows their codes in the editor too,
    and the screen never receives them."""
    from test_trust_screen import HOSTILE, forbidden, painted

    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:deploy")
    app.session.save_field("rollback.steps", HOSTILE)
    app.session.save_field("release.version", HOSTILE.replace("\n", " "))
    async with app.run_test(size=(120, 36)) as pilot:
        for name in ("rollback.steps", "release.version"):
            await open_capture(app, pilot, "6", name)
            await pilot.press("enter")
            await pilot.pause()
            assert forbidden(painted(app)) == []
            await pilot.press("escape")
    assert app.session.store.get("rollback.steps") == HOSTILE
