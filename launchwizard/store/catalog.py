"""What the store knows about: sections, their fields, labels, and which fields are secret.

The catalog lists what the handover checklist asks for, so the pack and the wizard can show
every expected field even before it is captured. Anything else the operator adds is
allowed; a name that looks like a credential is always treated as secret, because a
token typed into the wrong field must not end up in store.toml in clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from launchwizard.store.errors import StoreUsageError

NAME_PART = re.compile(r"[a-z][a-z0-9_]*")
MAX_PART = 64
MAX_VALUE_BYTES = 64 * 1024

# Substrings of a NAME that mark a credential whatever the catalog says.
SECRET_WORDS = (
    "token",
    "password",
    "passphrase",
    "secret",
    "api_key",
    "apikey",
    "private_key",
    "recovery",
    "webhook",
    "credential",
)

ACCESS_FIELDS = ("provider", "url", "owner", "account", "mfa", "notes")

# Words a label spells in capitals or differently from the field id.
_WORDS = {"api": "API", "url": "URL", "urls": "URLs", "mfa": "MFA", "dns": "DNS", "llm": "LLM"}
_WORDS |= {"id": "ID", "ip": "IP", "smtp": "SMTP", "ssh": "SSH", "sso": "SSO", "ci": "CI"}
_LABELS = {"on_call": "On call", "nameservers": "Name servers"}


@dataclass(frozen=True)
class FieldSpec:
    field: str
    secret: bool = False

    @property
    def label(self) -> str:
        return label_for(self.field)


@dataclass(frozen=True)
class SectionSpec:
    """A section the pack expects; `kind` is one of the SectionView kinds."""

    id: str
    title: str
    kind: str
    fields: tuple[FieldSpec, ...]

    def field(self, field: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.field == field), None)


REGISTRATION_FIELDS = ("expires", "transfer_lock", "nameservers")
"""The registrar section's own facts; the registry knows them too (the pack shows both)."""


def _access(section_id: str, title: str, *secrets: str, extra: tuple[str, ...] = ()) -> SectionSpec:
    plain = (*ACCESS_FIELDS, *extra)
    fields = tuple(FieldSpec(f) for f in plain) + tuple(FieldSpec(s, True) for s in secrets)
    return SectionSpec(section_id, title, "access", fields)


def _plain(section_id: str, title: str, kind: str, *fields: str) -> SectionSpec:
    return SectionSpec(section_id, title, kind, tuple(FieldSpec(f) for f in fields))


SECTIONS: tuple[SectionSpec, ...] = (
    _access("registrar", "Domain registrar", "password", "recovery_codes", extra=REGISTRATION_FIELDS),
    _access("dns", "DNS / Cloudflare", "api_token"),
    _access("hosting", "Hosting", "api_token", "password"),
    _access("email_provider", "Email provider", "api_key", "password"),
    _access("monitoring", "Monitoring", "api_key", "webhook_url"),
    _access("llm_provider", "LLM provider", "api_key"),
    SectionSpec(
        "cloudflare",
        "Cloudflare API (read-only token for the cloudflare checks)",
        "access",
        (FieldSpec("account"), FieldSpec("owner"), FieldSpec("api_token", True), FieldSpec("notes")),
    ),
    _plain(
        "contacts",
        "Support contacts",
        "contacts",
        "support_email",
        "support_phone",
        "escalation",
        "on_call",
        "founder",
        "consultant",
    ),
    _plain("env", "Environment variables", "environments"),
    _plain("rotation", "Secret rotation", "rotation", "notes"),
    SectionSpec(
        "monitors",
        "Uptime monitors and alerts",
        "monitoring",
        (
            FieldSpec("uptime_urls"),
            FieldSpec("status_page"),
            FieldSpec("alert_route"),
            FieldSpec("alert_webhook", True),
        ),
    ),
    _plain("rollback", "Rollback runbook", "rollback", "steps", "last_tested"),
    _plain("release", "Release notes", "release", "version", "notes"),
)

_BY_ID = {s.id: s for s in SECTIONS}


def parse_name(name: str) -> tuple[str, str]:
    """Split `section.field`, or raise the one message that says what a NAME looks like.

    The rejected text is not echoed: a NAME in the wrong place is sometimes a pasted token.
    """
    section, dot, field = name.partition(".")
    if dot and _part_ok(section) and _part_ok(field):
        return section, field
    raise StoreUsageError(
        "invalid NAME: expected section.field in lower-case letters, digits and underscores, "
        "each starting with a letter (for example registrar.owner or dns.api_token)"
    )


def _part_ok(part: str) -> bool:
    return len(part) <= MAX_PART and NAME_PART.fullmatch(part) is not None


def looks_secret(name: str) -> bool:
    """True when the NAME itself says it holds a credential (`cloudflare.api_token`)."""
    return any(word in name for word in SECRET_WORDS)


def catalog_secret(name: str) -> bool:
    """True when the catalog or the NAME marks the field secret, whatever the caller says."""
    section, _, field = name.partition(".")
    spec = _BY_ID.get(section)
    known = spec.field(field) if spec else None
    return (known is not None and known.secret) or looks_secret(name)


def section_spec(section_id: str) -> SectionSpec | None:
    return _BY_ID.get(section_id)


def custom_section(section_id: str) -> SectionSpec:
    """A section the operator added: access details, titled from its id."""
    return SectionSpec(section_id, title_for(section_id), "access", ())


def title_for(section_id: str) -> str:
    """`my_vendor` -> "My vendor"; `dns_backup` -> "DNS backup"."""
    return _humanize(section_id)


def label_for(field: str) -> str:
    """Human words for a field id: `api_token` -> "API token", `recovery_codes` -> "Recovery codes"."""
    return _LABELS.get(field) or _humanize(field)


def _humanize(identifier: str) -> str:
    words = [_WORDS.get(w, w) for w in identifier.split("_") if w]
    if not words:
        return identifier
    first = words[0]
    words[0] = first if first in _WORDS.values() else first.capitalize()
    return " ".join(words)


def value_problem(value: str) -> str | None:
    """Why `value` cannot be stored, or None. Any text up to 64 KiB; empty is refused
    (delete unsets a field) and so is NUL, where OS keyrings and C libraries cut a value."""
    if not value:
        return "the value is empty"
    if "\x00" in value:
        return "the value contains a NUL character"
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "the value is not valid text (not UTF-8)"
    if size > MAX_VALUE_BYTES:
        return f"the value is {size} bytes; the limit is {MAX_VALUE_BYTES} (64 KiB)"
    return None


def check_value(value: str) -> None:
    """Raise StoreUsageError when `value_problem` finds one."""
    problem = value_problem(value)
    if problem:
        raise StoreUsageError(f"{problem}; nothing was saved")
