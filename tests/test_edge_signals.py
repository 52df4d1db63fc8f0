"""Pure tables for edge detection, rate-limit fields, CAA, takeover and exposed-path verdicts
(launchwizard.edge.cdn, .ratelimit, .caa, .takeover, .exposed), with property tests over hostile input."""

from __future__ import annotations

import email.utils

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchwizard.edge.caa import issuer_caa_domains, judge_caa, parse_caa
from launchwizard.edge.cdn import detect_edge, fix_for_unfronted
from launchwizard.edge.exposed import SENSITIVE_PATHS, Baseline, baseline_paths
from launchwizard.edge.exposed import judge as judge_exposure
from launchwizard.edge.ratelimit import read_ratelimit
from launchwizard.edge.takeover import judge, match_service

NOW = 1_760_000_000.0
RATE_FIELDS = ["RateLimit", "RateLimit-Policy", "Retry-After", "X-RateLimit-Limit"]


@pytest.mark.parametrize(
    ("headers", "ns", "cnames", "edge", "source"),
    [
        ((("Server", "cloudflare"),), (), (), "Cloudflare", "header"),
        ((("CF-RAY", "8c1f2e3d4a5b6c7d-AMS"),), (), (), "Cloudflare", "header"),
        ((("Set-Cookie", "__cf_bm=secretvalue; Secure"),), (), (), "Cloudflare", "cookie"),
        ((("X-Amz-Cf-Id", "abc"),), (), (), "CloudFront", "header"),
        ((), (), ("d111.cloudfront.net",), "CloudFront", "cname"),
        ((("X-Served-By", "cache-ams21000-AMS"),), (), (), "Fastly", "header"),
        ((("Server", "AkamaiGHost"),), (), (), "Akamai", "header"),
        ((), (), ("www.example.com.edgekey.net.",), "Akamai", "cname"),
        ((("X-Vercel-Id", "fra1::x"),), (), (), "Vercel", "header"),
        ((("Server", "Netlify"),), (), (), "Netlify", "header"),
        ((("X-Azure-Ref", "0abc"),), (), (), "Azure Front Door", "header"),
    ],
)
def test_each_edge_is_recognised(headers, ns, cnames, edge: str, source: str) -> None:
    report = detect_edge(headers, ns, cnames)
    assert report.fronted and report.edges == (edge,)
    assert report.signals[0].source == source


def test_cookie_values_never_reach_the_evidence() -> None:
    report = detect_edge((("Set-Cookie", "__cf_bm=secretvalue; Secure"),), (), ())
    assert "secretvalue" not in repr(report)


def test_nameservers_alone_are_dns_only_with_the_proxy_fix() -> None:
    report = detect_edge((("Server", "nginx"),), ("ada.ns.cloudflare.com",), ())
    assert (report.fronted, report.dns_only) == (False, ("Cloudflare",))
    assert "orange cloud" in fix_for_unfronted("www.acme.test", report)


def test_look_alike_names_are_not_edges() -> None:
    report = detect_edge((("Server", "not-cloudflare"),), ("ns.notcloudflare.com",), ("evilcloudfront.net",))
    assert report.signals == () and "CDN/WAF" in fix_for_unfronted("a.test", report)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.text(max_size=30), st.text(max_size=200)), max_size=8),
    st.lists(st.text(max_size=60), max_size=3),
)
def test_detect_edge_never_raises(headers: list[tuple[str, str]], names: list[str]) -> None:
    report = detect_edge(headers, names, names)
    assert report.fronted == bool(report.edges)


def test_draft_fields_are_read() -> None:
    info = read_ratelimit(
        [
            ("RateLimit-Policy", '"burst";q=100;w=60, "daily";q=1000;w=86400'),
            ("RateLimit", '"burst";r=0;t=30'),
        ],
        NOW,
    )
    assert [(p.name, p.quota, p.window_s) for p in info.policies] == [
        ("burst", 100, 60),
        ("daily", 1000, 86400),
    ]
    assert (info.current[0].remaining, info.current[0].reset_s) == (0, 30)
    assert "100 requests per 60 s" in info.describe() and info.announced


def test_legacy_fields_and_their_variant_spelling() -> None:
    info = read_ratelimit(
        [("X-Rate-Limit-Limit", "4"), ("x-ratelimit-remaining", "0"), ("X-RateLimit-Reset", "60")]
    )
    assert info.to_json()["legacy"] == {"limit": 4, "remaining": 0, "reset": "60"}
    assert "X-RateLimit-Limit 4, 0 left, reset 60" in info.describe()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120.0), ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0), ("Sat, 11 Oct 2025 09:00:00 GMT", 6400.0)],
)
def test_retry_after_seconds_or_date(value: str, seconds: float) -> None:
    date_ahead = email.utils.parsedate_to_datetime("Sat, 11 Oct 2025 09:00:00 GMT").timestamp()
    assert read_ratelimit([("Retry-After", value)], date_ahead - 6400.0).retry_after_s == seconds


@pytest.mark.parametrize(
    "policy",
    ['"default";w=60', '"default";q=-1', '"default";q=ten', '"unterminated;q=1', "default;q=1,,", ""],
)
def test_malformed_draft_fields_are_ignored_with_a_problem(policy: str) -> None:
    info = read_ratelimit([("RateLimit-Policy", policy), ("Retry-After", "soon")], NOW)
    assert info.policies == () and len(info.problems) == 2 and not info.announced


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(RATE_FIELDS), st.text(max_size=120)), max_size=6))
def test_read_ratelimit_never_raises(headers: list[tuple[str, str]]) -> None:
    info = read_ratelimit(headers, NOW)
    assert isinstance(info.describe(), str) and isinstance(info.to_json(), dict)


# ---------------------------------------------------------------- CAA


@pytest.mark.parametrize(
    ("text", "tag", "issuer", "critical", "problems"),
    [
        ('0 issue "letsencrypt.org"', "issue", "letsencrypt.org", False, 0),
        ('0 issuewild ";"', "issuewild", None, False, 0),
        ('0 issue "ca.test; account=123"', "issue", "ca.test", False, 0),
        ('128 tbs "unknown"', "tbs", None, True, 1),
        ('0 issue "not a domain!"', "issue", "not a domain!", False, 1),
        ("garbage", "", None, False, 1),
    ],
)
def test_caa_records_parse(text: str, tag: str, issuer: str | None, critical: bool, problems: int) -> None:
    record = parse_caa(text)
    assert (record.tag, record.issuer, record.critical, len(record.problems)) == (
        tag,
        issuer,
        critical,
        problems,
    )


@pytest.mark.parametrize(
    ("records", "status"),
    [
        ([], "no-restriction"),
        (['0 issuewild "letsencrypt.org"'], "no-restriction"),
        (['0 issue "letsencrypt.org"'], "allowed"),
        (['0 issue "digicert.com"'], "forbidden"),
        (['0 issue ";"'], "forbidden"),
        (['0 issue "letsencrypt.org"', '128 tbs "x"'], "invalid"),
    ],
)
def test_caa_verdicts_for_lets_encrypt(records: list[str], status: str) -> None:
    domains = issuer_caa_domains("Let's Encrypt", "R11")
    assert judge_caa([parse_caa(r) for r in records], domains).status == status


def test_caa_issuer_mapping() -> None:
    assert issuer_caa_domains("Launchwizard Lab", None) == ("lab.launchwizard.test",)
    assert issuer_caa_domains(None, "Google Trust Services WR1") == ("pki.goog",)
    assert issuer_caa_domains("Nobody CA", "x") == ()
    assert judge_caa([parse_caa('0 issue "a.test"')], ()).status == "unknown-ca"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=5), st.lists(st.text(max_size=20), max_size=2))
def test_caa_never_raises(texts: list[str], domains: list[str]) -> None:
    assert judge_caa([parse_caa(text) for text in texts], domains).summary


# ---------------------------------------------------------------- takeover


def test_service_suffixes_match_at_label_boundaries() -> None:
    assert match_service("lw-app.herokuapp.com.").name == "Heroku"
    assert match_service("evilherokuapp.com") is None
    assert match_service("x.blob.core.windows.net").name == "Microsoft Azure"


@pytest.mark.parametrize(
    ("chain", "nxdomain", "body", "verdict"),
    [
        ((), False, None, "no-cname"),
        (("gone.azurewebsites.net",), True, None, "vulnerable"),
        (("b.s3.amazonaws.com",), False, b"<Code>NoSuchBucket</Code>", "vulnerable"),
        (("a.herokuapp.com",), False, b"<p>No such app</p>", "verify"),
        (("a.herokuapp.com",), True, None, "verify"),
        (("a.herokuapp.com",), False, b"<h1>Our docs</h1>", "safe"),
        (("a.herokuapp.com",), False, None, "safe"),
        (("d1.cloudfront.net",), True, None, "not-vulnerable"),
        (("nothing.example.test",), True, None, "dangling"),
        (("www.example.test",), False, None, "safe"),
    ],
)
def test_takeover_verdicts(chain: tuple[str, ...], nxdomain: bool, body: bytes | None, verdict: str) -> None:
    outcome = judge("docs.acme.test", chain, target_nxdomain=nxdomain, body=body, fetch_error=None)
    assert outcome.verdict == verdict
    assert bool(outcome.fix) == (verdict in ("vulnerable", "verify", "dangling"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=3), st.booleans(), st.none() | st.binary(max_size=200))
def test_takeover_judge_never_raises(chain: list[str], nxdomain: bool, body: bytes | None) -> None:
    assert judge("a.test", chain, target_nxdomain=nxdomain, body=body, fetch_error="x").reason


# ---------------------------------------------------------------- exposed paths

SPECS = {spec.path: spec for spec in SENSITIVE_PATHS}
SHELL = b"<!doctype html><html><body><div id=root></div></body></html>"


def _judge(path: str, body: bytes, status: int = 200, content_type: str = "text/plain", baselines=()):
    return judge_exposure(SPECS[path], status, [("Content-Type", content_type)], body, list(baselines), path)


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/.env", b"APP_ENV=prod\nSECRET_KEY=abcdefghijkl\n", "text/plain"),
        ("/.git/HEAD", b"ref: refs/heads/main\n", "text/plain"),
        ("/.git/config", b"[core]\n\trepositoryformatversion = 0\n", "text/plain"),
        ("/.DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(20), "application/octet-stream"),
        ("/backup.sql", b"-- MySQL dump 10.13\nCREATE TABLE t (id int);\n", "text/plain"),
        ("/admin", b'<title>Admin</title><form><input type="password" name="p"></form>', "text/html"),
        ("/openapi.json", b'{"openapi": "3.1.0", "paths": {}}', "application/json"),
        ("/metrics", b"# HELP http_requests_total Total\n# TYPE http_requests_total counter\n", "text/plain"),
    ],
)
def test_each_kind_is_recognised_by_its_content(path: str, body: bytes, content_type: str) -> None:
    assert _judge(path, body, content_type=content_type) is not None


def test_env_sample_names_variables_without_values() -> None:
    found = _judge("/.env", b"APP_ENV=prod\nSECRET_KEY=abcdefghijkl\n")
    assert found is not None and found.sample == "APP_ENV=…, SECRET_KEY=…"


@pytest.mark.parametrize(
    ("path", "body", "status", "content_type"),
    [
        ("/.env", b"APP_ENV=prod\nSECRET_KEY=abc\n", 403, "text/plain"),
        ("/.env", b"APP_ENV=prod\nSECRET_KEY=abc\n", 302, "text/plain"),
        ("/.env", SHELL, 200, "text/html"),
        ("/.env", b"<html>APP_ENV=prod\nSECRET_KEY=abc\n</html>", 200, "text/plain"),
        ("/admin", b"<title>Sign in</title>", 200, "text/html"),
        ("/.git/HEAD", b"\xff\xfe garbage \x00", 200, "text/plain"),
    ],
)
def test_refusals_redirects_and_html_shells_are_not_findings(
    path: str, body: bytes, status: int, content_type: str
) -> None:
    assert _judge(path, body, status, content_type) is None


def test_a_site_answering_everything_alike_is_not_a_finding() -> None:
    page = b'<title>Admin</title><input type="password">'
    probe = baseline_paths()[0]
    baseline = Baseline.from_response(200, [], page, probe)
    assert _judge("/admin", page, content_type="text/html", baselines=[baseline]) is None
    assert len(set(baseline_paths()) | set(baseline_paths())) == 6


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(SPECS)), st.binary(max_size=500), st.integers(100, 599))
def test_exposed_judge_never_raises(path: str, body: bytes, status: int) -> None:
    found = _judge(path, body, status)
    assert found is None or 200 <= found.status < 300
