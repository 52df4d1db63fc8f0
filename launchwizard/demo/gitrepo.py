"""Real git repositories built from data in one `git fast-import` run, for tests and benches.

A history scanner has to be tested on real git output (merges, branches, deletions,
binary files, odd paths), and a benchmark needs thousands of commits; committing one by
one through `git commit` costs a process per commit. `git fast-import` takes the whole
history as one stream, so 10,000 commits take a few seconds.

Dates are deterministic (one hour apart from 2024-01-01 unless given), so the same data
always gives the same commit ids. git runs without the user's global or system config,
hooks or identity.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from launchwizard.secrets.gitlog import git_env

FIRST_DATE = 1_704_067_200
"""2024-01-01T00:00:00Z: the author date of the first commit unless one is given."""
DATE_STEP_S = 3600

IDENTITY = {
    "GIT_AUTHOR_NAME": "Launchwizard Demo",
    "GIT_AUTHOR_EMAIL": "demo@example.test",
    "GIT_COMMITTER_NAME": "Launchwizard Demo",
    "GIT_COMMITTER_EMAIL": "demo@example.test",
}


@dataclass(frozen=True)
class Commit:
    """One commit: its file changes (`files`: path -> new content, None deletes) on a branch.

    A branch seen for the first time starts from the tip of `start_from` (default: the
    repository's head branch), or as a new root when that branch has no commits yet.
    `merge` names a branch whose tip becomes a second parent; as with any fast-import
    commit, the merge's tree is the first parent's plus `files` (nothing is merged
    for you). `date` is Unix seconds.
    """

    message: str
    files: Mapping[str, str | bytes | None] = field(default_factory=dict)
    branch: str = "main"
    author: str = "Dana Reyes"
    email: str = "dana@example.test"
    date: int | None = None
    start_from: str | None = None
    merge: str | None = None


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """A git command in `root` with no user config and a fixed identity."""
    return subprocess.run(
        ["git", *args],
        cwd=root,
        env=git_env(IDENTITY),
        check=check,
        capture_output=True,
        text=True,
    )


def build_repo(root: Path, commits: Iterable[Commit], *, head: str = "main", checkout: bool = True) -> Path:
    """`git init` at `root`, import every commit in one fast-import run, check out `head`."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", head)
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=root,
        env=git_env(IDENTITY),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stderr is not None
    try:
        _write_stream(proc.stdin, commits, head)
        proc.stdin.write(b"done\n")
    finally:
        proc.stdin.close()
        errors = proc.stderr.read()
        proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"git fast-import failed: {errors.decode('utf-8', 'replace').strip()}")
    has_head = git(root, "rev-parse", "-q", "--verify", f"refs/heads/{head}", check=False).returncode == 0
    if checkout and has_head:
        git(root, "reset", "-q", "--hard", head)
    return root


def _write_stream(out: IO[bytes], commits: Iterable[Commit], head: str) -> None:
    tips: dict[str, int] = {}
    for mark, commit in enumerate(commits, start=1):
        date = FIRST_DATE + (mark - 1) * DATE_STEP_S if commit.date is None else commit.date
        parents = _parent_lines(commit, tips, head)
        out.write(_commit_block(commit, mark, date, parents))
        tips[commit.branch] = mark


def _parent_lines(commit: Commit, tips: Mapping[str, int], head: str) -> bytes:
    lines = b""
    if commit.branch not in tips:
        base = tips.get(commit.start_from or head)
        if base is not None:
            lines += b"from :%d\n" % base
    if commit.merge is not None:
        if commit.merge not in tips:
            raise ValueError(f"cannot merge {commit.merge!r}: it has no commits yet")
        lines += b"merge :%d\n" % tips[commit.merge]
    return lines


def _commit_block(commit: Commit, mark: int, date: int, parents: bytes) -> bytes:
    ident = f"{commit.author} <{commit.email}> {date} +0000".encode()
    message = commit.message.encode()
    parts = [
        f"commit refs/heads/{commit.branch}\nmark :{mark}\n".encode(),
        b"author " + ident + b"\n",
        b"committer " + ident + b"\n",
        b"data %d\n" % len(message) + message + b"\n",
        parents,
    ]
    for path, content in commit.files.items():
        parts.append(_change(path, content))
    return b"".join(parts) + b"\n"


def _change(path: str, content: str | bytes | None) -> bytes:
    quoted = quote_path(path)
    if content is None:
        return b"D " + quoted + b"\n"
    data = content.encode() if isinstance(content, str) else content
    return b"M 100644 inline " + quoted + b"\n" + b"data %d\n" % len(data) + data + b"\n"


def quote_path(path: str) -> bytes:
    """A path in fast-import's C-style quotes (any byte allowed but NUL)."""
    raw = path.encode("utf-8", "surrogateescape")
    escaped = raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n")
    return b'"' + escaped + b'"'


def clone_shallow(source: Path, dest: Path, *, depth: int = 1, branch: str = "main") -> Path:
    """A shallow clone of a local repository (through file://, so --depth applies)."""
    subprocess.run(
        ["git", "clone", "-q", f"--depth={depth}", "--branch", branch, source.resolve().as_uri(), str(dest)],
        env=git_env(IDENTITY),
        check=True,
        capture_output=True,
    )
    return dest
