"""Rate-limit announcements in responses (web-tls-edge.md §7).

Reads the IETF draft's `RateLimit-Policy` (`"name";q=QUOTA;w=WINDOW`) and `RateLimit`
(`"name";r=REMAINING;t=SECONDS`) fields, the legacy `X-RateLimit-Limit/-Remaining/-Reset`
trio (and its `X-Rate-Limit-*` spelling) and `Retry-After` as delay-seconds or an
HTTP-date (RFC 9110 §10.2.3). The draft fields are Structured Field lists (RFC 8941);
only the subset they use is parsed (string or token items with integer, token or string
parameters), and a malformed field is ignored with a problem noted, as the draft tells
clients to do. The legacy "reset" is kept as sent: implementations mean seconds,
milliseconds, a UNIX time or a date by it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from launchwizard.net.http import retry_after_s

MAX_FIELD = 4096
_ITEM = re.compile(r'^\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z*][A-Za-z0-9_.:%*/!#$&\'+^`|~-]*))\s*((?:;[^;]*)*)$')
_PARAM = re.compile(
    r'^\s*([a-z*][a-z0-9_.*-]*)\s*(?:=\s*(-?\d{1,15}|"(?:[^"\\]|\\.)*"|:[^:]*:|\?[01]|[A-Za-z*][^;]*))?\s*$'
)


@dataclass(frozen=True)
class Policy:
    """One quota policy: `quota` units of `unit` per `window_s` seconds."""

    name: str
    quota: int
    unit: str = "requests"
    window_s: int | None = None


@dataclass(frozen=True)
class Current:
    """What is left of a policy now, and when it comes back."""

    name: str
    remaining: int
    reset_s: int | None = None


@dataclass(frozen=True)
class Legacy:
    """The X-RateLimit-* values as sent."""

    limit: int | None
    remaining: int | None
    reset: str | None


@dataclass(frozen=True)
class RateLimitInfo:
    """Everything one response announced about rate limits."""

    policies: tuple[Policy, ...] = ()
    current: tuple[Current, ...] = ()
    legacy: Legacy | None = None
    retry_after_s: float | None = None
    problems: tuple[str, ...] = ()

    @property
    def announced(self) -> bool:
        return bool(self.policies or self.current or self.legacy)

    def describe(self) -> str:
        """One phrase for a summary: the policies, what is left, when it resets."""
        parts = []
        for policy in self.policies[:3]:
            window = f" per {policy.window_s} s" if policy.window_s else ""
            parts.append(f'RateLimit-Policy "{policy.name}": {policy.quota} {policy.unit}{window}')
        for now in self.current[:3]:
            back = f", quota back in {now.reset_s} s" if now.reset_s is not None else ""
            parts.append(f"{now.remaining} left{back}")
        if self.legacy is not None:
            legacy = self.legacy
            text = f"X-RateLimit-Limit {legacy.limit}" if legacy.limit is not None else "X-RateLimit-*"
            if legacy.remaining is not None:
                text += f", {legacy.remaining} left"
            if legacy.reset is not None:
                text += f", reset {legacy.reset[:40]}"
            parts.append(text)
        return "; ".join(parts) or "no rate-limit fields"

    def to_json(self) -> dict[str, Any]:
        return {
            "policies": [vars(policy) for policy in self.policies],
            "current": [vars(now) for now in self.current],
            "legacy": vars(self.legacy) if self.legacy is not None else None,
            "retry_after_s": self.retry_after_s,
            "problems": list(self.problems),
        }


class _Malformed(ValueError):
    pass


def parse_items(text: str) -> list[tuple[str, dict[str, str]]]:
    """A Structured Field list of string/token items with parameters; raises _Malformed."""
    if len(text) > MAX_FIELD:
        raise _Malformed("longer than 4096 characters")
    items = []
    for member in _split_members(text):
        match = _ITEM.match(member)
        if match is None:
            raise _Malformed(f"item {member.strip()[:40]!r} is not a string or token with parameters")
        name = match.group(1) if match.group(1) is not None else match.group(2)
        params: dict[str, str] = {}
        for raw in match.group(3).split(";")[1:]:
            param = _PARAM.match(raw)
            if param is None:
                raise _Malformed(f"parameter {raw.strip()[:40]!r} is malformed")
            params[param.group(1)] = (param.group(2) or "?1").strip('"')
        items.append((name.replace('\\"', '"').replace("\\\\", "\\"), params))
    return items


def _split_members(text: str) -> list[str]:
    """Split at commas outside quoted strings."""
    members: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            members.append("".join(current))
            current = []
            continue
        current.append(char)
    if quoted:
        raise _Malformed("unterminated string")
    members.append("".join(current))
    if any(not member.strip() for member in members):
        raise _Malformed("empty list member")
    return members


def _integer(params: dict[str, str], key: str, required: bool) -> int | None:
    value = params.get(key)
    if value is None:
        if required:
            raise _Malformed(f"required parameter {key} is missing")
        return None
    if not re.fullmatch(r"\d{1,15}", value):
        raise _Malformed(f"parameter {key}={value[:20]} is not a non-negative integer")
    return int(value)


def _policies(text: str) -> tuple[Policy, ...]:
    return tuple(
        Policy(name, _integer(p, "q", True) or 0, p.get("qu", "requests"), _integer(p, "w", False))
        for name, p in parse_items(text)
    )


def _current(text: str) -> tuple[Current, ...]:
    return tuple(
        Current(name, _integer(p, "r", True) or 0, _integer(p, "t", False)) for name, p in parse_items(text)
    )


def _number(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    return int(text) if re.fullmatch(r"\d{1,15}", text) else None


def _fields(headers: Sequence[tuple[str, str]]) -> dict[str, str]:
    joined: dict[str, list[str]] = {}
    for name, value in headers:
        joined.setdefault(name.lower().replace("x-rate-limit-", "x-ratelimit-"), []).append(value)
    return {name: ", ".join(values) for name, values in joined.items()}


def read_ratelimit(headers: Sequence[tuple[str, str]], now: float | None = None) -> RateLimitInfo:
    """The rate-limit fields of one response; malformed ones become problems, never errors."""
    fields = _fields(headers)
    problems: list[str] = []
    parsed: dict[str, Any] = {"ratelimit-policy": (), "ratelimit": ()}
    for name, reader in (("ratelimit-policy", _policies), ("ratelimit", _current)):
        if name in fields:
            try:
                parsed[name] = reader(fields[name])
            except _Malformed as exc:
                problems.append(f"{name} ignored: {exc}")
    legacy = None
    if any(key in fields for key in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")):
        reset = fields.get("x-ratelimit-reset")
        legacy = Legacy(
            _number(fields.get("x-ratelimit-limit")), _number(fields.get("x-ratelimit-remaining")), reset
        )
    retry = None
    if "retry-after" in fields:
        retry = retry_after_s(fields["retry-after"], now)
        if retry is None:
            problems.append(f"Retry-After {fields['retry-after'][:40]!r} is neither seconds nor an HTTP date")
    return RateLimitInfo(parsed["ratelimit-policy"], parsed["ratelimit"], legacy, retry, tuple(problems))
