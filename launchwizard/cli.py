"""Command line entry point. Headless commands never import textual, and start fast.

Heavy modules (httpx, dnspython, cryptography, the checks) are imported inside the
command that needs them, so `launchwizard check --help` stays well under half a second.
Exit codes: 0 nothing at or above --fail-on failed; 1 something did; 2 usage or config
error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from launchwizard import __version__
from launchwizard.sprint import STAGE_IDS

if TYPE_CHECKING:
    from launchwizard.checks.runner import RunReport, Unit
    from launchwizard.config import Sprint

LEVELS = ("critical", "high", "medium", "low", "info")
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="launchwizard",
        description=(
            "Launch-readiness sprint for B2B AI-chatbot products: live checks, a wizard, a handover pack."
        ),
    )
    parser.add_argument("--version", action="version", version=f"launchwizard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="run checks headless (CI)", description="Run the live checks and report."
    )
    check.add_argument("--config", type=Path, default=Path("sprint.toml"), help="sprint.toml path")
    _add_run_options(check)

    demo = commands.add_parser(
        "demo",
        help="start the local lab with a sample product and audit it",
        description="Start the lab (DNS + HTTPS on loopback) with a sample B2B chatbot and audit it.",
    )
    demo.add_argument("--headless", action="store_true", help="print the report instead of the wizard")
    demo.add_argument("--latency-ms", type=int, default=0, help="delay added to every lab response")
    _add_run_options(demo, default_fail_on=None)

    lab = commands.add_parser(
        "lab",
        help="serve the lab until Ctrl-C and write its sprint.toml",
        description=(
            "Serve the lab until interrupted; point `launchwizard check --config` at its sprint.toml."
        ),
    )
    lab.add_argument("--dir", type=Path, default=Path("lab-sprint"), help="where to write sprint.toml")
    lab.add_argument("--latency-ms", type=int, default=0, help="delay added to every lab response")
    return parser


def _add_run_options(parser: argparse.ArgumentParser, default_fail_on: str | None = "high") -> None:
    parser.add_argument(
        "--stage",
        action="append",
        default=[],
        choices=STAGE_IDS,
        metavar="STAGE",
        help=f"only checks of this stage (repeatable): {', '.join(STAGE_IDS)}",
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="ID", help="only this check id (repeatable)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format on stdout")
    parser.add_argument(
        "--fail-on",
        choices=LEVELS,
        default=default_fail_on,
        metavar="LEVEL",
        help="exit 1 when a check of this severity or worse fails or errors "
        f"({', '.join(LEVELS)}; default {default_fail_on or 'never, for the demo'})",
    )


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure becomes a one-line message and an exit code."""
    logging.basicConfig(level=logging.DEBUG if os.environ.get("LAUNCHWIZARD_DEBUG") else logging.WARNING)
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "demo":
            return _cmd_demo(args)
        if args.command == "lab":
            return _cmd_lab(args)
        _parser().print_help(sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("launchwizard: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UsageError as exc:
        _fail(str(exc))
    except Exception as exc:
        from launchwizard.config import ConfigError

        if isinstance(exc, ConfigError):
            _fail(str(exc))
        logging.getLogger("launchwizard").debug("unexpected failure", exc_info=True)
        _fail(f"internal error: {type(exc).__name__}: {exc} (set LAUNCHWIZARD_DEBUG=1 for details)")


def _fail(message: str) -> NoReturn:
    print(f"launchwizard: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


def _cmd_check(args: argparse.Namespace) -> int:
    from launchwizard.config import load_sprint

    sprint = load_sprint(args.config)
    report = _run(sprint, args)
    _print_report(report, sprint, args)
    return _exit_code(report, args.fail_on)


def _cmd_demo(args: argparse.Namespace) -> int:
    if not args.headless:
        raise UsageError("the demo wizard is not built yet; run `launchwizard demo --headless`")
    from launchwizard.demo.lab import Lab

    with Lab(latency_s=args.latency_ms / 1000) as lab, tempfile.TemporaryDirectory() as tmp:
        sprint = _write_lab_sprint(lab, Path(tmp))
        report = _run(sprint, args)
    _print_report(report, sprint, args, source="the demo lab on 127.53.0.0/16")
    return _exit_code(report, args.fail_on)


def _cmd_lab(args: argparse.Namespace) -> int:
    import threading

    from launchwizard.demo.lab import Lab

    with Lab(latency_s=args.latency_ms / 1000) as lab:
        sprint = _write_lab_sprint(lab, args.dir)
        print(f"lab running; sprint.toml written to {sprint.path}", file=sys.stderr)
        print(f"in another terminal: launchwizard check --config {sprint.path}", file=sys.stderr)
        print("press Ctrl-C to stop", file=sys.stderr)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("lab stopped", file=sys.stderr)
    return EXIT_OK


def _write_lab_sprint(lab: Any, directory: Path) -> Sprint:
    """Write the lab's demo sprint.toml into `directory` and load it like a user's."""
    import tomli_w

    from launchwizard.config import load_sprint

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "sprint.toml"
    path.write_text(tomli_w.dumps(lab.demo_sprint()), encoding="utf-8")
    return load_sprint(path)


def _run(sprint: Sprint, args: argparse.Namespace) -> RunReport:
    import asyncio

    from launchwizard.checks.registry import UnknownCheck, select
    from launchwizard.checks.runner import Runner

    try:
        specs = select(args.stage, args.only)
    except UnknownCheck as exc:
        raise UsageError(str(exc)) from None
    if not specs:
        raise UsageError("no check matches the given --stage/--only")
    runner = Runner(sprint, specs, observer=_Progress() if sys.stderr.isatty() else None)
    return asyncio.run(runner.run())


class _Progress:
    """A one-line progress counter on a terminal's stderr; silent in CI logs."""

    def __init__(self) -> None:
        self.done = 0
        self.running = 0

    def unit_started(self, unit: Unit) -> None:
        self.running += 1
        self._show(unit)

    def unit_finished(self, unit: Unit, results: list[Any]) -> None:
        self.running -= 1
        self.done += 1
        self._show(unit)

    def _show(self, unit: Unit) -> None:
        line = f"  {self.done} done, {self.running} running: {unit.key}"
        sys.stderr.write("\r" + line[:78].ljust(78))
        if self.running == 0:
            sys.stderr.write("\r" + " " * 78 + "\r")
        sys.stderr.flush()


def _print_report(
    report: RunReport, sprint: Sprint, args: argparse.Namespace, source: str | None = None
) -> None:
    if args.format == "json":
        import json

        print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    import shutil

    from launchwizard.report.text import TextReport, use_colour

    width = min(shutil.get_terminal_size((100, 24)).columns, 120)
    title = f"launchwizard audit of {sprint.client} ({source or sprint.path})"
    print(TextReport(colour=use_colour(sys.stdout), width=width).render(report, title), end="")


def _exit_code(report: RunReport, fail_on: str | None) -> int:
    """1 when a check at or above the level failed or could not run; else 0."""
    if fail_on is None:
        return EXIT_OK
    from launchwizard.checks.model import Severity, Status

    threshold = Severity(fail_on).rank
    blocking = [
        r for r in report.results if r.status in (Status.FAIL, Status.ERROR) and r.severity.rank >= threshold
    ]
    if blocking:
        print(
            f"launchwizard: {len(blocking)} finding(s) at or above {fail_on} failed or could not be checked",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    return EXIT_OK
