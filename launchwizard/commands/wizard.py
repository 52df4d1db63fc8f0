"""The wizard commands: `launchwizard [sprint.toml]` and `launchwizard demo`.

Textual is imported inside the functions, never at module level, so the headless
commands that share this package stay free of it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from launchwizard.commands import EXIT_OK

DEMO_DIR = Path("launchwizard-demo")


def open_wizard(config: Path) -> int:
    """Open the wizard on `config`; when it does not exist, the setup screen writes it."""
    from launchwizard.session import Session
    from launchwizard.tui.app import LaunchWizardApp

    session = Session.open(config) if config.exists() else None
    LaunchWizardApp(config, session).run()
    return EXIT_OK


def demo(args: argparse.Namespace) -> int:
    """Serve the lab and open the wizard on the sample product, resumable across restarts.

    sprint.toml is rewritten on every start (the lab's ports and CA change), while the
    .launchwizard/ beside it (clock, runs, items, captured details) is kept; secrets go to
    an encrypted keyring file in the same directory unless the environment says otherwise.
    """
    from launchwizard.commands.audit import write_lab_sprint
    from launchwizard.demo.lab import Lab

    directory: Path = args.dir
    directory.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LAUNCHWIZARD_KEYRING", "file")
    os.environ.setdefault("LAUNCHWIZARD_KEYRING_FILE", str((directory / "keyring.enc").resolve()))
    with Lab(latency_s=args.latency_ms / 1000) as lab:
        sprint = write_lab_sprint(lab, directory)
        return open_wizard(sprint.path)
