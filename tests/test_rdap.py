"""RDAP reading and judging, offline: dates, status spellings, the bootstrap file, domain
objects, DS against DNSKEY, the verdicts, the disk cache and the handover summary.

Tables come from RFC 3339/ISO 8601, RFC 8056 §2, RFC 9224 §4, RFC 9083 §5.3 and RFC 4034.
The lab's own DS and key-tag code (written out with hashlib) is the independent side that
dnspython's recomputation is checked against.
"""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from launchwizard.config import ConfigError, parse_sprint
from launchwizard.demo.sites_rdap import LAB_REGISTRAR, domain, ds_for, key_tag, zone_key
from launchwizard.rdap.bootstrap import BootstrapError, domain_url, parse_bootstrap, tld_of
from launchwizard.rdap.bootstrap_cache import BootstrapCache, CachedCopy, age_text, max_age_from
from launchwizard.rdap.dates import BadDate, parse_rdap_date
from launchwizard.rdap.dnssec import check_ds, check_key_data, ds_to_publish, read_dnskeys
from launchwizard.rdap.domain import (
    DsRecord,
    Expiration,
    KeyRecord,
    RdapDataError,
    Registrar,
    Registration,
    merge_registrar_answer,
    parse_domain,
    parse_domain_answer,
)
from launchwizard.rdap.facts import registry_facts
from launchwizard.rdap.judge import (
    NameServerSet,
    judge_delegation,
    judge_dnssec,
    judge_expiry,
    judge_status,
)
from launchwizard.rdap.status import normalise_status, normalise_statuses, registry_locked, transfer_locked
from launchwizard.results import Severity, Status
from launchwizard.store.catalog import section_spec

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-01T00:00:00Z", "2027-03-01T00:00:00+00:00"),
        ("2027-03-01T00:00:00.000Z", "2027-03-01T00:00:00+00:00"),
        ("2027-03-01T01:30:00+01:30", "2027-03-01T00:00:00+00:00"),
        ("2027-03-01T00:00:00+0000", "2027-03-01T00:00:00+00:00"),
        ("2027-03-01t00:00:00z", "2027-03-01T00:00:00+00:00"),
        ("20270301T000000Z", "2027-03-01T00:00:00+00:00"),
        ("2027-03-01T00:00:00,5Z", "2027-03-01T00:00:00.500000+00:00"),
        ("2027-03-01T00:00:00.123456789Z", "2027-03-01T00:00:00.123456+00:00"),
        ("2027-03-01 00:00:00", "2027-03-01T00:00:00+00:00"),
        ("2027-03-01", "2027-03-01T00:00:00+00:00"),
        ("2027-060", "2027-03-01T00:00:00+00:00"),
        ("2027060", "2027-03-01T00:00:00+00:00"),
        ("2027-W09-1", "2027-03-01T00:00:00+00:00"),
        ("2026-12-31T23:59:60Z", "2027-01-01T00:00:00+00:00"),
        ("  2027-03-01T00:00:00Z \n", "2027-03-01T00:00:00+00:00"),
    ],
)
def test_odd_iso_8601_forms_are_read_as_utc(text: str, expected: str) -> None:
    assert parse_rdap_date(text).isoformat() == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("next tuesday", "is not an ISO 8601 date"),
        ("2027-13-01", "is not an ISO 8601 date"),
        ("2026-366", "a day its year does not have"),
        ("0000-01-01", "is not an ISO 8601 date"),
        ("9999-12-31T23:59:59-05:00", "outside the dates a calendar can hold"),
        ("", "empty"),
        ("2027-03-01T00:00:00Z" * 10, "characters long"),
        (1767225600, "is a int, not text"),
        (None, "is a NoneType, not text"),
    ],
)
def test_dates_that_are_not_dates_are_refused_with_the_reason(value: Any, reason: str) -> None:
    with pytest.raises(BadDate, match=reason):
        parse_rdap_date(value)


# ---------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("raw", "rdap"),
    [
        ("clientTransferProhibited", "client transfer prohibited"),
        ("client transfer prohibited", "client transfer prohibited"),
        ("CLIENT_TRANSFER_PROHIBITED", "client transfer prohibited"),
        ("CLIENTTRANSFERPROHIBITED", "client transfer prohibited"),
        ("serverHold https://icann.org/epp#serverHold", "server hold"),
        ("clientHold (https://icann.org/epp#clientHold)", "client hold"),
        ("ok", "active"),
        ("OK", "active"),
        ("linked", "associated"),
        ("autoRenewPeriod", "auto renew period"),
        ("redemptionPeriod", "redemption period"),
        ("pendingRestore", "pending restore"),
        ("addPeriod", "add period"),
        ("inactive", "inactive"),
        ("Pending-Delete", "pending delete"),
        ("someFutureStatus", "some future status"),
    ],
)
def test_both_spellings_become_rdaps_words(raw: str, rdap: str) -> None:
    assert normalise_status(raw) == rdap


def test_statuses_are_deduplicated_bounded_and_only_text() -> None:
    raw = ["clientHold", "client hold", 5, None, "", "ok", *[f"x{n}" for n in range(100)]]
    statuses = normalise_statuses(raw)
    assert statuses[:2] == ("client hold", "active")
    assert len(statuses) == 40


def test_transfer_and_registry_locks() -> None:
    assert transfer_locked(["client transfer prohibited"])
    assert transfer_locked(["server transfer prohibited"])
    assert not transfer_locked(["active", "client update prohibited"])
    lock = ["server transfer prohibited", "server update prohibited", "server delete prohibited"]
    assert registry_locked(lock)
    assert not registry_locked(lock[:2])


# ---------------------------------------------------------------- bootstrap


def _bootstrap(*services: Any, **extra: Any) -> bytes:
    return json.dumps({"version": "1.0", "services": list(services), **extra}).encode()


def test_the_longest_matching_suffix_wins_and_https_comes_first() -> None:
    table = parse_bootstrap(
        _bootstrap(
            [["com", "net"], ["http://rdap.verisign.test/com/v1/", "https://rdap.verisign.test/com/v1/"]],
            [["example.com"], ["https://rdap.example.test/"]],
            [["Org."], ["https://rdap.pir.test/"]],
            publication="2026-11-20T00:00:00Z",
        )
    )
    assert table.publication == "2026-11-20T00:00:00Z"
    assert table.match("www.acme.com") == (
        "com",
        ("https://rdap.verisign.test/com/v1/", "http://rdap.verisign.test/com/v1/"),
    )
    assert table.match("WWW.Example.COM.") == ("example.com", ("https://rdap.example.test/",))
    assert table.match("acme.org") == ("org", ("https://rdap.pir.test/",))
    assert table.match("acme.invalid") is None
    assert tld_of("acme.co.UK.") == "uk"


def test_a_root_entry_matches_any_name_last() -> None:
    table = parse_bootstrap(_bootstrap([["test"], ["https://a.test/"]], [[""], ["https://root.test/"]]))
    assert table.match("acme.test") == ("test", ("https://a.test/",))
    assert table.match("acme.invalid") == ("", ("https://root.test/",))


def test_malformed_services_are_skipped_and_usable_ones_kept() -> None:
    table = parse_bootstrap(
        _bootstrap(
            "not a service",
            [["a"]],
            [["b"], "not a list"],
            [["c"], ["ftp://rdap.c.test/", "https://[::1/", 7]],
            [[5, "d"], ["https://rdap.d.test/"]],
        )
    )
    assert dict(table.services) == {"d": ("https://rdap.d.test/",)}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"services": [["test"]', "not JSON"),
        (b"[" * 100_000, "nested too deeply"),
        (b'["services"]', 'no "services" list'),
        (b'{"services": "all"}', 'no "services" list'),
        (_bootstrap([["test"], []]), "no usable service"),
        (b" " * (5 * 1024 * 1024), "larger than"),
    ],
)
def test_a_file_that_is_not_a_bootstrap_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(BootstrapError, match=reason):
        parse_bootstrap(data)


def test_domain_urls_join_base_and_name() -> None:
    assert domain_url("https://rdap.test/rdap/", "Acme.TEST.") == "https://rdap.test/rdap/domain/acme.test"
    assert domain_url("https://rdap.test/v1", "acme.test") == "https://rdap.test/v1/domain/acme.test"


# ---------------------------------------------------------------- domain objects


def test_a_gtld_answer_is_read_field_by_field() -> None:
    key = zone_key("reg-good.test")
    document = domain(
        "reg-good.test",
        NOW,
        statuses=("clientTransferProhibited", "server update prohibited"),
        expires=timedelta(days=400),
        nameservers=("NS1.ACME.TEST.", "ns2.acme.test"),
        secure={"delegationSigned": True, "dsData": [ds_for("reg-good.test", key)]},
        related="https://registrar.rdap.test/rdap/domain/reg-good.test",
    )
    reg = parse_domain(document, "REG-GOOD.test.")
    assert reg.domain == "reg-good.test"
    assert reg.statuses == ("client transfer prohibited", "server update prohibited")
    assert reg.expiration is not None and reg.expiration.at == NOW + timedelta(days=400)
    assert reg.registrar == Registrar(
        "Lab Registrar, Inc.", "9999", "abuse@registrar.rdap.test", "+1.5555550100"
    )
    assert reg.nameservers == ("ns1.acme.test", "ns2.acme.test")
    assert reg.delegation_signed is True
    assert reg.ds == (DsRecord(key_tag(key), 15, 2, ds_for("reg-good.test", key)["digest"].lower()),)
    assert reg.related == ("https://registrar.rdap.test/rdap/domain/reg-good.test",)
    assert not reg.needs_registrar_data
    assert reg.problems == ()


def test_fields_of_the_wrong_shape_are_left_out_and_noted() -> None:
    reg = parse_domain(
        {
            "objectClassName": "domain",
            "ldhName": "acme.test",
            "status": "active",
            "events": [{"eventAction": "expiration", "eventDate": 1767225600}, "x"],
            "entities": [{"roles": "registrar"}, {"roles": ["registrar"], "publicIds": "9"}],
            "nameservers": [1, {"ldhName": 5}, {"ldhName": "ns1.acme.test"}],
            "secureDNS": {"delegationSigned": "yes", "dsData": [{"keyTag": "x"}, "DS"], "keyData": [{}]},
            "links": {"rel": "related"},
        },
        "acme.test",
    )
    assert reg.statuses == ()
    assert reg.expiration is not None and reg.expiration.at is None
    assert reg.expiration.problem == "'1767225600' is not an ISO 8601 date"
    assert reg.registrar == Registrar()
    assert reg.nameservers == ("ns1.acme.test",)
    assert (reg.delegation_signed, reg.ds, reg.keys, reg.related) == (None, (), (), ())
    assert '"status" is not a list and was ignored' in reg.problems
    assert any("dsData entry" in p for p in reg.problems)
    assert any("keyData entry" in p for p in reg.problems)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"[" * 200_000, "nested too deeply"),
        (b"\x80abc", "not UTF-8"),
        (b"[]", "a JSON list, not an object"),
        (b'{"objectClassName": "entity"}', 'not a domain object \\(objectClassName "entity"\\)'),
        (b"{}", 'objectClassName "none"'),
        (b'{"objectClassName": "domain", "ldhName": "other.test"}', "another domain \\(other.test\\)"),
        (b" " * (1024 * 1024 + 1), "larger than 1024 KiB"),
    ],
)
def test_answers_that_are_not_the_domain_asked_for_are_refused(body: bytes, reason: str) -> None:
    with pytest.raises(RdapDataError, match=reason):
        parse_domain_answer(body, "acme.test")


def test_a_thin_answer_is_completed_by_the_registrars_and_the_registry_wins() -> None:
    thin_registrar = {"objectClassName": "entity", "roles": ["registrar"],
                      "publicIds": [{"type": "IANA Registrar ID", "identifier": 9999}]}  # fmt: skip
    thin = parse_domain(
        domain("acme.example", NOW, expires=None, registrar=thin_registrar, related="https://r.test/d"),
        "acme.example",
    )
    assert thin.registrar == Registrar(iana_id="9999")
    assert thin.needs_registrar_data
    full = parse_domain(
        domain("acme.example", NOW, expires=timedelta(days=300), nameservers=("ns9.elsewhere.test",)),
        "acme.example",
    )
    merged = merge_registrar_answer(thin, full)
    assert merged.expiration is not None and merged.expiration.source == "registrar"
    assert merged.registrar.name == "Lab Registrar, Inc." and merged.registrar.iana_id == "9999"
    assert merged.nameservers == thin.nameservers


# ---------------------------------------------------------------- DS and DNSKEY


SEEDS = ("reg-good.test", "another key", "a third key")


@pytest.mark.parametrize("seed", SEEDS)
def test_key_tags_and_ds_digests_agree_with_an_independent_implementation(seed: str) -> None:
    key = zone_key(seed)
    keys, problems = read_dnskeys([key])
    assert problems == [] and keys[0].key_tag == key_tag(key)
    lab = ds_for("acme.test", key)
    record = DsRecord(lab["keyTag"], 15, 2, lab["digest"].lower())
    assert check_ds("acme.test", [record], keys)[0].matched == key_tag(key)
    assert ds_to_publish("acme.test", keys) == [record.to_text()]


def test_each_way_a_ds_can_miss_is_named() -> None:
    keys, _ = read_dnskeys([zone_key("reg-good.test"), zone_key("zsk", 256)])
    tag = key_tag(zone_key("reg-good.test"))
    good = ds_for("reg-good.test", zone_key("reg-good.test"))["digest"].lower()
    checks = check_ds(
        "reg-good.test",
        [
            DsRecord(tag, 15, 2, "00" * 32),
            DsRecord((tag + 1) % 65536, 15, 2, good),
            DsRecord(tag, 13, 2, good),
            DsRecord(tag, 15, 3, good),
            DsRecord(tag, 15, 2, good),
        ],
        keys,
    )
    problems = [c.problem for c in checks]
    assert problems[0] == f"the digest does not match key {tag}: the DS was made from another key"
    assert problems[1] is not None and f"no DNSKEY has key tag {(tag + 1) % 65536}" in problems[1]
    assert problems[2] == f"key {tag} uses algorithm 15 (ED25519), the DS says 13 (ECDSAP256SHA256)"
    assert problems[3] == "digest GOST R 34.11-94 cannot be recomputed here"
    assert checks[4].matched == tag and problems[4] is None


def test_key_data_is_compared_by_key_bytes() -> None:
    keys, _ = read_dnskeys([zone_key("k")])
    key = zone_key("k").split(" ", 3)[3]
    same = KeyRecord(257, 3, 15, key)
    other = KeyRecord(257, 3, 15, zone_key("other").split(" ", 3)[3])
    assert check_key_data([same, other, KeyRecord(257, 3, 15, "not base64!")], keys) == [
        (same, True),
        (other, False),
        (KeyRecord(257, 3, 15, "not base64!"), False),
    ]


def test_unreadable_dnskeys_are_reported_not_raised() -> None:
    keys, problems = read_dnskeys(["257 3 15", "garbage", zone_key("k")])
    assert len(keys) == 1 and len(problems) == 2


# ---------------------------------------------------------------- verdicts


def _reg(**fields: Any) -> Registration:
    base: dict[str, Any] = {
        "domain": "acme.test",
        "statuses": ("client transfer prohibited",),
        "registrar": Registrar("Lab Registrar, Inc.", "9999", "abuse@registrar.test"),
        "nameservers": ("ns1.acme.test", "ns2.acme.test"),
    }
    return Registration(**(base | fields))


def _expiring(days: float) -> Registration:
    at = NOW + timedelta(days=days)
    return _reg(expiration=Expiration(at.isoformat(), at))


@pytest.mark.parametrize(
    ("days", "status", "severity"),
    [
        (-1, Status.FAIL, Severity.CRITICAL),
        (0.5, Status.FAIL, Severity.HIGH),
        (29.9, Status.FAIL, Severity.HIGH),
        (30, Status.WARN, Severity.MEDIUM),
        (59.9, Status.WARN, Severity.MEDIUM),
        (60, Status.PASS, Severity.HIGH),
        (3650, Status.PASS, Severity.HIGH),
    ],
)
def test_expiry_fails_under_30_days_and_warns_under_60(
    days: float, status: Status, severity: Severity
) -> None:
    finding = judge_expiry(_expiring(days), NOW)
    assert (finding.status, finding.severity) == (status, severity)
    assert finding.evidence["days_left"] == round(days, 1)
    if status is not Status.PASS:
        assert "Renew acme.test at Lab Registrar, Inc." in finding.fix


def test_no_expiration_event_is_skipped_never_passed() -> None:
    finding = judge_expiry(_reg(), NOW)
    assert finding.status is Status.SKIPPED
    assert "publishes no expiration date" in finding.summary


def test_an_unreadable_expiration_date_is_an_error_with_the_text() -> None:
    finding = judge_expiry(_reg(expiration=Expiration("soon", None, "'soon' is not an ISO 8601 date")), NOW)
    assert finding.status is Status.ERROR
    assert finding.summary == "the expiration date 'soon' could not be read: 'soon' is not an ISO 8601 date"


@pytest.mark.parametrize(
    "status",
    ["client hold", "server hold", "pending delete", "redemption period", "pending restore", "inactive"],
)
def test_holds_and_deletion_fail_critical(status: str) -> None:
    finding = judge_status(_reg(statuses=(status, "client transfer prohibited")))
    assert (finding.status, finding.severity) == (Status.FAIL, Severity.CRITICAL)
    assert status in finding.summary and "Lab Registrar, Inc." in finding.fix


@pytest.mark.parametrize(
    ("statuses", "said"),
    [
        (("auto renew period", "client transfer prohibited"), "auto renew period"),
        (("pending transfer", "client transfer prohibited"), "pending transfer"),
        (("active",), "no transfer lock"),
    ],
)
def test_grace_a_pending_transfer_and_no_lock_warn(statuses: tuple[str, ...], said: str) -> None:
    finding = judge_status(_reg(statuses=statuses))
    assert (finding.status, finding.severity) == (Status.WARN, Severity.MEDIUM)
    assert said in finding.summary


def test_no_lock_says_how_to_set_it_and_who_the_registrar_is() -> None:
    finding = judge_status(_reg(statuses=("active",)))
    assert 'Turn the transfer lock on at Lab Registrar, Inc. (often called "Domain lock"' in finding.fix
    assert "registrar: Lab Registrar, Inc. (IANA 9999), abuse contact abuse@registrar.test" in finding.summary
    assert finding.evidence["transfer_lock"] is False


def test_a_registry_lock_is_noted_as_good() -> None:
    lock = ("server transfer prohibited", "server update prohibited", "server delete prohibited")
    finding = judge_status(_reg(statuses=lock))
    assert finding.status is Status.PASS and finding.summary.startswith("registry lock on")
    assert finding.evidence["registry_lock"] is True


def test_no_status_values_is_skipped() -> None:
    assert judge_status(_reg(statuses=())).status is Status.SKIPPED


ZONE = "the zone's own NS records"


def test_delegation_matches_whatever_the_order() -> None:
    finding = judge_delegation(_reg(), [NameServerSet(ZONE, ("ns2.acme.test", "ns1.acme.test"))])
    assert finding.status is Status.PASS


def test_a_delegation_elsewhere_names_both_sides() -> None:
    finding = judge_delegation(
        _reg(nameservers=("ns1.old.test", "ns2.old.test")), [NameServerSet(ZONE, ("ns1.acme.test",))]
    )
    assert (finding.status, finding.severity) == (Status.FAIL, Severity.CRITICAL)
    assert finding.summary == (
        "the registry delegates acme.test to ns1.old.test, ns2.old.test but the zone's own NS records is "
        "ns1.acme.test (only at the registry: ns1.old.test, ns2.old.test; missing at the registry: "
        "ns1.acme.test)"
    )
    assert "set the name servers of acme.test to exactly ns1.acme.test" in finding.fix


def test_an_assigned_set_is_compared_too_and_named_by_its_label() -> None:
    assigned = ("ada.ns.cloudflare.com", "bob.ns.cloudflare.com")
    cloudflare = NameServerSet("Cloudflare's assigned name servers", assigned)
    zone = NameServerSet(ZONE, ("ns1.acme.test", "ns2.acme.test"))
    finding = judge_delegation(_reg(), [zone, cloudflare])
    assert finding.status is Status.FAIL
    assert f"Cloudflare's assigned name servers are {', '.join(assigned)}" in finding.summary
    assert [m["label"] for m in finding.evidence["mismatches"]] == ["Cloudflare's assigned name servers"]


def test_a_partial_overlap_is_high_and_no_name_servers_critical() -> None:
    zone = [NameServerSet(ZONE, ("ns1.acme.test", "ns2.acme.test"))]
    partial = judge_delegation(_reg(nameservers=("ns1.acme.test", "ns3.old.test")), zone)
    assert (partial.status, partial.severity) == (Status.FAIL, Severity.HIGH)
    empty = judge_delegation(_reg(nameservers=()), [NameServerSet(ZONE, ("ns1.acme.test",))])
    assert (empty.status, empty.severity) == (Status.FAIL, Severity.CRITICAL)


def _keys(*seeds: str) -> Any:
    return read_dnskeys([zone_key(s) for s in seeds])[0]


def _ds(zone: str, seed: str) -> DsRecord:
    lab = ds_for(zone, zone_key(seed))
    return DsRecord(lab["keyTag"], 15, 2, lab["digest"].lower())


@pytest.mark.parametrize(
    ("ds", "keys", "status", "severity", "said"),
    [
        ((), (), Status.PASS, Severity.INFO, "DNSSEC is not in use"),
        ((), ("k",), Status.WARN, Severity.MEDIUM, "the zone is signed but the registry has no DS"),
        (("k",), (), Status.FAIL, Severity.CRITICAL, "the zone serves no DNSKEY"),
        (("old",), ("k",), Status.FAIL, Severity.CRITICAL, "no DS record at the registry matches"),
        (("k", "old"), ("k",), Status.WARN, Severity.LOW, "1 other(s) match no key"),
        (("k",), ("k",), Status.PASS, Severity.CRITICAL, "DNSSEC is in effect"),
    ],
)
def test_dnssec_verdicts(
    ds: tuple[str, ...], keys: tuple[str, ...], status: Status, severity: Severity, said: str
) -> None:
    finding = judge_dnssec(_reg(ds=tuple(_ds("acme.test", s) for s in ds)), _keys(*keys), "ns1")
    assert (finding.status, finding.severity) == (status, severity)
    assert said in finding.summary


def test_the_ds_to_paste_is_computed_from_the_zones_key() -> None:
    expected = _ds("acme.test", "k").to_text()
    unsigned_ds = judge_dnssec(_reg(), _keys("k"), "ns1")
    assert expected in unsigned_ds.fix and unsigned_ds.evidence["suggested_record"] == [expected]
    stale = judge_dnssec(_reg(ds=(_ds("acme.test", "old"),)), _keys("k"), "ns1")
    assert f"replace the DS records with: {expected}" in stale.fix


def test_a_sha1_ds_that_matches_warns_to_move_to_sha256() -> None:
    key = zone_key("k")
    import hashlib

    import dns.name
    import dns.rdata

    rdata = dns.rdata.from_text("IN", "DNSKEY", key)
    sha1 = hashlib.sha1(dns.name.from_text("acme.test.").to_wire() + rdata.to_wire()).hexdigest()
    finding = judge_dnssec(_reg(ds=(DsRecord(key_tag(key), 15, 1, sha1),)), _keys("k"), "ns1")
    assert (finding.status, finding.severity) == (Status.WARN, Severity.LOW)
    assert "SHA-1" in finding.summary


def test_signed_delegation_without_ds_data_is_skipped() -> None:
    assert judge_dnssec(_reg(delegation_signed=True), _keys("k"), "ns1").status is Status.SKIPPED


# ---------------------------------------------------------------- the disk cache


def test_the_cache_keeps_a_private_copy_per_url(tmp_path: Path) -> None:
    cache = BootstrapCache(tmp_path / "cache")
    copy = CachedCopy(b'{"services": []}', NOW, timedelta(hours=24))
    cache.write("https://iana.test/dns.json", copy)
    path = cache.path_for("https://iana.test/dns.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cache.read("https://iana.test/dns.json") == copy
    assert cache.read("https://other.test/dns.json") is None
    assert copy.fresh(NOW + timedelta(hours=23)) and not copy.fresh(NOW + timedelta(hours=25))
    assert copy.usable_when_stale(NOW + timedelta(days=29))
    assert not copy.usable_when_stale(NOW + timedelta(days=31))
    assert not copy.fresh(NOW - timedelta(hours=1)), "a copy from the future is not trusted"


CACHE_SCHEMA = "launchwizard.rdap-bootstrap/1"
NAIVE = {"schema": CACHE_SCHEMA, "url": "u", "fetched_at": "2026-01-01T00:00:00", "max_age_s": 1, "body": ""}


@pytest.mark.parametrize(
    "content",
    ["", "{", "[]", '{"schema": 1}', json.dumps({"schema": CACHE_SCHEMA, "url": "u"}), json.dumps(NAIVE)],
)
def test_a_damaged_cache_file_is_ignored(tmp_path: Path, content: str) -> None:
    cache = BootstrapCache(tmp_path)
    cache.path_for("u").write_text(content)
    assert cache.read("u") is None


@pytest.mark.parametrize(
    ("header", "hours"),
    [(None, 24), ("max-age=7200", 2), ("private, max-age=9", 1), ('max-age="9999999"', 168), ("none", 24)],
)
def test_freshness_follows_cache_control_within_bounds(header: str | None, hours: int) -> None:
    assert max_age_from(header) == timedelta(hours=hours)


def test_ages_read_at_a_glance() -> None:
    assert [age_text(timedelta(seconds=s)) for s in (5, 600, 7200, 86400 * 3, -5)] == [
        "just now",
        "10 min",
        "2 h",
        "3 days",
        "just now",
    ]


# ---------------------------------------------------------------- the handover summary


def _result(check: str, evidence: dict[str, Any], target: str = "acme.test") -> dict[str, Any]:
    rdap = {"server": "https://rdap.test/domain/acme.test", "retrieved_at": "2026-11-25T12:00:00+00:00"}
    return {"check": check, "target": target, "status": "warn", "evidence": {**evidence, "rdap": rdap}}


def test_the_registry_facts_fill_the_registrar_section() -> None:
    status = judge_status(_reg(statuses=("active",)))
    expiry = judge_expiry(_expiring(45), NOW)
    delegation = judge_delegation(_reg(), [NameServerSet(ZONE, ("ns1.acme.test", "ns2.acme.test"))])
    results = [
        _result("registrar.status", status.evidence),
        _result("registrar.expiry", expiry.evidence),
        _result("registrar.delegation", delegation.evidence),
        _result("registrar.expiry", {"expires": "1999-01-01"}, target="other.test"),
    ]
    facts = registry_facts(results, "acme.test")
    assert facts is not None
    marker = "(from the registry on 2026-11-25)"
    assert facts.prefill() == {
        "provider": f"Lab Registrar, Inc. (IANA 9999) {marker}",
        "expires": f"2027-01-09 {marker}",
        "transfer_lock": f"off {marker}",
        "nameservers": f"ns1.acme.test, ns2.acme.test {marker}",
    }
    registrar = section_spec("registrar")
    assert registrar is not None
    assert all(registrar.field(name) is not None for name in facts.prefill())
    assert dict(facts.rows())["Abuse contact"] == "abuse@registrar.test"


def test_failed_or_foreign_lookups_give_no_facts() -> None:
    only_provenance = [_result("registrar.expiry", {}), _result("registrar.status", {"x": 1}, "other.test")]
    assert registry_facts(only_provenance, "acme.test") is None
    garbage: list[Any] = [{"check": "registrar.status", "target": "acme.test", "evidence": "x"}, {}]
    assert registry_facts(garbage, "acme.test") is None
    assert registry_facts([], "acme.test") is None


def test_lab_registrar_entity_is_the_profile_shape() -> None:
    """The lab's registrar entity carries what the ICANN profile asks of a registry answer."""
    reg = parse_domain(domain("acme.test", NOW, registrar=LAB_REGISTRAR), "acme.test")
    assert reg.registrar.abuse_email and reg.registrar.abuse_phone and reg.registrar.iana_id


def test_facts_survive_mistyped_saved_evidence() -> None:
    rdap = {"retrieved_at": "2026-11-25T12:00:00+00:00", "server": 5}
    results = [
        {
            "check": "registrar.status",
            "target": "acme.test",
            "evidence": {"rdap": rdap, "registrar": ["x"], "statuses": "active", "transfer_lock": "yes"},
        },
        {"check": "registrar.expiry", "target": "acme.test", "evidence": {"rdap": rdap, "expires": 12}},
        {
            "check": "registrar.delegation",
            "target": "acme.test",
            "evidence": {"rdap": rdap, "registry_ns": [1, None, "ns1.acme.test"]},
        },
    ]
    facts = registry_facts(results, "acme.test")
    assert facts is not None
    assert (facts.registrar, facts.statuses, facts.transfer_lock, facts.expires, facts.server) == (
        None,
        (),
        None,
        None,
        None,
    )
    assert facts.prefill() == {"nameservers": "ns1.acme.test (from the registry on 2026-11-25)"}


# ---------------------------------------------------------------- [rdap] in sprint.toml

SPRINT = (
    '[sprint]\nclient = "Acme"\ncanonical = "https://www.acme.test/"\n'
    '[domains]\napex = "acme.test"\nhosts = ["acme.test"]\n'
)


def test_rdap_defaults_to_ianas_bootstrap_and_takes_another() -> None:
    where = Path("/srv/acme/sprint.toml")
    assert parse_sprint(SPRINT, where).rdap.bootstrap_url == "https://data.iana.org/rdap/dns.json"
    custom = parse_sprint(SPRINT + '[rdap]\nbootstrap_url = "HTTPS://Mirror.Example.COM"\n', where)
    assert custom.rdap.bootstrap_url == "https://mirror.example.com/"


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        ('bootstrap_url = "data.iana.org/rdap/dns.json"', "rdap.bootstrap_url", "is not an absolute URL"),
        ('bootstrap_url = "https://user:pw@iana.test/"', "rdap.bootstrap_url", "holds credentials"),
        ("bootstrap_url = 5", "rdap.bootstrap_url", "expected a string"),
        ('bootstrap = "https://iana.test/"', "rdap.bootstrap", "unknown key 'bootstrap'"),
    ],
)
def test_a_bad_rdap_table_is_located(table: str, key: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sprint(SPRINT + f"[rdap]\n{table}\n", Path("sprint.toml"))
    assert (caught.value.key, caught.value.line) == (key, 8)
    assert message in caught.value.message
