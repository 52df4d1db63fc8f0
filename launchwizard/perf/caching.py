"""How cacheable a static asset is, and whether an edge cache served it.

Cacheability is read from Cache-Control (RFC 9111 §5.2), Set-Cookie and Vary, the way
shared caches decide: `no-store`, `private`, `Vary: *` or a cookie on the response keep
a CDN from storing it. Whether a cache served a response is read from the RFC 9211
Cache-Status field, Cloudflare's cf-cache-status, the X-Cache of CloudFront, Fastly and
Varnish, and finally Age > 0 (RFC 9111 §5.1: the response came from a cache).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ONE_DAY_S = 86_400
CF_HITS = frozenset({"hit", "stale", "updating", "revalidated"})
CF_MISSES = frozenset({"miss", "expired", "bypass", "dynamic", "none"})
_DIRECTIVE = re.compile(r"\s*([a-z-]+)\s*(?:=\s*\"?([^\",]*)\"?)?\s*", re.I)

Headers = Sequence[tuple[str, str]]


def _values(headers: Headers, name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def cache_directives(value: str) -> dict[str, str]:
    """Cache-Control directives by lower-case name ("" for those without a value)."""
    directives = {}
    for part in value.split(","):
        match = _DIRECTIVE.fullmatch(part)
        if match:
            directives[match.group(1).lower()] = (match.group(2) or "").strip()
    return directives


def _seconds(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def cacheability(headers: Headers) -> tuple[str, str]:
    """("good" | "short" | "uncacheable", why) for one static asset's response."""
    control = ", ".join(_values(headers, "cache-control"))
    directives = cache_directives(control)
    vary = {v.strip().lower() for value in _values(headers, "vary") for v in value.split(",")}
    if "no-store" in directives:
        return "uncacheable", "Cache-Control: no-store"
    if "private" in directives:
        return "uncacheable", "Cache-Control: private (shared caches may not store it)"
    if "*" in vary:
        return "uncacheable", "Vary: * (no cache can reuse it)"
    if _values(headers, "set-cookie"):
        return "uncacheable", "sets a cookie (CDNs do not cache responses that set cookies)"
    if not control:
        return "short", "no Cache-Control: browsers and CDNs guess how long to keep it"
    if "no-cache" in directives:
        return "short", "Cache-Control: no-cache (revalidated on every use)"
    lifetime = _seconds(directives.get("s-maxage", "")) or _seconds(directives.get("max-age", ""))
    if "immutable" in directives or (lifetime is not None and lifetime >= ONE_DAY_S):
        if vary & {"cookie", "user-agent"}:
            return "short", f"Vary: {', '.join(sorted(vary & {'cookie', 'user-agent'}))} splits the cache"
        return "good", f"Cache-Control: {control}"
    return "short", f"Cache-Control: {control} (under a day)"


def edge_hit(headers: Headers) -> bool | None:
    """True when a cache served the response, False for a miss, None when nothing says."""
    for value in _values(headers, "cache-status"):
        members = [m.strip() for m in value.split(",") if m.strip()]
        if members:
            return any(re.search(r";\s*hit\b", member, re.I) for member in members)
    for value in _values(headers, "cf-cache-status"):
        status = value.strip().lower()
        if status in CF_HITS:
            return True
        if status in CF_MISSES:
            return False
    for value in _values(headers, "x-cache"):
        if "hit" in value.lower():
            return True
        if "miss" in value.lower():
            return False
    for value in _values(headers, "age"):
        seconds = _seconds(value.strip())
        if seconds is not None:
            return seconds > 0
    return None
