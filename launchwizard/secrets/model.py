"""What a secret finding is, and the only two ways its value is ever shown.

A scanner sees a raw secret for as long as it takes to test and fingerprint it. A
`Finding` never holds the raw value: only a redacted form (its first characters and a
hash) and a fingerprint, so nothing downstream (the runner, the TUI, JSON, SARIF, the
pack, logs) can leak what was found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from launchwizard.results import Severity

Exposure = Literal["secret", "publishable", "identifier", "pii"]
Source = Literal["worktree", "staged", "history", "bundle", "log", "file"]

PREFIX_MAX = 4
SECRET_HASH_CHARS = 8
FINGERPRINT_CHARS = 16


def secret_hash(secret: str) -> str:
    """A short hash of the value alone: the same key in git history, a bundle and a log
    shows the same hash, so an operator can tell it is one key to rotate, not three."""
    digest = hashlib.sha256(b"launchwizard-secret\0" + secret.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:SECRET_HASH_CHARS]


def fingerprint(rule: str, path: str, secret: str) -> str:
    """The identity of a finding for allowlists and baselines: rule, path and the value.

    No line number and no commit, so a baseline does not churn when code moves above the
    secret or when the same file is committed again.
    """
    material = "\0".join((rule, path, secret)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(b"launchwizard-finding\0" + material).hexdigest()[:FINGERPRINT_CHARS]


def redact(secret: str) -> str:
    """First characters and the value's hash: "sk-p…#1a2b3c4d".

    At most four characters, and never more than a quarter of the value, so a short
    password keeps most of itself hidden.
    """
    shown = secret[: min(PREFIX_MAX, len(secret) // 4)]
    return f"{shown}…#{secret_hash(secret)}"


@dataclass(frozen=True)
class Finding:
    """One secret (or piece of personal data) found at one place.

    `line` and `column` are 1-based positions in the file (for history findings, in the
    file as of `commit`). `commit` and `date` (author date, ISO 8601) are None for the
    work tree, a bundle or a log. `in_head` says, for a history finding, whether the same
    value is still in the work tree (None when unknown or not applicable).
    """

    rule: str
    provider: str
    title: str
    severity: Severity
    exposure: Exposure
    path: str
    line: int
    column: int
    redacted: str
    fingerprint: str
    secret_hash: str
    source: Source = "file"
    commit: str | None = None
    date: str | None = None
    in_head: bool | None = None
    note: str = ""

    def with_location(self, **changes: Any) -> Finding:
        """A copy with other location fields (commit, date, path, source, in_head...)."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The `launchwizard secrets --format json` object (issue contract first)."""
        return {
            "rule": self.rule,
            "provider": self.provider,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "commit": self.commit,
            "redacted": self.redacted,
            "fingerprint": self.fingerprint,
            "title": self.title,
            "severity": str(self.severity),
            "exposure": self.exposure,
            "source": self.source,
            "date": self.date,
            "in_head": self.in_head,
            "secret_hash": self.secret_hash,
            "note": self.note,
        }


class SecretScanner(Protocol):
    """What scanners of repositories, bundles, logs and env files need from the rule engine
    (launchwizard.secrets.engine.Scanner); a protocol so those modules do not import it."""

    def skips_path(self, path: str) -> bool: ...

    def scan_text(
        self, text: str, path: str, *, source: Source = "file", line_map: Sequence[int] | None = None
    ) -> list[Finding]: ...

    def scan_bytes(self, data: bytes, path: str, *, source: Source = "file") -> list[Finding]: ...


def make_finding(
    *,
    rule: str,
    provider: str,
    title: str,
    severity: Severity,
    exposure: Exposure,
    path: str,
    line: int,
    column: int,
    secret: str,
    source: Source = "file",
    note: str = "",
) -> Finding:
    """Build a finding from a raw value; the value itself is dropped here."""
    return Finding(
        rule=rule,
        provider=provider,
        title=title,
        severity=severity,
        exposure=exposure,
        path=path,
        line=line,
        column=column,
        redacted=redact(secret),
        fingerprint=fingerprint(rule, path, secret),
        secret_hash=secret_hash(secret),
        source=source,
        note=note,
    )
