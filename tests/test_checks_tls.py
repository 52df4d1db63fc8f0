"""tls.certificate, tls.expiry and tls.protocols against the lab's real TLS servers."""

from __future__ import annotations

import pytest
import pytest_asyncio

from launchwizard.results import Severity, Status

CERT_HOSTS = [
    "good.lab.test",
    "expired.lab.test",
    "expiring.lab.test",
    "soon.lab.test",
    "wronghost.lab.test",
    "selfsigned.lab.test",
    "weakkey.lab.test",
    "nochain.lab.test",
    "longlife.lab.test",
    "badtls.lab.test",
    "reset.lab.test",
    "closed80.lab.test",
    "missing.lab.test",
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def certificate(make_sprint, run_check):
    return await run_check(make_sprint(CERT_HOSTS), "tls.certificate")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def expiry(make_sprint, run_check):
    return await run_check(make_sprint(CERT_HOSTS), "tls.expiry")


async def test_good_certificate_passes_with_its_evidence(certificate) -> None:
    good = certificate["good.lab.test"]
    assert good.status is Status.PASS
    assert good.summary == "trusted chain of 2, name matches, EC secp256r1 256-bit key, sha256 signature"
    assert good.evidence["trusted"] is True
    assert good.evidence["chain"][0]["sans"] == ["good.lab.test"]
    assert good.evidence["address"] == "127.53.2.1"
    assert "RFC 5280 §6 (path validation)" in good.references


@pytest.mark.parametrize(
    ("host", "phrase"),
    [
        ("expired.lab.test", "certificate has expired"),
        ("wronghost.lab.test", "certificate is not valid for wronghost.lab.test (it names other.lab.test)"),
        ("selfsigned.lab.test", "self-signed certificate"),
        ("nochain.lab.test", "server sends only the leaf certificate; the intermediate from"),
        ("weakkey.lab.test", "RSA key of 1024 bits (at least 2048 required)"),
    ],
)
async def test_broken_certificates_fail_critical_with_a_reason(certificate, host, phrase) -> None:
    result = certificate[host]
    assert result.status is Status.FAIL
    assert result.severity is Severity.CRITICAL
    assert phrase in result.summary
    assert result.fix


async def test_missing_intermediate_fix_names_the_full_chain(certificate) -> None:
    assert "fullchain.pem" in certificate["nochain.lab.test"].fix


async def test_over_long_lifespan_warns(certificate) -> None:
    result = certificate["longlife.lab.test"]
    assert result.status is Status.WARN
    assert "publicly trusted certificates may last at most 398" in result.summary


async def test_handshake_failure_fails_and_unreachable_is_an_error(certificate) -> None:
    assert certificate["badtls.lab.test"].status is Status.FAIL
    assert certificate["badtls.lab.test"].summary.startswith("TLS handshake with badtls.lab.test failed")
    assert certificate["reset.lab.test"].status is Status.FAIL
    assert "connection reset" in certificate["reset.lab.test"].summary
    missing = certificate["missing.lab.test"]
    assert missing.status is Status.ERROR
    assert (
        missing.summary == "no TLS connection to missing.lab.test: missing.lab.test does not exist (NXDOMAIN)"
    )


async def test_closed_http_port_does_not_matter_for_tls(certificate) -> None:
    assert certificate["closed80.lab.test"].status is Status.PASS


@pytest.mark.parametrize(
    ("host", "status", "severity", "start"),
    [
        ("good.lab.test", Status.PASS, Severity.HIGH, "certificate valid for 88 more days"),
        ("soon.lab.test", Status.WARN, Severity.MEDIUM, "certificate expires in 20 days"),
        ("expiring.lab.test", Status.FAIL, Severity.HIGH, "certificate expires in 5."),
        ("expired.lab.test", Status.FAIL, Severity.CRITICAL, "certificate expired 11 day(s) ago"),
    ],
)
async def test_expiry_thresholds(expiry, host, status, severity, start) -> None:
    result = expiry[host]
    assert (result.status, result.severity) == (status, severity)
    assert result.summary.startswith(start)
    assert result.evidence["not_after"]


async def test_expiry_reads_untrusted_certificates_too(expiry) -> None:
    assert expiry["selfsigned.lab.test"].status is Status.PASS
    assert expiry["wronghost.lab.test"].evidence["days_left"] > 30


async def test_expiry_of_an_unreachable_host_is_an_error(expiry) -> None:
    assert expiry["missing.lab.test"].status is Status.ERROR
    assert expiry["badtls.lab.test"].status is Status.FAIL


async def test_protocols(make_sprint, run_check) -> None:
    # Hosts that answer get the lab's timeout (a busy machine must not turn a verdict into a
    # timeout); only the hanging one runs with a short one, since it ends there.
    hosts = ["good.lab.test", "legacy.lab.test", "tls12.lab.test"]
    results = await run_check(make_sprint(hosts), "tls.protocols")
    results |= await run_check(make_sprint(["hang.lab.test"], network={"timeout_s": 0.5}), "tls.protocols")
    good = results["good.lab.test"]
    assert good.status is Status.PASS
    assert good.summary == "offers TLSv1.2 and TLSv1.3; refuses TLSv1.0 and TLSv1.1"
    assert good.evidence["TLSv1.0"]["accepted"] is False
    legacy = results["legacy.lab.test"]
    assert legacy.status is Status.FAIL
    assert legacy.summary.startswith("accepts deprecated TLSv1.0 and TLSv1.1 (RFC 8996)")
    assert "RFC 8996 (TLS 1.0 and 1.1 deprecated)" in legacy.references
    tls12 = results["tls12.lab.test"]
    assert (tls12.status, tls12.severity) == (Status.PASS, Severity.INFO)
    assert "TLS 1.3 is not offered" in tls12.summary
    hang = results["hang.lab.test"]
    assert hang.status is Status.ERROR
    assert hang.summary.startswith("could not test any version")
