"""Strict-Transport-Security values (RFC 6797 §6.1) as browsers and the Observatory read them.

Directives are separated by ";" and matched case-insensitively; max-age is required and
may be quoted; a directive given twice makes browsers ignore the whole header (§6.1 rule
2). A comma means two header fields were folded into one value, which the Observatory
calls invalid. Unknown directives are ignored, as the RFC says.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DIRECTIVES = 64


@dataclass(frozen=True)
class HstsPolicy:
    """One HSTS header: its directives and whether a browser would honour it at all."""

    max_age: int | None
    include_subdomains: bool
    preload: bool
    problems: tuple[str, ...]
    valid: bool


def _max_age(raw: str) -> int | None:
    text = raw.strip().strip('"')
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else None


def parse_hsts(value: str) -> HstsPolicy:
    """The policy in one Strict-Transport-Security value; never raises."""
    problems: list[str] = []
    seen: set[str] = set()
    max_age: int | None = None
    valid = True
    if "," in value:
        problems.append("a comma shows the header was sent more than once in one field")
        valid = False
    for directive in value.split(";")[:MAX_DIRECTIVES]:
        name, has_value, raw = directive.partition("=")
        name = name.strip().lower()
        if not name:
            continue
        if name in seen:
            problems.append(f"directive {name[:30]} is given twice, so browsers ignore the header")
            valid = False
            continue
        seen.add(name)
        if name == "max-age":
            max_age = _max_age(raw) if has_value else None
            if max_age is None:
                problems.append(f"max-age value {raw.strip()[:30]!r} is not a number of seconds")
                valid = False
    if "max-age" not in seen:
        problems.append("no max-age directive")
        valid = False
    return HstsPolicy(max_age, "includesubdomains" in seen, "preload" in seen, tuple(problems), valid)


def preloaded(host: str) -> bool:
    """Whether browsers force HTTPS for `host` before any visit: it, or a parent listed with
    includeSubDomains, is on Chromium's HSTS preload list (which Firefox, Safari and Edge
    derive theirs from). Read from the maintained `hstspreload` package, imported on first
    use; a name the list cannot hold (an address, a single label) is not preloaded."""
    name = host.strip().lower().rstrip(".")
    if "." not in name or not name.isascii():
        return False
    from hstspreload import in_hsts_preload

    return bool(in_hsts_preload(name))
