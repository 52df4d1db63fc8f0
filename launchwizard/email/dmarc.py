"""DMARC records: a tag-by-tag parser (RFC 7489 and DMARCbis) and policy discovery.

The parser never raises: any text, however broken, comes back as a `DmarcRecord` whose
`errors` say why it is invalid, because the operator needs the verdict and the raw text,
not a traceback. Discovery keeps three outcomes apart (found, not found, DNS error), since
a SERVFAIL reported as "no DMARC record" sends people to fix the wrong thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from launchwizard.config.registrable import same_site
from launchwizard.email.txtrecord import txt_texts
from launchwizard.net.dns import DnsAnswer

POLICIES = ("none", "quarantine", "reject")
KNOWN_TAGS = ("v", "p", "sp", "np", "pct", "rua", "ruf", "adkim", "aspf", "fo", "ri", "rf", "t", "psd")
REMOVED_IN_BIS = ("pct", "ri", "rf")
MAX_WALK_LOOKUPS = 8
_CANDIDATE = re.compile(r"^\s*v\s*=\s*dmarc1\s*(;|$)", re.IGNORECASE)
_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(\S+?)(?:!(\d+)([kmgt]?))?$")
_TAG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class ReportUri:
    """One `rua`/`ruf` destination: the URI, its size limit, and the mailbox domain."""

    uri: str
    scheme: str
    size_limit: str | None = None

    @property
    def domain(self) -> str | None:
        """The domain that receives the reports (for mailto:), which must authorise us."""
        if self.scheme != "mailto" or "@" not in self.uri:
            return None
        return self.uri.rsplit("@", 1)[1].rstrip(".").lower() or None


@dataclass
class DmarcRecord:
    """A parsed DMARC record; invalid when `errors` is not empty. `raw` is kept verbatim."""

    raw: str
    tags: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rua: list[ReportUri] = field(default_factory=list)
    ruf: list[ReportUri] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def policy(self) -> str | None:
        """The `p=` policy; a record with a valid rua but no p acts as p=none (RFC 7489 §6.6.3)."""
        p = self.tags.get("p", "").lower()
        if p in POLICIES:
            return p
        return "none" if "p" not in self.tags and self.rua else None

    @property
    def subdomain_policy(self) -> str | None:
        sp = self.tags.get("sp", "").lower()
        return sp if sp in POLICIES else self.policy

    @property
    def adkim(self) -> str:
        return self.tags.get("adkim", "r").lower()

    @property
    def aspf(self) -> str:
        return self.tags.get("aspf", "r").lower()

    @property
    def testing(self) -> bool:
        return self.tags.get("t", "n").lower() == "y"

    def to_json(self) -> dict[str, object]:
        """The parsed view for evidence: tags, destinations, errors and warnings."""
        return {
            "raw": self.raw,
            "valid": self.valid,
            "tags": dict(self.tags),
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def is_dmarc_candidate(text: str) -> bool:
    """A TXT record that claims to be DMARC (`v=DMARC1` first); others at `_dmarc` are ignored."""
    return bool(_CANDIDATE.match(text))


def parse_dmarc(raw: str) -> DmarcRecord:
    """Parse one record tag by tag; every problem is a sentence in errors or warnings."""
    record = DmarcRecord(raw=raw)
    if not raw.isascii():
        record.errors.append("the record contains non-ASCII characters; DMARC tags are ASCII only")
    parts = [p.strip() for p in raw.split(";")]
    if parts and parts[-1] == "":
        parts.pop()
    if not parts or not parts[0]:
        record.errors.append("the record is empty; it must start with v=DMARC1")
        return record
    for position, part in enumerate(parts):
        _read_tag(record, position, part)
    _check_required(record)
    return record


def _read_tag(record: DmarcRecord, position: int, part: str) -> None:
    """One `tag=value` pair: name, duplicates, then the tag's own value rules."""
    if "=" not in part:
        shown = part if len(part) <= 40 else part[:40] + "…"
        record.errors.append(f"{shown!r} is not a tag=value pair")
        return
    name, value = (s.strip() for s in part.split("=", 1))
    name_lower = name.lower()
    if not _TAG_NAME.match(name):
        record.errors.append(f"{name[:40]!r} is not a valid tag name")
        return
    if name_lower in record.tags:
        record.errors.append(f"tag {name_lower}= appears more than once")
        return
    record.tags[name_lower] = value
    if position == 0 and name_lower != "v":
        record.errors.append("the record must start with v=DMARC1")
    if name_lower == "v":
        _check_version(record, position, value)
        return
    if position == 1 and name_lower != "p":
        record.warnings.append("RFC 7489 requires p= right after v=DMARC1; some receivers reject this order")
    checker = _VALUE_CHECKS.get(name_lower)
    if checker is None:
        record.warnings.append(f"unknown tag {name_lower}= is ignored by receivers")
        return
    checker(record, name_lower, value)


def _check_version(record: DmarcRecord, position: int, value: str) -> None:
    if position != 0:
        record.errors.append("v= must be the first tag")
    if value != "DMARC1":
        record.errors.append(f"v={value[:20]} is not v=DMARC1 (exact, upper case)")


def _check_policy(record: DmarcRecord, name: str, value: str) -> None:
    if value.lower() not in POLICIES:
        record.errors.append(f"{name}={value[:30]} must be none, quarantine or reject")


def _check_pct(record: DmarcRecord, name: str, value: str) -> None:
    if not value.isdigit() or not value.isascii() or int(value) > 100:
        record.errors.append(f"pct={value[:30]} must be a whole number from 0 to 100")
    else:
        record.warnings.append("pct= was removed in DMARCbis; receivers may ignore it (use t=y to test)")


def _check_alignment(record: DmarcRecord, name: str, value: str) -> None:
    if value.lower() not in ("r", "s"):
        record.errors.append(f"{name}={value[:30]} must be r (relaxed) or s (strict)")


def _check_fo(record: DmarcRecord, name: str, value: str) -> None:
    options = [o.strip() for o in value.split(":")]
    bad = [o for o in options if o not in ("0", "1", "d", "s")]
    if bad:
        record.errors.append(f"fo={value[:30]}: each option must be 0, 1, d or s")


def _check_ri(record: DmarcRecord, name: str, value: str) -> None:
    if not value.isdigit() or not value.isascii() or int(value) > 2**32 - 1:
        record.errors.append(f"ri={value[:30]} must be a number of seconds")
    else:
        record.warnings.append("ri= was removed in DMARCbis; receivers send daily reports anyway")


def _check_rf(record: DmarcRecord, name: str, value: str) -> None:
    formats = [f.strip().lower() for f in value.split(":")]
    if any(f != "afrf" for f in formats):
        record.errors.append(f"rf={value[:30]}: the only defined failure report format is afrf")
    else:
        record.warnings.append("rf= was removed in DMARCbis and can be dropped")


def _check_yes_no(record: DmarcRecord, name: str, value: str) -> None:
    allowed = ("y", "n", "u") if name == "psd" else ("y", "n")
    if value.lower() not in allowed:
        record.errors.append(f"{name}={value[:30]} must be one of {', '.join(allowed)}")


def _check_uris(record: DmarcRecord, name: str, value: str) -> None:
    """rua/ruf: comma-separated URIs with an optional `!size[kmgt]` limit (RFC 7489 §6.2)."""
    target = record.rua if name == "rua" else record.ruf
    for item in (u.strip() for u in value.split(",")):
        match = _URI.match(item)
        if not match:
            record.errors.append(f"{name}: {item[:60]!r} is not a URI (expected mailto:address)")
            continue
        scheme = match.group(1).lower()
        size = match.group(3) + match.group(4) if match.group(3) else None
        uri = ReportUri(f"{scheme}:{match.group(2)}", scheme, size)
        if scheme != "mailto":
            record.warnings.append(f"{name}: {scheme}: URIs are not supported by most receivers; use mailto:")
        elif uri.domain is None:
            record.errors.append(f"{name}: {item[:60]!r} has no mailbox domain")
            continue
        target.append(uri)
    if len(target) > 2:
        record.warnings.append(f"{name} lists {len(target)} destinations; receivers may use only two")


def _check_required(record: DmarcRecord) -> None:
    """Missing p= is an error unless a usable rua makes receivers assume p=none."""
    if "v" not in record.tags:
        return
    if "p" not in record.tags:
        if record.rua:
            record.warnings.append("no p= tag: receivers act as if p=none because rua= is present")
        else:
            record.errors.append("the p= tag (policy) is missing")


_VALUE_CHECKS = {
    "p": _check_policy,
    "sp": _check_policy,
    "np": _check_policy,
    "pct": _check_pct,
    "rua": _check_uris,
    "ruf": _check_uris,
    "adkim": _check_alignment,
    "aspf": _check_alignment,
    "fo": _check_fo,
    "ri": _check_ri,
    "rf": _check_rf,
    "t": _check_yes_no,
    "psd": _check_yes_no,
}


# ---------------------------------------------------------------- discovery


class TxtResolver(Protocol):
    """What discovery needs from the resolver: one query method."""

    async def query(self, name: str, rdtype: str) -> DnsAnswer: ...


@dataclass
class Lookup:
    """One name asked during discovery and what it came to."""

    name: str
    outcome: str
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        data = {"name": self.name, "outcome": self.outcome}
        if self.detail:
            data["detail"] = self.detail
        return data


@dataclass
class Discovery:
    """Where the policy for a domain came from.

    `outcome` is "found" (exactly one DMARC record at `name`), "multiple" (two or more at
    `name`: no policy applies), "not_found" or "error" (DNS failed, nothing is proven).
    """

    domain: str
    outcome: str
    name: str | None = None
    texts: list[str] = field(default_factory=list)
    record: DmarcRecord | None = None
    lookups: list[Lookup] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def inherited(self) -> bool:
        """True when the policy was found above the domain itself (tree walk)."""
        return self.name is not None and self.name != f"_dmarc.{self.domain}"


def walk_names(domain: str) -> list[str]:
    """The DMARCbis tree walk (RFC 9989 §4.10): the domain, then shorter names up to the TLD.

    A name with more than 7 labels jumps straight to its last 7 labels after the first
    query, so the walk never takes more than 8 lookups.
    """
    labels = [label for label in domain.rstrip(".").lower().split(".") if label]
    if not labels:
        return []
    names = [".".join(labels)]
    start = max(1, len(labels) - 7)
    for i in range(start, len(labels)):
        names.append(".".join(labels[i:]))
    return names[:MAX_WALK_LOOKUPS]


async def discover(resolver: TxtResolver, domain: str) -> Discovery:
    """Find the DMARC policy for `domain`: `_dmarc.<domain>`, then the tree walk upward.

    A DNS error on any name but the TLD stops the walk with outcome "error": a record may
    be there. A failure on the TLD itself is only noted, because only public-suffix
    operators publish there and many resolvers refuse such names.
    """
    found = Discovery(domain=domain.rstrip(".").lower(), outcome="not_found")
    for name in walk_names(domain):
        answer = await resolver.query(f"_dmarc.{name}", "TXT")
        if _take(found, answer, single_label="." not in name):
            break
    return found


def _take(found: Discovery, answer: DnsAnswer, *, single_label: bool) -> bool:
    """Record one lookup; True when the walk should stop here."""
    if answer.failed:
        found.lookups.append(Lookup(answer.name, "error", answer.error or ""))
        if single_label:
            found.notes.append(f"could not ask {answer.name} ({answer.error}); public-suffix policy unknown")
            return False
        found.outcome, found.error, found.name = "error", answer.describe(), answer.name
        return True
    texts = [t for t in txt_texts(answer.records) if is_dmarc_candidate(t)]
    if not texts:
        found.lookups.append(Lookup(answer.name, str(answer.outcome)))
        return False
    found.lookups.append(Lookup(answer.name, "found", f"{len(texts)} DMARC record(s)"))
    found.name, found.texts = answer.name, texts
    found.outcome = "found" if len(texts) == 1 else "multiple"
    if len(texts) == 1:
        found.record = parse_dmarc(texts[0])
    return True


def same_organisation(domain: str, other: str) -> bool:
    """Whether report mail to `other` stays inside `domain`'s organisation: both share a
    registrable domain by the Public Suffix List (RFC 7489 §3.2). Anything else is external
    and must authorise the reports (RFC 7489 §7.1)."""
    a, b = domain.rstrip(".").lower(), other.rstrip(".").lower()
    if "." not in a or "." not in b:
        return False
    return same_site(a, b)


def authorisation_name(domain: str, destination: str) -> str:
    """Where `destination` says it accepts reports about `domain` (RFC 7489 §7.1)."""
    return f"{domain.rstrip('.').lower()}._report._dmarc.{destination.rstrip('.').lower()}"


async def destination_authorised(resolver: TxtResolver, domain: str, destination: str) -> tuple[str, str]:
    """("yes" | "no" | "error", detail) for one external report destination.

    The exact name is asked first, then the `*._report._dmarc` wildcard form that some
    report processors publish, which plain DNS wildcards already answer.
    """
    answer = await resolver.query(authorisation_name(domain, destination), "TXT")
    if answer.failed:
        return "error", answer.describe()
    if any(is_dmarc_candidate(t) for t in txt_texts(answer.records)):
        return "yes", answer.name
    return "no", answer.describe()
