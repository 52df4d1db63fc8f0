"""The published SPF suites (../shared/conformance/spf, read by tests/spf_suites.py) through
check_host in-process with the in-memory DNS: the whole OpenSPF RFC 7208 suite and every
check of stalwartlabs/mail-auth's suite. tests/test_spf_conformance_cli.py runs the same
checks through `launchwizard spf` against a real DNS server."""

from __future__ import annotations

import pytest
from spf_suites import Check, load_or_skip, params

from launchwizard.email.spf_eval import SpfResult, check_host

OPENSPF_CHECKS, MAIL_AUTH_CHECKS = load_or_skip()

MAIL_AUTH_DISAGREEMENTS: dict[str, str] = {
    "all#0:All test#1": (
        "'v=spf1 -all ip:10.0.0.1' is expected to fail, but 'ip:10.0.0.1' is neither a mechanism "
        "nor a modifier: RFC 7208 §4.6 'if there are any syntax errors anywhere in the record, "
        "check_host() returns immediately with the result permerror', terms after 'all' included "
        "(OpenSPF bare-ip6: 'v=spf1 -all ip6' is a permerror)"
    ),
    "basic#4:DNS Lookup Limits#1": (
        "ten a: terms naming absent hosts are expected to softfail, but each is a void lookup and "
        "RFC 7208 §4.6.4 limits void lookups to two, exceeding it 'produces a permerror result' "
        "(OpenSPF void-over-limit expects permerror for the third)"
    ),
    "exists#0:Exists#2": (
        "exists: on a name holding only AAAA records is expected to match, but RFC 7208 §5.7 says "
        "'the resulting domain name is used for a DNS A RR lookup (even when the connection type "
        "is IPv6). If any A record is returned, this mechanism matches': no A record, no match"
    ),
    "macro#1:Macro expansion 2#2": (
        "the macros expand to 1.0.b.c.<...>.ip6._spf.example.com, which holds only an AAAA record; "
        "exists: asks for A records whatever the client's address family (RFC 7208 §5.7), so it "
        "does not match and -all fails the client"
    ),
    "ip#1:IPv6 match#4": (
        "IPv4 client 10.1.2.3 is expected to match ip6:::ffff:10.1.2.3, but RFC 7208 §5 has "
        "IPv4-mapped addresses evaluated as IPv4, and an IPv4 <ip> is matched only by ip4: "
        "(§5.6; OpenSPF cidr6-0-ip4 and cidr6-ip4: 'IPv4 mapped addresses only match ip4:')"
    ),
}
"""mail-auth checks whose expectation contradicts RFC 7208 (and OpenSPF where it covers the
same rule): these stay strict xfails, here and through the CLI."""


def test_the_suites_are_complete() -> None:
    assert len(OPENSPF_CHECKS) == 203
    assert len(MAIL_AUTH_CHECKS) == 163


async def evaluate(check: Check) -> SpfResult:
    """check_host as each suite's driver calls it (mail-auth: HELO first, MAIL FROM on pass)."""
    dns = check.scenario.memory_dns()
    if check.helo_first:
        helo = await check_host(check.ip, check.helo, "", check.helo, dns, default_explanation="DEFAULT")
        if helo.result != "pass":
            return helo
    return await check_host(
        check.ip,
        check.mail_from_domain() if check.helo_first else check.domain,
        check.sender,
        check.helo,
        dns,
        default_explanation="DEFAULT",
    )


@pytest.mark.parametrize("check", params(OPENSPF_CHECKS, {}))
async def test_openspf(check: Check) -> None:
    result = await evaluate(check)
    assert result.result in check.expected, result.trace
    if check.explanation is not None:
        assert result.explanation == check.explanation, result.trace


@pytest.mark.parametrize("check", params(MAIL_AUTH_CHECKS, MAIL_AUTH_DISAGREEMENTS))
async def test_mail_auth(check: Check) -> None:
    result = await evaluate(check)
    assert result.result in check.expected, result.trace
    if check.explanation is not None:
        assert result.explanation == check.explanation, result.trace
