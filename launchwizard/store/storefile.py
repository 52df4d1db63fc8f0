"""store.toml: the non-secret fields and the names (never values) of secrets that are set.

    version = 1
    secrets = ["dns.api_token", "registrar.password"]

    [sections.registrar]
    owner = "Jane Doe"

    [history]
    "registrar.owner" = ["Dana Smith", "Sam Lee"]

`history` keeps the values a clear field had before it was overwritten or cleared, newest
first and at most HISTORY_DEPTH of them, so a slip can be undone; a secret field has none.

It is read strictly, because it may be edited by hand: a syntax error, an unknown key, a
malformed name or a secret-looking field written in clear is a StoreFileError naming the
file and line. The writer refuses to put any secret field in clear, whatever the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from launchwizard.config.load import parse_toml_text
from launchwizard.config.locate import Locator
from launchwizard.safe.files import MIB, read_capped
from launchwizard.state.atomic import write_text_atomic
from launchwizard.store.catalog import catalog_secret, parse_name, value_problem
from launchwizard.store.errors import StoreError, StoreFileError

STORE_FILE_LIMIT = 4 * MIB
"""Captured details are short lines typed by people; megabytes mean something is wrong."""

STORE_FILE = "store.toml"
FORMAT_VERSION = 1
HISTORY_DEPTH = 5
"""How many earlier values of a clear field are kept for restoring."""
_TOP_KEYS = {"version", "secrets", "sections", "history"}


@dataclass
class StoreDocument:
    """The decoded file: clear values by section and field, the set secrets' names, and the
    earlier values of clear fields (full name -> values, newest first)."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    history: dict[str, list[str]] = field(default_factory=dict)

    def value(self, section: str, name: str) -> str | None:
        return self.values.get(section, {}).get(name)

    def put(self, section: str, name: str, value: str) -> None:
        """Set a clear value; the one it replaces goes to the field's history."""
        if catalog_secret(f"{section}.{name}") or f"{section}.{name}" in self.secrets:
            raise StoreError(f"{section}.{name} is a secret field; it is never written to {STORE_FILE}")
        self._remember(section, name, value)
        self.values.setdefault(section, {})[name] = value

    def drop(self, section: str, name: str, remember: bool = True) -> bool:
        """Remove a clear value (into its history, unless told not to); True if there was one."""
        fields = self.values.get(section, {})
        if name not in fields:
            return False
        if remember:
            self._remember(section, name, "")
        del fields[name]
        if not fields:
            del self.values[section]
        return True

    def forget(self, full_name: str) -> None:
        """Drop a field's history (it became secret: its old clear values must go)."""
        self.history.pop(full_name, None)

    def _remember(self, section: str, name: str, replacement: str) -> None:
        old = self.value(section, name)
        if old is None or old == replacement:
            return
        full = f"{section}.{name}"
        kept = [old, *(v for v in self.history.get(full, []) if v not in (old, replacement))]
        self.history[full] = kept[:HISTORY_DEPTH]


def load_document(path: Path) -> StoreDocument:
    """The saved document, or an empty one when nothing was saved yet."""
    try:
        data = read_capped(path, STORE_FILE_LIMIT)
    except FileNotFoundError:
        return StoreDocument()
    except OSError as exc:
        raise StoreFileError(path, "", f"cannot read: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise StoreFileError(path, "", "the file is not valid UTF-8", line) from None
    return _Reader(path, text).document(parse_toml_text(path, text, StoreFileError))


def save_document(path: Path, document: StoreDocument) -> None:
    """Write store.toml atomically and privately (0600)."""
    for section, fields in document.values.items():
        for name in fields:
            if catalog_secret(f"{section}.{name}"):
                raise StoreError(f"{section}.{name} is a secret field; it is never written to {STORE_FILE}")
    for name in document.history:
        if catalog_secret(name) or name in document.secrets:
            raise StoreError(f"{name} is a secret field; its values are never written to {STORE_FILE}")
    body: dict[str, Any] = {"version": FORMAT_VERSION, "secrets": sorted(document.secrets)}
    body["sections"] = {s: dict(sorted(f.items())) for s, f in sorted(document.values.items()) if f}
    history = {name: values for name, values in sorted(document.history.items()) if values}
    if history:
        body["history"] = history
    write_text_atomic(path, tomli_w.dumps(body))


class _Reader:
    """Turns the parsed TOML into a StoreDocument, locating each problem on its line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, key: tuple[str, ...], message: str) -> StoreFileError:
        line = Locator(self.text).line_of(key) if key else None
        return StoreFileError(self.path, ".".join(key), message, line)

    def document(self, raw: dict[str, Any]) -> StoreDocument:
        for key in raw:
            if key not in _TOP_KEYS:
                raise self.fail((key,), "unknown key (expected version, secrets, sections, history)")
        if raw.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise self.fail(("version",), f"unsupported version (this launchwizard reads {FORMAT_VERSION})")
        secrets = self.secrets(raw.get("secrets", []))
        values = self.sections(raw.get("sections", {}))
        for section, fields in values.items():
            for name in fields:
                if f"{section}.{name}" in secrets:
                    raise self.fail(("sections", section, name), "also listed in secrets; keep one")
        history = self.history(raw.get("history", {}), secrets)
        return StoreDocument(values, secrets, history)

    def history(self, raw: Any, secrets: set[str]) -> dict[str, list[str]]:
        """Earlier values per clear field; more than HISTORY_DEPTH are dropped, not refused."""
        if not isinstance(raw, dict):
            raise self.fail(("history",), 'expected a table of "section.field" = [earlier values]')
        history: dict[str, list[str]] = {}
        for name, values in raw.items():
            key = ("history", name)
            self.name(name, key)
            if catalog_secret(name) or name in secrets:
                raise self.fail(key, f"{name} is a secret field; its earlier values are never kept here")
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise self.fail(key, "expected a list of earlier values (strings)")
            problem = next((value_problem(v) for v in values if value_problem(v)), None)
            if problem:
                raise self.fail(key, problem)
            history[name] = values[:HISTORY_DEPTH]
        return history

    def secrets(self, raw: Any) -> set[str]:
        if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
            raise self.fail(("secrets",), "expected a list of field names")
        for name in raw:
            self.name(name, ("secrets",))
        return set(raw)

    def sections(self, raw: Any) -> dict[str, dict[str, str]]:
        if not isinstance(raw, dict):
            raise self.fail(("sections",), "expected tables of fields: [sections.NAME]")
        values: dict[str, dict[str, str]] = {}
        for section, fields in raw.items():
            if not isinstance(fields, dict):
                raise self.fail(("sections", section), "expected a table of fields")
            kept = {name: self.value(section, name, v) for name, v in fields.items()}
            values[section] = {name: v for name, v in kept.items() if v}
        return {section: fields for section, fields in values.items() if fields}

    def value(self, section: str, name: str, raw: Any) -> str:
        """A valid clear value; "" is kept as unset, the way a hand-editor would mean it."""
        key = ("sections", section, name)
        full = self.name(f"{section}.{name}", key)
        if catalog_secret(full):
            raise self.fail(
                key,
                f"{full} is a secret field and must not be written here in clear; delete the line "
                f"and run: launchwizard store set {full} --secret",
            )
        if not isinstance(raw, str):
            raise self.fail(key, "expected a string")
        problem = value_problem(raw) if raw else None
        if problem:
            raise self.fail(key, problem)
        return raw

    def name(self, name: str, key: tuple[str, ...]) -> str:
        try:
            parse_name(name)
        except StoreError as exc:
            raise self.fail(key, str(exc)) from None
        return name
