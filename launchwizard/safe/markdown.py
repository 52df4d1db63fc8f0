"""Markdown escaping for the handover pack: untrusted text that renders as itself on GitHub.

DNS records, server headers, owner names and notes typed by a person all end up in the
pack. Left raw, a `|` splits a table cell, a `<script>` or `<details>` becomes HTML, a
leading `1.` starts a list, `$x$` becomes maths and a backtick run closes a code span
early. These filters make such text inert, and they are the only way templates put
untrusted text on the page.
"""

from __future__ import annotations

import json
import re
from typing import Any

from launchwizard.safe.terminal import safe_text

# ASCII punctuation CommonMark lets us backslash-escape and GitHub would otherwise act on:
# emphasis, code, links, HTML, tables, strikethrough, entities, headings, maths.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!$])")
_LIST_MARKER = re.compile(r"^([-+])|^(\d{1,9})([.)])(?=\s|$)")
_BACKTICKS = re.compile(r"`+")
_FENCE_LANG = re.compile(r"[A-Za-z0-9_+-]*")
_ANCHOR_JUNK = re.compile(r"[^a-z0-9_-]+")
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
LINE_BREAK = "<br>"
ELLIPSIS = "…"


def _visible(line: str) -> str:
    """Control and format characters (escape sequences, bidi overrides) shown as codes."""
    return safe_text(line.replace("\t", " "))


def _escape_line(line: str) -> str:
    """One line of untrusted text, with every active character escaped."""
    escaped = _SPECIAL.sub(r"\\\1", _visible(line.strip()))
    return _LIST_MARKER.sub(_escape_marker, escaped, count=1)


def _escape_marker(match: re.Match[str]) -> str:
    """`- x`, `+ x` and `1. x` at the start of a list item would nest another list, and
    `---` would draw a rule; `1.0.0` is left alone."""
    if match.group(1):
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"


def md(value: Any) -> str:
    """Untrusted text for running text, list items and table cells.

    Newlines become `<br>` so a value never breaks out of its list item or table row.
    """
    text = "" if value is None else str(value)
    return LINE_BREAK.join(_escape_line(line) for line in text.splitlines())


def code(value: Any, cell: bool = False) -> str:
    """An inline code span that holds any text, backticks included.

    The delimiter is one backtick longer than the longest run inside. In a table cell
    (`cell=True`) a `|` must still be escaped: GitHub splits cells before it parses code.
    """
    text = " ".join(_visible(line) for line in str(value).splitlines()).strip()
    if not text:
        return ""
    fence = "`" * (_longest_backtick_run(text) + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    if cell:
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def code_cell(value: Any) -> str:
    """`code` for a table cell."""
    return code(value, cell=True)


def fence(value: Any, lang: str = "") -> str:
    """A fenced code block that no content can close early: the fence outruns every
    backtick run inside. Ends without a newline, so templates place it like any value."""
    lines = [_visible(line) for line in str(value).splitlines()]
    body = "\n".join(lines)
    ticks = "`" * max(3, _longest_backtick_run(body) + 1)
    tag = lang if _FENCE_LANG.fullmatch(lang) else ""
    return f"{ticks}{tag}\n{body}\n{ticks}" if body else f"{ticks}{tag}\n{ticks}"


def json_block(value: Any) -> str:
    """Evidence as an indented JSON fenced block: readable, and exact about types."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return fence(text, "json")


def prose(value: Any) -> str:
    """Text written by a check author (a fix, a title): its `code spans` stay code, the
    rest is escaped. The spans are rebuilt by `code`, so a stray backtick stays inert."""
    text = ("" if value is None else str(value)).strip()
    parts: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_escape_run(text[position : match.start()]))
        parts.append(code(match.group(2)))
        position = match.end()
    parts.append(_escape_run(text[position:]))
    return _LIST_MARKER.sub(_escape_marker, "".join(parts), count=1)


def _escape_run(text: str) -> str:
    """Escape a piece of prose as it stands, spaces kept, lines joined by `<br>`."""
    lines = [_SPECIAL.sub(r"\\\1", _visible(line)) for line in _NEWLINE.split(text)]
    return LINE_BREAK.join(lines)


def short(value: Any, limit: int = 80) -> str:
    """The first line of a value, cut to `limit` characters; for table cells."""
    text = "" if value is None else str(value)
    first = text.strip().splitlines()[0] if text.strip() else ""
    if len(first) > limit or first != text.strip():
        return first[: max(1, limit - 1)].rstrip() + ELLIPSIS
    return first


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)


def anchor_id(*parts: str) -> str:
    """An explicit anchor id made of lower-case ASCII letters, digits, `-` and `_`.

    Explicit `<a id>` anchors keep links stable however a heading's text is escaped."""
    joined = "-".join(parts).lower()
    return _ANCHOR_JUNK.sub("-", joined).strip("-") or "entry"


def github_slug(heading: str) -> str:
    """The id GitHub gives a heading: lower-case, punctuation other than `-` and `_`
    dropped, each space a `-` (no collapsing). Duplicates get -1, -2... (not done here)."""
    return _SLUG_DROP.sub("", heading.strip().lower()).replace(" ", "-")


FILTERS = {
    "md": md,
    "code": code,
    "code_cell": code_cell,
    "fence": fence,
    "json_block": json_block,
    "prose": prose,
    "short": short,
}
