"""The RDAP bootstrap file for domain names (RFC 9224): which registry answers for which TLD.

IANA publishes `dns.json`: `services` is a list of `[[label, ...], [base URL, ...]]`. A
domain matches the entry that ends its name with the most labels (RFC 9224 §4: "com" for
www.example.com, or "example.com" were it listed); an empty label is the root and matches
any name. A service may list several URLs for the same server; https ones come first.
The file is outside data: it is read with bounds and refused with a reason when it is not
a bootstrap file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from launchwizard.rdap.jsondata import JsonProblem, decode_json

MAX_BOOTSTRAP_BYTES = 4 * 1024 * 1024
"""IANA's dns.json is well under 100 KB; a bigger file is not what we asked for."""
MAX_SERVICES = 10_000
MAX_URLS = 8
MAX_LABEL_TEXT = 253


class BootstrapError(ValueError):
    """A bootstrap file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Bootstrap:
    """A parsed bootstrap file: base URLs by lower-case suffix ("" is the root)."""

    services: Mapping[str, tuple[str, ...]]
    publication: str | None = None
    description: str | None = None

    def match(self, domain: str) -> tuple[str, tuple[str, ...]] | None:
        """(the suffix that matched, its base URLs, https first) for `domain`, or None."""
        labels = domain.rstrip(".").lower().split(".")
        for start in range(len(labels)):
            suffix = ".".join(labels[start:])
            if suffix in self.services:
                return suffix, self.services[suffix]
        if "" in self.services:
            return "", self.services[""]
        return None


def tld_of(domain: str) -> str:
    """The last label of a domain name, the TLD a bootstrap usually lists."""
    return domain.rstrip(".").lower().rsplit(".", 1)[-1]


def parse_bootstrap(data: bytes) -> Bootstrap:
    """Read a bootstrap file's bytes; raises BootstrapError with the reason."""
    try:
        document = decode_json(data, MAX_BOOTSTRAP_BYTES)
    except JsonProblem as exc:
        raise BootstrapError(f"it is {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("services"), list):
        raise BootstrapError('it is not a bootstrap file: no "services" list')
    services: dict[str, tuple[str, ...]] = {}
    for entry in document["services"][:MAX_SERVICES]:
        labels, urls = _service(entry)
        for label in labels:
            services.setdefault(label, urls)
    if not services:
        raise BootstrapError("it lists no usable service (each needs labels and http(s) URLs)")
    return Bootstrap(services, _text(document.get("publication")), _text(document.get("description")))


def _service(entry: Any) -> tuple[list[str], tuple[str, ...]]:
    """Labels and base URLs of one `[[labels], [urls]]` entry; nothing when it is malformed."""
    if not isinstance(entry, list) or len(entry) < 2:
        return [], ()
    raw_labels, raw_urls = entry[0], entry[1]
    if not isinstance(raw_labels, list) or not isinstance(raw_urls, list):
        return [], ()
    urls = [u for u in raw_urls[:MAX_URLS] if isinstance(u, str) and _usable_url(u)]
    if not urls:
        return [], ()
    ordered = tuple(sorted(urls, key=lambda u: not u.lower().startswith("https://")))
    labels = [
        label.strip().strip(".").lower()
        for label in raw_labels
        if isinstance(label, str) and len(label) <= MAX_LABEL_TEXT
    ]
    return labels, ordered


def _usable_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _text(value: Any) -> str | None:
    return value[:100] if isinstance(value, str) else None


def domain_url(base: str, domain: str) -> str:
    """The RDAP domain query for `domain` under a base URL (RFC 9082 §3.1.3)."""
    base = base.strip()
    return f"{base}{'' if base.endswith('/') else '/'}domain/{domain.rstrip('.').lower()}"
