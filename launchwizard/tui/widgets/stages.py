"""The overview's table of the seven stages and their counts, drawn as one piece of text.

A DataTable makes a renderable per cell and measures every column on each refresh; on the
first screen the wizard paints, that was a third of the time from start to paint. These are
seven fixed rows of short cells, so one Text with aligned columns does the same job: a row
cursor (up, down, home, end, a click), Enter (or a click on the row under the cursor) opens
the stage, and the cursor row is drawn reversed, never only in colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

HEADER_LINES = 2


@dataclass(frozen=True)
class StageRow:
    """One stage: its id, its label (`1 Quick audit`) and the text of each count column."""

    id: str
    label: str
    cells: tuple[str, ...]


class StageTable(Widget, can_focus=True):
    """Stages as rows under a two-line header; `columns` are (key, "symbol\\nword") pairs."""

    DEFAULT_CSS = """
    StageTable { height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("down", "move(1)", "Next stage", show=False),
        Binding("up", "move(-1)", "Previous stage", show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
    ]

    class Chosen(Message):
        """The operator chose the stage under the cursor (a click on it)."""

        def __init__(self, stage_id: str) -> None:
            super().__init__()
            self.stage_id = stage_id

    def __init__(self, columns: tuple[tuple[str, str], ...], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.columns = columns
        self.rows: tuple[StageRow, ...] = ()
        self.cursor_row = 0

    def show(self, rows: tuple[StageRow, ...]) -> None:
        """Replace the rows, keeping the cursor on the same row number."""
        self.rows = rows
        self.cursor_row = max(0, min(self.cursor_row, len(rows) - 1))
        self.refresh(layout=True)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_stage(self) -> str | None:
        return self.rows[self.cursor_row].id if self.rows else None

    def cell(self, stage_id: str, key: str) -> str:
        """The text of one count cell (for tests and screen readers)."""
        row = next(r for r in self.rows if r.id == stage_id)
        return row.cells[[k for k, _ in self.columns].index(key)]

    def _widths(self) -> tuple[int, list[int]]:
        label = max([len("Stage"), *(len(row.label) for row in self.rows)])
        counts = [
            max([*(len(part) for part in title.split("\n")), *(len(row.cells[n]) for row in self.rows)])
            for n, (_, title) in enumerate(self.columns)
        ]
        return label, counts

    def render(self) -> Text:
        label_width, widths = self._widths()
        text = Text(no_wrap=True, overflow="ellipsis")
        for line in range(HEADER_LINES):
            head = "Stage" if line == HEADER_LINES - 1 else ""
            parts = [head.ljust(label_width)]
            for (_, title), width in zip(self.columns, widths, strict=True):
                pieces = title.split("\n")
                parts.append((pieces[line] if line < len(pieces) else "").rjust(width))
            text.append("  ".join(parts) + "\n", style="bold")
        for number, row in enumerate(self.rows):
            cells = [cell.rjust(width) for cell, width in zip(row.cells, widths, strict=True)]
            line = "  ".join([row.label.ljust(label_width), *cells])
            chosen = number == self.cursor_row
            style = ("reverse" if self.has_focus else "bold") if chosen else ""
            text.append(line, style=style)
            if number < len(self.rows) - 1:
                text.append("\n")
        return text

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return HEADER_LINES + len(self.rows)

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + step))
            self.refresh()

    def action_move_to(self, row: int) -> None:
        if self.rows:
            self.cursor_row = row % len(self.rows)
            self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on a row; a click on the row under the cursor opens it."""
        row = event.y - HEADER_LINES
        if not 0 <= row < len(self.rows):
            return
        if row == self.cursor_row:
            self.post_message(self.Chosen(self.rows[row].id))
        self.cursor_row = row
        self.refresh()
