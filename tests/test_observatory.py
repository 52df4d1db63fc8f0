"""The Observatory rules as tables: header set -> result id and modifier, the score, the grade,
and the parsers under hostile input (CSP, cookies, HSTS, saved raw responses)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchwizard.edge.cookies import evaluate_cookies, parse_set_cookie
from launchwizard.edge.csp import CspInvalid, evaluate_csp, parse_policy
from launchwizard.edge.hsts import parse_hsts
from launchwizard.edge.observatory import (
    PROBE_ORIGIN,
    RESULTS,
    TEST_NAMES,
    Observation,
    Page,
    Report,
    grade,
    grade_letter,
    observation_from_raw,
    registrable_domain,
    score,
)
from launchwizard.edge.observatory import (
    TestResult as ObservatoryTest,
)
from launchwizard.edge.page import read_page
from launchwizard.edge.rawhttp import RawResponseError, parse_raw_response

URL = "https://www.example.test/"
HTML = "text/html; charset=utf-8"
Headers = tuple[tuple[str, str], ...]


def report(
    headers: Headers = (),
    body: str = "<!doctype html><title>t</title>",
    *,
    url: str = URL,
    route: tuple[str, ...] | None = ("http://www.example.test/", URL),
    cert_ok: bool = True,
    preflight: Headers | None = (),
    site: str | None = None,
) -> Report:
    all_headers = (("Content-Type", HTML), *headers)
    cookies = tuple(value for key, value in headers if key.lower() == "set-cookie")
    page = Page(url, 200, all_headers, body.encode("utf-8", "surrogateescape"), cookies, cert_ok)
    return grade(Observation(page, route, True, preflight, site))


def result(test: str, headers: Headers = (), body: str = "<title>t</title>", **kw: Any) -> tuple[str, int]:
    outcome = report(headers, body, **kw).tests[test]
    return outcome.result, outcome.modifier


# ---------------------------------------------------------------- score and grade


@pytest.mark.parametrize(
    ("points", "letter"),
    [
        (165, "A+"), (100, "A+"), (99, "A"), (90, "A"), (89, "A-"), (85, "A-"), (84, "B+"), (80, "B+"),
        (79, "B"), (70, "B"), (69, "B-"), (65, "B-"), (64, "C+"), (60, "C+"), (59, "C"), (50, "C"),
        (49, "C-"), (45, "C-"), (44, "D+"), (40, "D+"), (39, "D"), (30, "D"), (29, "D-"), (25, "D-"),
        (24, "F"), (0, "F"), (-5, "F"),
    ],
)  # fmt: skip
def test_grade_table(points: int, letter: str) -> None:
    assert grade_letter(points) == letter


def _row(name: str, modifier: int) -> ObservatoryTest:
    return ObservatoryTest(name, "x", modifier >= 0, modifier, None, None, "")


@pytest.mark.parametrize(
    ("modifiers", "total", "bonus"),
    [
        ((10, 5, -10), 105, True),
        ((10, 5, -11), 89, False),
        ((-60, -60, 10), 0, False),
        ((0, 0), 100, True),
        ((10, 10, 10, 10), 140, True),
    ],
)
def test_bonuses_count_only_when_penalties_leave_90(
    modifiers: tuple[int, ...], total: int, bonus: bool
) -> None:
    tests = {f"t{i}": _row(f"t{i}", m) for i, m in enumerate(modifiers)}
    graded = score(tests)
    assert (graded.score, graded.bonus_counted) == (total, bonus)


BEST: Headers = (
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; frame-ancestors 'none'"),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Set-Cookie", "__Host-sess=v; Secure; HttpOnly; SameSite=Lax; Path=/"),
)


def test_best_page_scores_every_bonus_and_nothing_to_paste() -> None:
    graded = report(BEST, '<script src="https://cdn.other.test/a.js" integrity="sha384-x"></script>')
    assert list(graded.tests) == list(TEST_NAMES)
    assert (graded.score, graded.grade, graded.tests_passed) == (160, "A+", 12)
    assert all(test.recommended is None for test in graded.tests.values())


def test_nothing_at_all_is_a_d() -> None:
    graded = report()
    assert (graded.score, graded.grade) == (30, "D")
    assert graded.tests["x-frame-options"].recommended == "X-Frame-Options: DENY"


def test_json_shape_matches_the_issue_contract() -> None:
    document = report(BEST).to_json()
    assert isinstance(document["score"], int) and document["grade"] == "A+"
    for name, test in document["tests"].items():
        assert name in TEST_NAMES
        assert {"result", "pass", "score_modifier"} <= set(test)
        assert RESULTS[test["result"]][0] == test["score_modifier"]


# ---------------------------------------------------------------- content-security-policy

CSP = "content-security-policy"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("default-src 'none'", ("csp-implemented-with-no-unsafe-default-src-none", 10)),
        ("default-src 'self'", ("csp-implemented-with-no-unsafe", 5)),
        (
            "default-src 'self'; style-src 'self' 'unsafe-inline'",
            ("csp-implemented-with-unsafe-inline-in-style-src-only", 0),
        ),
        (
            "default-src 'self'; img-src http://img.test",
            ("csp-implemented-with-insecure-scheme-in-passive-content-only", -10),
        ),
        ("default-src 'self'; script-src 'self' 'unsafe-eval'", ("csp-implemented-with-unsafe-eval", -10)),
        (
            "default-src 'self'; script-src 'self' 'unsafe-inline'",
            ("csp-implemented-with-unsafe-inline", -20),
        ),
        ("default-src 'self'; script-src data:", ("csp-implemented-with-unsafe-inline", -20)),
        ("default-src 'self'; script-src https:", ("csp-implemented-with-unsafe-inline", -20)),
        ("default-src 'self'; object-src *", ("csp-implemented-with-unsafe-inline", -20)),
        ("img-src 'self'", ("csp-implemented-with-unsafe-inline", -20)),
        ("default-src 'self'; connect-src http://api.test", ("csp-implemented-with-insecure-scheme", -20)),
        ("default-src 'self'; script-src 'self'; script-src 'none'", ("csp-header-invalid", -25)),
        ("a", ("csp-header-invalid", -25)),
        ("default-src 'self'; report-uri /a; report-uri /b", ("csp-implemented-but-duplicate-directives", 0)),
        ("default-src 'self'; script-src 'nonce-abc' 'unsafe-inline'", ("csp-implemented-with-no-unsafe", 5)),
        (
            "default-src 'self'; script-src 'nonce-abc' 'strict-dynamic' https: 'unsafe-inline'",
            ("csp-implemented-with-no-unsafe", 5),
        ),
        ("default-src 'self'; script-src 'strict-dynamic'", ("csp-header-invalid", -25)),
        ("DEFAULT-SRC 'NONE'", ("csp-implemented-with-no-unsafe-default-src-none", 10)),
    ],
)
def test_csp_results(policy: str, expected: tuple[str, int]) -> None:
    assert result(CSP, (("Content-Security-Policy", policy),)) == expected


def test_csp_missing_and_report_only() -> None:
    assert result(CSP) == ("csp-not-implemented", -25)
    only = (("Content-Security-Policy-Report-Only", "default-src 'none'"),)
    assert result(CSP, only) == ("csp-not-implemented-but-reporting-enabled", -25)


def test_csp_from_meta_counts_but_not_its_frame_ancestors() -> None:
    meta = (
        """<meta http-equiv="Content-Security-Policy" content="default-src 'none'; frame-ancestors 'none'">"""
    )
    assert result(CSP, body=meta) == ("csp-implemented-with-no-unsafe-default-src-none", 10)
    assert result("x-frame-options", body=meta) == ("x-frame-options-not-implemented", -20)


def test_a_second_policy_can_only_narrow_the_first() -> None:
    headers = (
        ("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'"),
        ("Content-Security-Policy", "script-src 'self'"),
    )
    assert result(CSP, headers) == ("csp-implemented-with-no-unsafe", 5)
    comma = (("Content-Security-Policy", "default-src 'none', script-src 'self'"),)
    assert result(CSP, comma)[0] == "csp-implemented-with-no-unsafe-default-src-none"


def test_a_64_kb_policy_is_judged() -> None:
    hosts = " ".join(f"https://cdn{i}.vendor.test" for i in range(2600))
    policy = f"default-src 'self'; script-src 'self' {hosts}; object-src 'none'"[: 64 * 1024]
    twice = (("Content-Security-Policy", policy), ("Content-Security-Policy", policy))
    assert result(CSP, twice) == ("csp-implemented-with-no-unsafe", 5)
    assert report(twice).tests[CSP].received.endswith("characters)")


def test_csp_policy_parser_rejects_only_what_the_observatory_rejects() -> None:
    directives, duplicates = parse_policy("Script-Src 'SELF' ; img-src; report-to a; report-to b")
    assert directives["script-src"] == ("'self'",) and directives["img-src"] == ("'none'",)
    assert duplicates == ("report-to",)
    with pytest.raises(CspInvalid):
        parse_policy("     ")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=4), st.lists(st.text(max_size=80), max_size=2), st.booleans())
def test_csp_evaluation_never_raises(headers: list[str], meta: list[str], https: bool) -> None:
    verdict = evaluate_csp(headers, meta, [], https)
    assert verdict.result in RESULTS


# ---------------------------------------------------------------- cookies


@pytest.mark.parametrize(
    ("cookies", "hsts", "expected"),
    [
        (["a=1; Secure; SameSite=Lax"], False, "cookies-secure-with-httponly-sessions-and-samesite"),
        (["a=1; Secure"], False, "cookies-secure-with-httponly-sessions"),
        (["a=1"], True, "cookies-without-secure-flag-but-protected-by-hsts"),
        (["a=1"], False, "cookies-without-secure-flag"),
        (["sessionid=1; HttpOnly"], True, "cookies-session-without-secure-flag-but-protected-by-hsts"),
        (["a=1; Secure; SameSite=Sometimes"], False, "cookies-samesite-flag-invalid"),
        (["a=1; SameSite=None"], True, "cookies-samesite-flag-invalid"),
        (["csrftoken=1; Secure"], False, "cookies-anticsrf-without-samesite-flag"),
        (["login=1; Secure; SameSite=Lax"], False, "cookies-session-without-httponly-flag"),
        (["sessionid=1; HttpOnly"], False, "cookies-session-without-secure-flag"),
        (["sessionid=1", "csrftoken=2; Secure"], False, "cookies-session-without-secure-flag"),
        (["heroku-session-affinity=1"], False, "cookies-not-found"),
        ([], False, "cookies-not-found"),
    ],
)
def test_cookie_results(cookies: list[str], hsts: bool, expected: str) -> None:
    assert evaluate_cookies(cookies, hsts)[0] == expected


def test_cookie_evidence_never_holds_values() -> None:
    headers = (("Set-Cookie", "sessionid=topsecretvalue123; Path=/"),)
    graded = report(headers)
    text = str(graded.to_json())
    assert "topsecretvalue123" not in text and "sessionid" in text
    assert graded.tests["cookies"].result == "cookies-session-without-secure-flag"
    assert graded.tests["cookies"].recommended.startswith("Set-Cookie: sessionid=<value>; Secure; HttpOnly")


def test_malformed_cookies_are_read_leniently() -> None:
    assert parse_set_cookie("=; ;;; SameSite").samesite == ""
    assert parse_set_cookie("").name == ""
    assert parse_set_cookie("login\xff=\xfe; SECURE; httponly").secure


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=6), st.booleans())
def test_cookie_evaluation_never_raises(values: list[str], hsts: bool) -> None:
    outcome, cookies = evaluate_cookies(values, hsts)
    assert outcome in RESULTS and len(cookies) <= len(values)


# ---------------------------------------------------------------- other tests


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (("http://www.example.test/", URL), ("redirection-to-https", 0)),
        ((), ("redirection-not-needed-no-http", 0)),
        (("http://www.example.test/", "https://other.test/"), ("redirection-off-host-from-http", -5)),
        (
            ("http://www.example.test/", "http://www2.example.test/", URL),
            ("redirection-not-to-https-on-initial-redirection", -10),
        ),
        (("http://www.example.test/", "http://www2.example.test/"), ("redirection-not-to-https", -20)),
        (("http://www.example.test/",), ("redirection-missing", -20)),
    ],
)
def test_redirection(route: tuple[str, ...], expected: tuple[str, int]) -> None:
    assert result("redirection", route=route) == expected


def test_redirection_through_a_bad_certificate() -> None:
    page = Page(URL, 200, (), b"", (), True)
    graded = grade(Observation(page, ("http://www.example.test/", URL), False, (), None))
    assert graded.tests["redirection"].result == "redirection-invalid-cert"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ((), "cross-origin-resource-sharing-not-implemented"),
        (
            (("Access-Control-Allow-Origin", "*"),),
            "cross-origin-resource-sharing-implemented-with-public-access",
        ),
        (
            (("Access-Control-Allow-Origin", "https://app.example.test"),),
            "cross-origin-resource-sharing-implemented-with-restricted-access",
        ),
        (
            (("Access-Control-Allow-Origin", PROBE_ORIGIN),),
            "cross-origin-resource-sharing-implemented-with-restricted-access",
        ),
        (
            (("Access-Control-Allow-Origin", PROBE_ORIGIN), ("Access-Control-Allow-Credentials", "true")),
            "cross-origin-resource-sharing-implemented-with-universal-access",
        ),
    ],
)
def test_cors(headers: Headers, expected: str) -> None:
    assert result("cross-origin-resource-sharing", preflight=headers)[0] == expected


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ((("Referrer-Policy", "no-referrer"),), "", ("referrer-policy-private", 5)),
        ((("Referrer-Policy", "strict-origin-when-cross-origin"),), "", ("referrer-policy-private", 5)),
        ((("Referrer-Policy", "unsafe-url"),), "", ("referrer-policy-unsafe", -5)),
        ((("Referrer-Policy", "no-referrer, unsafe-url"),), "", ("referrer-policy-unsafe", -5)),
        ((("Referrer-Policy", "unsafe-url, bogus, same-origin"),), "", ("referrer-policy-private", 5)),
        ((("Referrer-Policy", "bogus"),), "", ("referrer-policy-header-invalid", -5)),
        ((), '<meta name="referrer" content="origin">', ("referrer-policy-unsafe", -5)),
        ((), "", ("referrer-policy-not-implemented", 0)),
    ],
)
def test_referrer_policy(headers: Headers, body: str, expected: tuple[str, int]) -> None:
    assert result("referrer-policy", headers, body) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("max-age=15552000", ("hsts-implemented-max-age-at-least-six-months", 0)),
        ("max-age=15551999", ("hsts-implemented-max-age-less-than-six-months", -10)),
        ('max-age="31536000"; includeSubDomains', ("hsts-implemented-max-age-at-least-six-months", 0)),
        ("includeSubDomains", ("hsts-header-invalid", -20)),
        ("max-age=31536000, max-age=0", ("hsts-header-invalid", -20)),
        ("max-age=1; max-age=2", ("hsts-header-invalid", -20)),
        ("max-age=ten", ("hsts-header-invalid", -20)),
    ],
)
def test_hsts(value: str, expected: tuple[str, int]) -> None:
    assert result("strict-transport-security", (("Strict-Transport-Security", value),)) == expected


def test_hsts_needs_https_and_a_valid_certificate() -> None:
    assert result("strict-transport-security") == ("hsts-not-implemented", -20)
    assert (
        result("strict-transport-security", url="http://www.example.test/")[0]
        == "hsts-not-implemented-no-https"
    )
    assert result("strict-transport-security", cert_ok=False)[0] == "hsts-invalid-cert"


SRI = "subresource-integrity"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>no scripts</p>", ("sri-not-implemented-but-no-scripts-loaded", 0)),
        (
            '<script src="/a.js"></script>',
            ("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0),
        ),
        (
            '<script src="/a.js" integrity="sha384-x"></script>',
            ("sri-implemented-and-all-scripts-loaded-securely", 5),
        ),
        (
            '<script src="https://static.example.test/a.js"></script>',
            ("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0),
        ),
        (
            '<script src="https://cdn.other.test/a.js" integrity="sha384-x"></script>',
            ("sri-implemented-and-external-scripts-loaded-securely", 5),
        ),
        (
            '<script src="https://cdn.other.test/a.js"></script>',
            ("sri-not-implemented-but-external-scripts-loaded-securely", -5),
        ),
        (
            '<script src="http://cdn.other.test/a.js" integrity="sha384-x"></script>',
            ("sri-implemented-but-external-scripts-not-loaded-securely", -20),
        ),
        (
            '<script src="//cdn.other.test/a.js"></script>',
            ("sri-not-implemented-and-external-scripts-not-loaded-securely", -50),
        ),
        (
            '<script src="http://cdn.other.test/a.js"></script>'
            '<script src="https://x.other.test/b.js" integrity="s"></script>',
            ("sri-not-implemented-and-external-scripts-not-loaded-securely", -50),
        ),
        ("<script>inline()</script>", ("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0)),
    ],
)
def test_subresource_integrity(body: str, expected: tuple[str, int]) -> None:
    assert result(SRI, body=body) == expected


def test_sri_is_not_asked_of_json_and_uses_the_sprint_apex() -> None:
    page = Page(URL, 200, (("Content-Type", "application/json"),), b"{}", (), True)
    assert grade(Observation(page)).tests[SRI].result == "sri-not-implemented-response-not-html"
    body = '<script src="https://cdn.acme.co.uk/a.js"></script>'
    own = result(SRI, body=body, url="https://www.acme.co.uk/")
    assert own[0] == "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
    assert registrable_domain("a.b.example.test", "b.example.test") == "b.example.test"


def test_hostile_html_is_read_in_linear_time() -> None:
    body = "<![CDATA[ <<<< <script src=//x <a <a <!-- <p <<" + "<" * 50_000 + "\x00\x01"
    assert result(SRI, body=body)[0] in RESULTS


@pytest.mark.parametrize(
    ("test", "headers", "expected"),
    [
        (
            "x-content-type-options",
            (("X-Content-Type-Options", "nosniff"),),
            ("x-content-type-options-nosniff", 0),
        ),
        (
            "x-content-type-options",
            (("X-Content-Type-Options", "NoSniff "),),
            ("x-content-type-options-nosniff", 0),
        ),
        (
            "x-content-type-options",
            (("X-Content-Type-Options", "nosniff"),) * 2,
            ("x-content-type-options-header-invalid", -5),
        ),
        ("x-content-type-options", (), ("x-content-type-options-not-implemented", -5)),
        ("x-frame-options", (("X-Frame-Options", "DENY"),), ("x-frame-options-sameorigin-or-deny", 5)),
        ("x-frame-options", (("X-Frame-Options", "sameorigin"),), ("x-frame-options-sameorigin-or-deny", 5)),
        (
            "x-frame-options",
            (("X-Frame-Options", "ALLOW-FROM https://a.test"),),
            ("x-frame-options-allow-from-origin", 0),
        ),
        (
            "x-frame-options",
            (("X-Frame-Options", "DENY"), ("X-Frame-Options", "SAMEORIGIN")),
            ("x-frame-options-header-invalid", -20),
        ),
        (
            "x-frame-options",
            (("Content-Security-Policy", "frame-ancestors 'self'"),),
            ("x-frame-options-implemented-via-csp", 5),
        ),
        (
            "x-frame-options",
            (("Content-Security-Policy", "frame-ancestors *"),),
            ("x-frame-options-not-implemented", -20),
        ),
        (
            "cross-origin-resource-policy",
            (("Cross-Origin-Resource-Policy", "same-site"),),
            ("corp-implemented-with-same-site", 10),
        ),
        (
            "cross-origin-resource-policy",
            (("Cross-Origin-Resource-Policy", "cross-origin"),),
            ("corp-implemented-with-cross-origin", 0),
        ),
        (
            "cross-origin-resource-policy",
            (("Cross-Origin-Resource-Policy", "nope"),),
            ("corp-header-invalid", -5),
        ),
        (
            "cross-origin-opener-policy",
            (("Cross-Origin-Opener-Policy", 'same-origin; report-to="r"'),),
            ("coop-implemented-with-same-origin", 10),
        ),
        (
            "cross-origin-opener-policy",
            (("Cross-Origin-Opener-Policy", "noopener-allow-popups"),),
            ("coop-implemented-with-noopener-allow-popups", 10),
        ),
        (
            "cross-origin-opener-policy",
            (("Cross-Origin-Opener-Policy", "unsafe-none"),),
            ("coop-implemented-with-unsafe-none", 0),
        ),
        (
            "cross-origin-opener-policy",
            (("Cross-Origin-Opener-Policy", "same-origin"),) * 2,
            ("coop-header-invalid", -5),
        ),
        ("cross-origin-opener-policy", (), ("coop-not-implemented", 0)),
        (
            "cross-origin-embedder-policy",
            (("Cross-Origin-Embedder-Policy", "credentialless"),),
            ("coep-implemented-with-credentialless", 10),
        ),
        (
            "cross-origin-embedder-policy",
            (("Cross-Origin-Embedder-Policy", "require-corp!"),),
            ("coep-header-invalid", -5),
        ),
        ("cross-origin-embedder-policy", (), ("coep-not-implemented", 0)),
    ],
)
def test_single_header_tests(test: str, headers: Headers, expected: tuple[str, int]) -> None:
    assert result(test, headers) == expected


def test_corp_from_meta() -> None:
    body = '<meta http-equiv="Cross-Origin-Resource-Policy" content="same-origin">'
    assert result("cross-origin-resource-policy", body=body) == ("corp-implemented-with-same-origin", 10)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "Content-Security-Policy",
                    "Set-Cookie",
                    "Referrer-Policy",
                    "Strict-Transport-Security",
                    "X-Frame-Options",
                    "X-Content-Type-Options",
                    "Cross-Origin-Opener-Policy",
                    "Cross-Origin-Embedder-Policy",
                    "Cross-Origin-Resource-Policy",
                    "Content-Type",
                ]
            ),
            st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=255), max_size=120),
        ),
        max_size=10,
    ),
    st.binary(max_size=400),
)
def test_any_header_set_gets_a_grade(headers: list[tuple[str, str]], body: bytes) -> None:
    page = Page(URL, 200, tuple(headers), body, tuple(v for k, v in headers if k == "Set-Cookie"), True)
    graded = grade(Observation(page, (), True, tuple(headers), None))
    assert graded.grade == grade_letter(graded.score) and len(graded.tests) == 12


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_hsts_parser_never_raises(value: str) -> None:
    policy = parse_hsts(value)
    assert policy.valid is (policy.valid and policy.max_age is not None)


# ---------------------------------------------------------------- saved responses

CURL = (
    b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.example.test/\r\n\r\n"
    b"HTTP/2 200 \r\ncontent-type: text/html\r\nx-frame-options: DENY\r\n"
    b"content-security-policy: default-src 'none';\r\n  frame-ancestors 'none'\r\n"
    b"not a header line\r\n\r\n<p>hi</p>"
)


def test_saved_curl_output_grades_its_last_response() -> None:
    raw = parse_raw_response(CURL)
    assert (raw.status, raw.version, raw.blocks) == (200, "2", 2)
    assert raw.header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'"
    assert raw.body == b"<p>hi</p>"
    graded = grade(observation_from_raw(raw, URL))
    assert graded.not_tested == ("cross-origin-resource-sharing", "redirection")
    assert graded.tests["x-frame-options"].result == "x-frame-options-implemented-via-csp"
    assert len(graded.tests) == 10


def test_interim_responses_and_lf_endings() -> None:
    raw = parse_raw_response(b"HTTP/1.1 100 Continue\n\nHTTP/1.1 404 Not Found\nA: b\n\nbody")
    assert (raw.status, raw.reason, raw.headers, raw.body) == (404, "Not Found", (("A", "b"),), b"body")


@pytest.mark.parametrize("data", [b"", b"<html>", b"HTTP/1.1 abc\r\n\r\n", b"GET / HTTP/1.1\r\n\r\n"])
def test_not_a_response_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(RawResponseError):
        parse_raw_response(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_raw_parser_raises_only_its_error(data: bytes) -> None:
    try:
        raw = parse_raw_response(b"HTTP/1.1 200 OK\r\n" + data)
    except RawResponseError:
        return
    assert 100 <= raw.status <= 999


def test_page_reader_finds_scripts_and_meta() -> None:
    facts = read_page(
        "text/html",
        b'<meta http-equiv="referrer-policy" content="no-referrer">'
        b'<script src="a.js" integrity="i"></script>',
    )
    assert facts.script_count == 1 and facts.scripts[0].integrity == "i"
    assert facts.meta_values("referrer-policy") == ["no-referrer"]
    assert not read_page("image/png", b"\x89PNG").is_html
