"""Benchmark: how fast the wizard paints, and whether running checks ever freezes it.

1. First paint, side by side: `launchwizard SPRINT_TOML` (a sprint with a saved run of one
   result per check, so the overview has risks and a decision to draw) and a Textual
   hello-world app, each started in a pseudo-terminal (100x30) as a user starts it, turn
   about, 9 times each after one start of each to warm the bytecode cache (as any second
   start is, PYTHONDONTWRITEBYTECODE notwithstanding); each app writes the time of its first
   paint and quits.
   Printed: both medians and their ratio (target: the wizard within 1.5x the hello-world).
   Then `launchwizard demo` with a fresh demo directory (it also waits for the lab to serve),
   median of 5 (target < 1 s).
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


HELLO_WORLD = """
import os, time
from pathlib import Path
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("Hello, world")

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        Path(os.environ["{marker}"]).write_text(repr(time.time()))
        self.exit()

Hello().run()
"""
"""The yardstick: the smallest Textual app, started and timed exactly as the wizard is."""


def first_paint_seconds(workdir: Path, command: list[str] | None = None) -> float:
    """Launch a command (default `launchwizard demo`) in a pty and wait for its first-paint note."""
    marker = workdir / "painted"
    marker.unlink(missing_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        FIRST_PAINT_ENV: str(marker),
        "TERM": "xterm-256color",
        "LAUNCHWIZARD_PASSPHRASE": "x",
    }
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    started = time.time()
    process = subprocess.Popen(
        command or [sys.executable, "-m", "launchwizard", "demo", "--dir", str(workdir / "demo")],
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


def bench_sprint(directory: Path) -> Path:
    """A sprint with a saved run holding one result per check (failures among them), as the
    wizard opens on after a first audit."""
    from launchwizard.checks.registry import REGISTRY
    from launchwizard.state.runs import SCHEMA, save_run

    path = directory / "sprint.toml"
    hosts = ["acme.test", "www.acme.test", "app.acme.test", "api.acme.test"]
    document = {
        "sprint": {"client": "Bench", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": hosts},
    }
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    statuses = ("pass", "fail", "warn", "pass", "error")
    results = [
        {
            "check": spec.id,
            "stage": spec.stage,
            "target": "acme.test",
            "status": statuses[n % len(statuses)],
            "severity": str(spec.severity),
            "title": spec.title,
            "summary": f"{spec.id}: what was seen",
            "evidence": {},
            "fix": "",
            "references": [],
            "duration_ms": 1,
        }
        for n, spec in enumerate(REGISTRY)
    ]
    save_run(
        load_sprint(path).state_dir,
        {"schema": SCHEMA, "started_at": "2026-11-25T09:00:00+00:00", "results": results},
    )
    return path


def side_by_side(workdir: Path, rounds: int = 9) -> tuple[float, float]:
    """Medians of the wizard's and the hello-world's first paint, measured in turn."""
    sprint = bench_sprint(workdir)
    hello = workdir / "hello.py"
    hello.write_text(HELLO_WORLD.replace("{marker}", FIRST_PAINT_ENV), encoding="utf-8")
    wizard_times, hello_times = [], []
    for command in ([sys.executable, "-m", "launchwizard", str(sprint)], [sys.executable, str(hello)]):
        first_paint_seconds(workdir, command)
    for _ in range(rounds):
        wizard_times.append(first_paint_seconds(workdir, [sys.executable, "-m", "launchwizard", str(sprint)]))
        hello_times.append(first_paint_seconds(workdir, [sys.executable, str(hello)]))
    return statistics.median(wizard_times), statistics.median(hello_times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wizard, hello = side_by_side(Path(tmp))
        print(
            f"first paint: wizard {wizard:.2f} s, Textual hello-world {hello:.2f} s, "
            f"ratio {wizard / hello:.2f}x (median of 9 each, in turn; target <= 1.5x)"
        )
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
