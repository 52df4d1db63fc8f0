"""The edge stage's checks against the lab's real DNS, TLS and HTTP servers: edge.headers,
edge.hsts, edge.cors, edge.exposed, edge.cdn, edge.ratelimit, dns.takeover and dns.caa.
The scenarios are the rows of launchwizard/demo/sites_edge.py."""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from launchwizard.config import Sprint
from launchwizard.demo.lab import Lab
from launchwizard.demo.sites_edge import APPROVED_ORIGINS, env_file
from launchwizard.results import Result, Severity, Status

RunCheck = Callable[[Sprint, str], Awaitable[dict[str, Result]]]
MakeSprint = Callable[..., Sprint]


def edge(name: str) -> str:
    return f"{name}.edge.test"


async def one(make_sprint: MakeSprint, run_check: RunCheck, check: str, host: str, **tables: Any) -> Result:
    apex = "edge.test" if host.endswith(".edge.test") else host.split(".", 1)[1]
    results = await run_check(make_sprint([host], apex=apex, **tables), check)
    return results[host]


def shown(result: Result) -> str:
    """Everything a result would print: summary, fix and evidence, as one string."""
    return json.dumps(result.to_json())


# ---------------------------------------------------------------- edge.headers


async def test_best_headers_grade_a_plus(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    result = await one(make_sprint, run_check, "edge.headers", edge("aplus"))
    assert result.status is Status.PASS, result.summary
    assert result.evidence["grade"] == "A+"
    assert result.evidence["score"] == 160
    assert result.evidence["tests_passed"] == 12
    tests = {row["test"]: row for row in result.evidence["tests"]}
    assert tests["content-security-policy"]["result"] == "csp-implemented-with-no-unsafe-default-src-none"
    assert tests["subresource-integrity"]["result"] == "sri-implemented-and-external-scripts-loaded-securely"
    assert all(row["recommended"] is None for row in tests.values())
    assert "lab-session-token" not in shown(result)


async def test_no_headers_at_all_fail_with_the_headers_to_paste(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = await one(make_sprint, run_check, "edge.headers", edge("bare"))
    assert result.status is Status.FAIL
    assert (result.evidence["score"], result.evidence["grade"]) == (30, "D")
    results = {row["test"]: row["result"] for row in result.evidence["tests"]}
    assert results["content-security-policy"] == "csp-not-implemented"
    assert results["x-frame-options"] == "x-frame-options-not-implemented"
    assert results["redirection"] == "redirection-to-https"
    assert results["cross-origin-resource-sharing"] == "cross-origin-resource-sharing-not-implemented"
    assert "Content-Security-Policy:" in result.fix and "X-Frame-Options: DENY" in result.fix


async def test_weak_headers_fail_high_and_never_show_cookie_values(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = await one(make_sprint, run_check, "edge.headers", edge("weak"))
    assert result.status is Status.FAIL and result.severity is Severity.HIGH
    assert result.evidence["grade"] == "F"
    results = {row["test"]: row["result"] for row in result.evidence["tests"]}
    assert results["subresource-integrity"] == "sri-not-implemented-and-external-scripts-not-loaded-securely"
    assert results["cookies"] == "cookies-session-without-secure-flag"
    assert results["x-content-type-options"] == "x-content-type-options-header-invalid"
    assert "lab-weak-session" not in shown(result) and "lab-weak-csrf" not in shown(result)


@pytest.mark.parametrize("name", ["dupes", "bigcsp", "garbage"])
async def test_hostile_headers_get_a_grade_not_an_error(
    make_sprint: MakeSprint, run_check: RunCheck, name: str
) -> None:
    result = await one(make_sprint, run_check, "edge.headers", edge(name))
    assert result.status in (Status.PASS, Status.WARN, Status.FAIL), result.summary
    assert result.evidence["grade"] in (
        "A+",
        "A",
        "A-",
        "B+",
        "B",
        "B-",
        "C+",
        "C",
        "C-",
        "D+",
        "D",
        "D-",
        "F",
    )
    assert len(result.evidence["tests"]) == 12


async def test_an_untrusted_certificate_is_not_graded(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    result = await run_check(make_sprint(["expired.lab.test"]), "edge.headers")
    assert result["expired.lab.test"].status is Status.FAIL
    assert "certificate" in result["expired.lab.test"].summary


async def test_a_host_that_never_answers_is_an_error(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    result = (await run_check(make_sprint(["hang.lab.test"]), "edge.headers"))["hang.lab.test"]
    assert result.status is Status.ERROR


# ---------------------------------------------------------------- edge.hsts


@pytest.mark.parametrize(
    ("name", "status", "words"),
    [
        ("aplus", Status.PASS, "63072000"),
        ("hsts-short", Status.FAIL, "under 180 days"),
        ("hsts-mid", Status.WARN, "under the one year"),
        ("hsts-twice", Status.WARN, "sent 2 times"),
        ("hsts-noage", Status.FAIL, "invalid"),
        ("hsts-zero", Status.FAIL, "max-age=0"),
        ("bare", Status.FAIL, "no Strict-Transport-Security"),
    ],
)
async def test_hsts_thresholds(
    make_sprint: MakeSprint, run_check: RunCheck, name: str, status: Status, words: str
) -> None:
    result = await one(make_sprint, run_check, "edge.hsts", edge(name))
    assert result.status is status, result.summary
    assert words in result.summary


async def test_hsts_is_read_on_the_redirecting_host_itself(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    """acme.test only redirects to www: its own first response has no HSTS, whatever www sends."""
    results = await run_check(make_sprint(["acme.test", "www.acme.test"], apex="acme.test"), "edge.hsts")
    assert results["acme.test"].status is Status.FAIL
    assert results["www.acme.test"].status is Status.PASS


async def test_hsts_behind_an_untrusted_certificate_fails(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = (await run_check(make_sprint(["selfsigned.lab.test"]), "edge.hsts"))["selfsigned.lab.test"]
    assert result.status is Status.FAIL and "ignore HSTS" in result.summary


# ---------------------------------------------------------------- edge.cors

APPROVED = {"edge": {"approved_origins": list(APPROVED_ORIGINS)}}


@pytest.mark.parametrize(
    ("name", "status", "severity", "words"),
    [
        ("cors-reflect", Status.FAIL, Severity.CRITICAL, "foreign origin https://launchwizard-probe.example"),
        ("cors-null", Status.FAIL, Severity.CRITICAL, "null origin"),
        ("cors-suffix", Status.FAIL, Severity.CRITICAL, "suffix origin"),
        ("cors-star", Status.FAIL, Severity.HIGH, "Access-Control-Allow-Origin: * although it answers 401"),
        ("cors-allow", Status.PASS, Severity.INFO, "approved origins"),
        ("bare", Status.PASS, Severity.INFO, "no cross-origin access"),
    ],
)
async def test_cors(
    make_sprint: MakeSprint, run_check: RunCheck, name: str, status: Status, severity: Severity, words: str
) -> None:
    result = await one(make_sprint, run_check, "edge.cors", edge(name), **APPROVED)
    assert (result.status, result.severity) == (status, severity), result.summary
    assert words in result.summary


async def test_cors_approved_origins_that_are_refused_fail(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    tables = {"edge": {"approved_origins": ["https://www.edge.test", "https://partner.example"]}}
    result = await one(make_sprint, run_check, "edge.cors", edge("cors-allow"), **tables)
    assert (result.status, result.severity) == (Status.FAIL, Severity.MEDIUM)
    assert "refuses the approved origin https://partner.example" in result.summary
    assert "https://www.edge.test (" not in result.summary


async def test_cors_never_judges_the_hosts_own_origin(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    """https://cors-allow.edge.test calling itself is same-origin: its CORS allowlist need not
    name it, and it is not probed as an approved origin (its http:// twin still is)."""
    own = "https://cors-allow.edge.test"
    tables = {"edge": {"approved_origins": [own, *APPROVED_ORIGINS]}}
    result = await one(make_sprint, run_check, "edge.cors", edge("cors-allow"), **tables)
    assert (result.status, result.severity) == (Status.PASS, Severity.INFO), result.summary
    assert result.evidence["same_origin_not_probed"] == [own]
    probed = {(row["probe"], row["origin"]) for row in result.evidence["probes"]}
    assert ("approved", own) not in probed
    assert ("downgrade", "http://cors-allow.edge.test") in probed
    assert {("approved", origin) for origin in APPROVED_ORIGINS} <= probed


async def test_cors_probes_every_endpoint_on_the_host(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    endpoints = {"endpoints": {"login": "https://cors-allow.edge.test/api/me"}}
    result = await one(make_sprint, run_check, "edge.cors", edge("cors-allow"), **APPROVED, **endpoints)
    assert result.evidence["urls"] == ["https://cors-allow.edge.test/", "https://cors-allow.edge.test/api/me"]
    probes = {(row["url"], row["probe"]) for row in result.evidence["probes"]}
    assert ("https://cors-allow.edge.test/api/me", "downgrade") in probes


# ---------------------------------------------------------------- edge.exposed


async def test_exposed_paths_are_found_by_content(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    result = await one(make_sprint, run_check, "edge.exposed", edge("exposed"))
    assert result.status is Status.FAIL and result.severity is Severity.CRITICAL
    paths = {row["path"] for row in result.evidence["exposed"]}
    assert {"/.env", "/.git/HEAD", "/.git/config", "/server-status", "/actuator/env", "/.DS_Store"} <= paths
    assert {"/backup.sql", "/admin", "/openapi.json"} <= paths
    text = shown(result)
    for line in env_file().splitlines():
        value = line.split("=", 1)[1]
        if len(value) > 16:
            assert value not in text


@pytest.mark.parametrize("name", ["spa", "guarded", "bare"])
async def test_soft_404_refused_and_missing_paths_are_not_findings(
    make_sprint: MakeSprint, run_check: RunCheck, name: str
) -> None:
    result = await one(make_sprint, run_check, "edge.exposed", edge(name))
    assert result.status is Status.PASS, result.summary
    assert result.evidence["exposed"] == []


# ---------------------------------------------------------------- edge.cdn


@pytest.mark.parametrize(
    ("host", "edge_name", "source"),
    [
        (edge("aplus"), "Cloudflare", "header"),
        (edge("cloudfront"), "CloudFront", "header"),
        (edge("fastly"), "Fastly", "header"),
        (edge("vercel"), "Vercel", "header"),
        (edge("cfcname"), "CloudFront", "cname"),
    ],
)
async def test_cdn_edges_are_recognised(
    make_sprint: MakeSprint, run_check: RunCheck, host: str, edge_name: str, source: str
) -> None:
    result = await one(make_sprint, run_check, "edge.cdn", host)
    assert result.status is Status.PASS, result.summary
    assert edge_name in result.evidence["edges"]
    assert any(s["edge"] == edge_name and s["source"] == source for s in result.evidence["signals"])


async def test_cloudflare_dns_without_its_proxy_fails(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    result = (await run_check(make_sprint(["greycloud.test"], apex="greycloud.test"), "edge.cdn"))[
        "greycloud.test"
    ]
    assert result.status is Status.FAIL
    assert "Cloudflare" in result.summary and "does not pass through" in result.summary
    assert "orange cloud" in result.fix or "proxy" in result.fix


async def test_a_host_without_an_edge_fails_with_the_fix(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = await one(make_sprint, run_check, "edge.cdn", edge("bare"))
    assert result.status is Status.FAIL and result.severity is Severity.MEDIUM
    assert result.fix


# ---------------------------------------------------------------- edge.ratelimit


def probe_tables(path: str, max_requests: int = 10, rate: float = 20.0) -> dict[str, Any]:
    return {
        "endpoints": {"target": f"https://ratelimit.edge.test{path}"},
        "probes": {
            "ratelimit": {
                "enabled": True,
                "endpoint": "target",
                "max_requests": max_requests,
                "rate_per_s": rate,
            }
        },
    }


async def ratelimit(lab: Lab, make_sprint: MakeSprint, run_check: RunCheck, **tables: Any) -> Result:
    lab.reset_rate_limits()
    sprint = make_sprint([edge("ratelimit")], apex="edge.test", **tables)
    (result,) = (await run_check(sprint, "edge.ratelimit")).values()
    return result


async def test_ratelimit_probe_is_opt_in(lab: Lab, make_sprint: MakeSprint, run_check: RunCheck) -> None:
    result = await ratelimit(
        lab, make_sprint, run_check, endpoints={"login": "https://ratelimit.edge.test/login"}
    )
    assert result.status is Status.SKIPPED and "enabled = true" in result.summary
    assert lab.arrivals(edge("ratelimit"), "/login") == []


async def test_ratelimit_stops_at_the_first_429(
    lab: Lab, make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = await ratelimit(lab, make_sprint, run_check, **probe_tables("/login"))
    assert result.status is Status.PASS
    assert "throttled at request 6 (429, Retry-After" in result.summary
    assert "5 requests per 60 s" in result.summary
    assert len(lab.arrivals(edge("ratelimit"), "/login")) == 6
    assert result.evidence["statuses"] == [200] * 5 + [429]


async def test_ratelimit_stays_within_budget_and_rate(
    lab: Lab, make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    rate = 20.0
    result = await ratelimit(lab, make_sprint, run_check, **probe_tables("/open", max_requests=7, rate=rate))
    assert result.status is Status.WARN
    assert "no throttling seen within 7 requests" in result.summary and "not proof" in result.summary
    arrivals = lab.arrivals(edge("ratelimit"), "/open")
    assert len(arrivals) == 7
    # The pacer spaces the sends; each arrival also carries its own connect and TLS time, so
    # one request may land up to one interval early, never more: no burst beyond the rate.
    for i, j in itertools.combinations(range(len(arrivals)), 2):
        assert arrivals[j] - arrivals[i] >= (j - i - 1) / rate


async def test_ratelimit_503_with_a_date_is_read(
    lab: Lab, make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = await ratelimit(lab, make_sprint, run_check, **probe_tables("/busy"))
    assert result.status is Status.WARN and "throttled at request 4 (503, Retry-After" in result.summary
    assert "429 is the status" in result.summary


async def test_ratelimit_legacy_headers_are_read(
    lab: Lab, make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = await ratelimit(lab, make_sprint, run_check, **probe_tables("/legacy"))
    assert result.status is Status.PASS and "throttled at request 5 (429, no Retry-After)" in result.summary
    assert result.evidence["first_answer"]["legacy"]["limit"] == 4


async def test_ratelimit_endpoint_that_never_answers_is_an_error(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    tables = {
        "endpoints": {"target": "https://hang.lab.test/"},
        "probes": {"ratelimit": {"enabled": True, "endpoint": "target", "max_requests": 3}},
    }
    result = (await run_check(make_sprint(["hang.lab.test"], **tables), "edge.ratelimit"))["hang.lab.test"]
    assert result.status is Status.ERROR and "no answer" in result.summary


# ---------------------------------------------------------------- dns.takeover

TAKEOVER_NAMES = ["unclaimed", "bucket", "pages", "claimed", "gone", "dangling"]


async def test_takeover_candidates_are_found_and_sorted(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    sprint = make_sprint(
        [edge("aplus")], apex="edge.test", domains={"subdomains": [edge(n) for n in TAKEOVER_NAMES]}
    )
    result = (await run_check(sprint, "dns.takeover"))["edge.test"]
    assert (result.status, result.severity) == (Status.FAIL, Severity.HIGH)
    verdicts = {row["name"]: row["verdict"] for row in result.evidence["names"]}
    assert verdicts[edge("gone")] == "vulnerable"
    assert verdicts[edge("bucket")] == "vulnerable"
    assert verdicts[edge("unclaimed")] == "verify"
    assert verdicts[edge("pages")] == "verify"
    assert verdicts[edge("claimed")] == "safe"
    assert verdicts[edge("dangling")] == "dangling"
    assert verdicts[edge("aplus")] == "no-cname"
    assert result.evidence["names"][0]["verdict"] == "vulnerable"


async def test_claimed_names_pass(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    sprint = make_sprint([edge("aplus")], apex="edge.test", domains={"subdomains": [edge("claimed")]})
    result = (await run_check(sprint, "dns.takeover"))["edge.test"]
    assert result.status is Status.PASS and "none points at an unclaimed service" in result.summary


# ---------------------------------------------------------------- dns.caa


@pytest.mark.parametrize(
    ("host", "status"),
    [
        (edge("aplus"), Status.PASS),
        (edge("wrongca"), Status.FAIL),
        (edge("critical"), Status.FAIL),
        ("good.lab.test", Status.WARN),
    ],
)
async def test_caa(make_sprint: MakeSprint, run_check: RunCheck, host: str, status: Status) -> None:
    result = await one(make_sprint, run_check, "dns.caa", host)
    assert result.status is status, result.summary


async def test_caa_names_where_it_was_found_and_the_ca_in_use(
    make_sprint: MakeSprint, run_check: RunCheck
) -> None:
    result = await one(make_sprint, run_check, "dns.caa", edge("wrongca"))
    assert result.evidence["found_at"] == "wrongca.edge.test"
    assert result.evidence["issuer_caa_domains"] == ["lab.launchwizard.test"]
    assert 'issue "lab.launchwizard.test"' in result.fix
