"""Which CDN/WAF edge fronts a host, from what any visitor can see (web-tls-edge.md §6).

Signals: response headers and cookie names an edge adds to every answer, CNAME targets
under an edge's own hostnames, and name servers run by an edge. Headers, cookies and
CNAMEs prove that traffic passes through the edge ("proxy"); name servers alone only say
who serves the DNS ("dns"): a Cloudflare zone whose record is not proxied ("grey cloud")
sends visitors straight to the origin. Cookie values are never read into evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_EVIDENCE = 80

HEADER_SIGNALS: tuple[tuple[str, str, re.Pattern[str] | None], ...] = (
    ("Cloudflare", "server", re.compile(r"^cloudflare", re.I)),
    ("Cloudflare", "cf-ray", None),
    ("Cloudflare", "cf-cache-status", None),
    ("Cloudflare", "cf-mitigated", None),
    ("CloudFront", "server", re.compile(r"^cloudfront$", re.I)),
    ("CloudFront", "x-amz-cf-id", None),
    ("CloudFront", "x-amz-cf-pop", None),
    ("CloudFront", "via", re.compile(r"\.cloudfront\.net \(cloudfront\)", re.I)),
    ("CloudFront", "x-cache", re.compile(r"from cloudfront", re.I)),
    ("Fastly", "x-fastly-request-id", None),
    ("Fastly", "x-served-by", re.compile(r"^cache-[a-z0-9]+-[a-z]{3}", re.I)),
    ("Fastly", "fastly-debug-digest", None),
    ("Akamai", "server", re.compile(r"^akamaighost", re.I)),
    ("Akamai", "x-akamai-transformed", None),
    ("Akamai", "akamai-grn", None),
    ("Vercel", "server", re.compile(r"^vercel$", re.I)),
    ("Vercel", "x-vercel-id", None),
    ("Vercel", "x-vercel-cache", None),
    ("Netlify", "server", re.compile(r"^netlify", re.I)),
    ("Netlify", "x-nf-request-id", None),
    ("Azure Front Door", "x-azure-ref", None),
    ("Azure Front Door", "x-fd-healthprobe", None),
)
COOKIE_SIGNALS = (
    ("Cloudflare", ("__cf_bm", "cf_clearance", "__cfduid", "__cflb")),
    ("Akamai", ("ak_bmsc", "bm_sv", "_abck")),
)
CNAME_SIGNALS = (
    ("Cloudflare", ("cdn.cloudflare.net",)),
    ("CloudFront", ("cloudfront.net",)),
    ("Fastly", ("fastly.net", "fastlylb.net")),
    ("Akamai", ("akamaiedge.net", "akamai.net", "edgekey.net", "edgesuite.net")),
    ("Vercel", ("vercel-dns.com",)),
    ("Netlify", ("netlify.app", "netlify.com", "netlifyglobalcdn.com")),
    ("Azure Front Door", ("azurefd.net", "azureedge.net", "t-msedge.net")),
)
NS_SIGNALS = (
    ("Cloudflare", ("ns.cloudflare.com",)),
    ("Akamai", ("akam.net",)),
    ("Vercel", ("vercel-dns.com",)),
    ("Netlify", ("nsone.net",)),
)
PROXY_FIX = {
    "Cloudflare": (
        "In Cloudflare DNS, set the record of {host} to Proxied (the orange cloud) instead of DNS only, "
        "then let the origin's firewall accept web traffic only from Cloudflare's published IP ranges."
    ),
}
GENERIC_FIX = (
    "Put {host} behind a CDN/WAF edge (Cloudflare, CloudFront, Fastly or your host's own edge): point "
    "its DNS at the edge, turn on the managed WAF rules and rate limiting there, and let the origin "
    "accept traffic only from the edge."
)


@dataclass(frozen=True)
class EdgeSignal:
    """One thing seen that points at an edge; `strength` "proxy" or "dns"."""

    edge: str
    source: str
    evidence: str
    strength: str


@dataclass(frozen=True)
class EdgeReport:
    """Every signal, the edges traffic passes through, and edges seen only in DNS."""

    signals: tuple[EdgeSignal, ...]
    edges: tuple[str, ...]
    fronted: bool
    dns_only: tuple[str, ...]


def _under(name: str, suffixes: Sequence[str]) -> bool:
    name = name.lower().rstrip(".")
    return any(name == suffix or name.endswith(f".{suffix}") for suffix in suffixes)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_EVIDENCE else text[: MAX_EVIDENCE - 1] + "…"


def _header_signals(headers: Sequence[tuple[str, str]]) -> list[EdgeSignal]:
    found = []
    for name, value in headers:
        lowered = name.lower()
        for edge, header, pattern in HEADER_SIGNALS:
            if lowered == header and (pattern is None or pattern.search(value)):
                found.append(EdgeSignal(edge, "header", _cut(f"{name}: {value}"), "proxy"))
    return found


def _cookie_signals(headers: Sequence[tuple[str, str]]) -> list[EdgeSignal]:
    found = []
    for name, value in headers:
        if name.lower() != "set-cookie":
            continue
        cookie = value.split("=", 1)[0].strip().lower()
        for edge, names in COOKIE_SIGNALS:
            if cookie in names:
                found.append(EdgeSignal(edge, "cookie", f"cookie {cookie}", "proxy"))
    return found


def _dns_signals(
    names: Sequence[str], table: tuple[tuple[str, tuple[str, ...]], ...], source: str
) -> list[EdgeSignal]:
    strength = "proxy" if source == "cname" else "dns"
    label = "CNAME" if source == "cname" else "NS"
    return [
        EdgeSignal(edge, source, _cut(f"{label} {name.rstrip('.')}"), strength)
        for name in names
        for edge, suffixes in table
        if _under(name, suffixes)
    ]


def detect_edge(
    headers: Sequence[tuple[str, str]], nameservers: Sequence[str], cname_chain: Sequence[str]
) -> EdgeReport:
    """The edges a host's response headers, cookies, CNAME chain and zone NS point at."""
    signals = [
        *_header_signals(headers),
        *_cookie_signals(headers),
        *_dns_signals(cname_chain, CNAME_SIGNALS, "cname"),
        *_dns_signals(nameservers, NS_SIGNALS, "ns"),
    ]
    edges = tuple(dict.fromkeys(s.edge for s in signals if s.strength == "proxy"))
    dns_only = tuple(dict.fromkeys(s.edge for s in signals if s.strength == "dns" and s.edge not in edges))
    return EdgeReport(tuple(signals), edges, bool(edges), dns_only)


def fix_for_unfronted(host: str, report: EdgeReport) -> str:
    """How to put the host behind an edge: turn on the proxy of the DNS provider, or add one."""
    for edge in report.dns_only:
        if edge in PROXY_FIX:
            return PROXY_FIX[edge].format(host=host)
    if report.dns_only:
        return (
            f"{host}'s DNS is at {report.dns_only[0]} but its traffic bypasses the edge: route the host "
            f"through {report.dns_only[0]}'s CDN and let the origin accept traffic only from it."
        )
    return GENERIC_FIX.format(host=host)
