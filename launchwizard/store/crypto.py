"""Passphrase encryption shared by the file keyring and sealed files.

scrypt turns the passphrase into 64 bytes: an AES-256-GCM key and a separate check key.
The check value (an HMAC under the check key) tells a wrong passphrase apart from a
damaged file, which GCM alone cannot: both only fail the tag. The file is a small
self-describing JSON envelope; its header (format, KDF parameters and salt, nonce, check)
is bound to the ciphertext as associated data, so no part of it can be altered unnoticed,
and the KDF parameters live in the file so they can be raised later without breaking it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from launchwizard.store.errors import CorruptFile, WrongPassphrase

FORMAT_KEYRING = "launchwizard.keyring/1"
FORMAT_SEALED = "launchwizard.sealed/1"
FORMATS = (FORMAT_KEYRING, FORMAT_SEALED)
CIPHER = "AES-256-GCM"
KDF = "scrypt"

SALT_BYTES = 16
NONCE_BYTES = 12
CHECK_BYTES = 32
TAG_BYTES = 16
MAX_FILE_BYTES = 64 * 1024 * 1024
_CHECK_MESSAGE = b"launchwizard passphrase check"

# Bounds on parameters read from a file: a crafted file must not make us allocate gigabytes.
_MIN_N, _MAX_N = 2**10, 2**20
_MAX_MEMORY = 256 * 1024 * 1024
_MAX_WORK = 2**24


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost. The default follows current guidance for interactive use (~32 MiB)."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    def problem(self) -> str | None:
        """Why these parameters are refused, or None; checked before any key is derived."""
        if not _MIN_N <= self.n <= _MAX_N or self.n & (self.n - 1):
            return f"scrypt n must be a power of two from {_MIN_N} to {_MAX_N}"
        if not 1 <= self.r <= 32 or not 1 <= self.p <= 16:
            return "scrypt r must be 1-32 and p 1-16"
        if 128 * self.n * self.r > _MAX_MEMORY or self.n * self.r * self.p > _MAX_WORK:
            return "scrypt parameters ask for more memory or work than allowed"
        return None


DEFAULT_SCRYPT = ScryptParams()


@dataclass(frozen=True)
class Key:
    """A derived key and the salt and parameters it came from (the passphrase is not kept)."""

    params: ScryptParams
    salt: bytes
    cipher_key: bytes = field(repr=False)
    check: bytes = field(repr=False)

    @classmethod
    def derive(cls, passphrase: str, params: ScryptParams = DEFAULT_SCRYPT, salt: bytes | None = None) -> Key:
        """Run scrypt; a fresh random salt unless one is given (to open an existing file)."""
        problem = params.problem()
        if problem:
            raise ValueError(problem)
        salt = os.urandom(SALT_BYTES) if salt is None else salt
        secret = unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")
        material = Scrypt(salt=salt, length=64, n=params.n, r=params.r, p=params.p).derive(secret)
        check = hmac.new(material[32:], _CHECK_MESSAGE, hashlib.sha256).digest()
        return cls(params, salt, material[:32], check)

    def fits(self, envelope: Envelope) -> bool:
        """True when this key was derived for the envelope's salt and parameters."""
        return self.params == envelope.params and self.salt == envelope.salt


@dataclass(frozen=True)
class Envelope:
    """A parsed, validated encrypted file; nothing in it is secret."""

    format: str
    params: ScryptParams
    salt: bytes
    nonce: bytes
    check: bytes
    ciphertext: bytes

    def header(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "kdf": {"name": KDF, "n": self.params.n, "r": self.params.r, "p": self.params.p}
            | {"salt": _b64(self.salt)},
            "cipher": CIPHER,
            "nonce": _b64(self.nonce),
            "check": _b64(self.check),
        }

    def associated_data(self) -> bytes:
        """The canonical header bytes GCM authenticates along with the ciphertext."""
        return json.dumps(self.header(), sort_keys=True, separators=(",", ":")).encode()

    def to_bytes(self) -> bytes:
        document = self.header() | {"ciphertext": _b64(self.ciphertext)}
        return (json.dumps(document, indent=2) + "\n").encode()


def encrypt(plaintext: bytes, key: Key, file_format: str) -> bytes:
    """The envelope bytes for `plaintext`, with a fresh nonce every time."""
    nonce = os.urandom(NONCE_BYTES)
    envelope = Envelope(file_format, key.params, key.salt, nonce, key.check, b"")
    sealed = AESGCM(key.cipher_key).encrypt(nonce, plaintext, envelope.associated_data())
    return Envelope(file_format, key.params, key.salt, nonce, key.check, sealed).to_bytes()


def decrypt(envelope: Envelope, key: Key, source: str) -> bytes:
    """The plaintext, or WrongPassphrase (check differs) or CorruptFile (tag fails)."""
    if not key.fits(envelope) or not hmac.compare_digest(key.check, envelope.check):
        raise WrongPassphrase(f"{source}: wrong passphrase; nothing was changed")
    try:
        return AESGCM(key.cipher_key).decrypt(envelope.nonce, envelope.ciphertext, envelope.associated_data())
    except InvalidTag:
        raise CorruptFile(f"{source}: the file was altered or damaged (integrity check failed)") from None


def encrypt_with_passphrase(
    plaintext: bytes, passphrase: str, file_format: str, params: ScryptParams = DEFAULT_SCRYPT
) -> bytes:
    return encrypt(plaintext, Key.derive(passphrase, params), file_format)


def decrypt_with_passphrase(data: bytes, passphrase: str, file_format: str, source: str) -> bytes:
    envelope = read_envelope(data, file_format, source)
    return decrypt(envelope, Key.derive(passphrase, envelope.params, envelope.salt), source)


def read_envelope(data: bytes, file_format: str, source: str) -> Envelope:
    """Parse and validate an envelope of `file_format`; anything else is CorruptFile."""
    try:
        return _Parser(source).envelope(data, file_format)
    except (ValueError, TypeError, RecursionError, binascii.Error):
        raise CorruptFile(f"{source}: not a launchwizard encrypted file (unreadable JSON)") from None


class _Parser:
    """Strict reading of the envelope: exact keys, exact types, exact sizes."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, reason: str) -> CorruptFile:
        return CorruptFile(f"{self.source}: not a valid launchwizard encrypted file: {reason}")

    def envelope(self, data: bytes, file_format: str) -> Envelope:
        if len(data) > MAX_FILE_BYTES:
            raise self.fail("the file is too large")
        document = json.loads(data.decode("utf-8"))
        if not isinstance(document, dict):
            raise self.fail("expected a JSON object")
        found = document.get("format")
        if found in FORMATS and found != file_format:
            raise self.fail(f"it is a {found} file, not {file_format}")
        if found != file_format:
            raise self.fail(f"the format is not {file_format}")
        self.keys(document, {"format", "kdf", "cipher", "nonce", "check", "ciphertext"}, "the file")
        if document["cipher"] != CIPHER:
            raise self.fail(f"unknown cipher (expected {CIPHER})")
        params, salt = self.kdf(document["kdf"])
        nonce = self.binary(document, "nonce", NONCE_BYTES, NONCE_BYTES)
        check = self.binary(document, "check", CHECK_BYTES, CHECK_BYTES)
        ciphertext = self.binary(document, "ciphertext", TAG_BYTES, MAX_FILE_BYTES)
        return Envelope(file_format, params, salt, nonce, check, ciphertext)

    def kdf(self, kdf: Any) -> tuple[ScryptParams, bytes]:
        if not isinstance(kdf, dict):
            raise self.fail("kdf must be an object")
        self.keys(kdf, {"name", "n", "r", "p", "salt"}, "kdf")
        if kdf["name"] != KDF:
            raise self.fail(f"unknown key derivation (expected {KDF})")
        numbers = [kdf[k] for k in ("n", "r", "p")]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in numbers):
            raise self.fail("scrypt parameters must be integers")
        params = ScryptParams(*numbers)
        problem = params.problem()
        if problem:
            raise self.fail(problem)
        return params, self.binary(kdf, "salt", SALT_BYTES, 64)

    def keys(self, document: dict[str, Any], expected: set[str], where: str) -> None:
        if set(document) != expected:
            raise self.fail(f"{where} must have exactly the fields {', '.join(sorted(expected))}")

    def binary(self, document: dict[str, Any], name: str, least: int, most: int) -> bytes:
        value = document[name]
        if not isinstance(value, str):
            raise self.fail(f"{name} must be base64 text")
        raw = base64.b64decode(value.encode("ascii"), validate=True)
        if not least <= len(raw) <= most:
            raise self.fail(f"{name} has the wrong length")
        return raw


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
