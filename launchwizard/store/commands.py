"""The `store` and seal commands as plain functions over text streams, for the CLI.

Each returns an exit code: 0 done, 1 not done (a field not set, a keyring or file
problem), 2 a malformed request. Problems go to `err` as one line. A value is read from
stdin, never argv (argv is visible to every user of the machine in `ps`), and no secret
value is ever printed except by `store get` of that very secret.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from launchwizard.errors import UserError
from launchwizard.store.catalog import parse_name
from launchwizard.store.crypto import DEFAULT_SCRYPT, ScryptParams
from launchwizard.store.errors import StoreUsageError
from launchwizard.store.passphrase import SEAL_PASSPHRASE_ENV, PassphraseSource, PromptPassphrase
from launchwizard.store.seal import seal, unseal
from launchwizard.store.store import Entry, Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_DISPLAY_WIDTH = 60


def store_set(
    store: Store,
    name: str,
    stdin: TextIO,
    err: TextIO,
    secret: bool = False,
    ask_hidden: Callable[[str], str] = getpass.getpass,
) -> int:
    """Save NAME from stdin (one trailing newline dropped); a secret typed on a terminal is
    asked for without echo, so it never shows on screen."""
    try:
        parse_name(name)
        typed = stdin.isatty()
        if typed and (secret or store.is_secret(name)):
            value = ask_hidden(f"{name}: ")
        else:
            if typed:
                err.write(f"type the value of {name}, then Ctrl-D on a line of its own\n")
            value = _read_value(stdin)
        if not value:
            raise StoreUsageError("no value on stdin; nothing was saved (pipe the value in)")
        store.set(name, value, secret=secret)
        kept = f"secret, in the {store.location}" if store.is_secret(name) else f"in {store.path}"
        err.write(f"saved {name} ({kept})\n")
        return EXIT_OK
    except UserError as exc:
        return _fail(exc, err)


def store_get(store: Store, name: str, out: TextIO, err: TextIO) -> int:
    """Print NAME's value exactly as stored (a secret too: asking by name is the explicit act)."""
    try:
        value = store.get(name, reveal=True)
    except UserError as exc:
        return _fail(exc, err)
    if value is None:
        err.write(f"{name} is not set\n")
        return EXIT_FAILED
    out.write(value + "\n")
    return EXIT_OK


def store_list(store: Store, out: TextIO, err: TextIO) -> int:
    """A table of every field: clear values (shortened, control characters escaped), and
    secrets as set/unset with where they live."""
    try:
        entries = store.list()
        location = store.location
    except UserError as exc:
        return _fail(exc, err)
    width = max(len(e.name) for e in entries)
    out.write(f"{'NAME':<{width}}  {'KIND':<6}  VALUE\n")
    for entry in entries:
        out.write(f"{entry.name:<{width}}  {'secret' if entry.secret else 'clear':<6}  {_display(entry)}\n")
    out.write(f"\nsecrets live in the {location}\n")
    return EXIT_OK


def store_delete(store: Store, name: str, err: TextIO) -> int:
    """Unset NAME (clear or secret); exit 1 when it was not set."""
    try:
        deleted = store.delete(name)
    except UserError as exc:
        return _fail(exc, err)
    err.write(f"deleted {name}\n" if deleted else f"{name} was not set\n")
    return EXIT_OK if deleted else EXIT_FAILED


def seal_command(
    store: Store,
    path: Path,
    err: TextIO,
    passphrase: PassphraseSource | None = None,
    kdf: ScryptParams = DEFAULT_SCRYPT,
) -> int:
    """Write the sealed file; the passphrase is confirmed when typed, since a typo is fatal."""
    try:
        names = seal(store, path, _seal_passphrase(passphrase)(True), kdf)
    except UserError as exc:
        return _fail(exc, err)
    err.write(f"sealed {len(names)} secret(s) into {path}: {', '.join(names) or 'none are set'}\n")
    return EXIT_OK


def unseal_command(store: Store, path: Path, err: TextIO, passphrase: PassphraseSource | None = None) -> int:
    """Read a sealed file into this store's keyring."""
    try:
        result = unseal(path, _seal_passphrase(passphrase)(False), store)
    except UserError as exc:
        return _fail(exc, err)
    err.write(f"unsealed {len(result.names)} secret(s) into the {store.location}\n")
    if result.sealed_service != store.service:
        err.write(f"note: the file was sealed from {_printable(result.sealed_service)}\n")
    return EXIT_OK


def _seal_passphrase(given: PassphraseSource | None) -> PassphraseSource:
    return given or PromptPassphrase(SEAL_PASSPHRASE_ENV, "sealed file")


def _read_value(stdin: TextIO) -> str:
    try:
        value = stdin.read()
    except UnicodeDecodeError:
        raise StoreUsageError("the value on stdin is not UTF-8 text; nothing was saved") from None
    if value.endswith("\r\n"):
        return value[:-2]
    return value[:-1] if value.endswith("\n") else value


def _display(entry: Entry) -> str:
    """The table cell: set/unset for secrets; a clear value on one line, shortened."""
    if entry.secret or not entry.is_set:
        return entry.display
    lines = entry.display.splitlines() or [""]
    text = _printable(lines[0])
    if len(text) > _DISPLAY_WIDTH:
        text = text[: _DISPLAY_WIDTH - 1] + "…"
    return text + (f" (+{len(lines) - 1} more lines)" if len(lines) > 1 else "")


def _printable(text: str) -> str:
    """Control characters escaped, so a stored value cannot drive the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _fail(exc: UserError, err: TextIO) -> int:
    err.write(f"launchwizard: {exc}\n")
    return EXIT_USAGE if isinstance(exc, StoreUsageError) else EXIT_FAILED
