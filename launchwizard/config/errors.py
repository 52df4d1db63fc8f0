"""The two ways sprint.toml can be wrong: a located :class:`ConfigError` for the operator,
and :class:`InvalidValue`, raised by the pure value validators, which do not know the key.

Keeping them apart lets the validators in :mod:`.values` stay plain ``str -> str``
functions; :class:`~launchwizard.config.fields.Reader` adds the file, key and line.
"""

from __future__ import annotations

from pathlib import Path

from launchwizard.errors import UserError


class ConfigError(UserError):
    """A sprint.toml problem, located precisely enough to fix without reading any code.

    ``key`` is the dotted TOML key (``domains.hosts[2]``); it is empty for problems with
    the file as a whole (unreadable, not UTF-8, TOML syntax), and then ``str()`` omits it.
    """

    def __init__(self, path: Path, key: str, message: str, line: int | None = None) -> None:
        super().__init__(path, key, message, line)
        self.path = path
        self.key = key
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class InvalidValue(Exception):
    """A value failed validation; raised by the pure validators, which do not know the key."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
