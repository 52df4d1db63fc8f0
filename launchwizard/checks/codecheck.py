"""The four code checks (code.timeouts, code.retries, code.pooling, code.errors) on `[repo] path`.

They share one scan per run: the first check to ask starts it in a worker thread, the
others await the same task. The repository's secret-scan policy applies here too
(`.launchwizard-secrets.toml`: allowed paths, rules and fingerprints, its baseline; the
inline `launchwizard:allow` markers), files are listed by git where the repository is one
(so .gitignore applies), and every code line shown has its secrets redacted.
"""

from __future__ import annotations

import asyncio
import re
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

from launchwizard.checks.base import CheckContext
from launchwizard.code.engine import Suppressions
from launchwizard.code.scan import CodeScan, scan_code
from launchwizard.code.verdict import Verdict, judge
from launchwizard.errors import UserError
from launchwizard.results import Result, Status
from launchwizard.secrets.engine import ALLOW_MARKERS, NEXT_LINE_MARKER, Scanner, glob_regex
from launchwizard.secrets.policy import load_baseline, load_policy
from launchwizard.secrets.repo import RepoError, list_git_files, probe_repo

NO_REPO = "no [repo] path in sprint.toml: add the product's repository to read its code"
TOKEN_END = re.compile(r"[\s'\"`,;)\]}]")
_RUNS: weakref.WeakKeyDictionary[object, dict[Path, asyncio.Task[CodeScan]]] = weakref.WeakKeyDictionary()


def scan_repository(
    root: Path, *, baseline: Path | None = None, cancel: threading.Event | None = None
) -> CodeScan:
    """One code scan of a repository (or a single file) with its policy, as the checks and
    `launchwizard code` run it. Raises UserError (one line) for an unreadable policy or baseline."""
    base = root if root.is_dir() else root.parent
    policy = load_policy(base)
    chosen = baseline or policy.baseline
    accepted = load_baseline(chosen) if chosen is not None else frozenset()
    suppressions = Suppressions(
        markers=ALLOW_MARKERS,
        next_line_markers=(NEXT_LINE_MARKER,),
        rules=frozenset(policy.allow.rules),
        fingerprints=frozenset(policy.allow.fingerprints),
        path_allowed=_path_rule(policy.allow.paths),
    )
    listed = [root.name] if root.is_file() else _git_listing(base)
    return scan_code(
        base,
        listed=listed,
        suppressions=suppressions,
        guard=redactor(Scanner()),
        accepted=accepted,
        cancel=cancel,
    )


def _git_listing(root: Path) -> list[str] | None:
    """git's tracked and untracked-not-ignored files; None (walk the directory) elsewhere."""
    try:
        if probe_repo(root).kind != "git":
            return None
        tracked, untracked = list_git_files(root)
    except RepoError:
        return None
    return [*tracked, *untracked]


def _path_rule(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    usable = [p for p in patterns if p.strip().strip("/")]
    if not usable:
        return lambda _path: False
    compiled = re.compile("|".join(f"(?:{glob_regex(p)})" for p in usable), re.DOTALL)
    return lambda path: compiled.fullmatch(path) is not None


def redactor(scanner: Scanner) -> Callable[[str], str]:
    """A code line with every secret the secret scanner finds in it replaced by its redacted
    form (first characters and hash), from its column to the end of the token."""

    def guard(line: str) -> str:
        findings = scanner.scan_text(line, "code-line")
        for finding in sorted(findings, key=lambda f: -f.column):
            start = finding.column - 1
            end = TOKEN_END.search(line, start + 1)
            stop = end.start() if end else len(line)
            line = line[:start] + finding.redacted + line[stop:]
        return line

    return guard


async def shared_scan(ctx: CheckContext, root: Path) -> CodeScan:
    """The run's one scan of `root`, started by the first check that asks."""
    scans = _RUNS.setdefault(ctx.net, {})
    task = scans.get(root)
    if task is None:
        task = asyncio.ensure_future(asyncio.to_thread(scan_repository, root))
        scans[root] = task
    return await asyncio.shield(task)


async def _run(ctx: CheckContext, check: str) -> list[Result]:
    root = ctx.sprint.repo
    if root is None:
        return [ctx.result(Status.SKIPPED, NO_REPO)]
    if not root.exists():
        return [ctx.result(Status.ERROR, f"[repo] path {root} does not exist")]
    try:
        scan = await shared_scan(ctx, root)
    except UserError as exc:
        return [ctx.result(Status.ERROR, str(exc))]
    return [as_result(ctx, judge(scan, check))]


def as_result(ctx: CheckContext, verdict: Verdict) -> Result:
    return ctx.result(
        verdict.status, verdict.summary, evidence=verdict.evidence, fix=verdict.fix, severity=verdict.severity
    )


async def timeouts(ctx: CheckContext) -> list[Result]:
    """Outbound HTTP and LLM client calls without an explicit timeout."""
    return await _run(ctx, "code.timeouts")


async def retries(ctx: CheckContext) -> list[Result]:
    """Background jobs without retries, backoff or a dead-letter path."""
    return await _run(ctx, "code.retries")


async def pooling(ctx: CheckContext) -> list[Result]:
    """Database clients created on a request path instead of once per process."""
    return await _run(ctx, "code.pooling")


async def errors(ctx: CheckContext) -> list[Result]:
    """Errors swallowed on request paths, and no error-reporting hook."""
    return await _run(ctx, "code.errors")
