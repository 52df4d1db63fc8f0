"""state.toml: reading it strictly, writing it atomically, surviving a corrupt copy.

A hand-edited or damaged state file gives a message naming the file, the line and the
key; `load_or_recover` then keeps the bad file aside (never deletes it) and starts fresh,
so the wizard still opens.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from launchwizard.config.errors import ConfigError
from launchwizard.config.load import parse_toml_text
from launchwizard.config.locate import Locator
from launchwizard.safe.files import MIB, read_capped
from launchwizard.state.atomic import sweep_temporary_files, write_text_atomic
from launchwizard.state.locking import locked
from launchwizard.state.model import (
    ITEM_STATUSES,
    STAGE_STATUSES,
    VERDICTS,
    AcceptedRisk,
    ItemState,
    MonitorExport,
    Override,
    SprintState,
    StageState,
    now_utc,
)

STATE_FILE = "state.toml"
STATE_FILE_LIMIT = 4 * MIB
"""Evidence and reasons typed by people; megabytes mean the file is not ours."""
FORMAT_VERSION = 1
TOP_KEYS = (
    "version",
    "started_at",
    "last_screen",
    "email_message",
    "stages",
    "items",
    "override",
    "accepted",
    "monitor_exports",
)


class StateFileError(ConfigError):
    """A state file that cannot be read as it is: file, line, key and what was expected."""


@dataclass
class Recovered:
    """A fresh state loaded in place of a corrupt file, and where that file was put."""

    state: SprintState
    problem: StateFileError
    kept_at: Path


def state_path(state_dir: Path) -> Path:
    return state_dir / STATE_FILE


def load_state(state_dir: Path) -> SprintState:
    """The saved state, or a new one when none was saved yet. Raises StateFileError."""
    path = state_path(state_dir)
    try:
        text = read_capped(path, STATE_FILE_LIMIT).decode("utf-8")
    except FileNotFoundError:
        return SprintState()
    except (OSError, UnicodeDecodeError) as exc:
        raise StateFileError(path, "", f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    document = parse_toml_text(path, text, StateFileError)
    return _Reader(path, text).state(document)


def load_or_recover(state_dir: Path) -> SprintState | Recovered:
    """Load, or set a corrupt file aside as state.toml.corrupt-<time> and start fresh."""
    try:
        return load_state(state_dir)
    except StateFileError as problem:
        path = state_path(state_dir)
        kept = path.with_name(f"{STATE_FILE}.corrupt-{now_utc().strftime('%Y%m%dT%H%M%SZ')}")
        os.replace(path, kept)
        return Recovered(SprintState(), problem, kept)


def save_state(state_dir: Path, state: SprintState) -> None:
    """Write state.toml atomically and privately. Callers that changed a state they read
    earlier use `update_state` instead, so they do not overwrite what others saved since."""
    write_text_atomic(state_path(state_dir), tomli_w.dumps(_document(state)))


def update_state(state_dir: Path, change: Callable[[SprintState], None]) -> SprintState:
    """One read-modify-write of state.toml under its lock: the file is read again under the
    lock, `change` is applied to what is there now and the result saved. Two commands (or a
    command and an open wizard) changing the sprint at once both keep their change. When
    `change` raises, nothing is written."""
    with locked(state_path(state_dir)):
        sweep_temporary_files(state_dir)
        state = load_state(state_dir)
        change(state)
        save_state(state_dir, state)
    return state


StateSignature = tuple[int, int, int] | None


def state_signature(state_dir: Path) -> StateSignature:
    """What identifies this version of state.toml on disk (inode, size, mtime); None when
    there is none. Every save replaces the file, so a save by anyone changes it."""
    try:
        info = state_path(state_dir).stat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _document(state: SprintState) -> dict[str, Any]:
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    if state.started_at is not None:
        document["started_at"] = state.started_at
    if state.last_screen:
        document["last_screen"] = state.last_screen
    if state.email_message:
        document["email_message"] = state.email_message
    if state.stages:
        document["stages"] = {
            stage: _drop_none({"status": s.status, "updated_at": s.updated_at})
            for stage, s in sorted(state.stages.items())
        }
    if state.items:
        document["items"] = {item_id: _item_table(item) for item_id, item in sorted(state.items.items())}
    if state.override is not None:
        o = state.override
        document["override"] = _drop_none({"verdict": o.verdict, "reason": o.reason, "by": o.by, "at": o.at})
    if state.accepted:
        document["accepted"] = {
            key: _drop_none({"reason": risk.reason, "by": risk.by, "at": risk.at})
            for key, risk in sorted(state.accepted.items())
        }
    if state.monitor_exports:
        document["monitor_exports"] = {
            fmt: _drop_none({"path": export.path, "at": export.at})
            for fmt, export in sorted(state.monitor_exports.items())
        }
    return document


def _item_table(item: ItemState) -> dict[str, Any]:
    return _drop_none(
        {
            "status": item.status,
            "evidence": item.evidence or None,
            "reason": item.reason or None,
            "owner": item.owner or None,
            "expires": item.expires,
            "updated_at": item.updated_at,
        }
    )


def _drop_none(table: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in table.items() if v is not None and v != ""}


class _Reader:
    """Validate a parsed state document, naming the line of anything wrong."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self._locator: Locator | None = None

    def fail(self, key: tuple[str, ...], message: str) -> StateFileError:
        if self._locator is None:
            self._locator = Locator(self.text)
        return StateFileError(self.path, ".".join(key), message, self._locator.line_of(key))

    def state(self, doc: dict[str, Any]) -> SprintState:
        self._keys(doc, TOP_KEYS, ())
        version = doc.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.fail(("version",), f"unsupported state format {version!r} (expected {FORMAT_VERSION})")
        state = SprintState(started_at=self._moment(doc.get("started_at"), ("started_at",)))
        if "last_screen" in doc:
            state.last_screen = self._text(doc["last_screen"], ("last_screen",))
        if "email_message" in doc:
            state.email_message = self._text(doc["email_message"], ("email_message",))
        for stage, table in self._table(doc.get("stages", {}), ("stages",)).items():
            state.stages[stage] = self._stage(table, ("stages", stage))
        for item_id, table in self._table(doc.get("items", {}), ("items",)).items():
            state.items[item_id] = self._item(table, ("items", item_id))
        if "override" in doc:
            state.override = self._override(self._table(doc["override"], ("override",)), ("override",))
        for risk_key, table in self._table(doc.get("accepted", {}), ("accepted",)).items():
            state.accepted[risk_key] = self._accepted(
                self._table(table, ("accepted", risk_key)), ("accepted", risk_key)
            )
        for fmt, table in self._table(doc.get("monitor_exports", {}), ("monitor_exports",)).items():
            key = ("monitor_exports", fmt)
            table = self._table(table, key)
            self._keys(table, ("path", "at"), key)
            state.monitor_exports[fmt] = MonitorExport(
                self._text(table.get("path", ""), (*key, "path")), self._moment(table.get("at"), (*key, "at"))
            )
        return state

    def _accepted(self, table: dict[str, Any], key: tuple[str, ...]) -> AcceptedRisk:
        self._keys(table, ("reason", "by", "at"), key)
        reason = self._text(table.get("reason", ""), (*key, "reason"))
        if not reason:
            raise self.fail((*key, "reason"), "an accepted risk needs a reason")
        return AcceptedRisk(
            reason, self._text(table.get("by", ""), (*key, "by")), self._moment(table.get("at"), (*key, "at"))
        )

    def _stage(self, table: Any, key: tuple[str, ...]) -> StageState:
        table = self._table(table, key)
        self._keys(table, ("status", "updated_at"), key)
        status = self._choice(table.get("status", "not-started"), STAGE_STATUSES, (*key, "status"))
        return StageState(status, self._moment(table.get("updated_at"), (*key, "updated_at")))

    def _item(self, table: Any, key: tuple[str, ...]) -> ItemState:
        table = self._table(table, key)
        self._keys(table, ("status", "evidence", "reason", "owner", "expires", "updated_at"), key)
        status = self._choice(table.get("status", "todo"), ITEM_STATUSES, (*key, "status"))
        item = ItemState(
            status=status,
            evidence=self._text(table.get("evidence", ""), (*key, "evidence")),
            reason=self._text(table.get("reason", ""), (*key, "reason")),
            owner=self._text(table.get("owner", ""), (*key, "owner")),
            expires=self._date(table.get("expires"), (*key, "expires")),
            updated_at=self._moment(table.get("updated_at"), (*key, "updated_at")),
        )
        needs = {"done": ("evidence",), "na": ("reason",), "waived": ("reason", "owner", "expires")}
        for name in needs.get(status, ()):
            if not getattr(item, name):
                raise self.fail((*key, name), f"a {status} item needs {name}")
        return item

    def _override(self, table: dict[str, Any], key: tuple[str, ...]) -> Override:
        self._keys(table, ("verdict", "reason", "by", "at"), key)
        reason = self._text(table.get("reason", ""), (*key, "reason"))
        if not reason:
            raise self.fail((*key, "reason"), "an override needs a reason")
        return Override(
            verdict=self._choice(table.get("verdict"), VERDICTS, (*key, "verdict")),
            reason=reason,
            by=self._text(table.get("by", ""), (*key, "by")),
            at=self._moment(table.get("at"), (*key, "at")),
        )

    def _keys(self, table: dict[str, Any], allowed: tuple[str, ...], key: tuple[str, ...]) -> None:
        for name in table:
            if name not in allowed:
                raise self.fail((*key, name), f"unknown key {name!r} (expected one of {', '.join(allowed)})")

    def _table(self, value: Any, key: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table, got {type(value).__name__}")
        return value

    def _text(self, value: Any, key: tuple[str, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {type(value).__name__}")
        return value

    def _choice(self, value: Any, allowed: tuple[str, ...], key: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def _moment(self, value: Any, key: tuple[str, ...]) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise self.fail(key, "expected a date-time with a UTC offset, like 2026-11-25T09:00:00Z")
        return value.astimezone(UTC)

    def _date(self, value: Any, key: tuple[str, ...]) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self.fail(key, "expected a date, like 2026-12-31")
        return value
