"""The code rule tables: every rule's own examples, run through the real engine in each of
its languages; a true example must be reported, a false-positive example must stay silent."""

from __future__ import annotations

import re

import pytest

from launchwizard.code.files import SourceFile
from launchwizard.code.model import CHECK_IDS, JS_FAMILY, Example, Rule
from launchwizard.code.scan import scan_sources
from launchwizard.code.tables import ALL_RULES, REPO_RULES

DEFAULT_PATHS = {
    "python": "app/service.py",
    "javascript": "src/service.js",
    "typescript": "src/service.ts",
    "tsx": "src/service.tsx",
}
EXTENSIONS = {"python": ".py", "javascript": ".js", "typescript": ".ts", "tsx": ".tsx"}
FACT_RULES = tuple(rule for rule in ALL_RULES if rule.fact)


def _cases() -> list[tuple[Rule, Example, str]]:
    return [
        (rule, example, language)
        for rule in ALL_RULES
        for example in rule.examples
        for language in (example.languages or rule.languages)
    ]


def _path(example: Example, language: str) -> str:
    if not example.path:
        return DEFAULT_PATHS[language]
    return re.sub(r"\.[a-z]+$", EXTENSIONS[language], example.path)


def run_example(rule: Rule, example: Example, language: str) -> int:
    """How many times `rule` reports the example (facts: whether the fact was recorded)."""
    source = SourceFile(_path(example, language), language, example.code)  # type: ignore[arg-type]
    scan = scan_sources([source], rules=(*FACT_RULES, rule) if not rule.fact else (rule,), repo_rules=())
    assert scan.stats.total_read == 1, f"the example does not parse as {language}: {scan.notes}"
    if rule.fact:
        return sum(1 for fact in scan.facts if fact.name == rule.fact)
    return sum(1 for finding in scan.findings if finding.rule == rule.id)


@pytest.mark.parametrize(
    ("rule", "example", "language"),
    _cases(),
    ids=[
        f"{r.id}-{i}-{lang}"
        for r in ALL_RULES
        for i, e in enumerate(r.examples)
        for lang in (e.languages or r.languages)
    ],
)
def test_rule_examples(rule: Rule, example: Example, language: str) -> None:
    assert run_example(rule, example, language) == example.hits, example.code


def test_every_rule_is_complete_and_has_true_and_false_examples() -> None:
    ids = [rule.id for rule in ALL_RULES] + [rule.id for rule in REPO_RULES]
    assert len(ids) == len(set(ids))
    for rule in ALL_RULES:
        assert rule.check in CHECK_IDS, rule.id
        assert rule.languages and set(rule.languages) <= {"python", *JS_FAMILY}, rule.id
        assert rule.keywords and rule.message, rule.id
        assert any(e.hits for e in rule.examples), f"{rule.id} has no true example"
        assert any(e.hits == 0 for e in rule.examples), f"{rule.id} has no false-positive example"
        if not rule.fact:
            assert rule.fix and rule.reference, rule.id
    for repo_rule in REPO_RULES:
        assert repo_rule.check in CHECK_IDS and repo_rule.fix and repo_rule.message
        assert any(rule.fact.startswith(repo_rule.when) for rule in FACT_RULES), repo_rule.id
        for missing in repo_rule.unless:
            assert any(rule.fact.startswith(missing) for rule in FACT_RULES), (repo_rule.id, missing)


def test_every_check_has_rules() -> None:
    assert {rule.check for rule in ALL_RULES if not rule.fact} == set(CHECK_IDS)
