"""DKIM key records (`<selector>._domainkey.<domain>`): a parser that never raises.

Only the published key is judged here (RFC 6376 §3.6.1, RFC 8463 for Ed25519): whether
receivers can use it, how strong it is, and whether it is revoked or in testing mode.
Verifying a signed message is a separate job.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

COMMON_SELECTORS = ("google", "selector1", "selector2", "k1", "s1", "s2", "default", "mail", "dkim")
RSA_GOOD_BITS = 2048
RSA_MIN_BITS = 1024
_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_TAG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass
class DkimKey:
    """A parsed key record; unusable when `errors` is not empty. `raw` is kept verbatim."""

    raw: str
    tags: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    key_type: str = "rsa"
    bits: int | None = None
    revoked: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def testing(self) -> bool:
        """t=y: receivers must not treat failures differently from unsigned mail."""
        return "y" in _colon_list(self.tags.get("t", ""))

    def strength(self) -> str:
        """ "pass", "warn" or "fail" for the key itself (RSA ≥ 2048, 1024 warns, less fails)."""
        if not self.valid or self.revoked:
            return "fail"
        if self.key_type == "ed25519":
            return "pass"
        if self.bits is None or self.bits < RSA_MIN_BITS:
            return "fail"
        return "pass" if self.bits >= RSA_GOOD_BITS else "warn"

    def describe(self) -> str:
        """A short phrase for summaries: "RSA 2048-bit", "Ed25519", "revoked"."""
        if self.revoked:
            return "revoked (empty p=)"
        if not self.valid:
            return "invalid: " + "; ".join(self.errors)
        kind = "Ed25519" if self.key_type == "ed25519" else f"RSA {self.bits}-bit"
        return kind + (" (testing, t=y)" if self.testing else "")

    def to_json(self) -> dict[str, object]:
        return {
            "raw": self.raw,
            "valid": self.valid,
            "key_type": self.key_type,
            "bits": self.bits,
            "revoked": self.revoked,
            "testing": self.testing,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def _colon_list(value: str) -> list[str]:
    return [v.strip().lower() for v in value.split(":") if v.strip()]


def parse_dkim_key(raw: str) -> DkimKey:
    """Parse one key record: tags, then key type and the key material in p=."""
    key = DkimKey(raw=raw)
    parts = [p.strip() for p in raw.split(";")]
    for position, part in enumerate(p for p in parts if p):
        _read_tag(key, position, part)
    _check_tags(key)
    if "p" not in key.tags:
        key.errors.append("the p= tag (public key) is missing")
    elif not key.errors:
        _check_key(key, key.tags["p"])
    return key


def _read_tag(key: DkimKey, position: int, part: str) -> None:
    if "=" not in part:
        key.errors.append(f"{part[:40]!r} is not a tag=value pair")
        return
    name, value = (s.strip() for s in part.split("=", 1))
    if not _TAG_NAME.match(name):
        key.errors.append(f"{name[:40]!r} is not a valid tag name")
        return
    if name in key.tags:
        key.errors.append(f"tag {name}= appears more than once")
        return
    key.tags[name] = value
    if name == "v" and (position != 0 or value != "DKIM1"):
        key.errors.append("v= must be the first tag and read v=DKIM1")


def _check_tags(key: DkimKey) -> None:
    """k=, h=, s= and t= values; unknown values are ignored by receivers, so they warn."""
    key.key_type = key.tags.get("k", "rsa").strip().lower()
    if key.key_type not in ("rsa", "ed25519"):
        key.errors.append(f"k={key.key_type[:20]} is not a key type receivers know (rsa or ed25519)")
    hashes = _colon_list(key.tags.get("h", ""))
    if hashes and "sha256" not in hashes:
        key.errors.append(f"h={key.tags['h'][:30]} does not allow sha256; receivers reject sha1-only keys")
    elif "sha1" in hashes:
        key.warnings.append("h= still allows sha1, which RFC 8301 forbids for signing")
    services = _colon_list(key.tags.get("s", ""))
    if services and not {"*", "email"} & set(services):
        key.errors.append(f"s={key.tags['s'][:30]} does not cover email")
    unknown_flags = [f for f in _colon_list(key.tags.get("t", "")) if f not in ("y", "s")]
    if unknown_flags:
        key.warnings.append(f"t= has unknown flags ({', '.join(unknown_flags)}) that receivers ignore")


def _check_key(key: DkimKey, value: str) -> None:
    """Decode p=: empty means revoked; otherwise the key must load and have a known size."""
    material = re.sub(r"\s+", "", value)
    if not material:
        key.revoked = True
        return
    if not _B64.match(material):
        key.errors.append("p= is not base64")
        return
    try:
        der = base64.b64decode(material, validate=True)
    except (binascii.Error, ValueError):
        key.errors.append("p= is not valid base64 (wrong length or padding)")
        return
    if key.key_type == "ed25519":
        _check_ed25519(key, der)
    else:
        _check_rsa(key, der)


def _check_ed25519(key: DkimKey, der: bytes) -> None:
    if len(der) != 32:
        key.errors.append(f"an Ed25519 key is 32 bytes; p= holds {len(der)}")
        return
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(der)
    except ValueError:
        key.errors.append("p= does not hold a usable Ed25519 key")
        return
    key.bits = 256


def _check_rsa(key: DkimKey, der: bytes) -> None:
    """RFC 6376 says SubjectPublicKeyInfo; some publish bare PKCS#1, which dkimpy also takes."""
    public = _load_rsa(der)
    if public is None:
        key.errors.append("p= does not hold an RSA public key")
        return
    key.bits = public.key_size


def _load_rsa(der: bytes) -> rsa.RSAPublicKey | None:
    try:
        loaded = serialization.load_der_public_key(der)
    except (ValueError, TypeError):
        pem = (
            b"-----BEGIN RSA PUBLIC KEY-----\n" + base64.encodebytes(der) + b"-----END RSA PUBLIC KEY-----\n"
        )
        try:
            loaded = serialization.load_pem_public_key(pem)
        except (ValueError, TypeError):
            return None
    return loaded if isinstance(loaded, rsa.RSAPublicKey) else None


def selector_name(selector: str, domain: str) -> str:
    """Where a selector's key lives."""
    return f"{selector.strip('.').lower()}._domainkey.{domain.rstrip('.').lower()}"
