"""SPF: the parser's tables, property tests over hostile records, check_host against the
in-memory DNS, the `spf` command, and the `email.spf` / `email.spf_senders` checks against
the lab's real DNS server (zone spf.test, launchwizard/demo/zones_spf.py)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchwizard.config import Sprint
from launchwizard.demo.lab import Lab
from launchwizard.email.spf import SpfSyntaxError, check_macro_string, is_spf, parse
from launchwizard.email.spf_eval import RESULTS, MemoryDns, check_host
from launchwizard.email.spf_static import analyze
from launchwizard.results import Result, Status

RunCheck = Callable[[Sprint, str], Awaitable[dict[str, Result]]]
MakeSprint = Callable[..., Sprint]

# ---------------------------------------------------------------- parser tables

VALID = [
    ("v=spf1 -all", ["-all"]),
    ("V=SpF1 ip4:192.0.2.0/24 ~all", ["ip4:192.0.2.0/24", "~all"]),
    (
        "v=spf1 a mx/24 a:mail.example.com//64 ptr -all",
        ["a", "mx/24", "a:mail.example.com//64", "ptr", "-all"],
    ),
    ("v=spf1 include:_spf.example.com ?all", ["include:_spf.example.com", "?all"]),
    ("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", ["exists:%{ir}.%{l1r+-}._spf.%{d}", "-all"]),
    (
        "v=spf1 ip6:2001:db8::/32 redirect=_spf.example.com",
        ["ip6:2001:db8::/32", "redirect=_spf.example.com"],
    ),
    ("v=spf1 -all exp=explain._spf.%{d} moo=%{s}x", ["-all", "exp=explain._spf.%{d}", "moo=%{s}x"]),
    ("v=spf1", []),
    ("v=spf1  a   -all ", ["a", "-all"]),
]

INVALID = [
    ("v=spf1 ip4:300.1.1.1 -all", "not an IPv4 address"),
    ("v=spf1 ip4:192.0.2.0/33", "CIDR"),
    ("v=spf1 a/024", "bad argument"),
    ("v=spf1 ip6:2001:db8::/129", "CIDR"),
    ("v=spf1 include: -all", "needs ':domain'"),
    ("v=spf1 exists", "needs ':domain'"),
    ("v=spf1 a:museum -all", "top-level label"),
    ("v=spf1 a:abc.123 -all", "top-level label"),
    ("v=spf1 foo -all", "unknown mechanism"),
    ("v=spf1 -all redirect=a.example.com redirect=b.example.com", "more than once"),
    ("v=spf1 exists:%{x}.example.com", "not allowed"),
    ("v=spf1 exists:%{d.example.com", "bad macro"),
    ("v=spf1 exists:%{d0}.example.com", "zero labels"),
    ("v=spf1 a:%.example.com", "bad macro"),
    ("v=spf1 -all exp=%{c}.example.com", "not allowed"),
    ("v=spf1 a\tmx", "control"),
    ("v=spf1 ip4:192.0.2.1 \u00e9all", "non-ASCII"),
    ("v=spf1 ptr/24", "CIDR"),
    ("v=spf1 +redirect=x.example.com", "unknown mechanism"),
]


@pytest.mark.parametrize(("text", "terms"), VALID)
def test_valid_records_parse_into_their_terms(text: str, terms: list[str]) -> None:
    assert [t.text for t in parse(text).terms] == terms


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_invalid_records_say_why(text: str, reason: str) -> None:
    with pytest.raises(SpfSyntaxError, match=reason):
        parse(text)


def test_mechanism_parts_and_costs() -> None:
    record = parse("v=spf1 ~a:mail.example.com/24//64 ip4:192.0.2.1 redirect=other.example.com")
    a, ip4, redirect = record.terms
    assert (a.qualifier, a.name, a.domain_spec, a.cidr4, a.cidr6) == ("~", "a", "mail.example.com", 24, 64)
    assert (ip4.network, ip4.costs_lookup, a.costs_lookup, redirect.costs_lookup) == (
        "192.0.2.1",
        False,
        True,
        True,
    )
    assert record.all_term is None and record.modifier("redirect") is redirect


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=spf1", True),
        ("v=spf1 -all", True),
        ("V=SPF1 a", True),
        ("v=spf10", False),
        ("v=spf1a", False),
        (" v=spf1", False),
        ("spf2.0/pra", False),
        ("", False),
    ],
)
def test_record_selection_is_case_insensitive_and_exact(text: str, expected: bool) -> None:
    assert is_spf(text) is expected


def test_explanation_strings_allow_crt_and_spaces() -> None:
    assert check_macro_string("%{c} at %{t} via %{r}", explain=True)
    with pytest.raises(SpfSyntaxError):
        check_macro_string("%{c} at %{t}")


# ---------------------------------------------------------------- hostile input

TERM_PIECES = st.sampled_from(
    [
        "a",
        "mx",
        "ptr",
        "-all",
        "~all",
        "+all",
        "?all",
        "ip4:",
        "ip6:",
        "include:",
        "exists:",
        "redirect=",
        "exp=",
        "%{",
        "}",
        "%",
        "/",
        "//",
        ":",
        "=",
        ".",
        "example.com",
        "%{d}",
        "%{ir}",
        "24",
        "0",
        "x",
        "\u00e9",
        "\u4e2d",
        "\x00",
        "\t",
        " ",
        "  ",
    ]
)


def _verdict(text: str) -> str:
    try:
        parse(text)
    except SpfSyntaxError as exc:
        assert str(exc)
        return "invalid"
    return "valid"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_garbage_gets_a_verdict_never_an_exception(text: str) -> None:
    assert _verdict("v=spf1 " + text) in ("valid", "invalid")
    assert _verdict(text) in ("valid", "invalid")


@settings(max_examples=300)
@given(st.lists(TERM_PIECES, max_size=40))
def test_term_soup_and_unbalanced_macros_get_a_verdict(pieces: list[str]) -> None:
    assert _verdict("v=spf1 " + "".join(pieces)) in ("valid", "invalid")


@settings(max_examples=25, deadline=None)
@given(st.lists(TERM_PIECES, min_size=1, max_size=20), st.integers(min_value=4000, max_value=6000))
def test_five_thousand_character_records_get_a_verdict(pieces: list[str], size: int) -> None:
    body = ("".join(pieces) + " ") * (size // (len("".join(pieces)) + 1) + 1)
    assert _verdict("v=spf1 " + body[:size]) in ("valid", "invalid")


@settings(max_examples=150, deadline=None)
@given(st.lists(TERM_PIECES, max_size=25), st.sampled_from(["192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"]))
async def test_check_host_on_hostile_records_gives_one_of_the_seven_results(
    pieces: list[str], ip: str
) -> None:
    dns = MemoryDns({"example.com": {"TXT": ["v=spf1 " + "".join(pieces)], "A": ["192.0.2.1"]}})
    result = await check_host(ip, "example.com", "a@example.com", "helo.example.com", dns)
    assert result.result in RESULTS


async def test_a_five_thousand_character_valid_record_evaluates() -> None:
    record = "v=spf1 " + " ".join(f"ip4:198.51.100.{n % 250}" for n in range(300)) + " -all"
    assert len(record) > 5000
    dns = MemoryDns({"example.com": {"TXT": [record]}})
    assert (await check_host("198.51.100.7", "example.com", "a@example.com", "", dns)).result == "pass"
    assert (await check_host("192.0.2.1", "example.com", "a@example.com", "", dns)).result == "fail"


# ---------------------------------------------------------------- check_host details


async def test_result_carries_lookups_void_lookups_and_trace() -> None:
    dns = MemoryDns(
        {
            "example.com": {"TXT": ["v=spf1 a:gone.example.com include:_spf.example.com -all"]},
            "_spf.example.com": {"TXT": ["v=spf1 ip4:192.0.2.10 -all"]},
        }
    )
    result = await check_host("192.0.2.10", "example.com", "a@example.com", "", dns)
    assert (result.result, result.lookups, result.void_lookups) == ("pass", 2, 1)
    assert "example.com: include:_spf.example.com -> match" in result.trace
    assert set(result.to_json()) == {"result", "explanation", "lookups", "void_lookups", "trace"}


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("a." * 200 + "example.com", ("a." * 200 + "example.com")[-253:]),
        ("x" * 300 + ".example.com", "example.com"),
        ("x" * 300, "x" * 300),
        ("a.b" + "c" * 260, "b" + "c" * 260),
        ("example.com", "example.com"),
    ],
)
def test_long_names_lose_whole_labels_from_the_left(name: str, kept: str) -> None:
    from launchwizard.email.spf_eval import _truncated

    assert _truncated(name) == kept


async def test_a_megabyte_local_part_expands_in_one_pass() -> None:
    """RFC 7208 §7.3 truncation of a hostile sender: bounded by one pass, not one per label."""
    dns = MemoryDns({"example.com": {"TXT": ["v=spf1 exists:%{l}.x.example.com -all"]}})
    result = await check_host("192.0.2.1", "example.com", "a." * 500_000 + "b@example.com", "", dns)
    assert result.result == "fail" and result.lookups == 1


async def test_include_loop_is_a_permerror() -> None:
    dns = MemoryDns(
        {
            "a.example.com": {"TXT": ["v=spf1 include:b.example.com -all"]},
            "b.example.com": {"TXT": ["v=spf1 include:a.example.com -all"]},
        }
    )
    result = await check_host("192.0.2.1", "a.example.com", "x@a.example.com", "", dns)
    assert result.result == "permerror"
    assert any("loop" in step for step in result.trace)


async def test_static_analysis_counts_the_whole_tree_per_term() -> None:
    dns = MemoryDns(
        {
            "example.com": {
                "TXT": ["v=spf1 mx include:i.example.com ip4:192.0.2.1 -all"],
                "MX": ["m.example.com"],
            },
            "i.example.com": {
                "TXT": ["v=spf1 a a:gone.example.com include:j.example.com -all"],
                "A": ["192.0.2.2"],
            },
            "j.example.com": {"TXT": ["v=spf1 ptr -all"]},
        }
    )
    analysis = await analyze(parse(dns.zone["example.com"]["TXT"][0]), "example.com", dns)
    assert analysis.per_term == {"mx": 1, "include:i.example.com": 5}
    assert (analysis.lookups, analysis.void_lookups, analysis.problems) == (6, 1, [])


# ---------------------------------------------------------------- the command


def _cli(run_cli: Callable[..., tuple[int, str, str]], capsys: Any, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "spf", *args)


def test_cli_json_shape(lab: Lab, run_cli: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(
        run_cli, capsys, "spf.test", "--ip", "203.0.113.25", "--nameserver", lab.nameserver, "--json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert set(data) == {"result", "explanation", "lookups", "void_lookups", "trace"}
    assert (data["result"], data["lookups"], data["void_lookups"]) == ("pass", 1, 0)
    assert data["trace"][0] == "spf.test: v=spf1 ip4:198.51.100.0/24 include:_spf.spf.test -all"


def test_cli_text_shows_result_explanation_lookups_and_trace(
    lab: Lab, run_cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(run_cli, capsys, "soft.spf.test", "--ip", "192.0.2.1", "--nameserver", lab.nameserver)
    assert code == 0
    assert out.splitlines()[0] == "SPF soft.spf.test for 192.0.2.1: softfail"
    assert "lookups: 0 of 10, void lookups: 0 of 2" in out
    assert "  soft.spf.test: ~all -> match" in out


def test_cli_dns_error_is_temperror_not_none(
    lab: Lab, run_cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(
        run_cli,
        capsys,
        "silent.spf.test",
        "--ip",
        "192.0.2.1",
        "--nameserver",
        lab.nameserver,
        "--timeout",
        "0.3",
    )
    assert code == 0 and ": temperror" in out.splitlines()[0]
    code, out, _ = _cli(run_cli, capsys, "none.spf.test", "--ip", "192.0.2.1", "--nameserver", lab.nameserver)
    assert out.splitlines()[0].endswith(": none")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["spf.test"], "--ip IP is required"),
        (["spf.test", "--ip", "nope"], "is not an IP address"),
        (["spf.test", "--ip", "192.0.2.1", "--nameserver", "ns.example.com"], "is a host name"),
        (["spf.test", "--ip", "192.0.2.1", "--timeout", "-1"], "--timeout"),
        (["spf.test", "--ip", "192.0.2.300"], "is not an IP address"),
    ],
)
def test_cli_bad_arguments_exit_2_with_one_line(
    run_cli: Any, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = _cli(run_cli, capsys, *args)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and message in err


@pytest.mark.parametrize(
    ("domain", "options", "result", "said"),
    [
        ("A...example.com", [], "none", "not a valid domain name"),
        ("a" * 64 + ".example.com", [], "none", "not a valid domain name"),
        ("example", [], "none", "not a valid domain name"),
        ("", [], "none", "not a valid domain name"),
        ("[192.0.2.1]", [], "none", "not a valid domain name"),
        ("example", ["--helo", "example", "--sender", ""], "none", "not a valid domain name"),
        ("soft.spf.test", ["--sender", "Macro Error@soft.spf.test"], "softfail", "~all -> match"),
        ("soft.spf.test", ["--sender", "no-at-sign", "--helo", "[192.0.2.1]"], "softfail", "~all -> match"),
    ],
)
def test_cli_evaluates_every_identity_the_rfc_evaluates(
    lab: Lab,
    run_cli: Any,
    capsys: pytest.CaptureFixture[str],
    domain: str,
    options: list[str],
    result: str,
    said: str,
) -> None:
    """A malformed domain is 'none' (RFC 7208 §4.3) without a DNS question; an address-literal
    HELO, a local-part with a space and a sender without '@' are evaluated, not refused."""
    code, out, err = _cli(
        run_cli, capsys, "--ip", "192.0.2.1", "--nameserver", lab.nameserver, "--json", *options, "--", domain
    )
    data = json.loads(out)
    assert (code, err, data["result"]) == (0, "", result)
    assert any(said in step for step in data["trace"])
    if result == "none":
        assert data["lookups"] == data["void_lookups"] == 0


def test_cli_text_output_neutralises_control_characters(
    lab: Lab, run_cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record and the domain reach the terminal through the sanitiser: an escape sequence
    published in DNS (or typed as DOMAIN) is shown, never executed."""
    for domain in ("ctl.spf.test", "evil\x1b[2J.example.com"):
        code, out, _ = _cli(run_cli, capsys, domain, "--ip", "192.0.2.1", "--nameserver", lab.nameserver)
        assert code == 0
        assert "\x1b" not in out and "\\x1b" in out


# ---------------------------------------------------------------- the checks against the lab


def _sprint(make_sprint: MakeSprint, domain: str, senders: tuple[str, ...] = ()) -> Sprint:
    email: dict[str, Any] = {"domain": domain}
    if senders:
        email["sender_ips"] = list(senders)
    return make_sprint(["good.lab.test"], email=email)


async def _one(run_check: RunCheck, sprint: Sprint, check: str) -> Result:
    results = await run_check(sprint, check)
    assert len(results) == 1
    return next(iter(results.values()))


@pytest.mark.parametrize(
    ("domain", "status", "summary"),
    [
        ("spf.test", Status.PASS, "one valid record, 1/10 lookups, ends in -all"),
        ("soft.spf.test", Status.PASS, "ends in ~all"),
        ("plusall.spf.test", Status.FAIL, "'+all' lets any server"),
        ("noall.spf.test", Status.FAIL, "no 'all' at the end"),
        ("none.spf.test", Status.FAIL, "no SPF record found"),
        ("two.spf.test", Status.FAIL, "2 SPF records"),
        ("toomany.spf.test", Status.FAIL, "needs 12/10 DNS lookups"),
        ("void.spf.test", Status.FAIL, "3/2 void lookups"),
        ("loop.spf.test", Status.FAIL, "loop back to loop.spf.test"),
        ("ptr.spf.test", Status.WARN, "'ptr' is discouraged"),
        ("bad.spf.test", Status.FAIL, "invalid SPF record"),
        ("mixedcase.spf.test", Status.PASS, "ends in -all"),
        ("servfail.spf.test", Status.ERROR, "DNS error"),
    ],
)
async def test_email_spf_against_the_lab(
    make_sprint: MakeSprint, run_check: RunCheck, domain: str, status: Status, summary: str
) -> None:
    result = await _one(run_check, _sprint(make_sprint, domain), "email.spf")
    assert (result.status, result.target) == (status, domain)
    assert summary in result.summary
    assert "record" in result.evidence  # the raw record is always shown (None when there is none)
    if status is Status.ERROR:
        assert "no SPF record" not in result.summary and result.evidence["record"] is None
    if status is Status.FAIL:
        assert "v=spf1 " in result.fix and result.fix.rstrip().endswith("-all")


async def test_email_spf_raw_text_and_pasteable_fix(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    sprint = make_sprint(
        ["good.lab.test"],
        email={
            "domain": "plusall.spf.test",
            "sender_ips": ["203.0.113.7"],
            "approved_includes": ["_spf.spf.test"],
        },
    )
    result = await _one(run_check, sprint, "email.spf")
    assert result.evidence["record"] == "v=spf1 ip4:198.51.100.10 +all"
    assert (
        result.fix.splitlines()[-1] == "v=spf1 ip4:198.51.100.10 include:_spf.spf.test ip4:203.0.113.7 -all"
    )
    invalid = await _one(run_check, _sprint(make_sprint, "bad.spf.test"), "email.spf")
    assert invalid.evidence["record"] == "v=spf1 ip4:198.51.100.300 -all"


async def test_email_spf_lookups_per_term(make_sprint: MakeSprint, run_check: RunCheck) -> None:
    result = await _one(run_check, _sprint(make_sprint, "toomany.spf.test"), "email.spf")
    assert result.evidence["lookups_per_term"] == {f"include:big{n}.spf.test": 3 for n in range(1, 5)}


@pytest.mark.parametrize(
    ("domain", "senders", "status", "summary"),
    [
        ("spf.test", ("198.51.100.7", "203.0.113.25"), Status.PASS, "all 2 approved senders pass"),
        ("spf.test", ("198.51.100.0/28",), Status.PASS, "all 1 approved senders pass"),
        ("spf.test", ("203.0.113.26",), Status.FAIL, "203.0.113.26 gets fail"),
        ("soft.spf.test", ("198.51.100.10", "198.51.100.11"), Status.FAIL, "198.51.100.11 gets softfail"),
        ("plusall.spf.test", ("198.51.100.10",), Status.FAIL, "192.0.2.1 passes"),
        ("none.spf.test", ("198.51.100.10",), Status.FAIL, "198.51.100.10 gets none"),
        ("servfail.spf.test", ("198.51.100.10",), Status.ERROR, "DNS error"),
        ("spf.test", (), Status.WARN, "no [email] sender_ips configured"),
    ],
)
async def test_email_spf_senders_against_the_lab(
    make_sprint: MakeSprint,
    run_check: RunCheck,
    domain: str,
    senders: tuple[str, ...],
    status: Status,
    summary: str,
) -> None:
    result = await _one(run_check, _sprint(make_sprint, domain, senders), "email.spf_senders")
    assert (result.status, result.target) == (status, domain)
    assert summary in result.summary
    assert result.evidence["senders"]["192.0.2.1"]["result"] != "pass" or domain == "plusall.spf.test"
