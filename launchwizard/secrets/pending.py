"""What is about to leave the machine: the changes staged for the next commit, and the
commits a push sends.

A pre-commit hook must judge what the commit will hold, not the work tree: a scratch file
nobody added and an edit nobody staged are not committed, while a staged key is even if
the work-tree copy was cleaned since. A pre-push hook must judge the pushed commits: a
key committed and removed again inside the pushed range still reaches the remote, and
every clone of it. Both read git's own diff (`git diff --cached`, `git log -p A..B`)
through the same parser and walk as the full history scan.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from launchwizard.secrets.gitlog import staged_diff_argv
from launchwizard.secrets.model import SecretScanner
from launchwizard.secrets.repo import (
    GIT_MISSING,
    MAX_FILE_BYTES,
    NOT_A_REPOSITORY,
    HistoryScan,
    HistoryWalk,
    RepoError,
    checked_root,
    probe_repo,
    run_git,
    scan_history,
    scan_worktree,
    walk_git,
)

_REVISION = re.compile(r"[^\s\-][^\s]{0,1023}")
"""A revision as the hook is handed it (a commit id, a ref, `A..B`): one word, and never an
option (a leading `-` would be read as one)."""


def scan_staged(root: Path, scanner: SecretScanner, *, cancel: threading.Event | None = None) -> HistoryScan:
    """Scan the lines the next commit adds; findings have source "staged" and no commit."""
    root = checked_root(root)
    probe = probe_repo(root)
    if probe.git_missing:
        return HistoryScan(root, unavailable=GIT_MISSING)
    if probe.kind != "git":
        return HistoryScan(root, unavailable=NOT_A_REPOSITORY if probe.kind == "directory" else "no index")
    walk = HistoryWalk(scanner, MAX_FILE_BYTES)
    outcome = walk_git(root, walk, _staged_argv, cancel, "git diff")
    if outcome is None:
        return HistoryScan(root, unavailable=GIT_MISSING)
    cancelled, error = outcome
    findings = [f.with_location(source="staged", commit=None, date=None) for f in walk.findings()]
    return HistoryScan(
        root=root,
        findings=tuple(findings),
        **walk.diff_counts(),
        cancelled=cancelled,
        error=error,
    )


def _staged_argv(attributes: Path) -> list[str]:
    return staged_diff_argv(attributes=attributes)


def scan_commits(
    root: Path, scanner: SecretScanner, revision: str, *, cancel: threading.Event | None = None
) -> HistoryScan:
    """Scan the commits of `revision`: `A..B` (in B, not in A) or `B` (B and every ancestor).

    The work tree is read too, only to tell a key still in the code from one already
    removed (`in_head`). Raises RepoError when a side of the range is not a commit.
    """
    root = checked_root(root)
    probe = probe_repo(root)
    if probe.git_missing or probe.kind == "directory":
        raise RepoError(f"{root}: {GIT_MISSING if probe.git_missing else NOT_A_REPOSITORY}")
    for side in revision.split("..", 1) if ".." in revision else [revision]:
        _check_commit(root, side)
    worktree = scan_worktree(root, scanner, cancel=cancel)
    return scan_history(root, scanner, cancel=cancel, worktree=worktree, revisions=[revision])


def _check_commit(root: Path, revision: str) -> None:
    if not _REVISION.fullmatch(revision):
        raise RepoError(f"{revision!r} is not a revision (expected a commit id or a ref, like HEAD~3)")
    done = run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    if done.returncode != 0:
        raise RepoError(f"{root}: {revision!r} is not a commit of this repository")
