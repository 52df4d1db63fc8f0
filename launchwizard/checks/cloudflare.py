"""`cloudflare.zone`, `.tls`, `.dns`, `.waf`, `.ratelimit`: the zone's real configuration.

Read with the API token the consultant stored (`cloudflare.api_token`), GET requests only,
through the run's network layer. The five checks share one view of the account per run:
the token is read from the store once, verified once, the zone looked up once. What they
cannot read they say plainly: no token is `skipped` with the command that adds one, a zone
that is not on Cloudflare is `skipped`, a refused token or a missing permission is an
`error` that names it, and one check's 403 never stops the others.

`assigned_nameservers` is for registrar.delegation: the name servers Cloudflare assigned
to the zone, or the reason they could not be read.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from launchwizard.checks.base import CheckContext
from launchwizard.checks.cdn import zone_nameservers
from launchwizard.checks.edgefetch import first_response, home_chains
from launchwizard.cloudflare import fixes
from launchwizard.cloudflare.api import PERMISSIONS, ApiError, CloudflareApi
from launchwizard.cloudflare.grade import (
    Finding,
    Route,
    always_use_https,
    delegation,
    development_mode,
    dnssec,
    host_record,
    in_zone,
    managed_rules,
    min_tls_version,
    origin_exposures,
    problems,
    route_limit,
    rule_rows,
    security_level,
    ssl_mode,
    worst,
    zone_paused,
    zone_status,
)
from launchwizard.cloudflare.model import Setting, TokenStatus, Zone
from launchwizard.config.derived import cloudflare_zone
from launchwizard.edge.cdn import detect_edge
from launchwizard.errors import UserError
from launchwizard.results import Result, Severity, Status

if TYPE_CHECKING:
    from launchwizard.net import Net

TOKEN_FIELD = "cloudflare.api_token"
ADD_TOKEN = "launchwizard store set cloudflare.api_token --secret (the token on standard input)"
READ_ONLY_TOKEN = (
    "Create a read-only token: Cloudflare dashboard > My Profile > API Tokens > Create Token > Custom token "
    "with Zone: Read, Zone Settings: Read, DNS: Read and Zone WAF: Read, Zone Resources: the zone {zone}; "
    "then store it: " + ADD_TOKEN + "."
)
PUBLIC_ROUTES = ("login", "chat")
FIREWALL_PHASE = "http_request_firewall_managed"
RATELIMIT_PHASE = "http_ratelimit"
T = TypeVar("T")


@dataclass(frozen=True)
class Stop:
    """Why no cloudflare check can read the zone: the same verdict for all five."""

    status: Status
    summary: str
    fix: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Access:
    """The run's way into the zone: the API, the zone, and how the token was verified."""

    api: CloudflareApi
    zone: Zone
    token: TokenStatus | None
    note: str = ""

    @property
    def links(self) -> fixes.Api:
        return fixes.Api(self.api.root, self.zone.id)

    def evidence(self) -> dict[str, Any]:
        return {
            "zone": self.zone.name,
            "zone_id": self.zone.id,
            "account": self.zone.account_name,
            "plan": self.zone.plan,
            "token": {"status": self.token.status, "expires_on": self.token.expires_on} if self.token else {},
            "permissions": {name: self.api.permissions.get(name, "not tested") for name in PERMISSIONS},
        }


_RUNS: weakref.WeakKeyDictionary[Net, dict[tuple[str, str], asyncio.Task[Access | Stop]]] = (
    weakref.WeakKeyDictionary()
)
"""One Access per run (per Net) and zone, shared by the five checks."""


async def access(ctx: CheckContext) -> Access | Stop:
    """The run's Access to the sprint's zone, opened by the first check that asks."""
    key = (ctx.sprint.cloudflare.api_base, cloudflare_zone(ctx.sprint))
    tasks = _RUNS.setdefault(ctx.net, {})
    task = tasks.get(key)
    if task is None:
        task = asyncio.ensure_future(_open(ctx, key[1]))
        tasks[key] = task
    return await asyncio.shield(task)


async def _open(ctx: CheckContext, zone_name: str) -> Access | Stop:
    token = await _stored_token(ctx, zone_name)
    if isinstance(token, Stop):
        return token
    api = await CloudflareApi.open(
        ctx.net.http.transport,
        root=ctx.sprint.cloudflare.api_base,
        token=token,
        timeout_s=ctx.sprint.network.timeout_s,
        connect_url=ctx.net.http.effective_url,
    )
    verified, zone = await asyncio.gather(_attempt(api.verify_token()), _attempt(api.zone(zone_name)))
    refused = _refused_token(verified, zone, zone_name)
    if refused is not None:
        return refused
    if isinstance(zone, ApiError):
        return Stop(Status.ERROR, zone.reason, _permission_fix(zone, zone_name))
    if zone is None:
        return await _not_found(ctx, zone_name)
    if isinstance(verified, ApiError):
        return await _account_token(api, zone, verified)
    return Access(api, zone, verified)


async def _attempt(call: Awaitable[T]) -> T | ApiError:
    try:
        return await call
    except ApiError as exc:
        return exc


async def _stored_token(ctx: CheckContext, zone_name: str) -> str | Stop:
    """The token from the store, read once (off the event loop: a keyring may block)."""
    fix = READ_ONLY_TOKEN.format(zone=zone_name)
    if ctx.secret is None:
        return Stop(Status.SKIPPED, "no Cloudflare API token: this run has no access to the store", fix)
    try:
        token = await asyncio.to_thread(ctx.secret, TOKEN_FIELD)
    except UserError as exc:
        return Stop(Status.ERROR, f"the Cloudflare API token could not be read from the store: {exc}")
    if not token or not token.strip():
        summary = (
            f"no Cloudflare API token in the store, so {zone_name}'s configuration inside Cloudflare was not "
            f"read; add a read-only one: {ADD_TOKEN}"
        )
        return Stop(Status.SKIPPED, summary, fix)
    token = token.strip()
    if not token.isascii() or not token.isprintable() or " " in token:
        return Stop(
            Status.ERROR,
            f"the stored {TOKEN_FIELD} is not a token (it holds spaces, line breaks or other characters a "
            "token never has): store it again",
            fix,
        )
    return token


def _refused_token(verified: TokenStatus | ApiError, zone: Zone | ApiError | None, name: str) -> Stop | None:
    """A token Cloudflare will not accept: refused outright, or verified but not active."""
    fix = READ_ONLY_TOKEN.format(zone=name)
    if isinstance(verified, TokenStatus) and verified.status != "active":
        until = f" (expires_on {verified.expires_on})" if verified.expires_on else ""
        summary = (
            f"the Cloudflare API token is {verified.status or 'not active'}{until}: Cloudflare refuses it"
        )
        return Stop(Status.ERROR, summary, fix)
    if isinstance(zone, ApiError) and zone.kind == "auth":
        return Stop(Status.ERROR, zone.reason, fix)
    if isinstance(verified, ApiError) and verified.kind == "auth" and not isinstance(zone, Zone):
        return Stop(Status.ERROR, verified.reason, fix)
    return None


async def _account_token(api: CloudflareApi, zone: Zone, failure: ApiError) -> Access | Stop:
    """/user/tokens/verify failed but the zone could be read: an account-owned token,
    verified at its account instead."""
    if failure.kind not in ("auth", "permission") or not zone.account_id:
        return Access(api, zone, None, f"the token could not be verified: {failure.reason}")
    try:
        status = await api.verify_account_token(zone.account_id)
    except ApiError as exc:
        return Access(api, zone, None, f"the token could not be verified: {exc.reason}")
    if status.status != "active":
        return Stop(Status.ERROR, f"the account's Cloudflare API token is {status.status or 'not active'}")
    return Access(api, zone, status, "an account-owned token")


async def _not_found(ctx: CheckContext, zone_name: str) -> Stop:
    """No zone of that name for this token: another account's token, or not on Cloudflare."""
    signals = await _cloudflare_signals(ctx, zone_name)
    evidence = {"zone": zone_name, "cloudflare_signals": signals}
    if signals:
        summary = (
            f"{zone_name} is not among the zones this token can read, yet {'; '.join(signals[:3])}: "
            "the token belongs to another Cloudflare account or is limited to other zones"
        )
        return Stop(Status.ERROR, summary, READ_ONLY_TOKEN.format(zone=zone_name), evidence)
    summary = (
        f"{zone_name} is not on Cloudflare: the token's account has no such zone, and neither its name "
        "servers nor its responses point at Cloudflare"
    )
    return Stop(Status.SKIPPED, summary, evidence=evidence)


async def _cloudflare_signals(ctx: CheckContext, zone_name: str) -> list[str]:
    """What says the zone is on Cloudflare: its NS records, or a host's Cloudflare edge."""
    hosts = [host for host in ctx.sprint.hosts if in_zone(host, zone_name)][:2]
    (ns, _), chains = await asyncio.gather(
        zone_nameservers(ctx, zone_name), asyncio.gather(*(home_chains(ctx, host) for host in hosts))
    )
    on_cloudflare = "Cloudflare" in detect_edge([], ns, ()).dns_only
    found = [f"its name servers are Cloudflare's ({', '.join(ns)})"] if on_cloudflare else []
    for host, (https, http) in zip(hosts, chains, strict=True):
        response = first_response(https) or first_response(http)
        if response is not None and "Cloudflare" in detect_edge(response.headers, [], ()).edges:
            found.append(f"{host} answers through Cloudflare's edge")
    return found


def _permission_fix(failure: ApiError, zone_name: str) -> str:
    if failure.kind == "permission" and failure.permission:
        return (
            "Edit the token (Cloudflare dashboard > My Profile > API Tokens > Edit) and add "
            f"{failure.permission} "
            f"for {zone_name}; the other cloudflare checks do not need it."
        )
    return ""


def _stopped(ctx: CheckContext, stop: Stop) -> list[Result]:
    severity = Severity.INFO if stop.status == Status.SKIPPED else None
    return [ctx.result(stop.status, stop.summary, evidence=stop.evidence, fix=stop.fix, severity=severity)]


# ---------------------------------------------------------------- shaping results


@dataclass
class Report:
    """What one check found: findings, the reads that failed, and extra evidence. The
    findings become the evidence table `table` (the wizard shows it as a table)."""

    table: str = "zone_settings"
    subject: str = "setting"
    findings: list[Finding] = field(default_factory=list)
    failures: list[ApiError] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)

    async def read(self, call: Awaitable[T]) -> T | None:
        """The call's value, or None with the failure kept for the result."""
        try:
            return await call
        except ApiError as exc:
            self.failures.append(exc)
            return None


def _result(ctx: CheckContext, link: Access, report: Report, passed: str) -> list[Result]:
    """One result: fail when anything failed, else error when a read failed, else warn/pass."""
    status = worst(report.findings)
    todo = problems(report.findings)
    reasons = [f.summary for f in todo] + [failure.reason for failure in report.failures]
    if report.failures and status != Status.FAIL:
        status = Status.ERROR
    rows = [finding.row(report.subject) for finding in report.findings]
    evidence = {**link.evidence(), **report.evidence, report.table: rows}
    pastes = [f.paste for f in todo if f.paste]
    if pastes:
        evidence["suggested_record"] = json.dumps(pastes[0] if len(pastes) == 1 else pastes, indent=2)
    fix_parts = [f.fix for f in todo if f.fix] + [
        _permission_fix(failure, link.zone.name) for failure in report.failures if failure.permission
    ]
    fix = (
        " ".join(f"({n}) {part}" for n, part in enumerate(fix_parts, 1))
        if len(fix_parts) > 1
        else "".join(fix_parts)
    )
    summary = "; ".join(reasons) if reasons else passed
    if link.note and status in (Status.PASS, Status.WARN):
        summary += f" ({link.note})"
    return [ctx.result(status, summary, evidence=evidence, fix=fix, severity=_severity(status, todo))]


def _severity(status: Status, todo: Sequence[Finding]) -> Severity | None:
    if status == Status.PASS:
        return Severity.INFO
    ranked = sorted((f.severity for f in todo if f.status == status), key=lambda s: s.rank, reverse=True)
    return ranked[0] if ranked else None


async def _settings(link: Access, report: Report, *names: str) -> dict[str, Setting]:
    values = await asyncio.gather(*(report.read(link.api.setting(link.zone.id, name)) for name in names))
    return {name: value for name, value in zip(names, values, strict=True) if value is not None}


async def _with_access(ctx: CheckContext, grade: Callable[[Access], Awaitable[list[Result]]]) -> list[Result]:
    opened = await access(ctx)
    if isinstance(opened, Stop):
        return _stopped(ctx, opened)
    return await grade(opened)


# ---------------------------------------------------------------- the five checks


async def zone(ctx: CheckContext) -> list[Result]:
    """`cloudflare.zone`: token verifies; zone active, not paused, delegated; dev mode off."""

    async def grade(link: Access) -> list[Result]:
        report = Report()
        (live, live_error), settings = await asyncio.gather(
            live_nameservers(ctx, link.zone.name), _settings(link, report, "development_mode")
        )
        report.findings += [zone_status(link.zone), zone_paused(link.links, link.zone)]
        report.findings.append(delegation(link.zone, live, live_error))
        if "development_mode" in settings:
            report.findings.append(development_mode(link.links, settings["development_mode"]))
        report.evidence |= {
            "status": link.zone.status,
            "paused": link.zone.paused,
            "type": link.zone.type,
            "assigned_name_servers": list(link.zone.name_servers),
            "live_name_servers": list(live or []),
        }
        passed = (
            f"{link.zone.name} is active on Cloudflare ({link.zone.plan or 'plan unknown'}), delegated to "
            f"{', '.join(link.zone.name_servers)}, development mode off; the token is "
            f"{link.token.status if link.token else 'accepted'}"
        )
        return _result(ctx, link, report, passed)

    return await _with_access(ctx, grade)


async def live_nameservers(ctx: CheckContext, name: str) -> tuple[list[str] | None, str | None]:
    """The live NS records at the zone's own name (None and the reason when DNS failed)."""
    answer = await ctx.net.dns.query(name, "NS")
    if answer.failed:
        return None, answer.describe()
    return [record.rstrip(".").lower() for record in answer.records], None


async def tls(ctx: CheckContext) -> list[Result]:
    """`cloudflare.tls`: SSL mode Full (strict), Always Use HTTPS on, minimum TLS 1.2."""

    async def grade(link: Access) -> list[Result]:
        report = Report()
        settings = await _settings(link, report, "ssl", "always_use_https", "min_tls_version")
        graders = (
            ("ssl", ssl_mode),
            ("always_use_https", always_use_https),
            ("min_tls_version", min_tls_version),
        )
        report.findings += [judge(link.links, settings[name]) for name, judge in graders if name in settings]
        return _result(
            ctx, link, report, f"{link.zone.name}: Full (strict), Always Use HTTPS on, TLS 1.2 or higher"
        )

    return await _with_access(ctx, grade)


async def dns(ctx: CheckContext) -> list[Result]:
    """`cloudflare.dns`: audited hosts proxied (unless unproxied on purpose), no DNS-only record
    publishing a proxied origin, DNSSEC active."""

    async def grade(link: Access) -> list[Result]:
        report = Report("zone_records", "name")
        records, status = await asyncio.gather(
            report.read(link.api.dns_records(link.zone.id)), report.read(link.api.dnssec_status(link.zone.id))
        )
        hosts = [host for host in ctx.sprint.hosts if in_zone(host, link.zone.name)]
        if records is not None:
            unproxied = ctx.sprint.cloudflare.unproxied
            report.findings += [host_record(link.links, host, records, unproxied) for host in hosts]
            report.findings += origin_exposures(records)
            report.evidence["records_read"] = len(records)
        if status is not None:
            report.findings.append(dnssec(link.links, status))
        outside = [host for host in ctx.sprint.hosts if host not in hosts]
        if outside:
            report.evidence["hosts_outside_zone"] = outside
        passed = (
            f"{', '.join(hosts) or 'no audited host'} proxied by Cloudflare, no origin address exposed, "
            "DNSSEC active"
        )
        return _result(ctx, link, report, passed)

    return await _with_access(ctx, grade)


async def waf(ctx: CheckContext) -> list[Result]:
    """`cloudflare.waf`: a managed ruleset runs; security level not off, not left under attack."""

    async def grade(link: Access) -> list[Result]:
        report = Report()
        entrypoint, settings = await asyncio.gather(
            report.read(link.api.entrypoint(link.zone.id, FIREWALL_PHASE)),
            _settings(link, report, "security_level"),
        )
        if entrypoint is not None:
            report.findings.append(managed_rules(link.links, entrypoint))
            report.evidence["zone_rules"] = rule_rows(entrypoint)
        if "security_level" in settings:
            report.findings.append(security_level(link.links, settings["security_level"]))
        passed = f"{link.zone.name}: a managed WAF ruleset runs on every request; security level normal"
        return _result(ctx, link, report, passed)

    return await _with_access(ctx, grade)


def public_routes(ctx: CheckContext, zone_name: str) -> list[Route]:
    """The sprint's public endpoints (login, chat) on hosts of the zone."""
    routes = []
    for name in PUBLIC_ROUTES:
        endpoint = ctx.sprint.endpoints.get(name)
        if endpoint is not None:
            route = Route(name, endpoint.url, endpoint.method)
            if in_zone(route.host, zone_name):
                routes.append(route)
    return routes


async def ratelimit(ctx: CheckContext) -> list[Result]:
    """`cloudflare.ratelimit`: a rate-limiting rule covers each public endpoint."""

    async def grade(link: Access) -> list[Result]:
        routes = public_routes(ctx, link.zone.name)
        if not routes:
            summary = (
                f"no public endpoint of {link.zone.name} to cover: set [endpoints] login and chat (their "
                "paths are matched against the zone's rate-limiting rules)"
            )
            return [ctx.result(Status.SKIPPED, summary, evidence=link.evidence(), severity=Severity.INFO)]
        report = Report("zone_endpoints", "endpoint")
        entrypoint = await report.read(link.api.entrypoint(link.zone.id, RATELIMIT_PHASE))
        if entrypoint is not None:
            report.findings += [route_limit(link.links, route, entrypoint) for route in routes]
            report.evidence["zone_rules"] = rule_rows(entrypoint)
        passed = (
            f"every public endpoint ({', '.join(r.path for r in routes)}) is covered by a rate-limiting rule"
        )
        return _result(ctx, link, report, passed)

    return await _with_access(ctx, grade)


async def assigned_nameservers(ctx: CheckContext) -> tuple[tuple[str, ...], str | None]:
    """The name servers Cloudflare assigned to the sprint's zone, or () and why not (no token,
    not on Cloudflare, the API refused). For registrar.delegation, which compares them with
    the registry's delegation."""
    opened = await access(ctx)
    if isinstance(opened, Stop):
        return (), opened.summary
    if not opened.zone.name_servers:
        return (), f"Cloudflare lists no assigned name servers for {opened.zone.name}"
    return opened.zone.name_servers, None
