"""The zone's configuration judged: each setting, record and rule becomes a Finding.

Plain functions over the plain data of `model`: what was seen, what a launch needs, the
verdict, and the fix from `fixes`. The checks only fetch, call these and shape results.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from launchwizard.cloudflare import fixes
from launchwizard.cloudflare.expression import ExpressionError, RequestFacts, Truth, evaluate
from launchwizard.cloudflare.model import DnsRecord, Rule, Ruleset, Setting, Zone
from launchwizard.results import Severity, Status

WORST_FIRST = (Status.FAIL, Status.WARN, Status.PASS)
TLS_VERSIONS = ("1.0", "1.1", "1.2", "1.3")
ADDRESS_TYPES = ("A", "AAAA")
ROUTE_TYPES = ("A", "AAAA", "CNAME")
WATCH_ONLY = ("log",)
"""Rule actions that count requests but stop nothing."""


@dataclass(frozen=True)
class Finding:
    """One verdict: `subject` (a setting, a host, a route), what was seen, what is expected."""

    status: Status
    subject: str
    seen: str
    expected: str
    summary: str = ""
    fix: str = ""
    severity: Severity = Severity.HIGH
    paste: dict[str, Any] | None = None
    """A rule to paste (the rate-limiting rule a route lacks), as the API takes it."""

    def row(self, subject: str = "setting") -> dict[str, Any]:
        """The finding as a table row; `subject` names its column (setting, name, endpoint)."""
        return {
            "verdict": str(self.status),
            subject: self.subject,
            "expected": self.expected,
            "value": self.seen,
        }


def worst(findings: Iterable[Finding]) -> Status:
    statuses = {finding.status for finding in findings}
    return next((status for status in WORST_FIRST if status in statuses), Status.PASS)


def problems(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that need work, failures first."""
    return sorted((f for f in findings if f.status != Status.PASS), key=lambda f: WORST_FIRST.index(f.status))


def _passed(subject: str, seen: str, expected: str) -> Finding:
    return Finding(Status.PASS, subject, seen, expected, severity=Severity.INFO)


# ---------------------------------------------------------------- cloudflare.zone


def zone_status(zone: Zone) -> Finding:
    if zone.status == "active":
        return _passed("status", "active", "active")
    listed = ", ".join(zone.name_servers) or "its assigned name servers"
    why = {
        "pending": "Cloudflare is not serving it yet: the registrar still delegates elsewhere "
        f"(expected {listed})",
        "initializing": "Cloudflare is still setting it up and is not serving it yet",
        "moved": "its name servers moved away from Cloudflare, which no longer serves it",
    }.get(zone.status, "Cloudflare is not serving it")
    return Finding(
        Status.FAIL,
        "status",
        zone.status or "unknown",
        "active",
        f"the zone is {zone.status or 'in an unknown state'}: {why}",
        fixes.delegate(zone.name_servers),
    )


def zone_paused(api: fixes.Api, zone: Zone) -> Finding:
    if not zone.paused:
        return _passed("paused", "no", "no")
    return Finding(
        Status.FAIL,
        "paused",
        "yes",
        "no",
        "the zone is paused: Cloudflare answers DNS but sends visitors straight to the origin (no WAF, "
        "no DDoS protection, no edge TLS)",
        fixes.resume(api),
    )


def delegation(zone: Zone, live: Sequence[str] | None, live_error: str | None) -> Finding:
    """The apex's live NS records against the name servers Cloudflare assigned."""
    assigned = sorted(zone.name_servers)
    expected = ", ".join(assigned) or "the assigned name servers"
    if zone.type != "full":
        return _passed("delegation", f"{zone.type} setup (DNS stays with another provider)", "n/a")
    if live is None:
        reason = live_error or "no answer"
        return Finding(
            Status.WARN,
            "delegation",
            f"unknown ({reason})",
            expected,
            f"the live NS records of {zone.name} could not be read ({reason}), so delegation is unverified",
            severity=Severity.MEDIUM,
        )
    seen = sorted(name.rstrip(".").lower() for name in live)
    if seen == assigned:
        return _passed("delegation", ", ".join(seen), expected)
    extra, missing = sorted(set(seen) - set(assigned)), sorted(set(assigned) - set(seen))
    parts = [
        f"not assigned by Cloudflare: {', '.join(extra)}" if extra else "",
        f"missing: {', '.join(missing)}" if missing else "",
    ]
    return Finding(
        Status.FAIL,
        "delegation",
        ", ".join(seen) or "none",
        expected,
        f"{zone.name} is delegated to {', '.join(seen) or 'nothing'} ({'; '.join(p for p in parts if p)}): "
        "visitors reach whatever those servers answer, not Cloudflare's configuration",
        fixes.delegate(zone.name_servers),
    )


def development_mode(api: fixes.Api, setting: Setting) -> Finding:
    if setting.value != "on":
        return _passed("development_mode", setting.value or "off", "off")
    left = f" ({setting.time_remaining} s left)" if setting.time_remaining else ""
    return Finding(
        Status.WARN,
        "development_mode",
        f"on{left}",
        "off",
        f"development mode is on{left}: the edge cache is bypassed, so every request reaches the origin",
        fixes.development_mode_off(api),
        Severity.MEDIUM,
    )


# ---------------------------------------------------------------- cloudflare.tls


def ssl_mode(api: fixes.Api, setting: Setting) -> Finding:
    value = setting.value
    if value == "strict":
        return _passed("ssl", "strict (Full strict)", "strict")
    if value == "full":
        return Finding(
            Status.WARN,
            "ssl",
            "full",
            "strict",
            "SSL mode is Full, not Full (strict): Cloudflare encrypts to the origin but accepts any "
            "certificate there, so anyone on the path to the origin can impersonate it",
            fixes.ssl_strict(api),
            Severity.MEDIUM,
        )
    what = {
        "flexible": "SSL mode is Flexible: Cloudflare talks to the origin over plain HTTP, so logins and "
        "chat messages cross the internet unencrypted behind the padlock (and the origin's own https "
        "redirect loops)",
        "off": "SSL is off: visitors cannot use HTTPS at all",
    }.get(value, f"SSL mode {value or '(none)'} is not one Cloudflare documents")
    return Finding(
        Status.FAIL, "ssl", value or "unknown", "strict", what, fixes.ssl_strict(api), Severity.CRITICAL
    )


def always_use_https(api: fixes.Api, setting: Setting) -> Finding:
    if setting.value == "on":
        return _passed("always_use_https", "on", "on")
    return Finding(
        Status.FAIL,
        "always_use_https",
        setting.value or "unknown",
        "on",
        "Always Use HTTPS is off: http:// visits are served as they come instead of being redirected",
        fixes.always_https(api),
    )


def min_tls_version(api: fixes.Api, setting: Setting) -> Finding:
    value = setting.value
    if value in ("1.2", "1.3"):
        return _passed("min_tls_version", value, "1.2 or higher")
    return Finding(
        Status.FAIL,
        "min_tls_version",
        value or "unknown",
        "1.2 or higher",
        f"the minimum TLS version is {value or 'unknown'}: TLS 1.0 and 1.1 are deprecated (RFC 8996) and "
        "fail the compliance scans B2B buyers run",
        fixes.min_tls(api),
    )


# ---------------------------------------------------------------- cloudflare.waf


def security_level(api: fixes.Api, setting: Setting) -> Finding:
    value = setting.value
    if value in ("essentially_off", "off"):
        return Finding(
            Status.FAIL,
            "security_level",
            value,
            "medium (or low/high)",
            f"the security level is {value}: Cloudflare challenges no visitor, however bad its reputation",
            fixes.security_level(api),
        )
    if value == "under_attack":
        return Finding(
            Status.WARN,
            "security_level",
            value,
            "medium (or low/high)",
            "I'm Under Attack mode is on: every visitor gets a challenge page, which breaks API clients and "
            "the chat widget; it should not stay on after an incident",
            fixes.under_attack_off(api),
            Severity.MEDIUM,
        )
    return _passed("security_level", value or "unknown", "medium (or low/high)")


def _protects(rule: Rule) -> bool:
    return (
        rule.enabled
        and rule.action == "execute"
        and rule.ruleset_enabled is not False
        and rule.ruleset_action not in WATCH_ONLY
    )


def ruleset_name(ruleset_id: str) -> str:
    return fixes.KNOWN_RULESETS.get(ruleset_id, f"ruleset {ruleset_id or '(unnamed)'}")


def managed_rules(api: fixes.Api, entrypoint: Ruleset) -> Finding:
    """An enabled rule executing a managed ruleset in the http_request_firewall_managed phase."""
    executes = [rule for rule in entrypoint.rules if rule.action == "execute"]
    active = [rule for rule in executes if _protects(rule)]
    if active:
        names = ", ".join(dict.fromkeys(ruleset_name(rule.executes) for rule in active))
        return _passed("managed WAF", names, "a managed ruleset executed")
    ruleset_id = entrypoint.id
    if executes:
        rule = executes[0]
        state = "disabled" if not rule.enabled or rule.ruleset_enabled is False else "set to log only"
        return Finding(
            Status.FAIL,
            "managed WAF",
            f"{ruleset_name(rule.executes)} {state}",
            "a managed ruleset executed",
            f"the {ruleset_name(rule.executes)} is deployed but {state}: attacks are not blocked",
            fixes.enable_rule(api, ruleset_id, rule.id or "<rule id>"),
        )
    seen = "no rule executes a managed ruleset" if entrypoint.exists else "no managed-rules entry point"
    return Finding(
        Status.FAIL,
        "managed WAF",
        seen,
        "a managed ruleset executed",
        "no managed WAF ruleset runs on the zone: known exploits (SQL injection, XSS, CVEs in common "
        "software) reach the origin",
        fixes.managed_waf(api, ruleset_id),
    )


def rule_rows(entrypoint: Ruleset) -> list[dict[str, Any]]:
    """The rules of an entry point, one row each, for the evidence table."""
    return [
        {
            "enabled": "on" if rule.enabled else "off",
            "action": rule.action,
            "runs": ruleset_name(rule.executes)
            if rule.executes
            else (rule.ratelimit.describe() if rule.ratelimit else ""),
            "description": rule.description,
            "expression": rule.expression[:300],
        }
        for rule in entrypoint.rules[:50]
    ]


# ---------------------------------------------------------------- cloudflare.dns


def host_record(api: fixes.Api, host: str, records: Sequence[DnsRecord], unproxied: Sequence[str]) -> Finding:
    """One audited host: present in the zone, and proxied unless DNS-only on purpose."""
    own = [r for r in records if r.name == host and r.type in ROUTE_TYPES]
    if not own:
        return Finding(
            Status.FAIL,
            host,
            "no A, AAAA or CNAME record",
            "a proxied record",
            f"{host} has no A, AAAA or CNAME record in the zone, so Cloudflare does not serve it",
            fixes.add_record(api, host),
        )
    seen = "; ".join(f"{r.type} {r.content} ({r.label})" for r in own[:4])
    direct = [r for r in own if r.proxied is not True]
    if not direct:
        return _passed(host, seen, "proxied")
    if host in unproxied:
        return _passed(host, seen, "DNS only (listed in [cloudflare] unproxied)")
    return Finding(
        Status.FAIL,
        host,
        seen,
        "proxied",
        f"{host} is DNS only: its traffic goes straight to {direct[0].content}, past the WAF, DDoS "
        "protection and rate limits, and the origin's address is public",
        fixes.proxy_record(api, host, direct[0].id),
    )


def _address(content: str) -> str | None:
    try:
        return str(ipaddress.ip_address(content))
    except ValueError:
        return None


def origin_exposures(records: Sequence[DnsRecord]) -> list[Finding]:
    """DNS-only A/AAAA records that publish the address a proxied record hides."""
    behind: dict[str, list[str]] = defaultdict(list)
    for record in records:
        address = _address(record.content) if record.type in ADDRESS_TYPES else None
        if address and record.proxied is True:
            behind[address].append(record.name)
    findings = []
    for record in records:
        address = _address(record.content) if record.type in ADDRESS_TYPES else None
        if not address or record.proxied is True or address not in behind:
            continue
        hosts = sorted(set(behind[address]))
        findings.append(
            Finding(
                Status.FAIL,
                record.name,
                f"{record.type} {address} (DNS only)",
                "not the address of a proxied host",
                f"{record.name} is DNS only and points at {address}, the origin behind "
                f"{', '.join(hosts[:3])}: "
                "anyone can find it and attack the origin directly, past Cloudflare",
                fixes.hide_origin(record.name, address, hosts),
            )
        )
    return findings


def dnssec(api: fixes.Api, status: str) -> Finding:
    if status == "active":
        return _passed("DNSSEC", "active", "active")
    why = "pending: the DS record is not at the registrar yet" if status == "pending" else status
    return Finding(
        Status.WARN,
        "DNSSEC",
        status,
        "active",
        f"DNSSEC is not active ({why}): resolvers cannot tell forged answers for the domain from real ones",
        fixes.enable_dnssec(api),
        Severity.LOW,
    )


def in_zone(host: str, zone: str) -> bool:
    return host == zone or host.endswith(f".{zone}")


# ---------------------------------------------------------------- cloudflare.ratelimit

ROUTE_BUDGETS = {"login": 5, "chat": 10}
"""Requests per 10 s per address in the rule to paste: a person logs in a few times, a chat
user sends a message every few seconds."""


@dataclass(frozen=True)
class Route:
    """A public endpoint of the sprint a rate limit must cover."""

    name: str
    url: str
    method: str

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def requests(self) -> list[RequestFacts]:
        """The requests to test: as configured, and as a POST (a login page's form posts to
        the same path; abuse comes as POSTs)."""
        query = urlsplit(self.url).query
        methods = dict.fromkeys((self.method.upper(), "POST"))
        return [RequestFacts(self.host, self.path, query, method) for method in methods]


def _limits(rule: Rule) -> bool:
    return rule.enabled and rule.ratelimit is not None and rule.action not in WATCH_ONLY


def coverage(route: Route, entrypoint: Ruleset) -> tuple[Truth, Rule | None, tuple[str, ...]]:
    """Whether an enabled rate-limiting rule applies to the route: YES with the rule, DEPENDS
    with the rule and the fields it depends on, or NO."""
    depends: tuple[Truth, Rule | None, tuple[str, ...]] | None = None
    for rule in entrypoint.rules:
        if not _limits(rule):
            continue
        for facts in route.requests():
            try:
                verdict = evaluate(rule.expression, facts)
            except ExpressionError as exc:
                verdict_depends = (Truth.DEPENDS, rule, (f"an expression launchwizard cannot read: {exc}",))
                depends = depends or verdict_depends
                continue
            if verdict.truth is Truth.YES:
                return Truth.YES, rule, ()
            if verdict.truth is Truth.DEPENDS and depends is None:
                depends = (Truth.DEPENDS, rule, verdict.depends_on)
    return depends or (Truth.NO, None, ())


def route_limit(api: fixes.Api, route: Route, entrypoint: Ruleset) -> Finding:
    truth, rule, depends_on = coverage(route, entrypoint)
    label = f"{route.name} ({route.path})"
    if truth is Truth.YES and rule is not None:
        rate = rule.ratelimit.describe() if rule.ratelimit else ""
        return _passed(label, f"{rule.description or rule.id or 'a rule'}: {rate}", "a rate-limiting rule")
    paste = fixes.RateRule(route.name, route.path, ROUTE_BUDGETS.get(route.name, 10))
    ruleset_id = entrypoint.id
    if truth is Truth.DEPENDS and rule is not None:
        return Finding(
            Status.WARN,
            label,
            f"{rule.description or rule.id or 'a rule'} applies only depending on "
            f"{', '.join(depends_on[:4])}",
            "a rate-limiting rule for every visitor",
            f"the only rate limit that may cover {route.path} depends on {', '.join(depends_on[:4])}: "
            "check it throttles ordinary visitors too",
            fixes.add_rate_rule(api, ruleset_id, paste),
            Severity.MEDIUM,
            paste.to_json(),
        )
    return Finding(
        Status.FAIL,
        label,
        "no rule",
        "a rate-limiting rule",
        f"no rate-limiting rule covers {route.name} ({route.path}): "
        + (
            "bots can try passwords without limit"
            if route.name == "login"
            else "one script can flood it and spend the LLM budget"
        ),
        fixes.add_rate_rule(api, ruleset_id, paste),
        paste=paste.to_json(),
    )
