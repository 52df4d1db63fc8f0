"""What a check is: a spec in the registry table and the context it runs with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from launchwizard.results import Result, Severity, Status

if TYPE_CHECKING:
    from launchwizard.config import Sprint
    from launchwizard.net import Net

Scope = Literal[
    "host", "apex", "email", "site", "repo", "logs", "ratelimit", "injection", "eval", "alerts", "cloudflare"
]
RunFn = Callable[["CheckContext"], Awaitable[list[Result]]]


@dataclass(frozen=True)
class CheckSpec:
    """One row of the registry table.

    `scope` says what the runner fans out over: "host" runs once per audited host
    (`[domains] hosts`, the apex and www.<apex>; an opted-out one gets a "not audited"
    row instead), "apex" once for the apex domain, "email" once for the mail domain
    (`[email] domain`, else the apex), "site" once for the homepage's host, "repo" once
    for the product repository (`[repo] path`), "logs" once for the `[logs]` files and
    "ratelimit", "injection" and "eval" once for the host of the endpoint `[probes.ratelimit]`,
    `[probes.injection]` or `[probes.eval]` may hit, "alerts" once for the alert channel,
    "cloudflare" once for the Cloudflare zone (`[cloudflare] zone`, else the apex).
    `round_trips` is how many sequential network round trips the check may need; with the
    network timeout it sets the check's deadline. `budget_s`, when set, is the deadline
    instead: checks that read local files and history are bounded by work, not by the
    network timeout. `deadline` computes it from the sprint for checks whose length the
    operator sets (an active probe paced at its configured rate).
    `why` says in one or two sentences what goes wrong for the product when the check
    fails; the wizard shows it beside every finding so a fix is never jargon alone.
    """

    id: str
    stage: str
    title: str
    severity: Severity
    scope: Scope
    run: RunFn
    references: tuple[str, ...] = ()
    round_trips: int = 4
    why: str = ""
    budget_s: float | None = None
    deadline: Callable[[Sprint], float] | None = None


@dataclass
class CheckContext:
    """Everything one check run needs: the sprint, the shared network layer and its target."""

    sprint: Sprint
    net: Net
    spec: CheckSpec
    target: str
    notes: dict[str, Any] = field(default_factory=dict)
    secret: Callable[[str], str | None] | None = None
    """Reads one secret of the store by name (monitor.alerts' webhook); None when the run has
    no store. It may raise UserError (a locked keyring) and may block, so call it in a thread."""

    def result(
        self,
        status: Status,
        summary: str,
        *,
        evidence: dict[str, Any] | None = None,
        fix: str = "",
        severity: Severity | None = None,
        references: list[str] | None = None,
        target: str | None = None,
        headline: str = "",
    ) -> Result:
        """A result of this check, with the registry's defaults filled in."""
        return Result(
            check=self.spec.id,
            stage=self.spec.stage,
            target=target or self.target,
            status=status,
            severity=severity or self.spec.severity,
            title=self.spec.title,
            summary=summary,
            evidence=evidence or {},
            fix=fix,
            references=list(references if references is not None else self.spec.references),
            headline=headline,
        )
