"""What every dialog of the wizard shares: centred, as tall as its content but never taller
than the terminal, its body scrolling and its buttons (and the reason a save was refused)
always visible at the bottom, whatever the terminal's size (80x24 included)."""

from __future__ import annotations

from typing import TypeVar

from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

ResultType = TypeVar("ResultType")


class DialogBody(VerticalScroll, can_focus=False):
    """A dialog's fields: scrolls when the terminal is short; focus goes to the fields, and
    moving it scrolls the one focused into view."""

    DEFAULT_CLASSES = "dialog-body"


class Dialog(ModalScreen[ResultType]):
    """A modal whose compose yields a `.dialog` holding a DialogBody and a `.dialog-footer`."""

    AUTO_FOCUS = "DialogBody Input, DialogBody RadioSet, DialogBody Select"

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1; border: thick $primary; background: $surface;
    }
    Dialog .dialog-title { text-style: bold; }
    Dialog .dialog-body { height: auto; max-height: 1fr; }
    Dialog .dialog-body > * { margin-bottom: 1; }
    Dialog .dialog-body > Label { margin-bottom: 0; }
    Dialog .dialog-footer { dock: bottom; height: auto; }
    Dialog .dialog-error { height: auto; color: $text-error; }
    Dialog .buttons { height: auto; align-horizontal: right; }
    Dialog .buttons Button { margin-left: 1; }
    """


def dialog_footer(error_id: str, ok_id: str, ok_label: str, cancel_id: str) -> Vertical:
    """Where a refusal is said, and the two buttons: docked at the dialog's bottom."""
    return Vertical(
        Static("", id=error_id, classes="dialog-error", markup=False),
        Horizontal(
            Button(ok_label, variant="primary", id=ok_id, compact=True),
            Button("Cancel", id=cancel_id, compact=True),
            classes="buttons",
        ),
        classes="dialog-footer",
    )
