"""The first screen when there is no sprint.toml: describe the product, get a sprint.

Every field is checked as it is typed, with the reason shown under it, because a typo in
a host name found now costs seconds and found during the audit costs a confusing failure.
Saving writes sprint.toml, opens the sprint and hands over to the app's normal flow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from launchwizard.config import Sprint
from launchwizard.errors import UserError
from launchwizard.session import Session
from launchwizard.state.model import now_utc
from launchwizard.store.store import Store
from launchwizard.tui.screens.setup_form import (
    FIELDS,
    FieldSpec,
    problem_with,
    sprint_document,
    suggested_hosts,
    write_sprint,
)
from launchwizard.tui.widgets.keybar import KeyBar
from launchwizard.tui.widgets.titlebar import TitleBar

SessionFactory = Callable[[Sprint], Session]


def make_session(sprint: Sprint, clock: Callable[[], datetime] | None = None) -> Session:
    """The sprint's session with its default store; tests replace this to inject a keyring."""
    return Session(sprint, Store.for_sprint(sprint), clock or now_utc)


class ValueCheck(Validator):
    """A Textual validator that asks the project's own validator about one field."""

    def __init__(self, spec: FieldSpec) -> None:
        super().__init__()
        self.spec = spec

    def validate(self, value: str) -> ValidationResult:
        problem = problem_with(self.spec, value)
        return self.success() if problem is None else self.failure(problem, value)


class SetupScreen(Screen[Session]):
    """Asks for the sprint's essentials and writes sprint.toml at `config_path`.

    It dismisses with the opened session; whoever pushed it decides what comes next.
    """

    DEFAULT_CSS = """
    SetupScreen #setup-form { padding: 0 1; }
    SetupScreen #setup-intro { margin-bottom: 1; }
    SetupScreen .field-row { height: auto; }
    SetupScreen .field-label { width: 22; padding-right: 1; }
    SetupScreen .field-row Input { width: 1fr; }
    SetupScreen .field-error { color: $text-error; padding-left: 22; height: auto; }
    SetupScreen .field-error.-empty { display: none; }
    SetupScreen #setup-status { margin-top: 1; color: $text-error; height: auto; }
    SetupScreen #setup-status.-empty { display: none; }
    """

    AUTO_FOCUS = "#field-client"

    BINDINGS = [Binding("ctrl+s", "save", "Save sprint.toml", id="setup-save")]

    def __init__(self, config_path: Path, session_factory: SessionFactory | None = None) -> None:
        super().__init__()
        self.config_path = config_path
        """Where sprint.toml will be written."""
        self.session_factory = session_factory
        """How to open the new sprint; None means this module's make_session."""
        self._suggested = ""
        """The hosts last filled in from the apex, replaced while the operator has not edited them."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="setup-form"):
            yield Static(
                f"No sprint.toml at {self.config_path}. Describe the product and launchwizard "
                "writes it; no secrets are asked for here. Hosts are full names separated by "
                "commas or spaces; the homepage URL is where visitors should end up. ctrl+s saves.",
                id="setup-intro",
                markup=False,
            )
            for spec in FIELDS:
                yield from self._field(spec)
            yield Static("", id="setup-status", markup=False, classes="-empty")
        yield KeyBar()

    def _field(self, spec: FieldSpec) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(spec.label, classes="field-label", markup=False)
            yield Input(
                placeholder=spec.placeholder,
                id=f"field-{spec.id}",
                validators=[ValueCheck(spec)],
                validate_on=["changed", "submitted"],
                valid_empty=spec.optional,
                compact=True,
            )
        yield Static("", id=f"error-{spec.id}", classes="field-error -empty", markup=False)

    def form_values(self) -> dict[str, str]:
        """The text of every field, by field id."""
        return {spec.id: self.query_one(f"#field-{spec.id}", Input).value for spec in FIELDS}

    def show_problem(self, field_id: str, problem: str | None) -> None:
        """Show (or clear) the reason under a field."""
        error = self.query_one(f"#error-{field_id}", Static)
        error.update(f"✗ {problem}" if problem else "")
        error.set_class(not problem, "-empty")

    @on(Input.Changed)
    def _checked_as_typed(self, event: Input.Changed) -> None:
        field_id = (event.input.id or "").removeprefix("field-")
        result = event.validation_result
        problem = None if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        self.show_problem(field_id, problem)
        if field_id == "apex" and problem is None:
            self._suggest_hosts(event.value.strip().lower())

    def _suggest_hosts(self, apex: str) -> None:
        """Fill in the apex and www.<apex> until the operator types their own hosts."""
        hosts = self.query_one("#field-hosts", Input)
        if hosts.value in ("", self._suggested):
            self._suggested = suggested_hosts(apex)
            hosts.value = self._suggested

    @on(Input.Submitted)
    def _next_or_save(self, event: Input.Submitted) -> None:
        if event.input.id == f"field-{FIELDS[-1].id}":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        """Write sprint.toml and open the sprint; refused, with the reasons, while anything is invalid."""
        form = self.form_values()
        problems = [self._recheck(spec, form[spec.id]) for spec in FIELDS]
        reasons = [f"{spec.label}: {p}" for spec, p in zip(FIELDS, problems, strict=True) if p]
        if reasons:
            self.refuse(reasons)
            return
        try:
            sprint = write_sprint(self.config_path, sprint_document(form))
            session = self._open_session(sprint)
        except UserError as exc:
            self.refuse([str(exc)])
            return
        self.dismiss(session)

    def _open_session(self, sprint: Sprint) -> Session:
        if self.session_factory is not None:
            return self.session_factory(sprint)
        return make_session(sprint, getattr(self.app, "clock", None))

    def _recheck(self, spec: FieldSpec, raw: str) -> str | None:
        problem = problem_with(spec, raw)
        self.show_problem(spec.id, problem)
        return problem

    def refuse(self, reasons: list[str]) -> None:
        """Say why nothing was saved, on the screen and in a toast."""
        status = self.query_one("#setup-status", Static)
        status.update("Not saved:\n" + "\n".join(f"✗ {reason}" for reason in reasons))
        status.remove_class("-empty")
        self.notify("\n".join(reasons), title="sprint.toml not saved", severity="error", markup=False)
