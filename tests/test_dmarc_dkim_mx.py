"""DMARC, DKIM key and MX parsers, and the email.dmarc / email.dkim / email.mx checks against the lab."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchwizard.demo.zones_mail import ED25519, RSA_512, RSA_1024, RSA_2048
from launchwizard.email.dkim import parse_dkim_key
from launchwizard.email.dmarc import (
    is_dmarc_candidate,
    parse_dmarc,
    same_organisation,
    walk_names,
)
from launchwizard.email.mx import parse_mta_sts_record, parse_mx, parse_sts_policy, parse_tls_rpt_record
from launchwizard.email.txtrecord import txt_text
from launchwizard.results import Status

# ---------------------------------------------------------------- DMARC parser

VALID_DMARC = [
    # RFC 7489 Appendix B.2 examples
    "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com",
    "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net",
    "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
    "mailto:tld-test@thirdparty.example.net!10m",
    "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=r; fo=0:1:d:s; t=n; psd=n",
    "v=DMARC1;p=reject",
    "v=DMARC1; p=reject;",
    "v=DMARC1; p=Reject; ADKIM=S",
    "v=DMARC1; rua=mailto:a@example.com",  # no p: treated as p=none (RFC 7489 §6.6.3)
]

INVALID_DMARC = [
    ("", "empty"),
    ("p=reject", "must start with v=DMARC1"),
    ("v=dmarc1; p=reject", "not v=DMARC1"),
    ("v=DMARC1; p=maybe", "must be none, quarantine or reject"),
    ("v=DMARC1; p=reject; p=none", "more than once"),
    ("v=DMARC1; p=reject; sp=never", "sp=never"),
    ("v=DMARC1; p=reject; pct=101", "pct=101"),
    ("v=DMARC1; p=reject; pct=-1", "pct=-1"),
    ("v=DMARC1; p=reject; adkim=x", "adkim=x"),
    ("v=DMARC1; p=reject; fo=2", "fo=2"),
    ("v=DMARC1; p=reject; ri=soon", "ri=soon"),
    ("v=DMARC1; p=reject; rf=iodef", "afrf"),
    ("v=DMARC1; p=reject; t=maybe", "t=maybe"),
    ("v=DMARC1; p=reject; psd=x", "psd=x"),
    ("v=DMARC1; p=reject; rua=dmarc@example.com", "not a URI"),
    ("v=DMARC1; p=reject; rua=mailto:nobody", "no mailbox domain"),
    ("v=DMARC1; p=reject; garbage", "not a tag=value pair"),
    ("v=DMARC1", "p= tag (policy) is missing"),
    ("v=DMARC1; p=réject", "non-ASCII"),
]


@pytest.mark.parametrize("raw", VALID_DMARC)
def test_valid_dmarc_records(raw: str) -> None:
    record = parse_dmarc(raw)
    assert record.valid, record.errors
    assert record.raw == raw
    assert record.policy in ("none", "quarantine", "reject")


@pytest.mark.parametrize(("raw", "problem"), INVALID_DMARC)
def test_invalid_dmarc_records_name_the_problem(raw: str, problem: str) -> None:
    record = parse_dmarc(raw)
    assert not record.valid
    assert any(problem in e for e in record.errors), record.errors


def test_dmarc_tags_parsed() -> None:
    record = parse_dmarc(
        "v=DMARC1; p=quarantine; sp=reject; rua=mailto:a@example.com!10m,mailto:b@example.net; adkim=s"
    )
    assert record.policy == "quarantine" and record.subdomain_policy == "reject"
    assert [u.domain for u in record.rua] == ["example.com", "example.net"]
    assert record.rua[0].size_limit == "10m"
    assert record.adkim == "s" and record.aspf == "r"


def test_dmarc_warnings_for_unknown_and_removed_tags() -> None:
    record = parse_dmarc("v=DMARC1; p=reject; pct=50; ri=86400; rf=afrf; zz=1; rua=https://r.example/")
    assert record.valid
    joined = " ".join(record.warnings)
    for text in ("pct=", "ri=", "rf=", "unknown tag zz=", "https:"):
        assert text in joined


def test_dmarc_candidates_and_walk() -> None:
    assert is_dmarc_candidate("v=DMARC1; p=none")
    assert is_dmarc_candidate("V = dmarc1;p=none")
    assert not is_dmarc_candidate("v=spf1 -all")
    assert not is_dmarc_candidate("v=DMARC10; p=none")
    assert walk_names("a.b.example.com") == ["a.b.example.com", "b.example.com", "example.com", "com"]
    long = ".".join(f"l{i}" for i in range(12))
    names = walk_names(long)
    assert len(names) <= 8 and names[0] == long and names[1].count(".") == 6 and names[-1] == "l11"


def test_same_organisation() -> None:
    assert same_organisation("example.com", "reports.example.com")
    assert same_organisation("mail.example.com", "example.com")
    assert not same_organisation("example.com", "example.net")
    assert not same_organisation("example.com", "com")


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("mail.example.co.uk", "reports.example.co.uk", True),
        ("co.uk", "example.co.uk", False),
        ("acme.github.io", "evil.github.io", False),
        ("app.acme.vercel.app", "acme.vercel.app", True),
    ],
)
def test_same_organisation_follows_the_public_suffix_list(one: str, other: str, same: bool) -> None:
    """A two-label guess would call co.uk the organisation of example.co.uk, and every
    github.io site one organisation."""
    assert same_organisation(one, other) is same


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_dmarc_parser_never_raises_on_text(raw: str) -> None:
    record = parse_dmarc(raw)
    assert record.raw == raw
    assert record.valid or record.errors


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["v", "p", "sp", "np", "pct", "rua", "ruf", "adkim", "aspf", "fo", "ri", "rf", "t"]
            ),
            st.text(alphabet=st.characters(blacklist_characters=";"), max_size=40),
        ),
        max_size=12,
    )
)
def test_dmarc_parser_never_raises_on_tag_soup(tags: list[tuple[str, str]]) -> None:
    raw = "v=DMARC1; " + "; ".join(f"{k}={v}" for k, v in tags)
    record = parse_dmarc(raw)
    assert isinstance(record.valid, bool)


@pytest.mark.parametrize(
    "raw",
    [
        "v=DMARC1; p=reject; rua=mailto:" + "a" * 5000 + "@example.com",
        "v=DMARC1; p=reject; " + "x" * 5000,
        "v=DMARC1; " + "; ".join(["p=reject"] * 800),
        "v=DMARC1; p=reject; rua=mailto:dmarc@exämple.com",
        "\x00\x01\x02v=DMARC1",
        ";;;;;",
        "=",
    ],
)
def test_dmarc_parser_clear_verdict_on_hostile_input(raw: str) -> None:
    record = parse_dmarc(raw)
    assert record.valid is (not record.errors)
    if "x" * 5000 in raw:
        assert not record.valid
    if "exämple" in raw:
        assert any("non-ASCII" in e for e in record.errors)


def test_txt_text_accepts_quoted_and_joined_forms() -> None:
    assert txt_text('"v=DMARC1; " "p=reject"') == "v=DMARC1; p=reject"
    assert txt_text("v=DMARC1; p=reject") == "v=DMARC1; p=reject"
    assert txt_text('"say \\"hi\\""') == 'say "hi"'
    assert txt_text('"caf\\195\\169"') == "café"


# ---------------------------------------------------------------- DKIM key parser


@pytest.mark.parametrize(
    ("raw", "kind", "bits", "strength"),
    [
        (f"v=DKIM1; k=rsa; p={RSA_2048}", "rsa", 2048, "pass"),
        (f"v=DKIM1; p={RSA_1024}", "rsa", 1024, "warn"),
        (f"k=rsa; p={RSA_512}", "rsa", 512, "fail"),
        (f"v=DKIM1; k=ed25519; p={ED25519}", "ed25519", 256, "pass"),
        (f"v=DKIM1; h=sha256; s=email; p={RSA_2048[:100]} {RSA_2048[100:]}", "rsa", 2048, "pass"),
    ],
)
def test_dkim_keys(raw: str, kind: str, bits: int, strength: str) -> None:
    key = parse_dkim_key(raw)
    assert key.valid, key.errors
    assert (key.key_type, key.bits, key.strength()) == (kind, bits, strength)


def test_dkim_revoked_testing_and_broken() -> None:
    assert parse_dkim_key("v=DKIM1; p=").revoked
    assert parse_dkim_key(f"v=DKIM1; t=y; p={RSA_2048}").testing
    for raw, problem in [
        ("v=DKIM1; k=rsa; p=not base64!!", "base64"),
        ("v=DKIM1; k=dsa; p=AAAA", "k=dsa"),
        ("v=DKIM1; k=ed25519; p=AAAA", "32 bytes"),
        ("v=DKIM1; k=rsa; p=AAAA", "RSA public key"),
        ("v=DKIM1; k=rsa", "p= tag"),
        ("p=AAAA; v=DKIM1", "v=DKIM1"),
        (f"v=DKIM1; h=sha1; p={RSA_2048}", "sha256"),
        (f"v=DKIM1; s=tlsrpt; p={RSA_2048}", "email"),
        ("garbage", "tag=value"),
    ]:
        key = parse_dkim_key(raw)
        assert not key.valid and any(problem in e for e in key.errors), (raw, key.errors)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_dkim_parser_never_raises(raw: str) -> None:
    key = parse_dkim_key(raw)
    assert key.strength() in ("pass", "warn", "fail")


# ---------------------------------------------------------------- MX, MTA-STS, TLS-RPT parsers


def test_mx_and_sts_parsers() -> None:
    assert parse_mx("10 MX1.Example.com.").exchange == "mx1.example.com"  # type: ignore[union-attr]
    assert parse_mx("0 .").is_null  # type: ignore[union-attr]
    assert parse_mx("10 192.0.2.1.").is_ip_literal  # type: ignore[union-attr]
    assert parse_mx("garbage") is None
    assert parse_mta_sts_record("v=STSv1; id=20190429T010101").valid
    assert not parse_mta_sts_record("v=STSv1").valid
    assert not parse_mta_sts_record("v=STSv1; id=has-dash").valid
    assert parse_tls_rpt_record("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/").valid
    assert not parse_tls_rpt_record("v=TLSRPTv1; rua=ftp://x").valid
    policy = parse_sts_policy("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 604800\n")
    assert policy.valid and policy.covers("mx1.example.com") and not policy.covers("a.b.example.com")
    assert not parse_sts_policy("version: STSv1\nmode: enforce\nmax_age: 99999999999\n").valid


# ---------------------------------------------------------------- checks against the lab


async def _check(make_sprint, run_check, check_id: str, domain: str, *selectors: str, timeout: float = 2.0):
    email: dict[str, object] = {"domain": domain}
    if selectors:
        email["dkim_selectors"] = list(selectors)
    sprint = make_sprint(["mail.test"], apex="mail.test", email=email, network={"timeout_s": timeout})
    results = await run_check(sprint, check_id)
    assert list(results) == [domain]
    return results[domain]


async def test_dmarc_good_record(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.dmarc", "mail.test")
    assert result.status is Status.PASS, result.summary
    assert result.evidence["raw"].startswith("v=DMARC1; p=reject")
    assert result.evidence["report_authorisation"]["reports.test"]["authorised"] == "yes"
    assert "strict" in result.evidence["alignment"]["dkim"]


@pytest.mark.parametrize(
    ("domain", "status", "phrase"),
    [
        ("none.mail.test", Status.WARN, "p=none only monitors"),
        ("two.mail.test", Status.FAIL, "2 DMARC records"),
        ("bad.mail.test", Status.FAIL, "p=maybe"),
        ("noauth.mail.test", Status.WARN, "reports.test has not authorised"),
        ("reports.test", Status.FAIL, "no DMARC record"),
        ("broken.mail.test", Status.ERROR, "SERVFAIL"),
    ],
)
async def test_dmarc_problems(make_sprint, run_check, domain: str, status: Status, phrase: str) -> None:
    result = await _check(make_sprint, run_check, "email.dmarc", domain)
    assert result.status is status, result.summary
    assert phrase in result.summary
    if status is Status.FAIL and domain != "reports.test":
        assert result.evidence["raw"]
        assert "_dmarc." in result.fix


async def test_dmarc_none_fix_is_a_record_to_paste(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.dmarc", "none.mail.test")
    assert "v=DMARC1; p=quarantine; rua=mailto:dmarc@mail.test" in result.fix


async def test_dmarc_tree_walk_finds_organisational_policy(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.dmarc", "x.y.walk.mail.test")
    assert result.status is Status.PASS, result.summary
    assert "inherited from _dmarc.mail.test" in result.summary
    assert [lk["name"] for lk in result.evidence["lookups"]] == [
        "_dmarc.x.y.walk.mail.test",
        "_dmarc.y.walk.mail.test",
        "_dmarc.walk.mail.test",
        "_dmarc.mail.test",
    ]


async def test_dmarc_timeout_is_an_error_not_missing(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.dmarc", "quiet.mail.test", timeout=0.5)
    assert result.status is Status.ERROR
    assert "no DMARC record" not in result.summary


async def test_dkim_configured_selectors(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.dkim", "mail.test", "s2048", "ed")
    assert result.status is Status.PASS, result.summary
    assert "RSA 2048-bit" in result.summary and "Ed25519" in result.summary


@pytest.mark.parametrize(
    ("selector", "status", "phrase"),
    [
        ("s1024", Status.WARN, "RSA 1024-bit is weak"),
        ("s512", Status.FAIL, "too weak"),
        ("revoked", Status.FAIL, "revoked"),
        ("testing", Status.WARN, "t=y"),
        ("garbage", Status.FAIL, "invalid key record"),
        ("nosuch", Status.FAIL, "no key record"),
    ],
)
async def test_dkim_selector_problems(
    make_sprint, run_check, selector: str, status: Status, phrase: str
) -> None:
    result = await _check(make_sprint, run_check, "email.dkim", "mail.test", selector)
    assert result.status is status, result.summary
    assert phrase in result.summary
    if status is not Status.PASS:
        assert "_domainkey.mail.test" in result.fix


async def test_dkim_dns_error_is_not_missing(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.dkim", "broken.mail.test", "err")
    assert result.status is Status.ERROR, result.summary
    assert "DNS error" in result.summary


async def test_dkim_probe_common_selectors(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.dkim", "mail.test")
    assert result.status is Status.PASS, result.summary
    assert result.evidence["found"] == ["google", "selector1"]
    none_found = await _check(make_sprint, run_check, "email.dkim", "none.mail.test")
    assert none_found.status is Status.WARN and "none of the common selectors" in none_found.summary


async def test_mx_good_with_mta_sts_and_tls_rpt(make_sprint, run_check) -> None:
    result = await _check(make_sprint, run_check, "email.mx", "mail.test")
    assert result.status is Status.PASS, result.summary
    sts = result.evidence["mta_sts"]
    assert sts["policy_status"] == 200 and "mode: enforce" in sts["policy"]
    assert result.evidence["tls_rpt"]["raw"] == ["v=TLSRPTv1; rua=mailto:tlsrpt@mail.test"]
    assert result.evidence["targets"][0]["addresses"] == ["127.53.4.25"]


@pytest.mark.parametrize(
    ("domain", "status", "phrase"),
    [
        ("nullmx.mail.test", Status.PASS, "null MX"),
        ("cnamemx.mail.test", Status.FAIL, "is a CNAME"),
        ("ipmx.mail.test", Status.FAIL, "is an IP address"),
        ("deadmx.mail.test", Status.FAIL, "does not resolve"),
        ("nomx.mail.test", Status.FAIL, "has no MX record"),
        ("nothere.mail.test", Status.FAIL, "does not exist"),
        ("badsts.mail.test", Status.FAIL, "MTA-STS policy could not be fetched"),
        ("broken.mail.test", Status.ERROR, "SERVFAIL"),
    ],
)
async def test_mx_problems(make_sprint, run_check, domain: str, status: Status, phrase: str) -> None:
    result = await _check(make_sprint, run_check, "email.mx", domain)
    assert result.status is status, result.summary
    assert phrase in result.summary
