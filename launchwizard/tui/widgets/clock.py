"""The 48-hour clock: when the sprint started, how far in it is, and what this phase is for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from launchwizard.state.model import SPRINT_HOURS, SprintState

TICK_S = 30.0
"""Minutes are the finest unit shown, so a tick every half minute keeps it exact enough."""


def describe_clock(state: SprintState, now: datetime) -> Text:
    """Two lines: start and elapsed time, then the phase and its purpose."""
    if state.started_at is None:
        return Text.assemble(
            ("48-hour clock: ", "bold"),
            "– not started. It starts with the first run or the first checked item.\n",
            ("Phase 1 (hours 0–8) audit: ", "bold"),
            "audit access, DNS, SSL, email and the deploy path",
        )
    hours = state.hours_elapsed(now)
    phase = state.phase(now)
    whole, minutes = int(hours), int((hours - int(hours)) * 60)
    position = (
        f"hour {whole} of {SPRINT_HOURS}" if hours < SPRINT_HOURS else f"past the {SPRINT_HOURS}-hour window"
    )
    return Text.assemble(
        ("48-hour clock: ", "bold"),
        f"● started {state.started_at:%Y-%m-%d %H:%M} UTC, {whole} h {minutes:02d} min in ({position})\n",
        (f"Phase {phase.name} (hours {phase.start_hour}–{phase.end_hour}): ", "bold"),
        phase.purpose,
    )


class SprintClock(Static):
    """Shows `describe_clock` and ticks on its own; `now` is the app's (injectable) clock and
    `state` reads the session's current state (a save or a reload replaces the object)."""

    def __init__(
        self, state: Callable[[], SprintState], now: Callable[[], datetime], **kwargs: object
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.state = state
        self.now = now

    def on_mount(self) -> None:
        self.show_time()
        self.set_interval(TICK_S, self.show_time)

    def show_time(self) -> None:
        """Redraw from the state; called on each tick and whenever the state may have moved."""
        self.update(describe_clock(self.state(), self.now()))
