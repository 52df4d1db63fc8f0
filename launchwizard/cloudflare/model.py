"""The parts of the Cloudflare API's answers the checks use, as plain frozen data.

Answers are read defensively: a field of the wrong type reads as absent, strings are cut
to a sane length, and nothing from the API is trusted to be well formed. A zone, record or
rule without the fields that identify it is dropped by its `from_json`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 512
MAX_EXPRESSION = 16 * 1024
"""Cloudflare accepts expressions up to 4,096 characters; anything much longer is not
read (the grader reports it as unreadable)."""
MAX_ITEMS = 64
"""Name servers, characteristics and the like: a few are normal, thousands are hostile."""
MAX_RULES = 1000
IDENTIFIER = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""Zone, account and ruleset ids go into request paths: anything else is not an id."""


def text(value: Any, limit: int = MAX_TEXT) -> str:
    """A string field as printable text, cut to `limit`; anything else reads as ""."""
    if not isinstance(value, str):
        return ""
    cleaned = "".join(char for char in value[: limit * 2] if char.isprintable())
    return cleaned[:limit]


def flag(value: Any) -> bool | None:
    """A boolean field, or None when absent or not a boolean."""
    return value if isinstance(value, bool) else None


def number(value: Any) -> int | None:
    """An integer field (not a boolean), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def texts(value: Any) -> tuple[str, ...]:
    """A list of strings, each cleaned; other items and other types are dropped."""
    if not isinstance(value, list):
        return ()
    return tuple(cleaned for item in value[:MAX_ITEMS] if (cleaned := text(item)))


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def identifier(value: Any) -> str:
    """An id that may go into a request path, or "" when it is anything else."""
    return value if isinstance(value, str) and IDENTIFIER.fullmatch(value) else ""


@dataclass(frozen=True)
class TokenStatus:
    """What /user/tokens/verify (or the account's) says about the token."""

    id: str
    status: str
    expires_on: str = ""
    not_before: str = ""

    @classmethod
    def from_json(cls, data: Any) -> TokenStatus:
        fields = mapping(data)
        return cls(
            id=text(fields.get("id"), 64),
            status=text(fields.get("status"), 32).lower(),
            expires_on=text(fields.get("expires_on"), 64),
            not_before=text(fields.get("not_before"), 64),
        )


@dataclass(frozen=True)
class Zone:
    """One zone as /zones lists it."""

    id: str
    name: str
    status: str
    paused: bool
    type: str
    name_servers: tuple[str, ...]
    original_name_servers: tuple[str, ...]
    account_id: str
    account_name: str
    plan: str

    @classmethod
    def from_json(cls, data: Any) -> Zone | None:
        fields = mapping(data)
        zone_id, name = identifier(fields.get("id")), text(fields.get("name"), 253).rstrip(".").lower()
        if not zone_id or not name:
            return None
        account, plan = mapping(fields.get("account")), mapping(fields.get("plan"))
        return cls(
            id=zone_id,
            name=name,
            status=text(fields.get("status"), 32).lower(),
            paused=flag(fields.get("paused")) is True,
            type=text(fields.get("type"), 32).lower() or "full",
            name_servers=_names(fields.get("name_servers")),
            original_name_servers=_names(fields.get("original_name_servers")),
            account_id=identifier(account.get("id")),
            account_name=text(account.get("name"), 128),
            plan=text(plan.get("name"), 64),
        )


def _names(value: Any) -> tuple[str, ...]:
    return tuple(name.rstrip(".").lower() for name in texts(value))


@dataclass(frozen=True)
class Setting:
    """One zone setting (`/zones/{id}/settings/{name}`): its value as text."""

    id: str
    value: str
    editable: bool | None = None
    time_remaining: int | None = None

    @classmethod
    def from_json(cls, setting_id: str, data: Any) -> Setting:
        fields = mapping(data)
        raw = fields.get("value")
        value = raw if isinstance(raw, str) else ""
        return cls(
            id=setting_id,
            value=text(value, 64).lower(),
            editable=flag(fields.get("editable")),
            time_remaining=number(fields.get("time_remaining")),
        )


@dataclass(frozen=True)
class DnsRecord:
    """One record of the zone; `proxied` is None where Cloudflare cannot proxy it (MX, TXT...)."""

    name: str
    type: str
    content: str
    proxied: bool | None
    id: str = ""

    @classmethod
    def from_json(cls, data: Any) -> DnsRecord | None:
        fields = mapping(data)
        name, kind = text(fields.get("name"), 253).rstrip(".").lower(), text(fields.get("type"), 16).upper()
        if not name or not kind:
            return None
        content = text(fields.get("content"), 1024)
        if kind in ("A", "AAAA", "CNAME"):
            content = content.rstrip(".").lower()
        return cls(
            name=name,
            type=kind,
            content=content,
            proxied=None if flag(fields.get("proxiable")) is False else flag(fields.get("proxied")),
            id=identifier(fields.get("id")),
        )

    @property
    def label(self) -> str:
        """How the dashboard shows the proxy status."""
        if self.proxied is None:
            return "not proxiable"
        return "proxied" if self.proxied else "DNS only"


@dataclass(frozen=True)
class RateLimit:
    """A rate-limiting rule's counting parameters."""

    characteristics: tuple[str, ...]
    period: int | None
    requests_per_period: int | None
    mitigation_timeout: int | None

    @classmethod
    def from_json(cls, data: Any) -> RateLimit | None:
        fields = mapping(data)
        if not fields:
            return None
        return cls(
            characteristics=texts(fields.get("characteristics")),
            period=number(fields.get("period")),
            requests_per_period=number(fields.get("requests_per_period")),
            mitigation_timeout=number(fields.get("mitigation_timeout")),
        )

    def describe(self) -> str:
        if self.requests_per_period is None or self.period is None:
            return "rate not stated"
        return f"{self.requests_per_period} requests per {self.period} s"


@dataclass(frozen=True)
class Rule:
    """One rule of a phase entry point ruleset.

    `executes` is the ruleset an "execute" rule runs (a managed ruleset), `ruleset_enabled`
    and `ruleset_action` its overrides (`enabled: false` switches the managed ruleset off,
    `action: log` makes it only watch).
    """

    id: str
    action: str
    expression: str
    enabled: bool
    description: str = ""
    executes: str = ""
    ruleset_enabled: bool | None = None
    ruleset_action: str = ""
    ratelimit: RateLimit | None = None

    @classmethod
    def from_json(cls, data: Any) -> Rule | None:
        fields = mapping(data)
        action = text(fields.get("action"), 64).lower()
        if not action:
            return None
        parameters = mapping(fields.get("action_parameters"))
        overrides = mapping(parameters.get("overrides"))
        expression = fields.get("expression")
        return cls(
            id=text(fields.get("id"), 64),
            action=action,
            expression=expression[:MAX_EXPRESSION] if isinstance(expression, str) else "",
            enabled=flag(fields.get("enabled")) is not False,
            description=text(fields.get("description"), 200),
            executes=text(parameters.get("id"), 64),
            ruleset_enabled=flag(overrides.get("enabled")),
            ruleset_action=text(overrides.get("action"), 64).lower(),
            ratelimit=RateLimit.from_json(fields.get("ratelimit")),
        )


@dataclass(frozen=True)
class Ruleset:
    """A zone's phase entry point ruleset (`/zones/{id}/rulesets/phases/{phase}/entrypoint`);
    `exists` is False for a phase the zone has no entry point in (the API's 404)."""

    id: str
    phase: str
    rules: tuple[Rule, ...]
    exists: bool = True

    @classmethod
    def from_json(cls, data: Any) -> Ruleset:
        fields = mapping(data)
        raw_rules = fields.get("rules")
        rules = raw_rules[:MAX_RULES] if isinstance(raw_rules, list) else []
        return cls(
            id=identifier(fields.get("id")),
            phase=text(fields.get("phase"), 64),
            rules=tuple(rule for item in rules if (rule := Rule.from_json(item)) is not None),
        )
