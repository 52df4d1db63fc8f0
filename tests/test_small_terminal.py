"""80x24 works, and the screens read unambiguously at 120x36 too: every dialog centred with
its buttons in view and reachable; the decision screen opens on its title; the footer keeps
the navigation keys on every screen; a theme picked in the palette is there at the next
start; `○` means not run and nothing else; a check's severity does not change with a result."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_trust_screen import painted
from test_tui_snapshots import make_app, settle
from textual.app import App
from textual.geometry import Region
from textual.widgets import Button

from launchwizard.checks.registry import REGISTRY
from launchwizard.results import Result, Severity, Status
from launchwizard.sprint import MANUAL_ITEMS
from launchwizard.state.model import ItemState
from launchwizard.tui.dialog import Dialog
from launchwizard.tui.modals import AcceptRiskModal, ItemModal, MessagePathModal, PassphraseModal
from launchwizard.tui.preferences import preferences_path
from launchwizard.tui.screens.override import OverrideModal
from launchwizard.tui.widgets.keybar import KeyBar
from launchwizard.tui.widgets.results import ResultsTable

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
WAIVE = MANUAL_ITEMS[0]


def refuse(*_: object) -> None:
    """A dialog's apply that accepts nothing (the dialog stays open)."""


DIALOGS: dict[str, Callable[[], Dialog[Any]]] = {
    "item-waive": lambda: ItemModal(WAIVE, ItemState("waived", reason="r", owner="o"), refuse),
    "passphrase-new": lambda: PassphraseModal(confirm=True),
    "pick-message": lambda: MessagePathModal(refuse),
    "accept-risk": lambda: AcceptRiskModal("ai.injection", ["hijack-1", "extract-repeat"], refuse),
    "override": lambda: OverrideModal(refuse, None, "fix-first"),
}


def test_every_dialog_of_the_wizard_is_a_dialog() -> None:
    """A new modal must share the layout (centred, buttons in view); this lists them all."""
    from textual.screen import ModalScreen

    import launchwizard.tui.modals as modals
    import launchwizard.tui.screens.override as override

    found = {
        cls.__name__
        for module in (modals, override)
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, ModalScreen) and cls.__module__ == module.__name__
    }
    assert found == {"ItemModal", "PassphraseModal", "MessagePathModal", "AcceptRiskModal", "OverrideModal"}
    assert all(issubclass(factory().__class__, Dialog) for factory in DIALOGS.values())


class DialogApp(App[None]):
    def __init__(self, dialog: Dialog[Any]) -> None:
        super().__init__()
        self.dialog = dialog

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


def inside(inner: Region, outer: Region) -> bool:
    return outer.contains_region(inner)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(DIALOGS))
async def test_every_dialog_is_centred_with_its_buttons_in_view_and_reachable(name: str, size) -> None:
    app = DialogApp(DIALOGS[name]())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if name == "item-waive":
            await pilot.click("#action-waive")
            await pilot.pause()
        screen = app.screen
        box = screen.query_one(".dialog").region
        width, height = size
        assert abs(box.x - (width - box.right)) <= 1, f"{name} is not centred across: {box}"
        assert abs(box.y - (height - box.bottom)) <= 1, f"{name} is not centred down: {box}"
        assert inside(box, screen.region)
        buttons = list(screen.query(Button))
        assert len(buttons) == 2
        for button in buttons:
            assert inside(button.region, box.shrink((1, 1, 1, 1))), f"{name}: {button.id} is cut off"
        reached = set()
        for _ in range(12):
            await pilot.press("tab")
            reached.add(app.focused)
        assert set(buttons) <= reached, f"{name}: a button cannot be reached with tab"


async def test_the_waiver_dialog_saves_from_its_button_at_80x24(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:deploy")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i", "m")
        await pilot.click("#action-waive")
        modal = app.screen
        assert isinstance(modal, ItemModal)
        modal.query_one("#item-text").value = "after launch"  # type: ignore[attr-defined]
        modal.query_one("#item-owner").value = "Dana"  # type: ignore[attr-defined]
        modal.query_one("#item-expires").value = "2099-01-01"  # type: ignore[attr-defined]
        await pilot.click("#item-save")
        await pilot.pause()
        assert not isinstance(app.screen, ItemModal)


@pytest.mark.parametrize("size", SIZES)
async def test_the_decision_screen_opens_on_its_title(tmp_path: Path, monkeypatch, size) -> None:
    """A long override and many reasons: every part shrinks and scrolls inside, the screen
    itself never does, so its verdicts are where it starts."""
    monkeypatch.chdir(tmp_path)
    many = [
        {**r, "target": f"h{n}.acme.test", "status": "fail", "severity": "high", "summary": "x " * 40}
        for n, r in enumerate([_result()] * 12)
    ]
    app = make_app(tmp_path, "decision", many)
    app.session.set_override("ship-now", "the founder decided, " * 20, "Dana")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.scroll_y == 0 and screen.max_scroll_y == 0
        for selector in ("#rule-verdict", "#override-verdict", "#risks", "#risk-detail"):
            region = screen.query_one(selector).region
            assert region.height > 0 and inside(region, screen.region), selector
        assert "Rule's verdict" in painted(app)


def _result() -> dict[str, Any]:
    return {
        "check": "tls.expiry",
        "stage": "audit",
        "target": "x",
        "status": "fail",
        "severity": "high",
        "title": "t",
        "summary": "s",
        "evidence": {},
        "fix": "",
        "references": [],
        "duration_ms": 1,
    }


def footer_keys(app: Any) -> dict[str, Region]:
    """The keys the bottom line shows at the moment, with where they are painted."""
    bar = app.screen.query_one(KeyBar)
    return {
        item.key: Region(bar.region.x + start, bar.region.y, end - start, 1) for start, end, item in bar.spans
    }


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("screen", "keys"),
    [
        ("overview", ()),
        ("stage:audit", ()),
        ("stage:audit", ("f",)),
        ("stage:deploy", ("i",)),
        ("decision", ()),
        ("handover", ()),
    ],
)
async def test_the_footer_keeps_the_navigation_keys(
    tmp_path: Path, monkeypatch, size, screen: str, keys: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, screen)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        shown = footer_keys(app)
        footer = app.screen.query_one(KeyBar).region
        for key in ("o", "1", "d", "h"):
            assert key in shown and inside(shown[key], footer), f"{key} is not in the footer: {sorted(shown)}"
        assert "1-7 Stages" in painted(app)


async def test_a_theme_chosen_in_the_palette_is_there_at_the_next_start(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"nord")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    saved = tomllib.loads(preferences_path().read_text(encoding="utf-8"))
    assert saved == {"wizard": {"theme": "nord"}}
    (tmp_path / "again").mkdir()
    again = make_app(tmp_path / "again", "overview")
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_the_environment_theme_wins_and_is_not_saved(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAUNCHWIZARD_THEME", "ansi-light")
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "ansi-light"
    assert not preferences_path().exists()


def saved_preferences(data: bytes) -> Path:
    path = preferences_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


async def test_a_bad_saved_theme_is_a_toast_and_the_next_choice_replaces_it(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = saved_preferences(b'[wizard]\ntheme = 3\nother = "kept"\n')
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert any("theme must be a theme name" in str(n.message) for n in app._notifications)
        app.theme = "nord"
        await settle(pilot)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"wizard": {"theme": "nord", "other": "kept"}}


@pytest.mark.parametrize("text", ["[wizard\nbroken", "\udcff"])
async def test_broken_preferences_are_a_toast_and_never_overwritten(
    tmp_path: Path, monkeypatch, text
) -> None:
    monkeypatch.chdir(tmp_path)
    path = saved_preferences(text.encode("utf-8", "surrogateescape"))
    app = make_app(tmp_path, "overview")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert any("preferences" in str(n.message) for n in app._notifications)
        app.theme = "nord"
        await settle(pilot)
    assert path.read_bytes() == text.encode("utf-8", "surrogateescape")


NOT_RUN_SCREENS = ["overview", "stage:audit", "stage:deploy", "decision", "handover"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", NOT_RUN_SCREENS)
async def test_the_not_run_symbol_means_not_run_and_nothing_else(
    tmp_path: Path, monkeypatch, size, screen
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, screen)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        tabs = ("c", "i", "f") if screen.startswith("stage") else ("",)
        for tab in tabs:
            if tab:
                await pilot.press(tab)
                await settle(pilot)
            lines = app.screen._compositor.render_strips()
            text = ["".join(segment.text for segment in strip) for strip in lines]
            for row, line in enumerate(text):
                column = line.find("○")
                while column >= 0:
                    beside = line[column:].startswith("○ not run")
                    below = (
                        row + 1 < len(text) and "not run" in text[row + 1][max(0, column - 8) : column + 2]
                    )
                    assert beside or below, f"{screen} {tab}: ○ in {line!r}"
                    column = line.find("○", column + 1)


async def test_a_checks_severity_does_not_change_with_its_result(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:audit")
    spec = next(s for s in REGISTRY if s.id == "tls.expiry")
    session = app.session
    assert session is not None
    for target, status, severity in (
        ("acme.test", Status.PASS, Severity.INFO),
        ("www.acme.test", Status.FAIL, Severity.CRITICAL),
        ("app.acme.test", Status.WARN, Severity.LOW),
    ):
        session.results[(spec.id, target)] = Result(spec.id, "audit", target, status, severity, "t", "s")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(ResultsTable)
        for target in ("acme.test", "www.acme.test", "app.acme.test", "api.acme.test"):
            assert str(table.get_cell(f"tls.expiry@{target}", "severity")) == str(spec.severity)
        table.move_cursor(row=table.get_row_index("tls.expiry@www.acme.test"))
        await pilot.pause()
        assert f"({spec.severity} severity; this finding: critical)" in str(
            app.screen.query_one("#finding").content
        )
