"""Messages that thread workers post to the screens; handlers own every state change.

Workers never touch widgets or the session: the check worker's observer and the secret
saver only build one of these and `post_message` it, which is safe from any thread.
Each run carries a `run_id`, so a handler can drop the events of a run it no longer shows.
"""

from __future__ import annotations

from textual.message import Message

from launchwizard.checks.runner import RunReport, Unit
from launchwizard.results import Result


class CheckStarted(Message):
    """One unit (a check on one target) began."""

    def __init__(self, run_id: int, unit: Unit) -> None:
        super().__init__()
        self.run_id = run_id
        self.unit = unit


class CheckFinished(Message):
    """One unit finished, with its results (an error or timeout is a result too)."""

    def __init__(self, run_id: int, unit: Unit, results: list[Result]) -> None:
        super().__init__()
        self.run_id = run_id
        self.unit = unit
        self.results = results


class RunFinished(Message):
    """The whole run is done; the handler saves it through the session."""

    def __init__(self, run_id: int, report: RunReport) -> None:
        super().__init__()
        self.run_id = run_id
        self.report = report


class RunFailed(Message):
    """The runner itself broke (not a check: those become error results)."""

    def __init__(self, run_id: int, reason: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.reason = reason


class FieldSaved(Message):
    """A captured field reached the store (error is None) or was refused (error says why)."""

    def __init__(
        self, name: str, secret: bool, error: str | None = None, bad_passphrase: bool = False
    ) -> None:
        super().__init__()
        self.name = name
        self.secret = secret
        self.error = error
        self.bad_passphrase = bad_passphrase
        """The keyring refused the passphrase: ask again before the next secret."""


class StateReloaded(Message):
    """state.toml was saved by someone else (a CLI command, another window) and re-read:
    the screen redraws what it shows of the sprint."""
