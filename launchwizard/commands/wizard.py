"""The wizard commands: `launchwizard [sprint.toml]` and `launchwizard demo`.

Textual is imported inside the functions, never at module level, so the headless
commands that share this package stay free of it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from launchwizard.commands import EXIT_OK
from launchwizard.errors import UserError

DEMO_DIR = Path("launchwizard-demo")


def open_wizard(config: Path, fallback_secrets: Mapping[str, str] | None = None) -> int:
    """Open the wizard on `config`; when it does not exist, the setup screen writes it.
    `fallback_secrets` answer the checks where the store has nothing (the demo's lab token)."""
    from launchwizard.session import Session
    from launchwizard.tui.app import LaunchWizardApp

    session = Session.open(config) if config.exists() else None
    if session is not None and fallback_secrets:
        session.fallback_secrets = dict(fallback_secrets)
    LaunchWizardApp(config, session).run()
    return EXIT_OK


def demo(args: argparse.Namespace) -> int:
    """Serve the lab and open the wizard on the sample product, resumable across restarts.

    The lab runs as its own process (`launchwizard lab`), as a real product would: it starts
    while the wizard loads, and its servers never compete with the wizard's screen for the
    interpreter. sprint.toml is rewritten on every start (the lab's ports and CA change),
    while the .launchwizard/ beside it (clock, runs, items, captured details) is kept;
    secrets go to an encrypted keyring file in the same directory unless the environment
    says otherwise.
    """
    directory: Path = args.dir
    directory.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LAUNCHWIZARD_KEYRING", "file")
    os.environ.setdefault("LAUNCHWIZARD_KEYRING_FILE", str((directory / "keyring.enc").resolve()))
    lab = start_lab(directory, args.latency_ms)
    try:
        _import_wizard()
        wait_for_lab(lab)
        return open_wizard(directory / "sprint.toml", demo_secrets())
    finally:
        stop_lab(lab)


def demo_secrets() -> dict[str, str]:
    """What the demo reads where the store has nothing: the lab's read-only Cloudflare token
    (a made-up value the lab's API accepts), so the demo shows its Cloudflare findings."""
    from launchwizard.checks.cloudflare import TOKEN_FIELD
    from launchwizard.demo.cloudflare_zones import DEMO_TOKEN

    return {TOKEN_FIELD: DEMO_TOKEN}


def start_lab(directory: Path, latency_ms: int) -> subprocess.Popen[str]:
    """`launchwizard lab` as a child process that stops when our end of its stdin closes."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "launchwizard",
            "lab",
            "--dir",
            str(directory),
            "--latency-ms",
            str(latency_ms),
            "--exit-with-stdin",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _import_wizard() -> None:
    """Load the wizard while the lab process makes its certificates."""
    import launchwizard.session
    import launchwizard.tui.app  # noqa: F401


def wait_for_lab(lab: subprocess.Popen[str]) -> None:
    """Block until the lab says it serves; a lab that dies says why."""
    assert lab.stderr is not None
    first = lab.stderr.readline()
    if not first.startswith("lab running"):
        lab.wait(timeout=10)
        reason = (first + lab.stderr.read()).strip().splitlines()
        raise UserError(f"the demo lab did not start: {reason[-1] if reason else 'no output'}")


def stop_lab(lab: subprocess.Popen[str]) -> None:
    """Close its standard input (it stops on that), and make sure it is gone."""
    if lab.stdin is not None:
        lab.stdin.close()
    if lab.poll() is None:
        try:
            lab.wait(timeout=10)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
    if lab.stderr is not None:
        lab.stderr.close()
