"""`launchwizard demo` as a user starts it: in a terminal, with the lab as its own process.

The app paints its first sprint screen, notes it (the benchmark's hook) and quits; the lab
process must be gone afterwards, and the demo's files stay for the next start.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from launchwizard.tui.app import FIRST_PAINT_ENV


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention `text` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if text in cmdline:
                    found.append(cmdline)
    return found


def test_the_demo_opens_in_a_terminal_and_leaves_no_lab_behind(tmp_path: Path) -> None:
    demo_dir = tmp_path / "demo"
    marker = tmp_path / "painted"
    env = {
        **os.environ,
        FIRST_PAINT_ENV: str(marker),
        "TERM": "xterm-256color",
        "LAUNCHWIZARD_PASSPHRASE": "x",
    }
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "launchwizard", "demo", "--dir", str(demo_dir)],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    screen = b""
    while process.poll() is None:
        with contextlib.suppress(OSError):
            screen += os.read(parent, 65536)
    os.close(parent)
    assert process.returncode == 0, screen[-2000:]
    assert float(marker.read_text()) > 0
    assert b"Acme Assist" in screen
    assert (demo_dir / "sprint.toml").is_file()
    assert processes_mentioning(str(demo_dir)) == []
