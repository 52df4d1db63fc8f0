"""Sprint-state commands: `status`, `item`, `decide` and `accept-risk`, for scripts and
terminals without the wizard."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from launchwizard.checks.runner import sprint_targets
from launchwizard.commands import EXIT_OK, UsageError
from launchwizard.config import Sprint, load_sprint
from launchwizard.decision import AWAITING_AUDIT
from launchwizard.report.text import VERDICTS
from launchwizard.safe.terminal import safe_text
from launchwizard.sprint import MANUAL_ITEM_IDS, MANUAL_ITEMS, STAGES
from launchwizard.state.model import SPRINT_HOURS, InvalidChange, ItemState, SprintState, now_utc
from launchwizard.state.runs import current_results
from launchwizard.state.statefile import load_state, update_state

ITEM_MARKS = {"todo": "☐ TODO  ", "done": "✓ DONE  ", "na": "- N/A   ", "waived": "~ WAIVED"}


def _load(config: Path) -> tuple[Sprint, SprintState]:
    sprint = load_sprint(config)
    return sprint, load_state(sprint.state_dir)


def status(args: argparse.Namespace) -> int:
    """Print the clock and phase, stages, manual items, the latest run and any override."""
    sprint, state = _load(args.config)
    run, problems = current_results(sprint.state_dir, sprint_targets(sprint))
    lines = [f"{safe_text(sprint.client)}: launch sprint", *_clock_lines(state, now_utc()), ""]
    lines += [*_stage_lines(state), "", *_item_lines(state), "", *_decision_lines(state, run)]
    lines += _accepted_lines(state)
    lines += [f"warning: {safe_text(str(p))}" for p in problems]
    print("\n".join(lines))
    return EXIT_OK


def _clock_lines(state: SprintState, moment: datetime) -> list[str]:
    if state.started_at is None:
        return ["clock: not started (it starts with the first saved check run)"]
    elapsed = state.hours_elapsed(moment)
    phase = state.phase(moment)
    left = max(0.0, SPRINT_HOURS - elapsed)
    return [
        f"clock: started {state.started_at:%Y-%m-%d %H:%M} UTC, {elapsed:.1f} h elapsed, {left:.1f} h left",
        f"phase: {phase.name} (hours {phase.start_hour}-{phase.end_hour}): {phase.purpose}",
    ]


def _stage_lines(state: SprintState) -> list[str]:
    lines = ["STAGES"]
    for stage in STAGES:
        recorded = state.stages.get(stage.id)
        lines.append(f"  {stage.id:<9} {recorded.status if recorded else 'not-started':<12} {stage.title}")
    return lines


def _item_lines(state: SprintState) -> list[str]:
    lines = ["MANUAL ITEMS"]
    for item in MANUAL_ITEMS:
        recorded = state.item(item.id)
        mark = ITEM_MARKS[recorded.status]
        lines.append(f"  {mark} {item.id:<24} {item.title}{_item_detail(recorded)}")
    return lines


def _item_detail(item: ItemState) -> str:
    if item.status == "done":
        return f": {safe_text(item.evidence)}"
    if item.status == "na":
        return f": {safe_text(item.reason)}"
    if item.status == "waived":
        expired = " (EXPIRED)" if item.open else ""
        expires = item.expires.isoformat() if item.expires else "?"
        return f": {safe_text(item.reason)} (owner {safe_text(item.owner)}, until {expires}){expired}"
    return ""


def _decision_lines(state: SprintState, run: dict[str, Any] | None) -> list[str]:
    if run is None:
        lines = ["DECISION: no check run yet (run `launchwizard check`)"]
    elif run.get("awaiting_audit"):
        lines = [f"DECISION: not decided: {AWAITING_AUDIT} (run `launchwizard check --stage audit`)"]
    else:
        verdict = run["decision"]["verdict"]
        newest = safe_text(str(run.get("started_at")))
        lines = [
            f"DECISION: {VERDICTS.get(verdict, verdict)} (latest result of each check, "
            f"{run['merged_from']} saved run(s), newest {newest})",
            *(f"  - {safe_text(reason)}" for reason in run["decision"]["reasons"]),
        ]
    override = state.override
    if override is not None:
        who = f" by {safe_text(override.by)}" if override.by else ""
        lines.append(f"OVERRIDE: {VERDICTS[override.verdict]}{who}: {safe_text(override.reason)}")
    return lines


def _accepted_lines(state: SprintState) -> list[str]:
    if not state.accepted:
        return []
    lines = ["", "ACCEPTED RISKS"]
    for key, risk in sorted(state.accepted.items()):
        who = f" by {safe_text(risk.by)}" if risk.by else ""
        when = f" on {risk.at:%Y-%m-%d %H:%M} UTC" if risk.at else ""
        lines.append(f"  {safe_text(key)}: {safe_text(risk.reason)} (accepted{who}{when})")
    return lines


def item(args: argparse.Namespace) -> int:
    """Record one manual item; incomplete input (no evidence, reason, owner) is refused."""
    if args.item_id not in MANUAL_ITEM_IDS:
        raise UsageError(f"unknown manual item {args.item_id!r}; known: {', '.join(MANUAL_ITEM_IDS)}")
    sprint = load_sprint(args.config)
    expires = _expiry(args.expires) if args.action == "waive" else None

    def marked(state: SprintState) -> None:
        if args.action == "done":
            state.mark_done(args.item_id, args.evidence)
        elif args.action == "na":
            state.mark_na(args.item_id, args.reason)
        elif args.action == "waive" and expires is not None:
            state.mark_waived(args.item_id, args.reason, args.owner, expires)
        else:
            state.reopen(args.item_id)
        state.start_clock()

    state = update_state(sprint.state_dir, marked)
    print(f"{args.item_id}: {state.item(args.item_id).status}", file=sys.stderr)
    return EXIT_OK


def _expiry(text: str) -> date:
    """A waiver's end date; defaults to nothing, because a waiver must end on purpose."""
    if not text:
        raise UsageError("a waiver needs --expires YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--expires {text!r} is not a date like {date.today() + timedelta(days=7)}"
        ) from None


def decide(args: argparse.Namespace) -> int:
    """Record or clear an override of the launch decision."""
    sprint = load_sprint(args.config)
    if not args.clear and args.verdict is None:
        raise UsageError("give a verdict (ship-now, fix-first, delay-24h) with --reason, or --clear")

    def decided(state: SprintState) -> None:
        if args.clear:
            state.clear_override()
        else:
            state.set_override(args.verdict, args.reason, args.by)

    update_state(sprint.state_dir, decided)
    print("override cleared" if args.clear else f"override recorded: {args.verdict}", file=sys.stderr)
    return EXIT_OK


def accept_risk(args: argparse.Namespace) -> int:
    """Record or withdraw the acceptance of one finding ("check:finding"); a finding no check
    reports or honours is refused, and so is withdrawing one that was not accepted."""
    from launchwizard.checks.acceptance import check_acceptable

    sprint = load_sprint(args.config)
    if not args.clear:
        check_acceptable(sprint, args.risk)

    def accepted(state: SprintState) -> None:
        if not args.clear:
            state.accept_risk(args.risk, args.reason, args.by)
        elif args.risk in state.accepted:
            state.clear_risk(args.risk)
        else:
            raise InvalidChange(f"{args.risk} is not accepted, so there is nothing to withdraw")

    update_state(sprint.state_dir, accepted)
    print(f"{args.risk}: {'acceptance withdrawn' if args.clear else 'risk accepted'}", file=sys.stderr)
    return EXIT_OK
