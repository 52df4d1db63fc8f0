"""Running checks off the UI loop: a fresh event loop in a worker thread, messages back.

The runner's observer is called on the worker's own loop; it only builds messages and
posts them to the screen (post_message is thread-safe), so the UI loop never waits on
the network and never shares state with the run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from textual.message_pump import MessagePump

from launchwizard.checks.runner import Runner, Unit
from launchwizard.config import Sprint
from launchwizard.results import Result
from launchwizard.tui.messages import CheckFinished, CheckStarted, RunFailed, RunFinished


class PostingObserver:
    """A runner Observer that turns progress into messages for `target`."""

    def __init__(self, target: MessagePump, run_id: int) -> None:
        self.target = target
        self.run_id = run_id

    def unit_started(self, unit: Unit) -> None:
        self.target.post_message(CheckStarted(self.run_id, unit))

    def unit_finished(self, unit: Unit, results: list[Result]) -> None:
        self.target.post_message(CheckFinished(self.run_id, unit, results))


def run_units(
    sprint: Sprint,
    units: Sequence[Unit],
    target: MessagePump,
    run_id: int,
    secret_lookup: Callable[[str], str | None] | None = None,
) -> None:
    """Run `units` to the end on a private loop; blocking, so call it from a thread worker."""
    specs = list(dict.fromkeys(unit.spec for unit in units))
    observer = PostingObserver(target, run_id)
    runner = Runner(sprint, specs, observer=observer, units=units, secret_lookup=secret_lookup)
    try:
        report = asyncio.run(runner.run())
    except Exception as exc:
        target.post_message(RunFailed(run_id, f"{type(exc).__name__}: {exc}"))
        return
    target.post_message(RunFinished(run_id, report))
