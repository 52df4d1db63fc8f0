"""The pack's views of the customers' evaluation set (risks.md) and of monitoring from two
regions (monitoring.md and the "uptime monitor from two regions" checklist item)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launchwizard.config import Sprint
    from launchwizard.report.pack_run import RunView
    from launchwizard.state.model import SprintState

EVAL_CHECK = "ai.eval"
TWO_REGIONS_FORMAT = "checkly"
EXPORT_COMMAND = "launchwizard monitors export --format checkly --output checkly/"


@dataclass(frozen=True)
class EvalRowView:
    """One prompt of the evaluation set that did not simply pass."""

    prompt: str
    description: str
    verdict: str
    regression: bool
    failed: str
    accepted_reason: str
    accepted_by: str


@dataclass(frozen=True)
class CustomerEvalView:
    """The latest ai.eval result that graded prompts: pass rate, regressions, accepted failures."""

    target: str
    summary: str
    status: str
    pass_rate: float | None
    pass_pct: float
    counts: dict[str, int]
    previous_run: str
    regressions: tuple[EvalRowView, ...]
    failing: tuple[EvalRowView, ...]
    accepted: tuple[EvalRowView, ...]
    link: str


@dataclass(frozen=True)
class TwoRegionsView:
    """The regions every Checkly monitor runs from, and the export that covers them (if any)."""

    regions: tuple[str, ...]
    export_path: str
    export_at: str


def customer_eval(run: RunView | None, pass_pct: float) -> CustomerEvalView | None:
    """The latest ai.eval result with graded prompts (None: none ran)."""
    for result in run.results if run is not None else ():
        if result.check != EVAL_CHECK or not isinstance(result.evidence, dict):
            continue
        rows = [_row(row) for row in result.evidence.get("cases") or [] if isinstance(row, dict)]
        if not rows:
            continue
        rate = result.evidence.get("pass_rate")
        counts = result.evidence.get("counts")
        return CustomerEvalView(
            target=result.target,
            summary=result.summary,
            status=result.status,
            pass_rate=float(rate) if isinstance(rate, int | float) else None,
            pass_pct=float(result.evidence.get("pass_pct") or pass_pct),
            counts={str(k): int(v) for k, v in counts.items()} if isinstance(counts, dict) else {},
            previous_run=str(result.evidence.get("previous_run") or ""),
            regressions=tuple(row for row in rows if row.regression),
            failing=tuple(row for row in rows if row.verdict in ("fail", "error") and not row.regression),
            accepted=tuple(row for row in rows if row.verdict == "accepted"),
            link=result.link,
        )
    return None


def _row(row: dict[str, Any]) -> EvalRowView:
    accepted = row.get("accepted")
    if not isinstance(accepted, dict):
        accepted = {}
    return EvalRowView(
        prompt=str(row.get("prompt", "")),
        description=str(row.get("description", "")),
        verdict=str(row.get("verdict", "")),
        regression=bool(row.get("regression")),
        failed=str(row.get("failed") or ""),
        accepted_reason=str(accepted.get("reason", "")),
        accepted_by=str(accepted.get("by", "")),
    )


def two_regions(sprint: Sprint, state: SprintState, stamp: Any) -> TwoRegionsView:
    """`stamp` formats the export's time the way the rest of the pack does."""
    export = state.monitor_exports.get(TWO_REGIONS_FORMAT)
    return TwoRegionsView(
        regions=sprint.monitors.regions,
        export_path=export.path if export is not None else "",
        export_at=stamp(export.at) if export is not None and export.at else "",
    )
