"""A finding's heading names what is wrong: the check's own headline, else its summary's first
clause; never the check's pass-title, and a check that could not run says so."""

from __future__ import annotations

from collections import Counter

import pytest

from launchwizard.checks.injection import injection_headline
from launchwizard.results import Result, Severity, Status, finding_headline, problem_headline


@pytest.mark.parametrize(
    ("summary", "headline"),
    [
        (
            "accepts deprecated TLSv1.0 and TLSv1.1 (RFC 8996); offers TLSv1.2, TLSv1.3",
            "Accepts deprecated TLSv1.0 and TLSv1.1 (RFC 8996)",
        ),
        (
            "4 variables the code needs are missing from production: DATABASE_URL, SESSION_SECRET, "
            "OPENAI_API_KEY and 1 more",
            "4 variables the code needs are missing from production",
        ),
        (
            "1 credential in the logs: 1 Authorization header; also 3 e-mail addresses",
            "1 credential in the logs: 1 Authorization header",
        ),
        (
            "homepage: p95 809 ms (target < 500 ms); login: 2 % errors",
            "Homepage: p95 809 ms (target < 500 ms)",
        ),
        (
            "4 secret(s) found (1 in the code; 3 deleted but still in git history): "
            "Slack, Database, Stripe, OpenAI",
            "4 secret(s) found (1 in the code; 3 deleted but still in git history)",
        ),
        (
            "http://app.acme.test/ serves content (status 200)",
            "http://app.acme.test/ serves content (status 200)",
        ),
        ("edge.cors found nothing", "edge.cors found nothing"),
        ("could not test any version: timed out", "Could not test any version: timed out"),
        ("first line\nsecond line", "First line"),
        ("", ""),
    ],
)
def test_the_first_clause_of_a_summary(summary: str, headline: str) -> None:
    assert problem_headline(summary) == headline


def test_a_long_clause_is_cut_at_a_word() -> None:
    headline = problem_headline("word " * 100)
    assert len(headline) <= 140 and headline.endswith("word…")


def test_an_error_says_nothing_was_established() -> None:
    assert finding_headline("error", "", "SERVFAIL from every name server", "t") == (
        "Not verified: SERVFAIL from every name server"
    )
    assert finding_headline("error", "", "could not connect", "t") == "Could not connect"
    assert finding_headline("fail", "", "", "Certificate is valid") == "Certificate is valid"


def test_a_result_prefers_its_checks_headline_and_keeps_it_in_json() -> None:
    result = Result(
        "ai.eval", "perf", "api", Status.FAIL, Severity.HIGH, "t", "21 of 24 passed", headline="H"
    )
    assert result.problem == "H" and Result.from_json(result.to_json()).headline == "H"
    assert "headline" not in Result("a", "b", "c", Status.PASS, Severity.INFO, "t", "s").to_json()


@pytest.mark.parametrize(
    ("counts", "failed", "headline"),
    [
        ({"LLM07": 3}, 3, "The chat bot leaked its system prompt to 3 of 24 prompts"),
        (
            {"LLM07": 4, "LLM01": 6, "LLM02": 4},
            14,
            "The chat bot leaked its system prompt to 4 and disclosed another tenant's data or a secret to 4 "
            "(14 of 24 prompts broke it)",
        ),
        ({"LLM01": 1}, 1, "The chat bot obeyed 1 injected instruction (1 of 24 prompts broke it)"),
        ({"LLM99": 2}, 2, "2 of 24 injection prompts broke the chat bot"),
    ],
)
def test_the_injection_headline_says_what_the_bot_did(
    counts: dict[str, int], failed: int, headline: str
) -> None:
    assert injection_headline(Counter(counts), failed, 24) == headline
