"""An RDAP domain object (RFC 9083 §5.3) read into plain data, defensively.

Only what the registrar checks and the handover use is kept: status, events, the
registrar (name, IANA id, abuse contact), name servers, DNSSEC data and the link to the
registrar's own RDAP server. Registrant contacts are personal data and are never read.
A field of the wrong shape is left out and noted; nothing here raises on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from launchwizard.rdap.dates import BadDate, parse_rdap_date
from launchwizard.rdap.jsondata import JsonProblem, decode_json
from launchwizard.rdap.status import normalise_statuses

MAX_DOMAIN_BYTES = 1024 * 1024
"""A real domain answer is a few KB; a megabyte is already hostile."""
MAX_ITEMS = 50
MAX_TEXT = 200
IANA_REGISTRAR_ID = "iana registrar id"


class RdapDataError(ValueError):
    """An answer that is not a usable RDAP domain object; the message says why."""


@dataclass(frozen=True)
class Registrar:
    """The sponsoring registrar, as the registry names it (RFC 9083 §5.1, ICANN's profile)."""

    name: str | None = None
    iana_id: str | None = None
    abuse_email: str | None = None
    abuse_phone: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def describe(self) -> str:
        """"Name (IANA 292)", or whatever part is known."""
        name = self.name or "an unnamed registrar"
        return f"{name} (IANA {self.iana_id})" if self.iana_id else name


@dataclass(frozen=True)
class DsRecord:
    """One DS record at the registry (RFC 4034 §5), digest in lower-case hex."""

    key_tag: int
    algorithm: int
    digest_type: int
    digest: str

    def to_text(self) -> str:
        return f"{self.key_tag} {self.algorithm} {self.digest_type} {self.digest}"


@dataclass(frozen=True)
class KeyRecord:
    """A DNSKEY the registry publishes instead of a DS (RFC 9083 §5.3 keyData)."""

    flags: int
    protocol: int
    algorithm: int
    public_key: str

    def to_text(self) -> str:
        return f"{self.flags} {self.protocol} {self.algorithm} {self.public_key}"


@dataclass(frozen=True)
class Expiration:
    """The expiration event: when, as written, or why it could not be read."""

    raw: str
    at: datetime | None
    problem: str | None = None
    source: str = "registry"


@dataclass(frozen=True)
class Registration:
    """What one RDAP server says about a domain."""

    domain: str
    statuses: tuple[str, ...] = ()
    expiration: Expiration | None = None
    registered: str | None = None
    last_changed: str | None = None
    registrar: Registrar = Registrar()
    nameservers: tuple[str, ...] = ()
    delegation_signed: bool | None = None
    ds: tuple[DsRecord, ...] = ()
    keys: tuple[KeyRecord, ...] = ()
    related: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def needs_registrar_data(self) -> bool:
        """True when a thin registry left out what the registrar's server usually has."""
        r = self.registrar
        return self.expiration is None or r.name is None or (r.abuse_email is None and r.abuse_phone is None)


def parse_domain_answer(body: bytes, queried: str) -> Registration:
    """The Registration in an RDAP answer's bytes; raises RdapDataError with the reason."""
    try:
        document = decode_json(body, MAX_DOMAIN_BYTES)
    except JsonProblem as exc:
        raise RdapDataError(f"the answer is {exc}") from None
    return parse_domain(document, queried)


def parse_domain(document: Any, queried: str) -> Registration:
    """The Registration in a decoded RDAP domain object."""
    if not isinstance(document, dict):
        raise RdapDataError(f"the answer is a JSON {type(document).__name__}, not an object")
    kind = document.get("objectClassName")
    if kind != "domain":
        shown = _clip(kind) if isinstance(kind, str) else "none"
        raise RdapDataError(f'the answer is not a domain object (objectClassName "{shown}")')
    name = _clip(document.get("ldhName")) or ""
    wanted = queried.rstrip(".").lower()
    if name and name.rstrip(".").lower() != wanted:
        raise RdapDataError(f"the answer is about another domain ({name}), not {wanted}")
    problems: list[str] = []
    events = _events(document.get("events"), problems)
    found = document.get("secureDNS")
    secure: dict[str, Any] = found if isinstance(found, dict) else {}
    return Registration(
        domain=wanted,
        statuses=normalise_statuses(_list(document.get("status"), "status", problems)),
        expiration=_expiration(events),
        registered=events.get("registration"),
        last_changed=events.get("last changed"),
        registrar=_registrar(document.get("entities"), problems),
        nameservers=_nameservers(document.get("nameservers"), problems),
        delegation_signed=signed if isinstance(signed := secure.get("delegationSigned"), bool) else None,
        ds=_ds_records(secure.get("dsData"), problems),
        keys=_key_records(secure.get("keyData"), problems),
        related=_related(document.get("links")),
        problems=tuple(problems),
    )


def merge_registrar_answer(registry: Registration, registrar: Registration) -> Registration:
    """The registry's answer with the gaps filled from the registrar's (the registry wins)."""
    expiration = registry.expiration
    if expiration is None and registrar.expiration is not None:
        expiration = replace(registrar.expiration, source="registrar")
    mine, theirs = registry.registrar, registrar.registrar
    return replace(
        registry,
        statuses=registry.statuses or registrar.statuses,
        expiration=expiration,
        registered=registry.registered or registrar.registered,
        registrar=Registrar(
            name=mine.name or theirs.name,
            iana_id=mine.iana_id or theirs.iana_id,
            abuse_email=mine.abuse_email or theirs.abuse_email,
            abuse_phone=mine.abuse_phone or theirs.abuse_phone,
        ),
        nameservers=registry.nameservers or registrar.nameservers,
    )


def _clip(value: Any) -> str | None:
    """Outside text, bounded; None when it is not text."""
    return value.strip()[:MAX_TEXT] if isinstance(value, str) and value.strip() else None


def _list(value: Any, name: str, problems: list[str]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f'"{name}" is not a list and was ignored')
        return []
    return value[:MAX_ITEMS]


def _events(value: Any, problems: list[str]) -> dict[str, str]:
    """eventAction -> eventDate text, the first of each action."""
    events: dict[str, str] = {}
    for item in _list(value, "events", problems):
        if not isinstance(item, dict):
            continue
        action, when = _clip(item.get("eventAction")), item.get("eventDate")
        if action and isinstance(when, str):
            events.setdefault(action.lower(), when[:MAX_TEXT])
        elif action:
            events.setdefault(action.lower(), repr(when)[:MAX_TEXT])
    return events


def _expiration(events: dict[str, str]) -> Expiration | None:
    """The "expiration" event; ICANN's "registrar expiration" only when the registry gives none."""
    for action, source in (("expiration", "registry"), ("registrar expiration", "registrar")):
        raw = events.get(action)
        if raw is None:
            continue
        try:
            return Expiration(raw, parse_rdap_date(raw), source=source)
        except BadDate as exc:
            return Expiration(raw, None, str(exc), source=source)
    return None


def _registrar(value: Any, problems: list[str]) -> Registrar:
    entity = next(
        (e for e in _list(value, "entities", problems) if isinstance(e, dict) and "registrar" in _roles(e)),
        None,
    )
    if entity is None:
        return Registrar()
    iana_id = next(
        (
            _clip(str(p["identifier"]))
            for p in _list(entity.get("publicIds"), "publicIds", problems)
            if isinstance(p, dict)
            and str(p.get("type", "")).strip().lower() == IANA_REGISTRAR_ID
            and isinstance(p.get("identifier"), str | int)
        ),
        None,
    )
    abuse = _abuse_entity(entity)
    return Registrar(
        name=_vcard(entity.get("vcardArray"), "fn") or _clip(entity.get("handle")),
        iana_id=iana_id,
        abuse_email=_vcard(abuse.get("vcardArray"), "email") if abuse else None,
        abuse_phone=_phone(_vcard(abuse.get("vcardArray"), "tel")) if abuse else None,
    )


def _roles(entity: dict[str, Any]) -> set[str]:
    roles = entity.get("roles")
    return {r.lower() for r in roles[:MAX_ITEMS] if isinstance(r, str)} if isinstance(roles, list) else set()


def _abuse_entity(entity: dict[str, Any]) -> dict[str, Any] | None:
    """The registrar's abuse contact: an entity with the "abuse" role nested in it."""
    children = entity.get("entities")
    if not isinstance(children, list):
        return None
    for child in children[:MAX_ITEMS]:
        if isinstance(child, dict) and "abuse" in _roles(child):
            return child
    return None


def _vcard(value: Any, prop: str) -> str | None:
    """The first text value of a jCard property (RFC 7095): ["vcard", [[name, {}, type, value]]]."""
    if not isinstance(value, list) or len(value) < 2 or not isinstance(value[1], list):
        return None
    for item in value[1][:MAX_ITEMS]:
        if isinstance(item, list) and len(item) >= 4 and item[0] == prop:
            return _clip(item[3]) if isinstance(item[3], str) else None
    return None


def _phone(value: str | None) -> str | None:
    return value.removeprefix("tel:") if value else None


def _nameservers(value: Any, problems: list[str]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for item in _list(value, "nameservers", problems):
        name = _clip(item.get("ldhName")) if isinstance(item, dict) else None
        if name:
            names.setdefault(name.rstrip(".").lower(), None)
    return tuple(names)


def _int(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        value = int(value.strip())
    return value if isinstance(value, int) and low <= value <= high else None


def _ds_records(value: Any, problems: list[str]) -> tuple[DsRecord, ...]:
    records = []
    for item in _list(value, "dsData", problems):
        if not isinstance(item, dict):
            continue
        tag, alg, kind = (_int(item.get(k), 0, 65535) for k in ("keyTag", "algorithm", "digestType"))
        digest = item.get("digest")
        if tag is None or alg is None or kind is None or not _hex(digest):
            problems.append("a dsData entry lacking key tag, algorithm, digest type or digest was ignored")
            continue
        records.append(DsRecord(tag, alg, kind, "".join(str(digest).split()).lower()))
    return tuple(records)


def _key_records(value: Any, problems: list[str]) -> tuple[KeyRecord, ...]:
    records = []
    for item in _list(value, "keyData", problems):
        if not isinstance(item, dict):
            continue
        flags, proto, alg = (_int(item.get(k), 0, 65535) for k in ("flags", "protocol", "algorithm"))
        key = item.get("publicKey")
        if flags is None or proto is None or alg is None or not isinstance(key, str) or not key.strip():
            problems.append("a keyData entry without flags, protocol, algorithm and public key was ignored")
            continue
        records.append(KeyRecord(flags, proto, alg, "".join(key.split())[:4096]))
    return tuple(records)


def _hex(value: Any) -> bool:
    text = "".join(value.split()) if isinstance(value, str) else ""
    return 0 < len(text) <= 256 and all(c in "0123456789abcdefABCDEF" for c in text)


def _related(value: Any) -> tuple[str, ...]:
    """The `related` links that point to another RDAP answer (ICANN's registrar link)."""
    links: list[str] = []
    for item in value[:MAX_ITEMS] if isinstance(value, list) else ():
        if not isinstance(item, dict) or str(item.get("rel", "")).lower() != "related":
            continue
        href, kind = item.get("href"), str(item.get("type", "application/rdap+json")).lower()
        if isinstance(href, str) and "rdap+json" in kind and len(href) <= 2048:
            links.append(href.strip())
    return tuple(links)
