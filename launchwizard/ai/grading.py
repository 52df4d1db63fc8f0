"""Grading one reply against a promptfoo test's assertions, with promptfoo's semantics.

Each deterministic assertion scores 1 (pass) or 0 (fail); `not-` inverts it. A test's score
is the weighted mean of its assertions' scores (weight defaults to 1). Without a `threshold`
the test passes only when every assertion passes, whatever its weight; with one, it passes
when the score reaches the threshold, even if some assertions failed. `assert-set` groups
assertions under their own threshold and weight. Assertions that need a model or code
(`llm-rubric`, `javascript`, `similar`...) are "not evaluated here": they count neither
way, and a test made only of them is reported as such, never passed.

A regular expression runs with a time limit (the `regex` module's timeout), so a pattern that
backtracks catastrophically on a long reply is an error, never a hang.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from launchwizard.ai.evalcases import Assertion, EvalCase
from launchwizard.ai.template import text_of

REGEX_TIMEOUT_S = 0.5
"""How long one regular expression may search one reply before it counts as runaway."""

EVALUATED = frozenset(
    {
        "equals",
        "contains",
        "icontains",
        "contains-any",
        "contains-all",
        "icontains-any",
        "icontains-all",
        "regex",
        "starts-with",
        "is-json",
        "latency",
    }
)
"""The deterministic assertion types graded here (each also with a `not-` prefix)."""

NEEDS_MODEL_OR_CODE = frozenset(
    {
        "answer-relevance",
        "bleu",
        "classifier",
        "contains-html",
        "contains-json",
        "contains-sql",
        "contains-xml",
        "context-faithfulness",
        "context-recall",
        "context-relevance",
        "conversation-relevance",
        "cost",
        "factuality",
        "finish-reason",
        "g-eval",
        "gleu",
        "guardrails",
        "human",
        "is-html",
        "is-refusal",
        "is-sql",
        "is-valid-function-call",
        "is-valid-openai-function-call",
        "is-valid-openai-tools-call",
        "is-xml",
        "javascript",
        "levenshtein",
        "llm-rubric",
        "max-score",
        "meteor",
        "model-graded-closedqa",
        "model-graded-factuality",
        "moderation",
        "perplexity",
        "perplexity-score",
        "pi",
        "python",
        "rouge-n",
        "ruby",
        "search-rubric",
        "select-best",
        "similar",
        "similar:cosine",
        "similar:dot",
        "similar:euclidean",
        "skill-used",
        "tool-call-f1",
        "trace-error-spans",
        "trace-span-count",
        "trace-span-duration",
        "trajectory:goal-success",
        "trajectory:step-count",
        "trajectory:tool-args-match",
        "trajectory:tool-sequence",
        "trajectory:tool-used",
        "webhook",
        "word-count",
    }
)
"""Other promptfoo assertion types: they need a model, a script, a provider's metadata or a
service, so they are reported as not evaluated here (a typo is an unknown type instead)."""

REDTEAM_PREFIX = "promptfoo:redteam:"


class GradeError(ValueError):
    """An assertion that cannot be graded (no value where one is needed, a runaway regex)."""


@dataclass(frozen=True)
class Outcome:
    """What one assertion (or assertion set) gave: pass/fail, its score and weight, why."""

    passed: bool
    score: float
    weight: float
    reason: str


@dataclass
class Grade:
    """A test's verdict: pass, fail or not-evaluated, with its score and what failed."""

    verdict: str
    score: float | None = None
    failed: str = ""
    not_evaluated: list[str] = field(default_factory=list)


def grade(case: EvalCase, output: str, latency_ms: int | None) -> Grade:
    """Grade one reply; raises GradeError when an assertion cannot be graded."""
    not_evaluated: list[str] = []
    outcome = _group(case.assertions, case.threshold, 1.0, output, latency_ms, not_evaluated)
    if outcome is None:
        if case.assertions:
            return Grade("not-evaluated", not_evaluated=not_evaluated)
        return Grade("pass", 1.0, not_evaluated=not_evaluated)
    verdict = "pass" if outcome.passed else "fail"
    return Grade(verdict, outcome.score, "" if outcome.passed else outcome.reason, not_evaluated)


def _group(
    assertions: tuple[Assertion, ...],
    threshold: float | None,
    weight: float,
    output: str,
    latency_ms: int | None,
    not_evaluated: list[str],
) -> Outcome | None:
    """promptfoo's aggregation over a test's (or a set's) assertions; None: nothing graded."""
    outcomes = []
    for assertion in assertions:
        if assertion.not_evaluated:
            not_evaluated.append(f"{assertion.type} ({assertion.not_evaluated})")
            continue
        if assertion.type == "assert-set":
            inner = _group(
                assertion.children, assertion.threshold, assertion.weight, output, latency_ms, not_evaluated
            )
            if inner is not None:
                outcomes.append(inner)
            continue
        passed, reason = check(assertion, output, latency_ms)
        outcomes.append(Outcome(passed, 1.0 if passed else 0.0, assertion.weight, reason))
    if not outcomes:
        return None
    total_weight = sum(o.weight for o in outcomes)
    score = sum(o.score * o.weight for o in outcomes) / total_weight if total_weight > 0 else 0.0
    failures = [o.reason for o in outcomes if not o.passed]
    if threshold is not None:
        passed = score >= threshold
        reason = f"score {score:.2f} below the threshold {threshold:g}" + (
            f" ({failures[0]})" if failures else ""
        )
        return Outcome(passed, score, weight, "" if passed else reason)
    return Outcome(not failures, score, weight, failures[0] if failures else "")


def check(assertion: Assertion, output: str, latency_ms: int | None) -> tuple[bool, str]:
    """One deterministic assertion: (passed, why it failed)."""
    base, inverse = assertion.base, assertion.inverse
    if base == "latency":
        return _latency(assertion, latency_ms)
    if base == "is-json":
        return _is_json(assertion, output)
    if base == "equals":
        found = _equals(assertion.value, output)
        return _verdict(found, inverse, f"equal {_show(assertion.value)}")
    if base in ("contains", "icontains"):
        needle = _needle(assertion)
        found = _has(output, needle, base.startswith("i"))
        return _verdict(found, inverse, f"contain {needle!r}")
    if base in ("contains-any", "icontains-any", "contains-all", "icontains-all"):
        return _contains_many(assertion, output)
    if base == "starts-with":
        prefix = _nonempty_text(assertion)
        return _verdict(output.startswith(prefix), inverse, f"start with {prefix!r}")
    if base == "regex":
        return _verdict(_search(assertion, output), inverse, f"match the regex {assertion.value!r}")
    raise GradeError(f"{assertion.type!r} is not graded here")


def _verdict(found: bool, inverse: bool, expectation: str) -> tuple[bool, str]:
    passed = found != inverse
    return passed, "" if passed else f"expected the reply to {'not ' if inverse else ''}{expectation}"


def _show(value: Any) -> str:
    text = text_of(value)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _has(output: str, needle: str, ignore_case: bool) -> bool:
    return needle.lower() in output.lower() if ignore_case else needle in output


def _needle(assertion: Assertion) -> str:
    """contains/icontains: a non-empty string or a number, as promptfoo requires."""
    value = assertion.value
    if isinstance(value, bool) or not isinstance(value, str | int | float) or value == "":
        raise GradeError(f"{assertion.type} needs a string or number value")
    if isinstance(value, float) and math.isnan(value):
        raise GradeError(f"{assertion.type} needs a string or number value")
    return text_of(value)


def _nonempty_text(assertion: Assertion) -> str:
    if not isinstance(assertion.value, str) or not assertion.value:
        raise GradeError(f"{assertion.type} needs a non-empty string value")
    return assertion.value


def _contains_many(assertion: Assertion, output: str) -> tuple[bool, str]:
    """contains-any / contains-all and their case-insensitive forms."""
    base = assertion.base
    value = assertion.value
    if not value:
        raise GradeError(f"{assertion.type} needs a value (a list, or comma-separated text)")
    needles = split_values(value) if isinstance(value, str) else value
    if not isinstance(needles, list):
        raise GradeError(f"{assertion.type} needs a list or comma-separated text")
    texts = [text_of(needle) for needle in needles]
    ignore_case = base.startswith("i")
    if base.endswith("-any"):
        found = any(_has(output, text, ignore_case) for text in texts)
        return _verdict(found, assertion.inverse, f"contain one of {texts!r}")
    missing = [text for text in texts if not _has(output, text, ignore_case)]
    passed, reason = _verdict(not missing, assertion.inverse, f"contain all of {texts!r}")
    return passed, f"{reason} (missing {missing!r})" if reason and missing else reason


def split_values(text: str) -> list[str]:
    """Comma-separated values as promptfoo reads them: fields trimmed, empty ones skipped,
    double-quoted fields may hold commas (with \\" or "" for a quote)."""
    fields: list[str] = []
    i, size = 0, len(text)
    while i < size:
        while i < size and (text[i].isspace() or text[i] == ","):
            i += 1
        if i >= size:
            break
        if text[i] == '"':
            field_text, i = _quoted(text, i + 1)
            while i < size and text[i].isspace():
                i += 1
            if i < size and text[i] != ",":
                raise GradeError("expected a comma after a quoted value")
            fields.append(field_text)
        else:
            end = text.find(",", i)
            end = size if end < 0 else end
            fields.append(text[i:end].strip())
            i = end
    return fields


def _quoted(text: str, i: int) -> tuple[str, int]:
    pieces = []
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
            pieces.append(text[i + 1])
            i += 2
        elif char == '"' and text[i + 1 : i + 2] == '"':
            pieces.append('"')
            i += 2
        elif char == '"':
            return "".join(pieces), i + 1
        else:
            pieces.append(char)
            i += 1
    raise GradeError("a quoted value is not closed")


def compile_pattern(pattern: str) -> Any:
    """A regular expression as promptfoo's `new RegExp(value)` reads it (no flags); raises
    GradeError when it does not compile."""
    import regex

    try:
        return regex.compile(pattern)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise GradeError(f"the regex {pattern!r} does not compile: {exc}") from None


def bounded_search(compiled: Any, text: str) -> bool:
    """Whether `compiled` matches somewhere in `text`, within REGEX_TIMEOUT_S."""
    try:
        return compiled.search(text, timeout=REGEX_TIMEOUT_S) is not None
    except TimeoutError:
        raise GradeError(
            f"the regex {compiled.pattern!r} gave up after {REGEX_TIMEOUT_S:g} s on a {len(text)}-character "
            "reply: it backtracks catastrophically (nested repetition like (a+)+); rewrite it"
        ) from None


def _search(assertion: Assertion, output: str) -> bool:
    if assertion.pattern is None:
        raise GradeError(f"{assertion.type} needs a non-empty string value")
    return bounded_search(assertion.pattern, output)


def _latency(assertion: Assertion, latency_ms: int | None) -> tuple[bool, str]:
    if assertion.threshold is None:
        raise GradeError(f"{assertion.type} needs a threshold (milliseconds)")
    if latency_ms is None:
        raise GradeError("no latency was measured for this reply")
    if assertion.inverse:
        passed = latency_ms > assertion.threshold
        return passed, "" if passed else f"latency {latency_ms} ms is not above {assertion.threshold:g} ms"
    passed = latency_ms <= assertion.threshold
    return passed, "" if passed else f"latency {latency_ms} ms is over {assertion.threshold:g} ms"


def parse_json(text: str) -> tuple[bool, Any]:
    """JSON.parse: (parsed, value); NaN and Infinity are not JSON."""

    def refuse(name: str) -> Any:
        raise ValueError(name)

    try:
        return True, json.loads(text, parse_constant=refuse)
    except (ValueError, RecursionError):
        return False, None


def _equals(expected: Any, output: str) -> bool:
    """Objects and lists compare with the reply parsed as JSON; anything else as text."""
    if isinstance(expected, dict | list):
        parsed, value = parse_json(output)
        return parsed and strict_equal(expected, value)
    if expected is None:
        raise GradeError("equals needs a value")
    return text_of(expected) == output


def strict_equal(left: Any, right: Any) -> bool:
    """Deep equality as JavaScript's isDeepStrictEqual sees JSON: true is not 1."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(strict_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(strict_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


def _is_json(assertion: Assertion, output: str) -> tuple[bool, str]:
    """is-json: the whole reply parses as JSON and, given a schema, conforms to it."""
    parsed, value = parse_json(output)
    schema = assertion.value
    if not parsed or schema is None or schema == "":
        passed = parsed != assertion.inverse
        expectation = "not be JSON" if assertion.inverse else "be valid JSON"
        return passed, "" if passed else f"expected the reply to {expectation}"
    problem = schema_problem(schema, value)
    passed = (problem is None) != assertion.inverse
    if passed:
        return True, ""
    if assertion.inverse:
        return False, "expected the reply not to be JSON that conforms to the schema"
    return False, f"the reply's JSON does not conform to the schema: {problem}"


def schema_problem(schema: Any, instance: Any) -> str | None:
    """Why `instance` does not conform to the JSON schema, or None; raises GradeError for a
    schema that is not one. Schema patterns run with the same time limit as regex."""
    import jsonschema
    from jsonschema import validators

    if isinstance(schema, str):
        schema = _yaml_value(schema)
    if not isinstance(schema, dict | bool):
        raise GradeError("is-json's value must be a JSON schema (an object), or left out")
    base = validators.validator_for(schema)
    try:
        base.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise GradeError(f"is-json's schema is not valid: {exc.message}") from None
    bounded = validators.extend(base, {"pattern": _pattern_keyword, "patternProperties": _pattern_properties})
    error = jsonschema.exceptions.best_match(bounded(schema).iter_errors(instance))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "the top level"
    return f"{error.message} (at {where})"


def _yaml_value(text: str) -> Any:
    """A schema written as text: promptfoo reads it as YAML (JSON is YAML too)."""
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError) as exc:
        raise GradeError(f"is-json's schema text does not parse: {exc}") from None


def _pattern_keyword(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    from jsonschema import ValidationError

    if not validator.is_type(instance, "string") or not isinstance(pattern, str):
        return
    if not bounded_search(compile_pattern(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, properties: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object") or not isinstance(properties, dict):
        return
    for pattern, subschema in properties.items():
        compiled = compile_pattern(pattern)
        for name, value in instance.items():
            if bounded_search(compiled, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)
