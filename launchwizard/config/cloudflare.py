"""Reader for [cloudflare]: which zone the cloudflare.* checks read through the API, where
that API lives, and which hosts are DNS-only on purpose.

The API token is never a key here: it is the store's secret `cloudflare.api_token`. Because
that token is sent to `api_base`, the base must be an https:// URL; a plain-http base would
hand the token to anyone on the path.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from launchwizard.config import values
from launchwizard.config.errors import InvalidValue
from launchwizard.config.fields import Reader, as_validated_list, reject_unknown_keys, sub_table
from launchwizard.config.keypath import KeyPath
from launchwizard.config.model import CloudflareConfig

_KEYS = ("zone", "api_base", "unproxied")


def api_base(raw: str) -> str:
    """An https:// API root without query, fragment or trailing slash."""
    normal = values.url(raw)
    parts = urlsplit(normal)
    if parts.scheme != "https":
        raise InvalidValue(f"{raw!r} is not https://: the API token would travel in clear text")
    if parts.query or parts.fragment:
        raise InvalidValue(f"{raw!r} has a query or fragment: expected the API root only")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def read_cloudflare(reader: Reader, doc: dict[str, Any]) -> CloudflareConfig:
    """[cloudflare]: zone (default: the apex), api_base (default: Cloudflare's v4 API) and
    unproxied hosts; every key is optional."""
    key: KeyPath = ("cloudflare",)
    table = sub_table(reader, doc, "cloudflare", ())
    reject_unknown_keys(reader, table, _KEYS, key)
    defaults = CloudflareConfig()
    zone = reader.check((*key, "zone"), values.host, table["zone"]) if "zone" in table else None
    base = reader.check((*key, "api_base"), api_base, table["api_base"]) if "api_base" in table else None
    unproxied = (
        as_validated_list(reader, table["unproxied"], (*key, "unproxied"), values.host)
        if "unproxied" in table
        else ()
    )
    return CloudflareConfig(zone=zone, api_base=base or defaults.api_base, unproxied=unproxied)
