"""`launchwizard monitors export --format gatus|kuma|k6|checkly [--output FILE|DIR]`: monitoring
config for the tools people already run, built from sprint.toml.

The file goes to stdout, or to FILE (written atomically); the Checkly export is a project of
several files and needs `--output DIR`. The detection time of every monitor goes to stderr,
and an export written to disk is recorded in the sprint state so the handover says what was
exported where. No secret is ever written: the alert webhook is an environment variable the
monitoring tool reads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from launchwizard.commands import EXIT_OK, UsageError

if TYPE_CHECKING:
    from launchwizard.config import Sprint

FORMATS = ("gatus", "kuma", "k6", "checkly")


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `monitors` subcommand's options (cli.py calls this)."""
    monitors = commands.add_parser(
        "monitors",
        help="export uptime monitors (Gatus YAML, Uptime Kuma sheet, Checkly project) and a k6 load gate",
        description="Export monitoring configuration for homepage, health and chat from sprint.toml.",
    )
    actions = monitors.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write one format to stdout or --output FILE")
    export.add_argument("--config", type=Path, default=Path("sprint.toml"), help="sprint.toml path")
    export.add_argument(
        "--format", choices=FORMATS, default="gatus", help="gatus (default), kuma, k6 or checkly"
    )
    export.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE instead of stdout (checkly: the project directory, required)",
    )


def render(fmt: str, sprint: Sprint, output: Path | None = None) -> str:
    """The export in one format (`output` names the k6 script in its run line)."""
    from launchwizard.monitoring.gatus import render_gatus
    from launchwizard.monitoring.k6 import render_k6
    from launchwizard.monitoring.kuma import render_kuma
    from launchwizard.monitoring.plan import monitor_plan

    if fmt == "k6":
        return render_k6(sprint, output.name if output is not None else "launchwizard-k6.js")
    plan = monitor_plan(sprint)
    return render_gatus(sprint.client, plan) if fmt == "gatus" else render_kuma(sprint.client, plan)


def monitors(args: argparse.Namespace) -> int:
    """Render the export, write it, say how fast each monitor detects an outage."""
    from launchwizard.config import load_sprint
    from launchwizard.monitoring.plan import detection_lines, monitor_plan
    from launchwizard.safe.terminal import safe_text
    from launchwizard.state.atomic import write_text_atomic

    sprint = load_sprint(args.config)
    if args.format == "checkly":
        return _checkly(sprint, args.output)
    text = render(args.format, sprint, args.output)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(args.output, text)
        _record(sprint, args.format, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    if args.format != "k6":
        for line in detection_lines(monitor_plan(sprint)):
            print(safe_text(line), file=sys.stderr)
    return EXIT_OK


def _checkly(sprint: Sprint, directory: Path | None) -> int:
    """Write the Checkly project into `directory`, one file at a time, each atomically."""
    from launchwizard.monitoring.checkly import detection_lines, render_checkly
    from launchwizard.monitoring.plan import monitor_plan
    from launchwizard.safe.terminal import safe_text
    from launchwizard.state.atomic import write_text_atomic

    if directory is None:
        raise UsageError("the checkly export is a project of several files: give --output DIR")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a directory (the checkly export writes a project)")
    files = render_checkly(sprint)
    for name, text in files.items():
        write_text_atomic(directory / name, text)
    _record(sprint, "checkly", directory)
    print(f"wrote {len(files)} files to {directory}", file=sys.stderr)
    for line in detection_lines(monitor_plan(sprint), sprint.monitors.regions):
        print(safe_text(line), file=sys.stderr)
    return EXIT_OK


def _record(sprint: Sprint, fmt: str, path: Path) -> None:
    """Note the export in the sprint state; the handover lists it."""
    from launchwizard.state.model import MonitorExport, SprintState, now_utc
    from launchwizard.state.statefile import update_state

    def recorded(state: SprintState) -> None:
        state.monitor_exports[fmt] = MonitorExport(str(path), now_utc())

    update_state(sprint.state_dir, recorded)
