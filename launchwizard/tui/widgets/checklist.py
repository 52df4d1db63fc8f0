"""The stage's manual items: status in words and symbols, and what backs each one."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from launchwizard.safe.terminal import safe_text
from launchwizard.sprint import ManualItem
from launchwizard.state.model import ItemState
from launchwizard.tui.status import item_label


def backing(state: ItemState) -> str:
    """What the operator recorded: evidence, a reason, or the waiver's owner and expiry; made
    safe to show, as state.toml may have been written by any command or by hand."""
    if state.status == "done":
        return f"evidence: {safe_text(state.evidence)}"
    if state.status == "na":
        return f"reason: {safe_text(state.reason)}"
    if state.status == "waived":
        expires = state.expires.isoformat() if state.expires else "?"
        return f"waived by {safe_text(state.owner)} until {expires}: {safe_text(state.reason)}"
    return ""


def is_expired(state: ItemState) -> bool:
    return state.status == "waived" and state.open


class ChecklistTable(DataTable[Text]):
    """One row per manual item of the stage, keyed by item id."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.add_column("Status", key="status")
        self.add_column("Item", key="item")
        self.add_column("Recorded", key="recorded")

    def fill(self, items: list[tuple[ManualItem, ItemState]]) -> None:
        """Rebuild the rows, keeping the cursor on the same item where possible."""
        row = self.cursor_row
        self.clear()
        for item, state in items:
            self.add_row(
                item_label(state.status, is_expired(state)),
                Text(item.title),
                Text(backing(state)),
                key=item.id,
            )
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def item_at_cursor(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
