"""Reader for [rdap]: where the registrar checks look up which registry answers for the apex."""

from __future__ import annotations

from typing import Any

from launchwizard.config import values
from launchwizard.config.fields import Reader, reject_unknown_keys, sub_table
from launchwizard.config.model import RdapConfig


def read_rdap(reader: Reader, doc: dict[str, Any]) -> RdapConfig:
    """[rdap]: the bootstrap file's URL (default IANA's dns.json; the lab serves its own)."""
    table = sub_table(reader, doc, "rdap", ())
    reject_unknown_keys(reader, table, ("bootstrap_url",), ("rdap",))
    if "bootstrap_url" not in table:
        return RdapConfig()
    url = reader.check(("rdap", "bootstrap_url"), values.url, table["bootstrap_url"])
    return RdapConfig(bootstrap_url=url)
