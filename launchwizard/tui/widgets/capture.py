"""The stage's capture form: who owns what, saved to the store only when the operator says so.

Each field shows its saved value and lets every key through (the stage keys navigate,
whatever is focused). Enter opens an editor on it; Enter (ctrl+s in a multi-line one) saves,
Escape puts the saved value back. While the draft differs from what is saved the field says
"● unsaved", also after focus moved away; nothing is written until it is saved. A clear
field's earlier values are kept by the store: `u` puts back the one before the last change
(and `u` again undoes that), and up and down in the editor step through them.

Clear fields are written from the UI thread (store.toml writes are small). Secret fields are
written in a thread worker, because the keyring may run a key derivation or an OS dialog;
the worker only posts FieldSaved. Secrets are masked, never pre-filled, and the editor is
emptied as soon as the value is handed to the worker.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.events import DescendantBlur
from textual.widgets import Input, Label, Static, TextArea

from launchwizard.errors import UserError
from launchwizard.session import Session
from launchwizard.store.errors import NoPassphrase, WrongPassphrase
from launchwizard.store.view import FieldView, SectionView
from launchwizard.tui.messages import FieldSaved
from launchwizard.tui.widgets.capture_field import (
    FieldValue,
    Finished,
    LineEditor,
    TextEditor,
    dom_id,
    editable_text,
    uses_text_area,
)

Editor = LineEditor | TextEditor


def saved_status(field: FieldView) -> Text:
    """The status of a field at rest: saved or set, and how many earlier values it keeps."""
    if field.secret:
        return Text("✓ set (keyring)" if field.is_set else "")
    if not field.is_set:
        return Text(f"↺ {len(field.previous)} earlier (u)" if field.previous else "")
    earlier = f" · {len(field.previous)} earlier (u)" if field.previous else ""
    return Text(f"✓ saved{earlier}")


class CaptureForm(VerticalScroll):
    """Every field of the stage's store sections, each saved only on purpose."""

    DEFAULT_CSS = """
    CaptureForm { padding: 1 0; }
    CaptureForm .section-title { padding: 0 1; margin-top: 1; text-style: bold; }
    CaptureForm .section-hint { padding: 0 1; color: $text-muted; }
    CaptureForm .field-row { height: auto; }
    CaptureForm .field-label { width: 22; padding: 0 1; }
    CaptureForm .field-status { width: 26; padding: 0 1; }
    CaptureForm LineEditor, CaptureForm TextEditor { width: 1fr; }
    CaptureForm LineEditor { margin-left: 1; }
    """

    def __init__(self, session: Session, sections: list[SectionView], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.session = session
        self.sections = sections
        self.fields: dict[str, FieldView] = {f.name: f for s in sections for f in s.fields}
        """Each field as last saved."""
        self.editing: set[str] = set()
        """Fields whose editor is open."""
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
            yield Static(Text(section.title), classes="section-title")
            if section.hint:
                yield Static(Text(section.hint), classes="section-hint")
            for field in section.fields:
                with Horizontal(classes="field-row"):
                    yield Label(Text(field.label + (" 🔒" if field.secret else "")), classes="field-label")
                    yield FieldValue(field, prefill.get(field.name))
                    yield Static(
                        saved_status(field), classes="field-status", id=f"status-{dom_id(field.name)}"
                    )

    def focus_first(self) -> None:
        """Focus the first field's saved value (keys still navigate), or the form when it has none."""
        values = self.query(FieldValue)
        (values.first() if values else self).focus()

    @property
    def unsaved(self) -> list[str]:
        """Fields with a draft that differs from what is saved."""
        return [name for name in sorted(self.editing) if self._changed(name)]

    def show_status(self, name: str, text: str, style: str = "") -> None:
        self.query_one(f"#status-{dom_id(name)}", Static).update(Text(text, style=style))

    # ------------------------------------------------------------ editing

    @on(FieldValue.Edit)
    async def _edit(self, event: FieldValue.Edit) -> None:
        event.stop()
        field = self.fields[event.name]
        editor = self._editor(event.name) or await self._mount_editor(field)
        editor.start(field)
        self.editing.add(event.name)
        self._value_widget(event.name).display = False
        editor.display = True
        editor.focus()
        self.show_status(event.name, "✎ editing", "italic")

    async def _mount_editor(self, field: FieldView) -> Editor:
        """Editors are made on first use: most fields of most stages are never edited."""
        editor: Editor = TextEditor(field) if uses_text_area(field) else LineEditor(field)
        value = self._value_widget(field.name)
        assert value.parent is not None
        await value.parent.mount(editor, after=value)
        return editor

    def _editor(self, name: str) -> Editor | None:
        found = self.query(f"#edit-{dom_id(name)}")
        return found.first() if found else None  # type: ignore[return-value]

    def _value_widget(self, name: str) -> FieldValue:
        return self.query_one(f"#field-{dom_id(name)}", FieldValue)

    def _draft(self, name: str) -> str:
        editor = self._editor(name)
        return editor.value if editor is not None else ""

    def _changed(self, name: str) -> bool:
        field = self.fields[name]
        draft = self._draft(name)
        if field.secret:
            return bool(draft)
        return _clean(draft) != _clean(self._editor_start(name))

    def _editor_start(self, name: str) -> str:
        editor = self._editor(name)
        if isinstance(editor, LineEditor):
            return editor.earlier[0] if editor.earlier else ""
        return editable_text(self.fields[name].value or "")

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _typed(self, event: Input.Changed | TextArea.Changed) -> None:
        name = getattr(event.control, "field_name", None)
        if name in self.editing:
            event.stop()
            unsaved = self._changed(name)
            self.show_status(name, "● unsaved" if unsaved else "✎ editing", "bold" if unsaved else "italic")

    @on(DescendantBlur)
    def _left(self, event: DescendantBlur) -> None:
        """Leaving an editor with nothing changed closes it; a changed draft stays open,
        marked unsaved, until it is saved or cancelled."""
        name = getattr(event.widget, "field_name", None)
        if name in self.editing and not self._changed(name):
            self._close(name, focus=False)
            self.show_status(name, *_plain(saved_status(self.fields[name])))

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        event.stop()
        if event.save:
            self._save(event.name)
            return
        editor = self._editor(event.name)
        if editor is not None:
            editor.start(self.fields[event.name])
        self._close(event.name)
        self.show_status(event.name, *_plain(saved_status(self.fields[event.name])))

    def _close(self, name: str, focus: bool = True) -> None:
        self.editing.discard(name)
        editor = self._editor(name)
        if editor is not None:
            editor.display = False
        value = self._value_widget(name)
        value.display = True
        if focus:
            value.focus()

    def _save(self, name: str) -> None:
        field = self.fields[name]
        if field.secret:
            self._hand_over_secret(name)
        elif not self._changed(name):
            self._close(name)
            self.show_status(name, *_plain(saved_status(field)))
        else:
            self._save_clear(name, _clean(self._draft(name)))

    def _save_clear(self, name: str, value: str) -> None:
        try:
            self.session.save_field(name, value)
        except UserError as exc:
            self.show_status(name, "✗ not saved", "bold red")
            self.notify(f"{name} was not saved: {exc}", severity="error", markup=False)
            return
        self._refresh_field(name)
        self._close(name)
        done = saved_status(self.fields[name]).plain if value else "✓ cleared (u undoes)"
        self.show_status(name, done, "green")

    def _refresh_field(self, name: str) -> None:
        """Read the field back from the store (its value and earlier values) and show it."""
        section = self.session.store.view().section(name.split(".", 1)[0])
        field = section.field(name) if section is not None else None
        if field is not None:
            self.fields[name] = field
            self._value_widget(name).show(field)

    @on(FieldValue.Restore)
    def _restore(self, event: FieldValue.Restore) -> None:
        event.stop()
        field = self.fields[event.name]
        if field.secret or not field.previous:
            self.notify(f"{field.label} has no earlier value to put back.", markup=False)
            return
        try:
            self.session.restore_field(event.name)
        except UserError as exc:
            self.notify(f"{event.name} was not restored: {exc}", severity="error", markup=False)
            return
        self._refresh_field(event.name)
        self.show_status(event.name, "↺ restored (u undoes)", "green")

    # ------------------------------------------------------------ secrets

    def _hand_over_secret(self, name: str) -> None:
        """Give the typed secret to the keyring worker (asking for the passphrase first if
        needed); an empty editor saves nothing."""
        editor = self._editor(name)
        value = editor.value if editor is not None else ""
        if editor is not None:
            editor.start(self.fields[name])
        self._close(name)
        if not value:
            self.show_status(name, *_plain(saved_status(self.fields[name])))
            return
        self._pending_secrets.append((name, value))
        self.show_status(name, "… saving to keyring", "italic")
        if not self._secret_in_flight:
            self._next_secret()

    def _next_secret(self) -> None:
        if not self._pending_secrets:
            self._secret_in_flight = False
            return
        self._secret_in_flight = True
        if self.session.needs_passphrase or self._ask_passphrase:
            from launchwizard.store.filekeyring import EncryptedFileKeyring
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
            self._refresh_field(event.name)
            self.show_status(event.name, "✓ saved to keyring", "green")
        else:
            self.show_status(event.name, "✗ not saved", "bold red")
            self.notify(f"{event.name} was not saved: {event.error}", severity="error", markup=False)
            self._ask_passphrase = event.bad_passphrase
            if event.bad_passphrase:
                for name, _ in self._pending_secrets:
                    self.show_status(name, "✗ not saved", "bold red")
                self._pending_secrets.clear()
        self._next_secret()


def _clean(value: str) -> str:
    """A draft as it is saved: outer blank space and trailing spaces on each line dropped."""
    return "\n".join(line.rstrip() for line in value.strip().split("\n"))


def _plain(text: Text) -> tuple[str, str]:
    return text.plain, str(text.style or "")
