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
    multiline: bool = False
    """Held as several lines (steps, notes, a list of URLs): edited as a text area."""
    title: str = ""
    """The label when it is not made from the field id (an environment's own name)."""

    @property
    def label(self) -> str:
        return self.title or label_for(self.field)


@dataclass(frozen=True)
class SectionSpec:
    """A section the pack expects; `kind` is one of the SectionView kinds."""

    id: str
    title: str
    kind: str
    fields: tuple[FieldSpec, ...]
    hint: str = ""
    """What to write in its fields, when the labels alone do not say it."""

    def field(self, field: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.field == field), None)


REGISTRATION_FIELDS = ("expires", "transfer_lock", "nameservers")
"""The registrar section's own facts; the registry knows them too (the pack shows both)."""
MULTILINE_FIELDS = frozenset({"notes", "steps", "uptime_urls"})
"""Field ids whose values are lists or prose, one item per line."""


def _spec(field: str, secret: bool = False) -> FieldSpec:
    return FieldSpec(field, secret, multiline=field in MULTILINE_FIELDS)


def _access(section_id: str, title: str, *secrets: str, extra: tuple[str, ...] = ()) -> SectionSpec:
    plain = (*ACCESS_FIELDS, *extra)
    fields = tuple(_spec(f) for f in plain) + tuple(_spec(s, True) for s in secrets)
    return SectionSpec(section_id, title, "access", fields)


def _plain(section_id: str, title: str, kind: str, *fields: str, hint: str = "") -> SectionSpec:
    return SectionSpec(section_id, title, kind, tuple(_spec(f) for f in fields), hint)


ENV_SECTION = "env"
ENV_HINT = (
    "For each environment: where its values are managed (the host's settings, a secret manager) "
    "and who can change them. The variable names come from sprint.toml [environments] and what "
    "config.env finds the code reading."
)
DEFAULT_ENVIRONMENT = "production"
"""The one environment the env section asks about when sprint.toml declares none."""

SECTIONS: tuple[SectionSpec, ...] = (
    _access("registrar", "Domain registrar", "password", "recovery_codes", extra=REGISTRATION_FIELDS),
    _access("dns", "DNS / Cloudflare", "api_token"),
    _access("hosting", "Hosting", "api_token", "password"),
    _access("email_provider", "Email provider", "api_key", "password"),
    _access("monitoring", "Monitoring", "api_key"),
    _access("llm_provider", "LLM provider", "api_key"),
    SectionSpec(
        "cloudflare",
        "Cloudflare API (read-only token for the cloudflare checks)",
        "access",
        (_spec("account"), _spec("owner"), _spec("api_token", True), _spec("notes")),
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
    _plain(ENV_SECTION, "Environment variables", "environments", hint=ENV_HINT),
    _plain("rotation", "Secret rotation", "rotation", "notes"),
    SectionSpec(
        "monitors",
        "Uptime monitors and alerts",
        "monitoring",
        (
            _spec("uptime_urls"),
            _spec("status_page"),
            _spec("alert_route"),
            _spec("alert_webhook", True),
        ),
    ),
    _plain("rollback", "Rollback runbook", "rollback", "steps", "last_tested"),
    _plain("release", "Release notes", "release", "version", "notes"),
)

_BY_ID = {s.id: s for s in SECTIONS}

RENAMED = {"monitoring.webhook_url": "monitors.alert_webhook"}
"""Fields that moved: the old name is read, written and migrated as the new one. The alert
webhook lived in two places (the perf stage's monitoring access and the handover's
monitors); monitor.alerts reads `monitors.alert_webhook`, so that is the one."""

HANDOVER_FIELDS = (
    "registrar.owner",
    "dns.owner",
    "hosting.owner",
    "email_provider.owner",
    "llm_provider.owner",
    "contacts.support_email",
    "contacts.escalation",
    "rotation.notes",
    "monitors.uptime_urls",
    "monitors.alert_route",
    "rollback.steps",
    "release.notes",
)
"""The details a founder cannot operate without (DESIGN §2's handover checklist); with every
field of the env section (one per environment), they are the handover details counted on
the handover screen and at the top of the pack."""


def environment_field(environment: str) -> str:
    """The env section's field id for an environment of sprint.toml: `Prod-EU` -> `prod_eu`."""
    slug = re.sub(r"[^a-z0-9]+", "_", environment.lower()).strip("_")[:MAX_PART] or "environment"
    return slug if slug[0].isalpha() else f"env_{slug}"[:MAX_PART]


def sections_for(environments: tuple[str, ...]) -> tuple[SectionSpec, ...]:
    """The catalog for one sprint: the env section gets one field per environment it declares
    (or `production` when it declares none), labelled with the environment's own name."""
    fields: dict[str, FieldSpec] = {}
    for name in environments or (DEFAULT_ENVIRONMENT,):
        field = environment_field(name)
        while field in fields:
            field = f"{field}_{len(fields) + 1}"[-MAX_PART:]
        fields[field] = FieldSpec(field, multiline=True, title=name)
    return tuple(
        SectionSpec(s.id, s.title, s.kind, tuple(fields.values()), s.hint) if s.id == ENV_SECTION else s
        for s in SECTIONS
    )


def canonical_name(name: str) -> str:
    """The name a field is kept under now (a renamed field's new name)."""
    return RENAMED.get(name, name)


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
