"""The wizard's App: screens by name, navigation bindings, and the open Session.

Screens read and change the sprint only through `app.session` (launchwizard.session),
from message handlers; workers only post messages. Each screen refreshes itself from the
session when it is shown again (on_screen_resume), so every view is current after a run,
a capture or a decision elsewhere.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from launchwizard.errors import UserError
from launchwizard.safe.terminal import safe_text
from launchwizard.session import Session
from launchwizard.sprint import STAGES
from launchwizard.state.model import now_utc
from launchwizard.tui.keymap import keymap_path, load_keymap
from launchwizard.tui.messages import StateReloaded
from launchwizard.tui.navigation import navigation_bindings

THEME_ENV = "LAUNCHWIZARD_THEME"

FIRST_PAINT_ENV = "LAUNCHWIZARD_BENCH_FIRST_PAINT"
"""Set by the benchmark only: a file to write the first paint's time into."""
STATE_POLL_S = 1.0
"""How often the wizard looks whether state.toml was saved by someone else (one stat call)."""

SCREEN_NAMES = ("overview", *(f"stage:{stage.id}" for stage in STAGES), "decision", "handover")


class LaunchWizardApp(App[None]):
    """Walks the 48-hour sprint: overview, one screen per stage, decision, handover."""

    CSS_PATH = "app.tcss"
    TITLE = "launchwizard"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        *navigation_bindings(namespace=""),
    ]

    def __init__(
        self,
        config: Path,
        session: Session | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        """Where sprint.toml is (or will be written by the setup screen)."""
        self.session = session
        """The open sprint; None until the setup screen has written sprint.toml."""
        self.clock = clock
        """Injected time for tests and snapshots; None means the session's (real) clock."""
        self._saved_theme = ""
        """The theme as saved in the preferences (or given by the environment)."""

    def now(self) -> datetime:
        """The time every screen shows: the injected clock, else the session's."""
        if self.clock is not None:
            return self.clock()
        return self.session.now() if self.session is not None else now_utc()

    def on_mount(self) -> None:
        self._apply_theme()
        self._apply_keymap()
        if self.session is None:
            from launchwizard.tui.screens.setup import SetupScreen

            self.push_screen(SetupScreen(self.config), callback=self._opened)
            return
        self.start_sprint(self.session)

    def _apply_theme(self) -> None:
        """$LAUNCHWIZARD_THEME, else the theme last chosen in the palette; then every later
        choice is saved, so it is there at the next start."""
        from launchwizard.tui.preferences import load_theme, preferences_path

        name = os.environ.get(THEME_ENV, "").strip()
        source = THEME_ENV
        if not name:
            saved, problem = load_theme(preferences_path())
            if problem:
                self.notify(problem, severity="warning", markup=False)
            name, source = saved or "", str(preferences_path())
        if name in self.available_themes:
            self.theme = name
        elif name:
            known = ", ".join(sorted(self.available_themes))
            self.notify(f"{source}: {name} is not a theme; known: {known}", severity="warning", markup=False)
        self._saved_theme = self.theme
        self.theme_changed_signal.subscribe(self, self._theme_chosen)

    def _theme_chosen(self, theme: Theme) -> None:
        """Save a theme the operator changed to (the one the wizard started with is not)."""
        from launchwizard.tui.preferences import preferences_path, save_theme

        if theme.name == self._saved_theme:
            return
        try:
            save_theme(preferences_path(), theme.name)
        except UserError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._saved_theme = theme.name

    def _apply_keymap(self) -> None:
        """The user's keymap.toml, if any; a broken file is a toast, never a crash."""
        keymap, problem = load_keymap(keymap_path())
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, severity="error", markup=False, timeout=10)

    def _opened(self, session: Session | None) -> None:
        """The setup screen wrote sprint.toml and opened it."""
        if session is not None:
            self.start_sprint(session)

    def start_sprint(self, session: Session) -> None:
        """Show the sprint where the operator left it (or the overview the first time)."""
        self.session = session
        self.sub_title = session.sprint.client
        last = session.state.last_screen
        self.action_show(last if last in SCREEN_NAMES else "overview")
        self.set_interval(STATE_POLL_S, self.watch_state_file)
        if os.environ.get(FIRST_PAINT_ENV):
            self.call_after_refresh(self._report_first_paint)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast of the wizard: its lines through the sanitiser, since messages quote
        paths, exceptions and values from outside (screens and widgets all land here)."""
        message = "\n".join(safe_text(line) for line in message.split("\n"))
        super().notify(message, title=safe_text(title), severity=severity, timeout=timeout, markup=markup)

    def watch_state_file(self) -> None:
        """Pick up what a CLI command or another window saved to state.toml meanwhile."""
        if self.session is None or not self.session.reload_if_changed():
            return
        self.notify("state.toml was changed outside this window: the sprint was re-read.", markup=False)
        self.screen.post_message(StateReloaded())

    def _report_first_paint(self) -> None:
        """For bench/wizard_latency.py: note when the first sprint screen was painted, then quit."""
        Path(os.environ[FIRST_PAINT_ENV]).write_text(repr(time.time()), encoding="utf-8")
        self.exit()

    def make_screen(self, name: str) -> Screen[None]:
        """Build the screen behind a name; each is built once and kept while the app runs."""
        assert self.session is not None
        if name.startswith("stage:"):
            from launchwizard.tui.screens.stage import StageScreen

            return StageScreen(self.session, name.removeprefix("stage:"))
        if name == "decision":
            from launchwizard.tui.screens.decision import DecisionScreen

            return DecisionScreen(self.session)
        if name == "handover":
            from launchwizard.tui.screens.handover import HandoverScreen

            return HandoverScreen(self.session)
        from launchwizard.tui.screens.overview import OverviewScreen

        return OverviewScreen(self.session)

    def action_show(self, name: str) -> None:
        """Switch to a named screen, remembering it so a restart comes back here."""
        if self.session is None or name not in SCREEN_NAMES or isinstance(self.screen, ModalScreen):
            return
        if not self.is_screen_installed(name):
            self.install_screen(self.make_screen(name), name)
        if self.screen_stack and self.screen is self.get_screen(name):
            return
        if len(self.screen_stack) <= 1:
            self.push_screen(name)
        else:
            self.switch_screen(name)
        self.session.remember_screen(name)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette (ctrl+p): every screen, the current stage's run, the pack export."""
        yield from super().get_system_commands(screen)
        if self.session is None:
            return
        yield SystemCommand(
            "go: Overview", "Clock, stages, top risks, decision", lambda: self.action_show("overview")
        )
        for number, stage in enumerate(STAGES, 1):
            yield SystemCommand(
                f"go: {number} {stage.title}",
                stage.purpose,
                lambda s=stage.id: self.action_show(f"stage:{s}"),
            )
        yield SystemCommand(
            "go: Decision", "Ranked risks and the launch decision", lambda: self.action_show("decision")
        )
        yield SystemCommand(
            "go: Handover", "Handover checklist and pack", lambda: self.action_show("handover")
        )
        if hasattr(screen, "action_run_stage"):
            yield SystemCommand("run: this stage", "Run every check of this stage", screen.action_run_stage)
        yield SystemCommand(
            "export: handover pack", "Render the markdown pack beside sprint.toml", self.export_pack
        )

    def export_pack(self) -> None:
        """Render the pack into handover/ beside sprint.toml and say where."""
        assert self.session is not None
        try:
            paths = self.session.export()
        except UserError as exc:
            self.notify(f"Export failed: {exc}", severity="error", markup=False)
            return
        where = paths[0].parent if paths else self.session.sprint.path.parent
        self.notify(f"Handover pack written: {len(paths)} files in {where}", markup=False)
