"""The sprint itself: its seven stages and the four phases of the 48-hour clock (DESIGN §2)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    """One stage of the sprint; its id names a screen and a `--stage` value."""

    id: str
    title: str
    purpose: str


STAGES: tuple[Stage, ...] = (
    Stage("audit", "Quick audit", "ranked risk list and a launch decision"),
    Stage("core", "Core path repair", "landing page, chat widget and chat response stable"),
    Stage("edge", "Edge hardening", "CDN/WAF, rate limits, CORS, forced HTTPS, subdomains"),
    Stage("email", "Email and identity safety", "SPF, DKIM, DMARC, real message verification"),
    Stage("perf", "Performance guardrails", "latency, timeouts, cache, bundle, prompt injection"),
    Stage("deploy", "Production deployment", "env per environment, secrets, smoke tests, rollback"),
    Stage("handover", "Handover and monitoring", "alerts, monitors, access and the handover pack"),
)

STAGE_IDS: tuple[str, ...] = tuple(stage.id for stage in STAGES)


@dataclass(frozen=True)
class Phase:
    """A span of the 48-hour clock and what it is for."""

    start_hour: int
    end_hour: int
    name: str
    purpose: str


PHASES: tuple[Phase, ...] = (
    Phase(0, 8, "audit", "audit access, DNS, SSL, email and the deploy path"),
    Phase(8, 24, "fix", "fix blockers, lock down secrets, verify production config"),
    Phase(24, 36, "harden", "harden the edge, test redirects, confirm uptime monitors"),
    Phase(36, 48, "ship", "ship, verify alerts, hand over"),
)


def phase_at(hours_elapsed: float) -> Phase:
    """The phase the clock is in; past hour 48 the sprint stays in its last phase."""
    for phase in PHASES:
        if hours_elapsed < phase.end_hour:
            return phase
    return PHASES[-1]


@dataclass(frozen=True)
class ManualItem:
    """A launch item no probe can establish; the operator confirms it with evidence."""

    id: str
    stage: str
    title: str
    why: str


MANUAL_ITEMS: tuple[ManualItem, ...] = (
    ManualItem(
        "dmarc-reports-monitored",
        "email",
        "DMARC aggregate reports are read by someone",
        "without a reader, spoofing and broken senders go unnoticed",
    ),
    ManualItem(
        "secrets-rotated",
        "deploy",
        "Secrets rotated where they were ever exposed",
        "a key that was in a repository, bundle or log must be assumed stolen",
    ),
    ManualItem(
        "build-from-scratch",
        "deploy",
        "Production builds from scratch in CI",
        "a build that only works on one laptop cannot be fixed at 3 a.m. by someone else",
    ),
    ManualItem(
        "rollback-tested",
        "deploy",
        "Rollback tested once, end to end",
        "an untested rollback is a guess made under pressure",
    ),
    ManualItem(
        "release-notes-written",
        "deploy",
        "Release notes written for this launch",
        "support and the founder need to know what changed and what to watch",
    ),
    ManualItem(
        "uptime-two-regions",
        "handover",
        "Uptime monitor checks from two regions",
        "one probe location cannot tell an outage from its own network trouble",
    ),
    ManualItem(
        "alerts-routed",
        "handover",
        "Alerts reach the people on call",
        "an alert nobody receives is the same as no alert",
    ),
)

MANUAL_ITEM_IDS: tuple[str, ...] = tuple(item.id for item in MANUAL_ITEMS)
