"""The launch decision: the rule's verdict and its reasons, any override beside it, and
the ranked risks behind both.

Everything shown is read from the session each time the screen is shown, so a re-run on
a stage screen or an override recorded here is reflected at once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from launchwizard.decision import AWAITING_AUDIT, Decision
from launchwizard.errors import UserError
from launchwizard.results import Result
from launchwizard.safe.terminal import safe_text
from launchwizard.session import Session
from launchwizard.state.model import Override
from launchwizard.tui.navigation import navigation_bindings
from launchwizard.tui.screens.labels import cell, result_detail, stamp, status_words, verdict_words
from launchwizard.tui.screens.override import OverrideModal
from launchwizard.tui.widgets.keybar import KeyBar
from launchwizard.tui.widgets.titlebar import TitleBar

RISK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("#", "rank"),
    ("Status", "status"),
    ("Severity", "severity"),
    ("Problem", "problem"),
    ("Check", "check"),
    ("Target", "target"),
)
"""(label, key) of each column of the risk table."""
PROBLEM_WIDTH = 40
"""The problem column is cut here (the detail below has it whole), so the check beside it
stays in view at 80 columns."""


def rule_text(decision: Decision | None) -> str:
    """The rule's verdict in big words; before the quick audit has run, say so instead."""
    if decision is None:
        return "Not decided yet\nRun the quick audit (stage 1) to get a verdict"
    return f"{verdict_words(decision.verdict)}\nby the launch rule"


def override_text(override: Override | None) -> str:
    """The override in force with its why, who and when; or that the rule stands."""
    if override is None:
        return "No override\nthe rule's verdict stands"
    by = f"by {safe_text(override.by)}, " if override.by else ""
    return f"{verdict_words(override.verdict)}\n{by}{stamp(override.at)}\nwhy: {safe_text(override.reason)}"


def reasons_text(decision: Decision | None) -> str:
    if decision is None:
        return f"Reasons: none yet; {AWAITING_AUDIT}."
    return "Reasons:\n" + "\n".join(f"• {safe_text(reason)}" for reason in decision.reasons)


def risk_cells(rank: int, result: Result) -> tuple[object, ...]:
    """One ranked row; every cell a Text so records like `[v=spf1 -all]` show as written."""
    return (
        cell(str(rank)),
        cell(status_words(result.status)),
        cell(str(result.severity)),
        cell(result.problem),
        cell(result.check),
        cell(result.target),
    )


class DecisionScreen(Screen[None]):
    """Ship now, fix first or delay 24 hours: the rule, the override, and the ranked risks."""

    DEFAULT_CSS = """
    DecisionScreen { overflow-y: hidden; }
    DecisionScreen #verdicts { height: auto; }
    DecisionScreen .verdict {
        width: 1fr; height: auto; min-height: 4; max-height: 6; overflow-y: auto;
        border: round $primary; padding: 0 1; text-style: bold;
    }
    DecisionScreen .verdict.-ship-now { border: round $success; color: $text-success; }
    DecisionScreen .verdict.-fix-first { border: round $warning; color: $text-warning; }
    DecisionScreen .verdict.-delay-24h { border: round $error; color: $text-error; }
    DecisionScreen #reasons { height: auto; max-height: 4; padding: 0 1; }
    DecisionScreen #risks { height: 1fr; min-height: 3; }
    DecisionScreen #risk-detail {
        height: 1fr; min-height: 4; max-height: 9; border-top: solid $primary-muted; padding: 0 1;
    }
    """
    """Every part shrinks to fit (the reasons and the detail scroll), so the screen itself
    never scrolls: at 80x24 it opens on its title and verdicts, not scrolled past them."""

    AUTO_FOCUS = "#risks"

    BINDINGS = [
        *navigation_bindings(),
        Binding("v", "override", "Override", id="decision-override"),
        Binding("c", "clear_override", "Clear override", id="decision-clear-override"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.risks: list[Result] = []
        """The ranked risks as last shown; row keys are indexes into it."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="verdicts"):
            yield Static("", id="rule-verdict", classes="verdict", markup=False)
            yield Static("", id="override-verdict", classes="verdict", markup=False)
        with VerticalScroll(id="reasons"):
            yield Static("", id="reasons-text", markup=False)
        yield DataTable(id="risks", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="risk-detail"):
            yield Static("", id="risk-detail-text", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#rule-verdict").border_title = "Rule's verdict"
        self.query_one("#override-verdict").border_title = "Override"
        table = self.query_one("#risks", DataTable)
        for label, key in RISK_COLUMNS:
            table.add_column(label, key=key, width=PROBLEM_WIDTH if key == "problem" else None)

    def on_state_reloaded(self) -> None:
        self.on_screen_resume()

    def on_screen_resume(self) -> None:
        self.show_session()

    def show_session(self) -> None:
        """Redraw everything from the session (after a run, a capture or an override)."""
        decision = self.session.sprint_decision()
        override = self.session.state.override
        rule_verdict = decision.verdict if decision else ""
        self._show_verdict("#rule-verdict", rule_text(decision), rule_verdict)
        self._show_verdict("#override-verdict", override_text(override), override.verdict if override else "")
        self.query_one("#reasons-text", Static).update(reasons_text(decision))
        self._fill_risks(self.session.risks())
        self.refresh_bindings()

    def _show_verdict(self, selector: str, text: str, verdict: str) -> None:
        box = self.query_one(selector, Static)
        box.update(text)
        for name in ("ship-now", "fix-first", "delay-24h"):
            box.set_class(verdict == name, f"-{name}")

    def _fill_risks(self, risks: list[Result]) -> None:
        self.risks = risks
        table = self.query_one("#risks", DataTable)
        row = table.cursor_row
        table.clear()
        for rank, result in enumerate(risks, 1):
            table.add_row(*risk_cells(rank, result), key=str(rank - 1))
        if risks:
            table.move_cursor(row=min(max(row, 0), len(risks) - 1))
        self._show_detail(table.cursor_row if risks else None)

    def _show_detail(self, index: int | None) -> None:
        detail = self.query_one("#risk-detail-text", Static)
        if index is None or not 0 <= index < len(self.risks):
            detail.update("No risks: every check that ran passed, or none has run yet.")
            return
        detail.update(result_detail(self.risks[index]))

    @on(DataTable.RowHighlighted, "#risks")
    @on(DataTable.RowSelected, "#risks")
    def _row_chosen(self, event: DataTable.RowHighlighted | DataTable.RowSelected) -> None:
        self._show_detail(event.cursor_row)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Clearing is offered (greyed out) only while an override is in force."""
        if action == "clear_override" and self.session.state.override is None:
            return None
        return True

    def action_override(self) -> None:
        """Record a verdict against the rule, with a reason, in a dialog."""
        modal = OverrideModal(
            self.session.set_override, self.session.state.override, self.session.rule_decision().verdict
        )
        self.app.push_screen(modal, self._override_closed)

    def _override_closed(self, recorded: bool | None) -> None:
        if recorded:
            self.show_session()
            self.notify("Override recorded; it goes into the handover pack.", markup=False)

    def action_clear_override(self) -> None:
        """Go back to the rule's verdict."""
        try:
            self.session.clear_override()
        except UserError as exc:
            self.notify(str(exc), title="Override not cleared", severity="error", markup=False)
            return
        self.show_session()
        self.notify("Override cleared; the rule's verdict stands.", markup=False)
