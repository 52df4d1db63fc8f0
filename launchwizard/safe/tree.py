"""Opening files inside a directory someone else filled: the repository being scanned.

A repository may hold a symlink to ~/.ssh, a directory symlinked out of the tree, a FIFO that
blocks a reader forever, or a file swapped for a symlink between the check and the open. The
secret scan and the code checks both read such trees; this is the one way they open a file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO, Literal

Refusal = Literal["outside-root", "missing", "unreadable", "symlink", "not-regular"]


class RootedFiles:
    """Opens regular files below one root: never through a symlink, never outside the root."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self._real_root = os.path.realpath(root)
        self._dir_inside: dict[str, bool] = {}

    def open(self, path: str) -> BinaryIO | Refusal:
        """`path` (relative to the root) opened for reading, or why it was not opened."""
        full = os.path.join(self.root, path)
        if not self._inside_root(os.path.dirname(full)):
            return "outside-root"
        try:
            info = os.lstat(full)
        except FileNotFoundError:
            return "missing"
        except OSError:
            return "unreadable"
        if stat.S_ISLNK(info.st_mode):
            return "symlink"
        if not stat.S_ISREG(info.st_mode):
            return "not-regular"
        return _open_regular(full)

    def _inside_root(self, directory: str) -> bool:
        """False when a directory on the path is a symlink leading out of the root."""
        known = self._dir_inside.get(directory)
        if known is None:
            real = os.path.realpath(directory)
            known = real == self._real_root or real.startswith(self._real_root + os.sep)
            self._dir_inside[directory] = known
        return known


def _open_regular(full: str) -> BinaryIO | Refusal:
    """Open without following a symlink put there since the lstat, and without blocking on a
    FIFO; what was opened must still be a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(full, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return "symlink" if exc.errno == errno.ELOOP else "unreadable"
    handle = os.fdopen(fd, "rb")
    try:
        regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
    except OSError:
        regular = False
    if not regular:
        handle.close()
        return "not-regular"
    return handle
