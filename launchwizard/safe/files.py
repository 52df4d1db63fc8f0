"""Reading a file someone else may have put there: regular files only, never past a cap.

sprint.toml, the state files, saved runs, keymaps and policy files are small. A path that
names a FIFO would block a plain read forever, /dev/zero would fill memory, and a 10 MB
"sprint.toml" is a mistake or an attack: each ends in one OSError with a plain reason, which
the callers already turn into their own one-line errors.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

KIB = 1024
MIB = 1024 * KIB


class InputFileError(OSError):
    """A file refused before it was parsed; `strerror` says why in words."""

    def __init__(self, path: Path, reason: str, code: int = errno.EINVAL) -> None:
        super().__init__(code, reason, str(path))


def describe_size(size: int) -> str:
    """A byte count as people read it: "512 bytes", "40 KB", "10.0 MB"."""
    if size < KIB:
        return f"{size} bytes"
    if size < MIB:
        return f"{size // KIB} KB"
    return f"{size / MIB:.1f} MB".replace(".0 MB", " MB")


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, refusing one larger than `limit`.

    The file is opened without blocking (a FIFO with no writer does not hang) and checked
    with fstat on the open descriptor, so it cannot be swapped between check and read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(path, f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            too_big = f"{describe_size(info.st_size)} is larger than the {describe_size(limit)} allowed"
            raise InputFileError(path, too_big, errno.EFBIG)
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, MIB))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        grew = f"grew past the {describe_size(limit)} allowed while being read"
        raise InputFileError(path, grew, errno.EFBIG)
    return data


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a plain file")
