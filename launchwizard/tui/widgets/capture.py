"""The stage's capture form: who owns what, saved to the store as the operator types.

Clear fields save half a second after the last key and on leaving the field, from the UI
thread (store.toml writes are small). Secret fields save on Enter or on leaving the field,
in a thread worker, because the keyring may run a key derivation or an OS dialog; the
worker only posts FieldSaved. Secrets are masked, never pre-filled, and the input is
emptied as soon as the value is handed to the worker.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from launchwizard.errors import UserError
from launchwizard.safe.terminal import safe_text
from launchwizard.session import Session
from launchwizard.store.errors import NoPassphrase, WrongPassphrase
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.view import FieldView, SectionView
from launchwizard.tui.messages import FieldSaved

DEBOUNCE_S = 0.5


def dom_id(name: str) -> str:
    """`registrar.owner` -> `registrar-owner` (names never contain "-", so this is reversible)."""
    return name.replace(".", "-")


def placeholder_for(secret: bool, is_set: bool) -> str:
    if secret:
        return "set · type to replace, Enter saves" if is_set else "not set · Enter saves"
    return "set" if is_set else "not set"


def shown_value(field: FieldView) -> str:
    """A clear value as the field shows it: control characters (a value stored from a script
    or a hand-edited store.toml) as their codes. Only an edit replaces the stored value."""
    return safe_text(field.value or "")


class FieldInput(Input):
    """An Input that knows which store field it edits; an empty one may show what the
    registry says (`suggestion`, already marked with its source) as its placeholder."""

    def __init__(self, field: FieldView, suggestion: str | None = None) -> None:
        placeholder = placeholder_for(field.secret, field.is_set)
        if suggestion and not field.secret and not field.is_set:
            placeholder = safe_text(suggestion)
        super().__init__(
            value="" if field.secret else shown_value(field),
            placeholder=placeholder,
            password=field.secret,
            id=f"field-{dom_id(field.name)}",
            compact=True,
        )
        self.field_name = field.name
        self.secret = field.secret


class CaptureForm(VerticalScroll):
    """Inputs for every field of the stage's store sections."""

    def __init__(self, session: Session, sections: list[SectionView], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.session = session
        self.sections = sections
        self._saved: dict[str, str] = {}
        """Last value written per clear field, so an unchanged field is never rewritten."""
        self._debounce: dict[str, Timer] = {}
        self._pending_secrets: deque[tuple[str, str]] = deque()
        self._secret_in_flight = False
        self._ask_passphrase = False
        """Set after a wrong passphrase, so the next secret asks again."""

    def compose(self) -> ComposeResult:
        if not self.sections:
            yield Static("Nothing to capture in this stage.", classes="empty")
            return
        prefill = self.session.registry_prefill()
        for section in self.sections:
            yield Static(Text(section.title, style="bold"), classes="section-title")
            for field in section.fields:
                if not field.secret:
                    self._saved[field.name] = shown_value(field)
                yield Label(Text(field.label + (" 🔒" if field.secret else "")), classes="field-label")
                yield FieldInput(field, prefill.get(field.name))
                status = self._initial_status(field)
                yield Static(status, classes="field-status", id=self._status_id(field.name))

    def focus_first(self) -> None:
        """Focus the first field (or the form itself when the stage captures nothing)."""
        fields = self.query(FieldInput)
        (fields.first() if fields else self).focus()

    def _initial_status(self, field: FieldView) -> Text:
        if field.secret and field.is_set:
            return Text("✓ set (keyring)")
        return Text("✓ saved" if field.is_set else "")

    def _status_id(self, name: str) -> str:
        return f"status-{dom_id(name)}"

    def show_status(self, name: str, text: str, style: str = "") -> None:
        self.query_one(f"#{self._status_id(name)}", Static).update(Text(text, style=style))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = event.input
        if not isinstance(field, FieldInput) or field.secret:
            return
        if field.value != self._saved.get(field.field_name, ""):
            self.show_status(field.field_name, "… editing", "italic")
        self._arm(field)

    def _arm(self, field: FieldInput) -> None:
        if (timer := self._debounce.pop(field.field_name, None)) is not None:
            timer.stop()
        self._debounce[field.field_name] = self.set_timer(DEBOUNCE_S, lambda: self.save_clear(field))

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        field = event.input
        if isinstance(field, FieldInput):
            self.save_secret(field) if field.secret else self.save_clear(field)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        field = event.input
        if isinstance(field, FieldInput):
            self.save_secret(field) if field.secret else self.save_clear(field)

    def save_clear(self, field: FieldInput) -> None:
        """Write a clear field if it changed; wait while a secret write holds the store."""
        if self._secret_in_flight:
            self._arm(field)
            return
        value = field.value.strip()
        if value == self._saved.get(field.field_name, ""):
            return
        try:
            self.session.save_field(field.field_name, value)
        except UserError as exc:
            self.show_status(field.field_name, "✗ not saved", "bold red")
            self.notify(f"{field.field_name} was not saved: {exc}", severity="error", markup=False)
            return
        self._saved[field.field_name] = value
        self.show_status(field.field_name, "✓ saved" if value else "✓ cleared", "green")

    def save_secret(self, field: FieldInput) -> None:
        """Hand the value to the keyring worker (asking for the passphrase first if needed)."""
        value = field.value
        if not value:
            return
        field.value = ""
        self._pending_secrets.append((field.field_name, value))
        self.show_status(field.field_name, "… saving to keyring", "italic")
        if not self._secret_in_flight:
            self._next_secret()

    def _next_secret(self) -> None:
        if not self._pending_secrets:
            self._secret_in_flight = False
            return
        self._secret_in_flight = True
        if self.session.needs_passphrase or self._ask_passphrase:
            from launchwizard.tui.modals import PassphraseModal

            backend = self.session.store.backend
            new_file = isinstance(backend, EncryptedFileKeyring) and not backend.path.exists()
            self.app.push_screen(PassphraseModal(confirm=new_file), self._passphrase_given)
            return
        name, value = self._pending_secrets.popleft()
        self._store_secret(name, value)

    def _passphrase_given(self, passphrase: str | None) -> None:
        if passphrase is None:
            for name, _ in self._pending_secrets:
                self.show_status(name, "✗ not saved (no passphrase)", "bold red")
            self._pending_secrets.clear()
            self._secret_in_flight = False
            return
        self.session.use_passphrase(passphrase)
        self._ask_passphrase = False
        self._next_secret()

    @work(thread=True, group="secrets", exit_on_error=False, description="save a secret to the keyring")
    def _store_secret(self, name: str, value: str) -> None:
        try:
            self.session.save_field(name, value, secret=True)
        except (WrongPassphrase, NoPassphrase) as exc:
            self.post_message(FieldSaved(name, True, str(exc), bad_passphrase=True))
        except UserError as exc:
            self.post_message(FieldSaved(name, True, str(exc)))
        except Exception as exc:
            self.post_message(FieldSaved(name, True, f"internal error: {type(exc).__name__}"))
        else:
            self.post_message(FieldSaved(name, True))

    @on(FieldSaved)
    def _secret_saved(self, event: FieldSaved) -> None:
        event.stop()
        if event.error is None:
            self.show_status(event.name, "✓ saved to keyring", "green")
            field = self.query_one(f"#field-{dom_id(event.name)}", FieldInput)
            field.placeholder = placeholder_for(True, True)
        else:
            self.show_status(event.name, "✗ not saved", "bold red")
            self.notify(f"{event.name} was not saved: {event.error}", severity="error", markup=False)
            self._ask_passphrase = event.bad_passphrase
            if event.bad_passphrase:
                for name, _ in self._pending_secrets:
                    self.show_status(name, "✗ not saved", "bold red")
                self._pending_secrets.clear()
        self._next_secret()
