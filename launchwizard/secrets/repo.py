"""Scan a product repository for secrets: its work tree as it is on disk, and every commit.

The work tree answers "what is in the code right now" (uncommitted edits and untracked
files included, ignored files not); the history answers "what was ever pushed", which is
what an attacker with a clone sees. A history finding is reported once, at the commit that
introduced it, and marked `in_head` when the same value is still in the work tree, so the
report can tell "remove it and rotate" from "already removed: rotate".

Only one situation raises: the repository cannot be scanned at all (`RepoError`, one
plain line). Everything else (a plain directory, a shallow or empty repository, binary or
unreadable files, git missing, cancellation, git failing half-way) is reported in the
result, with what was scanned up to then.
"""

from __future__ import annotations

import codecs
import os
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal, TypedDict

from launchwizard.errors import UserError
from launchwizard.safe.tree import RootedFiles
from launchwizard.secrets.gitlog import (
    CommitHeader,
    FileDiff,
    GitStream,
    LogParser,
    discovery_env,
    git_argv,
    log_argv,
    write_attributes,
)
from launchwizard.secrets.model import Finding, SecretScanner

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Work-tree files are scanned this many bytes at a time, and a file diff's added lines are
read up to this size."""
WINDOW_OVERLAP = 64 * 1024
"""Each window after a file's first starts with the last lines of the one before, so a key
(or a PEM block) across a window edge is whole in one of them."""
MAX_STREAMED_BYTES = 256 * 1024 * 1024
"""A work-tree file is scanned to its end up to this size; past it, it is reported as not
fully scanned (a generated file this large holds data, not code)."""
BINARY_SNIFF_BYTES = 8000
"""Like git: a NUL byte in the first 8000 bytes makes a file binary."""
GIT_TIMEOUT_S = 300.0
"""Upper bound for the short git commands (rev-parse, ls-files), so nothing can hang."""

PRUNED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
"""Directories a plain-directory walk does not enter: version control, vendored packages,
virtual environments and tool caches (a git work tree is listed by git instead)."""

NOT_A_REPOSITORY = "not a git repository"
GIT_MISSING = "git is not installed (not found on PATH)"

SkipReason = Literal["path-rule", "symlink", "not-regular", "missing", "unreadable", "binary", "outside-root"]
TreeKind = Literal["git", "directory", "bare"]


class RepoError(UserError):
    """The repository cannot be scanned at all; the message says why in one line."""


@dataclass(frozen=True)
class WorktreeScan:
    """The files of the work tree as they are on disk, and what was found in them.

    `kind` is "git" (tracked plus untracked-not-ignored files, listed by git),
    "directory" (a walk that skips `PRUNED_DIRS`) or "bare" (a repository without a
    work tree: nothing to read). `skipped` counts files not scanned, by reason;
    `truncated_files` were scanned only up to `MAX_STREAMED_BYTES`. `tracked_files` are all
    files in git's index (skipped or not), `untracked_files` the others git does not
    ignore; both are empty for a plain directory.
    """

    root: Path
    kind: TreeKind
    findings: tuple[Finding, ...] = ()
    files_scanned: int = 0
    bytes_scanned: int = 0
    skipped: dict[SkipReason, int] = field(default_factory=dict)
    truncated_files: tuple[str, ...] = ()
    tracked_files: tuple[str, ...] = ()
    untracked_files: tuple[str, ...] = ()
    pruned_dirs: int = 0
    cancelled: bool = False
    notes: tuple[str, ...] = ()

    @property
    def files_skipped(self) -> int:
        """How many listed files were not scanned, whatever the reason."""
        return sum(self.skipped.values())


@dataclass(frozen=True)
class HistoryScan:
    """What `git log -p` of every ref showed, scanned once per blob.

    `unavailable` says why history could not be read at all (not a git repository, git
    missing); `error` says why git stopped part-way (what was read is kept).

    `commits` counts every commit of every ref read from the log (merges too, though a
    merge's own changes are not diffed, as in gitleaks). `blobs_scanned` counts the
    distinct file versions whose added lines were scanned; `blobs_already_seen` the file
    diffs skipped because their blob had been scanned at another commit.
    `binary_skipped` counts binary file diffs at paths the scanner would otherwise read;
    lockfiles, media and other paths the scanner skips are in `path_skipped` (git is
    told not to diff them at all).

    `shallow` means commits before the clone's depth were never seen; `limited` that
    `since`/`max_commits` cut the history on purpose.
    """

    root: Path
    findings: tuple[Finding, ...] = ()
    commits: int = 0
    file_diffs: int = 0
    blobs_scanned: int = 0
    blobs_already_seen: int = 0
    binary_skipped: int = 0
    path_skipped: int = 0
    truncated_diffs: int = 0
    lines_scanned: int = 0
    bytes_scanned: int = 0
    shallow: bool = False
    limited: bool = False
    cancelled: bool = False
    unavailable: str | None = None
    error: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepoScan:
    """A work-tree scan and the history scan that used it for `in_head`."""

    worktree: WorktreeScan
    history: HistoryScan

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Work-tree findings first, then history findings (introducing commit order)."""
        return self.worktree.findings + self.history.findings

    @property
    def cancelled(self) -> bool:
        return self.worktree.cancelled or self.history.cancelled


@dataclass(frozen=True)
class RepoProbe:
    """What git says about a directory before we scan it."""

    kind: TreeKind
    shallow: bool = False
    git_missing: bool = False


# ---------------------------------------------------------------- entry points


def scan_repository(
    root: Path,
    scanner: SecretScanner,
    *,
    cancel: threading.Event | None = None,
    since: str | None = None,
    max_commits: int | None = None,
) -> RepoScan:
    """The work tree, then the history (whose `in_head` uses that work-tree scan)."""
    worktree = scan_worktree(root, scanner, cancel=cancel)
    history = scan_history(
        root, scanner, cancel=cancel, worktree=worktree, since=since, max_commits=max_commits
    )
    return RepoScan(worktree, history)


def scan_worktree(
    root: Path, scanner: SecretScanner, *, cancel: threading.Event | None = None
) -> WorktreeScan:
    """Scan the files of the work tree on disk; findings have source "worktree"."""
    root = checked_root(root)
    probe = probe_repo(root)
    if probe.kind == "bare":
        return WorktreeScan(root, "bare", notes=("a bare repository has no work tree to scan",))
    notes: list[str] = []
    tracked: tuple[str, ...] = ()
    untracked: tuple[str, ...] = ()
    walk = _DirectoryWalk(root)
    if probe.kind == "git":
        tracked, untracked = list_git_files(root)
        candidates: Iterable[str] = (*tracked, *untracked)
    else:
        candidates = walk.files()
        if probe.git_missing and (root / ".git").exists():
            notes.append(f"{GIT_MISSING}: files were listed from disk, so .gitignore was not applied")
    reader = _WorktreeReader(root, scanner)
    cancelled = reader.scan(candidates, cancel)
    return WorktreeScan(
        root=root,
        kind=probe.kind,
        findings=tuple(sorted(reader.findings, key=lambda f: (f.path, f.line, f.column, f.rule))),
        files_scanned=reader.files_scanned,
        bytes_scanned=reader.bytes_scanned,
        skipped=dict(reader.skipped),
        truncated_files=tuple(reader.truncated),
        tracked_files=tracked,
        untracked_files=untracked,
        pruned_dirs=walk.pruned_dirs,
        cancelled=cancelled,
        notes=(*notes, *walk.notes()),
    )


def scan_file(path: Path, scanner: SecretScanner) -> WorktreeScan:
    """One file scanned like a work-tree file (streamed, size-bounded); raises RepoError when it
    cannot be read at all."""
    reader = _WorktreeReader(path.parent.resolve(), scanner)
    reader.scan_one(path.name)
    if reader.skipped and not reader.files_scanned and "binary" not in reader.skipped:
        reason = next(iter(reader.skipped))
        raise RepoError(f"{path}: cannot be read ({reason.replace('-', ' ')})")
    findings = tuple(f.with_location(source="file") for f in reader.findings)
    return WorktreeScan(
        root=path,
        kind="directory",
        findings=findings,
        files_scanned=reader.files_scanned,
        bytes_scanned=reader.bytes_scanned,
        skipped=dict(reader.skipped),
        truncated_files=tuple(reader.truncated),
    )


def scan_history(
    root: Path,
    scanner: SecretScanner,
    *,
    cancel: threading.Event | None = None,
    worktree: WorktreeScan | None = None,
    since: str | None = None,
    max_commits: int | None = None,
    max_diff_bytes: int = MAX_FILE_BYTES,
    revisions: Sequence[str] | None = None,
) -> HistoryScan:
    """Scan the added lines of every commit on every ref, each blob once.

    `worktree` is the work-tree scan that decides `in_head` (scanned here when not
    given). `since` (any date git understands) and `max_commits` (the newest N) limit
    the history on purpose; the result then says `limited`. `revisions` (like `A..B`, the
    commits a push sends) replaces "every ref".
    """
    root = checked_root(root)
    probe = probe_repo(root)
    if probe.git_missing:
        return HistoryScan(root, unavailable=GIT_MISSING)
    if probe.kind == "directory":
        return HistoryScan(root, unavailable=NOT_A_REPOSITORY)
    if worktree is None and probe.kind == "git":
        worktree = scan_worktree(root, scanner, cancel=cancel)
    limited = since is not None or max_commits is not None
    if cancel is not None and cancel.is_set():
        return HistoryScan(root, shallow=probe.shallow, limited=limited, cancelled=True)
    walk = HistoryWalk(scanner, max_diff_bytes)

    def argv_for(attributes: Path) -> list[str]:
        return log_argv(attributes=attributes, since=since, max_commits=max_commits, revisions=revisions)

    outcome = walk_git(root, walk, argv_for, cancel, "git log")
    if outcome is None:
        return HistoryScan(root, unavailable=GIT_MISSING)
    cancelled, error = outcome
    return HistoryScan(
        root=root,
        findings=tuple(_mark_in_head(walk.findings(), worktree)),
        commits=walk.commits,
        blobs_already_seen=walk.blobs_already_seen,
        **walk.diff_counts(),
        shallow=probe.shallow,
        limited=limited,
        cancelled=cancelled,
        error=error,
        notes=() if revisions else history_notes(probe, walk.commits, limited),
    )


def walk_git(
    root: Path,
    walk: HistoryWalk,
    argv_for: Callable[[Path], list[str]],
    cancel: threading.Event | None,
    command: str,
) -> tuple[bool, str | None] | None:
    """Feed git's patch output through `walk`: `argv_for` gets the attributes file that keeps
    git from converting text, in a scratch directory removed afterwards. Returns (cancelled,
    error: `command` and git's first line when git failed), or None when git cannot start."""
    with tempfile.TemporaryDirectory(prefix="launchwizard-git-") as scratch:
        argv = argv_for(write_attributes(Path(scratch)))
        try:
            stream = GitStream(argv, cwd=root, env=discovery_env(root))
        except FileNotFoundError:
            return None
        with stream:
            walk.run(stream, cancel)
            cancelled = walk.stopped or not stream.finished
            returncode, stderr = stream.close()
    error = None if cancelled or returncode == 0 else f"{command} stopped: {first_line(stderr, returncode)}"
    return cancelled, error


# ---------------------------------------------------------------- the repository


def checked_root(root: Path) -> Path:
    """The absolute, resolved directory to scan, or RepoError saying why it cannot be."""
    try:
        resolved = Path(root).expanduser().resolve(strict=True)
    except FileNotFoundError:
        raise RepoError(f"{root}: no such directory") from None
    except (OSError, RuntimeError) as exc:
        raise RepoError(f"{root}: cannot be opened ({_reason(exc)})") from None
    if not resolved.is_dir():
        raise RepoError(f"{root}: not a directory")
    if not os.access(resolved, os.R_OK | os.X_OK):
        raise RepoError(f"{root}: permission denied")
    return resolved


def run_git(root: Path, *args: str, timeout: float = GIT_TIMEOUT_S) -> subprocess.CompletedProcess[bytes]:
    """A short git command in `root` (FileNotFoundError when git is missing)."""
    try:
        return subprocess.run(
            git_argv(*args),
            cwd=root,
            env=discovery_env(root),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise RepoError(f"{root}: git did not answer within {timeout:g} s") from None


def probe_repo(root: Path, *, timeout: float = GIT_TIMEOUT_S) -> RepoProbe:
    """Is `root` the top of a git repository (with a work tree?), and is it shallow?"""
    try:
        done = run_git(
            root,
            "rev-parse",
            "--is-bare-repository",
            "--is-inside-git-dir",
            "--is-shallow-repository",
            timeout=timeout,
        )
    except FileNotFoundError:
        return RepoProbe("directory", git_missing=True)
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "not a git repository" in stderr:
            return RepoProbe("directory")
        if "dubious ownership" in stderr:
            raise RepoError(f"{root}: git refuses to read a repository owned by another user")
        raise RepoError(f"{root}: git cannot read this repository: {first_line(stderr, done.returncode)}")
    bare, inside_git_dir, shallow = [*done.stdout.decode().split(), "", "", ""][:3]
    no_work_tree = "true" in (bare, inside_git_dir)
    return RepoProbe("bare" if no_work_tree else "git", shallow=shallow == "true")


def list_git_files(root: Path, *, timeout: float = GIT_TIMEOUT_S) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(tracked files, untracked files git does not ignore), as paths relative to root."""
    tracked = _ls_files(root, "--cached", timeout=timeout)
    untracked = _ls_files(root, "--others", "--exclude-standard", timeout=timeout)
    return tracked, untracked


def _ls_files(root: Path, *which: str, timeout: float) -> tuple[str, ...]:
    """`git ls-files -z`, with the work tree pinned to root (a core.worktree in the
    repository's config could otherwise send the untracked-file walk elsewhere)."""
    done = run_git(root, f"--work-tree={root}", "ls-files", "-z", *which, timeout=timeout)
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        raise RepoError(f"{root}: git cannot list the files: {first_line(stderr, done.returncode)}")
    names = (os.fsdecode(raw) for raw in done.stdout.split(b"\0") if raw)
    return tuple(dict.fromkeys(names))


def history_notes(probe: RepoProbe, commits: int, limited: bool) -> tuple[str, ...]:
    """Plain sentences about what the history scan could not see."""
    notes = []
    if probe.shallow:
        notes.append(
            "shallow clone: commits older than the clone depth were not scanned "
            "(run `git fetch --unshallow` for a full history scan)"
        )
    if commits == 0 and not limited:
        notes.append("the repository has no commits yet")
    if limited:
        notes.append("history was limited (since / max commits): older commits were not scanned")
    return tuple(notes)


def first_line(stderr: str, returncode: int) -> str:
    """git's first error line without the "fatal: " prefix, or the exit code."""
    for line in stderr.splitlines():
        text = line.strip().removeprefix("fatal:").removeprefix("error:").strip()
        if text:
            return text
    return f"exit code {returncode}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


# ---------------------------------------------------------------- work tree


class _DirectoryWalk:
    """The files under a plain directory, sorted, without `PRUNED_DIRS` or symlinked dirs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pruned_dirs = 0
        self.unreadable_dirs = 0

    def files(self) -> Iterator[str]:
        for dirpath, dirnames, filenames in os.walk(self.root, onerror=self._unreadable):
            kept = sorted(d for d in dirnames if d not in PRUNED_DIRS)
            self.pruned_dirs += len(dirnames) - len(kept)
            dirnames[:] = kept
            relative_dir = os.path.relpath(dirpath, self.root)
            for name in sorted(filenames):
                path = name if relative_dir == "." else os.path.join(relative_dir, name)
                yield path.replace(os.sep, "/")

    def _unreadable(self, _error: OSError) -> None:
        self.unreadable_dirs += 1

    def notes(self) -> tuple[str, ...]:
        if not self.unreadable_dirs:
            return ()
        return (f"{self.unreadable_dirs} directories could not be listed (permission denied)",)


class _WorktreeReader:
    """Reads listed files safely (no symlinks, no FIFOs, size cap) and scans them."""

    def __init__(self, root: Path, scanner: SecretScanner) -> None:
        self.root = root
        self.scanner = scanner
        self.findings: list[Finding] = []
        self.files_scanned = 0
        self.bytes_scanned = 0
        self.skipped: Counter[SkipReason] = Counter()
        self.truncated: list[str] = []
        self._files = RootedFiles(root)

    def scan(self, paths: Iterable[str], cancel: threading.Event | None) -> bool:
        """Scan each path; True when `cancel` stopped the scan before the end."""
        for path in paths:
            if cancel is not None and cancel.is_set():
                return True
            self.scan_one(path)
        return False

    def scan_one(self, path: str) -> None:
        if self.scanner.skips_path(path):
            self.skipped["path-rule"] += 1
            return
        handle = self._files.open(path)
        if isinstance(handle, str):
            self.skipped[handle] += 1
            return
        with handle:
            try:
                first = handle.read(MAX_FILE_BYTES)
                if b"\0" in first[:BINARY_SNIFF_BYTES]:
                    self.skipped["binary"] += 1
                    return
                self.files_scanned += 1
                self._scan_windows(handle, first, path)
            except OSError:
                self.skipped["unreadable"] += 1

    def _scan_windows(self, handle: BinaryIO, data: bytes, path: str) -> None:
        """The whole file, MAX_FILE_BYTES at a time with an overlap, so memory stays bounded
        whatever its size; a finding seen twice in an overlap is kept once."""
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        line, total, seen = 1, len(data), set()
        while True:
            following = handle.read(MAX_FILE_BYTES) if total < MAX_STREAMED_BYTES else b""
            total += len(following)
            text = data.decode("utf-8", "surrogateescape")
            lines = range(line, line + text.count("\n") + 1)
            for finding in self.scanner.scan_text(text, path, source="worktree", line_map=lines):
                if (finding.line, finding.fingerprint) not in seen:
                    seen.add((finding.line, finding.fingerprint))
                    self.findings.append(finding)
            if not following:
                break
            cut = data.find(b"\n", max(0, len(data) - WINDOW_OVERLAP))
            cut = cut + 1 if cut >= 0 else max(0, len(data) - WINDOW_OVERLAP)
            line += data.count(b"\n", 0, cut)
            data = data[cut:] + following
        self.bytes_scanned += total
        if total >= MAX_STREAMED_BYTES and handle.read(1):
            self.truncated.append(path)


# ---------------------------------------------------------------- history


class DiffCounts(TypedDict):
    """The counters every patch scan reports (HistoryScan fields), of commits or of the index."""

    file_diffs: int
    blobs_scanned: int
    binary_skipped: int
    path_skipped: int
    truncated_diffs: int
    lines_scanned: int
    bytes_scanned: int


class HistoryWalk:
    """Consumes log events: which file diffs to scan, the scanning, the counting, the
    first finding per fingerprint (the log runs oldest first, so first = introducing)."""

    def __init__(self, scanner: SecretScanner, max_diff_bytes: int) -> None:
        self.scanner = scanner
        self.parser = LogParser(self.accept, max_bytes=max_diff_bytes)
        self.commit = CommitHeader(sha="", date="")
        self.commits = self.file_diffs = self.blobs_scanned = self.blobs_already_seen = 0
        self.binary_skipped = self.path_skipped = self.truncated_diffs = 0
        self.lines_scanned = self.bytes_scanned = 0
        self.stopped = False
        self._seen_blobs: set[str] = set()
        self._path_skipped: dict[str, bool] = {}
        self._by_fingerprint: dict[str, Finding] = {}

    def diff_counts(self) -> DiffCounts:
        """The counters every patch scan reports, whether of commits or of the index."""
        return DiffCounts(
            file_diffs=self.file_diffs,
            blobs_scanned=self.blobs_scanned,
            binary_skipped=self.binary_skipped,
            path_skipped=self.path_skipped,
            truncated_diffs=self.truncated_diffs,
            lines_scanned=self.lines_scanned,
            bytes_scanned=self.bytes_scanned,
        )

    def run(self, stream: GitStream, cancel: threading.Event | None) -> None:
        for event in self.parser.parse(stream.lines(cancel)):
            if cancel is not None and cancel.is_set():
                self.stopped = True
                return
            if isinstance(event, CommitHeader):
                self.commit = event
                self.commits += 1
            else:
                self.take(event)

    def accept(self, path: str, blob: str | None) -> bool:
        """Scan this file diff? Not when its blob was scanned before or its path is skipped."""
        if blob is not None and blob in self._seen_blobs:
            self.blobs_already_seen += 1
            return False
        if self.skips(path):
            self.path_skipped += 1
            return False
        if blob is not None:
            self._seen_blobs.add(blob)
        self.blobs_scanned += 1
        return True

    def skips(self, path: str) -> bool:
        """The scanner's path rule, asked once per path."""
        skipped = self._path_skipped.get(path)
        if skipped is None:
            skipped = self._path_skipped[path] = self.scanner.skips_path(path)
        return skipped

    def take(self, diff: FileDiff) -> None:
        if diff.binary:
            if self.skips(diff.path):
                self.path_skipped += 1
            else:
                self.binary_skipped += 1
            return
        if not diff.accepted or not diff.line_numbers:
            return
        self.file_diffs += 1
        self.lines_scanned += len(diff.line_numbers)
        self.bytes_scanned += diff.size
        self.truncated_diffs += diff.truncated
        found = self.scanner.scan_text(diff.text(), diff.path, source="history", line_map=diff.line_numbers)
        for finding in found:
            if finding.fingerprint not in self._by_fingerprint:
                self._by_fingerprint[finding.fingerprint] = finding.with_location(
                    source="history", commit=self.commit.sha, date=self.commit.date, path=diff.path
                )

    def findings(self) -> list[Finding]:
        return list(self._by_fingerprint.values())


def _mark_in_head(findings: Iterable[Finding], worktree: WorktreeScan | None) -> Iterator[Finding]:
    """Set in_head from the work-tree scan (None when there was no complete one)."""
    if worktree is None or worktree.kind == "bare" or worktree.cancelled:
        yield from findings
        return
    present = {(f.rule, f.secret_hash) for f in worktree.findings}
    for finding in findings:
        yield finding.with_location(in_head=(finding.rule, finding.secret_hash) in present)
