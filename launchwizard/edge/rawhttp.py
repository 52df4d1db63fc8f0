"""A saved raw HTTP response, as `curl -si URL > FILE` (or a browser's "copy response") writes it.

Status line, header lines, a blank line, then the body. curl writes one header block per
response it saw: an interim `100 Continue`, a proxy's `200 Connection established`, and
with -L every redirect; the page is the last block. Lines may end in CRLF or LF, header
values are decoded as latin-1 (bytes kept one to one), obsolete line folding is joined,
and header lines without a colon are skipped as browsers do. Anything without a status
line is not a response and raises RawResponseError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STATUS_LINE = re.compile(rb"^HTTP/(\d(?:\.\d)?) +(\d{3})(?: +([^\r\n]*))?$")
MAX_HEADER_LINES = 10_000
MAX_BLOCKS = 50


class RawResponseError(ValueError):
    """The data is not a saved HTTP response; the message says what is missing."""


@dataclass(frozen=True)
class RawResponse:
    """The final response of a saved exchange."""

    status: int
    reason: str
    version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    blocks: int = 1

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def _split_head(data: bytes) -> tuple[list[bytes], bytes]:
    """Header lines of the first block and everything after its blank line."""
    lines: list[bytes] = []
    position = 0
    while position < len(data) and len(lines) <= MAX_HEADER_LINES:
        end = data.find(b"\n", position)
        if end < 0:
            lines.append(data[position:].rstrip(b"\r"))
            return lines, b""
        line = data[position:end].rstrip(b"\r")
        position = end + 1
        if not line:
            return lines, data[position:]
        lines.append(line)
    raise RawResponseError(f"more than {MAX_HEADER_LINES} header lines without a blank line")


def _headers(lines: list[bytes]) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.decode("latin-1")
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if colon and name.strip() and name == name.rstrip():
            headers.append((name.strip(), value.strip()))
    return tuple(headers)


def parse_raw_response(data: bytes) -> RawResponse:
    """The last response in `data`; raises RawResponseError when there is none."""
    rest = data.lstrip(b"\r\n")
    if not rest.startswith(b"HTTP/"):
        raise RawResponseError("it does not start with an HTTP status line (save it with `curl -si URL`)")
    for block in range(1, MAX_BLOCKS + 1):
        lines, body = _split_head(rest)
        status = _STATUS_LINE.match(lines[0])
        if status is None:
            raise RawResponseError(f"bad status line {lines[0][:60].decode('latin-1')!r}")
        code = int(status.group(2))
        following = body.lstrip(b"\r\n")
        if following.startswith(b"HTTP/") and (
            code < 200 or 300 <= code < 400 or (code == 200 and block == 1)
        ):
            rest = following
            continue
        return RawResponse(
            status=code,
            reason=(status.group(3) or b"").decode("latin-1").strip(),
            version=status.group(1).decode("ascii"),
            headers=_headers(lines[1:]),
            body=body,
            blocks=block,
        )
    raise RawResponseError(f"more than {MAX_BLOCKS} responses in one file")
