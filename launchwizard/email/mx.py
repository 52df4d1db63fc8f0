"""MX, MTA-STS and TLS-RPT text formats: small parsers that never raise.

MX rdata (RFC 5321 §5, null MX RFC 7505), the MTA-STS TXT record and HTTPS policy
(RFC 8461 §3) and the TLS-RPT record (RFC 8460 §3) are each a few lines of syntax; the
network side lives in the check, so these stay pure and easy to test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from launchwizard.config.values import is_ip

MAX_AGE_LIMIT = 31557600
_STS_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")


@dataclass(frozen=True)
class MxRecord:
    """One MX record: preference and exchange host (no trailing dot, lower case)."""

    preference: int
    exchange: str

    @property
    def is_null(self) -> bool:
        """RFC 7505 null MX: "0 ." says the domain accepts no mail at all."""
        return self.exchange == ""

    @property
    def is_ip_literal(self) -> bool:
        """An address where a host name belongs; RFC 5321 §5.1 forbids it, senders skip it."""
        return is_ip(self.exchange.strip("[]"))


def parse_mx(rdata: str) -> MxRecord | None:
    """`10 mx1.example.com.` as an MxRecord; None when the text is not MX rdata."""
    fields = rdata.split()
    if len(fields) != 2 or not fields[0].isdigit():
        return None
    return MxRecord(int(fields[0]), fields[1].rstrip(".").lower())


@dataclass
class TagRecord:
    """A `k=v; k=v` record (MTA-STS, TLS-RPT) with its problems."""

    raw: str
    tags: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def _tags(raw: str, version: str) -> TagRecord:
    """Split into tags; the first must be `v=<version>`, names may not repeat."""
    record = TagRecord(raw)
    parts = [p.strip() for p in raw.split(";") if p.strip()]
    for position, part in enumerate(parts):
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            record.errors.append(f"{part[:40]!r} is not a tag=value pair")
        elif name in record.tags:
            record.errors.append(f"tag {name}= appears more than once")
        else:
            record.tags[name] = value
            if position == 0 and (name != "v" or value != version):
                record.errors.append(f"the record must start with v={version}")
    if not parts:
        record.errors.append(f"the record is empty; it must start with v={version}")
    return record


def parse_mta_sts_record(raw: str) -> TagRecord:
    """`_mta-sts` TXT: v=STSv1 and an id of 1-32 letters or digits (RFC 8461 §3.1)."""
    record = _tags(raw, "STSv1")
    sts_id = record.tags.get("id")
    if sts_id is None:
        record.errors.append("the id= tag is missing; senders use it to notice policy changes")
    elif not _STS_ID.match(sts_id):
        record.errors.append(f"id={sts_id[:40]} must be 1 to 32 letters or digits")
    return record


def parse_tls_rpt_record(raw: str) -> TagRecord:
    """`_smtp._tls` TXT: v=TLSRPTv1 and rua= with mailto: or https: URIs (RFC 8460 §3)."""
    record = _tags(raw, "TLSRPTv1")
    rua = record.tags.get("rua")
    if rua is None:
        record.errors.append("the rua= tag is missing; reports have nowhere to go")
        return record
    for uri in (u.strip() for u in rua.split(",")):
        if not (uri.startswith("mailto:") and "@" in uri) and not uri.startswith("https://"):
            record.errors.append(f"rua: {uri[:60]!r} must be a mailto: or https: URI")
    return record


@dataclass
class StsPolicy:
    """The MTA-STS policy file, parsed (RFC 8461 §3.2)."""

    raw: str
    version: str | None = None
    mode: str | None = None
    mx: list[str] = field(default_factory=list)
    max_age: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def covers(self, host: str) -> bool:
        """Whether an MX host matches one of the policy's `mx:` patterns (`*.` = one label)."""
        host = host.rstrip(".").lower()
        for pattern in self.mx:
            if pattern.startswith("*."):
                head, _, tail = host.partition(".")
                if head and tail == pattern[2:]:
                    return True
            elif host == pattern:
                return True
        return False


def parse_sts_policy(text: str) -> StsPolicy:
    """`key: value` lines; version, mode, max_age and (unless mode none) mx are required."""
    policy = StsPolicy(text)
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not line.strip():
            continue
        if not sep:
            policy.errors.append(f"line {line[:40]!r} is not key: value")
            continue
        _policy_field(policy, key.strip().lower(), value.strip())
    if policy.version != "STSv1":
        policy.errors.append("version: STSv1 is missing")
    if policy.mode not in ("enforce", "testing", "none"):
        policy.errors.append("mode: must be enforce, testing or none")
    if policy.max_age is None:
        policy.errors.append("max_age: is missing or not a number")
    if policy.mode in ("enforce", "testing") and not policy.mx:
        policy.errors.append("no mx: lines; the policy must list the MX hosts")
    return policy


def _policy_field(policy: StsPolicy, key: str, value: str) -> None:
    if key == "version":
        policy.version = value
    elif key == "mode":
        policy.mode = value.lower()
    elif key == "mx":
        policy.mx.append(value.rstrip(".").lower())
    elif key == "max_age":
        if value.isdigit() and value.isascii() and int(value) <= MAX_AGE_LIMIT:
            policy.max_age = int(value)
        else:
            policy.errors.append(f"max_age: {value[:20]} must be 0 to {MAX_AGE_LIMIT} seconds")
