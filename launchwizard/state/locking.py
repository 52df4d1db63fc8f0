"""An exclusive lock around read-modify-write cycles on a file of the sprint (state, store).

Two `store set` commands started together (a CI script with `&`) would otherwise both read
the old file and the second save would drop the first one's value. The lock lives in a
sibling `.lock` file, since the data file itself is replaced on every save.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from launchwizard.state.atomic import PRIVATE_FILE, WriteError, ensure_private_dir

if sys.platform == "win32":

    def _lock(fd: int) -> None:
        """No advisory locks on Windows; the OS keyring is used there anyway."""

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock for `path` (released when the block ends or the process dies)."""
    lock_path = path.with_name(f".{path.name}.lock")
    ensure_private_dir(lock_path.parent)
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, PRIVATE_FILE)
    except OSError as exc:
        raise WriteError(lock_path, exc.strerror or str(exc)) from None
    try:
        _lock(fd)
        yield
    finally:
        os.close(fd)
