"""The overview's table of stages, the key bar and the title bar replace Textual's DataTable,
Footer and Header to make the first paint fast; they keep what the user relies on: a row
cursor opened with Enter or a click, keys that work when clicked, disabled keys dimmed, the
palette from the title."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_snapshots import make_app, settle
from textual.command import CommandPalette

from launchwizard.tui.screens.decision import DecisionScreen
from launchwizard.tui.screens.stage import StageScreen
from launchwizard.tui.widgets.keybar import KeyBar
from launchwizard.tui.widgets.stages import HEADER_LINES, StageTable

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.mark.parametrize("size", SIZES)
async def test_the_stage_table_opens_the_stage_under_its_cursor(tmp_path: Path, monkeypatch, size) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(StageTable)
        assert app.focused is table and table.cursor_stage == "audit"
        await pilot.press("down", "down", "up", "down")
        assert table.cursor_stage == "edge"
        await pilot.press("end")
        assert table.cursor_stage == "handover"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StageScreen) and app.screen.stage.id == "handover"


async def test_a_click_puts_the_cursor_on_a_row_and_a_second_opens_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(StageTable)
        row = HEADER_LINES + 3
        await pilot.click(StageTable, offset=(4, row))
        assert table.cursor_stage == "email" and app.screen.query_one(StageTable) is table
        await pilot.click(StageTable, offset=(4, 0))
        assert table.cursor_stage == "email", "a click on the header moves nothing"
        await pilot.click(StageTable, offset=(4, row))
        await settle(pilot)
        assert isinstance(app.screen, StageScreen) and app.screen.stage.id == "email"


async def test_a_key_in_the_bar_is_pressed_by_a_click(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        start = next(start for start, _, item in bar.spans if item.key == "d")
        await pilot.click(KeyBar, offset=(start, 0))
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        bar = app.screen.query_one(KeyBar)
        clear = next(item for item in bar.items if item.description == "Clear override")
        assert not clear.enabled, "clearing is greyed out while no override is set"


async def test_the_title_names_the_client_and_opens_the_palette(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "launchwizard — Acme Assist" in app.screen.query_one("TitleBar").render().plain
        await pilot.click("TitleBar")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
