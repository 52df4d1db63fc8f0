"""The latest saved run, read defensively into views for the pack.

A run file may be hand-edited or written by an older version, so nothing here trusts
its shape: a missing field becomes empty text, an entry that is not an object is left
out (and said so), and every result gets a unique anchor for its evidence entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from launchwizard.decision import decide, rank_risks
from launchwizard.report.pack_views import (
    DiffEntry,
    DiffView,
    NewestRunView,
    ResultView,
    RiskView,
    RunView,
    StageResults,
    StatusCount,
    VerdictView,
)
from launchwizard.results import Result, finding_headline
from launchwizard.safe.markdown import anchor_id
from launchwizard.sprint import STAGES

STATUS_ORDER = ("fail", "error", "warn", "pass", "skipped")
VERDICT_LABELS = {"ship-now": "Ship now", "fix-first": "Fix first", "delay-24h": "Delay 24 hours"}
RESULTS_ANCHOR = "results"


def verdict_label(verdict: str) -> str:
    """The verdict in words; an unknown verdict from a foreign run is shown as it is."""
    return VERDICT_LABELS.get(verdict, verdict)


def format_stamp(value: Any) -> str:
    """An ISO timestamp as `YYYY-MM-DD HH:MM UTC` when it parses, else as written."""
    text = "" if value is None else str(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.strftime("%Y-%m-%d %H:%M") + (" UTC" if _is_utc(moment) else moment.strftime(" %z"))


def _is_utc(moment: datetime) -> bool:
    offset = moment.utcoffset()
    return offset is None or offset.total_seconds() == 0


class _Anchors:
    """Unique evidence anchors, and a lookup from a finding back to its entry."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.exact: dict[tuple[str, str, str, str], str] = {}
        self.by_target: dict[tuple[str, str], str] = {}

    def assign(self, data: dict[str, Any]) -> str:
        base = anchor_id("ev", _text(data, "check"), _text(data, "target"))
        anchor, number = base, 1
        while anchor in self.used:
            number += 1
            anchor = f"{base}-{number}"
        self.used.add(anchor)
        self.exact.setdefault(_identity(data), anchor)
        self.by_target.setdefault((_text(data, "check"), _text(data, "target")), anchor)
        return anchor

    def find(self, data: dict[str, Any]) -> str:
        """The entry of a risk or diff entry; the results table when the run lacks it."""
        found = self.exact.get(_identity(data)) or self.by_target.get(
            (_text(data, "check"), _text(data, "target"))
        )
        return found or RESULTS_ANCHOR


def _identity(data: dict[str, Any]) -> tuple[str, str, str, str]:
    return (_text(data, "check"), _text(data, "target"), _text(data, "status"), _text(data, "summary"))


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _result_view(data: dict[str, Any], anchor: str, evidence_file: str) -> ResultView:
    references = data.get("references")
    headline = finding_headline(
        _text(data, "status"),
        _text(data, "headline"),
        _text(data, "summary"),
        _text(data, "title") or _text(data, "check"),
    )
    return ResultView(
        check=_text(data, "check"),
        stage=_text(data, "stage"),
        target=_text(data, "target"),
        status=_text(data, "status"),
        severity=_text(data, "severity"),
        title=_text(data, "title"),
        summary=_text(data, "summary"),
        fix=_text(data, "fix"),
        references=tuple(str(r) for r in references) if isinstance(references, list) else (),
        duration_ms=_int(data.get("duration_ms")) or 0,
        evidence=data.get("evidence") if data.get("evidence") is not None else {},
        anchor=anchor,
        evidence_file=evidence_file,
        headline=headline,
    )


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def build_run(run: dict[str, Any], evidence_file: str, notes: list[str]) -> RunView:
    """The run as the pack shows it; problems with its shape are appended to `notes`."""
    raw = run.get("results")
    raw_results: list[Any] = raw if isinstance(raw, list) else []
    results_data = _objects(raw_results)
    if len(results_data) != len(raw_results):
        notes.append(
            f"{len(raw_results) - len(results_data)} result(s) of the latest run are not "
            "objects and are left out of this pack."
        )
    anchors = _Anchors()
    results = tuple(_result_view(d, anchors.assign(d), evidence_file) for d in results_data)
    return RunView(
        started_at=format_stamp(run.get("started_at")),
        duration_ms=_int(run.get("duration_ms")),
        results=results,
        by_stage=_by_stage(results),
        risks=_risks(run, results_data, anchors, evidence_file),
        counts=_counts(results),
        diff=_diff(run.get("diff"), anchors, evidence_file),
        newest=_newest(run, len(results)),
        merged_from=max(1, _int(run.get("merged_from")) or 1),
    )


def _newest(run: dict[str, Any], picture_size: int) -> NewestRunView:
    """The newest run's own numbers; a plain run document (not merged) is its own newest."""
    raw = run.get("newest_run")
    newest = raw if isinstance(raw, dict) else run
    count = _int(newest.get("results")) if isinstance(raw, dict) else picture_size
    return NewestRunView(
        started_at=format_stamp(newest.get("started_at")),
        duration_ms=_int(newest.get("duration_ms")),
        results=max(0, count or 0),
    )


def _by_stage(results: tuple[ResultView, ...]) -> tuple[StageResults, ...]:
    """Sprint stages in order, then any stage this version does not know, by name."""
    titles = {stage.id: stage.title for stage in STAGES}
    known = [stage.id for stage in STAGES]
    extra = sorted({r.stage for r in results} - set(known))
    groups = []
    for stage_id in [*known, *extra]:
        members = tuple(r for r in results if r.stage == stage_id)
        if members:
            title = titles.get(stage_id, stage_id or "No stage")
            groups.append(StageResults(stage_id, title, anchor_id("stage", stage_id), members))
    return tuple(groups)


def _risks(
    run: dict[str, Any], results: list[dict[str, Any]], anchors: _Anchors, evidence_file: str
) -> tuple[RiskView, ...]:
    """The run's own ranking when it has one; otherwise ranked here by the same rule."""
    ranked = _objects(run.get("risks")) if "risks" in run else _rank(results)
    views = []
    for rank, data in enumerate(ranked, start=1):
        result = _result_view(data, anchors.find(data), evidence_file)
        views.append(RiskView(rank, result, f"risk-{rank}"))
    return tuple(views)


def _rank(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    parsed = _parse_results(results)
    return [r.to_json() for r in rank_risks(parsed)]


def _parse_results(results: Iterable[dict[str, Any]]) -> list[Result]:
    """Results that fit the contract; the others cannot be ranked or decided on."""
    parsed = []
    for data in results:
        try:
            parsed.append(Result.from_json(data))
        except (KeyError, ValueError, TypeError):
            continue
    return parsed


def _counts(results: tuple[ResultView, ...]) -> tuple[StatusCount, ...]:
    statuses = [*STATUS_ORDER, *sorted({r.status for r in results} - set(STATUS_ORDER))]
    counts = (StatusCount(s, sum(1 for r in results if r.status == s)) for s in statuses)
    return tuple(c for c in counts if c.count)


def _diff(raw: Any, anchors: _Anchors, evidence_file: str) -> DiffView | None:
    if not isinstance(raw, dict):
        return None

    def entries(key: str) -> tuple[DiffEntry, ...]:
        return tuple(_diff_entry(d, anchors, evidence_file) for d in _objects(raw.get(key)))

    previous = raw.get("previous")
    return DiffView(
        previous=format_stamp(previous) if previous else None,
        fixed=entries("fixed"),
        new=entries("new"),
        still_failing=entries("still_failing"),
    )


def _diff_entry(data: dict[str, Any], anchors: _Anchors, evidence_file: str) -> DiffEntry:
    return DiffEntry(
        check=_text(data, "check"),
        target=_text(data, "target"),
        status=_text(data, "status"),
        was=_text(data, "was"),
        summary=_text(data, "summary"),
        link=f"{evidence_file}#{anchors.find(data)}",
    )


def rule_verdict(run: dict[str, Any]) -> VerdictView:
    """The run's own decision; a run without one is decided here by the same rule."""
    raw = run.get("decision")
    if isinstance(raw, dict) and raw.get("verdict"):
        verdict = str(raw["verdict"])
        reasons = raw.get("reasons")
        listed = tuple(str(r) for r in reasons) if isinstance(reasons, list) else ()
        return VerdictView(verdict, verdict_label(verdict), listed)
    decision = decide(_parse_results(_objects(run.get("results"))))
    return VerdictView(decision.verdict, verdict_label(decision.verdict), tuple(decision.reasons))
