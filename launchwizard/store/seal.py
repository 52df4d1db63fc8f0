"""The sealed hand-over file: every set secret, encrypted under a passphrase of its own.

Sealing is the one deliberate act that writes secret values to a file. The founder
unseals it into their own keyring; everything is decrypted and checked before the first
value is stored, so a wrong passphrase or a damaged file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from launchwizard.safe.files import MIB, read_capped
from launchwizard.state.atomic import write_atomic
from launchwizard.store.catalog import parse_name, value_problem
from launchwizard.store.crypto import (
    DEFAULT_SCRYPT,
    FORMAT_SEALED,
    ScryptParams,
    decrypt_with_passphrase,
    encrypt_with_passphrase,
)
from launchwizard.store.errors import CorruptFile, StoreError, StoreUsageError
from launchwizard.store.store import Store

SEALED_FILE_LIMIT = 16 * MIB


@dataclass(frozen=True)
class Unsealed:
    """What an unseal stored, and the service (product) the file was sealed from."""

    names: tuple[str, ...]
    sealed_service: str


def seal(store: Store, path: Path, passphrase: str, kdf: ScryptParams = DEFAULT_SCRYPT) -> list[str]:
    """Write every set secret of `store` to `path` (0600); returns the names sealed."""
    _require(passphrase)
    secrets: dict[str, str] = {}
    for name in store.secret_names():
        value = store.get(name, reveal=True)
        if value is None:
            raise StoreError(
                f"{name} is recorded as set but the keyring ({store.location}) has no value; "
                "set it again or delete it, then seal"
            )
        secrets[name] = value
    payload = {"service": store.service, "sealed_at": datetime.now(UTC).isoformat(), "secrets": secrets}
    plaintext = json.dumps(payload, sort_keys=True).encode("utf-8")
    write_atomic(path, encrypt_with_passphrase(plaintext, passphrase, FORMAT_SEALED, kdf))
    return sorted(secrets)


def unseal(path: Path, passphrase: str, store: Store) -> Unsealed:
    """Store every secret of the sealed file at `path` in `store`'s keyring and index."""
    _require(passphrase)
    try:
        data = read_capped(path, SEALED_FILE_LIMIT)
    except OSError as exc:
        raise StoreError(f"cannot read the sealed file {path}: {exc.strerror or exc}") from None
    service, secrets = _payload(decrypt_with_passphrase(data, passphrase, FORMAT_SEALED, str(path)), path)
    for name, value in sorted(secrets.items()):
        store.set(name, value, secret=True)
    return Unsealed(tuple(sorted(secrets)), service)


def _require(passphrase: str) -> None:
    if not passphrase:
        raise StoreUsageError("an empty passphrase is not allowed for a sealed file")


def _payload(plaintext: bytes, path: Path) -> tuple[str, dict[str, str]]:
    """The decrypted document, fully checked before anything is stored."""
    try:
        document: Any = json.loads(plaintext.decode("utf-8"))
    except (ValueError, RecursionError):
        document = None
    service = document.get("service") if isinstance(document, dict) else None
    secrets = document.get("secrets") if isinstance(document, dict) else None
    if not isinstance(service, str) or not isinstance(secrets, dict):
        raise CorruptFile(f"{path}: the decrypted sealed file has an unexpected layout")
    for name, value in secrets.items():
        if not isinstance(value, str) or value_problem(value) or not _valid_name(name):
            raise CorruptFile(f"{path}: the sealed file holds an invalid entry; nothing was stored")
    return service, secrets


def _valid_name(name: str) -> bool:
    try:
        parse_name(name)
    except StoreError:
        return False
    return True
