"""A throw-away PKI for the lab: root CA -> intermediate CA -> one leaf per lab host.

Built with `cryptography` rather than trustme because trustme marks subjectAltName critical,
which cryptography's own verifier rejects (web-tls-edge.md §4.4.1). EC P-256 keys keep
start-up fast; RSA appears only where a scenario needs it (the weak-key leaf).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class LeafKind:
    """How one kind of leaf differs from a good one; a table row, so new kinds are one line."""

    valid_from: dt.timedelta  # offset of notBefore from now
    valid_until: dt.timedelta  # offset of notAfter from now
    key: str = "ec"  # "ec" (P-256) or "rsa1024"
    self_signed: bool = False
    send_intermediate: bool = True
    san_override: tuple[str, ...] | None = None
    san_padding: int = 0  # extra SAN names: makes a certificate larger than clients accept


# Offsets carry an extra 12 hours where a whole number of days must be read back
# ("5 days left"), so floor-rounding by a checker still gives that number during a session.
LEAF_KINDS: dict[str, LeafKind] = {
    "good": LeafKind(-DAY, 89 * DAY),
    "expired": LeafKind(-101 * DAY, -11 * DAY),
    "expiring": LeafKind(-85 * DAY, dt.timedelta(days=5, hours=12)),
    "soon": LeafKind(-70 * DAY, dt.timedelta(days=20, hours=12)),
    "wronghost": LeafKind(-DAY, 89 * DAY, san_override=("other.lab.test",)),
    "selfsigned": LeafKind(-DAY, 89 * DAY, self_signed=True, send_intermediate=False),
    "weakkey": LeafKind(-DAY, 89 * DAY, key="rsa1024"),
    "nochain": LeafKind(-DAY, 89 * DAY, send_intermediate=False),
    "longlife": LeafKind(-DAY, 824 * DAY),
    "huge": LeafKind(-DAY, 89 * DAY, san_padding=4000),
}


@dataclass(frozen=True)
class ServerCert:
    """Files a TLS server loads: the chain it sends (leaf first) and the leaf's key."""

    chain: Path
    key: Path
    kind: str


@dataclass(frozen=True)
class _Issuer:
    """A CA certificate with its key, so leaves can be signed and carry a matching AKI."""

    cert: x509.Certificate
    key: PrivateKey


def _new_key(kind: str) -> PrivateKey:
    """A fresh private key; RSA-1024 exists only to be flagged as too weak."""
    if kind == "rsa1024":
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    """A subject/issuer name that marks every lab certificate as lab-made."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Launchwizard Lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_usage() -> x509.KeyUsage:
    """Key usage for a CA: sign certificates and CRLs only."""
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf_usage(key: PrivateKey) -> x509.KeyUsage:
    """Key usage for a TLS server leaf; RSA key exchange also needs keyEncipherment."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=isinstance(key, rsa.RSAPrivateKey),
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _make_ca(
    common_name: str,
    now: dt.datetime,
    issuer: _Issuer | None,
    path_length: int,
    age_days: int,
) -> _Issuer:
    """A CA certificate: self-signed root when `issuer` is None, else an intermediate."""
    key = _new_key("ec")
    signer_key = issuer.key if issuer else key
    issuer_name = issuer.cert.subject if issuer else _name(common_name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - age_days * DAY)
        .not_valid_after(now + 3650 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
            critical=False,
        )
    )
    return _Issuer(cert=builder.sign(signer_key, hashes.SHA256()), key=key)


def _make_leaf(
    host: str, san: Sequence[str], kind: LeafKind, now: dt.datetime, issuer: _Issuer
) -> tuple[x509.Certificate, PrivateKey]:
    """A server leaf with non-critical SAN, serverAuth EKU, SKI and AKI."""
    key = _new_key(kind.key)
    signer_key = key if kind.self_signed else issuer.key
    subject = _name(host)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if kind.self_signed else issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + kind.valid_from)
        .not_valid_after(now + kind.valid_until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_leaf_usage(key), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in san]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()),
            critical=False,
        )
    )
    return builder.sign(signer_key, hashes.SHA256()), key


def _pem(cert: x509.Certificate) -> bytes:
    """PEM text of one certificate."""
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM, which `ssl.SSLContext.load_cert_chain` reads without a password."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class LabPKI:
    """Root and intermediate CA written under `workdir`, issuing leaves on demand."""

    def __init__(self, workdir: Path, now: dt.datetime | None = None) -> None:
        self.workdir = workdir
        self.now = now or dt.datetime.now(dt.UTC)
        self._root = _make_ca("Launchwizard Lab Root CA", self.now, None, 1, age_days=730)
        self._intermediate = _make_ca("Launchwizard Lab Issuing CA", self.now, self._root, 0, age_days=365)
        self.root_pem = workdir / "lab-root-ca.pem"
        self.root_pem.write_bytes(_pem(self._root.cert))

    def issue(self, host: str, kind: str, san: Sequence[str]) -> ServerCert:
        """Write the chain and key files for `host` with the leaf `kind` from LEAF_KINDS."""
        spec = LEAF_KINDS[kind]
        names = spec.san_override or tuple(san)
        names += tuple(f"padding-{n:05d}.{host}" for n in range(spec.san_padding))
        cert, key = _make_leaf(host, names, spec, self.now, self._intermediate)
        chain = _pem(cert)
        if spec.send_intermediate:
            chain += _pem(self._intermediate.cert)
        chain_path = self.workdir / f"{host}.chain.pem"
        key_path = self.workdir / f"{host}.key.pem"
        chain_path.write_bytes(chain)
        key_path.write_bytes(_key_pem(key))
        key_path.chmod(0o600)
        return ServerCert(chain=chain_path, key=key_path, kind=kind)
