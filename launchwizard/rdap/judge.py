"""The registrar checks' verdicts on a Registration, as plain findings.

Each function judges one question (expiry, status, delegation, DNSSEC) and says what was
seen, why it matters and the exact fix; the check adapters only add the provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from launchwizard.rdap.dnssec import (
    DEPRECATED_DIGESTS,
    DIGESTS,
    LiveKey,
    check_ds,
    check_key_data,
    ds_to_publish,
)
from launchwizard.rdap.domain import Registration
from launchwizard.rdap.status import CAUTION, OUT_OF_SERVICE, registry_locked, transfer_locked
from launchwizard.results import Severity, Status

EXPIRY_FAIL_DAYS = 30
EXPIRY_WARN_DAYS = 60


@dataclass(frozen=True)
class Finding:
    """A verdict before it becomes a Result: status, severity, the sentence, the fix, the data."""

    status: Status
    severity: Severity
    summary: str
    fix: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NameServerSet:
    """A set of name servers to compare with the registry's: the zone's own NS records,
    or another party's assignment (Cloudflare's name servers for the zone)."""

    label: str
    names: tuple[str, ...]
    other_fix: str = ""
    """The other way out when the registry's set is the right one (for the zone: its NS records)."""


def registrar_name(reg: Registration) -> str:
    """Who to go to: the registrar's name, or "the registrar" when the registry names none."""
    return reg.registrar.name or "the registrar"


# ---------------------------------------------------------------- registrar.expiry


def judge_expiry(reg: Registration, now: datetime) -> Finding:
    """Days to the expiration event: fail under 30 (critical once past), warn under 60."""
    where = registrar_name(reg)
    expiration = reg.expiration
    if expiration is None:
        return Finding(
            Status.SKIPPED,
            Severity.INFO,
            f"the registry publishes no expiration date for {reg.domain}, so the renewal date "
            "cannot be checked from here",
            f"Look the renewal date up at {where}, turn auto-renew on, and record it "
            "(launchwizard store set registrar.expires).",
        )
    evidence: dict[str, Any] = {"expires_as_published": expiration.raw, "published_by": expiration.source}
    if expiration.at is None:
        return Finding(
            Status.ERROR,
            Severity.HIGH,
            f"the expiration date {expiration.raw!r} could not be read: {expiration.problem}",
            f"Check the renewal date at {where} by hand.",
            evidence,
        )
    days = (expiration.at - now).total_seconds() / 86400
    date = expiration.at.date().isoformat()
    evidence |= {"expires": expiration.at.isoformat(), "days_left": round(days, 1)}
    renew = (
        f"Renew {reg.domain} at {where} now, for more than one year, and turn auto-renew on with a "
        "card that will not expire; the registry shows the new date within minutes."
    )
    if days < 0:
        return Finding(
            Status.FAIL,
            Severity.CRITICAL,
            f"{reg.domain} expired {-days:.0f} days ago ({date}); it can stop resolving at any moment "
            "and is then lost to the next buyer",
            renew.replace("now,", "today (an expired domain costs more to recover each day),"),
            evidence,
        )
    soon = f"{reg.domain} expires in {days:.0f} days ({date})"
    if days < EXPIRY_FAIL_DAYS:
        return Finding(Status.FAIL, Severity.HIGH, soon, renew, evidence)
    if days < EXPIRY_WARN_DAYS:
        return Finding(Status.WARN, Severity.MEDIUM, soon, renew, evidence)
    summary = f"{reg.domain} expires on {date}, in {days:.0f} days"
    return Finding(Status.PASS, Severity.HIGH, summary, "", evidence)


# ---------------------------------------------------------------- registrar.status

_HOLD_FIXES = {
    "client hold": "pay any open invoice, renew, and answer the registrant verification email at {where}; "
    "then ask {where} to remove clientHold",
    "server hold": "ask {where} why the registry put the domain on hold (abuse complaint, dispute, "
    "court order) and what it takes to lift it",
    "pending delete": "it is too late to renew: ask {where} at once whether it can still be restored",
    "redemption period": "restore the domain at {where} now (a restore fee applies) before it is released",
    "pending restore": "finish the restore at {where}; make sure the restore report was sent",
    "inactive": "set the name servers of the domain at {where}",
}


def judge_status(reg: Registration) -> Finding:
    """Holds and deletion fail (critical); auto-renew grace or a transfer under way and no
    transfer lock warn; a registry lock is noted as good."""
    where = registrar_name(reg)
    evidence = status_evidence(reg)
    who = _registrar_line(reg)
    if not reg.statuses:
        return Finding(
            Status.SKIPPED,
            Severity.INFO,
            f"the registry publishes no status values for {reg.domain}; {who}",
            f"Check the domain's status and transfer lock at {where} by hand.",
            evidence,
        )
    bad = [s for s in reg.statuses if s in OUT_OF_SERVICE]
    if bad:
        reasons = "; ".join(f"{s}: {OUT_OF_SERVICE[s]}" for s in bad)
        steps = "; ".join(_HOLD_FIXES[s].format(where=where) for s in bad)
        return Finding(
            Status.FAIL,
            Severity.CRITICAL,
            f"{reg.domain} is out of service at the registry ({reasons}); {who}",
            steps[0].upper() + steps[1:] + ".",
            evidence,
        )
    warnings: list[str] = [f"{s}: {CAUTION[s]}" for s in reg.statuses if s in CAUTION]
    fixes: list[str] = []
    if "auto renew period" in reg.statuses:
        fixes.append(f"Confirm with {where} that the renewal is paid.")
    if "pending transfer" in reg.statuses:
        fixes.append(f"If nobody asked for the transfer, reject it at {where} and change the password.")
    if not transfer_locked(reg.statuses):
        warnings.append("no transfer lock: whoever gets the transfer code can move the domain elsewhere")
        fixes.append(
            f'Turn the transfer lock on at {where} (often called "Domain lock" or "Transfer lock"); the '
            "registry then shows client transfer prohibited (clientTransferProhibited)."
        )
    lock = ""
    if evidence["registry_lock"]:
        lock = " Registry lock is on (server transfer, update and delete prohibited): good."
    if warnings:
        return Finding(
            Status.WARN,
            Severity.MEDIUM,
            f"{'; '.join(warnings)}; {who}",
            " ".join(fixes) + lock,
            evidence,
        )
    shown = ", ".join(reg.statuses)
    locked = "registry lock on" if evidence["registry_lock"] else "transfer lock on"
    return Finding(Status.PASS, Severity.HIGH, f"{locked} ({shown}); {who}", "", evidence)


def status_evidence(reg: Registration) -> dict[str, Any]:
    return {
        "statuses": list(reg.statuses),
        "transfer_lock": transfer_locked(reg.statuses),
        "registry_lock": registry_locked(reg.statuses),
        "registrar": reg.registrar.to_json(),
    }


def _registrar_line(reg: Registration) -> str:
    """ "registrar: Name (IANA 292), abuse contact abuse@... / +1.5555"."""
    contact = " / ".join(c for c in (reg.registrar.abuse_email, reg.registrar.abuse_phone) if c)
    line = f"registrar: {reg.registrar.describe()}"
    return line + (f", abuse contact {contact}" if contact else ", no abuse contact published")


# ---------------------------------------------------------------- registrar.delegation


def judge_delegation(reg: Registration, expected: Sequence[NameServerSet]) -> Finding:
    """The registry's name servers against each expected set; a mismatch names both sides."""
    where = registrar_name(reg)
    registry = tuple(sorted(reg.nameservers))
    evidence: dict[str, Any] = {
        "registry_ns": list(registry),
        "compared_with": [{"label": s.label, "ns": sorted(s.names)} for s in expected],
    }
    if not registry:
        return Finding(
            Status.FAIL,
            Severity.CRITICAL,
            f"the registry delegates {reg.domain} to no name servers: it does not resolve anywhere",
            f"Set the domain's name servers at {where}.",
            evidence,
        )
    mismatched = [s for s in expected if set(s.names) != set(registry)]
    if not mismatched:
        sets = " and ".join(s.label for s in expected) or "nothing else"
        return Finding(
            Status.PASS,
            Severity.HIGH,
            f"the registry delegates {reg.domain} to {', '.join(registry)}, the same as {sets}",
            "",
            evidence,
        )
    evidence["mismatches"] = [_mismatch(registry, s) for s in mismatched]
    sentences = [
        f"the registry delegates {reg.domain} to {', '.join(registry)} but {s.label} "
        f"{'is' if len(s.names) == 1 else 'are'} {', '.join(sorted(s.names)) or 'empty'} "
        f"({_difference(m)})"
        for s, m in zip(mismatched, evidence["mismatches"], strict=True)
    ]
    target = mismatched[0]
    other = f", or, if the registry's set is the right one, {target.other_fix}" if target.other_fix else ""
    fix = (
        f"At {where}, set the name servers of {reg.domain} to exactly {', '.join(sorted(target.names))} "
        f"({target.label}){other}; then re-run this check once the registry has published the change."
    )
    disjoint = any(not set(s.names) & set(registry) for s in mismatched)
    severity = Severity.CRITICAL if disjoint else Severity.HIGH
    return Finding(Status.FAIL, severity, "; ".join(sentences), fix, evidence)


def _mismatch(registry: Sequence[str], other: NameServerSet) -> dict[str, Any]:
    return {
        "label": other.label,
        "only_at_registry": sorted(set(registry) - set(other.names)),
        "missing_at_registry": sorted(set(other.names) - set(registry)),
    }


def _difference(mismatch: dict[str, Any]) -> str:
    parts = []
    if mismatch["only_at_registry"]:
        parts.append(f"only at the registry: {', '.join(mismatch['only_at_registry'])}")
    if mismatch["missing_at_registry"]:
        parts.append(f"missing at the registry: {', '.join(mismatch['missing_at_registry'])}")
    return "; ".join(parts)


# ---------------------------------------------------------------- registrar.dnssec


def judge_dnssec(reg: Registration, keys: Sequence[LiveKey], key_source: str) -> Finding:
    """DS at the registry against the zone's live DNSKEYs."""
    where = registrar_name(reg)
    evidence: dict[str, Any] = {
        "delegation_signed": reg.delegation_signed,
        "dnskeys": [k.to_json() for k in keys],
        "dnskeys_from": key_source,
    }
    if not reg.ds and not reg.keys:
        return _without_ds(reg, keys, where, evidence)
    if not keys:
        evidence["ds"] = [d.to_text() for d in reg.ds] + [k.to_text() for k in reg.keys]
        return Finding(
            Status.FAIL,
            Severity.CRITICAL,
            f"the registry publishes DS data for {reg.domain} but the zone serves no DNSKEY: every "
            "validating resolver (a third of the internet) fails to resolve the domain (SERVFAIL)",
            f"Remove the DS records at {where} now (or sign the zone again with the key they name); "
            "resolvers recover once the old DS record's TTL has passed.",
            evidence,
        )
    checks = check_ds(reg.domain, reg.ds, keys)
    key_data = check_key_data(reg.keys, keys)
    evidence["ds"] = [c.to_json() for c in checks] + [
        {"key_data": r.to_text()[:120], "served_by_zone": ok} for r, ok in key_data
    ]
    good = [c for c in checks if c.matched is not None] + [r for r, ok in key_data if ok]
    stale = [c for c in checks if c.matched is None] + [r for r, ok in key_data if not ok]
    publish = ds_to_publish(reg.domain, keys)
    if not good:
        evidence["suggested_record"] = publish
        reasons = "; ".join(c.problem or "" for c in checks) or "the registry's keys are not the zone's"
        return Finding(
            Status.FAIL,
            Severity.CRITICAL,
            f"no DS record at the registry matches a DNSKEY the zone serves ({reasons}): every "
            f"validating resolver fails to resolve {reg.domain} (SERVFAIL)",
            f"At {where}, replace the DS records with: {'; '.join(publish)} (or remove them to turn "
            "DNSSEC off).",
            evidence,
        )
    if stale:
        return Finding(
            Status.WARN,
            Severity.LOW,
            f"{len(good)} DS record(s) match the zone's keys, but {len(stale)} other(s) match no key "
            "(left over from an old key or DNS host)",
            f"At {where}, remove the DS records that match no key; keep: {'; '.join(publish)}.",
            evidence,
        )
    weak = [c for c in checks if c.matched is not None and c.ds.digest_type in DEPRECATED_DIGESTS]
    if weak and len(weak) == len(checks) and not key_data:
        digest = DIGESTS[weak[0].ds.digest_type]
        return Finding(
            Status.WARN,
            Severity.LOW,
            f"the DS matches the zone's key but uses the {digest} digest, which RFC 8624 retires",
            f"At {where}, add a SHA-256 DS ({'; '.join(publish)}), then remove the {digest} one.",
            evidence,
        )
    tags = sorted({c.matched for c in checks if c.matched is not None})
    shown = ", ".join(str(t) for t in tags) or "published as keyData"
    return Finding(
        Status.PASS,
        Severity.CRITICAL,
        f"the registry's DS matches the zone's key ({shown}): DNSSEC is in effect for {reg.domain}",
        "",
        evidence,
    )


def _without_ds(reg: Registration, keys: Sequence[LiveKey], where: str, evidence: dict[str, Any]) -> Finding:
    if reg.delegation_signed:
        return Finding(
            Status.SKIPPED,
            Severity.INFO,
            f"the registry marks {reg.domain} as signed but publishes no DS data to compare",
            f"Compare the DS records shown at {where} with the zone's keys by hand.",
            evidence,
        )
    if keys:
        publish = ds_to_publish(reg.domain, keys)
        evidence["suggested_record"] = publish
        return Finding(
            Status.WARN,
            Severity.MEDIUM,
            f"the zone is signed but the registry has no DS record for {reg.domain}: DNSSEC is not "
            "in effect, and nobody can tell a forged answer from a real one",
            f"At {where}, add the DS record(s): {'; '.join(publish)} (or use your DNS host's "
            "one-click DNSSEC, which sends them for you).",
            evidence,
        )
    return Finding(
        Status.PASS,
        Severity.INFO,
        f"no DS at the registry and no DNSKEY in the zone: DNSSEC is not in use for {reg.domain}, "
        "consistently (nothing can break validation)",
        "",
        evidence,
    )
