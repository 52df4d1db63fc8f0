"""RFC 8941 Structured Field Values: just enough to read an Item, as COOP and COEP are written.

`Cross-Origin-Opener-Policy: same-origin; report-to="coop"` is an Item: a bare item (here a
Token) and parameters. Browsers parse it by RFC 8941 and ignore a value that does not parse,
so `"same-origin"` (a String), `Same-Origin` (another token: tokens are case-sensitive) and
`same-origin; report-to=coop endpoint` (text left over) all leave the page unprotected. The
MDN HTTP Observatory grades them the same way.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_STRING = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*"')
_BYTES = re.compile(r":[A-Za-z0-9+/=]*:")
_BOOLEAN = re.compile(r"\?[01]")
_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")


class _Invalid(ValueError):
    """The text is not a Structured Field Item."""


def item_token(text: str) -> str | None:
    """The Token an Item holds (its case kept), or None when `text` is not an Item or its bare
    item is a String, a number, a byte sequence or a boolean."""
    try:
        kind, value, end = _bare_item(text, _skip_spaces(text, 0))
        end = _parameters(text, end)
    except _Invalid:
        return None
    if _skip_spaces(text, end) != len(text):
        return None
    return value if kind == "token" else None


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position] == " ":
        position += 1
    return position


def _bare_item(text: str, position: int) -> tuple[str, str, int]:
    """(kind, text of the item, position after it)."""
    for kind, pattern in (
        ("token", _TOKEN),
        ("number", _NUMBER),
        ("string", _STRING),
        ("bytes", _BYTES),
        ("boolean", _BOOLEAN),
    ):
        match = pattern.match(text, position)
        if match:
            if kind == "number" and not _number_fits(match.group()):
                raise _Invalid(match.group())
            return kind, match.group(), match.end()
    raise _Invalid(text[position : position + 20])


def _number_fits(number: str) -> bool:
    """RFC 8941 §3.3.1-2: at most 15 digits in an integer, 12.3 in a decimal."""
    whole, _, fraction = number.lstrip("-").partition(".")
    return len(whole) <= (12 if fraction else 15) and len(fraction) <= 3


def _parameters(text: str, position: int) -> int:
    """Skip `;key[=bare-item]` parameters, validating each."""
    while position < len(text) and text[position] == ";":
        position = _skip_spaces(text, position + 1)
        key = _KEY.match(text, position)
        if key is None:
            raise _Invalid(text[position : position + 20])
        position = key.end()
        if position < len(text) and text[position] == "=":
            _kind, _value, position = _bare_item(text, position + 1)
    return position
