"""Registrable domains (eTLD+1) from the Public Suffix List.

Which site a host belongs to decides whether a script is foreign (the Observatory's SRI
test), whether a DMARC identifier is aligned (RFC 7489 §3.2: the organisational domain),
and whether a host can be HSTS-preloaded (only a registrable domain can). A guess from the
last two labels is wrong for example.co.uk or an app on a shared platform
(acme.vercel.app), so the list itself is used, through the maintained `publicsuffixlist`
package, imported on first use so the CLI starts without it.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def _suffix_list() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """The registrable domain of `host` (www.example.co.uk -> example.co.uk); a public
    suffix, an address or a single label is its own."""
    name = host.strip().lower().rstrip(".")
    if not name or "." not in name:
        return name
    return str(_suffix_list().privatesuffix(name) or name)


def is_registrable(host: str) -> bool:
    """True when `host` is itself a registrable domain (acme.com, not www.acme.com or co.uk)."""
    name = host.strip().lower().rstrip(".")
    return bool(name) and _suffix_list().privatesuffix(name) == name


def same_site(one: str, other: str) -> bool:
    """Whether two hosts share a registrable domain."""
    return registrable_domain(one) == registrable_domain(other)
