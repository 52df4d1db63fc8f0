"""What the registry said, summarised for the handover from the registrar checks' results.

The founder's registrar section asks for the registrar, the renewal date, the transfer
lock and the name servers. The registry already knows all four, so where the operator has
not typed them the wizard and the pack show the registry's values, marked "from the
registry on DATE". The summary is read from saved results (any run, any version), so it
trusts nothing about their shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

REGISTRAR_CHECKS = ("registrar.status", "registrar.expiry", "registrar.delegation", "registrar.dnssec")
SECTION = "registrar"
"""The store section whose fields the registry's facts fill in."""
MAX_SHOWN = 200


@dataclass(frozen=True)
class RegistryFacts:
    """The registry's answer about the apex, as the handover shows it."""

    retrieved_on: str
    server: str | None = None
    registrar: str | None = None
    abuse: str | None = None
    expires: str | None = None
    transfer_lock: str | None = None
    registry_lock: bool = False
    statuses: tuple[str, ...] = ()
    nameservers: tuple[str, ...] = ()
    dnssec: str | None = None

    @property
    def marker(self) -> str:
        return f"from the registry on {self.retrieved_on}"

    def prefill(self) -> dict[str, str]:
        """Registrar section field (store catalog name) -> the registry's value marked with
        its source ("2027-01-09 (from the registry on 2026-11-25)"), where the registry knows it."""
        values = {
            "provider": self.registrar,
            "expires": self.expires,
            "transfer_lock": self.transfer_lock,
            "nameservers": ", ".join(self.nameservers) or None,
        }
        return {name: f"{value} ({self.marker})" for name, value in values.items() if value}

    def rows(self) -> tuple[tuple[str, str], ...]:
        """(label, value) for every fact the registry gave, in reading order."""
        rows = (
            ("Registrar", self.registrar),
            ("Abuse contact", self.abuse),
            ("Expires", self.expires),
            ("Transfer lock", self.transfer_lock),
            ("Registry lock", "on" if self.registry_lock else None),
            ("Status", ", ".join(self.statuses) or None),
            ("Name servers", ", ".join(self.nameservers) or None),
            ("DNSSEC", self.dnssec),
            ("RDAP server", self.server),
        )
        return tuple((label, value) for label, value in rows if value)


def registry_facts(results: Iterable[Mapping[str, Any]], apex: str) -> RegistryFacts | None:
    """The registry's facts from the registrar results about `apex`; None when no lookup of
    it succeeded (never run, skipped, or the registry could not be read)."""
    by_check = {
        str(result["check"]): evidence
        for result in results
        if result.get("check") in REGISTRAR_CHECKS
        and result.get("target") == apex
        and (evidence := _registry_evidence(result.get("evidence"))) is not None
    }
    if not by_check:
        return None
    retrieved = max(str(e["rdap"]["retrieved_at"]) for e in by_check.values())
    status = by_check.get("registrar.status", {})
    expiry = by_check.get("registrar.expiry", {})
    found = status.get("registrar")
    registrar: Mapping[str, Any] = found if isinstance(found, dict) else {}
    return RegistryFacts(
        retrieved_on=retrieved[:10],
        server=_text(_newest(by_check, retrieved).get("server")),
        registrar=_registrar(registrar),
        abuse=_text(" / ".join(str(registrar[k]) for k in ("abuse_email", "abuse_phone") if k in registrar)),
        expires=_text(str(expires)[:10]) if isinstance(expires := expiry.get("expires"), str) else None,
        transfer_lock=_lock(status.get("transfer_lock")),
        registry_lock=status.get("registry_lock") is True,
        statuses=_texts(status.get("statuses")),
        nameservers=_texts(by_check.get("registrar.delegation", {}).get("registry_ns")),
        dnssec=_dnssec(by_check.get("registrar.dnssec")),
    )


def _registry_evidence(evidence: Any) -> Mapping[str, Any] | None:
    """A result's evidence when it holds the registry's data: dated provenance and more than
    that (a failed or skipped lookup carries only where it went)."""
    if not isinstance(evidence, dict):
        return None
    rdap = evidence.get("rdap")
    if not isinstance(rdap, dict) or not isinstance(rdap.get("retrieved_at"), str):
        return None
    return evidence if any(key != "rdap" for key in evidence) else None


def _newest(by_check: dict[str, Mapping[str, Any]], retrieved: str) -> Mapping[str, Any]:
    rdap = next(e["rdap"] for e in by_check.values() if e["rdap"]["retrieved_at"] == retrieved)
    return rdap if isinstance(rdap, Mapping) else {}


def _text(value: Any) -> str | None:
    return value.strip()[:MAX_SHOWN] if isinstance(value, str) and value.strip() else None


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(t for t in (_text(v) for v in value[:50]) if t) if isinstance(value, list) else ()


def _registrar(data: Mapping[str, Any]) -> str | None:
    name, iana = _text(data.get("name")), _text(str(data.get("iana_id") or ""))
    if name and iana:
        return f"{name} (IANA {iana})"
    return name or (f"IANA registrar {iana}" if iana else None)


def _lock(value: Any) -> str | None:
    if value is True:
        return "on"
    if value is False:
        return "off"
    return None


def _dnssec(evidence: Mapping[str, Any] | None) -> str | None:
    if not evidence:
        return None
    records = evidence.get("ds")
    if isinstance(records, list) and records:
        return f"{len(records)} DS record(s) at the registry"
    return "no DS at the registry (unsigned)"
