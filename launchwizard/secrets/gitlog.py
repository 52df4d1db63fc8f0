"""Running git safely on a repository we do not trust, and reading `git log -p` as it streams.

The repository being scanned belongs to a client, so its own config must not be able to run
a program (fsmonitor, hooks, external diff, textconv, pager), reach the network (lazy
fetches of a partial clone, credential prompts) or change the shape of the output the
parser relies on (prefixes, quoting, root commits, signatures). Every git command goes
through `git_argv` and `git_env` for that.

`git log -p` of a large history is tens of megabytes; `GitStream` reads it in big chunks
on a thread, so git keeps writing while Python scans, and `LogParser` walks the lines
once, keeping only the added lines of the file diffs the caller wants.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

SAFETY_CONFIG: tuple[str, ...] = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.quotePath=false",
    "diff.external=",
    "log.showRoot=true",
    "log.showSignature=false",
    "protocol.allow=never",
)
"""Config given on the command line, which wins over the repository's own .git/config."""

COMMIT_MARKER = b"\x00commit "
"""Starts the line git prints for each commit; no diff line can start with a NUL byte."""

NO_DIFF_EXTENSIONS = (
    "png", "jpg", "jpeg", "gif", "ico", "webp", "bmp", "tif", "tiff", "woff", "woff2", "ttf",
    "otf", "eot", "pdf", "zip", "gz", "tgz", "jar", "wasm", "mp3", "mp4", "mov",
)  # fmt: skip
NO_DIFF_PATTERNS: tuple[str, ...] = (
    "*.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "**/node_modules/**",
    *(f"*.{ext}" for ext in NO_DIFF_EXTENSIONS),
)
"""Paths whose diffs git should not compute: lockfiles and vendored packages (large text
diffs that never hold a credential) and media/archives (binary anyway). They are given
the `-diff` attribute, so git prints "Binary files ... differ" without diffing or even
reading the blobs. Unlike pathspec excludes, which make git compare every commit's trees
a second time (half again the cost of the whole log), attributes cost nothing per commit."""

CHUNK_BYTES = 1 << 20
BATCH_BYTES = 256 << 10
QUEUE_CHUNKS = 8
PIPE_BYTES = 1 << 20
POLL_S = 0.05

_HUNK = re.compile(rb"@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_PLUS, _MINUS, _SPACE, _BACKSLASH = 43, 45, 32, 92
_C_ESCAPES = {ord("a"): 7, ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12, ord("r"): 13}


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A minimal environment: no user or system config, no prompts, no inherited GIT_DIR.

    Starting from scratch (PATH only) rather than from os.environ drops GIT_DIR,
    GIT_WORK_TREE, GIT_INDEX_FILE and the like, which would point git at another
    repository than the one we were asked to scan.
    """
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
    }
    if extra:
        env.update(extra)
    return env


def git_argv(*args: str) -> list[str]:
    """`git -c <safety>... <args>`: the argv of every git command we run."""
    argv = ["git"]
    for setting in SAFETY_CONFIG:
        argv += ["-c", setting]
    return [*argv, *args]


def discovery_env(root: Path) -> dict[str, str]:
    """git_env that stops repository discovery at `root`: a subdirectory of some other
    repository is then a plain directory, never a window onto that other repository."""
    return git_env({"GIT_CEILING_DIRECTORIES": str(root.parent)})


def write_attributes(directory: Path) -> Path:
    """An attributes file marking `NO_DIFF_PATTERNS` as not diffable, for `log_argv`."""
    path = directory / "attributes"
    path.write_text("".join(f"{pattern} -diff\n" for pattern in NO_DIFF_PATTERNS), encoding="utf-8")
    return path


DIFF_OPTIONS = (
    "-p",
    "-U0",
    "--no-renames",
    "--full-index",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--submodule=short",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
"""Diff output the parser relies on: added lines only, full blob ids, fixed prefixes."""


def _attributes_config(attributes: Path | None) -> list[str]:
    return ["-c", f"core.attributesFile={attributes}"] if attributes is not None else []


def log_argv(
    *,
    attributes: Path | None = None,
    since: str | None = None,
    max_commits: int | None = None,
    revisions: Sequence[str] | None = None,
) -> list[str]:
    """The one `git log -p` command of a history scan: added lines only, oldest commit
    first, every ref (or only `revisions`, like `A..B`), full blob ids; `attributes` (see
    `write_attributes`) keeps git from diffing lockfiles and media. The repository's own
    .gitattributes still win."""
    args = [
        *_attributes_config(attributes),
        "log",
        *DIFF_OPTIONS[:2],
        *(() if revisions else ("--all",)),
        "--full-history",
        "--reverse",
        "--date-order",
        "--diff-merges=off",
        *DIFF_OPTIONS[2:],
        "--format=%x00commit %H %aI",
    ]
    if since:
        args.append(f"--since={since}")
    if max_commits is not None:
        args.append(f"--max-count={max_commits}")
    if revisions:
        args += ["--end-of-options", *revisions]
    return git_argv(*args)


def staged_diff_argv(*, attributes: Path | None = None) -> list[str]:
    """`git diff --cached`: what the next commit adds (the index against HEAD, or against
    nothing before the first commit), in the same form as a commit of `log_argv`."""
    return git_argv(*_attributes_config(attributes), "diff", "--cached", *DIFF_OPTIONS)


class GitStream:
    """A git command whose stdout is read in big chunks on a thread into a bounded queue.

    The thread keeps the pipe drained while the caller scans, so git is rarely blocked;
    the bounded queue keeps memory flat however long the output. stderr goes to a
    temporary file, so a chatty git can never fill a pipe nobody reads and hang.
    """

    def __init__(self, argv: Sequence[str], *, cwd: Path, env: dict[str, str]) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self._eof = False
        self._closed: tuple[int, str] | None = None
        try:
            self.proc = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                bufsize=0,
            )
        except BaseException:
            self._stderr.close()
            raise
        assert self.proc.stdout is not None
        self._stdout_fd = self.proc.stdout.fileno()
        _grow_pipe(self._stdout_fd)
        self._thread = threading.Thread(target=self._pump, name="git-log-reader", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        """Read git's output and hand it over in batches of about BATCH_BYTES: git writes
        a few kilobytes at a time, and one hand-over per write would cost more than the
        parsing it feeds."""
        batch = bytearray()
        try:
            while chunk := os.read(self._stdout_fd, CHUNK_BYTES):
                batch += chunk
                if len(batch) >= BATCH_BYTES:
                    self._queue.put(bytes(batch))
                    batch.clear()
        except OSError:
            pass
        finally:
            if batch:
                self._queue.put(bytes(batch))
            self._queue.put(b"")

    def chunks(self, cancel: threading.Event | None = None) -> Iterator[bytes]:
        """The output as it arrives; stops early (without EOF) once `cancel` is set."""
        while not self._eof:
            if cancel is not None and cancel.is_set():
                return
            try:
                chunk = self._queue.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if not chunk:
                self._eof = True
                return
            yield chunk

    def lines(self, cancel: threading.Event | None = None) -> Iterator[bytes]:
        """The output split into lines (without the newline), chunk by chunk."""
        return itertools.chain.from_iterable(self._line_batches(cancel))

    def _line_batches(self, cancel: threading.Event | None) -> Iterator[list[bytes]]:
        tail = b""
        for chunk in self.chunks(cancel):
            parts = (tail + chunk).split(b"\n")
            tail = parts.pop()
            yield parts
        if tail and self._eof:
            yield [tail]

    def close(self) -> tuple[int, str]:
        """Stop git if it is still running, wait for it, and return (exit code, stderr).

        Safe to call more than once; later calls return the same answer.
        """
        if self._closed is not None:
            return self._closed
        if not self._eof and self.proc.poll() is None:
            self.proc.kill()
        while not self._eof:
            self._eof = not self._queue.get()
        self._thread.join()
        returncode = self.proc.wait()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        self._closed = (returncode, stderr)
        return self._closed

    @property
    def finished(self) -> bool:
        """True once the whole output was read (git reached the end, or died)."""
        return self._eof

    def __enter__(self) -> GitStream:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _grow_pipe(fd: int) -> None:
    """Ask Linux for a larger pipe, so git blocks less often between our reads."""
    try:
        import fcntl
    except ImportError:
        return
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, set_size, PIPE_BYTES)


@dataclass(frozen=True)
class CommitHeader:
    """The start of one commit in the log: its id and author date (ISO 8601)."""

    sha: str
    date: str


@dataclass
class FileDiff:
    """The added lines of one file in one commit, with their line numbers in the new file.

    `plus_lines` are the added lines as git printed them (each starts with "+"; the
    prefix is dropped in `text`, once per file rather than once per line). `accepted` is
    False when the caller's filter declined the file (no lines are then collected);
    `binary` when git printed "Binary files ... differ".
    """

    path: str
    blob: str | None
    accepted: bool = False
    binary: bool = False
    truncated: bool = False
    plus_lines: list[bytes] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Bytes of added text collected (without the "+" prefixes)."""
        return sum(map(len, self.plus_lines)) - len(self.plus_lines)

    def text(self) -> str:
        """The added lines as one text, decoded like the engine decodes files (invalid UTF-8
        kept as surrogate escapes), so a value hashes the same in history and work tree."""
        joined = b"\n".join(self.plus_lines)[1:].replace(b"\n+", b"\n")
        return joined.decode("utf-8", "surrogateescape")


LogEvent = CommitHeader | FileDiff
Accept = Callable[[str, str | None], bool]


class LogParser:
    """Walks `git log -p -U0` output once and yields commits and file diffs.

    Hunk bodies are consumed by their counts from the `@@` header, so an added line
    that itself reads "+++ b/x" or "diff --git" is never taken for a header. `accept`
    is asked once per file diff (path, new blob id) whether its lines are wanted;
    added text beyond `max_bytes` per file diff is dropped (the line that crosses the
    limit is cut there, so a one-line minified file is still scanned up to the limit)
    and the diff marked truncated. The loop over added lines is the hot path of a history scan, so it
    works on local variables only.
    """

    def __init__(self, accept: Accept, *, max_bytes: int) -> None:
        self._accept = accept
        self._max_bytes = max_bytes

    def parse(self, lines: Iterable[bytes]) -> Iterator[LogEvent]:
        """Events in output order; a file diff is yielded once its last line was read."""
        current: FileDiff | None = None
        keep: list[bytes] | None = None
        numbers: list[int] = []
        blob: str | None = None
        header = b""
        old_left = new_left = next_line = room = 0
        for line in lines:
            if old_left > 0 or new_left > 0:
                kind = line[0] if line else 0
                if kind == _PLUS:
                    new_left -= 1
                    if keep is not None:
                        room -= len(line) - 1
                        if room >= 0:
                            keep.append(line)
                            numbers.append(next_line)
                        elif current is not None and not current.truncated:
                            keep.append(line[: len(line) + room])
                            numbers.append(next_line)
                            current.truncated = True
                    next_line += 1
                    continue
                if kind == _MINUS:
                    old_left -= 1
                    continue
                if kind == _SPACE:
                    old_left, new_left, next_line = old_left - 1, new_left - 1, next_line + 1
                    continue
                if kind == _BACKSLASH:
                    continue
                old_left = new_left = 0
            if line.startswith(b"@@ "):
                old_left, new_left, next_line = _hunk_counts(line)
            elif line.startswith(b"diff --git "):
                if current is not None:
                    yield current
                current, keep, blob, header = None, None, None, line
            elif line.startswith(b"index "):
                blob = _new_blob(line)
            elif line.startswith(b"+++ "):
                current, keep = self._start(_new_path(line), blob)
                if keep is not None and current is not None:
                    numbers, room = current.line_numbers, self._max_bytes
            elif line.startswith(b"Binary files "):
                current, keep = FileDiff(path=_diff_git_path(header), blob=blob, binary=True), None
            elif line.startswith(COMMIT_MARKER):
                if current is not None:
                    yield current
                current, keep, blob = None, None, None
                yield _commit_header(line)
        if current is not None:
            yield current

    def _start(self, path: str | None, blob: str | None) -> tuple[FileDiff | None, list[bytes] | None]:
        """The file diff a `+++` line opens, and the list to collect its lines into (None
        when the caller does not want them). A deletion (`+++ /dev/null`) opens none."""
        if path is None:
            return None, None
        diff = FileDiff(path=path, blob=blob, accepted=self._accept(path, blob))
        return diff, diff.plus_lines if diff.accepted else None


def _hunk_counts(line: bytes) -> tuple[int, int, int]:
    """(old line count, new line count, first new line number) from an `@@` header."""
    match = _HUNK.match(line)
    if match is None:
        return 0, 0, 0
    old_count, new_start, new_count = match.groups()
    return (
        1 if old_count is None else int(old_count),
        1 if new_count is None else int(new_count),
        int(new_start),
    )


def _new_blob(line: bytes) -> str | None:
    """The new blob id from `index <old>..<new>[ <mode>]`."""
    fields = line.split()
    if len(fields) < 2 or b".." not in fields[1]:
        return None
    return fields[1].rpartition(b"..")[2].decode("ascii", "replace")


def _new_path(line: bytes) -> str | None:
    """The file path from `+++ b/<path>`, None for `+++ /dev/null` (a deletion)."""
    raw = line[4:]
    if raw.endswith(b"\t"):
        raw = raw[:-1]
    if raw == b"/dev/null":
        return None
    raw = unquote_c_path(raw)
    if raw.startswith(b"b/"):
        raw = raw[2:]
    return os.fsdecode(raw)


def _diff_git_path(line: bytes) -> str:
    """The path from `diff --git a/<path> b/<path>`. Without rename detection both halves
    name the same path, quoted alike, so the line splits exactly in the middle."""
    rest = line[len(b"diff --git ") :]
    half = unquote_c_path(rest[: (len(rest) - 1) // 2])
    return os.fsdecode(half[2:] if half.startswith(b"a/") else half)


def _commit_header(line: bytes) -> CommitHeader:
    sha, _, date = line[len(COMMIT_MARKER) :].decode("ascii", "replace").partition(" ")
    return CommitHeader(sha=sha, date=date.strip())


def unquote_c_path(raw: bytes) -> bytes:
    """Undo git's C-style quoting of a path ("a\\tb", octal escapes for other bytes)."""
    if len(raw) < 2 or not (raw.startswith(b'"') and raw.endswith(b'"')):
        return raw
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        byte = body[i]
        if byte != _BACKSLASH or i + 1 >= len(body):
            out.append(byte)
            i += 1
            continue
        escape = body[i + 1]
        octal = body[i + 1 : i + 4]
        if len(octal) == 3 and all(48 <= b <= 55 for b in octal):
            out.append(int(octal, 8) & 0xFF)
            i += 4
            continue
        out.append(_C_ESCAPES.get(escape, escape))
        i += 2
    return bytes(out)
