"""What the pack templates see: PackInput turned into plain views, built once.

The templates only format; every decision about content (which verdict is announced,
whether a waiver has run out at the moment of export, what a secret field may say) is
made here, where it is typed and tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from launchwizard.config import Sprint
from launchwizard.decision import AWAITING_AUDIT
from launchwizard.rdap.facts import SECTION as REGISTRY_SECTION
from launchwizard.rdap.facts import RegistryFacts, registry_facts
from launchwizard.report.pack_eval import EXPORT_COMMAND, customer_eval, two_regions
from launchwizard.report.pack_run import (
    RESULTS_ANCHOR,
    build_run,
    format_stamp,
    rule_verdict,
    verdict_label,
)
from launchwizard.report.pack_views import (
    AcceptedView,
    AiEvalView,
    ClockView,
    CloudflareAccessView,
    CodeEnvView,
    CodeVariable,
    DecisionView,
    EnvRow,
    EnvTable,
    ExportView,
    ExposedSecret,
    FieldCtx,
    HandoverView,
    ItemView,
    MonitorView,
    OverrideView,
    PackFile,
    PermissionRow,
    PromptRow,
    RunView,
    SectionCtx,
    StageView,
    VerdictView,
)
from launchwizard.safe.markdown import anchor_id
from launchwizard.sprint import MANUAL_ITEMS, STAGES, ManualItem
from launchwizard.state.model import SPRINT_HOURS, ItemState, SprintState
from launchwizard.store.view import FieldView, SectionView, StoreView, handover_details

PACK_FILES: tuple[PackFile, ...] = (
    PackFile("index", "README.md.j2", "README.md", "Handover pack", "decision, sprint clock, contents"),
    PackFile("risks", "risks.md.j2", "risks.md", "Risk register", "ranked findings with their fixes"),
    PackFile(
        "access",
        "access.md.j2",
        "access.md",
        "Access inventory",
        "who holds each account, where secrets live",
    ),
    PackFile(
        "environment", "environment.md.j2", "environment.md", "Environment variables", "per environment"
    ),
    PackFile("rotation", "rotation.md.j2", "rotation.md", "Secret rotation notes", "what to rotate, how"),
    PackFile(
        "monitoring", "monitoring.md.j2", "monitoring.md", "Monitoring and alert routes", "monitors, alerts"
    ),
    PackFile("rollback", "rollback.md.j2", "rollback.md", "Rollback runbook", "steps to undo a release"),
    PackFile(
        "release", "release-notes.md.j2", "release-notes.md", "Release notes", "what this launch changes"
    ),
    PackFile("contacts", "contacts.md.j2", "contacts.md", "Support contacts", "who to call"),
    PackFile(
        "checklist", "checklist.md.j2", "checklist.md", "Manual items and waivers", "open items, waivers"
    ),
    PackFile(
        "changes",
        "changes.md.j2",
        "changes.md",
        "Changes",
        "the current picture against the one before the newest run: fixed, new, still failing",
    ),
    PackFile(
        "evidence", "evidence.md.j2", "evidence.md", "Check evidence", "the latest result of every check"
    ),
)
FILES = {f.key: f for f in PACK_FILES}
SECTION_KINDS = ("access", "contacts", "environments", "rotation", "monitoring", "rollback", "release")
ITEM_LABELS = {"todo": "To do", "done": "Done", "na": "Not applicable", "waived": "Waived"}
NOT_CAPTURED = "not captured"
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


@dataclass
class PackInput:
    """Everything a pack is made from; `now` is passed in so a pack is reproducible."""

    sprint: Sprint
    state: SprintState
    run: dict[str, Any] | None
    store: StoreView
    now: datetime
    notes: list[str] = field(default_factory=list)


def utc(moment: datetime) -> datetime:
    """A naive datetime is taken to be UTC, as everything launchwizard records is."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


TWO_REGIONS_ITEM = "uptime-two-regions"


def build_context(pack: PackInput) -> dict[str, Any]:
    """The template context; `notes` gathers the inputs' problems for the index."""
    notes = list(pack.notes)
    now = utc(pack.now)
    run = build_run(pack.run, FILES["evidence"].output, notes) if pack.run is not None else None
    regions = two_regions(pack.sprint, pack.state, lambda at: format_stamp(utc(at).isoformat()))
    items = tuple(
        replace(item, covered_by=regions.export_path, cover_command=EXPORT_COMMAND)
        if item.id == TWO_REGIONS_ITEM
        else item
        for item in _items(pack.state, now)
    )
    return {
        "client": pack.sprint.client,
        "canonical": pack.sprint.canonical,
        "apex": pack.sprint.apex,
        "hosts": pack.sprint.hosts,
        "not_audited": pack.sprint.not_audited,
        "generated": format_stamp(now.isoformat()),
        "clock": _clock(pack.state, now),
        "stages": _stages(pack.state),
        "decision": _decision(pack, run),
        "run": run,
        "results_link": f"{FILES['evidence'].output}#{RESULTS_ANCHOR}",
        "notes": notes,
        **_sections(pack.store, _registry(pack)),
        "env_table": _env_table(pack.sprint),
        "exposed": exposed_secrets(run),
        "code_env": code_env(run),
        "accepted": _accepted(pack.state, run),
        "handover": _handover(pack.store),
        "monitors": _monitors(pack.sprint),
        "monitor_exports": _exports(pack.state),
        "alert_route": _alert_route(pack.store),
        "ai_eval": ai_eval(run),
        "customer_eval": customer_eval(run, pack.sprint.probes.eval.pass_pct),
        "two_regions": regions,
        "two_regions_command": EXPORT_COMMAND,
        "cloudflare": cloudflare_access(run),
        "items": items,
        "items_by_id": {item.id: item for item in items},
        "files": FILES,
        "toc": PACK_FILES[1:],
    }


def _clock(state: SprintState, now: datetime) -> ClockView:
    phase = state.phase(now)
    hour = int(state.hours_elapsed(now))
    started = format_stamp(utc(state.started_at).isoformat()) if state.started_at else None
    return ClockView(
        started=started,
        hour=hour,
        total=SPRINT_HOURS,
        phase=phase.name,
        phase_start=phase.start_hour,
        phase_end=phase.end_hour,
        phase_purpose=phase.purpose,
        over=started is not None and hour >= SPRINT_HOURS,
    )


def _stages(state: SprintState) -> tuple[StageView, ...]:
    return tuple(
        StageView(stage.id, stage.title, state.stages[stage.id].status if stage.id in state.stages else "")
        for stage in STAGES
    )


def _decision(pack: PackInput, run: RunView | None) -> DecisionView:
    """The override, when one is set, is the decision; the rule's verdict stays beside it."""
    awaiting = AWAITING_AUDIT if pack.run is not None and pack.run.get("awaiting_audit") else ""
    rule = rule_verdict(pack.run) if pack.run is not None and run is not None and not awaiting else None
    override = pack.state.override
    if override is None:
        return DecisionView(final=rule, override=None, rule=rule, awaiting=awaiting)
    shown = OverrideView(
        verdict=override.verdict,
        label=verdict_label(override.verdict),
        reason=override.reason,
        by=override.by,
        at=format_stamp(utc(override.at).isoformat()) if override.at else "",
    )
    final = VerdictView(override.verdict, shown.label, (override.reason,))
    return DecisionView(final=final, override=shown, rule=rule, awaiting=awaiting)


def _registry(pack: PackInput) -> RegistryFacts | None:
    """What the registry said about the apex in the latest registrar results, if anything."""
    results = pack.run.get("results") if pack.run is not None else None
    if not isinstance(results, list):
        return None
    return registry_facts([r for r in results if isinstance(r, dict)], pack.sprint.apex)


def _sections(store: StoreView, registry: RegistryFacts | None) -> dict[str, tuple[SectionCtx, ...]]:
    """Store sections by the pack file that shows them; unknown kinds go to `other`."""
    grouped: dict[str, tuple[SectionCtx, ...]] = {
        kind: tuple(_section(s, registry) for s in store.of_kind(kind)) for kind in SECTION_KINDS
    }
    grouped["other"] = tuple(_section(s, registry) for s in store.sections if s.kind not in SECTION_KINDS)
    return {f"{kind}_sections": sections for kind, sections in grouped.items()}


def _section(section: SectionView, registry: RegistryFacts | None) -> SectionCtx:
    """A section for the page; the registrar's fields the operator left empty show the
    registry's value, marked as such, and the registry's whole answer follows them."""
    registry = registry if section.id == REGISTRY_SECTION else None
    prefill = registry.prefill() if registry is not None else {}
    return SectionCtx(
        id=section.id,
        title=section.title,
        kind=section.kind,
        anchor=anchor_id(section.kind, section.id),
        fields=tuple(_field(f, prefill.get(f.name.partition(".")[2])) for f in section.fields),
        registry=registry.rows() if registry is not None else (),
        registry_date=registry.retrieved_on if registry is not None else "",
        hint=section.hint,
    )


def _field(view: FieldView, registry_value: str | None = None) -> FieldCtx:
    """A field for the page. Secret fields go through `_secret_field`, which is given
    no value at all: even a view that wrongly carried one could not leak it. An empty
    field shows `registry_value` (marked with its source) when the registry knows it."""
    if view.secret:
        return _secret_field(view.label, view.is_set, view.location)
    value = (view.value or "").strip() if view.is_set else ""
    if not value and registry_value:
        return FieldCtx(view.label, registry_value, (), secret=False, captured=False)
    if not value:
        return FieldCtx(view.label, NOT_CAPTURED, (), secret=False, captured=False)
    lines = tuple(_BULLET.sub("", line).strip() for line in value.splitlines() if line.strip())
    return FieldCtx(view.label, value, lines if len(lines) > 1 else (), secret=False, captured=True)


def _secret_field(label: str, is_set: bool, location: str | None) -> FieldCtx:
    if not is_set:
        return FieldCtx(label, NOT_CAPTURED, (), secret=True, captured=False)
    where = location.strip() if location and location.strip() else "the store (location not recorded)"
    return FieldCtx(label, f"stored in {where}", (), secret=True, captured=True)


EXPOSURE_CHECKS = ("secrets.repo", "secrets.bundle", "logs.redaction", "config.env")


def exposed_secrets(run: RunView | None) -> tuple[ExposedSecret, ...]:
    """Every secret the scanning checks found, once per value, for the rotation notes.

    Publishable keys and personal data are left out: they are not rotated. The same value
    seen in history, a bundle and a log is one key to rotate, with all its places.
    """
    if run is None:
        return ()
    by_value: dict[str, ExposedSecret] = {}
    for result in run.results:
        if result.check not in EXPOSURE_CHECKS or not isinstance(result.evidence, dict):
            continue
        for item in result.evidence.get("findings") or []:
            if not _is_exposed_secret(item):
                continue
            key = str(item.get("secret_hash") or item["redacted"])
            place = _place(item)
            known = by_value.get(key)
            if known is None:
                by_value[key] = ExposedSecret(
                    provider=str(item.get("provider") or "—"),
                    title=str(item.get("title", item["rule"])),
                    redacted=str(item["redacted"]),
                    severity=str(item.get("severity", "")),
                    places=(place,),
                    link=result.link,
                )
            elif place not in known.places:
                by_value[key] = replace(known, places=(*known.places, place))
    return tuple(by_value.values())


def _monitors(sprint: Sprint) -> tuple[MonitorView, ...]:
    from launchwizard.monitoring.plan import duration, monitor_plan

    return tuple(
        MonitorView(
            m.name,
            m.url,
            duration(m.interval_s),
            m.failure_threshold,
            duration(m.timeout_s),
            duration(m.detection_s),
        )
        for m in monitor_plan(sprint)
    )


def _exports(state: SprintState) -> tuple[ExportView, ...]:
    return tuple(
        ExportView(fmt, export.path, format_stamp(utc(export.at).isoformat()) if export.at else "")
        for fmt, export in sorted(state.monitor_exports.items())
    )


def _alert_route(store: StoreView) -> str:
    """Who is alerted, as captured (monitors.alert_route), or "not captured"."""
    section = store.section("monitors")
    field = section.field("alert_route") if section is not None else None
    return field.value if field is not None and field.value else NOT_CAPTURED


def _accepted(state: SprintState, run: RunView | None) -> tuple[AcceptedView, ...]:
    return tuple(
        AcceptedView(
            key,
            risk.reason,
            risk.by,
            format_stamp(utc(risk.at).isoformat()) if risk.at else "",
            _acceptance_note(key, run),
        )
        for key, risk in sorted(state.accepted.items())
    )


ACCEPTANCE_NOTES = {
    "fail": "the latest result predates the acceptance: it still counts until the check runs again",
    "pass": "passes in the latest result",
}


def _acceptance_note(key: str, run: RunView | None) -> str:
    """What the check's latest result says about an accepted prompt ("" when it is counted
    as accepted there, or no result lists it)."""
    check, _, finding = key.partition(":")
    for result in run.results if run is not None else ():
        if result.check != check or not isinstance(result.evidence, dict):
            continue
        rows = result.evidence.get("prompts") or result.evidence.get("cases") or []
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("prompt") == finding:
                return ACCEPTANCE_NOTES.get(str(row.get("verdict")), "")
    return ""


def _handover(store: StoreView) -> HandoverView:
    details = handover_details(store)
    missing = tuple(d.sentence for d in details if not d.captured)
    return HandoverView(len(details) - len(missing), len(details), missing)


def ai_eval(run: RunView | None) -> AiEvalView | None:
    """The per-prompt table of the latest ai.injection result that ran prompts (None: none)."""
    if run is None:
        return None
    for result in run.results:
        if result.check != "ai.injection" or not isinstance(result.evidence, dict):
            continue
        rows = [row for row in result.evidence.get("prompts") or [] if isinstance(row, dict)]
        if rows:
            return AiEvalView(
                target=result.target,
                summary=result.summary,
                rows=tuple(
                    PromptRow(
                        str(row.get("prompt", "")),
                        str(row.get("owasp", "")),
                        str(row.get("category", "")),
                        str(row.get("verdict", "")),
                        str(row.get("detectors", "")),
                    )
                    for row in rows
                ),
                link=result.link,
            )
    return None


PERMISSION_USES = {
    "Zone: Read": "every cloudflare check (finding the zone)",
    "Zone Settings: Read": (
        "cloudflare.tls, development mode (cloudflare.zone), security level (cloudflare.waf)"
    ),
    "DNS: Read": "cloudflare.dns (records, DNSSEC)",
    "Zone WAF: Read": "cloudflare.waf (managed rules), cloudflare.ratelimit",
}
STATE_RANK = {"not tested": 0, "refused": 1, "verified": 2}
"""What one result learnt about a permission outranks what another did not get to try."""
PERMISSION_STATES = {
    "verified": "verified (a read that needs it succeeded)",
    "refused": "refused (403): add it to the token",
    "not tested": "not tested",
}


def cloudflare_access(run: RunView | None) -> CloudflareAccessView | None:
    """The token permissions the latest cloudflare.* results verified (None: none ran).

    A permission one result verified counts as verified, one refused as refused, whatever
    the others did not get to try; the evidence holds names and states, never the token.
    """
    results = [r for r in run.results if r.check.startswith("cloudflare.")] if run else []
    if not results:
        return None
    states: dict[str, str] = dict.fromkeys(PERMISSION_USES, "not tested")
    zone = account = token_status = ""
    for result in results:
        evidence = result.evidence if isinstance(result.evidence, dict) else {}
        zone = zone or str(evidence.get("zone") or "")
        account = account or str(evidence.get("account") or "")
        token = evidence.get("token")
        token_status = token_status or (str(token.get("status") or "") if isinstance(token, dict) else "")
        permissions = evidence.get("permissions")
        for name, state in (permissions if isinstance(permissions, dict) else {}).items():
            if str(name) in states and STATE_RANK.get(str(state), 0) > STATE_RANK[states[str(name)]]:
                states[str(name)] = str(state)
    rows = tuple(
        PermissionRow(name, PERMISSION_STATES.get(state, state), PERMISSION_USES[name])
        for name, state in states.items()
    )
    untested = all(state == "not tested" for state in states.values())
    note = next((r.summary for r in results if r.status in ("skipped", "error")), "") if untested else ""
    return CloudflareAccessView(zone or results[0].target, account, token_status, rows, note, results[0].link)


def code_env(run: RunView | None) -> CodeEnvView | None:
    """The variables the code reads, from the latest config.env result (None: not run)."""
    result = next((r for r in run.results if r.check == "config.env"), None) if run else None
    if result is None or not isinstance(result.evidence, dict):
        return None
    rows = [row for row in result.evidence.get("variables") or [] if isinstance(row, dict) and "name" in row]
    environments = tuple(dict.fromkeys(env for row in rows for env in row.get("environments") or {}))
    variables = tuple(
        CodeVariable(
            name=str(row["name"]),
            read_at=str(row.get("read_at") or ""),
            documented=bool(row.get("documented")),
            states=tuple(str((row.get("environments") or {}).get(env, "")) for env in environments),
        )
        for row in rows
    )
    problems = tuple(
        str(item["message"])
        for item in result.evidence.get("problems") or []
        if isinstance(item, dict) and "message" in item
    )
    return CodeEnvView(environments, variables, problems, result.link)


def _is_exposed_secret(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and "rule" in item
        and "redacted" in item
        and item.get("exposure", "secret") == "secret"
    )


def _place(item: dict[str, Any]) -> str:
    place = f"{item.get('path', '')}:{item.get('line', '')}"
    if item.get("commit"):
        place += f" (commit {str(item['commit'])[:12]})"
    return place


def _env_table(sprint: Sprint) -> EnvTable:
    """One row per variable, one column per environment, in sprint.toml's order."""
    names = tuple(sprint.environments)
    variables: list[str] = []
    for environment in sprint.environments.values():
        variables.extend(v for v in environment.variables if v not in variables)
    rows = tuple(EnvRow(v, tuple(v in sprint.environments[n].variables for n in names)) for v in variables)
    return EnvTable(names, rows)


def _items(state: SprintState, now: datetime) -> tuple[ItemView, ...]:
    """The sprint's manual items, then any recorded item this version does not know."""
    known = {item.id for item in MANUAL_ITEMS}
    unknown = [ManualItem(i, "", i, "") for i in sorted(state.items) if i not in known]
    return tuple(_item(item, state.item(item.id), now) for item in [*MANUAL_ITEMS, *unknown])


def _item(item: ManualItem, recorded: ItemState, now: datetime) -> ItemView:
    """Expiry is judged at `now` of the pack, so the same inputs always give the same pack."""
    expired = recorded.status == "waived" and recorded.expires is not None and recorded.expires < now.date()
    label = "Waiver expired" if expired else ITEM_LABELS.get(recorded.status, recorded.status)
    return ItemView(
        id=item.id,
        title=item.title,
        stage=item.stage,
        why=item.why,
        status=recorded.status,
        label=label,
        evidence=recorded.evidence,
        reason=recorded.reason,
        owner=recorded.owner,
        expires=recorded.expires.isoformat() if recorded.expires else "",
        updated=format_stamp(utc(recorded.updated_at).isoformat()) if recorded.updated_at else "",
        expired=expired,
        open=recorded.status == "todo" or expired,
        anchor=anchor_id("item", item.id),
    )
