"""The store API: clear fields in store.toml, secret fields only in a keyring.

Which secret fields are set is recorded in store.toml by name, so listing the store and
rendering the pack never unlock the keyring (no passphrase prompt just to show "set").
A field is secret when the catalog says so, when its NAME looks like a credential, when
the caller says so, or when it was once stored as a secret: it never silently goes back
to clear text.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from launchwizard.state.locking import locked
from launchwizard.store.catalog import (
    RENAMED,
    SectionSpec,
    canonical_name,
    catalog_secret,
    check_value,
    custom_section,
    label_for,
    parse_name,
    sections_for,
)
from launchwizard.store.errors import StoreError
from launchwizard.store.storefile import STORE_FILE, StoreDocument, load_document, save_document
from launchwizard.store.view import FieldView, SectionView, StoreView

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from launchwizard.config import Sprint


class Entry(NamedTuple):
    """One row of `store list`: `display` is the value of a clear field, else set/unset."""

    name: str
    secret: bool
    is_set: bool
    display: str


def service_for(apex: str) -> str:
    """The keyring service of a sprint: one per product, so two clients never mix."""
    return f"launchwizard:{apex}"


class Store:
    """Captured details of one sprint; see the module docstring."""

    def __init__(
        self,
        state_dir: Path,
        service: str,
        backend: KeyringBackend | None = None,
        environments: tuple[str, ...] = (),
    ) -> None:
        self.state_dir = state_dir
        self.service = service
        self._backend = backend
        """The keyring; None until a secret is first touched, then the one `choose_keyring`
        picks (probing the OS keyrings costs a tenth of a second that listing never needs)."""
        self.sections = sections_for(environments)
        """The catalog of this sprint: the env section asks about each of its environments."""

    @classmethod
    def for_sprint(cls, sprint: Sprint, backend: KeyringBackend | None = None) -> Store:
        """The sprint's store, in its .launchwizard/ with the keyring chosen when first needed."""
        return cls(sprint.state_dir, service_for(sprint.apex), backend, tuple(sprint.environments))

    @property
    def backend(self) -> KeyringBackend:
        if self._backend is None:
            from launchwizard.store.backend import choose_keyring

            self._backend = choose_keyring()
        return self._backend

    @property
    def path(self) -> Path:
        return self.state_dir / STORE_FILE

    @property
    def location(self) -> str:
        """Where this store's secrets live, in words (no values)."""
        from launchwizard.store.backend import describe

        return describe(self.backend, self.service)

    def is_secret(self, name: str) -> bool:
        parse_name(name)
        name = canonical_name(name)
        return catalog_secret(name) or name in load_document(self.path).secrets

    def set(self, name: str, value: str, secret: bool = False) -> None:
        """Save a field; a secret goes to the keyring first, then its name to the index."""
        parse_name(name)
        name = canonical_name(name)
        section, field = parse_name(name)
        check_value(value)
        with locked(self.path):
            document = load_document(self.path)
            if secret or catalog_secret(name) or name in document.secrets:
                self._keyring_set(name, value)
                document.drop(section, field, remember=False)
                document.forget(name)
                document.secrets.add(name)
                self._forget_old_names(name, document)
            else:
                document.put(section, field, value)
            save_document(self.path, document)

    def get(self, name: str, *, reveal: bool = False) -> str | None:
        """A clear field's value, or None. A secret's value only with reveal=True."""
        parse_name(name)
        name = canonical_name(name)
        section, field = parse_name(name)
        document = load_document(self.path)
        if not (catalog_secret(name) or name in document.secrets):
            return document.value(section, field)
        if not reveal:
            raise StoreError(f"{name} is a secret; its value is given only when asked for explicitly")
        if name not in document.secrets and self._old_name(name, document) is not None:
            return self._migrate(name)
        return self._keyring_get(name) if name in document.secrets else None

    def delete(self, name: str) -> bool:
        """Unset a field, clear or secret (and its old name); False when it was not set."""
        parse_name(name)
        name = canonical_name(name)
        section, field = parse_name(name)
        with locked(self.path):
            document = load_document(self.path)
            was_secret = name in document.secrets
            if was_secret:
                self._keyring_delete(name)
                document.secrets.discard(name)
            was_old = self._forget_old_names(name, document)
            was_clear = document.drop(section, field)
            if was_secret or was_clear or was_old:
                save_document(self.path, document)
        return was_secret or was_clear or was_old

    def previous(self, name: str) -> builtins.list[str]:
        """The values a clear field had before, newest first (none for a secret)."""
        parse_name(name)
        return list(load_document(self.path).history.get(canonical_name(name), []))

    def restore(self, name: str) -> str:
        """Put back the value a clear field had before its last change (the value it has now
        becomes the newest earlier one, so restoring again undoes the restore); returns it."""
        parse_name(name)
        name = canonical_name(name)
        section, field = parse_name(name)
        with locked(self.path):
            document = load_document(self.path)
            earlier = document.history.get(name, [])
            if not earlier:
                raise StoreError(f"{name} has no earlier value to restore")
            value = earlier[0]
            document.history[name] = earlier[1:]
            document.put(section, field, value)
            save_document(self.path, document)
        return value

    def secret_names(self) -> builtins.list[str]:
        """Names of the secret fields that are set, sorted; a field set under its old name
        is listed under its new one (reading it moves it there)."""
        return sorted({canonical_name(name) for name in load_document(self.path).secrets})

    def _old_name(self, name: str, document: StoreDocument) -> str | None:
        """The old name `name` is still set under, if any."""
        return next((old for old, new in RENAMED.items() if new == name and old in document.secrets), None)

    def _forget_old_names(self, name: str, document: StoreDocument) -> bool:
        """Remove what is stored under the old names of `name`; True when there was some."""
        found = False
        while (old := self._old_name(name, document)) is not None:
            self._keyring_delete(old)
            document.secrets.discard(old)
            found = True
        return found

    def _migrate(self, name: str) -> str | None:
        """Move a secret stored under its old name to `name`; returns its value."""
        with locked(self.path):
            document = load_document(self.path)
            old = self._old_name(name, document)
            if old is None:
                return self._keyring_get(name) if name in document.secrets else None
            value = self._keyring_get(old)
            if value is None:
                document.secrets.discard(old)
            else:
                self._keyring_set(name, value)
                document.secrets.add(name)
                self._forget_old_names(name, document)
            save_document(self.path, document)
            return value

    def view(self) -> StoreView:
        """Every catalog section, then captured custom ones; no secret value anywhere. A
        field set only under its old name shows as set under its new one."""
        document = load_document(self.path)
        captured = set(document.values) | {n.partition(".")[0] for n in document.secrets}
        known = {spec.id for spec in self.sections}
        specs = list(self.sections) + [custom_section(s) for s in sorted(captured) if s not in known]
        sections = (self._section_view(spec, document) for spec in specs)
        return StoreView(tuple(section for section in sections if section.fields or section.id in known))

    def list(self) -> builtins.list[Entry]:
        """Every field of the view as a row; secrets displayed as set/unset."""
        return [_entry(f) for section in self.view().sections for f in section.fields]

    def _section_view(self, spec: SectionSpec, document: StoreDocument) -> SectionView:
        names = [f.field for f in spec.fields]
        extra = set(document.values.get(spec.id, {}))
        extra |= {
            n.partition(".")[2]
            for n in document.secrets
            if n.partition(".")[0] == spec.id and n not in RENAMED
        }
        names += sorted(extra - set(names))
        fields = tuple(self._field_view(spec, name, document) for name in names)
        return SectionView(spec.id, spec.title, spec.kind, fields, spec.hint)

    def _field_view(self, spec: SectionSpec, field: str, document: StoreDocument) -> FieldView:
        name = f"{spec.id}.{field}"
        known = spec.field(field)
        label = known.label if known is not None else label_for(field)
        multiline = known.multiline if known is not None else False
        if catalog_secret(name) or name in document.secrets:
            is_set = name in document.secrets or self._old_name(name, document) is not None
            return FieldView(name, label, True, is_set, None, self.location, multiline)
        value = document.value(spec.id, field)
        previous = tuple(document.history.get(name, ()))
        return FieldView(name, label, False, value is not None, value, None, multiline, previous)

    def _refused(self, name: str, action: str, exc: Exception) -> StoreError:
        """The keyring's own reason; keyring messages never carry the value."""
        return StoreError(f"{name} was not {action}: the keyring ({self.location}) refused: {exc}")

    def _keyring_set(self, name: str, value: str) -> None:
        from keyring.errors import KeyringError

        try:
            self.backend.set_password(self.service, name, value)
        except KeyringError as exc:
            raise self._refused(name, "saved", exc) from None

    def _keyring_get(self, name: str) -> str | None:
        from keyring.errors import KeyringError

        try:
            return self.backend.get_password(self.service, name)
        except KeyringError as exc:
            raise self._refused(name, "read", exc) from None

    def _keyring_delete(self, name: str) -> None:
        """Remove from the keyring; already gone is fine, the index is what is corrected."""
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            self.backend.delete_password(self.service, name)
        except PasswordDeleteError as exc:
            if self._keyring_get(name) is not None:
                raise self._refused(name, "deleted", exc) from None
        except KeyringError as exc:
            raise self._refused(name, "deleted", exc) from None


def _entry(field: FieldView) -> Entry:
    if field.secret:
        return Entry(field.name, True, field.is_set, "set" if field.is_set else "unset")
    return Entry(field.name, False, field.is_set, field.value if field.value is not None else "unset")


class StoreLocked(StoreError):
    """A secret was needed where no one can type the keyring passphrase."""


def unattended_lookup(store: Store) -> Callable[[str], str | None]:
    """Read secrets for checks without ever prompting: a file keyring whose passphrase would
    come from a terminal refuses with what to do instead. A secret that was never stored is
    None without unlocking anything (store.toml records which secrets are set)."""

    def lookup(name: str) -> str | None:
        if name not in store.secret_names():
            return None
        backend = store.backend
        if getattr(backend, "asks_for_passphrase", False):
            raise StoreLocked(
                "the encrypted keyring is locked: set LAUNCHWIZARD_PASSPHRASE (or unlock it in the wizard)"
            )
        return store.get(name, reveal=True)

    return lookup
