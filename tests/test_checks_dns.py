"""dns.records and dns.nameservers against the lab's real authoritative DNS servers."""

from __future__ import annotations

import pytest
import pytest_asyncio

from launchwizard.checks.dnscheck import provider_of
from launchwizard.results import Severity, Status

RECORD_HOSTS = [
    "www.acme.test",
    "app.acme.test",
    "api.acme.test",
    "good.lab.test",
    "cname.lab.test",
    "missing.lab.test",
    "nodata.lab.test",
    "servfail.lab.test",
    "silent.lab.test",
    "ipv6.lab.test",
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def records(make_sprint, run_check):
    sprint = make_sprint(
        RECORD_HOSTS,
        canonical="https://missing.lab.test/",
        dns={
            "expect": {
                "www.acme.test": {"A": ["127.53.1.2"]},
                "app.acme.test": {"CNAME": "app.hosting.test."},
                "api.acme.test": {"A": ["203.0.113.10"]},
                "cname.lab.test": {"CNAME": "elsewhere.hosting.test"},
                "ipv6.lab.test": {"A": ["127.53.2.99"], "AAAA": ["::1"]},
            }
        },
        network={"timeout_s": 0.5, "pins": {"good.lab.test": "127.53.2.2"}},
    )
    return await run_check(sprint, "dns.records")


async def test_expected_records_pass(records) -> None:
    www = records["www.acme.test"]
    assert www.status is Status.PASS
    assert www.summary == "resolves as expected: A 127.53.1.2"
    assert www.evidence["A"] == ["127.53.1.2"]
    app = records["app.acme.test"]
    assert app.status is Status.PASS
    assert app.evidence["cname_chain"] == ["app.hosting.test."]
    assert records["ipv6.lab.test"].status is Status.PASS


async def test_an_address_other_than_the_expected_one_fails(records) -> None:
    api = records["api.acme.test"]
    assert (api.status, api.severity) == (Status.FAIL, Severity.HIGH)
    assert api.summary == "expected A 203.0.113.10, found 127.53.1.4"
    assert "set the records of api.acme.test to A 203.0.113.10" in api.fix


async def test_a_different_cname_fails(records) -> None:
    result = records["cname.lab.test"]
    assert result.status is Status.FAIL
    assert result.summary.startswith("expected CNAME elsewhere.hosting.test., found CNAME good.lab.test")


async def test_no_expectation_lists_what_was_found_and_the_pin(records) -> None:
    good = records["good.lab.test"]
    assert (good.status, good.severity) == (Status.PASS, Severity.INFO)
    assert good.summary == "resolves to 127.53.2.1; no expectation declared in [dns.expect]"
    assert good.evidence["pinned_for_probes"] == "127.53.2.2"


async def test_missing_names_fail_and_the_canonical_host_is_critical(records) -> None:
    missing = records["missing.lab.test"]
    assert (missing.status, missing.severity) == (Status.FAIL, Severity.CRITICAL)
    assert missing.summary == "missing.lab.test does not exist in DNS (NXDOMAIN)"
    nodata = records["nodata.lab.test"]
    assert (nodata.status, nodata.severity) == (Status.FAIL, Severity.HIGH)
    assert nodata.summary == "nodata.lab.test has no A or AAAA record"


@pytest.mark.parametrize(
    ("host", "phrase"), [("servfail.lab.test", "SERVFAIL"), ("silent.lab.test", "timed out")]
)
async def test_dns_errors_are_never_reported_as_missing(records, host, phrase) -> None:
    result = records[host]
    assert result.status is Status.ERROR
    assert phrase in result.summary
    assert "does not exist" not in result.summary


async def nameservers(make_sprint, run_check, apex: str):
    sprint = make_sprint(["good.lab.test"], apex=apex, network={"timeout_s": 0.5})
    return (await run_check(sprint, "dns.nameservers"))[apex]


async def test_consistent_name_servers_pass(make_sprint, run_check) -> None:
    result = await nameservers(make_sprint, run_check, "acme.test")
    assert result.status is Status.PASS
    assert result.evidence["ns"] == ["ns1.acme.test.", "ns2.acme.test."]
    servers = result.evidence["servers"]
    assert [s["name"] for s in servers] == ["ns1.acme.test", "ns2.acme.test"]
    assert len({s["soa_serial"] for s in servers}) == 1
    assert not any("problem" in s for s in servers)
    assert result.summary == "2 name servers (provider not recognised) all answer authoritatively and agree"


async def test_a_lame_name_server_fails_and_is_named(make_sprint, run_check) -> None:
    result = await nameservers(make_sprint, run_check, "lame.test")
    assert result.status is Status.FAIL
    assert result.summary.startswith("1 of 3 name servers are lame: ns9.acme.test (127.53.0.9:")
    assert "REFUSED" in result.summary


async def test_differing_serials_warn(make_sprint, run_check) -> None:
    result = await nameservers(make_sprint, run_check, "drift.test")
    assert (result.status, result.severity) == (Status.WARN, Severity.MEDIUM)
    assert "SOA serials differ between servers (2026112401, 2026112501)" in result.summary


async def test_an_unknown_zone_fails_and_a_broken_one_errors(make_sprint, run_check) -> None:
    missing = await nameservers(make_sprint, run_check, "missing.lab.test")
    assert (missing.status, missing.severity) == (Status.FAIL, Severity.CRITICAL)
    broken = await nameservers(make_sprint, run_check, "servfail.lab.test")
    assert broken.status is Status.ERROR
    assert "SERVFAIL" in broken.summary


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("ada.ns.cloudflare.com.", "Cloudflare"),
        ("ns-123.awsdns-45.org", "Amazon Route 53"),
        ("ns1-01.azure-dns.com", "Azure DNS"),
        ("ns-cloud-a1.googledomains.com", "Google Cloud DNS"),
        ("ns1.example.net", "other"),
        ("cloudflare.com.evil.test", "other"),
    ],
)
def test_provider_detection(name, provider) -> None:
    assert provider_of(name) == provider
