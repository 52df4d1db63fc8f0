"""Table tests and fuzzing for what the perf checks compute: percentiles, cache headers,
chat replies (JSON, SSE, text) and compressed sizes."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchwizard.ai.detectors import canary_hits, exfil_hits, overlap_score
from launchwizard.checks.chatcall import lookup, read_reply
from launchwizard.checks.static import decoded_size
from launchwizard.net.http import Response
from launchwizard.perf.caching import cache_directives, cacheability, edge_hit
from launchwizard.perf.stats import nearest_rank, summarise
from launchwizard.tui.widgets.latency import percentile_bars


def test_nearest_rank_matches_the_definition():
    values = list(range(1, 101))
    assert nearest_rank(values, 50) == 50
    assert nearest_rank(values, 95) == 95
    assert nearest_rank(values, 99) == 99
    assert nearest_rank([7.0], 95) == 7.0
    assert nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 1000], 95) == 19
    with pytest.raises(ValueError):
        nearest_rank([], 50)
    with pytest.raises(ValueError):
        nearest_rank([1], 0)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=200), st.floats(0.01, 100))
def test_nearest_rank_is_a_sample_and_monotonic(values, percentile):
    value = nearest_rank(values, percentile)
    assert value in values
    assert nearest_rank(values, 100) == max(values)
    assert value <= nearest_rank(values, min(100.0, percentile + 5))


def test_summary_counts_errors_in_the_rate_not_the_percentiles():
    summary = summarise([10.0] * 38, errors=2)
    assert summary.samples == 40 and summary.error_rate_pct == 5.0 and summary.p95 == 10.0
    assert summarise([], 3).p95 is None


@pytest.mark.parametrize(
    ("headers", "verdict"),
    [
        ([("Cache-Control", "public, max-age=31536000, immutable")], "good"),
        ([("Cache-Control", "max-age=86400")], "good"),
        ([("Cache-Control", "s-maxage=604800, max-age=60")], "good"),
        ([("Cache-Control", "max-age=600")], "short"),
        ([], "short"),
        ([("Cache-Control", "no-cache")], "short"),
        ([("Cache-Control", "max-age=31536000"), ("Vary", "Cookie")], "short"),
        ([("Cache-Control", "no-store")], "uncacheable"),
        ([("Cache-Control", "private, max-age=31536000")], "uncacheable"),
        ([("Cache-Control", "max-age=31536000"), ("Vary", "Accept-Encoding, *")], "uncacheable"),
        ([("Cache-Control", "max-age=31536000"), ("Set-Cookie", "a=b")], "uncacheable"),
        ([("Cache-Control", 'max-age="abc", ,,=')], "short"),
    ],
)
def test_cacheability(headers, verdict):
    assert cacheability(headers)[0] == verdict


@pytest.mark.parametrize(
    ("headers", "hit"),
    [
        ([("Cache-Status", '"edge"; hit')], True),
        ([("Cache-Status", '"origin"; fwd=uri-miss, "edge"; fwd=miss; stored')], False),
        ([("cf-cache-status", "HIT")], True),
        ([("CF-Cache-Status", "REVALIDATED")], True),
        ([("cf-cache-status", "DYNAMIC")], False),
        ([("X-Cache", "Hit from cloudfront")], True),
        ([("X-Cache", "MISS, MISS")], False),
        ([("Age", "42")], True),
        ([("Age", "0")], False),
        ([("Age", "soon")], None),
        ([], None),
    ],
)
def test_edge_hit(headers, hit):
    assert edge_hit(headers) is hit


@given(st.text(max_size=300))
def test_cache_header_parsers_never_raise(value):
    cache_directives(value)
    cacheability([("Cache-Control", value), ("Vary", value)])
    edge_hit([("Cache-Status", value), ("cf-cache-status", value), ("X-Cache", value), ("Age", value)])


def reply(body: bytes, content_type: str, path: str | None = "reply.text", **extra) -> Response:
    response = Response("https://x.test/chat", 200, [("Content-Type", content_type)], body, **extra)
    return read_reply(response, path, 5.0)


def test_json_reply_and_wrong_path():
    assert reply(b'{"reply": {"text": "hi"}}', "application/json").text == "hi"
    missing = reply(b'{"answer": "hi"}', "application/json")
    assert missing.text is None and "'reply.text' is not in the reply" in missing.problem
    assert "'answer'" in missing.problem
    number = reply(b'{"reply": {"text": 3}}', "application/json")
    assert "holds int, not text" in number.problem
    broken = reply(b'{"reply": ', "application/json")
    assert "does not parse" in broken.problem
    assert lookup({"choices": [{"message": {"content": "x"}}]}, "choices.0.message.content") == (True, "x")
    assert lookup({"choices": []}, "choices.0") == (False, None)


def test_sse_reply_openai_and_plain_events():
    openai = (
        b'data: {"choices": [{"delta": {"content": "Hel"}}]}\n\n'
        b'data: {"choices": [{"delta": {"content": "lo"}}]}\n\ndata: [DONE]\n\ndata: {"delta": "late"}\n\n'
    )
    assert reply(openai, "text/event-stream; charset=utf-8").text == "Hello"
    plain = b"event: token\ndata: Hi \n\ndata: there\n\n: comment\n\n"
    assert reply(plain, "text/event-stream").text == "Hithere"


def test_text_reply_needs_no_path_and_cut_replies_say_so():
    assert reply(b"plain answer", "text/plain", None).text == "plain answer"
    assert "is not JSON" in reply(b"plain answer", "text/plain").problem
    cut = reply(b"data: x\n\n", "text/event-stream", body_error="body still arriving at the deadline")
    assert cut.cut and "cut at the timeout" in cut.problem
    assert reply(b'{"reply": {"text": "  "}}', "application/json").problem == "the reply text is empty"


@given(st.binary(max_size=2000), st.sampled_from(["application/json", "text/event-stream", "text/html", ""]))
@settings(max_examples=300)
def test_read_reply_never_raises(body, content_type):
    result = reply(body, content_type)
    assert result.text is not None or result.problem


@given(st.text(max_size=2000))
def test_detectors_never_raise(text):
    canary_hits(text, ["ACME-CANARY-123456"])
    exfil_hits(text)
    assert 0.0 <= overlap_score(text, "You are a helpful assistant for Acme.") <= 1.0


def test_decoded_size_is_capped_and_handles_bad_data():
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    size, problem = decoded_size(bomb, "gzip", 1024 * 1024)
    assert size <= 2 * 1024 * 1024 and "stopped" in problem
    assert decoded_size(zlib.compress(b"abc" * 100), "deflate", 10_000) == (300, None)
    assert decoded_size(b"not gzip", "gzip", 1000)[1].startswith("the gzip body does not decode")
    assert decoded_size(b"abc", "br", 1000) == (3, "encoding 'br' not measured")
    assert decoded_size(b"abc", "", 1000) == (3, None)


def test_percentile_bars_mark_the_target_and_missing_values():
    rows = [
        {"route": "homepage", "p50_ms": 40, "p95_ms": 120, "p99_ms": 900, "error_rate_pct": 0, "samples": 40},
        {
            "route": "health",
            "p50_ms": None,
            "p95_ms": None,
            "p99_ms": None,
            "error_rate_pct": 60,
            "samples": 40,
        },
    ]
    lines = percentile_bars(rows, 500)
    assert lines is not None
    assert "p95 target 500 ms" in lines[0]
    assert any(line.startswith("homepage  p50  ") and line.endswith("40 ms") for line in lines)
    assert all("│" in line for line in lines[1:4])
    assert any("too few answered requests" in line for line in lines)
    assert percentile_bars("garbage", 500) is None
    json.dumps(lines)
