"""store.toml: the non-secret fields and the names (never values) of secrets that are set.

    version = 1
    secrets = ["dns.api_token", "registrar.password"]

    [sections.registrar]
    owner = "Jane Doe"

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
_TOP_KEYS = {"version", "secrets", "sections"}


@dataclass
class StoreDocument:
    """The decoded file: clear values by section and field, and the set secrets' names."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)

    def value(self, section: str, name: str) -> str | None:
        return self.values.get(section, {}).get(name)

    def put(self, section: str, name: str, value: str) -> None:
        if catalog_secret(f"{section}.{name}") or f"{section}.{name}" in self.secrets:
            raise StoreError(f"{section}.{name} is a secret field; it is never written to {STORE_FILE}")
        self.values.setdefault(section, {})[name] = value

    def drop(self, section: str, name: str) -> bool:
        """Remove a clear value; True if there was one."""
        fields = self.values.get(section, {})
        if name not in fields:
            return False
        del fields[name]
        if not fields:
            del self.values[section]
        return True


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
    body: dict[str, Any] = {"version": FORMAT_VERSION, "secrets": sorted(document.secrets)}
    body["sections"] = {s: dict(sorted(f.items())) for s, f in sorted(document.values.items()) if f}
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
                raise self.fail((key,), "unknown key (expected version, secrets, sections)")
        if raw.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise self.fail(("version",), f"unsupported version (this launchwizard reads {FORMAT_VERSION})")
        secrets = self.secrets(raw.get("secrets", []))
        values = self.sections(raw.get("sections", {}))
        for section, fields in values.items():
            for name in fields:
                if f"{section}.{name}" in secrets:
                    raise self.fail(("sections", section, name), "also listed in secrets; keep one")
        return StoreDocument(values, secrets)

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
