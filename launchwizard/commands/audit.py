"""Audit commands: `check`, `demo` and `lab`. They never import textual.

Heavy modules are imported inside the functions, so `launchwizard check --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from launchwizard.commands import EXIT_FINDINGS, EXIT_OK, UsageError

if TYPE_CHECKING:
    from launchwizard.checks.runner import RunReport, Unit
    from launchwizard.config import Sprint
    from launchwizard.state.model import SprintState


def check(args: argparse.Namespace) -> int:
    """Run the selected checks, save the run beside sprint.toml, report, exit by --fail-on."""
    from launchwizard.config import load_sprint

    sprint = load_sprint(args.config)
    since = _since_run(sprint, args)
    report = _run(sprint, args)
    document = report.to_json()
    if not args.no_save:
        document["diff"] = record_run(sprint, document)
    if since is not None:
        from launchwizard.commands.output import emit

        emit(args, _changes_text(since, document, args.format))
    else:
        _print_report(report, sprint, args, document=document)
    return _exit_code(report, args.fail_on)


def _since_run(sprint: Sprint, args: argparse.Namespace) -> dict[str, Any] | None:
    """The saved run `--since` names, read before this run is saved (so "latest" is the one
    before it)."""
    if args.since is None:
        return None
    if args.format not in ("text", "json"):
        raise UsageError("--since prints changes as text or json, not sarif or junit")
    from launchwizard.state.runs import find_run, load_run

    return load_run(find_run(sprint.state_dir, args.since))


def _changes_text(since: dict[str, Any], document: dict[str, Any], fmt: str) -> str:
    """Only what changed since the saved run: new findings, fixes, status changes."""
    from launchwizard.safe.terminal import safe_text
    from launchwizard.state.runs import changes_since

    changes = changes_since(since, document)
    if fmt == "json":
        import json

        summary = {"since": since.get("started_at"), "changes": changes}
        return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    lines = [f"changes since the run of {safe_text(str(since.get('started_at')))}:"]
    for change in changes:
        was = change["was"] or "not run"
        lines.append(
            f"  {was:>7} -> {change['status']:<7} {change['check']} on {safe_text(str(change['target']))}: "
            f"{safe_text(str(change['summary']))}"
        )
    if not changes:
        lines.append("  nothing changed")
    return "\n".join(lines) + "\n"


def record_run(sprint: Sprint, document: dict[str, Any]) -> dict[str, Any] | None:
    """Save the run and start the sprint clock; a failure to save only warns (CI must go on)."""
    from launchwizard.errors import UserError
    from launchwizard.safe.terminal import safe_text
    from launchwizard.state.runs import load_run, save_run
    from launchwizard.state.statefile import update_state

    stages = sorted({result["stage"] for result in document["results"]})

    def started(state: SprintState) -> None:
        state.start_clock()
        for stage in stages:
            if state.stages.get(stage) is None:
                state.set_stage(stage, "in-progress")

    try:
        path = save_run(sprint.state_dir, document)
        update_state(sprint.state_dir, started)
    except UserError as exc:
        print(f"launchwizard: warning: {safe_text(str(exc))}", file=sys.stderr)
        return None
    diff: dict[str, Any] = load_run(path)["diff"]
    return diff


def demo(args: argparse.Namespace) -> int:
    """The sample product: the wizard on it, or with --headless one audit printed as a report."""
    if not args.headless:
        from launchwizard.commands import wizard

        return wizard.demo(args)
    from launchwizard.demo.lab import Lab

    with Lab(latency_s=args.latency_ms / 1000) as lab, tempfile.TemporaryDirectory() as tmp:
        sprint = write_lab_sprint(lab, Path(tmp))
        build_product(Path(tmp))
        from launchwizard.commands.wizard import demo_secrets

        report = _run(sprint, args, demo_secrets())
    _print_report(report, sprint, args, source="the demo lab on 127.53.0.0/16")
    return _exit_code(report, args.fail_on)


def lab(args: argparse.Namespace) -> int:
    import threading

    from launchwizard.demo.lab import Lab

    with Lab(latency_s=args.latency_ms / 1000) as lab:
        sprint = write_lab_sprint(lab, args.dir)
        print(f"lab running; sprint.toml written to {sprint.path}", file=sys.stderr)
        build_product(args.dir)
        print(f"in another terminal: launchwizard check --config {sprint.path}", file=sys.stderr)
        print("press Ctrl-C to stop", file=sys.stderr)
        try:
            if args.exit_with_stdin:
                sys.stdin.read()
            else:
                threading.Event().wait()
        except KeyboardInterrupt:
            pass
        print("lab stopped", file=sys.stderr)
    return EXIT_OK


def write_lab_sprint(lab: Any, directory: Path) -> Sprint:
    """Write the lab's demo sprint.toml into `directory` and load it like a user's.

    It points at the demo product's repository and logs, which `build_product` makes, and at
    the customers' evaluation set, written here.
    """
    import tomli_w

    from launchwizard.config import load_sprint
    from launchwizard.demo.customer_evals import write_customer_evals
    from launchwizard.demo.product import demo_product_tables

    directory.mkdir(parents=True, exist_ok=True)
    write_customer_evals(directory)
    path = directory / "sprint.toml"
    document = {**lab.demo_sprint(), **demo_product_tables(directory)}
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return load_sprint(path)


def build_product(directory: Path) -> None:
    """The demo product's repository and logs beside its sprint.toml, on first use.

    `launchwizard lab` makes them after it announces it is running: the wizard opens
    meanwhile, and the product is ready long before anyone can run a check on it.
    """
    from launchwizard.demo.product import build_demo_product

    build_demo_product(directory)


def _run(sprint: Sprint, args: argparse.Namespace, fallback: Mapping[str, str] | None = None) -> RunReport:
    import asyncio

    from launchwizard.checks.registry import UnknownCheck, select
    from launchwizard.checks.runner import Runner

    try:
        specs = select(args.stage, args.only)
    except UnknownCheck as exc:
        raise UsageError(str(exc)) from None
    if not specs:
        raise UsageError("no check matches the given --stage/--only")
    observer = _Progress() if sys.stderr.isatty() else None
    runner = Runner(sprint, specs, observer=observer, secret_lookup=_store_lookup(sprint, fallback or {}))
    return asyncio.run(runner.run())


def _store_lookup(sprint: Sprint, fallback: Mapping[str, str]) -> Callable[[str], str | None]:
    """Store secrets for the checks that need one, opened only when one is asked for; the
    demo's `fallback` answers where the store has none."""

    def lookup(name: str) -> str | None:
        from launchwizard.store.store import Store, unattended_lookup

        stored = unattended_lookup(Store.for_sprint(sprint))(name)
        return stored if stored is not None else fallback.get(name)

    return lookup


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
    report: RunReport,
    sprint: Sprint,
    args: argparse.Namespace,
    source: str | None = None,
    document: dict[str, Any] | None = None,
) -> None:
    """The report on stdout, or in --output with the text report on stdout (colour only
    on a terminal, never in a file)."""
    import shutil

    from launchwizard.commands.output import emit
    from launchwizard.report.text import TextReport, use_colour

    document = document or report.to_json()
    to_terminal = use_colour(sys.stdout)

    def text_report(colour: bool = to_terminal) -> str:
        width = min(shutil.get_terminal_size((100, 24)).columns, 120)
        title = f"launchwizard audit of {sprint.client} ({source or sprint.path})"
        return TextReport(colour=colour, width=width).render(report, title, document.get("diff"))

    if args.format in ("json", "sarif", "junit"):
        emit(args, machine_report(args.format, report, document, sprint), text_report)
    else:
        emit(args, text_report(to_terminal and getattr(args, "output", None) is None))


def config_uri(sprint: Sprint) -> str:
    """The sprint.toml as SARIF names it: relative to the working directory when inside it."""
    path = sprint.path.resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_uri()


def machine_report(fmt: str, report: RunReport, document: dict[str, Any], sprint: Sprint) -> str:
    """The run as JSON (the contract), SARIF 2.1.0 or JUnit XML, ending in a newline."""
    import json

    if fmt == "sarif":
        from launchwizard.checks.registry import REGISTRY
        from launchwizard.report.sarif import run_sarif

        catalog = {spec.id: spec for spec in REGISTRY}
        return json.dumps(run_sarif(report.results, catalog, config_uri(sprint)), indent=2) + "\n"
    if fmt == "junit":
        from launchwizard.report.junit import render_junit, run_suites

        return render_junit(run_suites(report.results))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _exit_code(report: RunReport, fail_on: str | None) -> int:
    """1 when a check at or above the level failed or could not run; else 0."""
    if fail_on is None:
        return EXIT_OK
    from launchwizard.results import Severity, Status

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
