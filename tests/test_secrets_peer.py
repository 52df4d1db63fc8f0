"""Held-out and held-in measurements of the rule table.

Held out: the rule test strings of an independent scanner (tests/data/peer-secrets, its
source in tests/data/README.md), never used to write a rule: recall over its true
positives of every provider this tool covers, and the share of its false positives we
report. Held in: this project's own made-up credentials of every rule and the look-alikes
of test_secrets_rules.py, as one corpus with recall and precision.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path

from test_secrets_rules import (
    DATABASE_PLACEHOLDERS,
    HASHES_AND_IDS,
    JWT_LOOKALIKES,
    LINE_PATHS,
    PLACEHOLDERS,
    REFERENCES,
)
from test_secrets_saas import GENERIC_NEGATIVES, GENERIC_POSITIVES, PROVIDER_NEGATIVES

from launchwizard.demo import fakesecrets
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.rules import RULE_IDS

PEER_CASES = Path(__file__).parent / "data" / "peer-secrets" / "betterleaks-cases.jsonl"
PEER_MIN_RECALL = 0.85
PEER_MAX_FALSE_POSITIVE_RATE = 0.05
HELD_IN_MIN_RECALL = 0.95
HELD_IN_MIN_PRECISION = 0.95
SEEDS = range(3)
SCANNER = Scanner()


def _peer_cases() -> list[dict[str, object]]:
    cases = []
    for line in PEER_CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        case["text"] = base64.b64decode(case["text"]).decode("utf-8")
        cases.append(case)
    return cases


def _reported(text: str, path: str = "peer/case") -> bool:
    return bool(SCANNER.scan_text(text, path))


def test_the_peer_suite_is_what_its_source_note_says() -> None:
    cases = _peer_cases()
    kinds = Counter(case["kind"] for case in cases)
    assert kinds["tp"] > 3000 and kinds["fp"] > 250
    assert len({case["provider"] for case in cases}) >= 60


def test_recall_and_false_positive_rate_on_the_peer_suite() -> None:
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    false_positives = negatives = 0
    for case in _peer_cases():
        reported = _reported(str(case["text"]))
        if case["kind"] == "tp":
            totals[str(case["provider"])] += 1
            hits[str(case["provider"])] += reported
        else:
            negatives += 1
            false_positives += reported
    recall = sum(hits.values()) / sum(totals.values())
    per_provider = {p: hits[p] / totals[p] for p in totals}
    weakest = sorted(per_provider.items(), key=lambda kv: kv[1])[:5]
    assert recall >= PEER_MIN_RECALL, f"recall {recall:.3f}; weakest providers {weakest}"
    assert false_positives / negatives <= PEER_MAX_FALSE_POSITIVE_RATE, (false_positives, negatives)


def _held_in_positives() -> list[tuple[str, str]]:
    positives = [
        (LINE_PATHS.get(rule, "config/app.env"), fakesecrets.line(rule, seed))
        for rule in RULE_IDS
        for seed in SEEDS
    ]
    return positives + [(path, text) for path, text in GENERIC_POSITIVES]


def _held_in_negatives() -> list[tuple[str, str]]:
    return (
        PLACEHOLDERS
        + HASHES_AND_IDS
        + REFERENCES
        + DATABASE_PLACEHOLDERS
        + JWT_LOOKALIKES
        + GENERIC_NEGATIVES
        + [("config/app.env", text) for _, text in PROVIDER_NEGATIVES]
    )


def test_recall_and_precision_on_the_held_in_corpus() -> None:
    positives = _held_in_positives()
    negatives = _held_in_negatives()
    found = sum(_reported(text, path) for path, text in positives)
    false = [(path, text) for path, text in negatives if _reported(text, path)]
    recall = found / len(positives)
    precision = found / (found + len(false))
    assert recall >= HELD_IN_MIN_RECALL, recall
    assert precision >= HELD_IN_MIN_PRECISION, false
