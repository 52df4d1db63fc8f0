"""Where a report goes: stdout, or `--output FILE` written whole (for CI uploads).

`launchwizard check --format sarif > report.sarif` leaves an empty file behind when the
run cannot start, because the shell creates the file first; a code-scanning upload of it
then fails with a second, misleading error. With `--output` the file is written atomically
only once there is something to write: the report, or for SARIF a log whose invocation
says why the run could not start. With a machine format and `--output`, the text report
still goes to stdout, so a CI log shows what the file holds.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

OUTPUT_HELP = (
    "write the report to FILE (whole, or not at all) instead of stdout; "
    "with json, sarif or junit the text report still goes to stdout"
)


def add_output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, metavar="FILE", default=None, help=OUTPUT_HELP)


def emit(args: argparse.Namespace, report: str, text_report: Callable[[], str] | None = None) -> None:
    """Print `report`, or write it to --output and print the text report instead."""
    output: Path | None = getattr(args, "output", None)
    if output is None:
        sys.stdout.write(report)
        return
    from launchwizard.state.atomic import write_text_atomic

    write_text_atomic(output, report)
    print(f"launchwizard: wrote {output}", file=sys.stderr)
    if text_report is not None and getattr(args, "format", "text") != "text":
        sys.stdout.write(text_report())


def emit_failed_run(args: argparse.Namespace | None, message: str) -> None:
    """A run that could not start, asked for as SARIF: a valid log that says so (to
    --output or stdout), so a code-scanning step never reads an empty file."""
    if args is None or getattr(args, "format", None) != "sarif":
        return
    from launchwizard.errors import UserError
    from launchwizard.report.sarif import error_sarif

    document = json.dumps(error_sarif(message), indent=2) + "\n"
    try:
        emit(argparse.Namespace(output=getattr(args, "output", None), format="sarif"), document)
    except UserError as exc:
        print(f"launchwizard: error: {exc}", file=sys.stderr)
