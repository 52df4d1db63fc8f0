"""The async runner: every selected check on every target at once, bounded, never raising.

The TUI and the headless CLI observe the same runner through the Observer protocol, so a
progress table and a CI log see the same events in the same order.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from launchwizard.checks.base import CheckContext, CheckSpec
from launchwizard.config.derived import cloudflare_zone, homepage_url
from launchwizard.decision import Decision, decide, rank_risks
from launchwizard.results import Result, Status

if TYPE_CHECKING:
    from launchwizard.config import Sprint
    from launchwizard.net import Net
    from launchwizard.secrets.redaction import Redactor

SCHEMA = "launchwizard.run/1"
log = logging.getLogger("launchwizard.runner")


@dataclass(frozen=True)
class Unit:
    """One check on one target: the unit of scheduling, progress and failure."""

    spec: CheckSpec
    target: str

    @property
    def key(self) -> str:
        return f"{self.spec.id}@{self.target}"


class Observer(Protocol):
    """Receives progress; called on the runner's event loop, so it must not block."""

    def unit_started(self, unit: Unit) -> None: ...

    def unit_finished(self, unit: Unit, results: list[Result]) -> None: ...


@dataclass
class RunReport:
    """A finished run: results in registry order, ranked risks and the decision."""

    results: list[Result]
    started_at: str
    duration_ms: int
    risks: list[Result] = field(default_factory=list)
    decision: Decision = field(default_factory=lambda: Decision("ship-now"))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "started_at": self.started_at,
            "duration_ms": self.duration_ms,
            "results": [r.to_json() for r in self.results],
            "risks": [r.to_json() for r in self.risks],
            "decision": self.decision.to_json(),
        }


def _default_net(config: Any) -> Net:
    """The real network layer, imported only when checks run (the wizard starts faster)."""
    from launchwizard.net import Net

    return Net(config)


def mail_domain(sprint: Sprint) -> str:
    """The domain the email checks are about: `[email] domain`, else the apex."""
    return (sprint.email.domain or sprint.apex).rstrip(".").lower()


def site_host(sprint: Sprint) -> str:
    """The host of the homepage: the target of checks about what the site serves."""
    return (urlsplit(homepage_url(sprint)).hostname or sprint.apex).rstrip(".").lower()


def repo_target(sprint: Sprint) -> str:
    """The label of the product repository in results: its directory name, or "repo"."""
    if sprint.repo is None:
        return "repo"
    return sprint.repo.resolve().name or "repo"


LOGS_TARGET = "logs"
ALERTS_TARGET = "alerts"


def probe_host(sprint: Sprint, endpoint: str | None) -> str:
    """The host an active probe's endpoint lives on; the apex when none is configured."""
    chosen = sprint.endpoints.get(endpoint or "")
    if chosen is None:
        return sprint.apex
    return (urlsplit(chosen.url).hostname or sprint.apex).rstrip(".").lower()


def scope_targets(sprint: Sprint, scope: str) -> tuple[str, ...]:
    """What a check of this scope runs on."""
    targets = {
        "host": lambda: (*sprint.hosts, *sprint.not_audited),
        "email": lambda: (mail_domain(sprint),),
        "site": lambda: (site_host(sprint),),
        "repo": lambda: (repo_target(sprint),),
        "logs": lambda: (LOGS_TARGET,),
        "alerts": lambda: (ALERTS_TARGET,),
        "ratelimit": lambda: (probe_host(sprint, sprint.probes.ratelimit.endpoint),),
        "injection": lambda: (probe_host(sprint, sprint.probes.injection.endpoint),),
        "eval": lambda: (probe_host(sprint, sprint.probes.eval.endpoint),),
        "cloudflare": lambda: (cloudflare_zone(sprint),),
    }
    return targets.get(scope, lambda: (sprint.apex,))()


def sprint_targets(sprint: Sprint) -> tuple[str, ...]:
    """Every target any check of this sprint can report on (to filter saved results)."""
    return tuple(
        dict.fromkeys(
            (
                *sprint.hosts,
                *sprint.not_audited,
                sprint.apex,
                mail_domain(sprint),
                site_host(sprint),
                repo_target(sprint),
                LOGS_TARGET,
                ALERTS_TARGET,
                probe_host(sprint, sprint.probes.ratelimit.endpoint),
                probe_host(sprint, sprint.probes.injection.endpoint),
                probe_host(sprint, sprint.probes.eval.endpoint),
                cloudflare_zone(sprint),
            )
        )
    )


def _redactor_for(sprint: Sprint) -> Redactor:
    """The run's one redaction pass; the injection probe's canaries are markers of data that
    must never be quoted whole (another tenant's ticket, the system prompt)."""
    from launchwizard.secrets.redaction import Redactor

    return Redactor(markers=sprint.probes.injection.canaries)
def not_covered(ctx: CheckContext) -> Result:
    """The row an opted-out apex or www name gets from every host check: the report says
    what is not known about it instead of leaving it out."""
    return ctx.result(
        Status.SKIPPED,
        f"{ctx.target} is not audited ([domains] not_audited): {ctx.spec.title.lower()} is not known for it",
        evidence={"not_audited": True},
        fix=f"remove {ctx.target} from [domains] not_audited in sprint.toml to audit it",
    )


def plan(sprint: Sprint, specs: Sequence[CheckSpec]) -> list[Unit]:
    """Fan each check out over its targets, in registry order then host order."""
    return [Unit(spec, target) for spec in specs for target in scope_targets(sprint, spec.scope)]


class Runner:
    """Run units concurrently under a global and a per-target bound, with deadlines."""

    def __init__(
        self,
        sprint: Sprint,
        specs: Sequence[CheckSpec],
        *,
        observer: Observer | None = None,
        net_factory: Callable[[Any], Net] | None = None,
        units: Sequence[Unit] | None = None,
        secret_lookup: Callable[[str], str | None] | None = None,
    ) -> None:
        """`units`, when given, replaces the plan of `specs`: the wizard re-runs one check on
        one target without re-running it on every host. `secret_lookup` reads the store for
        the checks that need a secret (the alert webhook)."""
        self.sprint = sprint
        self.units = list(units) if units is not None else plan(sprint, specs)
        self.observer = observer
        self._net_factory = net_factory or _default_net
        self._secret_lookup = secret_lookup
        self._redactor = _redactor_for(sprint)
        self._global = asyncio.Semaphore(sprint.network.concurrency)
        self._per_target: dict[str, asyncio.Semaphore] = {}

    def deadline_for(self, spec: CheckSpec) -> float:
        """Seconds a unit may take: its own budget, else one request's hard stop per round trip
        plus one network timeout for slack."""
        if spec.deadline is not None:
            return spec.deadline(self.sprint)
        if spec.budget_s is not None:
            return spec.budget_s
        from launchwizard.net.http import hard_stop_s

        timeout = self.sprint.network.timeout_s
        return spec.round_trips * hard_stop_s(timeout) + timeout

    async def run(self) -> RunReport:
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        started = time.perf_counter()
        self._redactor.prepare()
        async with self._net_factory(self.sprint.network) as net:
            batches = await asyncio.gather(*(self._run_unit(u, net) for u in self.units))
        results = [r for batch in batches for r in batch]
        return RunReport(
            results=results,
            started_at=started_at,
            duration_ms=int((time.perf_counter() - started) * 1000),
            risks=rank_risks(results),
            decision=decide(results),
        )

    async def _run_unit(self, unit: Unit, net: Net) -> list[Result]:
        bound = self._per_target.setdefault(unit.target, asyncio.Semaphore(self.sprint.network.per_host))
        async with bound, self._global:
            if self.observer is not None:
                self.observer.unit_started(unit)
            started = time.perf_counter()
            results = [self._redactor.result(r) for r in await self._guarded(unit, net)]
            elapsed = int((time.perf_counter() - started) * 1000)
            for result in results:
                result.duration_ms = result.duration_ms or elapsed
            if self.observer is not None:
                self.observer.unit_finished(unit, results)
            return results

    def _remembering_lookup(self, name: str) -> str | None:
        """The store lookup checks get: every secret it hands out is redacted from every result."""
        assert self._secret_lookup is not None
        value = self._secret_lookup(name)
        self._redactor.remember(value)
        return value

    async def _guarded(self, unit: Unit, net: Net) -> list[Result]:
        """Run one unit; a timeout or any exception becomes an `error` result with a reason."""
        lookup = self._remembering_lookup if self._secret_lookup is not None else None
        ctx = CheckContext(self.sprint, net, unit.spec, unit.target, secret=lookup)
        if unit.spec.scope == "host" and unit.target in self.sprint.not_audited:
            return [not_covered(ctx)]
        deadline = self.deadline_for(unit.spec)
        try:
            async with asyncio.timeout(deadline):
                results = await unit.spec.run(ctx)
        except TimeoutError:
            return [ctx.result(Status.ERROR, f"did not finish within {deadline:g} s")]
        except Exception as exc:
            log.debug("check %s crashed", unit.key, exc_info=True)
            reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
            return [ctx.result(Status.ERROR, f"internal error: {type(exc).__name__} {reason}".strip())]
        if not results:
            return [ctx.result(Status.SKIPPED, "nothing to check for this target")]
        return results
