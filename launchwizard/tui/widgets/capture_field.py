"""The pieces of one capture field: its saved value (focusable, never typed into) and the
editor that replaces it while the operator deliberately edits.

A form where every focused field takes every key turns navigation into overwriting (the
stage keys `1`-`7`, `c`, `f`... typed into a saved owner). Here a field shows its value and
lets keys through; Enter opens the editor, Enter (ctrl+s in a multi-line one) saves, Escape
puts the saved value back. The widgets only say what the operator asked for, in messages;
the form decides and saves.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from launchwizard.safe.terminal import safe_text
from launchwizard.store.view import FieldView

SECRET_MASK = "••••••••"


def dom_id(name: str) -> str:
    """`registrar.owner` -> `registrar-owner` (names never contain "-", so this is reversible)."""
    return name.replace(".", "-")


def editable_text(value: str) -> str:
    """A saved value as the editor starts with it: each line through the sanitiser, so a
    value stored by a script with control characters shows their codes, never runs them."""
    return "\n".join(safe_text(line) for line in value.split("\n"))


def uses_text_area(field: FieldView) -> bool:
    """Lists and prose (steps, notes, URLs) and any value already on several lines."""
    return field.multiline or "\n" in (field.value or "")


def value_text(field: FieldView, suggestion: str | None = None) -> Text:
    """What the field shows when not edited: the value (first line of a long one), a mask
    for a set secret, or that it is not set (the footer says Enter edits), with what the
    registry says beside an empty one (`suggestion`, already marked with its source; it is
    saved only if the operator types it)."""
    if field.secret:
        if field.is_set:
            return Text(f"{SECRET_MASK} in the keyring")
        return Text("not set", style="dim italic")
    if not field.value:
        shown = Text("not set", style="dim italic")
        if suggestion:
            shown.append(f" · {safe_text(suggestion)}", style="dim")
        return shown
    lines = field.value.split("\n")
    shown = Text(safe_text(lines[0]))
    if len(lines) > 1:
        shown.append(f"  (+{len(lines) - 1} more line{'s' if len(lines) > 2 else ''})", style="dim")
    return shown


class FieldValue(Static, can_focus=True):
    """A saved value: keys pass through it to the screen; Enter edits, `u` restores."""

    DEFAULT_CSS = """
    FieldValue { width: 1fr; height: auto; padding: 0 1; }
    FieldValue:focus { text-style: reverse; }
    """

    BINDINGS = [
        Binding("enter", "edit", "Edit", id="capture-edit", tooltip="Edit this field (Escape cancels)"),
        Binding(
            "u",
            "restore",
            "Undo",
            id="capture-restore",
            tooltip="Put back the value this field had before its last change",
        ),
        Binding("down", "move(1)", "Next field", show=False),
        Binding("up", "move(-1)", "Previous field", show=False),
    ]

    class Edit(Message):
        """The operator asked to edit this field."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class Restore(Message):
        """The operator asked for this field's earlier value back."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, field: FieldView, suggestion: str | None = None) -> None:
        super().__init__(value_text(field, suggestion), id=f"field-{dom_id(field.name)}")
        self.field = field
        self.suggestion = suggestion

    def show(self, field: FieldView) -> None:
        """Show the field as it is saved now."""
        self.field = field
        self.update(value_text(field, self.suggestion))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Undo is offered for clear fields, greyed out while there is nothing to restore."""
        if action == "restore":
            return None if self.field.secret or not self.field.previous else True
        return True

    def action_edit(self) -> None:
        self.post_message(self.Edit(self.field.name))

    def action_restore(self) -> None:
        self.post_message(self.Restore(self.field.name))

    def action_move(self, step: int) -> None:
        (self.screen.focus_next if step > 0 else self.screen.focus_previous)(FieldValue)


class Finished(Message):
    """The operator ended an edit: `save` True to keep the draft, False to discard it."""

    def __init__(self, name: str, save: bool) -> None:
        super().__init__()
        self.name = name
        self.save = save


class LineEditor(Input):
    """A one-line field being edited: Enter or ctrl+s saves, Escape cancels, up and down
    bring back the field's earlier values."""

    BINDINGS = [
        Binding("enter", "finish(True)", "Save", id="capture-save"),
        Binding("ctrl+s", "finish(True)", "Save", show=False),
        Binding("escape", "finish(False)", "Cancel", id="capture-cancel"),
        Binding("up", "recall(1)", "Earlier value", show=False),
        Binding("down", "recall(-1)", "Later value", show=False),
    ]

    def __init__(self, field: FieldView) -> None:
        super().__init__(
            password=field.secret,
            id=f"edit-{dom_id(field.name)}",
            compact=True,
            select_on_focus=False,
            placeholder="type the new secret" if field.secret else "",
        )
        self.field_name = field.name
        self.earlier: tuple[str, ...] = ()
        """The saved value, then the earlier ones: what up and down step through."""
        self._recalled = 0

    def start(self, field: FieldView) -> None:
        """Begin an edit from the saved value (a secret starts empty and is never shown)."""
        saved = "" if field.secret else editable_text(field.value or "")
        self.earlier = () if field.secret else (saved, *(editable_text(v) for v in field.previous))
        self._recalled = 0
        self.value = saved
        self.cursor_position = len(saved)

    def action_finish(self, save: bool) -> None:
        self.post_message(Finished(self.field_name, save))

    def action_recall(self, step: int) -> None:
        if not self.earlier:
            return
        self._recalled = max(0, min(len(self.earlier) - 1, self._recalled + step))
        self.value = self.earlier[self._recalled]
        self.cursor_position = len(self.value)


class TextEditor(TextArea):
    """A multi-line field being edited: Enter starts a new line, ctrl+s saves, Escape cancels."""

    DEFAULT_CSS = """
    TextEditor { height: 6; }
    """

    BINDINGS = [
        Binding("ctrl+s", "finish(True)", "Save", id="capture-save"),
        Binding("escape", "finish(False)", "Cancel", id="capture-cancel"),
    ]

    def __init__(self, field: FieldView) -> None:
        super().__init__(id=f"edit-{dom_id(field.name)}", soft_wrap=True, compact=True)
        self.field_name = field.name

    def start(self, field: FieldView) -> None:
        self.text = editable_text(field.value or "")
        self.move_cursor(self.document.end)

    @property
    def value(self) -> str:
        return self.text

    def action_finish(self, save: bool) -> None:
        self.post_message(Finished(self.field_name, save))
