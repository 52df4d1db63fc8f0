"""core.* and perf.* against the perf lab sites (launchwizard.demo.sites_perf), over real sockets."""

from __future__ import annotations

from typing import Any

import pytest

from launchwizard.results import Status

FAST = "fast.perf.test"
HEAVY = "heavy.perf.test"
CHAT = "chat.perf.test"
DEBUG = "debug.perf.test"


def chat_endpoint(host: str, path: str, **extra: Any) -> dict[str, Any]:
    return {
        "url": f"https://{host}{path}",
        "method": "POST",
        "body": '{"message": "{{prompt}}"}',
        "response_path": "reply.text",
        "headers": {"Content-Type": "application/json"},
        **extra,
    }


def site(make_sprint, host: str, chat: dict[str, Any] | None = None, **tables: Any):
    endpoints: dict[str, Any] = {
        "homepage": f"https://{host}/",
        "health": f"https://{host}/health",
        "login": f"https://{host}/login",
    }
    if chat is not None:
        endpoints["chat"] = chat
    return make_sprint([host], apex="perf.test", endpoints=endpoints, **tables)


async def test_landing_passes_on_a_healthy_page(make_sprint, run_check):
    result = (await run_check(site(make_sprint, FAST), "core.landing"))[FAST]
    assert result.status == Status.PASS
    assert len(result.evidence["visits"]) == 3
    assert all(visit["status"] == 200 for visit in result.evidence["visits"])


async def test_landing_fails_when_every_other_visit_fails(make_sprint, run_check, lab):
    lab.reset_rate_limits()
    sprint = make_sprint(
        ["smoke.perf.test"], apex="perf.test", endpoints={"homepage": "https://smoke.perf.test/"}
    )
    result = (await run_check(sprint, "core.landing"))["smoke.perf.test"]
    assert result.status == Status.FAIL
    assert "2 of 3 visits" in result.summary and "status 503" in result.summary


async def test_widget_async_passes_and_blocking_fails(make_sprint, run_check):
    fast = (await run_check(site(make_sprint, FAST), "core.widget"))[FAST]
    assert fast.status == Status.PASS, fast.summary
    assert fast.evidence["widget"]["blocking"] is False
    heavy = (await run_check(site(make_sprint, HEAVY), "core.widget"))[HEAVY]
    assert heavy.status == Status.FAIL
    assert "blocks rendering" in heavy.summary
    assert heavy.evidence["widget"]["url"] == f"https://{HEAVY}/widget/chat.js"


async def test_errors_pass_on_useful_4xx(make_sprint, run_check):
    sprint = site(make_sprint, FAST, chat_endpoint(FAST, "/v1/chat"))
    result = (await run_check(sprint, "core.errors"))[FAST]
    assert result.status == Status.PASS, result.summary
    statuses = {probe["probe"]: probe["status"] for probe in result.evidence["error_probes"]}
    assert statuses == {"unknown route": 404, "malformed JSON": 400, "over-long input": 413}


async def test_errors_fail_on_a_traceback_and_warn_on_soft_404(make_sprint, run_check):
    sprint = site(make_sprint, HEAVY, chat_endpoint(HEAVY, "/v1/chat"))
    result = (await run_check(sprint, "core.errors"))[HEAVY]
    assert result.status == Status.FAIL
    assert "malformed JSON: 500 with a Python traceback" in result.summary
    probes = {probe["probe"]: probe for probe in result.evidence["error_probes"]}
    assert probes["unknown route"]["verdict"].endswith("(soft 404)")
    assert "Traceback" in result.fix or "debug mode" in result.fix


async def test_errors_fail_on_framework_debug_pages_as_they_are_really_rendered(make_sprint, run_check):
    """Express's default handler escapes the stack and joins it with <br> &nbsp; &nbsp;at, and
    Django's technical 404 writes a typographic apostrophe: both are debug output."""
    sprint = site(make_sprint, DEBUG, chat_endpoint(DEBUG, "/v1/chat"))
    result = (await run_check(sprint, "core.errors"))[DEBUG]
    assert result.status == Status.FAIL
    probes = {probe["probe"]: probe for probe in result.evidence["error_probes"]}
    assert probes["unknown route"]["verdict"] == "404 with a Django debug page in the body"
    assert "Django debug 404 page (URL patterns)" in probes["unknown route"]["debug_markers"]
    assert (
        probes["malformed JSON"]["verdict"]
        == "500 with a Express default error handler (finalhandler) in the body"
    )
    assert "Node.js stack trace" in probes["over-long input"]["debug_markers"]


async def test_health_pass_and_fail(make_sprint, run_check):
    assert (await run_check(site(make_sprint, FAST), "core.health"))[FAST].status == Status.PASS
    heavy = (await run_check(site(make_sprint, HEAVY), "core.health"))[HEAVY]
    assert heavy.status == Status.FAIL
    assert "503" in heavy.summary


async def test_latency_percentiles_and_errors(make_sprint, run_check):
    sprint = site(make_sprint, FAST, perf={"samples": 20, "concurrency": 4})
    result = (await run_check(sprint, "perf.latency"))[FAST]
    assert result.status == Status.PASS, result.summary
    rows = {row["route"]: row for row in result.evidence["latency"]}
    assert set(rows) == {"homepage", "health", "login"}
    for row in rows.values():
        assert row["samples"] == 20 and row["errors"] == 0
        assert row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["slowest_ms"]


async def test_latency_fails_on_errors_and_on_slow_routes(make_sprint, run_check, lab):
    heavy = site(make_sprint, HEAVY, perf={"samples": 20})
    result = (await run_check(heavy, "perf.latency"))[HEAVY]
    assert result.status == Status.FAIL
    assert "health: 100.0 % errors" in result.summary
    lab.set_latency(0.05)
    slow = site(make_sprint, FAST, perf={"samples": 20, "concurrency": 8, "p95_ms": 20})
    result = (await run_check(slow, "perf.latency"))[FAST]
    assert result.status == Status.FAIL
    assert "(target < 20 ms)" in result.summary


async def test_latency_refuses_too_few_samples(make_sprint, run_check):
    result = (await run_check(site(make_sprint, FAST, perf={"samples": 5}), "perf.latency"))[FAST]
    assert result.status == Status.ERROR
    assert "refusing" in result.summary and "at least 20" in result.summary


@pytest.mark.parametrize("path", ["/v1/guarded", "/v1/stream"])
async def test_chat_json_and_streamed_pass(make_sprint, run_check, path):
    sprint = site(make_sprint, CHAT, chat_endpoint(CHAT, path, timeout_s=5))
    result = (await run_check(sprint, "perf.chat"))[CHAT]
    assert result.status == Status.PASS, result.summary
    replies = result.evidence["replies"]
    assert len(replies) == 3 and all(reply["status"] == 200 for reply in replies)
    assert replies[0]["format"] == ("sse" if path == "/v1/stream" else "json")
    assert result.evidence["timeout_s"] == 5


async def test_chat_slow_first_byte_fails(make_sprint, run_check):
    sprint = site(
        make_sprint, CHAT, chat_endpoint(CHAT, "/v1/slowstream", timeout_s=5), perf={"chat_first_byte_s": 1}
    )
    result = (await run_check(sprint, "perf.chat"))[CHAT]
    assert result.status == Status.FAIL
    assert "slower than the 1 s" in result.summary


async def test_chat_endless_stream_is_cut_at_the_timeout(make_sprint, run_check):
    sprint = site(make_sprint, CHAT, chat_endpoint(CHAT, "/v1/endless", timeout_s=1))
    result = (await run_check(sprint, "perf.chat"))[CHAT]
    assert result.status == Status.FAIL
    assert "cut at the chat timeout" in result.summary
    assert result.evidence["replies"][0]["cut_at_timeout"] is True


async def test_chat_unreadable_reply_is_said(make_sprint, run_check):
    sprint = site(make_sprint, CHAT, chat_endpoint(CHAT, "/v1/text", timeout_s=5))
    result = (await run_check(sprint, "perf.chat"))[CHAT]
    assert result.status == Status.WARN
    assert "is not JSON" in result.summary


async def test_cache_good_assets_and_hit_ratio(make_sprint, run_check):
    result = (await run_check(site(make_sprint, FAST), "perf.cache"))[FAST]
    assert result.status == Status.PASS, result.summary
    sample = result.evidence["hit_ratio_sample"]
    assert sample["ratio_pct"] == 100.0 and "sample" in sample["note"]


async def test_cache_uncacheable_assets_fail(make_sprint, run_check):
    result = (await run_check(site(make_sprint, HEAVY), "perf.cache"))[HEAVY]
    assert result.status == Status.FAIL
    assert "cannot be cached" in result.summary
    assert "hit ratio 0 %" in result.summary


async def test_bundle_within_budget(make_sprint, run_check):
    result = (await run_check(site(make_sprint, FAST), "perf.bundle"))[FAST]
    assert result.status == Status.PASS, result.summary
    assert result.evidence["transferred_kb"] > 0


async def test_bundle_over_budget_counts_transferred_and_decoded(make_sprint, run_check):
    result = (await run_check(site(make_sprint, HEAVY), "perf.bundle"))[HEAVY]
    assert result.status == Status.FAIL
    scripts = {row["url"].rsplit("/", 1)[-1]: row for row in result.evidence["scripts"]}
    vendor = scripts["vendor.js"]
    assert vendor["encoding"] == "gzip"
    assert vendor["transferred_kb"] < 100
    assert vendor["decoded_kb"] >= 20 * 1024
    assert scripts["app.js"]["encoding"] == "none"
    assert "served uncompressed" in result.summary


async def test_a_chat_endpoint_that_never_answers_is_bounded_by_its_timeout(make_sprint, run_check):
    hang = {
        "url": "https://hang.lab.test/v1/chat",
        "method": "POST",
        "body": '{"message": "{{prompt}}"}',
        "response_path": "reply.text",
        "timeout_s": 1,
    }
    sprint = make_sprint(
        ["hang.lab.test"],
        endpoints={"homepage": "https://hang.lab.test/", "chat": hang},
        probes={"injection": {"enabled": True, "endpoint": "chat", "rate_per_s": 20.0}},
    )
    chat = (await run_check(sprint, "perf.chat"))["hang.lab.test"]
    assert chat.status == Status.ERROR and "no response within 1 s" in chat.summary
    injection = (await run_check(sprint, "ai.injection"))["hang.lab.test"]
    assert injection.status == Status.ERROR and "refusing to evaluate" in injection.summary
    smoke = (await run_check(sprint, "deploy.smoke"))["hang.lab.test"]
    assert smoke.status == Status.FAIL
    routes = {row["route"]: row for row in smoke.evidence["routes"]}
    assert len(routes["chat"]["attempts"]) == 2
