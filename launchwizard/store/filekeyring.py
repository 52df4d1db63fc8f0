"""A keyring backend for hosts without an OS keyring: one passphrase-encrypted file.

Headless Linux and CI have no Secret Service; rather than plaintext (keyrings.alt) the
secrets are kept as {service: {username: secret}} in one AES-GCM file unlocked by a
passphrase. The passphrase is asked once per process; the derived key, not the
passphrase, is kept. A wrong passphrase raises before anything is written, so the file is
never rewritten or truncated by a failed unlock.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Mapping
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

from launchwizard.safe.files import MIB, read_capped
from launchwizard.state.atomic import write_atomic
from launchwizard.state.locking import locked
from launchwizard.store.crypto import (
    DEFAULT_SCRYPT,
    FORMAT_KEYRING,
    Envelope,
    Key,
    ScryptParams,
    decrypt,
    encrypt,
    read_envelope,
)
from launchwizard.store.errors import CorruptFile, StoreError, WrongPassphrase
from launchwizard.store.passphrase import KEYRING_PASSPHRASE_ENV, PassphraseSource, PromptPassphrase

KEYRING_FILE_LIMIT = 16 * MIB

KEYRING_FILE_ENV = "LAUNCHWIZARD_KEYRING_FILE"

Entries = dict[str, dict[str, str]]


def default_keyring_path(environ: Mapping[str, str] | None = None) -> Path:
    """$LAUNCHWIZARD_KEYRING_FILE, else $XDG_DATA_HOME/launchwizard, else ~/.local/share."""
    env = os.environ if environ is None else environ
    if env.get(KEYRING_FILE_ENV):
        return Path(env[KEYRING_FILE_ENV]).expanduser()
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "launchwizard" / "keyring.enc"


class EncryptedFileKeyring(KeyringBackend):
    """keyring's backend interface over one encrypted file; see the module docstring."""

    @properties.classproperty
    def priority(cls) -> float:
        """Below keyring's fail backend (0) and the chainer's cut-off, so keyring never picks
        this on its own; launchwizard chooses it explicitly (see backend.choose_keyring)."""
        return -10

    def __init__(
        self,
        path: Path | None = None,
        passphrase: PassphraseSource | None = None,
        kdf: ScryptParams = DEFAULT_SCRYPT,
    ) -> None:
        super().__init__()
        self.path = default_keyring_path() if path is None else Path(path)
        self.kdf = kdf
        self._passphrase = passphrase or PromptPassphrase(KEYRING_PASSPHRASE_ENV, "launchwizard keyring")
        self._read_key: Key | None = None
        self._write_key: Key | None = None

    def use_passphrase(self, source: PassphraseSource) -> None:
        """Take the passphrase from `source` from now on (the wizard asks in its own dialog)."""
        self._passphrase = source
        self._read_key = self._write_key = None

    @property
    def asks_for_passphrase(self) -> bool:
        """True when the passphrase would come from a terminal prompt, not the environment."""
        source = self._passphrase
        return isinstance(source, PromptPassphrase) and not source.from_environment()

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        with locked(self.path):
            entries = self._load()
            entries.setdefault(service, {})[username] = password
            self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        with locked(self.path):
            entries = self._load()
            if username not in entries.get(service, {}):
                raise PasswordDeleteError(f"no secret {username} for {service} in {self.path}")
            del entries[service][username]
            if not entries[service]:
                del entries[service]
            self._save(entries)

    def _load(self) -> Entries:
        """Everything in the file; an absent file is an empty keyring (no passphrase asked)."""
        try:
            data = read_capped(self.path, KEYRING_FILE_LIMIT)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StoreError(f"cannot read the keyring file {self.path}: {exc.strerror or exc}") from None
        envelope = read_envelope(data, FORMAT_KEYRING, str(self.path))
        plaintext = decrypt(envelope, self._key_for(envelope), str(self.path))
        return _entries(plaintext, str(self.path))

    def _key_for(self, envelope: Envelope) -> Key:
        """The cached key if it fits, else one derived from the passphrase and checked."""
        for key in (self._read_key, self._write_key):
            if key is not None and key.fits(envelope):
                return key
        passphrase = self._passphrase(False)
        key = Key.derive(passphrase, envelope.params, envelope.salt)
        if not hmac.compare_digest(key.check, envelope.check):
            raise WrongPassphrase(
                f"{self.path}: wrong passphrase (from {KEYRING_PASSPHRASE_ENV} or the prompt); "
                "the keyring file was not changed"
            )
        self._read_key = key
        # Re-encrypt under this keyring's parameters on the next save if the file's differ.
        self._write_key = key if key.params == self.kdf else Key.derive(passphrase, self.kdf)
        return key

    def _save(self, entries: Entries) -> None:
        if self._write_key is None:
            self._write_key = Key.derive(self._passphrase(True), self.kdf)
        plaintext = json.dumps({"entries": entries}, sort_keys=True).encode("utf-8")
        write_atomic(self.path, encrypt(plaintext, self._write_key, FORMAT_KEYRING))
        self._read_key = self._write_key


def _entries(plaintext: bytes, source: str) -> Entries:
    """The decrypted document, shape-checked: {"entries": {service: {username: secret}}}."""
    try:
        document = json.loads(plaintext.decode("utf-8"))
    except (ValueError, RecursionError):
        document = None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not all(_is_text_map(v) for v in entries.values()):
        raise CorruptFile(f"{source}: the decrypted keyring has an unexpected layout")
    return entries


def _is_text_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
