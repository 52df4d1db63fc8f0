"""The store's exceptions: one base class so callers catch one thing, and no secret values.

Every message names a field, a file or an action, never a value: these texts reach
terminals and CI logs, which is exactly where a secret must not appear.
"""

from __future__ import annotations

from launchwizard.config.errors import ConfigError
from launchwizard.errors import UserError


class StoreError(UserError):
    """A store operation that did not happen, with the reason and what to do."""


class StoreUsageError(StoreError):
    """The request itself is wrong (a malformed NAME, an empty or oversized value)."""


class StoreFileError(StoreError, ConfigError):
    """store.toml cannot be read as it is: file, line, key and what was expected."""


class NoPassphrase(StoreError):
    """No passphrase could be obtained: no environment variable and no terminal to ask on."""


class CryptoError(StoreError):
    """An encrypted file (keyring or sealed) could not be opened."""


class WrongPassphrase(CryptoError):
    """The passphrase does not open the file; the file is left exactly as it was."""


class CorruptFile(CryptoError):
    """The file is not a launchwizard encrypted file, or it was altered or truncated."""
