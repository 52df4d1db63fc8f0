"""The registry table: every check's id, stage, title, default severity, scope and references.

Adding a row here adds the check to `launchwizard check`, to its stage and to the wizard's
stage screen; nothing else needs to change. Ids are a public interface (DESIGN §5).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from launchwizard.checks import dnscheck, redirect, tls
from launchwizard.checks.base import CheckSpec
from launchwizard.checks.model import Severity

REGISTRY: tuple[CheckSpec, ...] = (
    CheckSpec(
        "dns.records",
        "audit",
        "Host resolves to the expected records",
        Severity.HIGH,
        "host",
        dnscheck.records,
        ("RFC 1034 §3.6", "RFC 1035 §3.3.1"),
        round_trips=3,
    ),
    CheckSpec(
        "dns.nameservers",
        "audit",
        "Name servers answer and agree",
        Severity.HIGH,
        "apex",
        dnscheck.nameservers,
        ("RFC 1034 §4.1", "RFC 2182 §5", "RFC 1912 §2.8 (lame delegation)"),
        round_trips=4,
    ),
    CheckSpec(
        "redirect.https",
        "audit",
        "HTTP redirects to HTTPS on the same host",
        Severity.HIGH,
        "host",
        redirect.https,
        (
            "internet.nl https_forced",
            "MDN HTTP Observatory: redirection",
            "RFC 9110 §15.4 (redirection status codes)",
            "RFC 6797 §7.2 (HSTS: redirect HTTP to HTTPS)",
        ),
        round_trips=2,
    ),
    CheckSpec(
        "redirect.canonical",
        "audit",
        "Every entry point ends on its canonical URL",
        Severity.HIGH,
        "host",
        redirect.canonical,
        ("MDN HTTP Observatory: redirection", "RFC 9110 §15.4 (redirection status codes)"),
        round_trips=12,
    ),
    CheckSpec(
        "tls.certificate",
        "audit",
        "Certificate trusted, matching and strong",
        Severity.CRITICAL,
        "host",
        tls.certificate,
        (
            "RFC 5280 §6 (path validation)",
            "RFC 6125 §6 (host name verification)",
            "CA/B Forum Baseline Requirements §6.1.5 (key sizes)",
            "CA/B Forum Baseline Requirements §6.3.2 (398-day validity)",
            "internet.nl cert_trust, cert_pubkey, cert_signature, cert_hostmatch",
        ),
        round_trips=3,
    ),
    CheckSpec(
        "tls.expiry",
        "audit",
        "Certificate is not about to expire",
        Severity.HIGH,
        "host",
        tls.expiry,
        ("RFC 5280 §4.1.2.5 (validity)", "RFC 8555 (ACME automated renewal)"),
        round_trips=3,
    ),
    CheckSpec(
        "tls.protocols",
        "audit",
        "Only TLS 1.2 and 1.3 accepted",
        Severity.HIGH,
        "host",
        tls.protocols,
        (
            "RFC 8996 (TLS 1.0 and 1.1 deprecated)",
            "RFC 8446 (TLS 1.3)",
            "internet.nl tls_version (NCSC-NL TLS guidelines)",
            "MDN: Transport Layer Security",
        ),
        round_trips=3,
    ),
)

CHECK_IDS: tuple[str, ...] = tuple(spec.id for spec in REGISTRY)


class UnknownCheck(ValueError):
    """A `--only` or `--stage` value that names nothing in the registry."""


def select(
    stages: Iterable[str] = (), only: Iterable[str] = (), registry: Sequence[CheckSpec] = REGISTRY
) -> list[CheckSpec]:
    """The checks to run: all, or those of the given stages, narrowed to the given ids."""
    stages, only = list(stages), list(only)
    known = {spec.id for spec in registry}
    unknown = [check for check in only if check not in known]
    if unknown:
        raise UnknownCheck(f"unknown check id {unknown[0]!r}; known: {', '.join(sorted(known))}")
    chosen = [spec for spec in registry if not stages or spec.stage in stages]
    if only:
        chosen = [spec for spec in chosen if spec.id in only]
    return chosen
