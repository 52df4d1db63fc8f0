"""The frozen, typed shape of a validated sprint.toml.

Everything downstream (checks, the wizard, the handover pack) reads these objects and
never the raw TOML, so they are immutable all the way down: tuples and read-only mappings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit


def _empty_map() -> Mapping[Any, Any]:
    """An immutable empty mapping, so frozen dataclasses stay immutable all the way down."""
    return MappingProxyType({})


@dataclass(frozen=True)
class Nameserver:
    """A resolver to ask; an IP literal because a name would need a resolver to find it."""

    host: str
    port: int = 53

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class HostExpect:
    """What ``dns.records`` expects one host to resolve to; empty fields are not checked."""

    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    cname: str | None = None


@dataclass(frozen=True)
class Ports:
    """Ports used where a URL names none: staging boxes and the lab listen elsewhere."""

    http: int = 80
    https: int = 443
    dns: int = 53


@dataclass(frozen=True)
class NetworkConfig:
    """How every network call is made: resolvers, pins, trust, timeouts and concurrency."""

    nameservers: tuple[Nameserver, ...] = ()
    ca_bundle: Path | None = None
    timeout_s: float = 5.0
    pins: Mapping[str, str] = field(default_factory=_empty_map)
    ports: Ports = Ports()
    concurrency: int = 16
    per_host: int = 6


@dataclass(frozen=True)
class Endpoint:
    """A route of the product that checks call (homepage, login, health, chat...)."""

    name: str
    url: str
    method: str = "GET"
    body: str | None = None
    response_path: str | None = None
    timeout_s: float | None = None
    headers: Mapping[str, str] = field(default_factory=_empty_map)


@dataclass(frozen=True)
class EmailConfig:
    """Inputs of the email checks (SPF, DKIM, DMARC, MX, a received message)."""

    domain: str | None = None
    dkim_selectors: tuple[str, ...] = ()
    sender_ips: tuple[str, ...] = ()
    approved_includes: tuple[str, ...] = ()
    message: Path | None = None


@dataclass(frozen=True)
class ProbeBudget:
    """An opt-in active probe and the hard limits on how hard it may hit production."""

    enabled: bool = False
    endpoint: str | None = None
    max_requests: int = 20
    rate_per_s: float = 5.0


@dataclass(frozen=True)
class InjectionProbe(ProbeBudget):
    """The prompt-injection evaluation: its budget, the canaries the operator planted (in the
    system prompt, a knowledge-base document, a test tenant) and, optionally, the system
    prompt text itself, for the overlap detector."""

    max_requests: int = 25
    rate_per_s: float = 2.0
    canaries: tuple[str, ...] = ()
    system_prompt_file: Path | None = None


@dataclass(frozen=True)
class EvalProbe(ProbeBudget):
    """The customers' evaluation set (ai.eval): the promptfoo test file that holds their own
    prompts and what each answer must contain, its budget and the pass rate a deploy needs."""

    max_requests: int = 40
    rate_per_s: float = 2.0
    file: Path | None = None
    pass_pct: float = 90.0


@dataclass(frozen=True)
class ProbesConfig:
    """Active probes; each is off unless the operator enables it explicitly."""

    ratelimit: ProbeBudget = ProbeBudget()
    injection: InjectionProbe = InjectionProbe()
    eval: EvalProbe = EvalProbe()


@dataclass(frozen=True)
class PerfConfig:
    """The performance targets and how hard the sampling checks may hit the product."""

    samples: int = 40
    concurrency: int = 4
    p95_ms: float = 500.0
    error_rate_pct: float = 2.0
    chat_first_byte_s: float = 3.0
    cache_hit_pct: float = 70.0
    js_budget_kb: float = 350.0


@dataclass(frozen=True)
class EdgeConfig:
    """Inputs of the edge checks: the origins allowed to call the product's APIs from a browser."""

    approved_origins: tuple[str, ...] = ()


DEFAULT_REGIONS = ("eu-west-1", "us-east-1")
"""Where the Checkly export runs its checks: two regions, on two continents, by default."""


@dataclass(frozen=True)
class MonitorsConfig:
    """How the exported uptime monitors check and alert, and whether monitor.alerts may send a
    test alert. The defaults turn "2 failed checks in 5 minutes" into 2 consecutive failures
    at a 2-minute interval (worst case 2 × 2 min + the timeout). `regions` are the Checkly
    locations every monitor runs from (at least two)."""

    interval_s: int = 120
    chat_interval_s: int = 300
    failure_threshold: int = 2
    success_threshold: int = 2
    timeout_s: int = 10
    send_test_alert: bool = False
    regions: tuple[str, ...] = DEFAULT_REGIONS


CLOUDFLARE_API_BASE = "https://api.cloudflare.com/client/v4"


@dataclass(frozen=True)
class CloudflareConfig:
    """Where the cloudflare.* checks read the zone's configuration (read-only, GET only).

    `zone` is the zone's name (the apex when not set, see `config.derived.cloudflare_zone`);
    `api_base` the Cloudflare API v4 root (the lab and tests set their own); `unproxied` the
    hosts that are DNS-only on purpose. The API token is the store's secret
    `cloudflare.api_token`, never a key here.
    """

    zone: str | None = None
    api_base: str = CLOUDFLARE_API_BASE
    unproxied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Environment:
    """One deployment environment and the variables the app reads there."""

    name: str
    variables: tuple[str, ...] = ()


IANA_RDAP_BOOTSTRAP = "https://data.iana.org/rdap/dns.json"


@dataclass(frozen=True)
class RdapConfig:
    """Where the registrar checks find the registry's RDAP server: the IANA bootstrap file
    for domain names (RFC 9224 dns.json), or a copy of it the operator (or the lab) serves."""

    bootstrap_url: str = IANA_RDAP_BOOTSTRAP


@dataclass(frozen=True)
class Sprint:
    """A validated sprint.toml; host names are lower-case without a trailing dot.

    `hosts` is every host the checks visit: `[domains] hosts` plus the apex and
    `www.<apex>`, each once; `not_audited` holds the apex or www name the operator opted
    out of, which host checks report as not covered."""

    path: Path
    client: str
    canonical: str
    apex: str
    hosts: tuple[str, ...]
    subdomains: tuple[str, ...] = ()
    not_audited: tuple[str, ...] = ()
    dns_expect: Mapping[str, HostExpect] = field(default_factory=_empty_map)
    redirects: Mapping[str, str] = field(default_factory=_empty_map)
    email: EmailConfig = EmailConfig()
    endpoints: Mapping[str, Endpoint] = field(default_factory=_empty_map)
    network: NetworkConfig = NetworkConfig()
    probes: ProbesConfig = ProbesConfig()
    perf: PerfConfig = PerfConfig()
    monitors: MonitorsConfig = MonitorsConfig()
    edge: EdgeConfig = EdgeConfig()
    cloudflare: CloudflareConfig = CloudflareConfig()
    repo: Path | None = None
    logs: tuple[str, ...] = ()
    environments: Mapping[str, Environment] = field(default_factory=_empty_map)
    rdap: RdapConfig = RdapConfig()

    @property
    def state_dir(self) -> Path:
        """Where run results and sprint state live: beside the sprint.toml they belong to."""
        return self.path.parent / ".launchwizard"

    def canonical_for(self, host: str) -> str:
        """The URL a visit to ``host`` should end on, for ``redirect.canonical``.

        An explicit ``[redirects]`` entry wins; the apex, ``www.<apex>`` and the canonical
        URL's own host all end on the sprint canonical URL; any other host on its own root.
        """
        name = host.lower()
        name = name[:-1] if name.endswith(".") else name
        if name in self.redirects:
            return self.redirects[name]
        if name in (self.apex, f"www.{self.apex}", urlsplit(self.canonical).hostname):
            return self.canonical
        return f"https://{name}/"
