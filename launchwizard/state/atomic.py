"""Atomic, private file writes: the only way launchwizard puts state on disk.

A save writes a temporary file beside the target (mode 0600 from the start), fsyncs it,
renames it over the target and fsyncs the directory. A process killed at any instant
leaves either the old file or the new one, never a torn mix; a full disk or a read-only
directory raises WriteError with a plain reason and leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from launchwizard.errors import UserError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EFBIG: "the file is larger than this process may write",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


class WriteError(UserError):
    """A save that did not happen; the previous file is intact."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"could not save {path}: {reason}; the previous version is unchanged")
        self.path = path
        self.reason = reason


def ensure_private_dir(directory: Path) -> None:
    """Create `directory` and any missing parents, each owner-only (mkdir's `parents` would not)."""
    missing = [d for d in (directory, *directory.parents) if not d.exists()]
    try:
        for path in reversed(missing):
            path.mkdir(mode=PRIVATE_DIR, exist_ok=True)
            path.chmod(PRIVATE_DIR)
    except OSError as exc:
        raise WriteError(directory, _reason(exc)) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves the old or the new file, whole."""
    ensure_private_dir(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, PRIVATE_FILE)
        try:
            os.fchmod(fd, PRIVATE_FILE)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WriteError(path, _reason(exc)) from None


def _temp_owner(name: str) -> int | None:
    """The pid in a temporary file's name (".state.toml.4242.tmp"), or None for other files."""
    parts = name.split(".")
    if not name.startswith(".") or len(parts) < 4 or parts[-1] != "tmp" or not parts[-2].isdigit():
        return None
    return int(parts[-2])


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def sweep_temporary_files(directory: Path) -> list[Path]:
    """Remove what saves interrupted by a crash or a kill left in `directory`: temporary files
    whose writing process is gone. A save in progress elsewhere keeps its file. Returns what
    was removed; a directory that cannot be listed is left alone."""
    removed: list[Path] = []
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for entry in entries:
        pid = _temp_owner(entry.name)
        if pid is None or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            entry.unlink()
            removed.append(entry)
    return removed


def write_text_atomic(path: Path, text: str) -> None:
    """write_atomic for UTF-8 text."""
    write_atomic(path, text.encode("utf-8"))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable; some file systems refuse, which is harmless."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
