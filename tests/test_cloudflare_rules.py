"""The pure parts of the Cloudflare checks: the Rules-language evaluator (tables from
Cloudflare's operator and value docs, plus fuzzing), the API's envelope and status reading,
the defensive model, the graders and the [cloudflare] keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchwizard.cloudflare import fixes
from launchwizard.cloudflare.api import ApiError, parse_envelope, status_error
from launchwizard.cloudflare.expression import (
    MAX_LENGTH,
    ExpressionError,
    RequestFacts,
    Truth,
    evaluate,
    regex_is_safe,
    wildcard_match,
)
from launchwizard.cloudflare.grade import Route, coverage, delegation, origin_exposures, route_limit
from launchwizard.cloudflare.model import DnsRecord, Rule, Ruleset, Setting, Zone
from launchwizard.config import ConfigError, parse_sprint
from launchwizard.results import Status

LOGIN = RequestFacts("app.acme.test", "/login", query="next=%2Fhome", method="POST")
EXAMPLES = int(os.environ.get("LAUNCHWIZARD_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("expression", "truth"),
    [
        ('http.request.uri.path eq "/login"', Truth.YES),
        ('http.request.uri.path == "/login"', Truth.YES),
        ('http.request.uri.path ne "/login"', Truth.NO),
        ('http.request.uri.path != "/x"', Truth.YES),
        ('http.request.uri.path contains "log"', Truth.YES),
        ('http.request.uri.path matches "^/log(in|out)$"', Truth.YES),
        ('http.request.uri.path ~ "^/api/"', Truth.NO),
        ('http.request.uri.path wildcard "/LOG*"', Truth.YES),
        ('http.request.uri.path strict wildcard "/LOG*"', Truth.NO),
        ('http.request.uri.path wildcard "/log\\\\*"', Truth.NO),
        ('http.request.uri.path in {"/signin" "/login"}', Truth.YES),
        ('http.request.uri.path in {"/signin"}', Truth.NO),
        ('http.host eq "app.acme.test" and http.request.method eq "POST"', Truth.YES),
        ('http.host eq "www.acme.test" && http.request.method eq "POST"', Truth.NO),
        ('http.host eq "www.acme.test" or http.request.uri.path eq "/login"', Truth.YES),
        ('http.host eq "www.acme.test" || http.request.method eq "GET"', Truth.NO),
        ('not http.request.uri.path eq "/login"', Truth.NO),
        ('!(http.request.uri.path eq "/x")', Truth.YES),
        ('http.request.uri.path eq "/login" xor http.request.method eq "POST"', Truth.NO),
        ('http.request.uri.path eq "/x" ^^ http.request.method eq "POST"', Truth.YES),
        ('http.request.uri eq "/login?next=%2Fhome"', Truth.YES),
        ('http.request.uri.query contains "next="', Truth.YES),
        ('http.request.full_uri eq "https://app.acme.test/login?next=%2Fhome"', Truth.YES),
        ('raw.http.request.uri.path eq "/login"', Truth.YES),
        ('lower(http.request.uri.path) eq "/login"', Truth.YES),
        ('upper(http.host) eq "APP.ACME.TEST"', Truth.YES),
        ('starts_with(http.request.uri.path, "/log")', Truth.YES),
        ('ends_with(http.request.uri.path, "in")', Truth.YES),
        ("len(http.request.uri.path) gt 5", Truth.YES),
        ("len(http.request.uri.path) le 5", Truth.NO),
        ('url_decode(http.request.uri.query) contains "/home"', Truth.YES),
        ('concat("/lo", "gin") eq http.request.uri.path', Truth.YES),
        ('http.request.uri.path eq r"/login"', Truth.YES),
        ('http.request.uri.path eq r#"/lo"gin"#', Truth.NO),
        ("ssl", Truth.YES),
        ("not ssl", Truth.NO),
        ("true", Truth.YES),
        # or binds looser than and: YES or (NO and ...) is YES
        ('http.request.uri.path eq "/login" or http.host eq "x" and http.request.method eq "GET"', Truth.YES),
        (
            '(http.request.uri.path eq "/login" or http.host eq "x") and http.request.method eq "GET"',
            Truth.NO,
        ),
    ],
)
def test_expressions_for_a_known_request(expression, truth) -> None:
    assert evaluate(expression, LOGIN).truth == truth


@pytest.mark.parametrize(
    ("expression", "depends_on"),
    [
        ('http.request.uri.path eq "/login" and ip.src in {192.0.2.0/24}', ("ip.src",)),
        ('http.request.uri.path eq "/login" and not ip.src in $office', ("ip.src", "$office")),
        ('cf.bot_management.score lt 30 and http.request.uri.path eq "/login"', ("cf.bot_management.score",)),
        ('http.request.headers["x-api-key"][0] eq "k"', ("http.request.headers",)),
        ('any(http.request.headers.names[*] == "x")', ("http.request.headers.names", "any()")),
        ('http.request.uri.path matches "(a+)+$"', ("a regular expression too costly to evaluate here",)),
        ('http.request.uri.path matches "(?P<broken"', ("a regular expression Python cannot read",)),
    ],
)
def test_unknown_fields_make_the_verdict_depend_on_them(expression, depends_on) -> None:
    verdict = evaluate(expression, LOGIN)
    assert verdict.truth == Truth.DEPENDS and verdict.depends_on == depends_on


def test_what_is_known_false_wins_over_what_is_unknown() -> None:
    assert evaluate('http.request.uri.path eq "/x" and ip.src eq 1.2.3.4', LOGIN).truth == Truth.NO
    assert evaluate('http.request.uri.path eq "/login" or ip.src eq 1.2.3.4', LOGIN).truth == Truth.YES


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("http.request.uri.path eq", "expected a field, a function or a value"),
        ('http.request.uri.path eq "/login', "is not closed"),
        ('http.request.uri.path eq r#"/login"', "raw string"),
        ("(((http.request.uri.path", "expected ')'"),
        ('http.request.uri.path in {"/a"', "is not closed"),
        ('http.request.uri.path eq "/a" and', "expected a field"),
        ('http.request.uri.path eq "/a" "/b"', "unexpected text"),
        ("http.request.uri.path @ 1", "unexpected character"),
        ("(" * 200 + "true" + ")" * 200, "nests too deeply"),
        ("not " * 200 + "true", "nests too deeply"),
        ("true or " * 700 + "true", f"Cloudflare allows {MAX_LENGTH}"),
    ],
)
def test_an_expression_that_cannot_be_read_names_where(expression, words) -> None:
    with pytest.raises(ExpressionError, match=None) as caught:
        evaluate(expression, LOGIN)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("pattern", "safe"),
    [
        ("^/login$", True),
        ("^/api/(v1|v2)/chat$", True),
        ("(abc)+", True),
        ("[(]+", True),
        (r"\(a+\)+", True),
        ("(a+)+$", False),
        ("(a|aa)*$", False),
        ("((a|b)c)*", False),
        ("(a{1,5}){1,5}", False),
        ("x" * 2000, False),
    ],
)
def test_regular_expressions_that_could_backtrack_badly_are_not_run(pattern, safe) -> None:
    assert regex_is_safe(pattern) is safe


@pytest.mark.parametrize(
    ("subject", "pattern", "case_sensitive", "matched"),
    [
        ("/login", "/log*", False, True),
        ("/LOGIN", "/log*", False, True),
        ("/LOGIN", "/log*", True, False),
        ("/a/b/c", "/*/c", True, True),
        ("/login", "*", True, True),
        ("/login", "", True, False),
        ("/a*b", r"/a\*b", True, True),
        ("/axb", r"/a\*b", True, False),
        ("/a.b", "/a.b", True, True),
        ("/axb", "/a.b", True, False),
    ],
)
def test_wildcards_match_the_whole_value(subject, pattern, case_sensitive, matched) -> None:
    assert wildcard_match(subject, pattern, case_sensitive=case_sensitive) is matched


RULES_GRAMMAR = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "http.request.uri.path",
                "http.host",
                "ip.src",
                " eq ",
                " ne ",
                " contains ",
                " matches ",
                " wildcard ",
                " strict wildcard ",
                " in ",
                " and ",
                " or ",
                " xor ",
                " not ",
                "(",
                ")",
                "{",
                "}",
                '"/login"',
                'r#"x"#',
                "$list",
                "lower(",
                "starts_with(",
                ",",
                "[",
                "]",
                "*",
                "==",
                "&&",
                "||",
                "!",
                "1",
                "true",
                '"',
                "\\",
            ]
        ),
        st.text(max_size=6),
    ),
    max_size=40,
).map("".join)


@FUZZ
@given(RULES_GRAMMAR)
def test_any_text_evaluates_or_is_an_expression_error(expression) -> None:
    try:
        verdict = evaluate(expression, LOGIN)
    except ExpressionError:
        return
    assert verdict.truth in (Truth.YES, Truth.NO, Truth.DEPENDS)


@FUZZ
@given(st.text(max_size=60).filter(lambda pattern: '"#' not in pattern))
def test_any_regular_expression_is_judged_or_set_aside_without_raising(pattern) -> None:
    verdict = evaluate(f'http.request.uri.path matches r#"{pattern}"#', LOGIN)
    assert verdict.truth in (Truth.YES, Truth.NO, Truth.DEPENDS)
    if not regex_is_safe(pattern):
        assert verdict.truth == Truth.DEPENDS


# ---------------------------------------------------------------- envelope and status


def _response(status: int, body: object, **headers: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers=headers)


def _envelope_error(code: int, message: str) -> dict[str, object]:
    return {"success": False, "errors": [{"code": code, "message": message}], "messages": [], "result": None}


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "words"),
    [
        (401, _envelope_error(1000, "Invalid API Token"), {}, "auth", "code 1000: Invalid API Token"),
        (
            400,
            {
                "success": False,
                "errors": [
                    {
                        "code": 6003,
                        "message": "Invalid request headers",
                        "error_chain": [{"code": 6111, "message": "Invalid format for Authorization header"}],
                    }
                ],
            },
            {},
            "auth",
            "Invalid request headers (Invalid format for Authorization header)",
        ),
        (
            403,
            _envelope_error(10000, "Authentication error"),
            {},
            "permission",
            "lacks the DNS: Read permission",
        ),
        (404, _envelope_error(7003, "Could not route"), {}, "not-found", "HTTP 404: code 7003"),
        (429, _envelope_error(971, "slow down"), {"retry-after": "30"}, "rate-limited", "Retry-After: 30"),
        (500, b"<html>oops</html>", {}, "server", "HTTP 500"),
        (
            302,
            b"",
            {"location": "https://elsewhere.test/"},
            "status",
            "redirected to https://elsewhere.test/",
        ),
        (418, b"", {}, "status", "unexpected HTTP 418"),
    ],
)
def test_an_error_status_becomes_one_plain_reason(status, body, headers, kind, words) -> None:
    failure = status_error("reading DNS", "DNS: Read", _response(status, body, **headers))
    assert failure.kind == kind and words in failure.reason and failure.status == status


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not JSON"),
        (b"<html>maintenance</html>", "not JSON (it starts '<html>maintenance</html>')"),
        (b"[1, 2]", "no success field"),
        (b'{"result": {}}', "no success field"),
        (b'{"success": "yes"}', "no success field"),
        (json.dumps(_envelope_error(1234, "broken")).encode(), "success: false (code 1234: broken)"),
        (b"[" * 100_000, "not JSON"),
        (b'{"success": true, "result": ' + b"\xff\xfe" + b"}", "not JSON"),
    ],
)
def test_an_answer_that_is_not_a_successful_envelope_is_malformed(content, words) -> None:
    with pytest.raises(ApiError) as caught:
        parse_envelope("reading", content)
    assert caught.value.kind == "malformed" and words in caught.value.reason


def test_server_text_in_reasons_is_printable_and_short() -> None:
    body = _envelope_error(1, "evil\x1b[31m\r\nline" + "x" * 5000)
    reason = status_error("reading", None, _response(500, body)).reason
    assert "\x1b" not in reason and "\n" not in reason and len(reason) < 400


# ---------------------------------------------------------------- model


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "zone",
        42,
        {},
        {"id": 1, "name": ["x"]},
        {"id": "../../user", "name": "a.test"},
        {"id": "a" * 65, "name": "a.test"},
        {"id": "abc", "name": ""},
    ],
)
def test_a_zone_without_a_usable_id_or_name_is_dropped(data) -> None:
    assert Zone.from_json(data) is None


def test_a_hostile_zone_reads_as_plain_bounded_data() -> None:
    zone = Zone.from_json(
        {
            "id": "abc123",
            "name": "Acme.TEST.",
            "status": {"x": 1},
            "paused": "yes",
            "name_servers": ["A.NS.test.", 7, None, *(f"n{i}.test" for i in range(10_000))],
            "account": {"id": "/x/y", "name": "A\x1bB" * 1000},
        }
    )
    assert zone is not None and zone.name == "acme.test" and zone.status == "" and zone.paused is False
    assert zone.name_servers[0] == "a.ns.test" and len(zone.name_servers) <= 64
    assert zone.account_id == "" and "\x1b" not in zone.account_name and len(zone.account_name) <= 128


def test_rules_and_records_keep_only_what_identifies_them() -> None:
    ruleset = Ruleset.from_json(
        {"id": "r1", "rules": [{"action": "execute", "enabled": "no"}, {"expression": "true"}, "x", None]}
    )
    assert len(ruleset.rules) == 1 and ruleset.rules[0].enabled is True
    assert Ruleset.from_json({"rules": "nope"}).rules == ()
    assert (
        DnsRecord.from_json({"name": "x.test", "type": "MX", "proxiable": False, "proxied": True}).proxied
        is None
    )
    assert DnsRecord.from_json({"name": "", "type": "A"}) is None
    assert Setting.from_json("ssl", {"value": ["strict"]}).value == ""


# ---------------------------------------------------------------- graders

LINKS = fixes.Api("https://api.cloudflare.com/client/v4", "0123abcd")


def _zone(**fields: object) -> Zone:
    base = {
        "id": "z1",
        "name": "acme.test",
        "status": "active",
        "name_servers": ["kai.ns.cloudflare.com", "uma.ns.cloudflare.com"],
    }
    zone = Zone.from_json({**base, **fields})
    assert zone is not None
    return zone


@pytest.mark.parametrize(
    ("live", "error", "status", "words"),
    [
        (["KAI.ns.cloudflare.com.", "uma.ns.cloudflare.com"], None, Status.PASS, ""),
        (["kai.ns.cloudflare.com"], None, Status.FAIL, "missing: uma.ns.cloudflare.com"),
        (
            ["kai.ns.cloudflare.com", "uma.ns.cloudflare.com", "ns1.old.test"],
            None,
            Status.FAIL,
            "not assigned by Cloudflare: ns1.old.test",
        ),
        (None, "DNS error for acme.test NS: timed out", Status.WARN, "delegation is unverified"),
    ],
)
def test_delegation_compares_live_and_assigned_name_servers(live, error, status, words) -> None:
    finding = delegation(_zone(), live, error)
    assert finding.status == status and words in finding.summary


def test_a_partial_setup_keeps_its_own_name_servers() -> None:
    assert delegation(_zone(type="partial"), ["ns1.other.test"], None).status == Status.PASS


def test_an_origin_is_exposed_by_the_same_address_written_differently() -> None:
    records = [
        DnsRecord("www.acme.test", "AAAA", "2001:db8::10", True),
        DnsRecord("mail.acme.test", "AAAA", "2001:0db8:0000::0010", False),
        DnsRecord("ftp.acme.test", "A", "192.0.2.9", False),
        DnsRecord("txt.acme.test", "TXT", "2001:db8::10", None),
    ]
    (finding,) = origin_exposures(records)
    assert finding.subject == "mail.acme.test" and "www.acme.test" in finding.summary


def test_a_login_rule_for_posts_covers_a_login_page_configured_as_get() -> None:
    rule = Rule.from_json(
        {
            "action": "block",
            "expression": 'http.request.uri.path eq "/login" and http.request.method eq "POST"',
            "ratelimit": {
                "characteristics": ["cf.colo.id", "ip.src"],
                "period": 10,
                "requests_per_period": 5,
            },
        }
    )
    assert rule is not None
    login = Route("login", "https://app.acme.test/login", "GET")
    assert coverage(login, Ruleset("r", "http_ratelimit", (rule,)))[0] == Truth.YES
    chat = Route("chat", "https://api.acme.test/v1/chat", "POST")
    finding = route_limit(LINKS, chat, Ruleset("r", "http_ratelimit", (rule,)))
    assert finding.status == Status.FAIL and finding.paste is not None
    assert "/zones/0123abcd/rulesets/r/rules" in finding.fix


def test_an_unreadable_rule_expression_never_counts_as_coverage() -> None:
    rule = Rule.from_json(
        {"action": "block", "expression": "http.request.uri.path eq", "ratelimit": {"period": 10}}
    )
    assert rule is not None
    truth, _, depends = coverage(Route("login", "https://a.test/login", "GET"), Ruleset("r", "p", (rule,)))
    assert truth == Truth.DEPENDS and "cannot read" in depends[0]


# ---------------------------------------------------------------- [cloudflare] keys

BASE = """[sprint]
client = "Acme"
canonical = "https://www.acme.test/"
[domains]
apex = "acme.test"
hosts = ["acme.test"]
"""


def test_the_cloudflare_table_is_optional_with_defaults() -> None:
    sprint = parse_sprint(BASE, Path("sprint.toml"))
    assert (
        sprint.cloudflare.zone is None
        and sprint.cloudflare.api_base == "https://api.cloudflare.com/client/v4"
    )
    written = parse_sprint(
        BASE + '[cloudflare]\nzone = "Acme.Test."\napi_base = "https://api.lab.test:8443/client/v4/"\n'
        'unproxied = ["MAIL.acme.test"]\n',
        Path("sprint.toml"),
    )
    assert written.cloudflare.zone == "acme.test" and written.cloudflare.unproxied == ("mail.acme.test",)
    assert written.cloudflare.api_base == "https://api.lab.test:8443/client/v4"


@pytest.mark.parametrize(
    ("table", "words"),
    [
        (
            'api_base = "http://api.cloudflare.com/client/v4"',
            "not https://: the API token would travel in clear",
        ),
        ('api_base = "https://api.cloudflare.com/client/v4?x=1"', "has a query or fragment"),
        ('api_base = "https://user:pw@api.cloudflare.com/"', "holds credentials"),
        ('zone = "not a host"', "is not a valid host name"),
        ('unproxied = "mail.acme.test"', 'write ["mail.acme.test"]'),
        ('unproxied = ["a.acme.test", "A.acme.test"]', "listed twice"),
        ('api_token = "secret"', "unknown key 'api_token'"),
    ],
)
def test_a_bad_cloudflare_key_is_a_located_error(table, words) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sprint(BASE + "[cloudflare]\n" + table + "\n", Path("sprint.toml"))
    assert words in str(caught.value) and "sprint.toml:8: cloudflare." in str(caught.value)
