"""Read log files as they are found on a server or in an export, and count what leaks in them.

Logs come plain, as JSON lines, rotated and gzip-, bzip2- or xz-compressed, sometimes in
UTF-16 or with broken UTF-8, sometimes with one multi-megabyte line, and they can be
huge. Each file is streamed in blocks of about a megabyte of whole lines (never loaded
whole), decoded leniently, and every block goes through the secret engine's rules and the
log detectors of `launchwizard.secrets.pii` at once, so the regexes run at C speed over
the block rather than Python looping over lines.

Limits keep a check bounded: bytes per file (after decompression, which also stops a
decompression bomb), files per run, and a deadline; whatever was cut is said in the
result. Only counts, hashes and redacted samples are kept: no raw value outlives the
block it was found in.
"""

from __future__ import annotations

import bisect
import bz2
import codecs
import glob
import gzip
import io
import lzma
import os
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from launchwizard.results import SEVERITY_RANK, Severity
from launchwizard.secrets.model import Exposure, Finding, SecretScanner, make_finding, secret_hash
from launchwizard.secrets.pii import KINDS, Hit, PiiKind, find_hits, shown

MiB = 1024 * 1024
BINARY_SNIFF_BYTES = 8000
SAMPLES_PER_KIND = 3
MAX_DISTINCT_TRACKED = 100_000
MAX_CREDENTIAL_FINDINGS = 100


@dataclass(frozen=True)
class Limits:
    """How much one scan may read. `deadline` is a `time.monotonic()` value or None."""

    max_file_bytes: int = 200 * MiB
    max_files: int = 2000
    block_bytes: int = 1 * MiB
    max_line_chars: int = 1 * MiB
    deadline: float | None = None


@dataclass(frozen=True)
class KindInfo:
    """What a kind of finding is, whether it came from the engine or a log detector."""

    title: str
    exposure: Exposure
    severity: Severity

    @property
    def credential(self) -> bool:
        """A value that grants access: what must be rotated, not only removed."""
        return self.exposure == "secret" and self.severity is not Severity.INFO


@dataclass(frozen=True)
class Sample:
    """Where one value was found and the only form in which it may be shown."""

    kind: str
    path: str
    line: int
    shown: str

    def to_json(self) -> dict[str, str]:
        return {"at": f"{self.path}:{self.line}", "shown": self.shown}


@dataclass
class FileScan:
    """One log file: how it was read, how far, and how many of each kind it held."""

    path: str
    compression: str | None = None
    encoding: str = "utf-8"
    bytes_read: int = 0
    lines: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    cut: str = ""
    damaged: str = ""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"path": self.path, "lines": self.lines, "bytes": self.bytes_read}
        if self.compression:
            data["compression"] = self.compression
        if self.encoding != "utf-8":
            data["encoding"] = self.encoding
        if self.counts:
            data["counts"] = dict(sorted(self.counts.items()))
        if self.cut:
            data["cut"] = self.cut
        if self.damaged:
            data["damaged"] = self.damaged
        return data


@dataclass
class LogScan:
    """Everything one scan found, across files; safe to show (no raw values)."""

    patterns: list[tuple[str, int]] = field(default_factory=list)
    files: list[FileScan] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, KindInfo] = field(default_factory=dict)
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    masked: int = 0
    stopped: str = ""
    credentials: dict[str, Finding] = field(default_factory=dict)
    _distinct: dict[str, set[str]] = field(default_factory=dict)

    @property
    def unmatched_patterns(self) -> list[str]:
        return [pattern for pattern, matched in self.patterns if matched == 0]

    @property
    def lines(self) -> int:
        return sum(file.lines for file in self.files)

    @property
    def bytes_read(self) -> int:
        return sum(file.bytes_read for file in self.files)

    def distinct(self, kind: str) -> int:
        """How many different values of this kind were seen (by hash)."""
        return len(self._distinct.get(kind, ()))

    def record(self, file: FileScan, kind: str, info: KindInfo, line: int, value_hash: str) -> bool:
        """Count one finding and keep its hash; True when it should also be kept as a
        sample (the first few of each kind), so only those are ever redacted for display."""
        self.kinds.setdefault(kind, info)
        self.counts[kind] += 1
        file.counts[kind] += 1
        seen = self._distinct.setdefault(kind, set())
        if len(seen) < MAX_DISTINCT_TRACKED:
            seen.add(value_hash)
        return len(self.samples.setdefault(kind, [])) < SAMPLES_PER_KIND

    def add_sample(self, sample: Sample) -> None:
        self.samples.setdefault(sample.kind, []).append(sample)

    def add_credential(self, finding: Finding) -> None:
        """Keep the first place of each credential value (up to a cap): the list of keys
        to rotate, in the shared redacted finding shape."""
        if len(self.credentials) < MAX_CREDENTIAL_FINDINGS:
            self.credentials.setdefault(finding.secret_hash, finding)


# ---------------------------------------------------------------- which files


def expand_globs(patterns: Sequence[str], limits: Limits, scan: LogScan) -> list[str]:
    """The regular files the patterns match, each once, in a stable order; how many
    each pattern matched goes into `scan.patterns`."""
    chosen: dict[str, str] = {}
    for pattern in patterns:
        matched = sorted(path for path in glob.glob(pattern, recursive=True) if os.path.isfile(path))
        scan.patterns.append((pattern, len(matched)))
        for path in matched:
            chosen.setdefault(os.path.realpath(path), path)
    files = list(chosen.values())
    if len(files) > limits.max_files:
        scan.stopped = f"only the first {limits.max_files} of {len(files)} matching files were read"
        files = files[: limits.max_files]
    return files


# ---------------------------------------------------------------- opening a file

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
READABLE_COMPRESSIONS = ("gzip", "bzip2", "xz")
DAMAGED_ERRORS = (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile, OSError, ValueError)


class SkipFile(Exception):
    """A file that is not a log we can read; the message is the plain reason."""


def open_log(path: str) -> tuple[io.BufferedIOBase, str | None, str]:
    """The file's decompressed byte stream, its compression and its text encoding.

    Compression is recognised by magic bytes, whatever the name says; formats the
    standard library cannot read and binary files raise SkipFile.
    """
    with open(path, "rb") as probe:
        head = probe.read(BINARY_SNIFF_BYTES)
    compression = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    if compression is not None and compression not in READABLE_COMPRESSIONS:
        raise SkipFile(f"{compression}-compressed: decompress it first, then point [logs] at the result")
    stream = _open_decompressed(path, compression)
    try:
        text_head = stream.read(BINARY_SNIFF_BYTES) if compression else head
        stream.seek(0)
    except DAMAGED_ERRORS as exc:
        stream.close()
        raise SkipFile(f"{compression} data is damaged ({_reason(exc)})") from None
    encoding = next((name for bom, name in _BOMS if text_head.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in text_head:
        stream.close()
        raise SkipFile("binary file, not a text log")
    return stream, compression, encoding


def _open_decompressed(path: str, compression: str | None) -> io.BufferedIOBase:
    if compression == "gzip":
        return gzip.GzipFile(path, "rb")
    if compression == "bzip2":
        return bz2.BZ2File(path, "rb")
    if compression == "xz":
        return lzma.LZMAFile(path, "rb")
    return open(path, "rb")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# ---------------------------------------------------------------- reading blocks


@dataclass(frozen=True)
class Block:
    """Whole lines of text (or one piece of an over-long line) starting at `first_line`."""

    text: str
    first_line: int


def read_blocks(stream: io.BufferedIOBase, encoding: str, limits: Limits, file: FileScan) -> Iterator[Block]:
    """The file as blocks of whole lines, decoded leniently (invalid bytes become U+FFFD,
    a character split across two reads is joined). A line longer than `max_line_chars`
    is passed on in pieces with the same line number; reading stops at `max_file_bytes`."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    carry, line = "", 1
    while True:
        budget = limits.max_file_bytes - file.bytes_read
        raw = stream.read(min(limits.block_bytes, budget)) if budget > 0 else b""
        file.bytes_read += len(raw)
        final = not raw
        if final and budget <= 0 and stream.read(1):
            file.cut = f"read the first {_size(limits.max_file_bytes)} only"
        text = carry + decoder.decode(raw, final=final)
        if final:
            if text:
                file.lines += text.count("\n") + (not text.endswith("\n"))
                yield Block(text, line)
            return
        end = text.rfind("\n") + 1
        if end == 0 and len(text) > limits.max_line_chars:
            yield Block(text, line)
            carry = ""
            continue
        carry, whole = text[end:], text[:end]
        if whole:
            newlines = whole.count("\n")
            file.lines += newlines
            yield Block(whole, line)
            line += newlines


# ---------------------------------------------------------------- scanning


def scan_logs(
    patterns: Sequence[str], scanner: SecretScanner, limits: Limits, *, display_root: Path | None = None
) -> LogScan:
    """Scan every file the patterns match; never raises for a file's sake."""
    scan = LogScan()
    for path in expand_globs(patterns, limits, scan):
        if _past(limits):
            scan.stopped = "stopped at the time limit before reading every file"
            break
        shown = _display_path(path, display_root)
        try:
            stream, compression, encoding = open_log(path)
        except SkipFile as exc:
            scan.skipped.append((shown, str(exc)))
            continue
        except OSError as exc:
            scan.unreadable.append((shown, _reason(exc)))
            continue
        file = FileScan(shown, compression=compression, encoding=encoding)
        scan.files.append(file)
        with stream:
            _scan_stream(stream, encoding, scanner, limits, scan, file)
    return scan


def _scan_stream(
    stream: io.BufferedIOBase,
    encoding: str,
    scanner: SecretScanner,
    limits: Limits,
    scan: LogScan,
    file: FileScan,
) -> None:
    try:
        for block in read_blocks(stream, encoding, limits, file):
            scan_block(block, scanner, scan, file)
            if _past(limits):
                file.cut = file.cut or f"stopped at the time limit after line {file.lines}"
                scan.stopped = "stopped at the time limit"
                return
    except DAMAGED_ERRORS as exc:
        file.damaged = f"unreadable after line {file.lines}: {_reason(exc)}"


def scan_block(block: Block, scanner: SecretScanner, scan: LogScan, file: FileScan) -> None:
    """Run the engine and the log detectors over one block and record what they found."""
    findings = scanner.scan_text(block.text, file.path, source="log")
    hits, masked = find_hits(block.text)
    scan.masked += masked
    if not findings and not hits:
        return
    starts = _line_starts(block.text)
    findings, hits = merge_overlaps(findings, hits, starts)
    for finding in findings:
        line = block.first_line + finding.line - 1
        info = KindInfo(finding.title, finding.exposure, finding.severity)
        if scan.record(file, finding.rule, info, line, finding.secret_hash):
            scan.add_sample(Sample(finding.rule, file.path, line, finding.redacted))
        if info.credential:
            scan.add_credential(finding.with_location(line=line))
    for hit in hits:
        kind = KINDS[hit.kind]
        info = KindInfo(kind.title, kind.exposure, kind.severity)
        index = bisect.bisect_right(starts, hit.start) - 1
        line = block.first_line + index
        if scan.record(file, hit.kind, info, line, secret_hash(hit.value)):
            scan.add_sample(Sample(hit.kind, file.path, line, shown(hit)))
        if info.credential:
            scan.add_credential(_hit_finding(hit, kind, file.path, line, hit.start - starts[index] + 1))


def _hit_finding(hit: Hit, kind: PiiKind, path: str, line: int, column: int) -> Finding:
    return make_finding(
        rule=hit.kind,
        provider="",
        title=kind.title,
        severity=kind.severity,
        exposure=kind.exposure,
        path=path,
        line=line,
        column=column,
        secret=hit.value,
        source="log",
    )


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer("\n", text))]


def merge_overlaps(
    findings: list[Finding], hits: list[Hit], starts: list[int]
) -> tuple[list[Finding], list[Hit]]:
    """Count each value once when the engine and a log detector both found it (same value,
    or the engine's match starts inside the detector's): the engine's finding names the
    provider, so it is kept, unless the log detector rates the value higher. A JSON Web
    Token is a medium finding for the engine, which cannot tell whether it is live, but
    one sent in an Authorization header is a working bearer credential.
    Chat messages are never merged: a message holding a key counts as both."""
    solid = [hit for hit in hits if hit.kind != "chat-content"]
    if not findings or not solid:
        return findings, hits
    hit_starts = [hit.start for hit in solid]
    by_hash = {secret_hash(hit.value): hit for hit in solid}
    kept: list[Finding] = []
    dropped: set[int] = set()
    for finding in findings:
        offset = starts[min(max(finding.line - 1, 0), len(starts) - 1)] + max(finding.column - 1, 0)
        index = bisect.bisect_right(hit_starts, offset) - 1
        inside = solid[index] if index >= 0 and offset < solid[index].end else None
        hit = inside or by_hash.get(finding.secret_hash)
        if hit is None:
            kept.append(finding)
        elif (
            finding.exposure == "secret"
            and SEVERITY_RANK[KINDS[hit.kind].severity] > SEVERITY_RANK[finding.severity]
        ):
            continue
        else:
            kept.append(finding)
            dropped.add(id(hit))
    return kept, [hit for hit in hits if id(hit) not in dropped]


def _size(count: int) -> str:
    return f"{count / MiB:g} MB" if count >= MiB else f"{count:,} bytes"


def _past(limits: Limits) -> bool:
    return limits.deadline is not None and time.monotonic() > limits.deadline


def _display_path(path: str, root: Path | None) -> str:
    """Paths under the sprint directory relative to it; others as given."""
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path
