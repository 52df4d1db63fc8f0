"""logs.redaction: the log detectors, the streaming reader and the check's verdicts.

Every sensitive value is generated at run time (random tokens, Luhn-completed card
numbers, example.com addresses, phone numbers from the ranges reserved for fiction), and
every check-level test asserts the raw values never reach the result's JSON.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import json
import lzma
import random
import string
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from launchwizard.config import Sprint, load_sprint
from launchwizard.demo import fakesecrets
from launchwizard.results import Result, Severity, Status
from launchwizard.secrets import logscan
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.logscan import Limits, LogScan, scan_logs
from launchwizard.secrets.pii import find_hits, is_masked, luhn_valid

RunCheck = Callable[[Sprint, str], Awaitable[dict[str, Result]]]
RNG = random.Random(20240115)


def token(n: int = 32) -> str:
    return "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(n))


def check_digit(body: str) -> str:
    """The Luhn digit that completes `body`, computed independently of the code under test."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def card_number(prefix: str = "4", length: int = 16) -> str:
    """A Luhn-valid number on a real network prefix that is no published test card."""
    while True:
        body = prefix + "".join(RNG.choice(string.digits) for _ in range(length - len(prefix) - 1))
        number = body + check_digit(body)
        if len(set(number[1:-1])) > 4:
            return number


def sentence(words: int = 14) -> str:
    vocabulary = (
        "please",
        "help",
        "me",
        "reset",
        "billing",
        "account",
        "invoice",
        "team",
        "contract",
        "refund",
    )
    return " ".join(RNG.choice(vocabulary) for _ in range(words)).capitalize()


def customer_email() -> str:
    return f"customer.{token(6).lower()}@example.com"


# ---------------------------------------------------------------- detectors


def test_luhn_completion_agrees_with_the_detector() -> None:
    number = card_number()
    assert luhn_valid(number)
    assert not luhn_valid(number[:-1] + str((int(number[-1]) + 1) % 10))


POSITIVE = [
    ("GET /oauth/cb?code=1&access_token={t}&state=2 200", "secret-param"),
    ("login user=alice password={t}", "secret-param"),
    ("Cookie: sessionid={t}; theme=dark", "secret-param"),
    ("GET /files/report.pdf?X-Amz-Signature={t}", "secret-param"),
    ("Authorization: Bearer {t}", "auth-header"),
    ('{{"headers": {{"authorization": "Basic {t}"}}}}', "auth-header"),
    ("x-api-key: {t}", "api-key-header"),
    ('{{"X-Api-Key": "{t}"}}', "api-key-header"),
    ("connect redis://:{t}@cache.internal.test:6379/0", "url-password"),
    ("connect amqp://app:{t}@mq.internal.test/vhost", "url-password"),
    ('{{"user": "alice", "password": "{t}"}}', "secret-field"),
    ('{{"db_password": "{t}"}}', "secret-field"),
    ("{{'client_secret': '{t}'}}", "secret-field"),
    ("signup {email} plan=team", "email"),
    ('{{"to": "{email}"}}', "email"),
    ('{{"phone": "+44 20 7946 0321"}}', "phone"),
    ("sms sent to +14155550142", "phone"),
    ("callback (415) 555-0142", "phone"),
    ("callback 1-415-555-0142", "phone"),
    ("callback 020 7946 0123", "phone"),
    ("charge card {card}", "card"),
    ("card={card_dashes}", "card"),
    ('{{"pan": "{amex}"}}', "card"),
    ("test charge 4242 4242 4242 4242", "test-card"),
    ("test charge 4000056655665556", "test-card"),
    ('{{"role": "user", "content": "{sentence}"}}', "chat-content"),
    ('{{"user_message": "{sentence}"}}', "chat-content"),
    ('{{"event": "chat.reply", "message": "{sentence}"}}', "chat-content"),
    ('llm call prompt="{sentence}" model=x', "chat-content"),
]


@pytest.mark.parametrize(("template", "kind"), POSITIVE)
def test_each_kind_is_found(template: str, kind: str) -> None:
    card = card_number()
    values = {
        "t": token(),
        "email": customer_email(),
        "card": " ".join(card[i : i + 4] for i in range(0, 16, 4)),
        "card_dashes": "-".join(card[i : i + 4] for i in range(0, 16, 4)),
        "amex": card_number("37", 15),
        "sentence": sentence(),
    }
    line = template.format(**values)
    hits, _ = find_hits(f"2024-01-15T10:00:00Z INFO {line}\n")
    assert [hit.kind for hit in hits] == [kind], line


NEGATIVE = [
    "2024-01-15T10:00:00.123+01:00 INFO server started in 1234 ms",
    "client 192.168.100.200:8080 -> 10.0.0.12:443",
    "request 550e8400-e29b-41d4-a716-446655440000 done",
    "version 1.24.3 build 20240115.1 commit 4f1d2c3b9a8e7d6c5b4a39281706f5e4d3c2b1a0",
    "order ORD-2024-000123 total 1299 items 3",
    "epoch_ms=1735689600123 user_id=1234567890123456 trace=12345678901234567",
    "date 15.01.2024 and 06/15/2024 12 and 2024-01-15 10:00",
    '{"max_tokens": 1024, "prompt_tokens": 12, "cache_key": "abc123def456"}',
    '{"next_page_token": "CgwIARIIc29tZXRoaW5n"}',
    '{"level": "error", "message": "Connection to the database failed after three retries, giving up"}',
    "asset logo@2x.png sent by noreply@acme.test to support@acme.test",
    "authorization required for this resource",
    "flags token=true password= secret=${SECRET} sid=3",
    "price +12.50 change +3 offset +0100",
    "area 100-200-3000 and 911",
    '{"content": "short text"}',
    "sum 4111 1111 1111 1112 is not Luhn-valid",
]


@pytest.mark.parametrize("line", NEGATIVE)
def test_ordinary_log_noise_is_not_a_finding(line: str) -> None:
    hits, _ = find_hits(line + "\n")
    assert hits == [], [(hit.kind, line[hit.start : hit.end]) for hit in hits]


MASKED = [
    "Authorization: Bearer [REDACTED]",
    '{"password": "****"}',
    "connect postgres://app:***@db.internal.test/app",
    "callback?api_key=sk-...abcd",
    "signup j***@example.com",
    "charged **** **** **** 4242",
    "x-api-key: xxxxxxxx",
    '{"authorization": "<filtered>"}',
]


@pytest.mark.parametrize("line", MASKED)
def test_masked_values_are_counted_not_reported(line: str) -> None:
    hits, masked = find_hits(line + "\n")
    assert hits == []
    assert masked >= 1


@pytest.mark.parametrize(
    "value", ["****", "[REDACTED]", "<redacted>", "xxx", "sk-...abcd", "••••", "[Filtered]"]
)
def test_is_masked(value: str) -> None:
    assert is_masked(value)


@pytest.mark.parametrize("value", ["hunter2hunter", "abc.def", "x", "redactedness-not"])
def test_is_not_masked(value: str) -> None:
    assert not is_masked(value)


LOG_ALPHABET = string.digits * 4 + string.ascii_letters + " +-.:=/@\"'{}[]()*#&?;,_\n\té…"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=LOG_ALPHABET, max_size=400))
def test_detectors_never_fail_and_stay_inside_the_text(text: str) -> None:
    hits, masked = find_hits(text)
    assert masked >= 0
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.value


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_are_read_without_raising(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.log"
    path.write_bytes(data)
    result = scan([str(path)], Limits(block_bytes=97, max_line_chars=131))
    assert len(result.files) + len(result.skipped) == 1


def test_hit_offsets_point_at_the_value() -> None:
    secret = token()
    text = f"first line\nGET /x?token={secret} 200\n"
    (hit,), _ = find_hits(text)
    assert text[hit.start : hit.end] == f"token={secret}"
    assert hit.value == secret


def test_a_password_in_a_url_is_not_also_an_email_address() -> None:
    hits, _ = find_hits(f"smtp://mailer:{token()}@smtp.example.com:587\n")
    assert [hit.kind for hit in hits] == ["url-password"]


def test_an_email_inside_a_chat_message_counts_as_both() -> None:
    text = f'{{"role": "user", "content": "Please send the invoice to {customer_email()} before Friday"}}\n'
    kinds = sorted(hit.kind for hit in find_hits(text)[0])
    assert kinds == ["chat-content", "email"]


# ---------------------------------------------------------------- reading files


class NoRules:
    """A rule engine that finds nothing, to test the reader and the log detectors alone."""

    def scan_text(self, text: str, path: str, *, source: Any = "file") -> list[Any]:
        return []


def scan(patterns: list[str], limits: Limits | None = None, engine: Any = None) -> LogScan:
    return scan_logs(patterns, engine or NoRules(), limits or Limits())


def lines_with_email_at(numbers: set[int], total: int) -> tuple[str, dict[int, str]]:
    planted: dict[int, str] = {}
    out = []
    for number in range(1, total + 1):
        if number in numbers:
            planted[number] = customer_email()
            out.append(f"2024-01-15T10:00:00Z INFO signup {planted[number]}")
        else:
            out.append(f"2024-01-15T10:00:00Z INFO request {number} handled in 12 ms")
    return "\n".join(out) + "\n", planted


def test_line_numbers_survive_block_boundaries(tmp_path: Path) -> None:
    text, _ = lines_with_email_at({1, 777, 2999, 3000}, 3000)
    (tmp_path / "app.log").write_text(text)
    result = scan([str(tmp_path / "*.log")], Limits(block_bytes=4096))
    assert result.counts["email"] == 4
    assert result.files[0].lines == 3000
    assert [s.line for s in result.samples["email"]] == [1, 777, 2999]


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("app.log.gz", gzip.compress),
        ("app.log.1", gzip.compress),
        ("app.log.bz2", bz2.compress),
        ("app.log.xz", lzma.compress),
    ],
)
def test_compressed_logs_are_read_by_magic_bytes(tmp_path: Path, name: str, compress: Any) -> None:
    text, _ = lines_with_email_at({5, 50}, 60)
    (tmp_path / name).write_bytes(compress(text.encode()))
    result = scan([str(tmp_path / "app.log*")])
    assert result.counts["email"] == 2
    assert result.files[0].compression in ("gzip", "bzip2", "xz")
    assert result.files[0].lines == 60


def test_json_lines(tmp_path: Path) -> None:
    records = [
        {"ts": "2024-01-15T10:00:00Z", "level": "info", "msg": "ok", "duration_ms": 12},
        {"ts": "2024-01-15T10:00:01Z", "event": "chat", "role": "user", "content": sentence()},
        {"ts": "2024-01-15T10:00:02Z", "request": {"headers": {"authorization": f"Bearer {token()}"}}},
        {"ts": "2024-01-15T10:00:03Z", "user": {"email": customer_email(), "password": "[REDACTED]"}},
    ]
    (tmp_path / "app.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    result = scan([str(tmp_path / "*.jsonl")])
    assert dict(result.counts) == {"chat-content": 1, "auth-header": 1, "email": 1}
    assert result.masked == 1
    assert {s.kind: s.line for samples in result.samples.values() for s in samples} == {
        "chat-content": 2,
        "auth-header": 3,
        "email": 4,
    }


def test_invalid_utf8_is_tolerated(tmp_path: Path) -> None:
    email = customer_email()
    data = b"caf\xe9 \xff\xfe broken bytes\n" + f"signup {email}\n".encode() + b"\xc3\n"
    (tmp_path / "app.log").write_bytes(data)
    result = scan([str(tmp_path / "app.log")])
    assert result.counts["email"] == 1
    assert result.samples["email"][0].line == 2
    assert result.files[0].lines == 3


def test_a_character_split_between_blocks_is_decoded(tmp_path: Path) -> None:
    email = customer_email()
    line = "é" * 3000 + f" {email}\n"
    (tmp_path / "app.log").write_text(line * 3, encoding="utf-8")
    result = scan([str(tmp_path / "app.log")], Limits(block_bytes=1001))
    assert result.counts["email"] == 3
    assert result.files[0].lines == 3


def test_utf16_logs_with_a_bom(tmp_path: Path) -> None:
    text, _ = lines_with_email_at({2}, 4)
    (tmp_path / "events.log").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = scan([str(tmp_path / "events.log")])
    assert result.counts["email"] == 1
    assert result.files[0].encoding == "utf-16"


def test_binary_and_unsupported_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "core.log").write_bytes(b"\x7fELF\x00\x00\x01binary")
    (tmp_path / "old.log.zst").write_bytes(b"\x28\xb5\x2f\xfd" + bytes(20))
    (tmp_path / "ok.log").write_text("2024-01-15 INFO fine\n")
    result = scan([str(tmp_path / "*")])
    assert dict(result.skipped) == {
        str(tmp_path / "core.log"): "binary file, not a text log",
        str(
            tmp_path / "old.log.zst"
        ): "zstd-compressed: decompress it first, then point [logs] at the result",
    }
    assert [f.path for f in result.files] == [str(tmp_path / "ok.log")]


def test_a_damaged_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    text, _ = lines_with_email_at({3}, 20000)
    data = gzip.compress(text.encode())
    (tmp_path / "app.log.gz").write_bytes(data[: len(data) // 2])
    result = scan([str(tmp_path / "app.log.gz")], Limits(block_bytes=4096))
    file = result.files[0]
    assert file.damaged.startswith(f"unreadable after line {file.lines}")
    assert 0 < file.lines < 20000
    assert result.counts["email"] == 1


def test_unmatched_globs_and_directories(tmp_path: Path) -> None:
    (tmp_path / "logs" / "nested").mkdir(parents=True)
    (tmp_path / "logs" / "nested" / "deep.log").write_text(f"to {customer_email()}\n")
    result = scan([str(tmp_path / "logs" / "**" / "*.log"), str(tmp_path / "missing" / "*.log")])
    assert result.patterns == [
        (str(tmp_path / "logs" / "**" / "*.log"), 1),
        (str(tmp_path / "missing" / "*.log"), 0),
    ]
    assert result.unmatched_patterns == [str(tmp_path / "missing" / "*.log")]
    assert result.counts["email"] == 1


def test_a_file_matched_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "app.log").write_text(f"to {customer_email()}\n")
    result = scan([str(tmp_path / "*.log"), str(tmp_path / "app.*")])
    assert len(result.files) == 1
    assert result.counts["email"] == 1


def test_a_huge_line_is_scanned_in_pieces(tmp_path: Path) -> None:
    email = customer_email()
    huge = "x" * (3 * 1024 * 1024) + f" {email}"
    (tmp_path / "app.log").write_text(f"first\n{huge}\nlast {customer_email()}\n")
    result = scan([str(tmp_path / "app.log")], Limits(block_bytes=256 * 1024, max_line_chars=256 * 1024))
    assert result.counts["email"] == 2
    assert [s.line for s in result.samples["email"]] == [2, 3]
    assert result.files[0].lines == 3


def test_reading_stops_at_the_per_file_cap(tmp_path: Path) -> None:
    text, _ = lines_with_email_at({1, 400}, 400)
    (tmp_path / "app.log").write_text(text)
    result = scan([str(tmp_path / "app.log")], Limits(max_file_bytes=2000, block_bytes=512))
    file = result.files[0]
    assert file.bytes_read == 2000
    assert file.cut == "read the first 2,000 bytes only"
    assert result.counts["email"] == 1


def test_a_past_deadline_stops_the_scan(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text("fine\n")
    (tmp_path / "b.log").write_text("fine\n")
    result = scan([str(tmp_path / "*.log")], Limits(deadline=time.monotonic() - 1))
    assert result.stopped
    assert result.files == []


def test_unreadable_files_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.log").write_text("fine\n")

    def refuse(path: str) -> Any:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(logscan, "open_log", refuse)
    result = scan([str(tmp_path / "*.log")])
    assert result.unreadable == [(str(tmp_path / "secret.log"), "permission denied")]


def test_display_paths_are_relative_to_the_sprint_directory(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_text(f"to {customer_email()}\n")
    result = scan_logs([str(tmp_path / "logs" / "*.log")], NoRules(), Limits(), display_root=tmp_path)
    assert result.files[0].path == "logs/app.log"
    assert result.samples["email"][0].to_json()["at"] == "logs/app.log:1"


# ---------------------------------------------------------------- with the rule engine


def test_engine_rules_run_over_logs(tmp_path: Path) -> None:
    line = fakesecrets.line("openai-api-key", 11)
    (tmp_path / "app.log").write_text(f"2024-01-15 DEBUG config {line}\n")
    result = scan([str(tmp_path / "app.log")], engine=Scanner())
    assert result.counts["openai-api-key"] == 1
    assert result.kinds["openai-api-key"].credential


def test_a_token_in_an_authorization_header_is_a_live_credential(tmp_path: Path) -> None:
    jwt = fakesecrets.value("jwt", 5)
    (tmp_path / "app.log").write_text(f"outbound Authorization: Bearer {jwt}\n")
    result = scan([str(tmp_path / "app.log")], engine=Scanner())
    assert dict(result.counts) == {"auth-header": 1}


def test_a_value_found_by_both_is_counted_once_under_the_engine_rule(tmp_path: Path) -> None:
    url = fakesecrets.value("database-url", 2)
    (tmp_path / "app.log").write_text(f"connecting to {url}\n")
    result = scan([str(tmp_path / "app.log")], engine=Scanner())
    assert sum(result.counts.values()) == 1
    assert "url-password" not in result.counts


# ---------------------------------------------------------------- the check


def sprint_with_logs(tmp_path: Path, globs: list[str] | None) -> Sprint:
    document: dict[str, Any] = {
        "sprint": {"client": "Test", "canonical": "https://acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["acme.test"]},
    }
    if globs is not None:
        document["logs"] = {"globs": globs}
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return load_sprint(path)


async def run_logs(run_check: RunCheck, tmp_path: Path, globs: list[str] | None = None) -> Result:
    results = await run_check(
        sprint_with_logs(tmp_path, ["logs/**/*"] if globs is None else globs), "logs.redaction"
    )
    assert list(results) == ["logs"]
    return results["logs"]


def assert_never_shown(result: Result, *values: str) -> None:
    dumped = json.dumps(result.to_json())
    for value in values:
        assert value not in dumped


def write_logs(tmp_path: Path, name: str, lines: list[str]) -> None:
    (tmp_path / "logs").mkdir(exist_ok=True)
    (tmp_path / "logs" / name).write_text("\n".join(lines) + "\n")


async def test_clean_logs_pass(tmp_path: Path, run_check: RunCheck) -> None:
    write_logs(
        tmp_path,
        "app.log",
        [
            "2024-01-15T10:00:00Z INFO GET /api/items 200 12ms user_id=42",
            '{"level": "info", "msg": "chat reply sent", "conversation_id": "c-1", "chars": 310}',
            "2024-01-15T10:00:02Z INFO outbound Authorization: Bearer [REDACTED]",
        ],
    )
    result = await run_logs(run_check, tmp_path)
    assert result.status is Status.PASS
    assert result.summary == "no secrets or customer data in 3 lines of 1 log files (1 values already masked)"
    assert result.evidence["scanned"]["lines"] == 3
    assert result.evidence["masked"] == 1


async def test_credentials_fail_critical_and_are_never_shown(tmp_path: Path, run_check: RunCheck) -> None:
    bearer, password, key = token(), token(20), fakesecrets.value("anthropic-api-key", 4)
    email = customer_email()
    write_logs(
        tmp_path,
        "app.log",
        [
            f"2024-01-15T10:00:00Z DEBUG Authorization: Bearer {bearer}",
            f"2024-01-15T10:00:01Z DEBUG login user=bob password={password}",
            f"2024-01-15T10:00:02Z DEBUG ANTHROPIC_API_KEY={key}",
            f"2024-01-15T10:00:03Z INFO signup {email}",
        ],
    )
    result = await run_logs(run_check, tmp_path)
    assert result.status is Status.FAIL
    assert result.severity is Severity.CRITICAL
    assert result.summary.startswith("3 credentials in the logs: ")
    assert "also 1 e-mail address (in 1 of 1 files)" in result.summary
    assert "Rotate every credential" in result.fix
    assert "Authorization" in result.fix
    assert result.evidence["samples"]["auth-header"][0]["at"] == "logs/app.log:1"
    findings = result.evidence["findings"]
    assert [(f["rule"], f["path"], f["line"], f["source"]) for f in findings] == [
        ("auth-header", "logs/app.log", 1, "log"),
        ("secret-param", "logs/app.log", 2, "log"),
        ("anthropic-api-key", "logs/app.log", 3, "log"),
    ]
    assert all(f["redacted"] and f["secret_hash"] and f["advice"] for f in findings)
    assert_never_shown(result, bearer, password, key, email)


async def test_card_numbers_fail_high(tmp_path: Path, run_check: RunCheck) -> None:
    card = card_number("5")
    card = card_number("51") if not card.startswith(("51", "52", "53", "54", "55")) else card
    spaced = " ".join(card[i : i + 4] for i in range(0, 16, 4))
    write_logs(tmp_path, "payments.log", [f"2024-01-15 INFO charge {spaced} amount=1200"])
    result = await run_logs(run_check, tmp_path)
    assert result.status is Status.FAIL
    assert result.severity is Severity.HIGH
    assert result.evidence["counts"] == {"card": 1}
    assert result.evidence["samples"]["card"][0]["shown"].startswith("Mastercard ")
    assert "card numbers" in result.fix
    assert_never_shown(result, card, spaced)


async def test_customer_messages_fail_high(tmp_path: Path, run_check: RunCheck) -> None:
    text = sentence(18)
    write_logs(tmp_path, "chat.jsonl", [json.dumps({"event": "chat", "role": "user", "content": text})])
    result = await run_logs(run_check, tmp_path)
    assert (result.status, result.severity) == (Status.FAIL, Severity.HIGH)
    assert result.summary == "raw customer data: 1 customer message (in 1 of 1 files)"
    assert "not the text of prompts" in result.fix
    assert_never_shown(result, text, text[:20])


async def test_contact_details_warn(tmp_path: Path, run_check: RunCheck) -> None:
    emails = [customer_email() for _ in range(3)]
    write_logs(tmp_path, "app.log", [f"signup {email} from +1 415 555 0142" for email in emails])
    result = await run_logs(run_check, tmp_path)
    assert (result.status, result.severity) == (Status.WARN, Severity.MEDIUM)
    assert result.evidence["counts"] == {"email": 3, "phone": 3}
    assert result.evidence["distinct"] == {"email": 3, "phone": 1}
    assert "user id" in result.fix
    assert_never_shown(result, *emails, "4155550142")


async def test_test_cards_are_information_only(tmp_path: Path, run_check: RunCheck) -> None:
    write_logs(tmp_path, "app.log", ["stripe test charge 4242 4242 4242 4242 ok"])
    result = await run_logs(run_check, tmp_path)
    assert result.status is Status.PASS
    assert result.evidence["counts"] == {"test-card": 1}


async def test_gzip_and_plain_files_together(tmp_path: Path, run_check: RunCheck) -> None:
    (tmp_path / "logs").mkdir()
    secret = token()
    (tmp_path / "logs" / "app.log.1.gz").write_bytes(gzip.compress(f"GET /cb?token={secret}\n".encode()))
    (tmp_path / "logs" / "app.log").write_text("fine\n")
    result = await run_logs(run_check, tmp_path)
    assert result.evidence["counts"] == {"secret-param": 1}
    files = {f["path"]: f for f in result.evidence["files"]}
    assert files["logs/app.log.1.gz"]["compression"] == "gzip"
    assert_never_shown(result, secret)


async def test_no_logs_configured_is_skipped(tmp_path: Path, run_check: RunCheck) -> None:
    results = await run_check(sprint_with_logs(tmp_path, None), "logs.redaction")
    assert results["logs"].status is Status.SKIPPED
    assert "[logs]" in results["logs"].summary


async def test_no_matching_file_warns(tmp_path: Path, run_check: RunCheck) -> None:
    result = await run_logs(run_check, tmp_path, ["nowhere/*.log"])
    assert result.status is Status.WARN
    assert result.summary == "no file matched the [logs] globs, so nothing was checked"
    assert result.evidence["unmatched_globs"] == ["nowhere/*.log"]


async def test_only_binary_files_warn(tmp_path: Path, run_check: RunCheck) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "dump.bin").write_bytes(b"\x00\x01\x02")
    result = await run_logs(run_check, tmp_path)
    assert result.status is Status.WARN
    assert result.evidence["skipped"] == [{"path": "logs/dump.bin", "reason": "binary file, not a text log"}]


async def test_nothing_readable_is_an_error(
    tmp_path: Path, run_check: RunCheck, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_logs(tmp_path, "app.log", ["fine"])

    def refuse(path: str) -> Any:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(logscan, "open_log", refuse)
    result = await run_logs(run_check, tmp_path)
    assert result.status is Status.ERROR
    assert result.summary == "no log file could be read (1 unreadable; logs/app.log: permission denied)"
