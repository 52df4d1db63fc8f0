"""One screen per sprint stage, built from the registry and the stage definitions.

Checks: a row per (check, target) unit, filled live by a thread worker that runs the
stage (or one unit) on its own event loop; the finding detail below follows the cursor.
Checklist: the stage's manual items, marked through ItemModal. Capture: the stage's
store sections. Adding a registry row adds a row here; nothing in this module names a check.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from launchwizard.checks.runner import Unit
from launchwizard.errors import UserError
from launchwizard.session import Session
from launchwizard.sprint import STAGES
from launchwizard.tui.checkrun import run_units
from launchwizard.tui.messages import CheckFinished, CheckStarted, RunFailed, RunFinished
from launchwizard.tui.modals import AcceptRiskModal, ItemChange, ItemModal, MessagePathModal
from launchwizard.tui.navigation import navigation_bindings
from launchwizard.tui.widgets.capture import CaptureForm
from launchwizard.tui.widgets.checklist import ChecklistTable, backing
from launchwizard.tui.widgets.evidence import copyable_record, unit_finding
from launchwizard.tui.widgets.keybar import KeyBar
from launchwizard.tui.widgets.results import ResultsTable, row_key
from launchwizard.tui.widgets.titlebar import TitleBar


class StageScreen(Screen[None]):
    """The stage `stage_id`: its checks, its manual items and what it captures."""

    BINDINGS = [
        *navigation_bindings(),
        Binding("r", "run_stage", "Run", id="run-stage", tooltip="Run every check of this stage"),
        Binding("x", "rerun_check", "Re-run", id="rerun-check", tooltip="Run the selected row again"),
        Binding("m", "mark_item", "Mark", id="mark-item", tooltip="Done, N/A or waive a manual item"),
        Binding(
            "y",
            "copy_record",
            "Copy record",
            id="copy-record",
            show=False,
            tooltip="Copy the selected finding's record to paste (or the published one)",
        ),
        Binding(
            "l",
            "pick_message",
            "Load .eml",
            id="pick-message",
            show=False,
            tooltip="Pick a received message (.eml) for email.message",
        ),
        Binding(
            "a",
            "accept_risk",
            "Accept risk",
            id="accept-risk",
            show=False,
            tooltip="Accept a failed prompt of the selected injection or evaluation run, with a reason",
        ),
        Binding("c", "tab('checks')", "Checks tab", id="tab-checks", show=False),
        Binding("i", "tab('checklist')", "Checklist tab", id="tab-checklist", show=False),
        Binding("f", "tab('capture')", "Capture tab", id="tab-capture", show=False),
        Binding("right_square_bracket", "next_stage(1)", "Next stage", id="next-stage", show=False),
        Binding("left_square_bracket", "next_stage(-1)", "Previous stage", id="prev-stage", show=False),
        Binding("escape", "app.show('overview')", "Back", id="back", show=False),
    ]

    def __init__(self, session: Session, stage_id: str) -> None:
        super().__init__(name=f"stage:{stage_id}")
        self.session = session
        self.stage = session.stage(stage_id)
        self.run_id = 0
        """Increases with every run; events of an older run are dropped."""
        self.running = False
        self._done = 0
        self._in_flight: set[str] = set()
        """Row keys of units started and not yet finished, for "3/25 done, 4 running"."""

    def compose(self) -> ComposeResult:
        number = next(n for n, s in enumerate(STAGES, 1) if s.id == self.stage.id)
        yield TitleBar()
        with Horizontal(id="stage-bar"):
            heading = Text(f"Stage {number}/{len(STAGES)} · {self.stage.title}", style="bold")
            heading.append(f" · {self.stage.purpose}", style="italic")
            yield Static(heading, id="stage-heading")
            yield Static(id="progress-text")
            yield ProgressBar(show_eta=False, id="progress")
        with TabbedContent(initial=self._first_tab()):
            with TabPane("Checks", id="checks"), Vertical():
                yield ResultsTable(id="results")
                with VerticalScroll(id="finding-pane"):
                    yield Static(id="finding")
            with TabPane("Checklist", id="checklist"), Vertical():
                yield ChecklistTable(id="items")
                yield Static(id="item-detail")
            yield TabPane("Capture", id="capture")
        yield KeyBar()

    def _first_tab(self) -> str:
        """Open where the stage has work: its checks, else its checklist, else its form."""
        if self.session.specs_for(self.stage.id):
            return "checks"
        return "checklist" if self.session.items_for(self.stage.id) else "capture"

    async def on_mount(self) -> None:
        self._show_results()
        self._show_items()
        await self.action_tab(self._first_tab())

    def on_state_reloaded(self) -> None:
        self.on_screen_resume()

    def on_screen_resume(self) -> None:
        if not self.running:
            self._show_results()
        self._show_items()

    # ------------------------------------------------------------ checks

    def _show_results(self) -> None:
        table = self.query_one(ResultsTable)
        units = self.session.units_for(self.stage.id)
        table.fill(units, {unit.key: self.session.result_for(unit) for unit in units})
        self._show_progress_idle(len(units))
        self._show_finding()

    def _show_progress_idle(self, total: int) -> None:
        ran = sum(1 for unit in self.session.units_for(self.stage.id) if self.session.result_for(unit))
        if not total:
            text = "no live checks in this stage yet"
        else:
            text = f"{ran}/{total} checked" if ran else f"{total} checks, not run"
        self.query_one("#progress-text", Static).update(Text(text))
        bar = self.query_one(ProgressBar)
        bar.display = bool(total)
        bar.update(total=max(total, 1), progress=ran if total else 0)

    def _show_finding(self) -> None:
        unit = self.query_one(ResultsTable).unit_at_cursor()
        finding = self.query_one("#finding", Static)
        if unit is None:
            finding.update(
                Text("This stage has no live checks yet; its checklist and capture tabs still apply.")
            )
            return
        finding.update(unit_finding(unit, self.session.result_for(unit)))

    @on(DataTable.RowHighlighted, "#results")
    @on(DataTable.RowSelected, "#results")
    def _row_chosen(self) -> None:
        self._show_finding()

    def action_run_stage(self) -> None:
        """Run every check of the stage on every target."""
        self._start(self.session.units_for(self.stage.id))

    def action_rerun_check(self) -> None:
        """Run the selected check on the selected target only."""
        unit = self.query_one(ResultsTable).unit_at_cursor()
        self._start([unit] if unit else [])

    def action_pick_message(self) -> None:
        """Ask for the path of a received .eml (email stage); email.message verifies it."""
        if self.stage.id != "email":
            self.notify("A received message is picked on the email stage (4).", markup=False)
            return
        self.app.push_screen(MessagePathModal(self.session.pick_message), self._message_picked)

    def _message_picked(self, picked: bool | None) -> None:
        if picked:
            self.notify(
                f"Message picked: {self.session.state.email_message}. Re-run email.message (x) to verify it.",
                markup=False,
            )

    def action_copy_record(self) -> None:
        """Put the selected finding's suggested record (else its raw record) on the clipboard."""
        unit = self.query_one(ResultsTable).unit_at_cursor()
        result = self.session.result_for(unit) if unit is not None else None
        record = copyable_record(result.evidence) if result is not None else None
        if record is None:
            self.notify("The selected finding has no record to copy.", markup=False)
            return
        self.app.copy_to_clipboard(record)
        self.notify(f"Copied to the clipboard: {record}", title="Record", markup=False)

    def action_accept_risk(self) -> None:
        """Accept one failed prompt of the selected result (ai.injection, ai.eval) with a reason."""
        unit = self.query_one(ResultsTable).unit_at_cursor()
        result = self.session.result_for(unit) if unit is not None else None
        evidence = result.evidence if result is not None else {}
        rows = evidence.get("prompts") or evidence.get("cases")
        failed = [
            str(row.get("prompt"))
            for row in rows or []
            if isinstance(row, dict) and row.get("verdict") == "fail"
        ]
        if unit is None or not failed:
            self.notify(
                "Select an ai.injection or ai.eval result with failed prompts to accept one (perf stage).",
                markup=False,
            )
            return
        modal = AcceptRiskModal(unit.spec.id, failed, self.session.accept_risk)
        self.app.push_screen(modal, self._risk_accepted)

    def _risk_accepted(self, finding: str | None) -> None:
        if finding is not None:
            self.notify(
                f"Accepted: {finding}. Re-run the check (x) to see it counted as accepted; "
                "the pack lists it.",
                markup=False,
            )

    def _start(self, units: list[Unit]) -> None:
        if not units:
            self.notify("This stage has no live checks to run yet.", markup=False)
            return
        if self.running:
            self.notify("A run is already in progress; wait for it to finish.", markup=False)
            return
        self.run_id += 1
        self.running = True
        self._done = 0
        table = self.query_one(ResultsTable)
        for unit in units:
            table.show_unit(unit, self.session.result_for(unit), running=True)
        self.query_one(ProgressBar).update(total=len(units), progress=0)
        self._show_running(len(units), 0)
        self._run_worker(units, self.run_id)

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False, description="run checks")
    def _run_worker(self, units: list[Unit], run_id: int) -> None:
        run_units(self.session.sprint_for_run(), units, self, run_id, self.session.secret_lookup())

    def _show_running(self, total: int, active: int) -> None:
        text = f"{self._done}/{total} done, {active} running"
        self.query_one("#progress-text", Static).update(Text(text))

    @on(CheckStarted)
    def _check_started(self, event: CheckStarted) -> None:
        if event.run_id == self.run_id:
            self._in_flight.add(row_key(event.unit.spec.id, event.unit.target))
            self._show_running(int(self.query_one(ProgressBar).total or 0), len(self._in_flight))

    @on(CheckFinished)
    def _check_finished(self, event: CheckFinished) -> None:
        if event.run_id != self.run_id:
            return
        self._in_flight.discard(row_key(event.unit.spec.id, event.unit.target))
        self._done += 1
        table = self.query_one(ResultsTable)
        for result in event.results:
            table.show_unit(event.unit, result)
        bar = self.query_one(ProgressBar)
        bar.advance(1)
        self._show_running(int(bar.total or 0), len(self._in_flight))
        current = table.unit_at_cursor()
        if current is not None and current.key == event.unit.key:
            finding = next((r for r in event.results if r.target == current.target), None)
            self.query_one("#finding", Static).update(unit_finding(current, finding))

    @on(RunFinished)
    def _run_finished(self, event: RunFinished) -> None:
        if event.run_id != self.run_id:
            return
        self.running = False
        self._in_flight.clear()
        try:
            diff = self.session.record_run(event.report)
        except UserError as exc:
            self.notify(f"The run was not saved: {exc}", severity="error", markup=False)
            return
        self._show_results()
        statuses = [str(r.status) for r in event.report.results]
        counts = ", ".join(
            f"{statuses.count(s)} {s}" for s in ("pass", "warn", "fail", "error") if s in statuses
        )
        changes = f"; fixed {len(diff.get('fixed', []))}, new {len(diff.get('new', []))}" if diff else ""
        self.notify(f"Run saved: {counts}{changes}.", title=self.stage.title, markup=False)

    @on(RunFailed)
    def _run_failed(self, event: RunFailed) -> None:
        if event.run_id == self.run_id:
            self._abandon(event.reason)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "checks" and event.state == WorkerState.ERROR and self.running:
            self._abandon(f"{type(event.worker.error).__name__}: {event.worker.error}")

    def _abandon(self, reason: str) -> None:
        """The runner broke (not a check): say so, keep the saved results, stay open."""
        self.running = False
        self._in_flight.clear()
        self.notify(f"The run stopped: {reason}", severity="error", markup=False)
        self._show_results()

    # ------------------------------------------------------------ checklist

    def _show_items(self) -> None:
        items = self.session.items_for(self.stage.id)
        self.query_one(ChecklistTable).fill([(item, self.session.state.item(item.id)) for item in items])
        self._show_item_detail()

    @on(DataTable.RowHighlighted, "#items")
    def _show_item_detail(self) -> None:
        detail = self.query_one("#item-detail", Static)
        item_id = self.query_one(ChecklistTable).item_at_cursor()
        item = next((i for i in self.session.items_for(self.stage.id) if i.id == item_id), None)
        if item is None:
            detail.update(Text("This stage has no manual items."))
            return
        text = Text(item.title + "\n", style="bold")
        text.append(f"Why it matters: {item.why}\n")
        text.append(backing(self.session.state.item(item.id)) or "Not recorded yet.")
        detail.update(text)

    @on(DataTable.RowSelected, "#items")
    async def action_mark_item(self) -> None:
        """Open the dialog for the item under the cursor on the checklist tab."""
        tabs = self.query_one(TabbedContent)
        if tabs.active != "checklist":
            await self.action_tab("checklist")
        item_id = self.query_one(ChecklistTable).item_at_cursor()
        item = next((i for i in self.session.items_for(self.stage.id) if i.id == item_id), None)
        if item is None:
            self.notify("This stage has no manual items to mark.", markup=False)
            return
        modal = ItemModal(item, self.session.state.item(item.id), self._apply_change)
        self.app.push_screen(modal, self._item_marked)

    def _apply_change(self, change: ItemChange) -> None:
        self.session.mark_item(change.item_id, change.action, change.text, change.owner, change.expires)

    def _item_marked(self, change: ItemChange | None) -> None:
        if change is not None:
            self._show_items()
            words = {"done": "done", "na": "N/A", "waive": "waived", "reopen": "open again"}[change.action]
            self.notify(f"Recorded: {change.item_id} is {words}.", markup=False)

    # ------------------------------------------------------------ navigation

    async def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus = {"checks": ResultsTable, "checklist": ChecklistTable}.get(tab)
        if focus is not None:
            self.query_one(focus).focus()
        else:
            (await self._capture_form()).focus_first()

    @on(TabbedContent.TabActivated)
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "capture":
            await self._capture_form()

    async def _capture_form(self) -> CaptureForm:
        """The capture form, built the first time its tab is shown: its many inputs would
        otherwise slow down opening every stage, and most visits never look at them."""
        form = self.query_one_optional(CaptureForm)
        if form is None:
            form = CaptureForm(self.session, self.session.capture_sections(self.stage.id), id="capture-form")
            await self.query_one("#capture", TabPane).mount(form)
        return form

    def action_next_stage(self, step: int) -> None:
        ids = [s.id for s in STAGES]
        target = ids[(ids.index(self.stage.id) + step) % len(ids)]
        self.app.action_show(f"stage:{target}")  # type: ignore[attr-defined]
