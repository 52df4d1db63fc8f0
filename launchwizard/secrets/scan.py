"""One secret scan of a path, as both `launchwizard secrets` and the `secrets.repo` check run it.

The repository's policy (allowlist, baseline) is applied here, history findings that are
still in the work tree are folded into their work-tree finding, and what could not be
read becomes a note, so the command and the check report the same thing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.model import Finding
from launchwizard.secrets.policy import Policy, load_baseline, load_policy, split_baselined
from launchwizard.secrets.repo import (
    MAX_FILE_BYTES,
    MAX_STREAMED_BYTES,
    HistoryScan,
    RepoError,
    WorktreeScan,
    scan_file,
    scan_history,
    scan_worktree,
)
from launchwizard.secrets.report import ScanReport

SHALLOW_NOTE = "shallow clone: commits older than the clone's depth were not scanned"


@dataclass
class PathScan:
    """A finished scan: the report, and whether history was asked for but not fully read."""

    report: ScanReport
    worktree: WorktreeScan | None = None
    history: HistoryScan | None = None
    history_gap: str | None = None
    cancelled: bool = False
    known: list[Finding] = field(default_factory=list)

    @property
    def incomplete(self) -> list[str]:
        """What was not read to its end: a scan with any of these cannot say "no secrets"."""
        gaps = []
        if self.worktree is not None and self.worktree.truncated_files:
            gaps.append(partly_scanned_files(self.worktree.truncated_files))
        if self.history is not None and self.history.truncated_diffs:
            gaps.append(partly_scanned_diffs(self.history.truncated_diffs))
        return gaps


def partly_scanned_files(paths: tuple[str, ...]) -> str:
    shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    return f"{len(paths)} file(s) larger than {MAX_STREAMED_BYTES // 2**20} MB scanned only that far: {shown}"


def partly_scanned_diffs(count: int) -> str:
    limit = MAX_FILE_BYTES // 2**20
    return f"{count} commit diff(s) with more than {limit} MB of added lines scanned only that far"


def scan_path(
    root: Path,
    *,
    history: bool,
    baseline: Path | None = None,
    cancel: threading.Event | None = None,
) -> PathScan:
    """Scan a file, a directory or a repository (and its history when asked).

    `baseline` overrides the policy's own. Raises UserError subclasses (a missing path, an
    unreadable policy or baseline) with one plain line.
    """
    policy = load_policy(root if root.is_dir() else root.parent)
    scanner = Scanner(allow=policy.allow)
    worktree = scan_file(root, scanner) if root.is_file() else scan_worktree(root, scanner, cancel=cancel)
    notes = list(worktree.notes)
    found = list(worktree.findings)
    stats = {"files": worktree.files_scanned, "files_skipped": worktree.files_skipped}
    if worktree.truncated_files:
        stats["files_partly_scanned"] = len(worktree.truncated_files)
        notes.append(partly_scanned_files(worktree.truncated_files))
    scan = None
    gap = None
    if history:
        scan = scan_history(root, scanner, cancel=cancel, worktree=worktree)
        gap = history_gap(scan)
        notes.extend(scan.notes)
        if gap:
            notes.append(gap)
        reviewed = scanner.allowed_inline
        found = merge_history(found, [f for f in scan.findings if f.fingerprint not in reviewed])
        stats.update(commits=scan.commits, blobs=scan.blobs_scanned)
        if scan.truncated_diffs:
            stats["diffs_partly_scanned"] = scan.truncated_diffs
            notes.append(partly_scanned_diffs(scan.truncated_diffs))
    result = _finish(root, policy, baseline, found, notes, stats, history=history)
    result.worktree, result.history, result.history_gap = worktree, scan, gap
    result.cancelled = worktree.cancelled or bool(scan and scan.cancelled)
    return result


def scan_pending(
    root: Path,
    *,
    commits: str | None = None,
    baseline: Path | None = None,
    cancel: threading.Event | None = None,
) -> PathScan:
    """What is about to be published, with the repository's policy and baseline: the
    staged changes, or with `commits` the commits of that range (`A..B`, or `B` and its
    ancestors). A scan git could not finish raises RepoError: a hook must not pass what
    it did not read."""
    from launchwizard.secrets.pending import scan_commits, scan_staged

    policy = load_policy(root)
    scanner = Scanner(allow=policy.allow)
    if commits is None:
        scan, scope = scan_staged(root, scanner, cancel=cancel), "staged changes"
    else:
        scan, scope = scan_commits(root, scanner, commits, cancel=cancel), f"commits {commits}"
    if scan.unavailable or scan.error:
        raise RepoError(f"{root}: {scope} not scanned: {scan.unavailable or scan.error}")
    reviewed = scanner.allowed_inline
    found = [f for f in scan.findings if f.fingerprint not in reviewed]
    stats = {"files": scan.file_diffs, "commits": scan.commits, "blobs": scan.blobs_scanned}
    result = _finish(root, policy, baseline, found, list(scan.notes), stats, history=commits is not None)
    result.report.scope = scope
    result.history, result.cancelled = scan, scan.cancelled
    return result


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RepoError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _finish(
    root: Path,
    policy: Policy,
    baseline: Path | None,
    found: list[Finding],
    notes: list[str],
    stats: dict[str, int],
    *,
    history: bool = False,
) -> PathScan:
    chosen = baseline or policy.baseline
    accepted = load_baseline(chosen) if chosen is not None else frozenset()
    new, known = split_baselined(found, accepted)
    report = ScanReport(
        root=str(root), findings=new, baselined=len(known), history=history, stats=stats, notes=notes
    )
    return PathScan(report=report, known=known)


def history_gap(scan: HistoryScan) -> str | None:
    """Why the history scan did not see every commit, or None when it did."""
    if scan.unavailable:
        return f"history not scanned: {scan.unavailable}"
    if scan.error:
        return f"history scan stopped early: {scan.error}"
    if scan.cancelled:
        return "history scan cancelled before the end"
    if scan.shallow:
        return SHALLOW_NOTE
    return None


def merge_history(worktree: list[Finding], history: list[Finding]) -> list[Finding]:
    """Work-tree findings, plus the history findings that are not the same finding.

    A key still in the code appears once, at its place in the work tree, with the commit
    that introduced it in its note; a key that is only in history keeps its commit.
    """
    introduced = {f.fingerprint: f for f in history if f.in_head}
    merged = []
    for finding in worktree:
        origin = introduced.get(finding.fingerprint)
        if origin is not None and origin.commit:
            since = f"in git history since commit {origin.commit[:12]}"
            note = f"{finding.note}; {since}" if finding.note else since
            finding = finding.with_location(note=note)
        merged.append(finding)
    in_tree = {f.fingerprint for f in worktree}
    merged.extend(f for f in history if f.fingerprint not in in_tree)
    return merged
