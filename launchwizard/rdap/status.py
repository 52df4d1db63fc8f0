"""Domain status values in one spelling: RDAP's words (RFC 9083 §10.2.2), whatever was sent.

Registries answer RDAP with the words ("client transfer prohibited"); many still send the
EPP codes they store (`clientTransferProhibited`, RFC 5731 §2.3, and the RGP codes of
RFC 3915), some in capitals, with underscores or followed by ICANN's explanation URL.
RFC 8056 §2 maps one to the other; everything here speaks RDAP after `normalise_status`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_STATUSES = 40
MAX_STATUS_TEXT = 80

KNOWN_STATUSES = (
    "active", "inactive", "associated", "locked", "validated", "proxy", "private", "removed",
    "obscured", "renew prohibited", "update prohibited", "transfer prohibited", "delete prohibited",
    "pending create", "pending renew", "pending transfer", "pending update", "pending delete",
    "pending restore", "add period", "auto renew period", "renew period", "transfer period",
    "redemption period", "client delete prohibited", "client hold", "client renew prohibited",
    "client transfer prohibited", "client update prohibited", "server delete prohibited",
    "server hold", "server renew prohibited", "server transfer prohibited", "server update prohibited",
)  # fmt: skip
"""RDAP's registered status words (RFC 9083 §10.2.2, RFC 8056 §2)."""

EPP_TO_RDAP = {"ok": "active", "linked": "associated"}
"""The EPP codes whose RDAP word is not just the code split into words (RFC 8056 §2)."""

_BY_COMPACT = {word.replace(" ", ""): word for word in KNOWN_STATUSES} | EPP_TO_RDAP

CLIENT_TRANSFER_LOCK = "client transfer prohibited"
SERVER_TRANSFER_LOCK = "server transfer prohibited"
REGISTRY_LOCK = frozenset(
    {"server transfer prohibited", "server update prohibited", "server delete prohibited"}
)
"""The three server prohibitions a registry sets together for a Registry Lock service."""

OUT_OF_SERVICE = {
    "client hold": (
        "the registrar has taken the domain out of the DNS, usually for an unpaid renewal, a "
        "failed card or an unanswered registrant verification email"
    ),
    "server hold": (
        "the registry has taken the domain out of the DNS, for a dispute, an abuse complaint or "
        "a court order"
    ),
    "pending delete": "the domain is about to be deleted and released for anyone to register",
    "redemption period": (
        "the domain has expired and been deleted by the registrar; it no longer resolves and "
        "only the registrar can restore it, for a fee, before it is released"
    ),
    "pending restore": "the domain is being restored from redemption and does not resolve until that ends",
    "inactive": "the registry delegates the domain to no name servers, so it does not resolve at all",
}
"""Statuses that mean the domain does not resolve, or is about to be lost."""

CAUTION = {
    "auto renew period": (
        "the registry renewed the domain automatically at expiry; the registrar may still "
        "delete it within this period if the renewal is not paid"
    ),
    "pending transfer": (
        "a transfer to another registrar is under way; if nobody on the team asked for it, "
        "reject it at the registrar now"
    ),
}
"""Statuses that need a person to confirm the domain is safe."""

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_URL_TAIL = re.compile(r"\s*\(?\s*https?://\S*\)?\s*$")


def normalise_status(raw: str) -> str:
    """RDAP's spelling of one status, from RDAP words or an EPP code in any case."""
    printable = "".join(char if char.isprintable() else " " for char in raw[: MAX_STATUS_TEXT * 2])
    text = _URL_TAIL.sub("", printable.strip())[:MAX_STATUS_TEXT]
    known = _BY_COMPACT.get(re.sub(r"[\s_-]+", "", text).lower())
    if known is not None:
        return known
    words = _CAMEL.sub(" ", text)
    return " ".join(re.split(r"[\s_-]+", words.lower())).strip()


def normalise_statuses(raw: Iterable[object]) -> tuple[str, ...]:
    """Each text status once, in RDAP's spelling and the order given; others are dropped."""
    seen: dict[str, None] = {}
    for item in raw:
        if isinstance(item, str) and item.strip():
            seen.setdefault(normalise_status(item), None)
        if len(seen) >= MAX_STATUSES:
            break
    return tuple(seen)


def transfer_locked(statuses: Iterable[str]) -> bool:
    """True when a transfer to another registrar is prohibited, by the registrar or the registry."""
    present = set(statuses)
    return CLIENT_TRANSFER_LOCK in present or SERVER_TRANSFER_LOCK in present


def registry_locked(statuses: Iterable[str]) -> bool:
    """True when all three server prohibitions of a Registry Lock are set."""
    return REGISTRY_LOCK.issubset(statuses)
