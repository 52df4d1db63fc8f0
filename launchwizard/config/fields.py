"""Typed access to parsed TOML values, failing with a located :class:`ConfigError`.

tomllib returns plain dicts and lists of whatever the operator wrote; the table readers use
these helpers to demand a table, a string, a bounded integer, a path... so every kind of
mistake produces the same precise "expected X, got Y" message at the right key and line.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from launchwizard.config import values
from launchwizard.config.errors import ConfigError, InvalidValue
from launchwizard.config.keypath import KeyPath, format_key
from launchwizard.config.locate import Locator

_T = TypeVar("_T")


class Reader:
    """Carries the file identity so any validator can raise a fully located ConfigError."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.base = path.parent.absolute()
        self._text = text
        self._locator: Locator | None = None

    def fail(self, key: KeyPath, message: str) -> NoReturn:
        """Raise the ConfigError for ``key``; lines are looked up only now, on failure."""
        if self._locator is None:
            self._locator = Locator(self._text)
        raise ConfigError(self.path, format_key(key), message, self._locator.line_of(key))

    def check(self, key: KeyPath, validate: Callable[[str], _T], value: Any) -> _T:
        """Run a pure string validator, turning its complaint into a located error."""
        text = as_string(self, value, key)
        try:
            return validate(text)
        except InvalidValue as err:
            self.fail(key, err.message)


def toml_type_name(value: Any) -> str:
    """The TOML name of a parsed value's type, for 'expected X, got Y' messages."""
    names = (
        (bool, "boolean"),
        (int, "integer"),
        (float, "float"),
        (str, "string"),
        (list, "array"),
        (dict, "table"),
    )
    for kind, name in names:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def as_table(reader: Reader, value: Any, key: KeyPath) -> dict[str, Any]:
    """Require a table (``[x]`` or ``{ ... }``)."""
    if not isinstance(value, dict):
        reader.fail(key, f"expected a table, got {toml_type_name(value)}")
    return value


def as_string(reader: Reader, value: Any, key: KeyPath) -> str:
    """Require a string."""
    if not isinstance(value, str):
        reader.fail(key, f"expected a string, got {toml_type_name(value)}")
    return value


def as_nonempty_string(reader: Reader, value: Any, key: KeyPath) -> str:
    """Require a string with something other than blanks in it."""
    text = as_string(reader, value, key)
    if not text.strip():
        reader.fail(key, "expected a non-empty string")
    return text


def as_string_list(reader: Reader, value: Any, key: KeyPath, *, nonempty: bool = False) -> list[Any]:
    """Require a list of strings (elements are checked by the caller's validator)."""
    if not isinstance(value, list):
        hint = f' (write ["{value}"])' if isinstance(value, str) and '"' not in value else ""
        reader.fail(key, f"expected a list of strings, got {toml_type_name(value)}{hint}")
    if nonempty and not value:
        reader.fail(key, "expected a non-empty list of strings")
    for index, item in enumerate(value):
        as_string(reader, item, (*key, index))
    return value


def as_validated_list(
    reader: Reader, value: Any, key: KeyPath, validate: Callable[[str], str], *, nonempty: bool = False
) -> tuple[str, ...]:
    """Validate each element and reject duplicates, which are always a copy-paste slip."""
    seen: dict[str, int] = {}
    for index, item in enumerate(as_string_list(reader, value, key, nonempty=nonempty)):
        normal = reader.check((*key, index), validate, item)
        if normal in seen:
            first = format_key((*key, seen[normal]))
            reader.fail((*key, index), f"{item!r} is listed twice (also at {first})")
        seen[normal] = index
    return tuple(seen)


def as_bool(reader: Reader, value: Any, key: KeyPath) -> bool:
    """Require true or false (TOML has no truthy strings)."""
    if not isinstance(value, bool):
        reader.fail(key, f"expected true or false, got {toml_type_name(value)}")
    return value


def as_int(reader: Reader, value: Any, key: KeyPath, low: int, high: int | None = None) -> int:
    """Require an integer in ``low..high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        reader.fail(key, f"expected an integer, got {toml_type_name(value)}")
    if value < low or (high is not None and value > high):
        wanted = f"{low}-{high}" if high is not None else f">= {low}"
        reader.fail(key, f"{value} is out of range: expected {wanted}")
    return value


def as_positive_number(reader: Reader, value: Any, key: KeyPath, high: float | None = None) -> float:
    """Require a finite number > 0 (and <= ``high``): durations and rates."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        reader.fail(key, f"expected a number, got {toml_type_name(value)}")
    number = float(value)
    if not math.isfinite(number) or number <= 0 or (high is not None and number > high):
        wanted = f"a number > 0 and <= {high:g}" if high is not None else "a finite number > 0"
        reader.fail(key, f"{value} is out of range: expected {wanted}")
    return number


def as_path(reader: Reader, value: Any, key: KeyPath, *, must_exist: bool = False) -> Path:
    """A path, relative ones taken from the sprint.toml directory so cwd does not matter."""
    path = Path(as_nonempty_string(reader, value, key))
    try:
        path = path.expanduser()
    except RuntimeError:
        reader.fail(key, f"{str(path)!r} starts with '~' but that home directory is unknown")
    if not path.is_absolute():
        path = reader.base / path
    if must_exist and not path.is_file():
        problem = _not_a_file(path)
        reader.fail(
            key,
            f"{str(path)!r} {problem}: expected an existing file "
            "(relative paths start from the sprint.toml directory)",
        )
    return path


def _not_a_file(path: Path) -> str:
    if path.is_dir():
        return "is a directory"
    return "is not a regular file" if path.exists() else "does not exist"


def reject_unknown_keys(
    reader: Reader, table: dict[str, Any], allowed: tuple[str, ...], key: KeyPath
) -> None:
    """Reject unknown keys first, so a typo is reported as a typo, not as a missing key."""
    for name in table:
        if name not in allowed:
            reader.fail((*key, name), _unknown_key_message(name, allowed))


def _unknown_key_message(name: str, allowed: tuple[str, ...]) -> str:
    """'unknown key' with the closest allowed key, or the full list when nothing is close."""
    by_case = {option.lower(): option for option in allowed}
    close = difflib.get_close_matches(name, allowed, n=1)
    guess = by_case.get(name.lower()) or (close[0] if close else None)
    if guess:
        return f"unknown key {name!r} (did you mean {guess!r}?)"
    return f"unknown key {name!r} (expected one of: {', '.join(allowed)})"


def sub_table(
    reader: Reader, parent: dict[str, Any], name: str, key: KeyPath, *, required: bool = False
) -> dict[str, Any]:
    """A sub-table; an absent optional one reads as empty so defaults apply."""
    path = (*key, name)
    if name not in parent:
        if required:
            reader.fail(path, f"missing required table [{format_key(path)}]")
        return {}
    return as_table(reader, parent[name], path)


def required_value(reader: Reader, table: dict[str, Any], name: str, key: KeyPath) -> Any:
    """A required key's value; the error points at the table header when there is one."""
    if name not in table:
        where = f"[{format_key(key)}]" if key else "the top level"
        reader.fail((*key, name), f"missing required key {name!r} in {where}")
    return table[name]


def by_host_name(reader: Reader, table: dict[str, Any], key: KeyPath) -> dict[str, tuple[str, Any]]:
    """Normalise host-name keys, rejecting two spellings of the same host."""
    out: dict[str, tuple[str, Any]] = {}
    for raw, value in table.items():
        name = reader.check((*key, raw), values.host, raw)
        if name in out:
            reader.fail(
                (*key, raw),
                f"{raw!r} names the same host as {out[name][0]!r} "
                "(host names ignore case and a trailing dot)",
            )
        out[name] = (raw, value)
    return out
