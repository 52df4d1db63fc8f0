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
from textual.widgets import DataTable, Footer, Header, Static

from launchwizard.decision import Decision
from launchwizard.safe.terminal import safe_text
from launchwizard.session import Session, StageCounts
from launchwizard.sprint import STAGES
from launchwizard.tui.navigation import navigation_bindings
from launchwizard.tui.status import result_label, verdict_label
from launchwizard.tui.widgets.clock import SprintClock

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


def count_cell(count: int) -> Text:
    """A count, right-aligned; none is a dim dot, so the counts that matter stand out."""
    return Text(str(count), justify="right") if count else Text("·", style="dim", justify="right")


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
        yield Header()
        yield SprintClock(lambda: self.session.state, self.app.now, id="clock")  # type: ignore[attr-defined]
        yield DataTable(cursor_type="row", zebra_stripes=True, header_height=2, id="stages")
        with Horizontal(id="overview-bottom"):
            with VerticalScroll(id="risks-pane"):
                yield Static(id="risks")
            with VerticalScroll(id="decision-pane"):
                yield Static(id="decision")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#stages", DataTable)
        table.add_column("\nStage", key="stage")
        for key, label in COUNT_COLUMNS:
            table.add_column(Text(label, justify="right"), key=key)
        self.show_sprint()

    def on_state_reloaded(self) -> None:
        self.on_screen_resume()

    def on_screen_resume(self) -> None:
        self.show_sprint()

    def show_sprint(self) -> None:
        """Redraw everything from the session."""
        self.query_one(SprintClock).show_time()
        self._show_stages()
        self.query_one("#risks", Static).update(risks_text(self.session))
        self.query_one("#decision", Static).update(decision_text(self.session))

    def _show_stages(self) -> None:
        table = self.query_one("#stages", DataTable)
        row = table.cursor_row
        table.clear()
        for number, stage in enumerate(STAGES, 1):
            counts: StageCounts = self.session.stage_counts(stage.id)
            cells = [count_cell(getattr(counts, key)) for key, _ in COUNT_COLUMNS]
            table.add_row(Text(f"{number} {stage.title}"), *cells, key=stage.id)
        table.move_cursor(row=max(0, min(row, table.row_count - 1)))

    @on(DataTable.RowSelected, "#stages")
    def action_open_stage(self) -> None:
        """Open the stage under the cursor (Enter, a click, or the remapped key)."""
        table = self.query_one("#stages", DataTable)
        stage_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.action_show(f"stage:{stage_id}")  # type: ignore[attr-defined]
