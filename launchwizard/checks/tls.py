"""TLS checks of the audit stage: `tls.certificate`, `tls.expiry` and `tls.protocols`.

Judged by internet.nl's tables (cert_trust, cert_pubkey, cert_signature, cert_hostmatch,
tls_version) and the CA/Browser Forum Baseline Requirements.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.net.tls import CertInfo, Handshake, days_left
from launchwizard.results import Result, Severity, Status

MAX_LIFESPAN_DAYS = 398
EXPIRY_FAIL_DAYS = 7
EXPIRY_WARN_DAYS = 30
WEAK_HASHES = ("md5", "sha1")
LEGACY_VERSIONS = ("TLSv1.0", "TLSv1.1")
MODERN_VERSIONS = ("TLSv1.2", "TLSv1.3")

Finding = tuple[Status, Severity, str, str]

FIX_CHAIN = (
    "Configure the server with the full chain (leaf first, then the intermediates; with "
    "certbot use fullchain.pem, not cert.pem)."
)
FIX_REISSUE = (
    "Reissue the certificate from a publicly trusted CA (for example Let's Encrypt through "
    "your host's managed certificates or certbot) with every public host name in its SAN, "
    "an ECDSA P-256 or RSA 2048+ key and a SHA-256 signature."
)


FIX_OVERSIZED = (
    "Serve a certificate with only the names this host needs, and the chain without extra "
    "certificates: clients refuse a handshake message over about 100 KB."
)


def _unreachable(ctx: CheckContext, hs: Handshake) -> Result | None:
    """A result for a handshake that never completed, or None if it did."""
    if hs.connected:
        return None
    evidence = {"address": hs.address, "port": hs.port, "error": hs.error}
    if hs.error_kind == "tls":
        summary = f"TLS handshake with {ctx.target} failed: {hs.error}"
        fix = "Serve TLS on the HTTPS port with a valid certificate for this host."
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, severity=Severity.CRITICAL)
    if hs.error_kind == "client":
        summary = (
            f"the TLS handshake with {ctx.target} could not be completed by this client: {hs.error} "
            "(a certificate chain this large is refused by browsers too; nothing else could be read)"
        )
        return ctx.result(Status.ERROR, summary, evidence=evidence, fix=FIX_OVERSIZED)
    return ctx.result(Status.ERROR, f"no TLS connection to {ctx.target}: {hs.error}", evidence=evidence)


def _handshake_evidence(hs: Handshake) -> dict[str, Any]:
    return {
        "address": hs.address,
        "port": hs.port,
        "protocol": hs.protocol,
        "cipher": hs.cipher,
        "trusted": hs.trusted,
        "verify_error": hs.verify_error,
        "chain": [c.to_json() for c in hs.chain],
    }


async def certificate(ctx: CheckContext) -> list[Result]:
    """`tls.certificate`: trusted chain, name match, strong key and signature, full chain sent."""
    hs = await ctx.net.tls.handshake(ctx.target)
    unreachable = _unreachable(ctx, hs)
    if unreachable is not None:
        return [unreachable]
    findings = _trust_findings(ctx.target, hs) + _key_findings(hs.chain) + _shape_findings(hs.chain)
    evidence = _handshake_evidence(hs)
    if not findings:
        leaf = hs.leaf
        assert leaf is not None
        summary = (
            f"trusted chain of {len(hs.chain)}, name matches, {leaf.key_type} {leaf.key_bits}-bit "
            f"key, {leaf.signature_hash or leaf.signature_algorithm} signature"
        )
        return [ctx.result(Status.PASS, summary, evidence=evidence)]
    evidence["findings"] = [text for _, _, text, _ in findings]
    return [_worst(ctx, findings, evidence)]


def _worst(ctx: CheckContext, findings: list[Finding], evidence: dict[str, Any]) -> Result:
    """One result for several findings: the worst status and severity, every sentence and fix."""
    order = {Status.FAIL: 0, Status.WARN: 1}
    findings.sort(key=lambda f: (order.get(f[0], 2), -f[1].rank))
    status, severity = findings[0][0], findings[0][1]
    summary = "; ".join(text for _, _, text, _ in findings)
    fixes = list(dict.fromkeys(fix for _, _, _, fix in findings))
    return ctx.result(status, summary, evidence=evidence, fix=" ".join(fixes), severity=severity)


def _trust_findings(host: str, hs: Handshake) -> list[Finding]:
    """Why a browser would refuse the certificate, in words a founder can act on."""
    if hs.trusted:
        return []
    error = hs.verify_error or "not trusted"
    lowered = error.lower()
    leaf = hs.leaf
    crit = Severity.CRITICAL
    if "hostname mismatch" in lowered or "ip address mismatch" in lowered:
        names = ", ".join(leaf.sans) if leaf else "?"
        return [(Status.FAIL, crit, f"certificate is not valid for {host} (it names {names})", FIX_REISSUE)]
    if "expired" in lowered:
        return [(Status.FAIL, crit, "certificate has expired, so browsers refuse it", FIX_REISSUE)]
    if "self-signed" in lowered or "self signed" in lowered:
        return [(Status.FAIL, crit, f"self-signed certificate: no browser trusts it ({error})", FIX_REISSUE)]
    if "local issuer" in lowered and len(hs.chain) == 1 and leaf and not leaf.self_issued:
        text = f"server sends only the leaf certificate; the intermediate from {leaf.issuer} is missing"
        return [(Status.FAIL, crit, text, FIX_CHAIN)]
    if "too weak" in lowered:
        return [(Status.FAIL, crit, f"certificate rejected as too weak ({error})", FIX_REISSUE)]
    return [(Status.FAIL, crit, f"certificate chain not trusted: {error}", FIX_REISSUE)]


def _key_findings(chain: list[CertInfo]) -> list[Finding]:
    """Key size and signature hash of every certificate the server sent (internet.nl rules)."""
    findings: list[Finding] = []
    for position, cert in enumerate(chain):
        what = "leaf" if position == 0 else f"chain certificate {position} ({cert.subject})"
        weak_key = _weak_key(cert)
        if weak_key:
            findings.append((Status.FAIL, Severity.HIGH, f"{what}: {weak_key}", FIX_REISSUE))
        if cert.self_issued and position > 0:
            continue
        hash_name = (cert.signature_hash or "").lower()
        if hash_name in WEAK_HASHES:
            text = f"{what}: signed with {hash_name.upper()}, which is broken"
            findings.append((Status.FAIL, Severity.HIGH, text, FIX_REISSUE))
        elif hash_name == "sha224":
            findings.append(
                (Status.WARN, Severity.LOW, f"{what}: SHA-224 signature is phase-out", FIX_REISSUE)
            )
    return findings


def _weak_key(cert: CertInfo) -> str | None:
    if cert.key_type in ("RSA", "DSA") and cert.key_bits < 2048:
        return f"{cert.key_type} key of {cert.key_bits} bits (at least 2048 required)"
    if cert.key_type == "DSA":
        return "DSA key (no longer accepted by browsers)"
    if cert.key_type.startswith("EC") and cert.key_bits < 256:
        return f"{cert.key_type} key of {cert.key_bits} bits (P-256 or larger required)"
    return None


def _shape_findings(chain: list[CertInfo]) -> list[Finding]:
    """Leaf lifespan and chain order: not fatal today, trouble soon."""
    findings: list[Finding] = []
    leaf = chain[0] if chain else None
    if leaf is not None:
        lifespan = (leaf.expires - leaf.starts).days
        if lifespan > MAX_LIFESPAN_DAYS:
            text = (
                f"leaf is valid for {lifespan} days; publicly trusted certificates may last "
                f"at most {MAX_LIFESPAN_DAYS}"
            )
            findings.append((Status.WARN, Severity.MEDIUM, text, FIX_REISSUE))
    for child, parent in itertools.pairwise(chain):
        if child.issuer != parent.subject:
            text = f"chain out of order: {child.subject} is not issued by the next one ({parent.subject})"
            findings.append((Status.WARN, Severity.LOW, text, FIX_CHAIN))
            break
    return findings


async def expiry(ctx: CheckContext) -> list[Result]:
    """`tls.expiry`: days left on the leaf: warn under 30, fail under 7 or once expired."""
    hs = await ctx.net.tls.handshake(ctx.target)
    unreachable = _unreachable(ctx, hs)
    if unreachable is not None:
        return [unreachable]
    leaf = hs.leaf
    if leaf is None:
        return [ctx.result(Status.ERROR, "the server sent no certificate to read")]
    now = datetime.now(UTC)
    days = days_left(leaf, now)
    evidence = {
        "not_before": leaf.not_before,
        "not_after": leaf.not_after,
        "days_left": round(days, 1),
        "subject": leaf.subject,
        "issuer": leaf.issuer,
    }
    fix = (
        f"Renew the certificate for {ctx.target} now and automate renewal (ACME: certbot renew "
        "or your host's managed certificates), then add an expiry alert at 21 days."
    )
    date = leaf.expires.date().isoformat()
    if leaf.starts > now:
        summary = f"certificate is not valid until {leaf.starts.date().isoformat()}"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, severity=Severity.CRITICAL)]
    if days < 0:
        summary = f"certificate expired {int(-days) or 1} day(s) ago ({date})"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, severity=Severity.CRITICAL)]
    if days < EXPIRY_FAIL_DAYS:
        summary = f"certificate expires in {days:.1f} days ({date})"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, severity=Severity.HIGH)]
    if days < EXPIRY_WARN_DAYS:
        summary = f"certificate expires in {int(days)} days ({date})"
        return [ctx.result(Status.WARN, summary, evidence=evidence, fix=fix, severity=Severity.MEDIUM)]
    summary = f"certificate valid for {int(days)} more days (until {date})"
    return [ctx.result(Status.PASS, summary, evidence=evidence)]


async def protocols(ctx: CheckContext) -> list[Result]:
    """`tls.protocols`: TLS 1.0 and 1.1 refused, TLS 1.2 or 1.3 offered, 1.3 noted."""
    versions = (*LEGACY_VERSIONS, *MODERN_VERSIONS)
    attempts = await asyncio.gather(*(ctx.net.tls.try_version(ctx.target, v) for v in versions))
    by_version = {a.version: a for a in attempts}
    evidence: dict[str, Any] = {a.version: {"accepted": a.accepted, "detail": a.detail} for a in attempts}
    if all(a.accepted is None for a in attempts):
        return [
            ctx.result(Status.ERROR, f"could not test any version: {attempts[-1].detail}", evidence=evidence)
        ]
    unknown_modern = [by_version[v] for v in MODERN_VERSIONS if by_version[v].accepted is None]
    if unknown_modern and not any(by_version[v].accepted for v in MODERN_VERSIONS):
        summary = f"could not test {unknown_modern[0].version}: {unknown_modern[0].detail}"
        return [ctx.result(Status.ERROR, summary, evidence=evidence)]
    legacy = [v for v in LEGACY_VERSIONS if by_version[v].accepted]
    modern = [v for v in MODERN_VERSIONS if by_version[v].accepted]
    untested = [v for v in versions if by_version[v].accepted is None]
    note = f" (could not test {', '.join(untested)})" if untested else ""
    if not modern:
        fix = "Enable TLS 1.2 and TLS 1.3 on the server or CDN."
        summary = f"neither TLS 1.2 nor TLS 1.3 is offered{note}"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix, severity=Severity.CRITICAL)]
    if legacy:
        fix = (
            "Disable TLS 1.0 and 1.1 (nginx: `ssl_protocols TLSv1.2 TLSv1.3;`; Cloudflare: "
            "SSL/TLS > Edge Certificates > Minimum TLS Version 1.2)."
        )
        summary = f"accepts deprecated {' and '.join(legacy)} (RFC 8996); offers {', '.join(modern)}{note}"
        return [ctx.result(Status.FAIL, summary, evidence=evidence, fix=fix)]
    if "TLSv1.3" not in modern:
        summary = f"TLS 1.2 only: sufficient, but TLS 1.3 is not offered{note}"
        fix = "Enable TLS 1.3 as well; it is faster (one round trip less) and drops weak options."
        return [ctx.result(Status.PASS, summary, evidence=evidence, fix=fix, severity=Severity.INFO)]
    refused = [v for v in LEGACY_VERSIONS if by_version[v].accepted is False]
    summary = f"offers {' and '.join(modern)}; refuses {' and '.join(refused) or 'nothing'}{note}"
    return [ctx.result(Status.PASS, summary, evidence=evidence)]
