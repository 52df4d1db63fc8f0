"""The plain, frozen objects the pack templates read.

Templates get these instead of the raw run JSON, state and store, so a template cannot
reach a secret (the views carry none), a missing key in a hand-edited run file cannot
crash rendering, and every link to evidence is computed once, here, in one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PackFile:
    """One file of the pack: the template that makes it and what it is for."""

    key: str
    template: str
    output: str
    title: str
    description: str


@dataclass(frozen=True)
class ResultView:
    """One result of the latest run, with the anchor of its evidence entry."""

    check: str
    stage: str
    target: str
    status: str
    severity: str
    title: str
    summary: str
    fix: str
    references: tuple[str, ...]
    duration_ms: int
    evidence: Any
    anchor: str
    evidence_file: str
    headline: str = ""
    """What is wrong, for a finding's heading (the check's own, else its summary's first clause)."""

    @property
    def link(self) -> str:
        """Where this result's evidence is: the appendix entry."""
        return f"{self.evidence_file}#{self.anchor}"


@dataclass(frozen=True)
class RiskView:
    """A ranked finding of the risk register; `rank` starts at 1."""

    rank: int
    result: ResultView
    anchor: str


@dataclass(frozen=True)
class StageResults:
    """The results of one stage, in run order, for the appendix."""

    id: str
    title: str
    anchor: str
    results: tuple[ResultView, ...]


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int


@dataclass(frozen=True)
class DiffEntry:
    """A finding that changed (or did not) since the previous run."""

    check: str
    target: str
    status: str
    was: str
    summary: str
    link: str


@dataclass(frozen=True)
class DiffView:
    previous: str | None
    fixed: tuple[DiffEntry, ...]
    new: tuple[DiffEntry, ...]
    still_failing: tuple[DiffEntry, ...]


@dataclass(frozen=True)
class NewestRunView:
    """The newest saved run alone: when it started, how long it took, how many results it
    gave. Its numbers are never mixed with the picture's."""

    started_at: str
    duration_ms: int | None
    results: int


@dataclass(frozen=True)
class RunView:
    """The sprint's current picture: the latest result of every check and target across the
    saved runs (`merged_from` of them), compared (`diff`) with the picture before the newest."""

    started_at: str
    duration_ms: int | None
    results: tuple[ResultView, ...]
    by_stage: tuple[StageResults, ...]
    risks: tuple[RiskView, ...]
    counts: tuple[StatusCount, ...]
    diff: DiffView | None
    newest: NewestRunView
    merged_from: int = 1

    @property
    def partial(self) -> bool:
        """The newest run looked at only part of the picture (one check, one stage)."""
        return self.newest.results < len(self.results)


@dataclass(frozen=True)
class VerdictView:
    verdict: str
    label: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class OverrideView:
    verdict: str
    label: str
    reason: str
    by: str
    at: str


@dataclass(frozen=True)
class DecisionView:
    """The decision the pack announces: the override if one is set, else the rule's.

    `rule` is the verdict of the latest run (None without a run, or while `awaiting` says
    why ship now cannot be called yet); it is shown beside an override so a reader sees
    what the people in charge decided against."""

    final: VerdictView | None
    override: OverrideView | None
    rule: VerdictView | None
    awaiting: str = ""


@dataclass(frozen=True)
class ClockView:
    started: str | None
    hour: int
    total: int
    phase: str
    phase_start: int
    phase_end: int
    phase_purpose: str
    over: bool


@dataclass(frozen=True)
class StageView:
    id: str
    title: str
    status: str


@dataclass(frozen=True)
class FieldCtx:
    """A captured field as the pack shows it.

    For a secret, `text` is only where it is stored (or "not captured"): the view it comes
    from holds no value, and this object is built without ever reading one."""

    label: str
    text: str
    lines: tuple[str, ...]
    secret: bool
    captured: bool


@dataclass(frozen=True)
class SectionCtx:
    """A store section for the pack; the registrar's also carries what the registry says
    (`registry`: label and value rows, `registry_date`: when it was read)."""

    id: str
    title: str
    kind: str
    anchor: str
    fields: tuple[FieldCtx, ...]
    registry: tuple[tuple[str, str], ...] = ()
    registry_date: str = ""
    hint: str = ""


@dataclass(frozen=True)
class EnvRow:
    variable: str
    present: tuple[bool, ...]


@dataclass(frozen=True)
class EnvTable:
    environments: tuple[str, ...]
    rows: tuple[EnvRow, ...]


@dataclass(frozen=True)
class ItemView:
    """A manual item and where it stands at the moment the pack is made."""

    id: str
    title: str
    stage: str
    why: str
    status: str
    label: str
    evidence: str
    reason: str
    owner: str
    expires: str
    updated: str
    expired: bool
    open: bool
    anchor: str
    covered_by: str = ""
    """Where the export that covers the item was written ("uptime monitor from two regions")."""
    cover_command: str = ""
    """The command that would cover it, while nothing does."""


@dataclass(frozen=True)
class ExposedSecret:
    """A key a check found where others can read it: one row of the rotation list.

    Only the redacted form is here; `places` are where the same value was seen (a file
    and line, a commit, a script URL, a log file), `link` the evidence of the first one.
    """

    provider: str
    title: str
    redacted: str
    severity: str
    places: tuple[str, ...]
    link: str


@dataclass(frozen=True)
class CodeVariable:
    """One variable the code reads (config.env): where, whether documented, per environment."""

    name: str
    read_at: str
    documented: bool
    states: tuple[str, ...]


@dataclass(frozen=True)
class CodeEnvView:
    """What config.env found in the code, for the environment page; names only, no values."""

    environments: tuple[str, ...]
    variables: tuple[CodeVariable, ...]
    problems: tuple[str, ...]
    link: str


@dataclass(frozen=True)
class AcceptedView:
    """A finding the team accepted, with why, who and when (README.md and risks.md), and
    what its check's latest result makes of it (`note`, empty when it counts as accepted)."""

    key: str
    reason: str
    by: str
    at: str
    note: str = ""


@dataclass(frozen=True)
class HandoverView:
    """How many of the details a founder needs are captured, and which are missing."""

    captured: int
    total: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class PromptRow:
    """One prompt of the latest ai.injection run (risks.md, AI security)."""

    prompt: str
    owasp: str
    category: str
    verdict: str
    detectors: str


@dataclass(frozen=True)
class AiEvalView:
    """The latest prompt-injection evaluation: its rows and where its evidence is."""

    target: str
    summary: str
    rows: tuple[PromptRow, ...]
    link: str


@dataclass(frozen=True)
class MonitorView:
    """One planned uptime monitor as the monitoring page lists it."""

    name: str
    url: str
    interval: str
    alert_after: int
    timeout: str
    detection: str


@dataclass(frozen=True)
class ExportView:
    """Where one monitoring export was written, and when."""

    format: str
    path: str
    at: str


@dataclass(frozen=True)
class PermissionRow:
    """One permission of the Cloudflare API token and what the latest run learnt about it."""

    name: str
    state: str
    needed_by: str


@dataclass(frozen=True)
class CloudflareAccessView:
    """Which permissions of the read-only Cloudflare token were verified (never the token)."""

    zone: str
    account: str
    token_status: str
    permissions: tuple[PermissionRow, ...]
    note: str
    link: str
