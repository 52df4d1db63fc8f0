"""The overview: the 48-hour clock, the seven stages, the top risks and the launch decision.

Everything is read from the session when the screen is shown (on_screen_resume), so it is
current after a run, a checked item or an override on another screen.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from launchwizard.decision import Decision
from launchwizard.safe.terminal import safe_text
from launchwizard.session import Session, StageCounts
from launchwizard.sprint import STAGES
from launchwizard.tui.navigation import navigation_bindings
from launchwizard.tui.status import result_label, verdict_label
from launchwizard.tui.widgets.clock import SprintClock
from launchwizard.tui.widgets.keybar import KeyBar
from launchwizard.tui.widgets.stages import StageRow, StageTable
from launchwizard.tui.widgets.titlebar import TitleBar

TOP_RISKS = 5
COUNT_COLUMNS = (
    ("passed", "✓\npass"),
    ("warned", "!\nwarn"),
    ("failed", "✗\nfail"),
    ("errored", "?\nerror"),
    ("not_run", "○\nnot run"),
    ("todo", "☐ items\nto do"),
)
"""The checks of each stage by status (not run included, so a stage nothing ran in never
reads as clean), then its manual items still to do; symbol and word in each header, the
same symbols as every other screen, and the table fits 80 columns."""


def count_cell(count: int) -> str:
    """A count; none is a dot, so the counts that matter stand out."""
    return str(count) if count else "·"


def risks_text(session: Session) -> Text:
    risks = session.risks()[:TOP_RISKS]
    text = Text("Top risks\n", style="bold")
    if not risks:
        text.append("None found yet." if session.results else "No checks run yet: open a stage and run it.")
        return text
    for result in risks:
        text.append_text(result_label(result.status))
        text.append(f" {safe_text(result.problem)}\n", style="bold")
        text.append(f"  {result.severity} · {result.check} on {safe_text(result.target)}\n")
    return text


def decision_text(session: Session) -> Text:
    """The verdict in force (an override wins over the rule) and the reasons behind it."""
    override = session.state.override
    rule: Decision | None = session.sprint_decision()
    text = Text("Launch decision: ", style="bold")
    if override is not None:
        text.append_text(verdict_label(override.verdict))
        by = f" by {safe_text(override.by)}" if override.by else ""
        text.append(f"\n(override{by}) {safe_text(override.reason)}\nThe rule alone says: ")
        if rule is None:
            text.append("not decided until the quick audit (stage 1) has run.\n")
            return text
        text.append_text(verdict_label(rule.verdict))
        text.append("\n")
    elif rule is None:
        text.append("– NOT DECIDED: run the quick audit (stage 1) first.\n")
        return text
    else:
        text.append_text(verdict_label(rule.verdict))
        text.append(" (by the rule)\n")
    for reason in rule.reasons[:6]:
        text.append(f"• {safe_text(reason)}\n")
    if len(rule.reasons) > 6:
        text.append(f"… and {len(rule.reasons) - 6} more on the decision screen\n", style="italic")
    return text


class OverviewScreen(Screen[None]):
    """Where the sprint stands; Enter (or a click) on a stage opens it."""

    BINDINGS = [*navigation_bindings(), Binding("enter", "open_stage", "Open stage", id="open-stage")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield SprintClock(lambda: self.session.state, self.app.now, id="clock")  # type: ignore[attr-defined]
        yield StageTable(COUNT_COLUMNS, id="stages")
        with Horizontal(id="overview-bottom"):
            with VerticalScroll(id="risks-pane"):
                yield Static(id="risks")
            with VerticalScroll(id="decision-pane"):
                yield Static(id="decision")
        yield KeyBar()

    def on_state_reloaded(self) -> None:
        self.on_screen_resume()

    def on_screen_resume(self) -> None:
        """Drawn each time the screen is shown, the first time included."""
        self.show_sprint()

    def show_sprint(self) -> None:
        """Redraw everything from the session."""
        self.query_one(SprintClock).show_time()
        self._show_stages()
        self.query_one("#risks", Static).update(risks_text(self.session))
        self.query_one("#decision", Static).update(decision_text(self.session))

    def _show_stages(self) -> None:
        rows = []
        for number, stage in enumerate(STAGES, 1):
            counts: StageCounts = self.session.stage_counts(stage.id)
            cells = tuple(count_cell(getattr(counts, key)) for key, _ in COUNT_COLUMNS)
            rows.append(StageRow(stage.id, f"{number} {stage.title}", cells))
        self.query_one(StageTable).show(tuple(rows))

    @on(StageTable.Chosen)
    def _stage_clicked(self, event: StageTable.Chosen) -> None:
        self.app.action_show(f"stage:{event.stage_id}")  # type: ignore[attr-defined]

    def action_open_stage(self) -> None:
        """Open the stage under the cursor (Enter, or the remapped key)."""
        stage_id = self.query_one(StageTable).cursor_stage
        if stage_id is not None:
            self.app.action_show(f"stage:{stage_id}")  # type: ignore[attr-defined]
