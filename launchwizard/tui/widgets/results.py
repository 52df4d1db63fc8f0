"""The stage's results table: one row per (check, target) unit, filled in as results arrive.

Rows come from the registry's plan, so a check added to the registry appears here with no
change to the TUI. Every cell is a rich Text, never a markup string (summaries carry DNS
records and headers).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from launchwizard.checks.runner import Unit
from launchwizard.results import Result
from launchwizard.safe.terminal import safe_text
from launchwizard.tui.status import NOT_RUN, RUNNING, result_label

COLUMNS = (
    ("status", "Status", 9),
    ("check", "Check", 18),
    ("target", "Target", 14),
    ("severity", "Severity", 8),
)
SUMMARY_WIDTH = 200
CHANGING = ("status", "summary")
"""The cells a new result can change; check, target and severity are fixed by the row."""


def row_key(check: str, target: str) -> str:
    return f"{check}@{target}"


class ResultsTable(DataTable[Text]):
    """Units as rows keyed `check@target`; `units` maps each key back to its unit."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.units: dict[str, Unit] = {}
        """Row key -> the unit it shows, for re-running and for the finding detail."""

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        self.add_column("Summary", key="summary", width=SUMMARY_WIDTH)

    def fit_targets(self, units: list[Unit]) -> None:
        """Size the target column once for the longest host, so updates never re-measure."""
        longest = max((len(unit.target) for unit in units), default=6)
        self.columns[ColumnKey("target")].width = max(6, longest)

    def fill(self, units: list[Unit], results: dict[str, Result | None]) -> None:
        """Replace every row: one per unit, showing its saved result or "not run".

        The cursor stays on the same row, so a finished re-run keeps its finding in view.
        """
        current = self.unit_at_cursor()
        self.clear()
        self.units = {}
        self.fit_targets(units)
        for unit in units:
            self.show_unit(unit, results.get(unit.key))
        if current is not None and (key := row_key(current.spec.id, current.target)) in self.rows:
            self.move_cursor(row=self.get_row_index(key))

    def show_unit(self, unit: Unit, result: Result | None, running: bool = False) -> None:
        """Add or update the row of `unit` (or of the result's own target)."""
        target = result.target if result is not None else unit.target
        key = row_key(unit.spec.id, target)
        self.units[key] = unit if target == unit.target else Unit(unit.spec, target)
        status = RUNNING if running else (result.status if result else NOT_RUN)
        severity = str(unit.spec.severity)
        summary = safe_text((result.summary if result else "").replace("\n", " "))[:SUMMARY_WIDTH]
        cells = {
            "status": result_label(status),
            "check": Text(unit.spec.id),
            "target": Text(safe_text(target)),
            "severity": Text(severity),
            "summary": Text(summary),
        }
        if key in self.rows:
            for column in CHANGING:
                self.update_cell(key, column, cells[column])
        else:
            self.add_row(*cells.values(), key=key)

    def unit_at_cursor(self) -> Unit | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.units.get(key or "")
