"""The scanner: runs the rule table over text and turns matches into redacted findings.

Per text: one lower-casing, a keyword prefilter that picks the few rules worth running,
their regexes (only near their keywords where a rule asks for it), value filters and
validators, overlap resolution between rules, inline allow markers and the allowlist.
Line and column numbers are computed only for the matches that survive. Raw values stay
inside this module: findings are built with `make_finding`, which redacts them.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from launchwizard.secrets import filters
from launchwizard.secrets.keywords import KeywordHits, KeywordIndex
from launchwizard.secrets.model import Finding, Source, make_finding
from launchwizard.secrets.rules import GENERIC, RULES, Rule
from launchwizard.secrets.validators import ACCEPT, Candidate, Verdict

MAX_SCAN_BYTES = 16 * 1024 * 1024
BINARY_SNIFF_BYTES = 8 * 1024
# How far from a match an inline marker may sit on a very long (minified) line.
MARKER_WINDOW = 2048
# Text searched past a `near` window, so a match starting in the window is seen whole: a
# `near` rule's matches must be shorter than this (a test checks the table).
NEAR_SLACK = 1024

CAPTURED_PATH = "captured-body"
"""The path captured text is judged under: no file type, so no path-based exemption."""
ALLOW_MARKERS = ("launchwizard:allow", "gitleaks:allow", "pragma: allowlist secret", "trufflehog:ignore")
NEXT_LINE_MARKER = "pragma: allowlist nextline secret"

_SKIPPED_PATH = re.compile(
    r"""
    (?:^|/)(?:node_modules|bower_components|\.git|fixtures|__fixtures__|testdata|__mocks__
        |\.venv|venv|site-packages|__pycache__|\.tox|\.mypy_cache|\.pytest_cache)/
    | \.(?:png|jpe?g|gif|bmp|ico|icns|webp|avif|tiff?|svg|psd|heic|eps
        |woff2?|ttf|otf|eot
        |zip|tar|gz|tgz|bz2|xz|zst|lz4|7z|rar|jar|war|ear|whl|egg|nupkg
        |exe|dll|so|dylib|bin|o|a|lib|pyc|pyo|class|wasm|node
        |mp3|mp4|m4a|wav|ogg|flac|mov|avi|mkv|webm
        |pdf|docx?|xlsx?|pptx?|odt|ods|odp|sqlite3?)$
    | (?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|poetry\.lock
        |Pipfile\.lock|uv\.lock|pdm\.lock|Cargo\.lock|Gemfile\.lock|composer\.lock|go\.sum|mix\.lock
        |pubspec\.lock|Podfile\.lock|packages\.lock\.json|flake\.lock|gradle\.lockfile)$
    | (?:^|/)(?:jquery|bootstrap|swagger-ui(?:-bundle|-standalone-preset)?|angular|react(?:-dom)?|vue
        |lodash|underscore|moment|d3|chart|highlight|popper|three|plotly|mathjax|katex|font-?awesome
        |tailwind|alpine|htmx|socket\.io|axios)(?:[.-][\w.-]*)?\.min\.(?:js|css)(?:\.map)?$
    | (?:^|/)vendor/.*\.min\.(?:js|css)(?:\.map)?$
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Allowlist:
    """What a team has already triaged: paths, rules and single findings never reported.

    Path patterns are globs on "/"-separated relative paths: `*` and `?` stay within one
    directory, `**` spans any depth, a pattern without "/" matches a name at any depth
    (like .gitignore), and a pattern naming a directory covers everything under it.
    """

    paths: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    fingerprints: frozenset[str] = frozenset()


def normalize_path(path: str) -> str:
    """Forward slashes and no leading `./`."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _glob_body(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        close = pattern.find("]", i + 2) if ch == "[" else -1
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif close > 0:
            inner = pattern[i + 1 : close]
            negate = inner.startswith("!")
            body = re.escape(inner[1:] if negate else inner).replace("\\-", "-")
            out.append(f"[{'^' if negate else ''}{body}]")
            i = close + 1
            continue
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def glob_regex(pattern: str) -> str:
    """A regex (to fullmatch a normalized path) for one allowlist glob."""
    pattern = normalize_path(pattern.strip())
    rooted = pattern.startswith("/") or "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    prefix = "" if rooted else "(?:.*/)?"
    return f"{prefix}{_glob_body(pattern)}(?:/.*)?"


def _compile_globs(patterns: Sequence[str]) -> re.Pattern[str] | None:
    usable = [p for p in patterns if p.strip().strip("/")]
    if not usable:
        return None
    return re.compile("|".join(f"(?:{glob_regex(p)})" for p in usable), re.DOTALL)


def lower_same_length(text: str) -> str:
    """`text.lower()` with one character per character, so offsets carry over.

    U+0130 (İ) is the only code point whose lower case is two characters long.
    """
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    return text.lower()


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    start: int
    end: int
    span_start: int
    span_end: int
    verdict: Verdict
    secret: str


class _Lines:
    """Line numbers and line starts for increasing offsets, counting newlines only between
    consecutive offsets."""

    def __init__(self, text: str, line_map: Sequence[int] | None) -> None:
        self._text = text
        self._line_map = line_map
        self._offset = 0
        self._index = 0
        self._line_start = 0

    def locate(self, offset: int) -> tuple[int, int]:
        """(file line, 1-based column) of `offset`; offsets must not decrease."""
        newlines = self._text.count("\n", self._offset, offset)
        if newlines:
            self._index += newlines
            self._line_start = self._text.rfind("\n", self._offset, offset) + 1
        self._offset = offset
        line_map = self._line_map
        line = (
            line_map[self._index] if line_map is not None and self._index < len(line_map) else self._index + 1
        )
        return line, offset - self._line_start + 1


class _DisjointSpans:
    """Non-overlapping [start, end) spans with a logarithmic overlap test."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, end)
        return index > 0 and self._ends[index - 1] > start

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)


class _AnySpans:
    """Possibly overlapping spans, fixed at construction, with a logarithmic overlap test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self._starts = [s for s, _ in spans]
        self._reach: list[int] = []
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self._reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, end)
        return index > 0 and self._reach[index - 1] > start


class Scanner:
    """Finds secrets in text with a rule table (the built-in one by default)."""

    def __init__(self, rules: Sequence[Rule] | None = None, allow: Allowlist | None = None) -> None:
        self.rules: tuple[Rule, ...] = tuple(RULES if rules is None else rules)
        self.allow = allow or Allowlist()
        self._allowed_paths = _compile_globs(self.allow.paths)
        self._skipped_rules = frozenset(self.allow.rules)
        by_keyword: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for keyword in rule.keywords:
                by_keyword.setdefault(keyword, []).append(index)
        self._keywords = KeywordIndex(by_keyword)
        self._rules_by_keyword = {k: tuple(v) for k, v in by_keyword.items()}
        self._always = tuple(i for i, rule in enumerate(self.rules) if not rule.keywords)
        self.allowed_inline: set[str] = set()
        """Fingerprints of findings an inline marker allowed. A marker added today sits on
        the current line only; the history scan uses this to accept the same finding in the
        commits from before the marker was written."""

    def skips_path(self, path: str) -> bool:
        """True for paths never worth scanning: images, fonts, archives, lock files, vendored
        minified libraries, node_modules, .git/, test fixture directories (fixtures/,
        __fixtures__/, testdata/, __mocks__/), plus allowlisted paths."""
        path = normalize_path(path)
        return _SKIPPED_PATH.search(path) is not None or self._path_allowlisted(path)

    def _path_allowlisted(self, path: str) -> bool:
        return self._allowed_paths is not None and self._allowed_paths.fullmatch(path) is not None

    def scan_bytes(self, data: bytes, path: str, *, source: Source = "file") -> list[Finding]:
        """Binary data (a NUL byte in the first 8 KiB) gives []; invalid UTF-8 is decoded with
        errors="surrogateescape" so positions stay right; data over MAX_SCAN_BYTES is cut there."""
        if b"\0" in data[:BINARY_SNIFF_BYTES]:
            return []
        data = data[:MAX_SCAN_BYTES]
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        return self.scan_text(data.decode("utf-8", "surrogateescape"), path, source=source)

    def scan_text(
        self,
        text: str,
        path: str,
        *,
        source: Source = "file",
        line_map: Sequence[int] | None = None,
    ) -> list[Finding]:
        """Findings in `text` (already decoded). `line_map[i]` is the file line number of line i of
        `text` (0-based index) when `text` is a selection of a file's lines (git history hunks);
        None means line i is line i+1. Honours inline allow markers on the finding's line
        (`launchwizard:allow`, and also `gitleaks:allow` and `pragma: allowlist secret` to respect a
        team's earlier triage), the allowlist's rules and fingerprints. Findings sorted by (line, column)."""
        path = normalize_path(path)
        if not text or self._path_allowlisted(path):
            return []
        lowered = lower_same_length(text)
        keywords = self._keywords.scan(lowered)
        if not keywords.present and not self._always:
            return []
        hits = self._resolve(self._collect(text, lowered, path, keywords))
        return self._findings(hits, text, lowered, path, source, line_map)

    def secret_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of every secret in captured text (a reply, a response body), for
        redaction. Unlike a scan of code, no allow marker or allowlist applies: text that came
        from outside cannot opt out of being redacted. Publishable keys and identifiers stay."""
        if not text:
            return []
        lowered = lower_same_length(text)
        keywords = self._keywords.scan(lowered)
        if not keywords.present and not self._always:
            return []
        hits = self._resolve(self._collect(text, lowered, CAPTURED_PATH, keywords))
        return [
            (hit.start, hit.end, hit.secret)
            for hit in hits
            if (hit.verdict.exposure or hit.rule.exposure) == "secret"
        ]

    def _rules_for(self, present: frozenset[str]) -> list[Rule]:
        indexes = set(self._always)
        for keyword in present:
            indexes.update(self._rules_by_keyword[keyword])
        return [self.rules[i] for i in sorted(indexes)]

    def _collect(
        self, text: str, lowered: str, path: str, keywords: KeywordHits
    ) -> tuple[list[_Hit], list[_Hit]]:
        """Accepted hits, and the spans specific rules matched but rejected (vetoes)."""
        accepted: list[_Hit] = []
        vetoes: list[_Hit] = []
        for rule in self._rules_for(keywords.present):
            for match in self._matches(rule, text, keywords):
                group = rule.secret_group(match)
                if group is None:
                    continue
                candidate = Candidate.of(text, lowered, match, group, path)
                verdict = self._judge(rule, candidate)
                hit = _Hit(
                    rule=rule,
                    start=candidate.start,
                    end=candidate.end,
                    span_start=match.start(),
                    span_end=match.end(),
                    verdict=verdict or ACCEPT,
                    secret=(verdict.secret if verdict and verdict.secret else candidate.secret),
                )
                if verdict is not None:
                    accepted.append(hit)
                elif rule.priority > GENERIC:
                    vetoes.append(hit)
        return accepted, vetoes

    @staticmethod
    def _judge(rule: Rule, candidate: Candidate) -> Verdict | None:
        secret = candidate.secret
        if rule.value_checks and filters.rejects_value(secret):
            return None
        if rule.min_entropy and filters.shannon_entropy(secret) < rule.min_entropy:
            return None
        return ACCEPT if rule.validator is None else rule.validator(candidate)

    @staticmethod
    def _matches(rule: Rule, text: str, keywords: KeywordHits) -> Iterator[re.Match[str]]:
        if not (rule.anchored or rule.near):
            return rule.pattern.finditer(text)
        starts = [keywords.positions(k) for k in rule.keywords if k in keywords.present]
        if rule.anchored:
            return _anchored_matches(rule.pattern, text, starts)
        return _near_matches(rule.pattern, text, starts, rule.near)

    @staticmethod
    def _resolve(collected: tuple[list[_Hit], list[_Hit]]) -> list[_Hit]:
        """One finding per stretch of text: the highest-priority rule keeps it, and a broad
        rule does not report what a specific rule recognised and rejected."""
        accepted, vetoes = collected
        accepted.sort(key=lambda h: (-h.rule.priority, h.start))
        vetoed = _AnySpans([(h.start, h.end) for h in vetoes])
        kept: list[_Hit] = []
        kept_spans = _DisjointSpans()
        for hit in accepted:
            if kept_spans.overlaps(hit.start, hit.end):
                continue
            if hit.rule.priority == GENERIC and vetoed.overlaps(hit.start, hit.end):
                continue
            kept.append(hit)
            kept_spans.add(hit.start, hit.end)
        kept.sort(key=lambda h: (h.start, h.rule.id))
        return kept

    def _findings(
        self,
        hits: list[_Hit],
        text: str,
        lowered: str,
        path: str,
        source: Source,
        line_map: Sequence[int] | None,
    ) -> list[Finding]:
        lines = _Lines(text, line_map)
        findings: list[Finding] = []
        for hit in hits:
            line, column = lines.locate(hit.start)
            if hit.rule.id in self._skipped_rules:
                continue
            finding = self._finding(hit, path, line, column, source)
            if _marked_allowed(lowered, hit.span_start, hit.span_end):
                self.allowed_inline.add(finding.fingerprint)
                continue
            if finding.fingerprint not in self.allow.fingerprints:
                findings.append(finding)
        findings.sort(key=lambda f: (f.line, f.column, f.rule))
        return findings

    @staticmethod
    def _finding(hit: _Hit, path: str, line: int, column: int, source: Source) -> Finding:
        rule, verdict = hit.rule, hit.verdict
        note = "; ".join(n for n in (rule.note, verdict.note) if n)
        return make_finding(
            rule=rule.id,
            provider=rule.provider,
            title=rule.title,
            severity=verdict.severity or rule.severity,
            exposure=verdict.exposure or rule.exposure,
            path=path,
            line=line,
            column=column,
            secret=hit.secret,
            source=source,
            note=note,
        )


def _anchored_matches(
    pattern: re.Pattern[str], text: str, starts: list[list[int]]
) -> Iterator[re.Match[str]]:
    """Matches that start where a keyword starts, without overlaps."""
    last_end = -1
    for at in sorted(set().union(*starts)) if len(starts) > 1 else starts[0]:
        if at < last_end:
            continue
        match = pattern.match(text, at)
        if match is not None:
            last_end = match.end()
            yield match


def _near_windows(starts: list[list[int]], near: int) -> list[tuple[int, int]]:
    """Merged [lo, hi] ranges of match starts within `near` characters of a keyword."""
    merged: list[tuple[int, int]] = []
    for at in sorted(set().union(*starts)):
        lo, hi = max(0, at - near), at + near
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _near_matches(
    pattern: re.Pattern[str], text: str, starts: list[list[int]], near: int
) -> Iterator[re.Match[str]]:
    """Matches starting within `near` characters of a keyword occurrence."""
    size = len(text)
    last_end = 0
    for lo, hi in _near_windows(starts, near):
        endpos = min(size, hi + NEAR_SLACK)
        pos = max(lo, last_end)
        while pos <= hi:
            found = pattern.search(text, pos, endpos)
            if found is None or found.start() > hi:
                break
            match: re.Match[str] | None = found
            if found.end() >= endpos and endpos < size:
                match = pattern.match(text, found.start())
            if match is None:
                pos = found.start() + 1
                continue
            yield match
            last_end = match.end()
            pos = max(match.end(), match.start() + 1)


def _marked_allowed(lowered: str, start: int, end: int) -> bool:
    """An allow marker on a line the match touches, or a next-line marker just above it.

    On a very long line only MARKER_WINDOW characters either side count, so a minified
    bundle does not cost a scan of the whole line per match.
    """
    newline = lowered.rfind("\n", max(0, start - MARKER_WINDOW), start)
    at_line_start = newline >= 0 or start <= MARKER_WINDOW
    line_start = newline + 1 if at_line_start else start - MARKER_WINDOW
    line_end = lowered.find("\n", end, end + MARKER_WINDOW)
    if line_end < 0:
        line_end = min(len(lowered), end + MARKER_WINDOW)
    lines = lowered[line_start:line_end]
    if any(marker in lines for marker in ALLOW_MARKERS):
        return True
    if not at_line_start or line_start == 0:
        return False
    previous = lowered[max(0, line_start - 1 - MARKER_WINDOW) : line_start - 1]
    return NEXT_LINE_MARKER in previous[previous.rfind("\n") + 1 :]
