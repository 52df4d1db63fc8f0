"""The sprint's own state: clock, stage status, manual items, decision override.

Plain data with validation at the edges: every way to change an item goes through a
function that refuses incomplete input (an N/A without a reason, a waiver without an
owner or expiry), so what is on disk is always something a person really confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from launchwizard.decision import DELAY_24H, FIX_FIRST, SHIP_NOW
from launchwizard.errors import UserError
from launchwizard.sprint import PHASES, Phase, phase_at

ITEM_STATUSES = ("todo", "done", "na", "waived")
STAGE_STATUSES = ("not-started", "in-progress", "done")
VERDICTS = (SHIP_NOW, FIX_FIRST, DELAY_24H)
SPRINT_HOURS = PHASES[-1].end_hour


class InvalidChange(UserError, ValueError):
    """A change the state refuses, with the reason in words."""


def now_utc() -> datetime:
    """Timestamps are whole seconds in UTC, so they read well in TOML and the pack."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class ItemState:
    """Where one manual item stands and what backs it."""

    status: str = "todo"
    evidence: str = ""
    reason: str = ""
    owner: str = ""
    expires: date | None = None
    updated_at: datetime | None = None

    @property
    def open(self) -> bool:
        """Still needs doing: todo, or a waiver that has run out."""
        if self.status == "todo":
            return True
        return self.status == "waived" and self.expires is not None and self.expires < now_utc().date()


@dataclass
class Override:
    """A decision the people in charge took against the rule, and why."""

    verdict: str
    reason: str
    by: str = ""
    at: datetime | None = None


@dataclass
class AcceptedRisk:
    """A finding the people in charge decided to live with (a prompt the bot fails, a false
    positive), and why: it stops counting against the launch and goes into the pack."""

    reason: str
    by: str = ""
    at: datetime | None = None


RISK_KEY_SEPARATOR = ":"
"""Accepted-risk keys are "check:finding", e.g. "ai.injection:extract-repeat"."""


@dataclass
class MonitorExport:
    """Where `launchwizard monitors export` wrote one format, and when (for the handover)."""

    path: str
    at: datetime | None = None


@dataclass
class StageState:
    status: str = "not-started"
    updated_at: datetime | None = None


@dataclass
class SprintState:
    """Everything the sprint has recorded that is not a secret and not a check run."""

    started_at: datetime | None = None
    stages: dict[str, StageState] = field(default_factory=dict)
    items: dict[str, ItemState] = field(default_factory=dict)
    override: Override | None = None
    accepted: dict[str, AcceptedRisk] = field(default_factory=dict)
    monitor_exports: dict[str, MonitorExport] = field(default_factory=dict)
    last_screen: str | None = None
    email_message: str | None = None
    """A received .eml picked in the wizard; it wins over `[email] message` for runs."""

    def start_clock(self, moment: datetime | None = None) -> None:
        """Start the 48-hour clock once; later calls keep the first start."""
        if self.started_at is None:
            self.started_at = moment or now_utc()

    def hours_elapsed(self, moment: datetime | None = None) -> float:
        if self.started_at is None:
            return 0.0
        return max(0.0, ((moment or now_utc()) - self.started_at).total_seconds() / 3600)

    def phase(self, moment: datetime | None = None) -> Phase:
        return phase_at(self.hours_elapsed(moment))

    def item(self, item_id: str) -> ItemState:
        return self.items.get(item_id, ItemState())

    def set_stage(self, stage: str, status: str) -> None:
        if status not in STAGE_STATUSES:
            raise InvalidChange(f"stage status must be one of {', '.join(STAGE_STATUSES)}")
        self.stages[stage] = StageState(status, now_utc())

    def mark_done(self, item_id: str, evidence: str) -> None:
        """Done needs evidence: a link, a screenshot path, a sentence of what was checked."""
        self.items[item_id] = ItemState(
            "done", evidence=_required(evidence, "evidence"), updated_at=now_utc()
        )

    def mark_na(self, item_id: str, reason: str) -> None:
        """N/A needs the reason it does not apply to this product."""
        self.items[item_id] = ItemState("na", reason=_required(reason, "a reason"), updated_at=now_utc())

    def mark_waived(self, item_id: str, reason: str, owner: str, expires: date) -> None:
        """A waiver is a debt: it needs why, who owns it and when it runs out."""
        if expires < now_utc().date():
            raise InvalidChange(f"the waiver expiry {expires.isoformat()} is already past")
        self.items[item_id] = ItemState(
            "waived",
            reason=_required(reason, "a reason"),
            owner=_required(owner, "an owner"),
            expires=expires,
            updated_at=now_utc(),
        )

    def reopen(self, item_id: str) -> None:
        self.items[item_id] = ItemState("todo", updated_at=now_utc())

    def set_override(self, verdict: str, reason: str, by: str = "") -> None:
        """Record a decision against the rule; the reason goes into the pack."""
        if verdict not in VERDICTS:
            raise InvalidChange(f"verdict must be one of {', '.join(VERDICTS)}")
        self.override = Override(verdict, _required(reason, "a reason"), by.strip(), now_utc())

    def clear_override(self) -> None:
        self.override = None

    def accept_risk(self, key: str, reason: str, by: str = "") -> None:
        """Accept one finding ("check:finding") with a reason; the pack lists it."""
        check, sep, finding = key.partition(RISK_KEY_SEPARATOR)
        if not sep or not check.strip() or not finding.strip():
            raise InvalidChange(
                f"a risk is named check:finding (like ai.injection:extract-repeat), not {key!r}"
            )
        self.accepted[key] = AcceptedRisk(_required(reason, "a reason"), by.strip(), now_utc())

    def clear_risk(self, key: str) -> None:
        self.accepted.pop(key, None)

    def accepted_for(self, check: str) -> dict[str, AcceptedRisk]:
        """The accepted findings of one check, by finding id."""
        prefix = check + RISK_KEY_SEPARATOR
        return {
            key.removeprefix(prefix): risk for key, risk in self.accepted.items() if key.startswith(prefix)
        }


def _required(text: str, what: str) -> str:
    value = text.strip()
    if not value:
        raise InvalidChange(f"{what} is required")
    return value
