"""The customers' evaluation set: a promptfoo test file (YAML or JSON) read into plain cases.

The format is promptfoo's, so a team that already keeps its prompts for promptfoo points
launchwizard at the same file: `tests:` entries with `description`, `vars` and `assert`,
optional `prompts:` (templates filled from the vars; without them the `prompt` variable is
sent) and `defaultTest:` (vars and assertions every test shares). A var holding a list runs
the test once per value, as promptfoo does. A bare list of tests (promptfoo's external test
file) is read too.

Reading is bounded: the file size, the number of YAML/JSON nodes visited (so aliases that
multiply a small file into a huge tree are refused), the nesting depth, and the number of
cases, counted before any case is built. What is wrong with the file as a whole is one
EvalSetError; what is wrong with one test (an unknown assertion type, a regex that does not
compile, a variable that is not set) is that case's `problem`, and the case is not sent.
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from launchwizard.ai.evalcases import Assertion, EvalCase, EvalSet
from launchwizard.ai.grading import (
    EVALUATED,
    NEEDS_MODEL_OR_CODE,
    REDTEAM_PREFIX,
    GradeError,
    compile_pattern,
)
from launchwizard.ai.template import TemplateError, render

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_PROMPT_FILE = 64 * 1024
DEFAULT_PROMPT = "{{prompt}}"
ID_CHARS = 48
TEST_KEYS = frozenset(
    {"description", "vars", "assert", "threshold", "options", "metadata", "prompts", "providers", "provider"}
)
_SLUG = re.compile(r"[^a-z0-9]+")


class EvalSetError(ValueError):
    """The evaluation set cannot be used as a whole; the message is one line."""


class TooManyCases(EvalSetError):
    """The set holds more cases than the budget allows; `count` says how many."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"the evaluation set has {count} tests, more than the {limit} allowed")
        self.count = count
        self.limit = limit


def load_eval_set(path: Path, limit: int) -> EvalSet:
    """Read and check the file; raises EvalSetError, TooManyCases past `limit` cases."""
    document = parse_document(_read(path), path)
    return build_eval_set(document, path, limit)


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise EvalSetError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]
    except FileNotFoundError:
        raise EvalSetError(
            f"{path}: file not found (write the customers' prompts there as a promptfoo test file)"
        ) from None
    except IsADirectoryError:
        raise EvalSetError(f"{path}: is a directory, not a promptfoo test file") from None
    except OSError as exc:
        raise EvalSetError(f"{path}: cannot read: {exc.strerror or exc}") from None


def parse_document(data: bytes, path: Path) -> Any:
    """YAML or JSON (by the file's suffix; YAML otherwise), bounded in size and depth."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EvalSetError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    document = _parse_json(text, path) if path.suffix.lower() == ".json" else _parse_yaml(text, path)
    _check_size(document, path)
    return document


def _parse_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvalSetError(f"{path}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise EvalSetError(f"{path}: nests too deeply") from None


def _parse_yaml(text: str, path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise EvalSetError(f"{path}: not valid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise EvalSetError(f"{path}: not valid YAML: {exc}") from None
    except RecursionError:
        raise EvalSetError(f"{path}: nests too deeply") from None


def _check_size(document: Any, path: Path) -> None:
    """Visit every node once per reference (aliases count each time), up to the bounds."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            raise EvalSetError(
                f"{path}: expands to more than {MAX_NODES} values (YAML aliases repeat what they point to)"
            )
        if depth > MAX_DEPTH:
            raise EvalSetError(f"{path}: nests deeper than {MAX_DEPTH} levels (or refers to itself)")
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
            stack.extend((key, depth + 1) for key in node if not isinstance(key, str))
        elif isinstance(node, list):
            stack.extend((value, depth + 1) for value in node)


def build_eval_set(document: Any, path: Path, limit: int) -> EvalSet:
    """The cases of a parsed document."""
    if isinstance(document, list):
        document = {"tests": document}
    if not isinstance(document, dict):
        raise EvalSetError(f"{path}: expected a mapping with 'tests' (a promptfoo test file)")
    tests = document.get("tests")
    if isinstance(tests, str):
        raise EvalSetError(
            f"{path}: tests = {tests[:60]!r}: tests loaded from another file or a script are not read; "
            "list them in this file"
        )
    if not isinstance(tests, list) or not tests:
        raise EvalSetError(f"{path}: has no tests (a 'tests:' list of description, vars and assert)")
    prompts = _prompts(document.get("prompts"), path)
    default = document.get("defaultTest") or {}
    if not isinstance(default, dict):
        raise EvalSetError(f"{path}: defaultTest must be a mapping")
    shared_vars = _mapping(default.get("vars"))
    count = sum(_combinations({**shared_vars, **_mapping(_field(test, "vars"))}) for test in tests)
    count *= len(prompts)
    if count > limit:
        raise TooManyCases(count, limit)
    notes = _notes(document, tests)
    cases = _Builder(prompts, default, path).cases(tests)
    return EvalSet(path, tuple(cases), notes)


def _prompts(raw: Any, path: Path) -> list[tuple[str, str]]:
    """(label, template) of each prompt; the `prompt` variable alone when none are given."""
    if raw is None:
        return [("", DEFAULT_PROMPT)]
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise EvalSetError(f"{path}: prompts is an empty list")
    prompts = []
    for index, item in enumerate(items):
        label, template = _prompt(item, index, path)
        prompts.append((label, template))
    return prompts


def _prompt(item: Any, index: int, path: Path) -> tuple[str, str]:
    if isinstance(item, dict):
        template = item.get("raw")
        label = str(item.get("label") or item.get("id") or f"prompt-{index + 1}")
    else:
        template, label = item, f"prompt-{index + 1}"
    if not isinstance(template, str) or not template:
        raise EvalSetError(f"{path}: prompts[{index}] must be text (or a mapping with 'raw')")
    if template.startswith("file://"):
        return label, _prompt_file(template.removeprefix("file://"), index, path)
    return label, template


def _prompt_file(name: str, index: int, path: Path) -> str:
    """A text prompt kept in its own file beside the evaluation set (.txt or .md only)."""
    target = (path.parent / name).resolve()
    if target.suffix.lower() not in (".txt", ".md"):
        raise EvalSetError(
            f"{path}: prompts[{index}] file://{name}: only .txt and .md prompt files are read "
            "(chat-format and script prompts need promptfoo)"
        )
    try:
        return target.read_bytes()[:MAX_PROMPT_FILE].decode("utf-8", errors="replace").strip()
    except OSError as exc:
        raise EvalSetError(f"{path}: prompts[{index}] file://{name}: {exc.strerror or exc}") from None


def _combinations(variables: dict[str, Any]) -> int:
    """How many cases a test becomes: one per combination of its list-valued vars."""
    return math.prod(max(1, len(value)) for value in variables.values() if isinstance(value, list))


def _notes(document: dict[str, Any], tests: list[Any]) -> tuple[str, ...]:
    notes = []
    if "providers" in document:
        notes.append("providers in the file are not used: prompts go to the [probes.eval] endpoint")
    ignored = sorted({key for test in tests if isinstance(test, dict) for key in test} - TEST_KEYS)
    if ignored:
        notes.append(f"test keys not read here: {', '.join(ignored)}")
    return tuple(notes)


class _Builder:
    """Turns raw tests into cases: defaults merged, list vars expanded, templates filled."""

    def __init__(self, prompts: list[tuple[str, str]], default: dict[str, Any], path: Path) -> None:
        self.prompts = prompts
        self.default = default
        self.path = path
        self.ids: set[str] = set()

    def cases(self, tests: list[Any]) -> list[EvalCase]:
        cases = []
        for number, test in enumerate(tests, start=1):
            for variables in self._expansions(test):
                for label, template in self.prompts:
                    cases.append(self._case(number, test, variables, label, template))
        return cases

    def _expansions(self, test: Any) -> list[dict[str, Any]]:
        merged = {**_mapping(self.default.get("vars")), **_mapping(_field(test, "vars"))}
        names = [name for name, value in merged.items() if isinstance(value, list) and value]
        if not names:
            return [merged]
        return [
            {**merged, **dict(zip(names, values, strict=True))}
            for values in itertools.product(*(merged[name] for name in names))
        ]

    def _case(self, number: int, test: Any, variables: dict[str, Any], label: str, template: str) -> EvalCase:
        description = _description(test, number, variables, label, len(self.prompts) > 1)
        case_id = self._unique_id(description if isinstance(test, dict) and test.get("description") else "")
        case_id = case_id or self._unique_id(f"test-{number}")
        if not isinstance(test, dict):
            return EvalCase(case_id, description, None, problem=f"test {number} is not a mapping")
        try:
            return self._checked_case(case_id, description, test, variables, template)
        except (TemplateError, GradeError, _Invalid) as exc:
            return EvalCase(case_id, description, None, problem=str(exc))

    def _checked_case(
        self, case_id: str, description: str, test: dict[str, Any], variables: dict[str, Any], template: str
    ) -> EvalCase:
        for name, value in variables.items():
            if isinstance(value, str) and value.startswith("file://"):
                raise _Invalid(f"var {name!r} is read from {value[:60]!r}: put its text in the file")
        shared = _list(self.default.get("assert"), "defaultTest.assert")
        raw_asserts = [*shared, *_list(test.get("assert"), "assert")]
        assertions = tuple(_assertion(raw, variables, f"assert[{i}]") for i, raw in enumerate(raw_asserts))
        prompt = render(template, variables)
        threshold = test.get("threshold", self.default.get("threshold"))
        options = {**_mapping(self.default.get("options")), **_mapping(test.get("options"))}
        transform = "options.transform runs JavaScript on the reply" if options.get("transform") else ""
        return EvalCase(
            case_id,
            description,
            prompt,
            assertions,
            _optional_number(threshold, "threshold"),
            not_evaluated=transform,
        )

    def _unique_id(self, text: str) -> str:
        slug = _SLUG.sub("-", text.lower()).strip("-")[:ID_CHARS].strip("-")
        if not slug:
            return ""
        candidate, suffix = slug, 2
        while candidate in self.ids:
            candidate = f"{slug}-{suffix}"
            suffix += 1
        self.ids.add(candidate)
        return candidate


class _Invalid(ValueError):
    """A test that cannot be used as written; becomes the case's problem."""


def _description(test: Any, number: int, variables: Mapping[str, Any], label: str, several: bool) -> str:
    base = str(test.get("description")) if isinstance(test, dict) and test.get("description") else ""
    if not base:
        base = f"test {number}"
    own = _mapping(_field(test, "vars"))
    expanded = [name for name, value in own.items() if isinstance(value, list) and value]
    if expanded:
        base += " [" + ", ".join(f"{name}={str(variables[name])[:30]}" for name in expanded) + "]"
    return f"{base} @{label}" if several else base


def _field(test: Any, name: str) -> Any:
    return test.get(name) if isinstance(test, dict) else None


def _mapping(value: Any) -> dict[str, Any]:
    """A mapping field, or nothing when it is absent or not a mapping."""
    return value if isinstance(value, dict) else {}


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Invalid(f"{where} must be a list of assertions")
    return value


def _optional_number(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid(f"{where} must be a number, not {value!r}")
    return float(value)


def _assertion(raw: Any, variables: dict[str, Any], where: str) -> Assertion:
    """One assertion, checked: known type, value filled in, regex compiled."""
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise _Invalid(f"{where} must be a mapping with a 'type'")
    kind = raw["type"]
    weight = _optional_number(raw.get("weight"), f"{where}.weight")
    threshold = _optional_number(raw.get("threshold"), f"{where}.threshold")
    common: dict[str, Any] = {"weight": 1.0 if weight is None else weight, "threshold": threshold}
    if kind == "assert-set":
        children = tuple(
            _assertion(child, variables, f"{where}.assert[{i}]")
            for i, child in enumerate(_list(raw.get("assert"), f"{where}.assert"))
        )
        return Assertion(kind, children=children, **common)
    base = kind.removeprefix("not-")
    if base in EVALUATED:
        return _graded(kind, raw, variables, where, common)
    if base in NEEDS_MODEL_OR_CODE or kind.startswith(REDTEAM_PREFIX):
        return Assertion(kind, not_evaluated="needs a model or code", **common)
    close = difflib.get_close_matches(kind, sorted(EVALUATED | NEEDS_MODEL_OR_CODE), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise _Invalid(f"{where}: unknown assertion type {kind!r}{hint}")


def _graded(kind: str, raw: dict[str, Any], variables: dict[str, Any], where: str, common: Any) -> Assertion:
    """A deterministic assertion: its value rendered with the vars, as promptfoo does."""
    if raw.get("transform") or raw.get("contextTransform"):
        return Assertion(kind, not_evaluated="its transform runs JavaScript", **common)
    value = raw.get("value")
    if isinstance(value, str) and value.startswith("file://"):
        return Assertion(kind, not_evaluated="its value is read from a file or a script", **common)
    if isinstance(value, str):
        value = render(value, variables)
    elif isinstance(value, list):
        value = [render(item, variables) if isinstance(item, str) else item for item in value]
    pattern = None
    if kind.removeprefix("not-") == "regex":
        if not isinstance(value, str) or not value:
            raise _Invalid(f"{where}: {kind} needs a non-empty string value")
        pattern = compile_pattern(value)
    return Assertion(kind, value, pattern=pattern, **common)
