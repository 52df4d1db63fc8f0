"""The bootstrap file kept on disk between runs, with the moment it was fetched.

IANA asks clients to cache dns.json (RFC 9224 §8) and it changes a few times a month, so
one copy serves every run for a day (or what the server's Cache-Control says, within an
hour and a week). When a refresh fails, a copy up to a month old is still used, and the
results say how old it is. The copy lives under the sprint's `.launchwizard/cache/`,
written atomically and privately like all state, under its lock.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from launchwizard.state.atomic import write_text_atomic
from launchwizard.state.locking import locked

SCHEMA = "launchwizard.rdap-bootstrap/1"
DEFAULT_MAX_AGE = timedelta(hours=24)
MIN_MAX_AGE = timedelta(hours=1)
MAX_MAX_AGE = timedelta(days=7)
STALE_LIMIT = timedelta(days=30)
"""Older than this, a copy is not used even when the refresh fails: TLDs move registries."""
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)


@dataclass(frozen=True)
class CachedCopy:
    """One saved bootstrap file: its bytes, when it was fetched and how long it stays fresh."""

    body: bytes
    fetched_at: datetime
    max_age: timedelta

    def fresh(self, now: datetime) -> bool:
        return timedelta(0) <= now - self.fetched_at < self.max_age

    def usable_when_stale(self, now: datetime) -> bool:
        return timedelta(0) <= now - self.fetched_at < STALE_LIMIT


def max_age_from(cache_control: str | None) -> timedelta:
    """How long a fetched copy stays fresh: Cache-Control max-age within [1 h, 7 days], else a day."""
    match = _MAX_AGE.search(cache_control or "")
    if match is None:
        return DEFAULT_MAX_AGE
    return min(max(timedelta(seconds=int(match.group(1))), MIN_MAX_AGE), MAX_MAX_AGE)


def age_text(age: timedelta) -> str:
    """An age a person reads at a glance: "just now", "12 min", "5 h", "3 days"."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


class BootstrapCache:
    """Saved bootstrap files in one directory, one file per bootstrap URL."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, url: str) -> Path:
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        return self.directory / f"rdap-bootstrap-{digest}.json"

    def read(self, url: str) -> CachedCopy | None:
        """The saved copy for `url`, or None when there is none or it is damaged."""
        try:
            document = json.loads(self.path_for(url).read_text(encoding="utf-8"))
            if document.get("schema") != SCHEMA or document.get("url") != url:
                return None
            fetched_at = datetime.fromisoformat(str(document["fetched_at"]))
            if fetched_at.tzinfo is None:
                return None
            return CachedCopy(
                body=str(document["body"]).encode("utf-8"),
                fetched_at=fetched_at,
                max_age=timedelta(seconds=float(document["max_age_s"])),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError):
            return None

    def write(self, url: str, copy: CachedCopy) -> None:
        """Save a fetched copy (atomic, 0600, under the file's lock); raises WriteError."""
        document = {
            "schema": SCHEMA,
            "url": url,
            "fetched_at": copy.fetched_at.isoformat(),
            "max_age_s": copy.max_age.total_seconds(),
            "body": copy.body.decode("utf-8", errors="replace"),
        }
        path = self.path_for(url)
        with locked(path):
            write_text_atomic(path, json.dumps(document))
