"""Runs the rule tables over one parsed file: prefilter, file conditions, matches, markers.

The tree comes from ast-grep's tree-sitter grammars. A file whose tree holds an ERROR node
does not parse and is skipped with a note rather than half-read: precision matters more
than recall. A file with matches is also skipped when the parser had to invent a token
(a zero-width node, such as a missing parenthesis) to recover. Matches become candidates with their
place, the code line (sanitised and redacted) and, for rules about request paths, the
functions around them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchwizard.code.files import SourceFile
from launchwizard.code.model import Fact, Rule
from launchwizard.code.paths import FileTable, FunctionKey, build_table, enclosing_functions
from launchwizard.safe.terminal import safe_text

if TYPE_CHECKING:
    from ast_grep_py import SgNode

MAX_CODE_CHARS = 160
MARKER_LINES = 30
"""An allow marker counts on any of a match's first lines (a call spread over lines)."""
REQUEST_AWARE_CHECKS = frozenset({"code.pooling", "code.errors"})
HANDLER_HINT = re.compile(
    r"@\w+(?:\.\w+)*\.(?:get|post|put|patch|delete|head|options|route|api_route|websocket|exception_handler"
    r"|errorhandler)\("
    r"|@(?:\w+\.)?(?:api_view|require_http_methods|require_GET|require_POST|require_safe|csrf_exempt|login_required)"
    r"|def (?:get|post|put|patch|delete|list|create|retrieve|update|destroy)\(self, request"
    r"|def (?:lambda_)?handler\(event"
    r"|\.(?:get|post|put|patch|delete|all|use|options|head|route|on)\(\s*['\"`]/"
    r"|export\s+(?:async\s+)?function\s+(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|handler)\b"
    r"|export\s+const\s+(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|handler)\b"
    r"|exports\.handler|export\s+default\s+(?:async\s+)?(?:function|\(|\{)"
)
VIEWS_FILE = re.compile(r"(?:^|/)views?(?:\.py$|/)")
"""Text that suggests a file defines request handlers (paths.py decides); other files need no
function table unless a rule about request paths matched in them."""


@dataclass(frozen=True)
class Suppressions:
    """What the repository's policy and inline markers allow (launchwizard.secrets' policy
    file and markers, handed in by the caller). Markers are matched in lower case."""

    markers: tuple[str, ...] = ()
    next_line_markers: tuple[str, ...] = ()
    rules: frozenset[str] = frozenset()
    fingerprints: frozenset[str] = frozenset()
    path_allowed: Callable[[str], bool] = field(default=lambda _path: False)


@dataclass
class Candidate:
    """A rule's match before the repository-wide steps (request paths, facts, fingerprints)."""

    rule: Rule
    line: int
    column: int
    code: str
    chain: list[FunctionKey] | None = None


@dataclass
class FileOutcome:
    """One file's candidates and facts, its function table when needed, or why it was skipped."""

    path: str
    language: str
    candidates: list[Candidate] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    table: FileTable | None = None
    marked: int = 0
    skipped: str | None = None
    note: str = ""


class FileScanner:
    """Applies the rules of each language to files; `guard` redacts a code line's secrets."""

    def __init__(
        self,
        rules: Sequence[Rule],
        suppressions: Suppressions | None = None,
        guard: Callable[[str], str] = lambda line: line,
    ) -> None:
        self.suppressions = suppressions or Suppressions()
        self.guard = guard
        self.by_language: dict[str, list[Rule]] = {}
        for rule in rules:
            if rule.id in self.suppressions.rules:
                continue
            for language in rule.languages:
                self.by_language.setdefault(language, []).append(rule)

    def scan(self, source: SourceFile) -> FileOutcome:
        """Parse and match one file; never raises for what the file holds."""
        from ast_grep_py import SgRoot

        outcome = FileOutcome(source.path, source.language)
        rules = [r for r in self.by_language.get(source.language, []) if _applies(r, source)]
        root = SgRoot(source.text, source.language).root()
        error = root.find(kind="ERROR")
        if error is None:
            needs_table = self._match(root, rules, source, outcome)
            if (outcome.candidates or outcome.facts) and source.text.strip():
                error = root.find(regex="^$")
        if error is not None:
            outcome = FileOutcome(source.path, source.language, skipped="does-not-parse")
            outcome.note = f"{source.path}:{error.range().start.line + 1}: does not parse, skipped"
            return outcome
        if needs_table or HANDLER_HINT.search(source.text) or VIEWS_FILE.search(source.path):
            outcome.table = build_table(root, source.language, source.path)
        return outcome

    def _match(self, root: SgNode, rules: list[Rule], source: SourceFile, outcome: FileOutcome) -> bool:
        """Run the rules that passed the prefilter; True when a match needs the function table."""
        lines = source.text.splitlines()
        conditions = _Conditions(root)
        needs_table = False
        for rule in rules:
            if rule.requires and not any(conditions.holds(c) for c in rule.requires):
                continue
            if any(conditions.holds(c) for c in rule.unless):
                continue
            if rule.fact:
                found = root.find(dict(rule.pattern))  # type: ignore[call-overload]
                if found is not None:
                    line = found.range().start.line
                    outcome.facts.append(Fact(rule.fact, source.path, line + 1, self._code_line(lines, line)))
                continue
            for match in root.find_all(dict(rule.pattern)):  # type: ignore[call-overload]
                if self._marked(lines, match):
                    outcome.marked += 1
                    continue
                start = match.range().start
                chain = None
                if rule.check in REQUEST_AWARE_CHECKS:
                    chain = enclosing_functions(match, source.language)
                    needs_table = True
                code = self._code_line(lines, start.line)
                outcome.candidates.append(Candidate(rule, start.line + 1, start.column + 1, code, chain))
        return needs_table

    def _code_line(self, lines: list[str], index: int) -> str:
        raw = lines[index].strip() if index < len(lines) else ""
        shown = safe_text(self.guard(raw))
        return shown if len(shown) <= MAX_CODE_CHARS else shown[: MAX_CODE_CHARS - 1] + "…"

    def _marked(self, lines: list[str], match: SgNode) -> bool:
        """An allow marker on the match's lines, or a next-line marker on the line above."""
        span = match.range()
        first, last = span.start.line, min(span.end.line, span.start.line + MARKER_LINES)
        window = "\n".join(lines[first : last + 1]).lower()
        if any(marker in window for marker in self.suppressions.markers):
            return True
        above = lines[first - 1].lower() if first > 0 and first - 1 < len(lines) else ""
        return any(marker in above for marker in self.suppressions.next_line_markers)


class _Conditions:
    """File-level conditions (`requires`, `unless`), each evaluated once per file."""

    def __init__(self, root: SgNode) -> None:
        self.root = root
        self.cache: dict[int, bool] = {}

    def holds(self, config: Mapping[str, Any]) -> bool:
        key = id(config)
        known = self.cache.get(key)
        if known is None:
            known = self.cache[key] = self.root.find(dict(config)) is not None  # type: ignore[call-overload]
        return known


def _applies(rule: Rule, source: SourceFile) -> bool:
    """Cheap: a rule runs only where one of its keywords is in the text, outside the paths it
    leaves alone."""
    if rule.not_in_paths and re.search(rule.not_in_paths, source.path):
        return False
    return any(keyword in source.text for keyword in rule.keywords)
