"""A TLS probe on the standard library's ssl and `cryptography`: protocol, cipher, chain, trust.

One verifying handshake says whether a browser-like client trusts the host; when it does
not, a second, non-verifying handshake still reads what the server sent, so expiry, key
and chain findings are reported even for a broken certificate. Single-version handshakes
say which protocol versions the server accepts, TLS 1.0 and 1.1 included.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtensionOID, NameOID

from launchwizard.net.dns import DnsError, Resolver
from launchwizard.net.http import client_ssl_context
from launchwizard.net.reasons import plain_reason

VERSIONS = {
    "TLSv1.0": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


@dataclass
class CertInfo:
    """The facts about one certificate that the TLS checks judge."""

    subject: str
    issuer: str
    sans: list[str]
    not_before: str
    not_after: str
    serial: str
    key_type: str
    key_bits: int
    signature_hash: str | None
    signature_algorithm: str
    self_issued: bool
    is_ca: bool
    sha256: str
    issuer_organization: str | None = None
    """The issuer's O= attribute: which CA this is (dns.caa maps it to a CAA domain)."""

    @property
    def expires(self) -> datetime:
        return datetime.fromisoformat(self.not_after)

    @property
    def starts(self) -> datetime:
        return datetime.fromisoformat(self.not_before)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Handshake:
    """What one host's TLS endpoint showed us."""

    host: str
    port: int
    address: str | None = None
    connected: bool = False
    protocol: str | None = None
    cipher: str | None = None
    trusted: bool = False
    verify_error: str | None = None
    error: str | None = None
    error_kind: str | None = None
    chain: list[CertInfo] = field(default_factory=list)

    @property
    def leaf(self) -> CertInfo | None:
        return self.chain[0] if self.chain else None


@dataclass
class VersionAttempt:
    """Whether one protocol version was accepted; `accepted` is None when we could not tell."""

    version: str
    accepted: bool | None
    detail: str = ""


def describe_certificate(cert: x509.Certificate) -> CertInfo:
    """Reduce a certificate to the facts the checks need, never raising on odd input."""
    key = cert.public_key()
    key_type, bits = _key_kind(key)
    try:
        sig_hash = cert.signature_hash_algorithm
        hash_name = sig_hash.name if sig_hash is not None else None
    except Exception:  # an unknown signature algorithm still deserves a report
        hash_name = None
    return CertInfo(
        subject=_name(cert.subject),
        issuer=_name(cert.issuer),
        sans=_sans(cert),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        serial=format(cert.serial_number, "x"),
        key_type=key_type,
        key_bits=bits,
        signature_hash=hash_name,
        signature_algorithm=getattr(cert.signature_algorithm_oid, "_name", "unknown"),
        self_issued=cert.subject == cert.issuer,
        is_ca=_is_ca(cert),
        sha256=hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest(),
        issuer_organization=_organization(cert.issuer),
    )


def _key_kind(key: Any) -> tuple[str, int]:
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}", key.curve.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    return type(key).__name__, 0


def _name(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if common:
        return f"CN={common[0].value!s}"
    return name.rfc4514_string() or "(empty)"


def _organization(name: x509.Name) -> str | None:
    attributes = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(attributes[0].value) if attributes else None


def _sans(cert: x509.Certificate) -> list[str]:
    try:
        ext = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except (x509.ExtensionNotFound, ValueError):
        return []
    value = ext.value
    assert isinstance(value, x509.SubjectAlternativeName)
    names = [str(n) for n in value.get_values_for_type(x509.DNSName)]
    names += [str(ip) for ip in value.get_values_for_type(x509.IPAddress)]
    return names


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        ext = cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
    except (x509.ExtensionNotFound, ValueError):
        return False
    value = ext.value
    return isinstance(value, x509.BasicConstraints) and value.ca


def _unverified_context(version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A context that accepts anything, so we can look at what a broken server sends."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if version is not None:
            context.minimum_version = version
            context.maximum_version = version
        else:
            context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def _peer_chain(ssl_object: ssl.SSLObject) -> list[CertInfo]:
    """Every certificate the server sent, in its order (leaf first)."""
    inner = getattr(ssl_object, "_sslobj", None)
    getter = getattr(inner, "get_unverified_chain", None)
    ders: list[bytes] = []
    if getter is not None:
        ders = [c.public_bytes(ssl._ssl.ENCODING_DER) for c in getter() or []]  # type: ignore[attr-defined]
    if not ders:
        leaf = ssl_object.getpeercert(binary_form=True)
        ders = [leaf] if leaf else []
    chain = []
    for der in ders:
        try:
            chain.append(describe_certificate(x509.load_der_x509_certificate(der)))
        except ValueError:
            continue
    return chain


class TlsProbe:
    """Handshakes against a host on the address our resolver gives and the configured port."""

    def __init__(
        self,
        resolver: Resolver,
        *,
        timeout_s: float = 5.0,
        https_port: int = 443,
        ca_bundle: str | None = None,
    ) -> None:
        self._resolver = resolver
        self.timeout_s = timeout_s
        self.port = https_port
        self._verifying = client_ssl_context(ca_bundle)
        self._handshakes: dict[tuple[str, int], asyncio.Task[Handshake]] = {}

    async def handshake(self, host: str, port: int | None = None) -> Handshake:
        """The host's handshake, done once per run however many checks ask for it."""
        key = (host.rstrip(".").lower(), port or self.port)
        task = self._handshakes.get(key)
        if task is None:
            task = asyncio.ensure_future(self._handshake(*key))
            self._handshakes[key] = task
        return await asyncio.shield(task)

    async def _handshake(self, host: str, port: int) -> Handshake:
        """Verify like a browser; on failure, still read protocol, cipher and chain."""
        result = Handshake(host=host, port=port)
        try:
            address = (await self._resolver.addresses(host))[0]
        except DnsError as exc:
            result.error, result.error_kind = str(exc), "dns"
            return result
        result.address = address
        try:
            ssl_object, close = await self._connect(address, port, host, self._verifying)
        except HandshakeFailed as exc:
            if not isinstance(exc.cause, ssl.SSLCertVerificationError):
                result.error, result.error_kind = plain_reason(exc.cause), exc.kind
                return result
            result.verify_error = exc.cause.verify_message or str(exc.cause)
        except (OSError, TimeoutError) as exc:
            result.error, result.error_kind = plain_reason(exc), _connect_kind(exc)
            return result
        else:
            _fill(result, ssl_object)
            result.trusted = True
            close()
            return result
        try:
            ssl_object, close = await self._connect(address, port, host, _unverified_context())
        except HandshakeFailed as exc:
            result.error, result.error_kind = plain_reason(exc.cause), exc.kind
            return result
        except (OSError, TimeoutError) as exc:
            result.error, result.error_kind = plain_reason(exc), _connect_kind(exc)
            return result
        _fill(result, ssl_object)
        close()
        return result

    async def try_version(self, host: str, version: str, port: int | None = None) -> VersionAttempt:
        """Offer exactly one protocol version; accepted, refused, or unknown with the reason.

        A handshake that the server aborts (alert, reset or close) is a refusal; a failure
        to connect at all, or a server that never answers the handshake, leaves it unknown.
        """
        tls_version = VERSIONS[version]
        try:
            address = (await self._resolver.addresses(host))[0]
        except DnsError as exc:
            return VersionAttempt(version, None, str(exc))
        try:
            context = _unverified_context(tls_version)
        except (ValueError, ssl.SSLError) as exc:
            return VersionAttempt(version, None, f"this machine's OpenSSL cannot offer it: {exc}")
        try:
            ssl_object, close = await self._connect(address, port or self.port, host, context)
        except HandshakeFailed as exc:
            return VersionAttempt(version, False if exc.kind == "tls" else None, plain_reason(exc.cause))
        except (OSError, TimeoutError) as exc:
            return VersionAttempt(version, None, plain_reason(exc))
        negotiated = _version_name(ssl_object.version() or "")
        close()
        if negotiated != version:
            return VersionAttempt(version, False, f"server answered with {negotiated}")
        return VersionAttempt(version, True, f"handshake completed with {negotiated}")

    async def _connect(
        self, address: str, port: int, host: str, context: ssl.SSLContext
    ) -> tuple[ssl.SSLObject, Any]:
        """TCP connect, then the TLS handshake, each under the deadline; errors say which failed."""
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(self.timeout_s):
            transport, protocol = await loop.create_connection(asyncio.Protocol, host=address, port=port)
        try:
            async with asyncio.timeout(self.timeout_s):
                tls_transport = await loop.start_tls(
                    transport,
                    protocol,
                    context,
                    server_hostname=host,
                    ssl_handshake_timeout=self.timeout_s,
                )
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            transport.abort()
            raise HandshakeFailed(exc) from exc
        if tls_transport is None:
            transport.abort()
            raise HandshakeFailed(ConnectionResetError("connection closed during the handshake"))
        ssl_object = tls_transport.get_extra_info("ssl_object")
        return ssl_object, tls_transport.abort


CLIENT_LIMITS = frozenset(
    {
        "EXCESSIVE_MESSAGE_SIZE",
        "CERT_LENGTH_MISMATCH",
        "PACKET_LENGTH_TOO_LONG",
        "DATA_LENGTH_TOO_LONG",
        "RECORD_LAYER_FAILURE",
        "LENGTH_TOO_LONG",
    }
)
"""OpenSSL reasons for a handshake this client gave up on because of what the server sent
(a certificate chain larger than clients accept): no verdict about the server's TLS
versions or certificate can be read from them."""


class HandshakeFailed(Exception):
    """The TCP connection worked but the TLS handshake did not. `kind` is "tls" (the server
    refused or broke it), "timeout", or "client" (this client could not take what the server
    sent, such as an oversized certificate chain)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause
        if isinstance(cause, TimeoutError):
            self.kind = "timeout"
        elif isinstance(cause, ssl.SSLError) and cause.reason in CLIENT_LIMITS:
            self.kind = "client"
        else:
            self.kind = "tls"


def _version_name(openssl_name: str) -> str:
    """OpenSSL calls TLS 1.0 "TLSv1"; we use one spelling for all four versions."""
    return "TLSv1.0" if openssl_name == "TLSv1" else openssl_name


def _fill(result: Handshake, ssl_object: ssl.SSLObject) -> None:
    result.connected = True
    result.protocol = ssl_object.version()
    cipher = ssl_object.cipher()
    result.cipher = cipher[0] if cipher else None
    result.chain = _peer_chain(ssl_object)


def _connect_kind(exc: BaseException) -> str:
    """Group a failed TCP connect: these mean "unknown", not a TLS finding."""
    return "timeout" if isinstance(exc, TimeoutError) else "connect"


def days_left(cert: CertInfo, now: datetime | None = None) -> float:
    """Days until the certificate's notAfter (negative once expired)."""
    moment = now or datetime.now(UTC)
    return (cert.expires - moment).total_seconds() / 86400
