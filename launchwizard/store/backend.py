"""Which keyring holds the secrets, and how to name it without revealing anything.

keyring picks the best backend it can import; on a headless host that is its "fail"
backend, which raises on every call. launchwizard then uses its encrypted file instead,
and LAUNCHWIZARD_KEYRING=os|file overrides the choice either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from launchwizard.store.errors import StoreError
from launchwizard.store.filekeyring import EncryptedFileKeyring, default_keyring_path

KEYRING_CHOICE_ENV = "LAUNCHWIZARD_KEYRING"


def choose_keyring(
    environ: Mapping[str, str] | None = None,
    detect: Callable[[], KeyringBackend] = keyring.get_keyring,
) -> KeyringBackend:
    """The OS keyring where one works, else ours; LAUNCHWIZARD_KEYRING=os|file forces one."""
    env = os.environ if environ is None else environ
    choice = env.get(KEYRING_CHOICE_ENV, "").strip().lower()
    if choice not in ("", "auto", "os", "file"):
        raise StoreError(f"{KEYRING_CHOICE_ENV} must be 'os', 'file' or 'auto'")
    if choice == "file":
        return EncryptedFileKeyring(default_keyring_path(env))
    found = _detect(detect)
    if found is not None and usable(found):
        return found
    if choice == "os":
        raise StoreError(
            f"{KEYRING_CHOICE_ENV}=os but no OS keyring is available on this host; "
            f"unset it to use launchwizard's encrypted file keyring"
        )
    return EncryptedFileKeyring(default_keyring_path(env))


def _detect(detect: Callable[[], KeyringBackend]) -> KeyringBackend | None:
    """keyring's choice; a broken keyring configuration counts as no keyring."""
    try:
        return detect()
    except Exception:
        return None


def usable(backend: KeyringBackend) -> bool:
    """False for keyring's placeholders: "fail" raises, "null" drops every secret."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


def describe(backend: KeyringBackend, service: str) -> str:
    """Where secrets of `service` live, for the pack and `store list`; never a value."""
    if isinstance(backend, EncryptedFileKeyring):
        return f"encrypted file {backend.path}, service {service}"
    if isinstance(backend, chainer.ChainerBackend):
        names = ", ".join(_backend_name(b) for b in backend.backends)
        return f"OS keyring ({names}), service {service}"
    if type(backend).__module__.startswith("keyring.backends."):
        return f"OS keyring ({_backend_name(backend)}), service {service}"
    kind = type(backend)
    return f"keyring backend {kind.__module__}.{kind.__qualname__}, service {service}"


def _backend_name(backend: KeyringBackend) -> str:
    """`keyring.backends.SecretService.Keyring` -> "SecretService"."""
    kind = type(backend)
    return kind.__module__.rpartition(".")[2] if kind.__name__ == "Keyring" else kind.__name__
