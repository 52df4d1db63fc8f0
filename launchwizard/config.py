"""sprint.toml -> a typed, validated, frozen :class:`Sprint`.

The consultant edits sprint.toml by hand under time pressure, so every problem is reported
as one :class:`ConfigError` that names the file, the dotted key, the line and what was
expected, instead of surfacing later as a confusing check failure or a stack trace.
tomllib gives no line numbers for keys, so a small scanner (:class:`_Locator`) finds them,
and it only runs when there is an error to report.

Only the standard library is used: the headless CLI imports this module and must start fast.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import glob
import ipaddress
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "ConfigError",
    "EmailConfig",
    "Endpoint",
    "Environment",
    "HostExpect",
    "Nameserver",
    "NetworkConfig",
    "Ports",
    "ProbeBudget",
    "ProbesConfig",
    "Sprint",
    "load_sprint",
    "parse_sprint",
]

KeyPath = tuple[str | int, ...]
_T = TypeVar("_T")

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


# --------------------------------------------------------------------------- errors


class ConfigError(Exception):
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


class _Invalid(Exception):
    """A value failed validation; raised by the pure validators, which do not know the key."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- the model


def _empty_map() -> Mapping[Any, Any]:
    """An immutable empty mapping, so frozen dataclasses stay immutable all the way down."""
    return MappingProxyType({})


@dataclass(frozen=True)
class Nameserver:
    """A resolver to ask; an IP literal because a name would need a resolver to find it."""

    host: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class HostExpect:
    """What ``dns.records`` expects one host to resolve to; empty fields are not checked."""

    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    cname: str | None = None


@dataclass(frozen=True)
class Ports:
    """Ports used where a URL names none: staging boxes and the lab listen elsewhere."""

    http: int = 80
    https: int = 443
    dns: int = 53


@dataclass(frozen=True)
class NetworkConfig:
    """How every network call is made: resolvers, pins, trust, timeouts and concurrency."""

    nameservers: tuple[Nameserver, ...] = ()
    ca_bundle: Path | None = None
    timeout_s: float = 5.0
    pins: Mapping[str, str] = field(default_factory=_empty_map)
    ports: Ports = Ports()
    concurrency: int = 16
    per_host: int = 6


@dataclass(frozen=True)
class Endpoint:
    """A route of the product that checks call (homepage, login, health, chat...)."""

    name: str
    url: str
    method: str = "GET"
    body: str | None = None
    response_path: str | None = None
    timeout_s: float | None = None
    headers: Mapping[str, str] = field(default_factory=_empty_map)


@dataclass(frozen=True)
class EmailConfig:
    """Inputs of the email checks (SPF, DKIM, DMARC, MX, a received message)."""

    domain: str | None = None
    dkim_selectors: tuple[str, ...] = ()
    sender_ips: tuple[str, ...] = ()
    approved_includes: tuple[str, ...] = ()
    message: Path | None = None


@dataclass(frozen=True)
class ProbeBudget:
    """An opt-in active probe and the hard limits on how hard it may hit production."""

    enabled: bool = False
    endpoint: str | None = None
    max_requests: int = 20
    rate_per_s: float = 5.0


@dataclass(frozen=True)
class ProbesConfig:
    """Active probes; both are off unless the operator enables them explicitly."""

    ratelimit: ProbeBudget = ProbeBudget()
    injection: ProbeBudget = ProbeBudget(max_requests=25)


@dataclass(frozen=True)
class Environment:
    """One deployment environment and the variables the app reads there."""

    name: str
    variables: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sprint:
    """A validated sprint.toml; host names are lower-case without a trailing dot."""

    path: Path
    client: str
    canonical: str
    apex: str
    hosts: tuple[str, ...]
    dns_expect: Mapping[str, HostExpect] = field(default_factory=_empty_map)
    redirects: Mapping[str, str] = field(default_factory=_empty_map)
    email: EmailConfig = EmailConfig()
    endpoints: Mapping[str, Endpoint] = field(default_factory=_empty_map)
    network: NetworkConfig = NetworkConfig()
    probes: ProbesConfig = ProbesConfig()
    repo: Path | None = None
    logs: tuple[str, ...] = ()
    environments: Mapping[str, Environment] = field(default_factory=_empty_map)

    @property
    def state_dir(self) -> Path:
        """Where run results and sprint state live: beside the sprint.toml they belong to."""
        return self.path.parent / ".launchwizard"

    def canonical_for(self, host: str) -> str:
        """The URL a visit to ``host`` should end on, for ``redirect.canonical``.

        An explicit ``[redirects]`` entry wins; the apex, ``www.<apex>`` and the canonical
        URL's own host all end on the sprint canonical URL; any other host on its own root.
        """
        name = host.lower()
        name = name[:-1] if name.endswith(".") else name
        if name in self.redirects:
            return self.redirects[name]
        if name in (self.apex, f"www.{self.apex}", urlsplit(self.canonical).hostname):
            return self.canonical
        return f"https://{name}/"


# --------------------------------------------------------------------------- key paths


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _format_key(key: KeyPath) -> str:
    """Render a key path the way it would be written in TOML: ``network.pins."a.b"[0]``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        if not _BARE_KEY.fullmatch(part):
            part = '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out += f".{part}" if out else part
    return out


class _ScanStop(Exception):
    """The locator met text it does not understand; it keeps the lines found so far."""


class _Locator:
    """Best-effort map from key paths to 1-based line numbers, because tomllib has none.

    It runs only on text tomllib already accepted, so it can assume valid TOML; anything
    unexpected just ends the scan early and lookups fall back to a parent key's line.
    """

    _BLANK = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
    _SPACE = re.compile(r"[ \t]*")
    _BASIC_TAIL = re.compile(r'(?:[^"\\\n]|\\.)*"')
    _SCALAR = re.compile(r"[^,\]}\r\n#]+")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines: dict[KeyPath, int] = {}
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._array_tables: dict[KeyPath, int] = {}
        with contextlib.suppress(_ScanStop, RecursionError, IndexError):
            self._document()

    def line_of(self, key: KeyPath) -> int | None:
        """The key's own line, else the nearest enclosing key's or table header's line."""
        for end in range(len(key), 0, -1):
            line = self.lines.get(key[:end])
            if line is not None:
                return line
        return None

    def _line(self, pos: int) -> int:
        """Line number of a character offset."""
        return bisect.bisect_left(self._newlines, pos) + 1

    def _peek(self) -> str:
        """The current character, or '' at the end (so loops cannot run off the text)."""
        return self.text[self.pos : self.pos + 1]

    def _skip(self, pattern: re.Pattern[str]) -> None:
        """Advance over whatever ``pattern`` matches here (blank space, comments)."""
        match = pattern.match(self.text, self.pos)
        if match:
            self.pos = match.end()

    def _expect(self, token: str) -> None:
        """Consume ``token`` or stop: the text is not what this scanner understands."""
        if not self.text.startswith(token, self.pos):
            raise _ScanStop
        self.pos += len(token)

    def _record(self, key: KeyPath, line: int) -> None:
        """Note where ``key`` is defined; its parents keep the first line they were seen on."""
        for end in range(1, len(key)):
            self.lines.setdefault(key[:end], line)
        self.lines[key] = line

    def _document(self) -> None:
        """Walk table headers and key/value lines, tracking the current table."""
        prefix: KeyPath = ()
        while True:
            self._skip(self._BLANK)
            if self.pos >= len(self.text):
                return
            if self.text.startswith("[[", self.pos):
                prefix = self._header(array=True)
            elif self._peek() == "[":
                prefix = self._header(array=False)
            else:
                self._keyval(prefix)

    def _header(self, *, array: bool) -> KeyPath:
        """Read ``[a.b]`` or ``[[a.b]]`` and return the concrete path later keys live under."""
        line = self._line(self.pos)
        self.pos += 2 if array else 1
        parts = self._key()
        self._expect("]]" if array else "]")
        path = self._concrete(parts[:-1]) + parts[-1:]
        if array:
            index = self._array_tables.get(path, -1) + 1
            self._array_tables[path] = index
            self._record(path, line)
            path = (*path, index)
        self._record(path, line)
        return path

    def _concrete(self, parts: KeyPath) -> KeyPath:
        """Insert the current index after each array-of-tables name in a header path."""
        out: KeyPath = ()
        for part in parts:
            out = (*out, part)
            if out in self._array_tables:
                out = (*out, self._array_tables[out])
        return out

    def _keyval(self, prefix: KeyPath) -> None:
        """Read ``key = value`` (the key possibly dotted or quoted) and record its line."""
        line = self._line(self.pos)
        path = prefix + self._key()
        self._skip(self._SPACE)
        self._expect("=")
        self._skip(self._SPACE)
        self._record(path, line)
        self._value(path)

    def _key(self) -> KeyPath:
        """Read a dotted key made of bare, "basic" and 'literal' parts."""
        parts: list[str] = []
        while True:
            self._skip(self._SPACE)
            char = self._peek()
            if char == '"':
                parts.append(self._basic_key())
            elif char == "'":
                end = self.text.find("'", self.pos + 1)
                if end < 0:
                    raise _ScanStop
                parts.append(self.text[self.pos + 1 : end])
                self.pos = end + 1
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise _ScanStop
                parts.append(match.group())
                self.pos = match.end()
            self._skip(self._SPACE)
            if self._peek() != ".":
                return tuple(parts)
            self.pos += 1

    def _basic_key(self) -> str:
        """Read a "quoted" key, letting tomllib decode escapes so keys match exactly."""
        start = self.pos
        self._basic_string()
        raw = self.text[start : self.pos]
        if "\\" not in raw:
            return raw[1:-1]
        try:
            return str(tomllib.loads(f"k = {raw}")["k"])
        except tomllib.TOMLDecodeError as err:
            raise _ScanStop from err

    def _basic_string(self) -> None:
        """Skip a one-line "basic" string, escapes included."""
        match = self._BASIC_TAIL.match(self.text, self.pos + 1)
        if not match:
            raise _ScanStop
        self.pos = match.end()

    def _multiline(self, delimiter: str) -> None:
        """Skip a triple-quoted string, including up to two quotes glued to its end."""
        start = self.pos + 3
        while True:
            end = self.text.find(delimiter, start)
            if end < 0:
                raise _ScanStop
            backslashes = end - len(self.text[:end].rstrip("\\"))
            if delimiter == '"""' and backslashes % 2:
                start = end + 1
                continue
            stop = end + 3
            while stop < end + 5 and self.text[stop : stop + 1] == delimiter[0]:
                stop += 1
            self.pos = stop
            return

    def _value(self, path: KeyPath) -> None:
        """Skip one value, recording array elements and inline-table keys on the way."""
        char = self._peek()
        if self.text.startswith('"""', self.pos) or self.text.startswith("'''", self.pos):
            self._multiline(self.text[self.pos : self.pos + 3])
        elif char == '"':
            self._basic_string()
        elif char == "'":
            end = self.text.find("'", self.pos + 1)
            if end < 0:
                raise _ScanStop
            self.pos = end + 1
        elif char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            match = self._SCALAR.match(self.text, self.pos)
            if not match:
                raise _ScanStop
            self.pos = match.end()

    def _array(self, path: KeyPath) -> None:
        """Skip an array, giving each element the line it starts on (``hosts[2]``)."""
        self.pos += 1
        index = 0
        while True:
            self._skip(self._BLANK)
            if self._peek() == "]":
                self.pos += 1
                return
            element = (*path, index)
            self._record(element, self._line(self.pos))
            self._value(element)
            index += 1
            self._skip(self._BLANK)
            if self._peek() == ",":
                self.pos += 1
            elif self._peek() != "]":
                raise _ScanStop

    def _inline_table(self, path: KeyPath) -> None:
        """Skip ``{ k = v, ... }``, recording each key (on the line it is written)."""
        self.pos += 1
        while True:
            self._skip(self._BLANK)
            if self._peek() == "}":
                self.pos += 1
                return
            self._keyval(path)
            self._skip(self._BLANK)
            if self._peek() == ",":
                self.pos += 1
            elif self._peek() != "}":
                raise _ScanStop


# --------------------------------------------------------------------------- reader


class _Reader:
    """Carries the file identity so any validator can raise a fully located ConfigError."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.base = path.parent.absolute()
        self._text = text
        self._locator: _Locator | None = None

    def fail(self, key: KeyPath, message: str) -> NoReturn:
        """Raise the ConfigError for ``key``; lines are looked up only now, on failure."""
        if self._locator is None:
            self._locator = _Locator(self._text)
        raise ConfigError(self.path, _format_key(key), message, self._locator.line_of(key))

    def check(self, key: KeyPath, validate: Callable[[str], _T], value: Any) -> _T:
        """Run a pure string validator, turning its complaint into a located error."""
        text = _string(self, value, key)
        try:
            return validate(text)
        except _Invalid as err:
            self.fail(key, err.message)


_SYNTAX_AT = re.compile(r"(?s)(.*) \(at line (\d+), column (\d+)\)")
_SYNTAX_END = re.compile(r"(?s)(.*) \(at end of document\)")


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    """tomllib.loads with its errors turned into ConfigErrors carrying a line number."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line, message = _syntax_location(str(err), text)
        raise ConfigError(path, "", f"invalid TOML: {message}", line) from None
    except RecursionError:
        raise ConfigError(path, "", "invalid TOML: arrays or tables nest too deeply") from None
    except ValueError as err:
        raise ConfigError(path, "", f"invalid TOML: {err}") from None


def _syntax_location(error: str, text: str) -> tuple[int | None, str]:
    """Split tomllib's '... (at line N, column M)' suffix into a line and a plain message."""
    match = _SYNTAX_AT.fullmatch(error)
    if match:
        return int(match.group(2)), f"{match.group(1)} at column {match.group(3)}"
    match = _SYNTAX_END.fullmatch(error)
    if match:
        return text.count("\n", 0, max(len(text) - 1, 0)) + 1, f"{match.group(1)} at end of file"
    return None, error


# --------------------------------------------------------------------------- type checks


def _type_name(value: Any) -> str:
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


def _table(r: _Reader, value: Any, key: KeyPath) -> dict[str, Any]:
    """Require a table (``[x]`` or ``{ ... }``)."""
    if not isinstance(value, dict):
        r.fail(key, f"expected a table, got {_type_name(value)}")
    return value


def _string(r: _Reader, value: Any, key: KeyPath) -> str:
    """Require a string."""
    if not isinstance(value, str):
        r.fail(key, f"expected a string, got {_type_name(value)}")
    return value


def _nonempty(r: _Reader, value: Any, key: KeyPath) -> str:
    """Require a string with something other than blanks in it."""
    text = _string(r, value, key)
    if not text.strip():
        r.fail(key, "expected a non-empty string")
    return text


def _list(r: _Reader, value: Any, key: KeyPath, *, nonempty: bool = False) -> list[Any]:
    """Require a list of strings (elements are checked by the caller's validator)."""
    if not isinstance(value, list):
        hint = f' (write ["{value}"])' if isinstance(value, str) and '"' not in value else ""
        r.fail(key, f"expected a list of strings, got {_type_name(value)}{hint}")
    if nonempty and not value:
        r.fail(key, "expected a non-empty list of strings")
    for index, item in enumerate(value):
        _string(r, item, (*key, index))
    return value


def _checked_list(
    r: _Reader, value: Any, key: KeyPath, validate: Callable[[str], str], *, nonempty: bool = False
) -> tuple[str, ...]:
    """Validate each element and reject duplicates, which are always a copy-paste slip."""
    seen: dict[str, int] = {}
    for index, item in enumerate(_list(r, value, key, nonempty=nonempty)):
        normal = r.check((*key, index), validate, item)
        if normal in seen:
            first = _format_key((*key, seen[normal]))
            r.fail((*key, index), f"{item!r} is listed twice (also at {first})")
        seen[normal] = index
    return tuple(seen)


def _bool(r: _Reader, value: Any, key: KeyPath) -> bool:
    """Require true or false (TOML has no truthy strings)."""
    if not isinstance(value, bool):
        r.fail(key, f"expected true or false, got {_type_name(value)}")
    return value


def _int(r: _Reader, value: Any, key: KeyPath, low: int, high: int | None = None) -> int:
    """Require an integer in ``low..high``."""
    if isinstance(value, bool) or not isinstance(value, int):
        r.fail(key, f"expected an integer, got {_type_name(value)}")
    if value < low or (high is not None and value > high):
        wanted = f"{low}-{high}" if high is not None else f">= {low}"
        r.fail(key, f"{value} is out of range: expected {wanted}")
    return value


def _number(r: _Reader, value: Any, key: KeyPath, high: float | None = None) -> float:
    """Require a finite number > 0 (and <= ``high``): durations and rates."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        r.fail(key, f"expected a number, got {_type_name(value)}")
    number = float(value)
    if not math.isfinite(number) or number <= 0 or (high is not None and number > high):
        wanted = f"a number > 0 and <= {high:g}" if high is not None else "a finite number > 0"
        r.fail(key, f"{value} is out of range: expected {wanted}")
    return number


def _file_path(r: _Reader, value: Any, key: KeyPath, *, must_exist: bool = False) -> Path:
    """A path, relative ones taken from the sprint.toml directory so cwd does not matter."""
    path = Path(_nonempty(r, value, key))
    try:
        path = path.expanduser()
    except RuntimeError:
        r.fail(key, f"{str(path)!r} starts with '~' but that home directory is unknown")
    if not path.is_absolute():
        path = r.base / path
    if must_exist and not path.is_file():
        problem = "is a directory" if path.is_dir() else "does not exist"
        r.fail(
            key,
            f"{str(path)!r} {problem}: expected an existing file "
            "(relative paths start from the sprint.toml directory)",
        )
    return path


def _check_keys(r: _Reader, table: dict[str, Any], allowed: tuple[str, ...], key: KeyPath) -> None:
    """Reject unknown keys first, so a typo is reported as a typo, not as a missing key."""
    for name in table:
        if name not in allowed:
            r.fail((*key, name), _unknown_key_message(name, allowed))


def _unknown_key_message(name: str, allowed: tuple[str, ...]) -> str:
    """'unknown key' with the closest allowed key, or the full list when nothing is close."""
    by_case = {option.lower(): option for option in allowed}
    close = difflib.get_close_matches(name, allowed, n=1)
    guess = by_case.get(name.lower()) or (close[0] if close else None)
    if guess:
        return f"unknown key {name!r} (did you mean {guess!r}?)"
    return f"unknown key {name!r} (expected one of: {', '.join(allowed)})"


def _section(
    r: _Reader, parent: dict[str, Any], name: str, key: KeyPath, *, required: bool = False
) -> dict[str, Any]:
    """A sub-table; an absent optional one reads as empty so defaults apply."""
    path = (*key, name)
    if name not in parent:
        if required:
            r.fail(path, f"missing required table [{_format_key(path)}]")
        return {}
    return _table(r, parent[name], path)


def _require(r: _Reader, table: dict[str, Any], name: str, key: KeyPath) -> Any:
    """A required key's value; the error points at the table header when there is one."""
    if name not in table:
        where = f"[{_format_key(key)}]" if key else "the top level"
        r.fail((*key, name), f"missing required key {name!r} in {where}")
    return table[name]


# --------------------------------------------------------------------------- value validators

_LDH_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_DNS_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_NAMESERVER_V6 = re.compile(r"\[([^\]]*)\](?::(.*))?")


def _is_ip(text: str) -> bool:
    """Whether ``text`` is an IPv4 or IPv6 literal."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _host_name(raw: str, *, underscore: bool = False, min_labels: int = 2) -> str:
    """Normalise a host name (lower-case, no trailing dot) or explain what is wrong.

    ``underscore`` admits DNS-only labels such as ``_spf.google.com``; host names proper
    (RFC 952/1123) are letters, digits and hyphens.
    """
    if not raw:
        raise _Invalid("expected a host name, got an empty string")
    if not raw.isascii():
        raise _Invalid(_non_ascii_message(raw))
    if "/" in raw or (":" in raw and not _is_ip(raw.strip("[]"))):
        raise _Invalid(f"{raw!r} is not a host name: expected a bare name like 'www.acme.test'")
    if _is_ip(raw.strip("[]")):
        raise _Invalid(f"{raw!r} is an IP address: expected a host name like 'www.acme.test'")
    name = (raw[:-1] if raw.endswith(".") else raw).lower()
    if len(name) > 253:
        raise _Invalid(f"{raw!r} is not a valid host name: longer than 253 characters")
    labels = name.split(".")
    for label in labels:
        _check_label(raw, label, _DNS_LABEL if underscore else _LDH_LABEL)
    if len(labels) < min_labels:
        raise _Invalid(
            f"{raw!r} is not a fully qualified host name: expected at least two labels, like 'www.acme.test'"
        )
    if labels[-1].isdigit():
        raise _Invalid(f"{raw!r} is neither a valid IP address nor a host name")
    return name


def _check_label(raw: str, label: str, pattern: re.Pattern[str]) -> None:
    """One DNS label: 1-63 allowed characters, no hyphen at either end."""
    if not label:
        raise _Invalid(f"{raw!r} is not a valid host name: it has an empty label")
    if len(label) > 63:
        raise _Invalid(f"{raw!r} is not a valid host name: label {label!r} is over 63 characters")
    if not pattern.fullmatch(label):
        allowed = "letters, digits, hyphens" + (" and underscores" if "_" in pattern.pattern else "")
        raise _Invalid(
            f"{raw!r} is not a valid host name: label {label!r} must be {allowed}, "
            "not starting or ending with a hyphen"
        )


def _non_ascii_message(raw: str) -> str:
    """Point to the xn-- A-label form, computed when the stdlib IDNA codec can."""
    try:
        a_label = raw.encode("idna").decode("ascii")
    except UnicodeError:
        return f"{raw!r} is not ASCII: write internationalised names in their xn-- A-label form"
    return f"{raw!r} is not ASCII: write internationalised names in their xn-- A-label form ({a_label!r})"


def _host(raw: str) -> str:
    """A fully qualified host name."""
    return _host_name(raw)


def _dns_name(raw: str) -> str:
    """A DNS name that may hold underscore labels (SPF include targets)."""
    return _host_name(raw, underscore=True)


def _absolute_cname(raw: str) -> str:
    """A CNAME target, absolute (trailing dot) as it appears in DNS answers."""
    return _host_name(raw) + "."


def _ip(raw: str, version: int | None = None) -> str:
    """An IP address in canonical text form (``2001:db8::1``), optionally of one family."""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        raise _Invalid(f"{raw!r} is not an IP address") from None
    if version is not None and address.version != version:
        raise _Invalid(f"{raw!r} is not an IPv{version} address")
    return str(address)


def _ipv4(raw: str) -> str:
    """An A record value."""
    return _ip(raw, 4)


def _ipv6(raw: str) -> str:
    """An AAAA record value."""
    return _ip(raw, 6)


def _ip_or_network(raw: str) -> str:
    """An SPF sender: one address, or a CIDR network without host bits set."""
    if "/" not in raw:
        try:
            return _ip(raw)
        except _Invalid:
            raise _Invalid(f"{raw!r} is not an IP address or CIDR network") from None
    try:
        return str(ipaddress.ip_network(raw))
    except ValueError:
        pass
    try:
        network = ipaddress.ip_network(raw, strict=False)
    except ValueError:
        raise _Invalid(f"{raw!r} is not an IP address or CIDR network") from None
    raise _Invalid(f"{raw!r} has host bits set: did you mean '{network}'?")


def _url(raw: str) -> str:
    """An absolute http(s) URL; scheme and host lower-cased, an empty path written '/'."""
    invalid = _Invalid(f"{raw!r} is not an absolute URL: expected http:// or https:// followed by a host")
    if not raw or any(char.isspace() or ord(char) < 32 for char in raw):
        raise invalid
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise invalid from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise invalid
    if "@" in parts.netloc:
        raise _Invalid(f"{raw!r} holds credentials: secrets never live in sprint.toml")
    if port == 0:
        raise _Invalid(f"{raw!r} has port 0: expected 1-65535")
    netloc = _url_host(parts.hostname) + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, parts.fragment))


def _url_host(host: str) -> str:
    """A URL's host as it is written back: IPv6 in brackets, names normalised.

    A single label is allowed here (``http://localhost:8080/``), unlike in [domains].
    """
    if _is_ip(host):
        return f"[{host}]" if ":" in host else host
    return _host_name(host, min_labels=1)


def _nameserver(raw: str) -> tuple[str, int | None]:
    """A resolver address and its port, if written: '192.0.2.53', '127.0.0.1:5353', '[::1]:53'.

    The port stays None when absent so that ``[network.ports] dns`` can supply it.
    """
    expected = "expected an IP address with optional :port, like '127.0.0.1:5353' or '[::1]:5353'"
    bracketed = _NAMESERVER_V6.fullmatch(raw)
    if bracketed:
        host, port = bracketed.group(1), bracketed.group(2)
        if not _is_ip(host) or ipaddress.ip_address(host).version != 6:
            raise _Invalid(f"{raw!r} is not a nameserver: '[...]' must hold an IPv6 address")
    elif _is_ip(raw):
        host, port = raw, None
    elif raw.count(":") == 1:
        host, port = raw.split(":")
    else:
        host, port = raw, None
    if not _is_ip(host):
        kind = "is a host name" if _looks_like_host(host) else "is not an IP address"
        raise _Invalid(f"{raw!r} {kind}: {expected}")
    address = str(ipaddress.ip_address(host))
    if port is None:
        return address, None
    if not (port.isascii() and port.isdigit()) or not 1 <= int(port) <= 65535:
        raise _Invalid(f"{raw!r} is not host:port: port must be 1-65535")
    return address, int(port)


def _looks_like_host(text: str) -> bool:
    """Whether ``text`` would pass as a host name (to say 'use an IP', not 'garbage')."""
    try:
        _host_name(text)
    except _Invalid:
        return False
    return True


def _dkim_selector(raw: str) -> str:
    """A DKIM selector: one or more DNS labels (``google``, ``s1``, ``k1.mail``)."""
    name = raw.lower()
    labels = name.split(".")
    if not raw or len(name) > 200 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise _Invalid(
            f"{raw!r} is not a DKIM selector: expected DNS labels of letters, digits, "
            "hyphens and underscores, like 'google' or 's1'"
        )
    if any(len(label) > 63 for label in labels):
        raise _Invalid(f"{raw!r} is not a DKIM selector: a label is over 63 characters")
    return name


def _env_name(raw: str) -> str:
    """An environment variable name as shells accept it."""
    if not _ENV_NAME.fullmatch(raw):
        raise _Invalid(f"{raw!r} is not an environment variable name: expected [A-Za-z_][A-Za-z0-9_]*")
    return raw


def _method(raw: str) -> str:
    """An HTTP method, upper-cased."""
    method = raw.upper()
    if method not in HTTP_METHODS:
        raise _Invalid(f"{raw!r} is not an HTTP method: expected one of {', '.join(HTTP_METHODS)}")
    return method


def _glob(raw: str) -> str:
    """A log file glob with '~' expanded; what it matches is the check's business."""
    if not raw.strip():
        raise _Invalid("expected a non-empty glob, like 'logs/*.log'")
    expanded = os.path.expanduser(raw)
    if expanded.startswith("~"):
        raise _Invalid(f"{raw!r} starts with '~' but that home directory is unknown")
    return expanded


def _host_keys(r: _Reader, table: dict[str, Any], key: KeyPath) -> dict[str, tuple[str, Any]]:
    """Normalise host-name keys, rejecting two spellings of the same host."""
    out: dict[str, tuple[str, Any]] = {}
    for raw, value in table.items():
        name = r.check((*key, raw), _host, raw)
        if name in out:
            r.fail(
                (*key, raw),
                f"{raw!r} names the same host as {out[name][0]!r} "
                "(host names ignore case and a trailing dot)",
            )
        out[name] = (raw, value)
    return out


# --------------------------------------------------------------------------- sections

_TOP_KEYS = (
    "sprint",
    "domains",
    "dns",
    "redirects",
    "email",
    "endpoints",
    "network",
    "probes",
    "repo",
    "logs",
    "environments",
)
_ENDPOINT_KEYS = ("url", "method", "body", "response_path", "timeout_s", "headers")
_NETWORK_KEYS = (
    "nameservers",
    "ca_bundle",
    "timeout_s",
    "pins",
    "ports",
    "concurrency",
    "per_host",
)
_EMAIL_KEYS = ("domain", "dkim_selectors", "sender_ips", "approved_includes", "message")
_PROBE_KEYS = ("enabled", "endpoint", "max_requests", "rate_per_s")


def _read_sprint(r: _Reader, doc: dict[str, Any]) -> tuple[str, str]:
    """[sprint]: who the sprint is for and the one URL visitors should end on."""
    table = _section(r, doc, "sprint", (), required=True)
    _check_keys(r, table, ("client", "canonical"), ("sprint",))
    client = _nonempty(r, _require(r, table, "client", ("sprint",)), ("sprint", "client"))
    canonical = r.check(("sprint", "canonical"), _url, _require(r, table, "canonical", ("sprint",)))
    return client.strip(), canonical


def _read_domains(r: _Reader, doc: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """[domains]: the apex and every public host the checks visit."""
    key: KeyPath = ("domains",)
    table = _section(r, doc, "domains", (), required=True)
    _check_keys(r, table, ("apex", "hosts"), key)
    apex = r.check((*key, "apex"), _host, _require(r, table, "apex", key))
    hosts = _checked_list(r, _require(r, table, "hosts", key), (*key, "hosts"), _host, nonempty=True)
    return apex, hosts


def _read_dns(r: _Reader, doc: dict[str, Any]) -> Mapping[str, HostExpect]:
    """[dns.expect]: the records each host must have."""
    table = _section(r, doc, "dns", ())
    _check_keys(r, table, ("expect",), ("dns",))
    key: KeyPath = ("dns", "expect")
    expect = _section(r, table, "expect", ("dns",))
    hosts = _host_keys(r, expect, key)
    return MappingProxyType(
        {name: _read_expect(r, value, (*key, raw)) for name, (raw, value) in hosts.items()}
    )


def _read_expect(r: _Reader, value: Any, key: KeyPath) -> HostExpect:
    """One host's expected A / AAAA / CNAME; a CNAME excludes all other data."""
    table = _table(r, value, key)
    _check_keys(r, table, ("A", "AAAA", "CNAME"), key)
    if not table:
        r.fail(key, "expected at least one of A, AAAA, CNAME")
    a = _checked_list(r, table["A"], (*key, "A"), _ipv4, nonempty=True) if "A" in table else ()
    aaaa = _checked_list(r, table["AAAA"], (*key, "AAAA"), _ipv6, nonempty=True) if "AAAA" in table else ()
    cname = r.check((*key, "CNAME"), _absolute_cname, table["CNAME"]) if "CNAME" in table else None
    if cname and (a or aaaa):
        r.fail(
            (*key, "CNAME"),
            "a CNAME cannot be combined with A or AAAA: a name with a CNAME has no other "
            "records (RFC 1034 §3.6.2)",
        )
    return HostExpect(a=a, aaaa=aaaa, cname=cname)


def _read_redirects(r: _Reader, doc: dict[str, Any]) -> Mapping[str, str]:
    """[redirects]: host -> the URL a visit must end on, when not the canonical one."""
    table = _section(r, doc, "redirects", ())
    hosts = _host_keys(r, table, ("redirects",))
    return MappingProxyType(
        {name: r.check(("redirects", raw), _url, value) for name, (raw, value) in hosts.items()}
    )


def _read_email(r: _Reader, doc: dict[str, Any]) -> EmailConfig:
    """[email]: the sending domain and what its SPF/DKIM/DMARC must allow."""
    key: KeyPath = ("email",)
    table = _section(r, doc, "email", ())
    _check_keys(r, table, _EMAIL_KEYS, key)

    def names(name: str, validate: Callable[[str], str]) -> tuple[str, ...]:
        """A list-valued key, validated element by element, empty when absent."""
        return _checked_list(r, table[name], (*key, name), validate) if name in table else ()

    domain = r.check((*key, "domain"), _host, table["domain"]) if "domain" in table else None
    message = _file_path(r, table["message"], (*key, "message")) if "message" in table else None
    return EmailConfig(
        domain=domain,
        dkim_selectors=names("dkim_selectors", _dkim_selector),
        sender_ips=names("sender_ips", _ip_or_network),
        approved_includes=names("approved_includes", _dns_name),
        message=message,
    )


def _read_endpoints(r: _Reader, doc: dict[str, Any]) -> Mapping[str, Endpoint]:
    """[endpoints]: name -> URL string or a table describing the request."""
    table = _section(r, doc, "endpoints", ())
    endpoints = {}
    for name, value in table.items():
        if not name.strip():
            r.fail(("endpoints", name), "expected a non-empty endpoint name")
        endpoints[name] = _read_endpoint(r, name, value, ("endpoints", name))
    return MappingProxyType(endpoints)


def _read_endpoint(r: _Reader, name: str, value: Any, key: KeyPath) -> Endpoint:
    """One endpoint; the short form is just its URL."""
    if isinstance(value, str):
        return Endpoint(name=name, url=r.check(key, _url, value))
    if not isinstance(value, dict):
        r.fail(key, f"expected a URL string or a table with 'url', got {_type_name(value)}")
    _check_keys(r, value, _ENDPOINT_KEYS, key)
    url = r.check((*key, "url"), _url, _require(r, value, "url", key))
    method = r.check((*key, "method"), _method, value["method"]) if "method" in value else "GET"
    body = _string(r, value["body"], (*key, "body")) if "body" in value else None
    path = value.get("response_path")
    timeout = value.get("timeout_s")
    return Endpoint(
        name=name,
        url=url,
        method=method,
        body=body,
        response_path=None if path is None else _nonempty(r, path, (*key, "response_path")),
        timeout_s=None if timeout is None else _number(r, timeout, (*key, "timeout_s")),
        headers=_read_headers(r, value.get("headers", {}), (*key, "headers")),
    )


def _read_headers(r: _Reader, value: Any, key: KeyPath) -> Mapping[str, str]:
    """Extra request headers; names must be tokens and values single-line (no injection)."""
    headers = {}
    for name, text in _table(r, value, key).items():
        if not _HEADER_NAME.fullmatch(name):
            r.fail((*key, name), f"{name!r} is not a valid HTTP header name")
        header = _string(r, text, (*key, name))
        if any(char in header for char in "\r\n\0"):
            r.fail((*key, name), "header values must not contain line breaks or NUL")
        headers[name] = header
    return MappingProxyType(headers)


def _read_network(r: _Reader, doc: dict[str, Any]) -> NetworkConfig:
    """[network]: resolvers, pins, trust anchors, ports, timeouts and concurrency limits."""
    key: KeyPath = ("network",)
    table = _section(r, doc, "network", ())
    _check_keys(r, table, _NETWORK_KEYS, key)
    defaults = NetworkConfig()
    ports = _read_ports(r, table)
    listed = _list(r, table.get("nameservers", []), (*key, "nameservers"))
    nameservers = []
    for index, item in enumerate(listed):
        host, port = r.check((*key, "nameservers", index), _nameserver, item)
        nameservers.append(Nameserver(host, ports.dns if port is None else port))
    ca_bundle = table.get("ca_bundle")
    return NetworkConfig(
        nameservers=tuple(nameservers),
        ca_bundle=None
        if ca_bundle is None
        else _file_path(r, ca_bundle, (*key, "ca_bundle"), must_exist=True),
        timeout_s=_number(r, table.get("timeout_s", defaults.timeout_s), (*key, "timeout_s"), 120),
        pins=_read_pins(r, table),
        ports=ports,
        concurrency=_int(r, table.get("concurrency", defaults.concurrency), (*key, "concurrency"), 1),
        per_host=_int(r, table.get("per_host", defaults.per_host), (*key, "per_host"), 1),
    )


def _read_pins(r: _Reader, network: dict[str, Any]) -> Mapping[str, str]:
    """[network.pins]: host -> address, to audit a deployment before the DNS cutover."""
    key: KeyPath = ("network", "pins")
    hosts = _host_keys(r, _section(r, network, "pins", ("network",)), key)
    return MappingProxyType({name: r.check((*key, raw), _ip, value) for name, (raw, value) in hosts.items()})


def _read_ports(r: _Reader, network: dict[str, Any]) -> Ports:
    """[network.ports]: the ports used where a URL names none."""
    key: KeyPath = ("network", "ports")
    table = _section(r, network, "ports", ("network",))
    _check_keys(r, table, ("http", "https", "dns"), key)
    defaults = Ports()
    return Ports(
        **{
            name: _int(r, table.get(name, getattr(defaults, name)), (*key, name), 1, 65535)
            for name in ("http", "https", "dns")
        }
    )


def _read_probes(r: _Reader, doc: dict[str, Any], endpoints: Mapping[str, Endpoint]) -> ProbesConfig:
    """[probes.*]: opt-in active probes with hard budgets."""
    table = _section(r, doc, "probes", ())
    _check_keys(r, table, ("ratelimit", "injection"), ("probes",))
    return ProbesConfig(
        ratelimit=_read_budget(r, table, "ratelimit", ProbeBudget(), endpoints),
        injection=_read_budget(r, table, "injection", ProbeBudget(max_requests=25), endpoints),
    )


def _read_budget(
    r: _Reader,
    probes: dict[str, Any],
    name: str,
    defaults: ProbeBudget,
    endpoints: Mapping[str, Endpoint],
) -> ProbeBudget:
    """One probe's budget; an enabled probe must say which endpoint it may hit."""
    key: KeyPath = ("probes", name)
    table = _section(r, probes, name, ("probes",))
    _check_keys(r, table, _PROBE_KEYS, key)
    enabled = _bool(r, table.get("enabled", False), (*key, "enabled"))
    endpoint = None
    if "endpoint" in table:
        endpoint = _string(r, table["endpoint"], (*key, "endpoint"))
        if endpoint not in endpoints:
            r.fail((*key, "endpoint"), _unknown_endpoint_message(endpoint, endpoints))
    elif enabled:
        r.fail(
            (*key, "endpoint"),
            f"missing required key 'endpoint' in [probes.{name}] "
            "(an enabled probe must name the [endpoints] entry it may hit)",
        )
    return ProbeBudget(
        enabled=enabled,
        endpoint=endpoint,
        max_requests=_int(
            r, table.get("max_requests", defaults.max_requests), (*key, "max_requests"), 1, 200
        ),
        rate_per_s=_number(r, table.get("rate_per_s", defaults.rate_per_s), (*key, "rate_per_s"), 20),
    )


def _unknown_endpoint_message(name: str, endpoints: Mapping[str, Endpoint]) -> str:
    """Say which endpoint names exist, suggesting the closest one."""
    close = difflib.get_close_matches(name, list(endpoints), n=1)
    if close:
        return f"{name!r} is not a key of [endpoints] (did you mean {close[0]!r}?)"
    known = ", ".join(endpoints) or "none are defined"
    return f"{name!r} is not a key of [endpoints] (defined: {known})"


def _read_repo(r: _Reader, doc: dict[str, Any]) -> Path | None:
    """[repo]: the product's git repository, for the secrets history scan."""
    table = _section(r, doc, "repo", ())
    _check_keys(r, table, ("path",), ("repo",))
    return _file_path(r, table["path"], ("repo", "path")) if "path" in table else None


def _read_logs(r: _Reader, doc: dict[str, Any]) -> tuple[str, ...]:
    """[logs]: globs of log files the redaction check reads."""
    table = _section(r, doc, "logs", ())
    _check_keys(r, table, ("globs",), ("logs",))
    if "globs" not in table:
        return ()
    globs = _checked_list(r, table["globs"], ("logs", "globs"), _glob)
    return tuple(_anchor_glob(r.base, pattern) for pattern in globs)


def _anchor_glob(base: Path, pattern: str) -> str:
    """Make a relative glob start from the sprint.toml directory, like every other path.

    The directory part is escaped so a directory named ``[draft]`` is not read as a pattern.
    """
    if os.path.isabs(pattern):
        return pattern
    return f"{glob.escape(str(base))}/{pattern}"


def _read_environments(r: _Reader, doc: dict[str, Any]) -> Mapping[str, Environment]:
    """[environments.NAME]: the variables each environment must define."""
    table = _section(r, doc, "environments", ())
    environments = {}
    for name, value in table.items():
        key: KeyPath = ("environments", name)
        if not name.strip():
            r.fail(key, "expected a non-empty environment name")
        env = _table(r, value, key)
        _check_keys(r, env, ("variables",), key)
        variables = (
            _checked_list(r, env["variables"], (*key, "variables"), _env_name) if "variables" in env else ()
        )
        environments[name] = Environment(name=name, variables=variables)
    return MappingProxyType(environments)


# --------------------------------------------------------------------------- entry points


def parse_sprint(text: str, path: Path) -> Sprint:
    """Validate sprint.toml text; ``path`` names it in errors and anchors relative paths."""
    reader = _Reader(path, text)
    doc = _parse_toml(path, text)
    _check_keys(reader, doc, _TOP_KEYS, ())
    client, canonical = _read_sprint(reader, doc)
    apex, hosts = _read_domains(reader, doc)
    endpoints = _read_endpoints(reader, doc)
    return Sprint(
        path=path,
        client=client,
        canonical=canonical,
        apex=apex,
        hosts=hosts,
        dns_expect=_read_dns(reader, doc),
        redirects=_read_redirects(reader, doc),
        email=_read_email(reader, doc),
        endpoints=endpoints,
        network=_read_network(reader, doc),
        probes=_read_probes(reader, doc, endpoints),
        repo=_read_repo(reader, doc),
        logs=_read_logs(reader, doc),
        environments=_read_environments(reader, doc),
    )


def load_sprint(path: Path) -> Sprint:
    """Read and validate a sprint.toml; unreadable or non-UTF-8 files are ConfigErrors too."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            path, "", "file not found (copy sprint.toml.example to sprint.toml and edit it)"
        ) from None
    except OSError as err:
        raise ConfigError(path, "", f"cannot read the file: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        message = "the file is not valid UTF-8 (TOML must be UTF-8)"
        raise ConfigError(path, "", message, line) from None
    return parse_sprint(text, path)
