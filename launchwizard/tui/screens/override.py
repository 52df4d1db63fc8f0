"""The dialog that records a launch decision taken against the rule, and why.

The dialog does not judge the input itself: it hands it to `apply` (the session's
set_override) and shows that refusal, so the rule "a reason is required" lives in one
place, the state model, and the dialog stays open until the input is accepted.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Select, Static

from launchwizard.errors import UserError
from launchwizard.state.model import VERDICTS, Override
from launchwizard.tui.dialog import Dialog, DialogBody, dialog_footer
from launchwizard.tui.screens.labels import verdict_words

ApplyOverride = Callable[[str, str, str], None]
"""(verdict, reason, by) -> None, raising a UserError when the override is refused."""


class OverrideModal(Dialog[bool]):
    """Verdict, reason (required) and who decided; dismissed with True once recorded."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="override-cancel"),
        Binding("ctrl+s", "save", "Record override", id="override-save"),
    ]

    def __init__(self, apply: ApplyOverride, current: Override | None = None, rule: str = "") -> None:
        super().__init__()
        self.apply = apply
        """Records the override; its UserError is the refusal shown in the dialog."""
        self.current = current
        """The override in force, if any, to start from."""
        self.rule = rule
        """The rule's verdict, shown so the operator sees what they are overriding."""

    def compose(self) -> ComposeResult:
        current = self.current
        with Vertical(id="override-dialog", classes="dialog"):
            yield Label("Override the launch decision", classes="dialog-title")
            with DialogBody():
                yield Static(f"The rule says: {verdict_words(self.rule)}" if self.rule else "", markup=False)
                yield Select(
                    [(verdict_words(v), v) for v in VERDICTS],
                    prompt="Verdict",
                    value=current.verdict if current else Select.NULL,
                    id="override-verdict",
                    compact=True,
                )
                yield Input(
                    current.reason if current else "",
                    placeholder="Why (required; it goes into the handover pack)",
                    id="override-reason",
                    compact=True,
                )
                yield Input(
                    current.by if current else "", placeholder="Decided by", id="override-by", compact=True
                )
            yield dialog_footer(
                "override-error", "override-save-button", "Record override", "override-cancel-button"
            )

    @on(Button.Pressed, "#override-save-button")
    @on(Input.Submitted)
    def _save_requested(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#override-cancel-button")
    def _cancel_requested(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        """Record the override, or show why it was refused and stay open."""
        verdict = self.query_one("#override-verdict", Select).value
        reason = self.query_one("#override-reason", Input).value
        by = self.query_one("#override-by", Input).value
        try:
            self.apply("" if verdict is Select.NULL else str(verdict), reason, by)
        except UserError as exc:
            self.query_one("#override-error", Static).update(f"✗ Not recorded: {exc}")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
