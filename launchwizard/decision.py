"""Risk ranking and the launch decision: ship now, fix first, or delay 24 hours.

The rule, applied in order (the first that matches decides):

1. **delay-24h** when any finding with severity `critical` failed, or more than
   `MAX_HIGH_FAILS_TO_FIX` `high` findings failed: too much to fix and re-verify safely
   before launch.
2. **fix-first** when any `high` finding failed, or a `critical`/`high` check ended in
   `error` (it could not be verified, so it cannot be called safe).
3. **ship-now** otherwise; warnings and lower-severity failures are listed as follow-ups.

The reasons name every finding that drove the verdict, so the decision can be checked
against the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from launchwizard.results import Result, Severity, Status

MAX_HIGH_FAILS_TO_FIX = 3

SHIP_NOW = "ship-now"
FIX_FIRST = "fix-first"
DELAY_24H = "delay-24h"

STATUS_WEIGHT = {Status.FAIL: 3, Status.ERROR: 2, Status.WARN: 1}
BLOCKING = (Severity.CRITICAL, Severity.HIGH)


@dataclass
class Decision:
    """The verdict and the findings that drove it."""

    verdict: str
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "reasons": list(self.reasons)}


def impact(result: Result) -> int:
    """Status weight times severity rank: a failed critical outranks a warned high."""
    return STATUS_WEIGHT.get(result.status, 0) * result.severity.rank


def rank_risks(results: Iterable[Result]) -> list[Result]:
    """Failed, errored and warned results, worst first; ties keep check and target order."""
    risky = [r for r in results if r.status in STATUS_WEIGHT]
    return sorted(risky, key=lambda r: (-impact(r), -r.severity.rank, r.check, r.target))


def _line(result: Result) -> str:
    return f"{result.status} {result.severity}: {result.check} on {result.target}: {result.summary}"


def decide(results: Iterable[Result]) -> Decision:
    """Apply the documented rule to a run's results."""
    ranked = rank_risks(results)
    critical_fails = [r for r in ranked if r.status is Status.FAIL and r.severity is Severity.CRITICAL]
    high_fails = [r for r in ranked if r.status is Status.FAIL and r.severity is Severity.HIGH]
    unverified = [r for r in ranked if r.status is Status.ERROR and r.severity in BLOCKING]
    if critical_fails or len(high_fails) > MAX_HIGH_FAILS_TO_FIX:
        reasons = [_line(r) for r in critical_fails]
        if len(high_fails) > MAX_HIGH_FAILS_TO_FIX:
            reasons.append(
                f"{len(high_fails)} high-severity failures (more than {MAX_HIGH_FAILS_TO_FIX} "
                "cannot be fixed and re-verified safely before launch)"
            )
            reasons += [_line(r) for r in high_fails]
        return Decision(DELAY_24H, reasons)
    if high_fails or unverified:
        reasons = [_line(r) for r in high_fails]
        reasons += [f"could not verify: {_line(r)}" for r in unverified]
        return Decision(FIX_FIRST, reasons)
    follow_ups = [f"follow-up: {_line(r)}" for r in ranked]
    return Decision(SHIP_NOW, ["no critical or high-severity finding failed", *follow_ups])


AUDIT_STAGE = "audit"
AWAITING_AUDIT = "the quick audit (stage 1) has not run, and ship now cannot be called without it"


def awaits_audit(decision: Decision, results: Iterable[Result]) -> bool:
    """True when the rule says ship now but no quick-audit check has run.

    More checks can only make the verdict worse, so fix first and delay 24 hours stand on
    whatever ran; ship now, as the sprint's verdict, needs the audit's sweep behind it. A
    single run (`check --stage edge`) keeps its own verdict: this is for the sprint views.
    """
    audited = any(r.stage == AUDIT_STAGE and r.status is not Status.SKIPPED for r in results)
    return decision.verdict == SHIP_NOW and not audited
