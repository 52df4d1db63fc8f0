"""`logs.redaction`: the product's logs hold no credentials and no raw customer data.

Every file the `[logs]` globs match is read (plain, JSON lines, gzip/bzip2/xz) and run
through the secret engine's rules and the log detectors (`launchwizard.secrets.pii`).
How each kind of finding counts, and why:

- **credentials** (any key the engine knows, Authorization and API-key headers, passwords
  in URLs, tokens in query strings, cookies and logged fields): **fail, critical**. A
  credential in a log is a leaked credential: logs are shipped to log services, support
  tickets and laptops and kept for months, so it must be rotated, not just removed.
  Engine findings the engine itself rates lower (a bare JSON Web Token it cannot tell
  is live: medium; test-mode keys: low) fail at medium and warn at low.
- **card numbers** (Luhn-valid, a real card network): **fail, high**. PCI DSS forbids
  storing a full card number unprotected, and one in a log puts every log store in scope.
- **customer chat messages** (prompts, completions, chat turns in full): **fail, high**.
  They are the most sensitive thing a chatbot holds (customers paste anything into a
  chat), and the fix is quick: log ids and lengths, not text.
- **e-mail addresses and phone numbers**: **warn, medium**. Raw personal data kept longer
  and wider than needed (GDPR data minimisation), but usually logged as an identifier on
  purpose; the fix (log the user id) is a follow-up, not a launch blocker.
- **publishable keys, identifiers, published test cards, masked values**: reported as
  information; masked values are a good sign that redaction is already in place.

No file matched: warn (nothing was checked). No file readable: error. A scan stopped by
the time limit: warn, since the rest of the logs were not read.
"""

from __future__ import annotations

import asyncio
import glob
import time
from pathlib import Path
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.results import SEVERITY_RANK, Result, Severity, Status
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.logscan import KindInfo, Limits, LogScan, MiB, scan_logs
from launchwizard.secrets.model import Finding
from launchwizard.secrets.pii import KINDS
from launchwizard.secrets.policy import repo_allowlist

NO_LOGS = "no [logs] globs in sprint.toml: add globs of the product's log files to check them"
BUDGET_SHARE = 0.8
"""Part of the check's budget the scan may use before it stops and reports what it read."""
DEFAULT_BUDGET_S = 120.0

FIX_ROTATE = (
    "Rotate every credential listed now (revoke it at the provider and issue a new one): "
    "everyone who can read these logs, and every log service and archive they were shipped to, "
    "has it."
)
FIX_HEADERS = (
    "Stop logging credentials at the source: in the HTTP logging middleware and the HTTP "
    "client's debug logging, redact the Authorization, Proxy-Authorization, Cookie, Set-Cookie "
    "and x-api-key headers; log URLs without their query string (or with token, key, "
    "password, secret and sig parameters masked); never log request bodies or config objects "
    "whole; log connection URLs with the password removed."
)
FIX_CARDS = (
    "Remove card numbers from logging entirely (log at most the last 4 digits and the card "
    "network), then purge or lock down the log files and archives that held them (PCI DSS 3.3, 3.4)."
)
FIX_CHAT = (
    "Log conversation and message ids, lengths, token counts and latency, not the text of "
    "prompts, messages and completions; if transcripts must be kept, store them in the "
    "database with retention and access control, not in logs."
)
FIX_CONTACT = (
    "Log the user id instead of e-mail addresses and phone numbers (a keyed hash if support "
    "must correlate), and shorten the retention of the logs that already hold them."
)
ROTATE_ADVICE = "readable by everyone with log access: rotate it, then stop logging it"
FIX_NO_FILES = "Check the [logs] globs: they are relative to the sprint.toml directory and support **."


async def logs(ctx: CheckContext) -> list[Result]:
    """Scan the `[logs]` files in a worker thread, within the check's time budget."""
    patterns = ctx.sprint.logs
    if not patterns:
        return [ctx.result(Status.SKIPPED, NO_LOGS)]
    budget = ctx.spec.budget_s or DEFAULT_BUDGET_S
    limits = Limits(deadline=time.monotonic() + BUDGET_SHARE * budget)
    root = ctx.sprint.path.parent
    try:
        scan = await asyncio.to_thread(
            scan_logs, patterns, Scanner(allow=repo_allowlist(ctx.sprint.repo)), limits, display_root=root
        )
    except OSError as exc:
        return [ctx.result(Status.ERROR, f"could not read the logs: {exc.strerror or exc}")]
    return [verdict(ctx, scan, root)]


def verdict(ctx: CheckContext, scan: LogScan, root: Path) -> Result:
    """One result: the worst kind found sets status and severity."""
    evidence = evidence_of(scan, root)
    if not scan.files:
        return _nothing_read(ctx, scan, evidence)
    ratings = {kind: _rating(scan.kinds[kind]) for kind in scan.counts}
    problems = {kind: rating for kind, rating in ratings.items() if rating is not None}
    if problems:
        status, severity = max(problems.values(), key=_rank)
        kinds = set(problems)
        summary = _problem_summary(scan, kinds)
        return ctx.result(status, summary, evidence=evidence, fix=_fix(scan, kinds), severity=severity)
    if scan.lines == 0:
        summary = f"the {len(scan.files)} matched log file(s) held no lines to read, so nothing was checked"
        partly = _partly_read(scan)
        if partly:
            summary += f" ({partly[0]})"
        return ctx.result(Status.WARN, summary, evidence=evidence, fix=FIX_NO_FILES, severity=Severity.MEDIUM)
    summary = _clean_summary(scan)
    if scan.stopped or _partly_read(scan):
        return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.LOW)
    return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)


def _partly_read(scan: LogScan) -> list[str]:
    """Files that were not read to their end (cut at a limit, or damaged part-way)."""
    return [f"{file.path}: {file.cut or file.damaged}" for file in scan.files if file.cut or file.damaged]


def _nothing_read(ctx: CheckContext, scan: LogScan, evidence: dict[str, Any]) -> Result:
    if scan.unreadable:
        path, reason = scan.unreadable[0]
        summary = f"no log file could be read ({len(scan.unreadable)} unreadable; {path}: {reason})"
        return ctx.result(Status.ERROR, summary, evidence=evidence)
    if scan.skipped:
        path, reason = scan.skipped[0]
        summary = f"no readable text log among the matched files ({path}: {reason})"
        return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.MEDIUM)
    summary = "no file matched the [logs] globs, so nothing was checked"
    return ctx.result(Status.WARN, summary, evidence=evidence, fix=FIX_NO_FILES, severity=Severity.MEDIUM)


# ---------------------------------------------------------------- rating


def _rating(info: KindInfo) -> tuple[Status, Severity] | None:
    """How one kind of finding counts (see the module docstring); None: information only."""
    if info.severity is Severity.INFO or info.exposure in ("publishable", "identifier"):
        return None
    if info.credential:
        if SEVERITY_RANK[info.severity] >= SEVERITY_RANK[Severity.HIGH]:
            return Status.FAIL, Severity.CRITICAL
        if SEVERITY_RANK[info.severity] >= SEVERITY_RANK[Severity.MEDIUM]:
            return Status.FAIL, info.severity
        return Status.WARN, info.severity
    if SEVERITY_RANK[info.severity] >= SEVERITY_RANK[Severity.HIGH]:
        return Status.FAIL, info.severity
    return Status.WARN, info.severity


def _rank(rating: tuple[Status, Severity]) -> tuple[int, int]:
    status, severity = rating
    return (2 if status is Status.FAIL else 1), SEVERITY_RANK[severity]


# ---------------------------------------------------------------- words


def _count_phrase(scan: LogScan, kind: str) -> str:
    count, distinct = scan.counts[kind], scan.distinct(kind)
    counted = KINDS[kind].counted(count) if kind in KINDS else f"{count:,} × {scan.kinds[kind].title}"
    different = f" ({distinct} different)" if 1 < distinct < count else ""
    return counted + different


def _problem_summary(scan: LogScan, kinds: set[str]) -> str:
    """The worst group first: credentials, then card numbers and chat, then contact data."""
    credentials = sorted((k for k in kinds if scan.kinds[k].credential), key=lambda k: -scan.counts[k])
    personal = sorted(
        (k for k in kinds if k not in credentials), key=lambda k: -SEVERITY_RANK[scan.kinds[k].severity]
    )
    parts = []
    if credentials:
        total = sum(scan.counts[k] for k in credentials)
        listed = ", ".join(_count_phrase(scan, k) for k in credentials)
        parts.append(f"{total:,} credential{'s' if total != 1 else ''} in the logs: {listed}")
    if personal:
        listed = ", ".join(_count_phrase(scan, k) for k in personal)
        parts.append(f"raw customer data: {listed}" if not credentials else f"also {listed}")
    files = sum(1 for file in scan.files if any(k in file.counts for k in kinds))
    return f"{'; '.join(parts)} (in {files} of {len(scan.files)} files)"


def _clean_summary(scan: LogScan) -> str:
    summary = f"no secrets or customer data in {scan.lines:,} lines of {len(scan.files)} log files"
    if scan.masked:
        summary += f" ({scan.masked:,} values already masked)"
    if scan.stopped:
        summary += f", but {scan.stopped}"
    partly = _partly_read(scan)
    if partly:
        summary += f", but {len(partly)} file(s) were not read to the end ({partly[0]})"
    return summary


def _fix(scan: LogScan, kinds: set[str]) -> str:
    steps = []
    if any(scan.kinds[k].credential for k in kinds):
        steps += [FIX_ROTATE, FIX_HEADERS]
    if "card" in kinds:
        steps.append(FIX_CARDS)
    if "chat-content" in kinds:
        steps.append(FIX_CHAT)
    if kinds & {"email", "phone"}:
        steps.append(FIX_CONTACT)
    return " ".join(steps)


# ---------------------------------------------------------------- evidence


def evidence_of(scan: LogScan, root: Path) -> dict[str, Any]:
    """Counts, samples (redacted), per-file figures and what was not read: never a value."""
    evidence: dict[str, Any] = {
        "scanned": {
            "files": len(scan.files),
            "lines": scan.lines,
            "bytes": scan.bytes_read,
            "megabytes": round(scan.bytes_read / MiB, 1),
        },
        "patterns": [{"glob": _shown_glob(p, root), "files": n} for p, n in scan.patterns],
        "counts": dict(sorted(scan.counts.items())),
        "distinct": {kind: scan.distinct(kind) for kind in sorted(scan.counts)},
        "kinds": {
            kind: {"title": info.title, "exposure": info.exposure, "severity": str(info.severity)}
            for kind, info in sorted(scan.kinds.items())
        },
        "samples": {kind: [s.to_json() for s in samples] for kind, samples in sorted(scan.samples.items())},
        "masked": scan.masked,
        "files": [file.to_json() for file in scan.files],
        "findings": [{**finding.to_json(), "advice": ROTATE_ADVICE} for finding in _in_file_order(scan)],
    }
    if scan.unmatched_patterns:
        evidence["unmatched_globs"] = [_shown_glob(p, root) for p in scan.unmatched_patterns]
    if scan.skipped:
        evidence["skipped"] = [{"path": path, "reason": reason} for path, reason in scan.skipped]
    if scan.unreadable:
        evidence["unreadable"] = [{"path": path, "reason": reason} for path, reason in scan.unreadable]
    if scan.stopped:
        evidence["stopped"] = scan.stopped
    return evidence


def _in_file_order(scan: LogScan) -> list[Finding]:
    order = {file.path: index for index, file in enumerate(scan.files)}
    return sorted(scan.credentials.values(), key=lambda f: (order.get(f.path, 0), f.line, f.column))


def _shown_glob(pattern: str, root: Path) -> str:
    """A glob as the operator wrote it: relative to the sprint.toml directory when it is."""
    prefix = f"{glob.escape(str(root))}/"
    return pattern[len(prefix) :] if pattern.startswith(prefix) else pattern
