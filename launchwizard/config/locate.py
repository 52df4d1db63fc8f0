"""The TOML line locator: from a key path to the line it is written on.

tomllib gives no line numbers for keys, yet an error that says which line to fix saves the
operator a search under time pressure. This small scanner maps key paths to lines; it runs
only when there is an error to report, so a valid sprint.toml never pays for it.
"""

from __future__ import annotations

import bisect
import contextlib
import re
import tomllib

from launchwizard.config.keypath import BARE_KEY, KeyPath


class _ScanStop(Exception):
    """The locator met text it does not understand; it keeps the lines found so far."""


class Locator:
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
                match = BARE_KEY.match(self.text, self.pos)
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
