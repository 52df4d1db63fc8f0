"""`email.message`: DKIM (dkimpy through our resolver), SPF from the Received IP, DMARC alignment.

Messages are signed at test time with dkimpy and the key the lab publishes at
lab._domainkey.msg.test (launchwizard.demo.zones_message). The DKIM step is also proven on
the published conformance messages through an in-memory dnsfunc.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import dkim
import pytest
from conformance import conformance_path, needs_conformance
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from launchwizard.checks.message import (
    connecting_hop,
    read_message,
    signatures,
    verify_all,
)
from launchwizard.config import Sprint
from launchwizard.demo.zones_message import DOMAIN, PRIVATE_KEY_PEM, SELECTOR, SENDER_IP, STRANGER_IP
from launchwizard.results import Result, Severity, Status

CONFORMANCE = conformance_path("dkim")
needs_dkim_suite = needs_conformance("dkim")
BODY = "Hello,\r\n\r\nYour account is ready. CUSTOMER-SECRET-4711\r\n"

RunCheck = Callable[[Sprint, str], Awaitable[dict[str, Result]]]


def _message(
    *,
    ip: str = SENDER_IP,
    from_addr: str = f"Lab <hello@{DOMAIN}>",
    return_path: str | None = f"<bounce@{DOMAIN}>",
    domain: str = DOMAIN,
    sign: bool = True,
) -> bytes:
    headers = (
        f"From: {from_addr}\r\n"
        "To: customer@example.net\r\n"
        "Subject: Welcome\r\n"
        "Date: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
        f"Message-ID: <welcome-1@{DOMAIN}>\r\n"
    )
    message = (headers + "\r\n" + BODY).encode()
    if sign:
        signature = dkim.sign(
            message,
            SELECTOR.encode(),
            domain.encode(),
            PRIVATE_KEY_PEM,
            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
        )
        message = signature + message
    received = (
        f"Received: from out.{DOMAIN} (out.{DOMAIN} [{ip}])\r\n"
        "\tby mx.example.net with ESMTPS id abc;\r\n\tMon, 01 Jan 2024 10:00:01 +0000\r\n"
    )
    trace = f"Return-Path: {return_path}\r\n" if return_path is not None else ""
    # Authentication-Results written upstream must not be trusted: this one lies.
    lie = "Authentication-Results: mx.example.net; dkim=pass; spf=pass; dmarc=pass\r\n"
    return (trace + received + lie).encode() + message


@pytest.fixture
def message_sprint(make_sprint: Callable[..., Sprint], tmp_path: Path) -> Callable[..., Sprint]:
    def build(content: bytes | None) -> Sprint:
        email: dict[str, Any] = {"domain": DOMAIN}
        if content is not None:
            path = tmp_path / "received.eml"
            path.write_bytes(content)
            email["message"] = str(path)
        return make_sprint([f"www.{DOMAIN}"], apex=DOMAIN, email=email)

    return build


async def _run(run_check: RunCheck, sprint: Sprint) -> Result:
    results = await run_check(sprint, "email.message")
    assert len(results) == 1
    return next(iter(results.values()))


async def test_signed_message_passes(message_sprint: Callable[..., Sprint], run_check: RunCheck) -> None:
    result = await _run(run_check, message_sprint(_message()))
    assert result.status is Status.PASS, result.summary
    evidence = result.evidence
    [sig] = evidence["dkim"]
    assert sig["d"] == DOMAIN and sig["s"] == SELECTOR and sig["algorithm"] == "rsa-sha256"
    assert sig["canonicalization"] == {"header": "relaxed", "body": "simple"}
    assert sig["result"] == "pass" and sig["aligned"]
    assert evidence["spf"]["result"] == "pass" and evidence["spf"]["ip"] == SENDER_IP
    assert evidence["spf"]["domain"] == DOMAIN
    assert evidence["dmarc"]["adkim"] == "relaxed"
    assert all(row["aligned"] and row["authenticated"] for row in evidence["alignment"])
    assert SENDER_IP in evidence["headers"]["Received"]
    assert "CUSTOMER-SECRET" not in repr(evidence)  # headers only, never the body


async def test_altered_body_fails_dkim(message_sprint: Callable[..., Sprint], run_check: RunCheck) -> None:
    tampered = _message().replace(b"Your account is ready", b"Your account is GONE!")
    result = await _run(run_check, message_sprint(tampered))
    assert result.status is Status.FAIL
    assert "body hash mismatch" in result.summary
    assert result.evidence["dkim"][0]["result"] == "fail"


async def test_from_not_aligned_fails(message_sprint: Callable[..., Sprint], run_check: RunCheck) -> None:
    # acme.test is another organisation: d=msg.test verifies but cannot speak for it.
    message = _message(from_addr="Acme <ceo@acme.test>", return_path=f"<bounce@{DOMAIN}>")
    result = await _run(run_check, message_sprint(message))
    assert result.status is Status.FAIL
    assert "does not align with From acme.test" in result.summary
    assert result.evidence["dkim"][0]["result"] == "pass"
    assert not result.evidence["dkim"][0]["aligned"]


async def test_strict_alignment_from_dmarc_record(
    message_sprint: Callable[..., Sprint], run_check: RunCheck
) -> None:
    # strict.msg.test publishes adkim=s: a d=msg.test signature no longer aligns.
    message = _message(from_addr=f"<hello@strict.{DOMAIN}>", return_path=f"<bounce@strict.{DOMAIN}>")
    result = await _run(run_check, message_sprint(message))
    assert result.status is Status.FAIL
    assert "strict alignment" in result.summary
    assert result.evidence["dmarc"]["adkim"] == "strict"


async def test_ip_outside_spf_warns_because_aligned_dkim_still_carries_dmarc(
    message_sprint: Callable[..., Sprint], run_check: RunCheck
) -> None:
    result = await _run(run_check, message_sprint(_message(ip=STRANGER_IP)))
    assert (result.status, result.severity) == (Status.WARN, Severity.MEDIUM)
    assert result.summary.startswith("DKIM verifies and aligns, so DMARC passes; but ")
    assert f"SPF fail for {STRANGER_IP}" in result.summary
    assert result.evidence["spf"]["result"] == "fail"
    assert result.evidence["dkim"][0]["result"] == "pass"  # DKIM itself is fine


async def test_unsigned_message_fails(message_sprint: Callable[..., Sprint], run_check: RunCheck) -> None:
    result = await _run(run_check, message_sprint(_message(sign=False)))
    assert result.status is Status.FAIL
    assert "no DKIM-Signature" in result.summary


async def test_dns_error_on_key_is_error(message_sprint: Callable[..., Sprint], run_check: RunCheck) -> None:
    message = _message(domain=f"broken.{DOMAIN}")
    result = await _run(run_check, message_sprint(message))
    assert result.status is Status.ERROR, result.summary
    assert "DNS error" in result.summary


async def test_no_message_is_skipped(message_sprint: Callable[..., Sprint], run_check: RunCheck) -> None:
    result = await _run(run_check, message_sprint(None))
    assert result.status is Status.SKIPPED
    assert "set [email] message to the path of a received .eml, or pick one in the wizard" in result.summary


async def test_garbage_file_is_error(message_sprint: Callable[..., Sprint], run_check: RunCheck) -> None:
    result = await _run(run_check, message_sprint(b"\x89PNG\r\n\x1a\n\x00\x00garbage"))
    assert result.status is Status.ERROR
    assert "not an email message" in result.summary


async def test_missing_file_is_error(
    make_sprint: Callable[..., Sprint], run_check: RunCheck, tmp_path: Path
) -> None:
    sprint = make_sprint([f"www.{DOMAIN}"], apex=DOMAIN, email={"message": str(tmp_path / "gone.eml")})
    result = await _run(run_check, sprint)
    assert result.status is Status.ERROR
    assert "cannot read" in result.summary


# ---------------------------------------------------------------- Received parsing


@pytest.mark.parametrize(
    ("received", "ip", "helo"),
    [
        ("from mail.example.com (mail.example.com [192.0.2.1]) by mx.test", "192.0.2.1", "mail.example.com"),
        ("from [198.51.100.7] (helo=x) by mx.test with esmtp", "198.51.100.7", ""),
        ("from out.example (out.example [IPv6:2001:db8::25])\n\tby mx.test", "2001:db8::25", "out.example"),
        ("from out.example ([2001:db8::1]) by mx.test", "2001:db8::1", "out.example"),
    ],
)
def test_connecting_hop(tmp_path: Path, received: str, ip: str, helo: str) -> None:
    path = tmp_path / "m.eml"
    top = "Received: from localhost by mx.test (internal hop without an address)\n"
    path.write_text(f"{top}Received: {received}\nFrom: a@example.com\n\nbody\n")
    hop = connecting_hop(read_message(path)[1])
    assert hop is not None and hop.ip == ip and hop.helo == helo


# ---------------------------------------------------------------- dkimpy conformance data


def _mail_auth_keys(name: str) -> tuple[dict[str, bytes | None], bytes]:
    """mail-auth vectors: `<name> <TXT>` lines, a blank line, then the message."""
    text = (CONFORMANCE / "mail-auth" / name).read_bytes()
    records, _, message = text.partition(b"\n\n")
    keys: dict[str, bytes | None] = {}
    for line in records.splitlines():
        owner, _, value = line.partition(b" ")
        keys[owner.decode().lower()] = value
    return keys, message


@needs_dkim_suite
def test_rfc6376_signed_message_verifies() -> None:
    """RFC 8463 §A example: one Ed25519 and one RSA signature, both verify."""
    keys, _ = _mail_auth_keys("001.txt")  # the RFC's key records for football.example.com
    raw = (CONFORMANCE / "dkimpy" / "rfc6376.signed.msg").read_bytes()
    sigs = signatures(raw)
    verify_all(raw, sigs, keys)
    assert [(s.selector, s.algorithm, s.result) for s in sigs] == [
        ("brisbane", "ed25519-sha256", "pass"),
        ("test", "rsa-sha256", "pass"),
    ]


@pytest.mark.parametrize("name", ["001.txt", "002.txt", "003.txt"])
@needs_dkim_suite
def test_mail_auth_vectors_verify(name: str) -> None:
    keys, raw = _mail_auth_keys(name)
    sigs = signatures(raw)
    verify_all(raw, sigs, keys)
    assert sigs and all(s.result == "pass" for s in sigs), [s.reason for s in sigs]


@needs_dkim_suite
def test_ed25519_message_and_key() -> None:
    """ed25519test.msg signed here with a fresh Ed25519 key (the suite ships no private key);
    the published ed25519test.dns key is not the signer's, so it must fail."""
    raw = (CONFORMANCE / "dkimpy" / "ed25519test.msg").read_bytes()
    private = ed25519.Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signed = (
        dkim.sign(raw, b"test", b"example.com", base64.b64encode(seed), signature_algorithm=b"ed25519-sha256")
        + raw
    )
    name = "test._domainkey.example.com"
    good = {name: b"v=DKIM1; k=ed25519; p=" + base64.b64encode(public)}
    sigs = signatures(signed)
    verify_all(signed, sigs, good)
    assert [(s.algorithm, s.result) for s in sigs] == [("ed25519-sha256", "pass")]

    published = {name: (CONFORMANCE / "dkimpy" / "ed25519test.dns").read_bytes().strip()}
    sigs = signatures(signed)
    verify_all(signed, sigs, published)
    assert sigs[0].result == "fail"


@needs_dkim_suite
def test_missing_key_reason() -> None:
    _, raw = _mail_auth_keys("002.txt")
    sigs = signatures(raw)
    verify_all(raw, sigs, {})
    assert sigs[0].result == "fail" and "missing public key" in sigs[0].reason
