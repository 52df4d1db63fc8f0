"""TXT rdata as the text a policy parser reads, whatever form the resolver hands it over in.

dnspython presents TXT rdata as quoted character-strings (`"v=DMARC1; " "p=reject"`), while
the resolver may also hand back the strings already joined. RFC 7208 §3.3 and RFC 6376
§3.6.2.2 both say the strings of one record are concatenated with nothing between them,
so both forms must come out as the same text.
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(\d{3}|.)", re.DOTALL)


def _unescape(text: str) -> str:
    """Undo master-file escapes: `\\"`, `\\\\` and `\\DDD` decimal bytes."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.isdigit() and len(code) == 3:
            return chr(int(code)) if int(code) < 256 else match.group(0)
        return code

    return _ESCAPE.sub(one, text)


def txt_text(rdata: str) -> str:
    """One TXT record's text: quoted strings unescaped and joined; unquoted text as is."""
    stripped = rdata.strip()
    if not stripped.startswith('"'):
        return rdata
    parts = _QUOTED.findall(stripped)
    leftover = _QUOTED.sub("", stripped).strip()
    if leftover:
        return rdata
    text = "".join(_unescape(p) for p in parts)
    return _redecode(text)


def _redecode(text: str) -> str:
    """Bytes written as \\DDD escapes become characters again, UTF-8 where they form it."""
    if all(ord(c) < 128 for c in text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def txt_texts(records: tuple[str, ...] | list[str]) -> list[str]:
    """Every record's text, in answer order."""
    return [txt_text(r) for r in records]
