"""What the lab's Cloudflare account holds: tokens, zones in every state, their settings,
records and rules, as plain tables (the server in cloudflare_api.py reads nothing else).

Zones (name: what it shows):
  acme.test        the demo product: Flexible SSL, no rate limit on /login (chat has one), DNSSEC off
  cfgood.test      everything right: Full (strict), managed WAF, rate limits on login and chat
  cfweak.test      Full SSL, Always Use HTTPS off, TLS 1.0, development mode on, security level
                   essentially off, the managed ruleset switched off, a grey-cloud www, an
                   origin published by a DNS-only name, app missing, DNSSEC off, a login rule
                   that depends on the client's IP and a chat rule that only logs
  cfoff.test       SSL off, TLS 1.1, Under Attack mode, no WAF and no rate-limit entry point,
                   DNSSEC pending
  cfpending.test   pending: the registrar still delegates to the old name servers
  cfpaused.test    active but paused
  cfbig.test       1,234 records over three pages (the audited hosts on the last one)
  cfendless.test   a record list whose total_pages grows with every page asked for
  cfslow.test      every request about the zone hangs
  cf5xx.test       500, 502 (HTML), 503 and 429 answers
  cfgarbage.test   truncated JSON, HTML with a 200, an envelope without `success`, 5 MB
  cfecho.test      a hostile API that echoes the bearer token in errors, headers and records
  cfother.test     a zone of another account (only TOKEN_OTHER sees it)
Tokens: TOKEN_GOOD (every read permission; the demo's), TOKEN_CANARY (the same, for the
canary test), TOKEN_EXPIRED, TOKEN_OTHER (another
account), TOKEN_NO_WAF, TOKEN_NO_DNS, TOKEN_NO_SETTINGS, TOKEN_ACCOUNT (owned by the account,
so /user/tokens/verify refuses it); any other value is revoked (401, code 1000).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from launchwizard.demo.model import ZoneSpec

API_ADDRESS = "127.53.9.1"
API_HOST = "api.cloudflare.test"
UNRESOLVED_HOST = "cloudflare-api.pinned.test"
"""A second name on the API's certificate that no lab DNS zone resolves: reachable only
through `[network.pins]`, which is how tests show that [network] applies to the API."""
API_PATH = "/client/v4"
ACCOUNT_LAB = "9a7806061c88ada191ed06f989cc3dac"
ACCOUNT_OTHER = "01a7362d577a6c3019a474fd6f485823"
CLOUDFLARE_NS = ("kai.ns.cloudflare.com", "uma.ns.cloudflare.com")
OLD_NS = ("ns1.acme.test", "ns2.acme.test")

ZONE_READ, SETTINGS_READ, DNS_READ, WAF_READ = "zone", "settings", "dns", "waf"
EVERY_READ = frozenset({ZONE_READ, SETTINGS_READ, DNS_READ, WAF_READ})

TOKEN_GOOD = "LabGoodReadToken0123456789abcdefghijklmn"
TOKEN_EXPIRED = "LabExpiredToken0123456789abcdefghijklmno"
TOKEN_OTHER = "LabOtherAccountToken0123456789abcdefghij"
TOKEN_NO_WAF = "LabNoWafToken0123456789abcdefghijklmnopq"
TOKEN_NO_DNS = "LabNoDnsToken0123456789abcdefghijklmnopq"
TOKEN_NO_SETTINGS = "LabNoSettingsToken0123456789abcdefghijkl"
TOKEN_ACCOUNT = "LabAccountOwnedToken0123456789abcdefghij"
TOKEN_CANARY = "lw-canary-cf-5e0b7d2a9c41f836"  # launchwizard:allow (a made-up lab token)
"""A good token that appears nowhere but here: tests/test_canary.py stores it and searches
every output and file for it."""
TOKEN_REVOKED = "LabRevokedToken0123456789abcdefghijklmno"
"""Not in the table, like a token that was deleted: every call is refused."""
DEMO_TOKEN = TOKEN_GOOD
"""What `launchwizard demo` reads the demo zone with when the store holds no token."""

MANAGED = "efb7b8c949ac4650a09736fc376e9aee"
OWASP = "4814384a9e5d4991b9815dcfc25d2f1f"
FREE_MANAGED = "77454fe2d30c4220b5701f6fdfb893ba"


@dataclass(frozen=True)
class LabToken:
    account: str
    status: str = "active"
    permissions: frozenset[str] = EVERY_READ
    owned_by_account: bool = False


TOKENS: Mapping[str, LabToken] = {
    TOKEN_GOOD: LabToken(ACCOUNT_LAB),
    TOKEN_CANARY: LabToken(ACCOUNT_LAB),
    TOKEN_EXPIRED: LabToken(ACCOUNT_LAB, status="expired"),
    TOKEN_OTHER: LabToken(ACCOUNT_OTHER),
    TOKEN_NO_WAF: LabToken(ACCOUNT_LAB, permissions=EVERY_READ - {WAF_READ}),
    TOKEN_NO_DNS: LabToken(ACCOUNT_LAB, permissions=EVERY_READ - {DNS_READ}),
    TOKEN_NO_SETTINGS: LabToken(ACCOUNT_LAB, permissions=EVERY_READ - {SETTINGS_READ}),
    TOKEN_ACCOUNT: LabToken(ACCOUNT_LAB, owned_by_account=True),
}

GOOD_SETTINGS: Mapping[str, Any] = {
    "ssl": "strict",
    "always_use_https": "on",
    "min_tls_version": "1.2",
    "development_mode": "off",
    "security_level": "medium",
}


def zone_id(name: str) -> str:
    """A stable 32-hex zone id, as Cloudflare's look."""
    return hashlib.sha256(name.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class LabZone:
    """One zone of the lab account; `fault` makes its endpoints misbehave (see the module
    docstring), `firewall`/`ratelimit` are the entry points' rules (None: no entry point)."""

    name: str
    account: str = ACCOUNT_LAB
    status: str = "active"
    paused: bool = False
    name_servers: tuple[str, ...] = CLOUDFLARE_NS
    settings: Mapping[str, Any] = field(default_factory=lambda: GOOD_SETTINGS)
    records: tuple[tuple[str, str, str, bool | None], ...] = ()
    dnssec: str = "active"
    firewall: tuple[dict[str, Any], ...] | None = ()
    ratelimit: tuple[dict[str, Any], ...] | None = ()
    fault: str = ""

    @property
    def id(self) -> str:
        return zone_id(self.name)


def execute(ruleset: str, *, enabled: bool = True) -> dict[str, Any]:
    return {
        "id": zone_id(f"rule-{ruleset}-{enabled}"),
        "action": "execute",
        "action_parameters": {"id": ruleset, "version": "latest"},
        "expression": "true",
        "enabled": enabled,
        "description": "",
    }


def limit(description: str, expression: str, *, action: str = "block", requests: int = 10) -> dict[str, Any]:
    return {
        "id": zone_id(f"limit-{description}"),
        "action": action,
        "description": description,
        "expression": expression,
        "enabled": True,
        "ratelimit": {
            "characteristics": ["cf.colo.id", "ip.src"],
            "period": 10,
            "requests_per_period": requests,
            "mitigation_timeout": 10,
        },
    }


def _good_records(zone: str, address: str) -> tuple[tuple[str, str, str, bool | None], ...]:
    return (
        (zone, "A", address, True),
        (f"www.{zone}", "A", address, True),
        (f"app.{zone}", "CNAME", zone, True),
        (f"api.{zone}", "A", "127.53.9.11", True),
        (f"mail.{zone}", "A", "127.53.9.20", False),
        (zone, "MX", f"mail.{zone}", None),
        (zone, "TXT", "v=spf1 ip4:127.53.9.20 -all", None),
    )


_DEMO_RECORDS = (
    ("acme.test", "A", "127.53.1.1", True),
    ("www.acme.test", "A", "127.53.1.2", True),
    ("app.acme.test", "CNAME", "app.hosting.test", True),
    ("api.acme.test", "A", "127.53.1.4", True),
    ("status.acme.test", "A", "127.53.1.2", True),
    ("docs.acme.test", "CNAME", "acme-docs.herokuapp.com", False),
    ("legacy.acme.test", "CNAME", "acme-legacy.azurewebsites.net", False),
    ("acme.test", "MX", "mx1.hosting.test", None),
    ("acme.test", "TXT", "v=spf1 include:_spf.hosting.test -all", None),
    ("ns1.acme.test", "A", "127.53.0.1", False),
    ("ns2.acme.test", "A", "127.53.0.2", False),
)
_GOOD_LIMITS = (
    limit(
        "Login attempts", '(http.request.uri.path eq "/login" and http.request.method eq "POST")', requests=5
    ),
    limit("Chat API", 'starts_with(http.request.uri.path, "/v1/chat")'),
)
_FILLER = tuple((f"t{n:04d}.cfbig.test", "TXT", f"filler record {n}", None) for n in range(1232))

ZONES: tuple[LabZone, ...] = (
    LabZone(
        "acme.test",
        name_servers=OLD_NS,
        settings={**GOOD_SETTINGS, "ssl": "flexible"},
        records=_DEMO_RECORDS,
        dnssec="disabled",
        firewall=(execute(FREE_MANAGED),),
        ratelimit=(limit("Chat API", '(http.request.uri.path eq "/v1/chat")'),),
    ),
    LabZone(
        "cfgood.test",
        records=_good_records("cfgood.test", "127.53.9.10"),
        firewall=(execute(MANAGED), execute(OWASP)),
        ratelimit=_GOOD_LIMITS,
    ),
    LabZone(
        "cfweak.test",
        settings={
            "ssl": "full",
            "always_use_https": "off",
            "min_tls_version": "1.0",
            "development_mode": ("on", 3600),
            "security_level": "essentially_off",
        },
        records=(
            ("cfweak.test", "A", "127.53.9.30", True),
            ("www.cfweak.test", "A", "127.53.9.31", False),
            ("origin.cfweak.test", "A", "127.53.9.30", False),
            ("direct.cfweak.test", "A", "127.53.9.32", False),
        ),
        dnssec="disabled",
        firewall=(execute(MANAGED, enabled=False),),
        ratelimit=(
            limit("Login", 'http.request.uri.path eq "/login" and not ip.src in $office'),
            limit("Chat (watching)", 'http.request.uri.path eq "/v1/chat"', action="log"),
        ),
    ),
    LabZone(
        "cfoff.test",
        settings={**GOOD_SETTINGS, "ssl": "off", "min_tls_version": "1.1", "security_level": "under_attack"},
        records=_good_records("cfoff.test", "127.53.9.40"),
        dnssec="pending",
        firewall=None,
        ratelimit=None,
    ),
    LabZone("cfpending.test", status="pending", records=_good_records("cfpending.test", "127.53.9.50")),
    LabZone("cfpaused.test", paused=True, records=_good_records("cfpaused.test", "127.53.9.60")),
    LabZone(
        "cfbig.test",
        records=(
            *_FILLER,
            ("cfbig.test", "A", "127.53.9.70", True),
            ("www.cfbig.test", "A", "127.53.9.70", True),
        ),
        firewall=(execute(MANAGED),),
        ratelimit=_GOOD_LIMITS,
    ),
    LabZone("cfendless.test", records=_good_records("cfendless.test", "127.53.9.80"), fault="endless"),
    LabZone("cfslow.test", fault="slow"),
    LabZone("cf5xx.test", fault="5xx"),
    LabZone("cfgarbage.test", fault="garbage"),
    LabZone("cfecho.test", fault="echo"),
    LabZone("cfother.test", account=ACCOUNT_OTHER, records=_good_records("cfother.test", "127.53.9.90")),
)

LIVE_DELEGATION = {"cfpending.test": OLD_NS}
"""Zones whose live NS records are not the assigned ones (the lab's DNS publishes these)."""


def cloudflare_dns_zones() -> tuple[ZoneSpec, ...]:
    """The lab DNS zones behind the API: api.cloudflare.test and each test zone's own NS and
    addresses (acme.test is the demo's zone, published by scenario.py)."""
    from launchwizard.demo.model import ZoneSpec

    zones = [ZoneSpec(origin="cloudflare.test", records=(("api", "A", API_ADDRESS),))]
    for zone in ZONES:
        if zone.name == "acme.test":
            continue
        records = tuple(
            (_owner(name, zone.name), kind, content) for name, kind, content, _ in zone.records if kind == "A"
        )
        ns = LIVE_DELEGATION.get(zone.name, zone.name_servers)
        zones.append(ZoneSpec(origin=zone.name, ns=ns, records=records))
    return tuple(zones)


def _owner(name: str, zone: str) -> str:
    return "@" if name == zone else name.removesuffix(f".{zone}")
