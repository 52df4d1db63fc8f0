"""redirect.https and redirect.canonical against the lab's real HTTP and HTTPS servers."""

from __future__ import annotations

import pytest
import pytest_asyncio

from launchwizard.results import Severity, Status

HTTPS_HOSTS = [
    "badlocation.lab.test",
    "good.lab.test",
    "noredirect.lab.test",
    "temp.lab.test",
    "offhost.lab.test",
    "otherport.lab.test",
    "fileredirect.lab.test",
    "closed80.lab.test",
    "reset.lab.test",
    "hang.lab.test",
    "missing.lab.test",
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def https(make_sprint, run_check):
    sprint = make_sprint(HTTPS_HOSTS, network={"timeout_s": 0.5})
    return await run_check(sprint, "redirect.https")


async def test_permanent_same_host_redirect_passes(https) -> None:
    good = https["good.lab.test"]
    assert good.status is Status.PASS
    assert good.summary == "http://good.lab.test/ redirects permanently (301) to https://good.lab.test"
    assert good.evidence["location"] == "https://good.lab.test/"
    assert good.evidence["address"].startswith("127.53.2.1:")


@pytest.mark.parametrize(
    ("host", "status", "severity", "phrase"),
    [
        (
            "noredirect.lab.test",
            Status.FAIL,
            Severity.HIGH,
            "serves content (status 200) instead of redirecting",
        ),
        ("temp.lab.test", Status.WARN, Severity.LOW, "temporary 302"),
        ("offhost.lab.test", Status.FAIL, Severity.MEDIUM, "goes to another host (https://good.lab.test)"),
        (
            "otherport.lab.test",
            Status.FAIL,
            Severity.MEDIUM,
            "non-standard port (https://otherport.lab.test:8443)",
        ),
        ("fileredirect.lab.test", Status.FAIL, Severity.HIGH, "unsupported scheme (file:)"),
    ],
)
async def test_first_hop_problems(https, host, status, severity, phrase) -> None:
    result = https[host]
    assert (result.status, result.severity) == (status, severity)
    assert phrase in result.summary
    assert result.fix


async def test_an_unparsable_location_fails_with_the_raw_header(https) -> None:
    result = https["badlocation.lab.test"]
    assert (result.status, result.severity) == (Status.FAIL, Severity.HIGH)
    assert result.summary == "redirect Location is not a valid URL: 'http://[::1' (Invalid IPv6 URL)"
    assert result.evidence["location"] == "http://[::1"


async def test_closed_port_80_passes_as_the_references_do(https) -> None:
    result = https["closed80.lab.test"]
    assert (result.status, result.severity) == (Status.PASS, Severity.INFO)
    assert "connection refused" in result.summary


@pytest.mark.parametrize(
    ("host", "phrase"),
    [
        ("reset.lab.test", "no answer from http://reset.lab.test/: connection closed or reset by the server"),
        ("hang.lab.test", "no answer from http://hang.lab.test/: no response within 0.5 s"),
        ("missing.lab.test", "missing.lab.test does not exist (NXDOMAIN)"),
    ],
)
async def test_unreachable_hosts_are_errors_with_a_reason(https, host, phrase) -> None:
    result = https[host]
    assert result.status is Status.ERROR
    assert phrase in result.summary
    assert "Traceback" not in result.summary


CANONICAL_HOSTS = [
    "badlocation.lab.test",
    "acme.test",
    "www.acme.test",
    "good.lab.test",
    "offhost.lab.test",
    "loop.lab.test",
    "downgrade.lab.test",
    "longchain.lab.test",
    "wronghost.lab.test",
    "noredirect.lab.test",
    "closed80.lab.test",
]
ENDLESS_BODY_HOSTS = ["slowbody.lab.test", "hugebody.lab.test"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def canonical(make_sprint, run_check):
    """Hosts that answer promptly get the default timeout: a busy machine must not turn a
    verdict into a timeout. Only the endless bodies run with a short one, since they end there."""
    sprint = make_sprint(
        CANONICAL_HOSTS,
        apex="acme.test",
        canonical="https://www.acme.test/",
        redirects={"offhost.lab.test": "https://offhost.lab.test/"},
    )
    endless = make_sprint(ENDLESS_BODY_HOSTS, network={"timeout_s": 1.0})
    return await run_check(sprint, "redirect.canonical") | await run_check(endless, "redirect.canonical")


async def test_apex_and_www_end_on_the_canonical_url(canonical) -> None:
    apex = canonical["acme.test"]
    assert apex.status is Status.PASS
    assert apex.summary == "http:// and https:// both end on https://www.acme.test/ (2 redirect(s) at most)"
    assert [hop["url"] for hop in apex.evidence["from_http"]] == [
        "http://acme.test/",
        "https://acme.test/",
        "https://www.acme.test/",
    ]
    assert canonical["www.acme.test"].status is Status.PASS
    assert canonical["good.lab.test"].status is Status.PASS


async def test_other_hosts_default_to_themselves_and_closed_80_is_not_counted(canonical) -> None:
    assert canonical["closed80.lab.test"].status is Status.PASS
    assert canonical["closed80.lab.test"].evidence["expected"] == "https://closed80.lab.test/"


async def test_ending_on_another_host_fails(canonical) -> None:
    result = canonical["offhost.lab.test"]
    assert result.status is Status.FAIL
    assert "from http:// ends on https://good.lab.test/, expected https://offhost.lab.test/" in result.summary


async def test_loop_fails(canonical) -> None:
    result = canonical["loop.lab.test"]
    assert result.status is Status.FAIL
    assert "redirect loop: https://loop.lab.test/ again" in result.summary


async def test_downgrade_fails(canonical) -> None:
    result = canonical["downgrade.lab.test"]
    assert result.status is Status.FAIL
    assert "redirect from HTTPS back to http://downgrade.lab.test/plain" in result.summary


async def test_long_chain_warns(canonical) -> None:
    result = canonical["longchain.lab.test"]
    assert (result.status, result.severity) == (Status.WARN, Severity.LOW)
    assert "takes 5 redirects" in result.summary


async def test_certificate_failure_on_the_way_fails_critical(canonical) -> None:
    result = canonical["wronghost.lab.test"]
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    assert "certificate failure at https://wronghost.lab.test/" in result.summary


async def test_plain_http_without_redirect_is_left_to_redirect_https(canonical) -> None:
    result = canonical["noredirect.lab.test"]
    assert result.status is Status.PASS
    assert result.evidence["http_note"].startswith("http:// does not redirect at all")


async def test_endless_or_slow_bodies_do_not_hang_the_check(canonical) -> None:
    assert canonical["slowbody.lab.test"].status is Status.PASS
    assert canonical["hugebody.lab.test"].status is Status.PASS


async def test_an_impossible_port_in_a_redirect_fails(canonical) -> None:
    result = canonical["badlocation.lab.test"]
    assert result.status is Status.FAIL
    assert "'https://badlocation.lab.test:99999/' (Port out of range 0-65535)" in result.summary
