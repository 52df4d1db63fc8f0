"""Dialogs: marking a manual item, accepting a risk, a received message, the keyring passphrase.

ItemModal validates through the same rules as the CLI (it calls `apply`, which raises
InvalidChange), so an N/A without a reason or a waiver without an owner is refused with
the reason on screen and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from launchwizard.errors import UserError
from launchwizard.sprint import ManualItem
from launchwizard.state.model import InvalidChange, ItemState
from launchwizard.tui.dialog import Dialog, DialogBody, dialog_footer

ACTIONS = (
    ("done", "Done (with evidence)"),
    ("na", "N/A (reason required)"),
    ("waive", "Waived (reason, owner, expiry)"),
    ("reopen", "Open again"),
)
TEXT_LABELS = {"done": "Evidence", "na": "Reason", "waive": "Reason", "reopen": "Note (not saved)"}


class ChoiceButton(RadioButton):
    """A radio button whose mark shows without colour: ● when chosen, blank otherwise."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super()._button


@dataclass(frozen=True)
class ItemChange:
    """What the operator asked for; `apply` turns it into a state change or refuses it."""

    item_id: str
    action: str
    text: str = ""
    owner: str = ""
    expires: date | None = None


def parse_expiry(text: str) -> date | None:
    """An ISO date, or None when empty; anything else is refused with an example."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"the expiry must be a date like {date.today().replace(day=28).isoformat()}"
        ) from None


class ItemModal(Dialog[ItemChange | None]):
    """Mark one manual item done, N/A, waived, or open again."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal-cancel"),
        Binding("ctrl+s", "save", "Save", id="modal-save"),
    ]

    def __init__(self, item: ManualItem, state: ItemState, apply: Callable[[ItemChange], None]) -> None:
        super().__init__()
        self.item = item
        self.item_state = state
        self.apply = apply
        """Records the change or raises UserError with the reason it was refused."""
        self.action_id = (
            "done" if state.status in ("todo", "done") else state.status.replace("waived", "waive")
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="item-dialog", classes="dialog"):
            yield Static(Text(self.item.title), id="item-title", classes="dialog-title")
            with DialogBody():
                yield Static(Text(f"Why: {self.item.why}", style="italic"), id="item-why")
                with RadioSet(id="item-action", compact=True):
                    for action, label in ACTIONS:
                        yield ChoiceButton(label, value=action == self.action_id, id=f"action-{action}")
                yield Label(TEXT_LABELS[self.action_id], id="item-text-label")
                yield Input(self._prefill(), id="item-text", compact=True)
                with Horizontal(id="waiver-fields"):
                    owner = self.item_state.owner
                    yield Input(
                        owner, placeholder="owner (who answers for it)", id="item-owner", compact=True
                    )
                    expires = self.item_state.expires.isoformat() if self.item_state.expires else ""
                    yield Input(expires, placeholder="expires YYYY-MM-DD", id="item-expires", compact=True)
            yield dialog_footer("item-error", "item-save", "Save", "item-cancel")

    def _prefill(self) -> str:
        state = self.item_state
        return state.evidence if state.status == "done" else state.reason

    def on_mount(self) -> None:
        self._show_fields()
        self.query_one("#item-text", Input).focus()

    @on(RadioSet.Changed, "#item-action")
    def _action_chosen(self, event: RadioSet.Changed) -> None:
        self.action_id = (event.pressed.id or "action-done").removeprefix("action-")
        self._show_fields()

    def _show_fields(self) -> None:
        self.query_one("#item-text-label", Label).update(TEXT_LABELS[self.action_id])
        self.query_one("#waiver-fields").display = self.action_id == "waive"
        self.query_one("#item-text").display = self.action_id != "reopen"
        self.query_one("#item-error", Static).update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#item-save")
    def action_save(self) -> None:
        """Apply the change; on refusal keep the dialog open and say why."""
        try:
            change = ItemChange(
                self.item.id,
                self.action_id,
                self.query_one("#item-text", Input).value,
                self.query_one("#item-owner", Input).value,
                parse_expiry(self.query_one("#item-expires", Input).value)
                if self.action_id == "waive"
                else None,
            )
            self.apply(change)
        except UserError as exc:
            self.query_one("#item-error", Static).update(Text(f"✗ Not saved: {exc}", style="bold red"))
            return
        self.dismiss(change)

    @on(Button.Pressed, "#item-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PassphraseModal(Dialog[str | None]):
    """Ask for the keyring passphrase once; twice when the keyring file is new."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="modal-cancel")]

    def __init__(self, confirm: bool = False) -> None:
        super().__init__()
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="passphrase-dialog", classes="dialog"):
            title = "Choose a passphrase for the new keyring file" if self.confirm else "Keyring passphrase"
            yield Static(Text(title), classes="dialog-title")
            with DialogBody():
                yield Static("Secrets are encrypted with it; it is never stored.", markup=False)
                yield Input(password=True, placeholder="passphrase", id="passphrase", compact=True)
                if self.confirm:
                    yield Input(
                        password=True, placeholder="the same again", id="passphrase-again", compact=True
                    )
            yield dialog_footer("passphrase-error", "passphrase-ok", "Unlock", "passphrase-cancel")

    @on(Input.Submitted, "#passphrase")
    def _first_entered(self) -> None:
        """Enter in the first field moves on to the confirmation, when there is one."""
        if self.confirm:
            self.query_one("#passphrase-again", Input).focus()
        else:
            self.action_submit()

    @on(Input.Submitted, "#passphrase-again")
    @on(Button.Pressed, "#passphrase-ok")
    def action_submit(self) -> None:
        first = self.query_one("#passphrase", Input).value
        problem = "an empty passphrase is not allowed" if not first else None
        if problem is None and self.confirm and self.query_one("#passphrase-again", Input).value != first:
            problem = "the two passphrases differ"
        if problem:
            self.query_one("#passphrase-error", Static).update(Text(f"✗ {problem}", style="bold red"))
            return
        self.dismiss(first)

    @on(Button.Pressed, "#passphrase-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class MessagePathModal(Dialog[bool]):
    """Ask for the path of a received .eml; `apply` refuses what is not a readable file."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Use it", id="modal-save"),
        Binding("escape", "cancel", "Cancel", id="modal-cancel"),
    ]

    def __init__(self, apply: Callable[[Path], None]) -> None:
        super().__init__()
        self._apply = apply

    def compose(self) -> ComposeResult:
        with Vertical(id="message-dialog", classes="dialog"):
            yield Static(Text("Received message for email.message"), classes="dialog-title")
            with DialogBody():
                yield Static(
                    "The path of a message received from the product, saved as .eml "
                    "(with its headers, as it arrived).",
                    markup=False,
                )
                yield Input(placeholder="/path/to/welcome-email.eml", id="message-path", compact=True)
            yield dialog_footer("message-error", "message-ok", "Use it", "message-cancel")

    @on(Input.Submitted, "#message-path")
    @on(Button.Pressed, "#message-ok")
    def action_submit(self) -> None:
        raw = self.query_one("#message-path", Input).value.strip()
        try:
            if not raw:
                raise InvalidChange("a path is required")
            self._apply(Path(raw))
        except UserError as exc:
            self.query_one("#message-error", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#message-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class AcceptRiskModal(Dialog[str | None]):
    """Accept one failed finding of a check (a prompt of ai.injection) with a reason.

    `findings` are the ids that may be accepted; `apply(key, reason, by)` raises
    InvalidChange for a missing reason, shown here, and nothing is saved.
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", "Accept", id="modal-save"),
        Binding("escape", "cancel", "Cancel", id="modal-cancel"),
    ]

    def __init__(self, check: str, findings: list[str], apply: Callable[[str, str, str], None]) -> None:
        super().__init__()
        self._check = check
        self._findings = findings
        self._apply = apply

    def compose(self) -> ComposeResult:
        with Vertical(id="risk-dialog", classes="dialog"):
            yield Static(Text(f"Accept a risk of {self._check}"), classes="dialog-title")
            with DialogBody():
                yield Static(
                    Text(
                        "It stops counting against the launch and is listed with the reason in the pack. "
                        f"Failed: {', '.join(self._findings)}"
                    )
                )
                yield Label("Finding")
                yield Input(value=self._findings[0], id="risk-finding", compact=True)
                yield Label("Reason")
                yield Input(placeholder="why the team accepts it", id="risk-reason", compact=True)
                yield Label("Accepted by")
                yield Input(placeholder="name", id="risk-by", compact=True)
            yield dialog_footer("risk-error", "risk-ok", "Accept", "risk-cancel")

    def on_mount(self) -> None:
        self.query_one("#risk-reason", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#risk-ok")
    def action_submit(self) -> None:
        finding = self.query_one("#risk-finding", Input).value.strip()
        reason = self.query_one("#risk-reason", Input).value
        by = self.query_one("#risk-by", Input).value
        try:
            if finding not in self._findings:
                raise InvalidChange(f"{finding!r} is not a failed finding here ({', '.join(self._findings)})")
            self._apply(f"{self._check}:{finding}", reason, by)
        except UserError as exc:
            self.query_one("#risk-error", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        self.dismiss(finding)

    @on(Button.Pressed, "#risk-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
