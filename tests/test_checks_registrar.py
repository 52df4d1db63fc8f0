"""registrar.expiry, registrar.status, registrar.delegation and registrar.dnssec against the
lab's RDAP servers (real HTTPS with the lab's CA, real DNS), every registration state and
every way a registry or a bootstrap file can misbehave.

The scenarios are listed at the top of launchwizard/demo/sites_rdap.py.
"""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import tomli_w

from launchwizard.checks.base import CheckSpec
from launchwizard.checks.registrar import delegation_against
from launchwizard.checks.registry import REGISTRY, select
from launchwizard.checks.runner import Runner
from launchwizard.config import Sprint, load_sprint
from launchwizard.demo.lab import Lab
from launchwizard.demo.sites_rdap import REGISTRY as REGISTRY_HOST
from launchwizard.demo.sites_rdap import ds_for, zone_key
from launchwizard.rdap.bootstrap_cache import BootstrapCache, CachedCopy
from launchwizard.rdap.judge import NameServerSet
from launchwizard.results import Result, Severity, Status
from launchwizard.session import Session
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import LaunchWizardApp
from launchwizard.tui.widgets.capture_field import FieldValue

CHECKS = ("registrar.expiry", "registrar.status", "registrar.delegation", "registrar.dnssec")
E, S, D, K = CHECKS
PASS, WARN, FAIL, ERROR, SKIPPED = Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.SKIPPED

EXPECTED: dict[str, dict[str, tuple[Status, Severity | None, str]]] = {
    "acme.test": {
        E: (WARN, Severity.MEDIUM, "acme.test expires in 45 days"),
        S: (WARN, Severity.MEDIUM, "no transfer lock"),
        D: (PASS, Severity.HIGH, "to ns1.acme.test, ns2.acme.test, the same as the zone's own NS records"),
        K: (PASS, Severity.INFO, "DNSSEC is not in use for acme.test"),
    },
    "reg-good.test": {
        E: (PASS, None, "in 400 days"),
        S: (PASS, None, "registry lock on"),
        D: (PASS, None, "the same as the zone's own NS records"),
        K: (PASS, Severity.CRITICAL, "DNSSEC is in effect for reg-good.test"),
    },
    "reg-expiring.test": {E: (FAIL, Severity.HIGH, "expires in 20 days")},
    "reg-expired.test": {E: (FAIL, Severity.CRITICAL, "expired 3 days ago")},
    "reg-hold.test": {S: (FAIL, Severity.CRITICAL, "client hold: the registrar has taken the domain out")},
    "reg-eppspelling.test": {
        S: (FAIL, Severity.CRITICAL, "server hold: the registry has taken the domain out of the DNS")
    },
    "reg-redemption.test": {S: (FAIL, Severity.CRITICAL, "redemption period")},
    "reg-inactive.test": {
        S: (FAIL, Severity.CRITICAL, "inactive"),
        D: (FAIL, Severity.CRITICAL, "to no name servers"),
        K: (SKIPPED, Severity.INFO, "no zone to compare a DS with"),
    },
    "reg-autorenew.test": {S: (WARN, Severity.MEDIUM, "auto renew period")},
    "reg-transfer.test": {S: (WARN, Severity.MEDIUM, "pending transfer: a transfer to another registrar")},
    "reg-noexpiry.test": {E: (SKIPPED, Severity.INFO, "the registry publishes no expiration date")},
    "reg-oddates.test": {E: (PASS, None, "in 200 days")},
    "reg-baddate.test": {E: (ERROR, Severity.HIGH, "'next tuesday' is not an ISO 8601 date")},
    "reg-nsdrift.test": {
        D: (
            FAIL,
            Severity.CRITICAL,
            "the registry delegates reg-nsdrift.test to ns1.oldhost.test, ns2.oldhost.test but the zone's "
            "own NS records are ns1.acme.test, ns2.acme.test",
        )
    },
    "reg-nspartial.test": {D: (FAIL, Severity.HIGH, "only at the registry: ns3.oldhost.test")},
    "reg-dsstale.test": {K: (FAIL, Severity.CRITICAL, "the zone serves no DNSKEY")},
    "reg-dswrong.test": {K: (FAIL, Severity.CRITICAL, "the digest does not match key")},
    "reg-nods.test": {K: (WARN, Severity.MEDIUM, "the registry has no DS record for reg-nods.test")},
    "reg-keydata.test": {K: (PASS, None, "published as keyData")},
    "reg-extrads.test": {K: (WARN, Severity.LOW, "1 other(s) match no key")},
    "acme.example": {
        E: (PASS, None, "in 300 days"),
        S: (PASS, None, "registrar: Lab Registrar, Inc. (IANA 9999)"),
    },
    "dead-link.example": {E: (SKIPPED, None, "publishes no expiration date"), S: (PASS, None, "IANA 9999")},
    "loop-link.example": {E: (SKIPPED, None, "publishes no expiration date")},
    "acme.local": {E: (PASS, None, "in 400 days")},
    "acme.dead": {E: (PASS, None, "in 400 days")},
}
"""Per apex, the checks whose verdict the scenario is about: (status, severity or None, words)."""

ALL_FOUR: dict[str, tuple[Status, str]] = {
    "acme.invalid": (SKIPPED, "lists no RDAP server for .invalid"),
    "reg-404.test": (
        ERROR,
        "has no record of reg-404.test (404 Not Found): is [domains] apex the registered",
    ),
    "reg-throttled-always.test": (ERROR, "(429 Too Many Requests, also after one polite retry)"),
    "reg-slowdown.test": (ERROR, "asks to wait 3600 s, longer than this check can wait"),
    "reg-redirectloop.test": (
        ERROR,
        "redirect loop: https://registry.rdap.test/rdap/domain/reg-redirectloop",
    ),
    "reg-manyhops.test": (ERROR, "more than 3 redirects"),
    "reg-plainredirect.test": (ERROR, "refused: RDAP outside this machine must use https"),
    "reg-metadata.test": (ERROR, "(169.254.169.254, a link-local address) refused"),
    "acme.plain": (ERROR, "request to http://plain.rdap.test/rdap/domain/acme.plain refused"),
    "acme.metadata": (ERROR, "request to 169.254.169.254 (169.254.169.254, a link-local address) refused"),
    "reg-malformed.test": (ERROR, "sent an unusable answer: the answer is not JSON"),
    "reg-deep.test": (ERROR, "the answer is JSON nested too deeply to read"),
    "reg-enormous.test": (ERROR, "the answer from registry.rdap.test is larger than this check reads"),
    "reg-htmlpage.test": (ERROR, "the answer is not JSON"),
    "reg-notdomain.test": (ERROR, 'not a domain object (objectClassName "entity")'),
    "reg-otherdomain.test": (ERROR, "the answer is about another domain (someone-else.test)"),
    "reg-503.test": (ERROR, "answered 503: Service Unavailable: maintenance window"),
    "reg-hang.test": (ERROR, "no answer from registry.rdap.test: no response within"),
}
"""Lookups that end before any registry data: all four checks say the same reason."""

OTHERS = ("reg-wrongshape.test", "reg-missing.test", "reg-redirect.test", "reg-hostiletext.test")
SIDE_BY_SIDE = 6
SCENARIO_TIMEOUT_S = 5.0


def _sprint(make_sprint: Any, lab: Lab, apex: str, **tables: Any) -> Sprint:
    rdap = tables.pop("rdap", lab.rdap_table())
    return make_sprint([apex], apex=apex, rdap=rdap, **tables)  # type: ignore[no-any-return]


async def _run(sprint: Sprint, checks: tuple[str, ...] = CHECKS) -> dict[str, Result]:
    report = await Runner(sprint, select(only=list(checks))).run()
    return {r.check: r for r in report.results}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def outcomes(make_sprint: Any, lab: Lab) -> dict[str, dict[str, Result]]:
    """Every scenario's four results, a few lookups at a time (a busy machine must not turn a
    scenario's verdict into a timeout)."""
    apexes = [*EXPECTED, *ALL_FOUR, *OTHERS]
    side_by_side = asyncio.Semaphore(SIDE_BY_SIDE)

    async def one(apex: str) -> dict[str, Result]:
        async with side_by_side:
            return await _run(_sprint(make_sprint, lab, apex, network={"timeout_s": SCENARIO_TIMEOUT_S}))

    runs = await asyncio.gather(*(one(apex) for apex in apexes))
    return dict(zip(apexes, runs, strict=True))


@pytest.mark.parametrize(
    ("apex", "check"), [(apex, check) for apex, checks in EXPECTED.items() for check in checks]
)
async def test_each_registration_state(outcomes: dict[str, dict[str, Result]], apex: str, check: str) -> None:
    status, severity, words = EXPECTED[apex][check]
    result = outcomes[apex][check]
    assert result.status is status, result.summary
    if severity is not None:
        assert result.severity is severity
    assert words in result.summary
    assert result.target == apex
    assert result.evidence["rdap"]["server"].startswith("http")


@pytest.mark.parametrize("apex", list(ALL_FOUR))
async def test_a_lookup_that_fails_says_why_in_all_four(
    outcomes: dict[str, dict[str, Result]], apex: str
) -> None:
    status, words = ALL_FOUR[apex]
    results = outcomes[apex]
    assert set(results) == set(CHECKS)
    for result in results.values():
        assert result.status is status, result.summary
        assert words in result.summary
        assert "did not finish within" not in result.summary
        assert result.fix
    if status is SKIPPED:
        assert all(r.severity is Severity.INFO for r in results.values())


async def test_the_demo_shows_the_registrar_its_ids_and_the_fixes(
    outcomes: dict[str, dict[str, Result]],
) -> None:
    status = outcomes["acme.test"][S]
    assert (
        "registrar: Lab Registrar, Inc. (IANA 9999), abuse contact abuse@registrar.rdap.test / +1.5555550100"
        in status.summary
    )
    assert 'Turn the transfer lock on at Lab Registrar, Inc. (often called "Domain lock"' in status.fix
    assert status.evidence["registrar"] == {
        "name": "Lab Registrar, Inc.",
        "iana_id": "9999",
        "abuse_email": "abuse@registrar.rdap.test",
        "abuse_phone": "+1.5555550100",
    }
    expiry = outcomes["acme.test"][E]
    assert "Renew acme.test at Lab Registrar, Inc. now" in expiry.fix
    assert 44 < expiry.evidence["days_left"] <= 45
    assert expiry.references[0] == "RFC 9083 §4.5 (events: expiration)"


async def test_the_four_checks_share_one_lookup(outcomes: dict[str, dict[str, Result]]) -> None:
    provenance = [r.evidence["rdap"] for r in outcomes["reg-good.test"].values()]
    assert all(p == provenance[0] for p in provenance)
    assert [r["url"] for r in provenance[0]["requests"]] == [
        "https://iana.rdap.test/rdap/dns.json",
        "https://registry.rdap.test/rdap/domain/reg-good.test",
    ]


async def test_provenance_names_the_bootstrap_and_its_age(outcomes: dict[str, dict[str, Result]]) -> None:
    rdap = outcomes["acme.test"][E].evidence["rdap"]
    bootstrap = rdap["bootstrap"]
    assert bootstrap["url"] == "https://iana.rdap.test/rdap/dns.json"
    assert bootstrap["publication"] == "2026-11-20T00:00:00Z"
    assert bootstrap["from_cache"] is False and bootstrap["age"] == "just now"
    retrieved = datetime.fromisoformat(rdap["retrieved_at"])
    assert abs(datetime.now(UTC) - retrieved) < timedelta(minutes=10)
    skipped = outcomes["acme.invalid"][E].summary
    assert skipped.startswith(
        "the RDAP bootstrap https://iana.rdap.test/rdap/dns.json (published 2026-11-20, fetched just now)"
    )


async def test_dnssec_is_compared_with_the_keys_the_delegated_servers_serve(
    outcomes: dict[str, dict[str, Result]],
) -> None:
    good = outcomes["reg-good.test"][K]
    assert good.evidence["dnskeys_from"].startswith("ns1.acme.test (127.53.0.1), asked directly")
    assert (
        good.evidence["ds"][0]["matches_key"] == ds_for("reg-good.test", zone_key("reg-good.test"))["keyTag"]
    )
    expected = ds_for("reg-nods.test", zone_key("reg-nods.test"))
    paste = f"{expected['keyTag']} 15 2 {expected['digest'].lower()}"
    nods = outcomes["reg-nods.test"][K]
    assert nods.evidence["suggested_record"] == [paste] and paste in nods.fix
    wrong = outcomes["reg-dswrong.test"][K]
    fixed = ds_for("reg-dswrong.test", zone_key("reg-dswrong.test"))
    assert f"replace the DS records with: {fixed['keyTag']} 15 2 {fixed['digest'].lower()}" in wrong.fix
    assert "Remove the DS records at Lab Registrar, Inc. now" in outcomes["reg-dsstale.test"][K].fix


async def test_a_thin_registry_is_completed_from_its_related_link_once(
    outcomes: dict[str, dict[str, Result]],
) -> None:
    rdap = outcomes["acme.example"][E].evidence["rdap"]
    assert rdap["requests"][-1] == {
        "url": "https://registrar.rdap.test/rdap/domain/acme.example",
        "status": 200,
    }
    assert any("its gaps were filled from https://registrar.rdap.test" in n for n in rdap["notes"])
    assert outcomes["acme.example"][E].evidence["published_by"] == "registrar"
    loop = outcomes["loop-link.example"][E].evidence["rdap"]["requests"]
    assert len(loop) == 3, "the link is followed once, however often it points on"
    dead = outcomes["dead-link.example"][E].evidence["rdap"]["notes"]
    assert any(
        "the registrar's RDAP server (https://dead.rdap.test/" in n and "could not be read" in n for n in dead
    )


async def test_redirects_and_alternative_servers(outcomes: dict[str, dict[str, Result]]) -> None:
    redirected = outcomes["reg-redirect.test"][E]
    assert redirected.status is PASS
    urls = [r["url"] for r in redirected.evidence["rdap"]["requests"]]
    assert urls[-2:] == [
        "https://registry.rdap.test/rdap/domain/reg-redirect.test",
        "https://registrar.rdap.test/rdap/domain/reg-redirect.test",
    ]
    dead = outcomes["acme.dead"][E].evidence["rdap"]["requests"]
    assert dead[1]["url"].startswith("https://dead.rdap.test/") and "error" in dead[1]
    assert dead[2] == {"url": "https://registry.rdap.test/rdap/domain/acme.dead", "status": 200}
    local = outcomes["acme.local"][E].evidence["rdap"]["server"]
    assert local == "http://registry.rdap.test/rdap/domain/acme.local", (
        "plain http is allowed on this machine"
    )


async def test_missing_and_mistyped_fields_give_plain_verdicts(
    outcomes: dict[str, dict[str, Result]],
) -> None:
    wrong = outcomes["reg-wrongshape.test"]
    assert wrong[E].status is SKIPPED and wrong[S].status is SKIPPED
    assert '"status" is not a list and was ignored' in wrong[E].evidence["rdap"]["ignored"]
    missing = outcomes["reg-missing.test"]
    assert missing[D].status is FAIL and "to no name servers" in missing[D].summary
    for results in (wrong, missing):
        for result in results.values():
            assert "internal error" not in result.summary


def test_hostile_registry_text_is_kept_whole_and_rendered_inert(
    make_sprint: Any, lab: Lab, capsys: Any, run_cli: Any
) -> None:
    sprint = _sprint(make_sprint, lab, "reg-hostiletext.test")
    config = ("check", "--config", str(sprint.path), "--only", S, "--no-save")
    code, out, _ = run_cli(capsys, *config, "--format", "json")
    [status] = json.loads(out)["results"]
    assert (code, status["status"]) == (1, "fail"), "a control character does not hide a client hold"
    assert "\x1b[2J" in status["summary"], "the evidence keeps what the registry said"
    code, out, _ = run_cli(capsys, *config)
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\r" not in out
    assert "Evil\\x1b[2J" in out


async def test_one_polite_retry_after_429(make_sprint: Any, lab: Lab) -> None:
    lab.reset_rate_limits()
    results = await _run(_sprint(make_sprint, lab, "reg-throttled.test"))
    assert all(r.status is not ERROR for r in results.values() if r.check in (E, S))
    assert results[E].status is PASS
    notes = results[E].evidence["rdap"]["notes"]
    assert notes == ["registry.rdap.test answered 429 Too Many Requests; retried once after 1 s"]
    arrivals = lab.arrivals(REGISTRY_HOST, "/rdap/domain/reg-throttled.test")
    assert len(arrivals) == 2, "four checks, one lookup: a refused request and one retry"
    assert arrivals[1] - arrivals[0] >= 0.9, "the retry waited what Retry-After asked"


async def test_429_twice_is_an_error_and_an_hour_is_not_waited(make_sprint: Any, lab: Lab) -> None:
    lab.reset_rate_limits()
    results = await _run(_sprint(make_sprint, lab, "reg-throttled-always.test"), (E,))
    assert results[E].status is ERROR
    assert len(lab.arrivals(REGISTRY_HOST, "/rdap/domain/reg-throttled-always.test")) == 2
    started = time.monotonic()
    slow = await _run(_sprint(make_sprint, lab, "reg-slowdown.test"), (E,))
    assert slow[E].status is ERROR
    assert time.monotonic() - started < 60, "an hour's Retry-After is refused, not slept"


async def test_an_assigned_name_server_set_is_compared_beside_the_zones(make_sprint: Any, lab: Lab) -> None:
    """Where a DNS provider's assignment (Cloudflare's name servers) plugs into registrar.delegation."""
    assigned = [
        NameServerSet(
            "Cloudflare's assigned name servers", ("ada.ns.cloudflare.com", "bob.ns.cloudflare.com")
        )
    ]
    spec = next(s for s in REGISTRY if s.id == D)
    wired = CheckSpec(**{**spec.__dict__, "run": partial(_with_assigned, assigned=assigned)})
    report = await Runner(_sprint(make_sprint, lab, "acme.test"), [wired]).run()
    result = report.results[0]
    assert (result.status, result.severity) == (FAIL, Severity.CRITICAL)
    assert (
        "but Cloudflare's assigned name servers are ada.ns.cloudflare.com, bob.ns.cloudflare.com"
        in result.summary
    )
    assert [s["label"] for s in result.evidence["compared_with"]] == [
        "the zone's own NS records",
        "Cloudflare's assigned name servers",
    ]
    assert result.fix == (
        "At Lab Registrar, Inc., set the name servers of acme.test to exactly ada.ns.cloudflare.com, "
        "bob.ns.cloudflare.com (Cloudflare's assigned name servers); then re-run this check once the "
        "registry has published the change."
    )


async def _with_assigned(ctx: Any, assigned: list[NameServerSet]) -> list[Result]:
    return await delegation_against(ctx, assigned)


# ---------------------------------------------------------------- the bootstrap file


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (
            "/broken/dns.json",
            "could not read the RDAP bootstrap https://iana.rdap.test/broken/dns.json: it is not JSON",
        ),
        ("/empty/dns.json", "it lists no usable service"),
        ("/huge/dns.json", "the bootstrap file from iana.rdap.test is larger than this check reads"),
        ("/hang/dns.json", "no answer from iana.rdap.test: no response within"),
        ("/nothing/dns.json", "iana.rdap.test answered 404"),
    ],
)
async def test_a_bootstrap_that_cannot_be_read_is_an_error(
    make_sprint: Any, lab: Lab, path: str, words: str
) -> None:
    sprint = _sprint(make_sprint, lab, "acme.test", rdap={"bootstrap_url": f"https://iana.rdap.test{path}"})
    results = await _run(sprint, (E,))
    assert results[E].status is ERROR
    assert words in results[E].summary
    assert not any(sprint.state_dir.glob("cache/*.json")), "nothing unusable is cached"


async def test_a_moved_or_plain_http_bootstrap_on_this_machine_works(make_sprint: Any, lab: Lab) -> None:
    for url in ("https://iana.rdap.test/moved/dns.json", "http://iana.rdap.test/rdap/dns.json"):
        results = await _run(_sprint(make_sprint, lab, "acme.test", rdap={"bootstrap_url": url}), (E,))
        assert results[E].status is WARN, (url, results[E].summary)


async def test_the_bootstrap_is_cached_privately_and_reused_with_its_age(make_sprint: Any, lab: Lab) -> None:
    sprint = _sprint(make_sprint, lab, "acme.test")
    first = (await _run(sprint, (E,)))[E].evidence["rdap"]
    [saved] = list((sprint.state_dir / "cache").glob("rdap-bootstrap-*.json"))
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text())["url"] == lab.rdap_table()["bootstrap_url"]
    second = (await _run(sprint, (E,)))[E].evidence["rdap"]
    assert first["bootstrap"]["from_cache"] is False and second["bootstrap"]["from_cache"] is True
    assert second["bootstrap"]["fetched_at"] == first["bootstrap"]["fetched_at"]
    assert [r["url"] for r in second["requests"]] == ["https://registry.rdap.test/rdap/domain/acme.test"]


async def test_a_stale_copy_stands_in_when_the_refresh_fails_but_not_forever(
    make_sprint: Any, lab: Lab
) -> None:
    url = "https://iana.rdap.test/broken/dns.json"
    body = json.dumps({"services": [[["test"], ["https://registry.rdap.test/rdap/"]]]}).encode()
    sprint = _sprint(make_sprint, lab, "acme.test", rdap={"bootstrap_url": url})
    cache = BootstrapCache(sprint.state_dir / "cache")
    now = datetime.now(UTC)
    cache.write(url, CachedCopy(body, now - timedelta(days=3), timedelta(days=1)))
    result = (await _run(sprint, (E,)))[E]
    assert result.status is WARN
    bootstrap = result.evidence["rdap"]["bootstrap"]
    assert bootstrap["from_cache"] is True and bootstrap["age"] == "3 days"
    assert "the bootstrap could not be refreshed (it is not JSON" in bootstrap["note"]
    cache.write(url, CachedCopy(body, now - timedelta(days=40), timedelta(days=1)))
    assert (await _run(sprint, (E,)))[E].status is ERROR


# ---------------------------------------------------------------- the handover


def _session(sprint: Sprint, tmp_path: Path) -> Session:
    keyring = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    return Session(sprint, Store(sprint.state_dir, "launchwizard:test", keyring))


async def test_the_handover_shows_the_registry_beside_what_was_captured(
    make_sprint: Any, lab: Lab, tmp_path: Path
) -> None:
    sprint = _sprint(make_sprint, lab, "acme.test")
    session = _session(sprint, tmp_path)
    assert session.registry_prefill() == {}
    session.record_run(await Runner(sprint, select(only=list(CHECKS))).run())
    session.save_field("registrar.provider", "Lab Registrar (reseller account 42)")
    prefill = session.registry_prefill()
    today = datetime.now(UTC).date().isoformat()
    assert prefill["registrar.transfer_lock"] == f"off (from the registry on {today})"
    assert prefill["registrar.nameservers"].startswith("ns1.acme.test, ns2.acme.test (from the registry on")
    access = dict(session.preview())["access.md"]
    assert "- **Provider:** Lab Registrar (reseller account 42)" in access
    assert f"- **Transfer lock:** off (from the registry on {today})" in access
    assert f"At the registry (RDAP, read on {today}):" in access
    assert "- **Registrar:** Lab Registrar, Inc. (IANA 9999)" in access
    assert _session(load_sprint(sprint.path), tmp_path).registry_prefill() == prefill, (
        "read from the saved run"
    )

    app = LaunchWizardApp(sprint.path, session)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("1", "f")
        await pilot.pause()
        expires = app.screen.query_one("#field-registrar-expires", FieldValue)
        assert expires.field.value is None and expires.suggestion == prefill["registrar.expires"]
        assert prefill["registrar.expires"] in str(expires.render())
        provider = app.screen.query_one("#field-registrar-provider", FieldValue)
        assert provider.field.value == "Lab Registrar (reseller account 42)"
    assert "expires" not in (sprint.state_dir / "store.toml").read_text(), "a suggestion is never saved"


def test_the_demo_sprint_points_at_the_labs_bootstrap(lab: Lab, tmp_path: Path) -> None:
    sprint = lab.demo_sprint()
    assert sprint["rdap"] == {"bootstrap_url": "https://iana.rdap.test/rdap/dns.json"}
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(sprint), encoding="utf-8")
    assert load_sprint(path).rdap.bootstrap_url == "https://iana.rdap.test/rdap/dns.json"


def test_the_dnssec_check_leaves_stderr_clean(make_sprint: Any, lab: Lab) -> None:
    """dnspython's DNSSEC module warns about DSA when imported; that must not reach the user."""
    sprint = _sprint(make_sprint, lab, "reg-good.test")
    command = ["check", "--config", str(sprint.path), "--only", "registrar.dnssec", "--no-save"]
    done = subprocess.run(
        [sys.executable, "-m", "launchwizard", *command], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "DNSSEC is in effect for reg-good.test" in done.stdout


def test_the_lookup_ends_before_the_checks_deadline() -> None:
    """The shared lookup's budget leaves every registrar check room for its DNS questions, so
    the runner's deadline never cuts a lookup that is still trying."""
    from launchwizard.checks.registrar import CHECK_ROUND_TRIPS, LOOKUP_ROUND_TRIPS

    rows = [spec for spec in REGISTRY if spec.id in CHECKS]
    assert [spec.round_trips for spec in rows] == [CHECK_ROUND_TRIPS] * 4
    assert CHECK_ROUND_TRIPS - LOOKUP_ROUND_TRIPS >= 3
    assert all((spec.scope, spec.stage) == ("apex", "audit") for spec in rows)


async def test_a_cache_that_cannot_be_written_costs_only_a_note(make_sprint: Any, lab: Lab) -> None:
    sprint = _sprint(make_sprint, lab, "acme.test")
    sprint.state_dir.mkdir(parents=True, exist_ok=True)
    (sprint.state_dir / "cache").write_text("a file where the cache folder should be")
    result = (await _run(sprint, (E,)))[E]
    assert result.status is WARN
    notes = result.evidence["rdap"]["notes"]
    assert any(note.startswith("the bootstrap was not saved for the next run") for note in notes)


async def test_delegation_reads_cloudflares_assigned_name_servers_when_a_token_is_stored(
    make_sprint: Any, lab: Lab
) -> None:
    """After a move to Cloudflare the registry still delegates to the old host: the zone's own
    NS records agree with the registry, but the zone Cloudflare assigned does not."""
    from launchwizard.demo import cloudflare_zones as lab_zones

    sprint = _sprint(
        make_sprint,
        lab,
        "acme.test",
        cloudflare={"api_base": lab.cloudflare_api_base, "zone": "cfgood.test"},
    )

    def lookup(name: str) -> str | None:
        return lab_zones.TOKEN_GOOD if name == "cloudflare.api_token" else None

    report = await Runner(sprint, select(only=[D]), secret_lookup=lookup).run()
    result = report.results[0]
    assert (result.status, result.severity) == (FAIL, Severity.CRITICAL), result.summary
    assert "Cloudflare's assigned name servers" in result.summary
    assert all(ns in result.summary for ns in lab_zones.CLOUDFLARE_NS)
    without_token = await Runner(sprint, select(only=[D])).run()
    assert without_token.results[0].status is not FAIL, "no token: only the zone's own NS are compared"
