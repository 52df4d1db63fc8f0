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

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from launchwizard.state.locking import locked
from launchwizard.store.backend import choose_keyring, describe
from launchwizard.store.catalog import (
    SECTIONS,
    SectionSpec,
    catalog_secret,
    check_value,
    custom_section,
    label_for,
    parse_name,
    section_spec,
)
from launchwizard.store.errors import StoreError
from launchwizard.store.storefile import STORE_FILE, StoreDocument, load_document, save_document
from launchwizard.store.view import FieldView, SectionView, StoreView

if TYPE_CHECKING:
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

    def __init__(self, state_dir: Path, service: str, backend: KeyringBackend) -> None:
        self.state_dir = state_dir
        self.service = service
        self.backend = backend

    @classmethod
    def for_sprint(cls, sprint: Sprint, backend: KeyringBackend | None = None) -> Store:
        """The sprint's store, in its .launchwizard/ with the chosen keyring."""
        return cls(sprint.state_dir, service_for(sprint.apex), backend or choose_keyring())

    @property
    def path(self) -> Path:
        return self.state_dir / STORE_FILE

    @property
    def location(self) -> str:
        """Where this store's secrets live, in words (no values)."""
        return describe(self.backend, self.service)

    def is_secret(self, name: str) -> bool:
        parse_name(name)
        return catalog_secret(name) or name in load_document(self.path).secrets

    def set(self, name: str, value: str, secret: bool = False) -> None:
        """Save a field; a secret goes to the keyring first, then its name to the index."""
        section, field = parse_name(name)
        check_value(value)
        with locked(self.path):
            document = load_document(self.path)
            if secret or catalog_secret(name) or name in document.secrets:
                self._keyring_set(name, value)
                document.drop(section, field)
                document.secrets.add(name)
            else:
                document.put(section, field, value)
            save_document(self.path, document)

    def get(self, name: str, *, reveal: bool = False) -> str | None:
        """A clear field's value, or None. A secret's value only with reveal=True."""
        section, field = parse_name(name)
        document = load_document(self.path)
        if not (catalog_secret(name) or name in document.secrets):
            return document.value(section, field)
        if not reveal:
            raise StoreError(f"{name} is a secret; its value is given only when asked for explicitly")
        return self._keyring_get(name) if name in document.secrets else None

    def delete(self, name: str) -> bool:
        """Unset a field, clear or secret; False when it was not set."""
        section, field = parse_name(name)
        with locked(self.path):
            document = load_document(self.path)
            was_secret = name in document.secrets
            if was_secret:
                self._keyring_delete(name)
                document.secrets.discard(name)
            was_clear = document.drop(section, field)
            if was_secret or was_clear:
                save_document(self.path, document)
        return was_secret or was_clear

    def secret_names(self) -> builtins.list[str]:
        """Names of the secret fields that are set, sorted."""
        return sorted(load_document(self.path).secrets)

    def view(self) -> StoreView:
        """Every catalog section, then captured custom ones; no secret value anywhere."""
        document = load_document(self.path)
        captured = set(document.values) | {n.partition(".")[0] for n in document.secrets}
        specs = list(SECTIONS) + [custom_section(s) for s in sorted(captured) if section_spec(s) is None]
        return StoreView(tuple(self._section_view(spec, document) for spec in specs))

    def list(self) -> builtins.list[Entry]:
        """Every field of the view as a row; secrets displayed as set/unset."""
        return [_entry(f) for section in self.view().sections for f in section.fields]

    def _section_view(self, spec: SectionSpec, document: StoreDocument) -> SectionView:
        names = [f.field for f in spec.fields]
        extra = set(document.values.get(spec.id, {}))
        extra |= {n.partition(".")[2] for n in document.secrets if n.partition(".")[0] == spec.id}
        names += sorted(extra - set(names))
        fields = tuple(self._field_view(spec.id, name, document) for name in names)
        return SectionView(spec.id, spec.title, spec.kind, fields)

    def _field_view(self, section: str, field: str, document: StoreDocument) -> FieldView:
        name = f"{section}.{field}"
        label = label_for(field)
        if catalog_secret(name) or name in document.secrets:
            is_set = name in document.secrets
            return FieldView(name, label, True, is_set, None, self.location)
        value = document.value(section, field)
        return FieldView(name, label, False, value is not None, value)

    def _refused(self, name: str, action: str, exc: Exception) -> StoreError:
        """The keyring's own reason; keyring messages never carry the value."""
        return StoreError(f"{name} was not {action}: the keyring ({self.location}) refused: {exc}")

    def _keyring_set(self, name: str, value: str) -> None:
        try:
            self.backend.set_password(self.service, name, value)
        except KeyringError as exc:
            raise self._refused(name, "saved", exc) from None

    def _keyring_get(self, name: str) -> str | None:
        try:
            return self.backend.get_password(self.service, name)
        except KeyringError as exc:
            raise self._refused(name, "read", exc) from None

    def _keyring_delete(self, name: str) -> None:
        """Remove from the keyring; already gone is fine, the index is what is corrected."""
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
