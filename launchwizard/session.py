"""One open sprint: sprint.toml, its state, its store and every check's latest result.

The wizard's model. It owns every change to disk, so the TUI only calls methods here from
its message handlers (never from workers), and it never imports textual. Keyring calls
may block (scrypt, an OS keyring dialog): callers run `save_field` for secrets off the
UI thread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from launchwizard.checks.base import CheckSpec
from launchwizard.checks.registry import REGISTRY
from launchwizard.checks.runner import RunReport, Unit, plan, sprint_targets
from launchwizard.config import Sprint, load_sprint
from launchwizard.decision import Decision, awaits_audit, decide, rank_risks
from launchwizard.errors import UserError
from launchwizard.rdap.facts import SECTION as REGISTRY_SECTION
from launchwizard.rdap.facts import registry_facts
from launchwizard.results import Result, Status
from launchwizard.sprint import MANUAL_ITEMS, STAGES, ManualItem, Stage
from launchwizard.state.atomic import sweep_temporary_files
from launchwizard.state.model import InvalidChange, SprintState, now_utc
from launchwizard.state.runs import current_results, load_run, runs_dir, save_run
from launchwizard.state.statefile import (
    Recovered,
    StateFileError,
    load_or_recover,
    load_state,
    state_signature,
    update_state,
)
from launchwizard.store.store import Store, unattended_lookup
from launchwizard.store.view import HandoverDetail, SectionView, handover_details

CAPTURE_BY_STAGE: dict[str, tuple[str, ...]] = {
    "audit": ("registrar", "dns", "hosting"),
    "core": ("llm_provider",),
    "edge": ("cloudflare",),
    "email": ("email_provider",),
    "perf": ("monitoring",),
    "deploy": ("env", "rotation", "rollback", "release"),
    "handover": ("contacts", "monitors"),
}
"""Which store sections each stage screen asks the operator to fill in."""


@dataclass(frozen=True)
class StageCounts:
    """What a stage's row on the overview says: check results and open manual items."""

    passed: int = 0
    warned: int = 0
    failed: int = 0
    errored: int = 0
    not_run: int = 0
    """Checks on a target with no result yet (skipped ones count as run)."""
    todo: int = 0
    """Manual items still open."""


class Session:
    """The sprint as the wizard sees it; every method that changes something saves it."""

    def __init__(self, sprint: Sprint, store: Store, clock: Callable[[], datetime] = now_utc) -> None:
        self.sprint = sprint
        self.store = store
        self.clock = clock
        for directory in (sprint.state_dir, runs_dir(sprint.state_dir)):
            sweep_temporary_files(directory)
        outcome = load_or_recover(sprint.state_dir)
        self.recovered: Recovered | None = outcome if isinstance(outcome, Recovered) else None
        self.state: SprintState = outcome.state if isinstance(outcome, Recovered) else outcome
        self._state_seen = state_signature(sprint.state_dir)
        self.results: dict[tuple[str, str], Result] = {}
        self.notes: list[str] = []
        self.fallback_secrets: dict[str, str] = {}
        """Secrets the checks read where the store has none (the demo's lab token); never shown."""
        self._load_results()

    @classmethod
    def open(cls, config: Path, clock: Callable[[], datetime] = now_utc) -> Session:
        sprint = load_sprint(config)
        return cls(sprint, Store.for_sprint(sprint), clock)

    def _load_results(self) -> None:
        merged, problems = current_results(self.sprint.state_dir, self.targets)
        self.notes = [f"an unreadable run was skipped: {p}" for p in problems]
        for data in (merged or {}).get("results", []):
            result = Result.from_json(data)
            self.results[(result.check, result.target)] = result

    @property
    def targets(self) -> tuple[str, ...]:
        return sprint_targets(self.sprint)

    def now(self) -> datetime:
        return self.clock()

    def change_state(self, change: Callable[[SprintState], None]) -> None:
        """Apply one change to state.toml as it is on disk now, under its lock, and take the
        result as this session's state: what a CLI command saved meanwhile is kept."""
        self.state = update_state(self.sprint.state_dir, change)
        self._state_seen = state_signature(self.sprint.state_dir)

    def reload_if_changed(self) -> bool:
        """Re-read state.toml when someone else saved it since this session last did; True
        when the state shown should be redrawn. An unreadable file keeps the state shown."""
        seen = state_signature(self.sprint.state_dir)
        if seen == self._state_seen:
            return False
        self._state_seen = seen
        try:
            self.state = load_state(self.sprint.state_dir)
        except StateFileError as exc:
            self.notes.append(f"state.toml changed on disk but cannot be read: {exc}")
            return False
        return True

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in STAGES if s.id == stage_id)

    def specs_for(self, stage_id: str) -> list[CheckSpec]:
        return [spec for spec in REGISTRY if spec.stage == stage_id]

    def units_for(self, stage_id: str, only: str | None = None) -> list[Unit]:
        specs = [s for s in self.specs_for(stage_id) if only is None or s.id == only]
        return plan(self.sprint, specs)

    def result_for(self, unit: Unit) -> Result | None:
        return self.results.get((unit.spec.id, unit.target))

    def record_run(self, report: RunReport) -> dict[str, Any]:
        """Save a finished run, take its results as current, start the clock; returns the diff."""
        path = save_run(self.sprint.state_dir, report.to_json())
        for result in report.results:
            self.results[(result.check, result.target)] = result
        stages = {r.stage for r in report.results}
        moment = self.now()

        def started(state: SprintState) -> None:
            state.start_clock(moment)
            for stage in stages:
                if stage not in state.stages:
                    state.set_stage(stage, "in-progress")

        self.change_state(started)
        diff: dict[str, Any] = load_run(path)["diff"]
        return diff

    def all_results(self) -> list[Result]:
        order = {spec.id: n for n, spec in enumerate(REGISTRY)}
        return sorted(self.results.values(), key=lambda r: (order.get(r.check, 999), r.target))

    def risks(self) -> list[Result]:
        return rank_risks(self.all_results())

    def rule_decision(self) -> Decision:
        return decide(self.all_results())

    def sprint_decision(self) -> Decision | None:
        """The rule's verdict for the sprint; None while nothing ran, or while it would be
        ship now without the quick audit."""
        results = self.all_results()
        decision = decide(results)
        return None if not results or awaits_audit(decision, results) else decision

    def items_for(self, stage_id: str) -> list[ManualItem]:
        return [item for item in MANUAL_ITEMS if item.stage == stage_id]

    def stage_counts(self, stage_id: str) -> StageCounts:
        statuses = [r.status for r in self.all_results() if r.stage == stage_id]
        return StageCounts(
            passed=statuses.count(Status.PASS),
            warned=statuses.count(Status.WARN),
            failed=statuses.count(Status.FAIL),
            errored=statuses.count(Status.ERROR),
            not_run=sum(1 for unit in self.units_for(stage_id) if self.result_for(unit) is None),
            todo=sum(1 for item in self.items_for(stage_id) if self.state.item(item.id).open),
        )

    def mark_item(
        self, item_id: str, action: str, text: str = "", owner: str = "", expires: date | None = None
    ) -> None:
        """done (text = evidence), na (text = reason), waive (reason, owner, expiry), reopen."""
        if action == "waive" and expires is None:
            raise InvalidChange("a waiver needs an expiry date")
        moment = self.now()

        def marked(state: SprintState) -> None:
            if action == "done":
                state.mark_done(item_id, text)
            elif action == "na":
                state.mark_na(item_id, text)
            elif action == "waive" and expires is not None:
                state.mark_waived(item_id, text, owner, expires)
            else:
                state.reopen(item_id)
            state.start_clock(moment)

        self.change_state(marked)

    def set_override(self, verdict: str, reason: str, by: str = "") -> None:
        self.change_state(lambda state: state.set_override(verdict, reason, by))

    def clear_override(self) -> None:
        self.change_state(lambda state: state.clear_override())

    def accept_risk(self, key: str, reason: str, by: str = "") -> None:
        """Accept one finding ("check:finding") with a reason; the pack lists it. A finding
        no check reports or honours is refused (InvalidChange), as on the command line."""
        from launchwizard.checks.acceptance import check_acceptable

        check_acceptable(self.sprint, key)
        self.change_state(lambda state: state.accept_risk(key, reason, by))

    def sprint_for_run(self) -> Sprint:
        """The sprint as checks should see it: with the .eml picked in the wizard, if any."""
        if not self.state.email_message:
            return self.sprint
        email = dataclasses.replace(self.sprint.email, message=Path(self.state.email_message))
        return dataclasses.replace(self.sprint, email=email)

    def pick_message(self, path: Path) -> None:
        """Use this received message for email.message; it must be a readable file."""
        resolved = path.expanduser().resolve()
        if not resolved.is_file():
            raise InvalidChange(f"{resolved} is not a file")
        try:
            with resolved.open("rb") as handle:
                handle.read(1)
        except OSError as exc:
            raise InvalidChange(f"cannot read {resolved}: {exc.strerror or exc}") from None

        def picked(state: SprintState) -> None:
            state.email_message = str(resolved)

        self.change_state(picked)

    def remember_screen(self, name: str) -> None:
        """Where the operator was, so the next start opens there; a convenience, so a state
        file that cannot be saved now is noted, never raised into a screen switch."""
        if self.state.last_screen == name:
            return

        def remembered(state: SprintState) -> None:
            state.last_screen = name

        try:
            self.change_state(remembered)
        except UserError as exc:
            self.state.last_screen = name
            self.notes.append(f"the screen was not remembered: {exc}")

    def capture_sections(self, stage_id: str) -> list[SectionView]:
        view = self.store.view()
        found = (view.section(section_id) for section_id in CAPTURE_BY_STAGE.get(stage_id, ()))
        return [section for section in found if section is not None]

    def registry_prefill(self) -> dict[str, str]:
        """Store field name -> the registry's value, marked "from the registry on DATE", for
        the registrar fields the latest registrar results know (the capture form shows them
        in fields the operator has not filled in; nothing is saved until the operator types)."""
        facts = registry_facts([r.to_json() for r in self.results.values()], self.sprint.apex)
        prefill = facts.prefill() if facts is not None else {}
        return {f"{REGISTRY_SECTION}.{name}": value for name, value in prefill.items()}

    def save_field(self, name: str, value: str, secret: bool = False) -> None:
        """Save one captured field; an empty value removes it (a clear one into its history,
        so it can be restored). May block on the keyring."""
        if value:
            self.store.set(name, value, secret=secret)
        else:
            self.store.delete(name)

    def restore_field(self, name: str) -> str:
        """Put back a clear field's value from before its last change; returns it."""
        return self.store.restore(name)

    @property
    def needs_passphrase(self) -> bool:
        """True when saving a secret would ask for the keyring passphrase on a terminal."""
        from launchwizard.store.filekeyring import EncryptedFileKeyring

        backend = self.store.backend
        return isinstance(backend, EncryptedFileKeyring) and backend.asks_for_passphrase

    def use_passphrase(self, passphrase: str) -> None:
        from launchwizard.store.filekeyring import EncryptedFileKeyring

        backend = self.store.backend
        if isinstance(backend, EncryptedFileKeyring):
            backend.use_passphrase(lambda confirm: passphrase)

    def secret_lookup(self) -> Callable[[str], str | None]:
        """How checks read a store secret in the wizard: never by prompting from a worker."""
        stored = unattended_lookup(self.store)

        def lookup(name: str) -> str | None:
            value = stored(name)
            return value if value is not None else self.fallback_secrets.get(name)

        return lookup

    def handover_details(self) -> tuple[HandoverDetail, ...]:
        """The details a founder needs (owners, contacts, runbooks...) and which are captured."""
        return handover_details(self.store.view())

    def missing_for_handover(self) -> list[str]:
        """Every open manual item, unset handover detail and a missing monitor export, as sentences."""
        missing = [f"manual item: {item.title}" for item in MANUAL_ITEMS if self.state.item(item.id).open]
        missing += [detail.sentence for detail in self.handover_details() if not detail.captured]
        if not self.state.monitor_exports:
            missing.append(
                "uptime monitors: not exported (launchwizard monitors export --format gatus --output FILE)"
            )
        return missing

    def pack_input(self) -> Any:
        from launchwizard.report.pack import PackInput

        merged, problems = current_results(self.sprint.state_dir, self.targets)
        notes = [f"an unreadable run was skipped: {p}" for p in problems]
        return PackInput(self.sprint, self.state, merged, self.store.view(), self.now(), notes)

    def preview(self) -> list[tuple[str, str]]:
        """The pack as (file name, markdown) pairs, rendered in memory."""
        from launchwizard.report.pack import render_texts

        return [(pack_file.output, text) for pack_file, text in render_texts(self.pack_input())]

    def export(self, out_dir: Path | None = None, templates: Path | None = None) -> list[Path]:
        from launchwizard.report.pack import render_pack

        return render_pack(self.pack_input(), out_dir or self.sprint.path.parent / "handover", templates)
