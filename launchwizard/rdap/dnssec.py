"""The registry's DS records against the zone's live DNSKEYs (RFC 4034 §5, RFC 4509, RFC 6605).

Validating resolvers start from the DS the registry publishes: a DS must hash to a DNSKEY
the zone really serves, or every lookup of the domain fails (SERVFAIL) for the third of
the internet that validates. Key tags and digests are recomputed with dnspython; nothing
trusts the registry's or the zone's word for them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype

from launchwizard.rdap.domain import DsRecord, KeyRecord

ZONE_KEY = 0x0100
SEP = 0x0001
DIGESTS = {1: "SHA-1", 2: "SHA-256", 3: "GOST R 34.11-94", 4: "SHA-384"}
ALGORITHMS = {
    1: "RSAMD5", 3: "DSA", 5: "RSASHA1", 6: "DSA-NSEC3-SHA1", 7: "RSASHA1-NSEC3-SHA1", 8: "RSASHA256",
    10: "RSASHA512", 12: "ECC-GOST", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384", 15: "ED25519",
    16: "ED448",
}  # fmt: skip
DEPRECATED_DIGESTS = frozenset({1, 3})
"""RFC 8624 §3.3: SHA-1 and GOST must not be used to make new DS records."""


@functools.cache
def _dnssec() -> ModuleType:
    """dns.dnssec, imported once; importing it warns about DSA support that is never used."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*DSA.*")
        import dns.dnssec

    return dns.dnssec


@dataclass(frozen=True)
class LiveKey:
    """A DNSKEY the zone serves, with the key tag recomputed from its data."""

    rdata: Any
    key_tag: int

    @property
    def flags(self) -> int:
        return int(self.rdata.flags)

    @property
    def algorithm(self) -> int:
        return int(self.rdata.algorithm)

    @property
    def is_sep(self) -> bool:
        """A key-signing key: the one a DS at the registry should point to."""
        return bool(self.flags & SEP) and bool(self.flags & ZONE_KEY)

    def to_json(self) -> dict[str, Any]:
        return {
            "key_tag": self.key_tag,
            "flags": self.flags,
            "algorithm": algorithm_name(self.algorithm),
            "role": "KSK (secure entry point)" if self.is_sep else "ZSK",
        }


@dataclass(frozen=True)
class DsCheck:
    """One DS record and what it points to: the key tag it matched, or why not."""

    ds: DsRecord
    matched: int | None = None
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ds": self.ds.to_text(),
            "algorithm": algorithm_name(self.ds.algorithm),
            "digest_type": DIGESTS.get(self.ds.digest_type, str(self.ds.digest_type)),
        }
        if self.matched is not None:
            data["matches_key"] = self.matched
        if self.problem:
            data["problem"] = self.problem
        return data


def algorithm_name(number: int) -> str:
    return f"{number} ({ALGORITHMS[number]})" if number in ALGORITHMS else str(number)


def read_dnskeys(texts: Iterable[str]) -> tuple[list[LiveKey], list[str]]:
    """DNSKEY presentation texts (as the resolver returns them) into keys, and what was unreadable."""
    keys: list[LiveKey] = []
    problems: list[str] = []
    for text in texts:
        try:
            rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.DNSKEY, text)
            keys.append(LiveKey(rdata, int(_dnssec().key_id(rdata))))
        except (dns.exception.DNSException, ValueError) as exc:
            problems.append(f"a DNSKEY record could not be read: {str(exc)[:80]}")
    return keys, problems


def check_ds(zone: str, records: Sequence[DsRecord], keys: Sequence[LiveKey]) -> list[DsCheck]:
    """Each DS against the zone's keys: same key tag, same algorithm, digest recomputed."""
    return [_check_one(zone, ds, keys) for ds in records]


def _check_one(zone: str, ds: DsRecord, keys: Sequence[LiveKey]) -> DsCheck:
    tagged = [k for k in keys if k.key_tag == ds.key_tag]
    if not tagged:
        present = ", ".join(str(k.key_tag) for k in keys) or "none"
        return DsCheck(ds, problem=f"no DNSKEY has key tag {ds.key_tag} (the zone's key tags: {present})")
    same_algorithm = [k for k in tagged if k.algorithm == ds.algorithm]
    if not same_algorithm:
        return DsCheck(
            ds,
            problem=f"key {ds.key_tag} uses algorithm {algorithm_name(tagged[0].algorithm)}, "
            f"the DS says {algorithm_name(ds.algorithm)}",
        )
    if ds.digest_type not in (1, 2, 4):
        name = DIGESTS.get(ds.digest_type, f"type {ds.digest_type}")
        return DsCheck(ds, problem=f"digest {name} cannot be recomputed here")
    for key in same_algorithm:
        if not key.flags & ZONE_KEY:
            continue
        try:
            digest = _digest(zone, key, ds.digest_type, validating=True)
        except dns.exception.DNSException:
            name = DIGESTS.get(ds.digest_type, f"type {ds.digest_type}")
            return DsCheck(ds, problem=f"digest {name} is refused by current DNSSEC policy (RFC 9904)")
        if digest == ds.digest:
            return DsCheck(ds, matched=key.key_tag)
    return DsCheck(
        ds, problem=f"the digest does not match key {ds.key_tag}: the DS was made from another key"
    )


def check_key_data(records: Sequence[KeyRecord], keys: Sequence[LiveKey]) -> list[tuple[KeyRecord, bool]]:
    """keyData at the registry against the zone's keys: same flags, algorithm and key bytes."""
    served = {(k.flags, k.algorithm, bytes(k.rdata.key)) for k in keys}
    return [(r, (r.flags, r.algorithm, _key_bytes(r.public_key)) in served) for r in records]


def _key_bytes(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def ds_to_publish(zone: str, keys: Sequence[LiveKey]) -> list[str]:
    """DS records (SHA-256) for the zone's key-signing keys: what to paste at the registrar."""
    wanted = [k for k in keys if k.is_sep] or [k for k in keys if k.flags & ZONE_KEY]
    records = []
    for key in wanted:
        try:
            records.append(f"{key.key_tag} {key.algorithm} 2 {_digest(zone, key, 2)}")
        except (dns.exception.DNSException, ValueError):
            continue
    return records


def _digest(zone: str, key: LiveKey, digest_type: int, validating: bool = False) -> str:
    """The DS digest of `key` for `zone`, in lower-case hex (RFC 4034 §5.1.4); `validating`
    allows the digests a resolver still accepts but a new DS must not use (SHA-1)."""
    owner = dns.name.from_text(zone.rstrip(".") + ".")
    ds = _dnssec().make_ds(owner, key.rdata, digest_type, validating=validating)
    return bytes(ds.digest).hex()
