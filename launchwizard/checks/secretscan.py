"""`secrets.repo`: the product repository's work tree and every commit on every branch.

The scan reads files and runs git, so it runs in a worker thread: the event loop keeps
serving the other checks, and a deadline or a cancelled run sets the scan's cancel event,
which stops git at once instead of leaving it running.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.errors import UserError
from launchwizard.results import SEVERITY_RANK, Result, Severity, Status
from launchwizard.secrets.model import Finding
from launchwizard.secrets.report import history_advice
from launchwizard.secrets.scan import PathScan, scan_path

MAX_EVIDENCE_FINDINGS = 200
NO_REPO = "no [repo] path in sprint.toml: add the product's repository to scan its code and history"
FIX_ROTATE = (
    "Rotate every key listed, now: revoke it in the provider's dashboard and issue a new one. "
    "Deleting a file or a line does not remove a key from git history (every clone and fork "
    "keeps it), so a key that was ever committed is leaked."
)
FIX_REMOVE = (
    "Then take the keys still in the code out of it: read them from environment variables or "
    "a secret manager, and keep .env files out of git (.gitignore)."
)
FIX_PURGE = "Purging history (git filter-repo) is optional once the keys are rotated."
FIX_PARTLY = (
    "Look at the files named: generated data or dumps do not belong in the repository (add them "
    "to .gitignore, or keep them in object storage); if they must stay, scan them with a tool "
    "meant for large files, or list their paths in allow_paths of .launchwizard-secrets.toml."
)
FIX_ALLOW = (
    "A reviewed false positive: add `launchwizard:allow` on its line, or its fingerprint to "
    "allow_fingerprints in .launchwizard-secrets.toml."
)


async def repo(ctx: CheckContext) -> list[Result]:
    """Scan the work tree and full history; fail on any secret, with rotation advice."""
    root = ctx.sprint.repo
    if root is None:
        return [ctx.result(Status.SKIPPED, NO_REPO)]
    if not root.exists():
        return [ctx.result(Status.ERROR, f"[repo] path {root} does not exist")]
    cancel = threading.Event()
    try:
        scan = await asyncio.to_thread(scan_path, root, history=True, cancel=cancel)
    except asyncio.CancelledError:
        cancel.set()
        raise
    except UserError as exc:
        return [ctx.result(Status.ERROR, str(exc))]
    return [_verdict(ctx, scan)]


def _verdict(ctx: CheckContext, scan: PathScan) -> Result:
    """One result: the worst finding sets status and severity; a gap in history is a warning."""
    report = scan.report
    secrets = [f for f in report.findings if f.severity is not Severity.INFO]
    evidence = _evidence(scan)
    if scan.cancelled:
        return ctx.result(Status.ERROR, "the scan was stopped before it finished", evidence=evidence)
    if secrets:
        worst = max(secrets, key=lambda f: SEVERITY_RANK[f.severity])
        status = Status.WARN if SEVERITY_RANK[worst.severity] <= SEVERITY_RANK[Severity.LOW] else Status.FAIL
        return ctx.result(
            status, _summary(secrets), evidence=evidence, fix=_fix(secrets), severity=worst.severity
        )
    if scan.history_gap:
        summary = f"no secrets in the work tree, but the {scan.history_gap}"
        return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.MEDIUM)
    if scan.incomplete:
        summary = f"no secrets found, but not everything was scanned: {'; '.join(scan.incomplete)}"
        return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.MEDIUM, fix=FIX_PARTLY)
    summary = (
        f"no secrets in {report.stats.get('files', 0)} files and {report.stats.get('commits', 0)} commits"
    )
    return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)


def _summary(secrets: list[Finding]) -> str:
    """How many, and how many are only in history (deleted, yet still leaked)."""
    only_history = sum(1 for f in secrets if f.source == "history" and not f.in_head)
    in_code = len(secrets) - only_history
    kinds = Counter(f.provider for f in secrets)
    names = ", ".join(name for name, _ in kinds.most_common(4))
    parts = []
    if in_code:
        parts.append(f"{in_code} in the code")
    if only_history:
        parts.append(f"{only_history} deleted but still in git history")
    return f"{len(secrets)} secret(s) found ({'; '.join(parts)}): {names}"


def _fix(secrets: list[Finding]) -> str:
    steps = [FIX_ROTATE]
    if any(f.source != "history" or f.in_head for f in secrets):
        steps.append(FIX_REMOVE)
    if any(f.source == "history" for f in secrets):
        steps.append(FIX_PURGE)
    steps.append(FIX_ALLOW)
    return " ".join(steps)


def _evidence(scan: PathScan) -> dict[str, Any]:
    """What was read and every finding, redacted, worst first (capped)."""
    report = scan.report
    ordered = report.ordered()
    evidence: dict[str, Any] = {
        "repository": report.root,
        "scanned": dict(report.stats),
        "findings": [_finding_row(f) for f in ordered[:MAX_EVIDENCE_FINDINGS]],
    }
    if len(ordered) > MAX_EVIDENCE_FINDINGS:
        evidence["findings_not_shown"] = len(ordered) - MAX_EVIDENCE_FINDINGS
    if report.baselined:
        evidence["accepted_in_baseline"] = report.baselined
    if report.notes:
        evidence["notes"] = list(report.notes)
    return evidence


def _finding_row(finding: Finding) -> dict[str, Any]:
    row = finding.to_json()
    advice = history_advice(finding)
    if advice:
        row["advice"] = advice
    return row
