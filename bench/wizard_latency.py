"""Benchmark: how fast the wizard paints, and whether running checks ever freezes it.

1. First paint: `launchwizard demo` is started in a pseudo-terminal (100x30) with a fresh
   demo directory; the app writes the time of its first painted sprint screen and quits.
   Printed: launch-to-paint, median of 5 (target < 1 s). Includes the lab's start.
2. Event-loop stall: the wizard runs the audit of 7 lab hosts (43 checks, 50 ms added to
   every lab response; the lab is its own process, as in the demo) while a 10 ms timer on
   the UI loop measures how late it fires, from the moment the run starts until its
   results are saved.
   Printed: the worst lateness (target: no stall > 100 ms).

Run: .venv/bin/python bench/wizard_latency.py
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import tomli_w

from launchwizard.commands.wizard import start_lab, stop_lab, wait_for_lab
from launchwizard.config import load_sprint
from launchwizard.session import Session
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import FIRST_PAINT_ENV, LaunchWizardApp

STALL_HOSTS = [
    "good.lab.test",
    "expiring.lab.test",
    "soon.lab.test",
    "legacy.lab.test",
    "tls12.lab.test",
    "longchain.lab.test",
    "wronghost.lab.test",
]


def first_paint_seconds(workdir: Path) -> float:
    """Launch `launchwizard demo` in a pty and wait for the app's first-paint note."""
    marker = workdir / "painted"
    env = {
        **os.environ,
        FIRST_PAINT_ENV: str(marker),
        "TERM": "xterm-256color",
        "LAUNCHWIZARD_PASSPHRASE": "x",
    }
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    started = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "launchwizard", "demo", "--dir", str(workdir / "demo")],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        close_fds=True,
    )
    os.close(child)
    while process.poll() is None:
        with contextlib.suppress(OSError):
            os.read(parent, 65536)
    os.close(parent)
    return float(marker.read_text()) - started


async def worst_stall_ms(network: dict[str, Any], workdir: Path) -> tuple[float, int]:
    """Run the audit in the wizard while a 10 ms UI timer records its worst lateness."""
    path = workdir / "sprint.toml"
    path.write_text(
        tomli_w.dumps(
            {
                "sprint": {"client": "Bench", "canonical": "https://good.lab.test/"},
                "domains": {"apex": "lab.test", "hosts": STALL_HOSTS},
                "network": network,
            }
        ),
        encoding="utf-8",
    )
    sprint = load_sprint(path)
    keyring = EncryptedFileKeyring(workdir / "k.enc", passphrase=lambda c: "x", kdf=ScryptParams(n=2**12))
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:bench", keyring))
    app = LaunchWizardApp(path, session)
    lateness: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        last = time.perf_counter()

        def tick() -> None:
            nonlocal last
            now = time.perf_counter()
            if getattr(app.screen, "running", False):
                lateness.append(now - last - 0.01)
            last = now

        app.set_interval(0.01, tick)
        await pilot.press("r")
        await pilot.pause()
        while getattr(app.screen, "running", False):
            await pilot.pause(0.05)
    units = len(session.units_for("audit"))
    return max(lateness) * 1000, units


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paints = []
        for attempt in range(5):
            workdir = Path(tmp) / f"paint-{attempt}"
            workdir.mkdir()
            paints.append(first_paint_seconds(workdir))
        print(
            f"`launchwizard demo` launch to first painted overview: {statistics.median(paints):.2f} s "
            f"median of 5 (min {min(paints):.2f}, max {max(paints):.2f}; target < 1 s)"
        )
        with lab_process(Path(tmp) / "lab", latency_ms=50) as network:
            stall, units = asyncio.run(worst_stall_ms(network, Path(tmp)))
        print(f"worst UI event-loop stall while {units} checks ran: {stall:.0f} ms (target <= 100 ms)")


@contextlib.contextmanager
def lab_process(directory: Path, latency_ms: int) -> Iterator[dict[str, Any]]:
    """The lab as its own process, as `launchwizard demo` runs it; yields its [network] table."""
    lab = start_lab(directory, latency_ms)
    try:
        wait_for_lab(lab)
        yield tomllib.loads((directory / "sprint.toml").read_text(encoding="utf-8"))["network"]
    finally:
        stop_lab(lab)


if __name__ == "__main__":
    main()
