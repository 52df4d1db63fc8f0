"""The cloudflare checks against the lab's Cloudflare API v4: every verdict, every bad input
(refused, expired and foreign tokens, a missing permission, 5xx, garbage, endless pages, a
slow API, a hostile API that echoes the token), GET only, [network] applied, calls shared."""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from launchwizard.checks.base import CheckContext
from launchwizard.checks.cloudflare import TOKEN_FIELD, assigned_nameservers
from launchwizard.checks.registry import REGISTRY, select
from launchwizard.checks.runner import Runner
from launchwizard.cli import WIRE_LOGGERS
from launchwizard.cloudflare.api import MAX_PAGES, CloudflareApi
from launchwizard.cloudflare.transport import RefusedRequest
from launchwizard.config import Sprint
from launchwizard.demo import cloudflare_zones as lab_zones
from launchwizard.net import Net
from launchwizard.results import Result, Severity, Status

CHECKS = ("cloudflare.zone", "cloudflare.tls", "cloudflare.dns", "cloudflare.waf", "cloudflare.ratelimit")
HOSTS = {
    "cfgood.test": ["cfgood.test", "www.cfgood.test"],
    "cfweak.test": ["cfweak.test", "www.cfweak.test", "app.cfweak.test", "direct.cfweak.test"],
    "acme.test": ["acme.test", "www.acme.test", "app.acme.test", "api.acme.test"],
}


@pytest.fixture
def cf_sprint(make_sprint: Callable[..., Sprint], lab: Any) -> Callable[..., Sprint]:
    """A sprint on `zone` with the lab's API, its login and chat endpoints under the zone."""

    def build(
        zone: str, *, hosts: list[str] | None = None, cloudflare: dict[str, Any] | None = None, **tables: Any
    ) -> Sprint:
        endpoints = {
            "login": f"https://app.{zone}/login",
            "chat": {"url": f"https://api.{zone}/v1/chat", "method": "POST", "body": '{"m": "{{prompt}}"}'},
        }
        return make_sprint(
            hosts or HOSTS.get(zone, [zone, f"www.{zone}"]),
            apex=zone,
            cloudflare={"api_base": lab.cloudflare_api_base, **(cloudflare or {})},
            endpoints=tables.pop("endpoints", endpoints),
            **tables,
        )

    return build


async def run_cf(sprint: Sprint, token: str | None, only: tuple[str, ...] = CHECKS) -> dict[str, Result]:
    """The cloudflare checks on one sprint with `token` in the store; results by check id."""

    def lookup(name: str) -> str | None:
        return token if name == TOKEN_FIELD else None

    report = await Runner(sprint, select(only=list(only)), secret_lookup=lookup).run()
    return {result.check: result for result in report.results}


def rows(result: Result, table: str, key: str) -> dict[str, str]:
    return {row[key]: row["verdict"] for row in result.evidence[table]}


# ---------------------------------------------------------------- verdicts


async def test_a_zone_configured_right_passes_every_check(cf_sprint) -> None:
    results = await run_cf(cf_sprint("cfgood.test"), lab_zones.TOKEN_GOOD)
    assert {check: str(r.status) for check, r in results.items()} == dict.fromkeys(CHECKS, "pass")
    assert all(r.target == "cfgood.test" and r.stage == "edge" for r in results.values())
    zone = results["cloudflare.zone"]
    assert zone.evidence["assigned_name_servers"] == list(lab_zones.CLOUDFLARE_NS)
    assert sorted(zone.evidence["live_name_servers"]) == sorted(lab_zones.CLOUDFLARE_NS)
    assert zone.evidence["token"]["status"] == "active"
    merged = {k: v for r in results.values() for k, v in r.evidence["permissions"].items() if v == "verified"}
    assert set(merged) == {"Zone: Read", "Zone Settings: Read", "DNS: Read", "Zone WAF: Read"}
    assert rows(results["cloudflare.tls"], "zone_settings", "setting") == {
        "ssl": "pass",
        "always_use_https": "pass",
        "min_tls_version": "pass",
    }
    assert "Cloudflare Managed Ruleset" in json.dumps(results["cloudflare.waf"].evidence)
    assert rows(results["cloudflare.ratelimit"], "zone_endpoints", "endpoint") == {
        "login (/login)": "pass",
        "chat (/v1/chat)": "pass",
    }


async def test_the_demo_zone_shows_flexible_ssl_and_no_rate_limit_on_the_login(cf_sprint) -> None:
    results = await run_cf(cf_sprint("acme.test"), lab_zones.DEMO_TOKEN)
    tls = results["cloudflare.tls"]
    assert tls.status == Status.FAIL and tls.severity == Severity.CRITICAL
    assert "Flexible" in tls.summary and "plain HTTP" in tls.summary
    for where in (
        "SSL/TLS > Overview > Configure > Full (strict)",
        "/settings/ssl",
        '"value":"strict"',
        'resource "cloudflare_zone_setting"',
    ):
        assert where in tls.fix
    limit = results["cloudflare.ratelimit"]
    assert limit.status == Status.FAIL and "login (/login)" in limit.summary and "chat" not in limit.summary
    paste = json.loads(limit.evidence["suggested_record"])
    assert paste["expression"] == '(http.request.uri.path eq "/login")'
    assert paste["ratelimit"]["characteristics"] == ["cf.colo.id", "ip.src"]
    assert "Rate limiting rules > Create rule" in limit.fix and 'phase = "http_ratelimit"' in limit.fix
    assert {results[c].status for c in ("cloudflare.zone", "cloudflare.waf")} == {Status.PASS}
    dns = results["cloudflare.dns"]
    assert dns.status == Status.WARN and "DNSSEC" in dns.summary, "the demo zone is not signed, as its DNS"


async def test_a_weak_zone_is_graded_setting_by_setting(cf_sprint) -> None:
    sprint = cf_sprint("cfweak.test", cloudflare={"unproxied": ["direct.cfweak.test"]})
    results = await run_cf(sprint, lab_zones.TOKEN_GOOD)
    zone = results["cloudflare.zone"]
    assert zone.status == Status.WARN and "development mode is on (3600 s left)" in zone.summary
    tls = results["cloudflare.tls"]
    assert rows(tls, "zone_settings", "setting") == {
        "ssl": "warn",
        "always_use_https": "fail",
        "min_tls_version": "fail",
    }
    assert tls.status == Status.FAIL and "Always Use HTTPS: On" in tls.fix and "TLS 1.2" in tls.fix
    dns = results["cloudflare.dns"]
    assert rows(dns, "zone_records", "name") == {
        "cfweak.test": "pass",
        "www.cfweak.test": "fail",
        "app.cfweak.test": "fail",
        "direct.cfweak.test": "pass",
        "origin.cfweak.test": "fail",
        "DNSSEC": "warn",
    }
    assert "origin.cfweak.test is DNS only and points at 127.53.9.30" in dns.summary
    assert "Proxy status: Proxied" in dns.fix and "Enable DNSSEC" in dns.fix
    waf = results["cloudflare.waf"]
    assert (
        waf.status == Status.FAIL
        and "deployed but disabled" in waf.summary
        and "essentially_off" in waf.summary
    )
    limit = results["cloudflare.ratelimit"]
    assert rows(limit, "zone_endpoints", "endpoint") == {"login (/login)": "warn", "chat (/v1/chat)": "fail"}
    assert "depends on ip.src, $office" in limit.summary


async def test_a_zone_with_the_edge_switched_off(cf_sprint) -> None:
    results = await run_cf(cf_sprint("cfoff.test"), lab_zones.TOKEN_GOOD)
    assert rows(results["cloudflare.tls"], "zone_settings", "setting")["ssl"] == "fail"
    assert "SSL is off" in results["cloudflare.tls"].summary and "1.1" in results["cloudflare.tls"].summary
    waf = results["cloudflare.waf"]
    assert rows(waf, "zone_settings", "setting") == {"managed WAF": "fail", "security_level": "warn"}
    assert "Under Attack" in waf.summary and "http_request_firewall_managed/entrypoint" in waf.fix
    limit = results["cloudflare.ratelimit"]
    assert set(rows(limit, "zone_endpoints", "endpoint").values()) == {"fail"}
    assert len(json.loads(limit.evidence["suggested_record"])) == 2 and "PUT" in limit.fix
    assert "pending: the DS record is not at the registrar" in results["cloudflare.dns"].summary


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        (
            "cfpending.test",
            [
                "the zone is pending",
                "delegated to ns1.acme.test, ns2.acme.test",
                "not assigned by Cloudflare: ns1.acme.test",
            ],
        ),
        ("cfpaused.test", ["the zone is paused"]),
    ],
)
async def test_a_zone_cloudflare_does_not_serve_fails(cf_sprint, zone, words) -> None:
    results = await run_cf(cf_sprint(zone), lab_zones.TOKEN_GOOD, only=("cloudflare.zone",))
    result = results["cloudflare.zone"]
    assert result.status == Status.FAIL
    for word in words:
        assert word in result.summary
    assert "kai.ns.cloudflare.com, uma.ns.cloudflare.com" in result.fix or "Resume" in result.fix


# ---------------------------------------------------------------- pagination


async def test_every_page_of_dns_records_is_read(cf_sprint, lab) -> None:
    before = len(lab.cloudflare_requests())
    results = await run_cf(cf_sprint("cfbig.test"), lab_zones.TOKEN_GOOD, only=("cloudflare.dns",))
    dns = results["cloudflare.dns"]
    assert dns.status == Status.PASS and dns.evidence["records_read"] == 1234
    pages = [r.target for r in lab.cloudflare_requests()[before:] if "/dns_records" in r.target]
    assert len(pages) == 3 and all("per_page=500" in page for page in pages)


async def test_a_record_list_that_never_ends_is_an_error_after_the_page_limit(cf_sprint, lab) -> None:
    before = len(lab.cloudflare_requests())
    results = await run_cf(cf_sprint("cfendless.test"), lab_zones.TOKEN_GOOD, only=("cloudflare.dns",))
    dns = results["cloudflare.dns"]
    assert dns.status == Status.ERROR
    assert f"still announced more pages after {MAX_PAGES} pages" in dns.summary
    pages = [r for r in lab.cloudflare_requests()[before:] if "/dns_records" in r.target]
    assert len(pages) == MAX_PAGES


# ---------------------------------------------------------------- bad answers


async def test_a_slow_api_is_an_error_within_the_timeout(cf_sprint) -> None:
    sprint = cf_sprint("cfslow.test", network={"timeout_s": 0.5})
    results = await run_cf(sprint, lab_zones.TOKEN_GOOD)
    for check in ("cloudflare.tls", "cloudflare.dns", "cloudflare.waf", "cloudflare.ratelimit"):
        result = results[check]
        assert result.status == Status.ERROR, (check, result.summary)
        assert "no answer from the Cloudflare API within 0.5 s" in result.summary
        assert "did not finish within" not in result.summary
    assert results["cloudflare.zone"].status in (Status.ERROR, Status.FAIL)


async def test_server_errors_are_plain_errors(cf_sprint) -> None:
    results = await run_cf(cf_sprint("cf5xx.test"), lab_zones.TOKEN_GOOD)
    assert "HTTP 500: code 10002: An internal error occurred" in results["cloudflare.tls"].summary
    dns = results["cloudflare.dns"].summary
    assert "HTTP 502" in dns and "rate limit was reached (HTTP 429; Retry-After: 30)" in dns
    assert "HTTP 503" in results["cloudflare.waf"].summary
    assert {r.status for r in results.values()} == {Status.ERROR}


async def test_garbled_answers_are_plain_errors(cf_sprint) -> None:
    results = await run_cf(cf_sprint("cfgarbage.test"), lab_zones.TOKEN_GOOD)
    assert "the API's answer is not JSON" in results["cloudflare.tls"].summary
    dns = results["cloudflare.dns"].summary
    assert "more than 4096 KiB in one answer" in dns and "not JSON (it starts '<html>" in dns
    assert "not a Cloudflare API v4 envelope" in results["cloudflare.waf"].summary
    assert {r.status for r in results.values()} == {Status.ERROR}
    assert all("Traceback" not in r.summary and "internal error" not in r.summary for r in results.values())


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything LAUNCHWIZARD_DEBUG=1 would print (the CLI keeps the wire loggers at INFO)."""
    caplog.set_level(logging.DEBUG)
    levels = {name: logging.getLogger(name).level for name in WIRE_LOGGERS}
    for name in WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_a_hostile_api_that_echoes_the_token_never_gets_it_shown(cf_sprint, debug_logs) -> None:
    caplog = debug_logs
    results = await run_cf(cf_sprint("cfecho.test", hosts=["cfecho.test"]), lab_zones.TOKEN_GOOD)
    shown = json.dumps([r.to_json() for r in results.values()])
    assert lab_zones.TOKEN_GOOD not in shown and lab_zones.TOKEN_GOOD not in caplog.text
    assert "[redacted token]" in shown
    assert "Authentication error for Bearer [redacted token]" in results["cloudflare.tls"].summary


# ---------------------------------------------------------------- tokens


@pytest.mark.parametrize(
    ("token", "words"),
    [
        (lab_zones.TOKEN_EXPIRED, "the Cloudflare API token is expired (expires_on 2026-01-01T00:00:00Z)"),
        (lab_zones.TOKEN_REVOKED, "Cloudflare refused the API token (code 1000: Invalid API Token)"),
        ("short", "Cloudflare refused the API token (code 6003: Invalid request headers (Invalid format"),
        ("two words\n", "is not a token (it holds spaces, line breaks"),
    ],
)
async def test_a_token_cloudflare_will_not_accept_is_an_error_for_every_check(
    cf_sprint, token, words
) -> None:
    results = await run_cf(cf_sprint("cfgood.test"), token)
    for result in results.values():
        assert result.status == Status.ERROR and words in result.summary, result.summary
        assert "My Profile > API Tokens > Create Token" in result.fix
        assert token.strip() not in json.dumps(result.to_json()) or token == "short"


async def test_a_token_of_another_account_is_an_error_naming_the_account_mismatch(cf_sprint) -> None:
    results = await run_cf(cf_sprint("cfgood.test"), lab_zones.TOKEN_OTHER)
    for result in results.values():
        assert result.status == Status.ERROR
        assert "not among the zones this token can read" in result.summary
        assert (
            "its name servers are Cloudflare's" in result.summary
            and "another Cloudflare account" in result.summary
        )


async def test_no_token_skips_with_the_command_that_adds_one(cf_sprint) -> None:
    results = await run_cf(cf_sprint("cfgood.test"), None)
    for result in results.values():
        assert result.status == Status.SKIPPED and result.severity == Severity.INFO
        assert "launchwizard store set cloudflare.api_token --secret" in result.summary
    report = await Runner(cf_sprint("cfgood.test"), select(only=["cloudflare.tls"])).run()
    assert (
        report.results[0].status == Status.SKIPPED and "no access to the store" in report.results[0].summary
    )


async def test_a_zone_not_on_cloudflare_is_skipped(cf_sprint) -> None:
    sprint = cf_sprint("lab.test", hosts=["good.lab.test"])
    results = await run_cf(sprint, lab_zones.TOKEN_GOOD)
    for result in results.values():
        assert result.status == Status.SKIPPED and "lab.test is not on Cloudflare" in result.summary, (
            result.summary
        )


@pytest.mark.parametrize(
    ("token", "failing", "permission"),
    [
        (lab_zones.TOKEN_NO_WAF, {"cloudflare.waf", "cloudflare.ratelimit"}, "Zone WAF: Read"),
        (lab_zones.TOKEN_NO_DNS, {"cloudflare.dns"}, "DNS: Read"),
        (
            lab_zones.TOKEN_NO_SETTINGS,
            {"cloudflare.zone", "cloudflare.tls", "cloudflare.waf"},
            "Zone Settings: Read",
        ),
    ],
)
async def test_a_missing_permission_is_an_error_naming_it_and_the_others_still_run(
    cf_sprint, token, failing, permission
) -> None:
    results = await run_cf(cf_sprint("cfgood.test"), token)
    for check, result in results.items():
        if check in failing:
            assert result.status == Status.ERROR, (check, result.summary)
            assert f"the token lacks the {permission} permission" in result.summary
            assert f"add {permission}" in result.fix
            assert result.evidence["permissions"][permission] == "refused"
        else:
            assert result.status == Status.PASS, (check, result.summary)
    if token == lab_zones.TOKEN_NO_WAF:
        waf = results["cloudflare.waf"]
        assert rows(waf, "zone_settings", "setting") == {"security_level": "pass"}


async def test_an_account_owned_token_is_verified_at_its_account(cf_sprint) -> None:
    results = await run_cf(cf_sprint("cfgood.test"), lab_zones.TOKEN_ACCOUNT, only=("cloudflare.zone",))
    zone = results["cloudflare.zone"]
    assert zone.status == Status.PASS and "(an account-owned token)" in zone.summary


async def test_a_rate_limit_check_without_public_endpoints_is_skipped(cf_sprint) -> None:
    sprint = cf_sprint("cfgood.test", endpoints={"homepage": "https://www.cfgood.test/"})
    results = await run_cf(sprint, lab_zones.TOKEN_GOOD, only=("cloudflare.ratelimit",))
    assert results["cloudflare.ratelimit"].status == Status.SKIPPED
    assert "set [endpoints] login and chat" in results["cloudflare.ratelimit"].summary


# ---------------------------------------------------------------- read-only, [network], shared calls


async def test_the_checks_send_only_get_requests_and_only_the_bearer_credential(cf_sprint, lab) -> None:
    before = len(lab.cloudflare_requests())
    await run_cf(cf_sprint("cfweak.test"), lab_zones.TOKEN_GOOD)
    seen = lab.cloudflare_requests()[before:]
    assert seen and {request.method for request in seen} == {"GET"}
    for request in seen:
        assert "authorization" in request.header_names
        assert not {"x-auth-key", "x-auth-email", "x-auth-user-service-key", "cookie"} & set(
            request.header_names
        )


async def test_a_write_or_a_request_outside_the_api_root_never_leaves(cf_sprint, lab) -> None:
    """The transport refuses before sending: the SDK's own write methods and an absolute URL
    elsewhere on the same host reach nothing."""
    from cloudflare import APIConnectionError

    sprint = cf_sprint("cfgood.test")
    async with Net(sprint.network) as net:
        api = await CloudflareApi.open(
            net.http.transport,
            root=sprint.cloudflare.api_base,
            token=lab_zones.TOKEN_GOOD,
            timeout_s=2.0,
            connect_url=net.http.effective_url,
        )
        before = len(lab.cloudflare_requests())
        writes = (
            api.sdk.zones.settings.edit("ssl", zone_id=lab_zones.zone_id("cfgood.test"), value="off"),
            api.sdk.dns.records.delete("x", zone_id=lab_zones.zone_id("cfgood.test")),
            api.sdk.get(
                sprint.cloudflare.api_base.rsplit("/client", 1)[0] + "/other", cast_to=httpx.Response
            ),
        )
        for write in writes:
            with pytest.raises(APIConnectionError) as caught:
                await write
            assert isinstance(caught.value.__cause__, RefusedRequest)
        assert lab.cloudflare_requests()[before:] == []


async def test_network_pins_and_the_ca_bundle_apply_to_the_api(cf_sprint, lab) -> None:
    """A name no DNS knows reaches the API only through [network.pins]; without the lab's CA
    bundle the certificate is not trusted."""
    base = lab.cloudflare_api_base.replace(lab_zones.API_HOST, lab_zones.UNRESOLVED_HOST)
    network = {**lab.network_table(), "pins": {lab_zones.UNRESOLVED_HOST: lab_zones.API_ADDRESS}}
    pinned = cf_sprint("cfgood.test", cloudflare={"api_base": base}, network=network)
    assert (await run_cf(pinned, lab_zones.TOKEN_GOOD, only=("cloudflare.tls",)))[
        "cloudflare.tls"
    ].status == "pass"
    unpinned = cf_sprint("cfgood.test", cloudflare={"api_base": base})
    result = (await run_cf(unpinned, lab_zones.TOKEN_GOOD, only=("cloudflare.tls",)))["cloudflare.tls"]
    assert result.status == Status.ERROR and "could not be reached" in result.summary
    trusted = cf_sprint("cfgood.test")
    untrusted = dataclasses.replace(trusted, network=dataclasses.replace(trusted.network, ca_bundle=None))
    result = (await run_cf(untrusted, lab_zones.TOKEN_GOOD, only=("cloudflare.tls",)))["cloudflare.tls"]
    assert result.status == Status.ERROR and "certificate verify failed" in result.summary


async def test_the_five_checks_share_one_token_check_and_one_zone_lookup(cf_sprint, lab) -> None:
    before = len(lab.cloudflare_requests())
    await run_cf(cf_sprint("cfgood.test"), lab_zones.TOKEN_GOOD)
    targets = [r.target.split("?")[0] for r in lab.cloudflare_requests()[before:]]
    assert targets.count("/client/v4/user/tokens/verify") == 1
    assert targets.count("/client/v4/zones") == 1
    assert len(targets) == len(set(targets))


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("trickle.hostile.test", "no answer from the Cloudflare API within 1 s"),
        ("gigabyte.hostile.test", "the API sent more than 4096 KiB in one answer"),
        ("manyheaders.hostile.test", "could not be reached"),
        ("metadata.hostile.test", "the token is never sent after a redirect"),
    ],
)
async def test_an_api_base_on_a_hostile_server_ends_plainly(cf_sprint, host, words) -> None:
    """Plain errors within the timeout, and every connection closed (a cancelled or refused
    answer leaves no socket open)."""
    sprint = cf_sprint(
        "cfgood.test", cloudflare={"api_base": f"https://{host}/client/v4"}, network={"timeout_s": 1.0}
    )
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        results = await run_cf(sprint, lab_zones.TOKEN_GOOD)
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    for result in results.values():
        assert result.status == Status.ERROR and words in result.summary, result.summary
        assert "did not finish within" not in result.summary


async def test_the_assigned_name_servers_are_exposed_for_registrar_delegation(cf_sprint) -> None:
    sprint = cf_sprint("cfgood.test")
    spec = next(s for s in REGISTRY if s.id == "cloudflare.zone")
    async with Net(sprint.network) as net:
        ctx = CheckContext(sprint, net, spec, "cfgood.test", secret=lambda name: lab_zones.TOKEN_GOOD)
        assert await assigned_nameservers(ctx) == (lab_zones.CLOUDFLARE_NS, None)
    async with Net(sprint.network) as net:
        ctx = CheckContext(sprint, net, spec, "cfgood.test", secret=lambda name: None)
        servers, reason = await assigned_nameservers(ctx)
    assert servers == () and reason is not None and "no Cloudflare API token" in reason


# ---------------------------------------------------------------- the wizard


async def test_the_wizard_shows_the_zone_settings_as_a_table_and_copies_the_rule_to_paste(
    cf_sprint, tmp_path
) -> None:
    """The edge stage run in the wizard, the token read from the store: the finding pane shows
    the zone's settings as a table, the rate-limit rule to paste is copied with y, and the
    capture tab asks for the token."""
    from textual.widgets import Static

    from launchwizard.session import Session
    from launchwizard.store.crypto import ScryptParams
    from launchwizard.store.filekeyring import EncryptedFileKeyring
    from launchwizard.store.store import Store
    from launchwizard.tui.app import LaunchWizardApp
    from launchwizard.tui.widgets.results import ResultsTable, row_key

    sprint = cf_sprint("cfweak.test", cloudflare={"unproxied": ["direct.cfweak.test"]})
    keyring = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    store = Store(sprint.state_dir, "launchwizard:cloudflare", keyring)
    store.set(TOKEN_FIELD, lab_zones.TOKEN_GOOD, secret=True)
    session = Session(sprint, store)
    session.state.last_screen = "stage:edge"
    app = LaunchWizardApp(sprint.path, session)
    async with app.run_test(size=(170, 60)) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        for _ in range(100):
            await pilot.pause()
            if not app.screen.running:  # type: ignore[attr-defined]
                break
        table = app.screen.query_one(ResultsTable)
        table.move_cursor(row=table.get_row_index(row_key("cloudflare.tls", "cfweak.test")))
        await pilot.pause()
        finding = str(app.screen.query_one("#finding", Static).content)
        assert "Zone settings (Cloudflare API)" in finding
        lines = [" ".join(line.split()) for line in finding.splitlines()]
        assert "verdict setting expected value" in lines
        assert "fail always_use_https on off" in lines and "warn ssl strict full" in lines
        table.move_cursor(row=table.get_row_index(row_key("cloudflare.ratelimit", "cfweak.test")))
        await pilot.pause()
        finding = str(app.screen.query_one("#finding", Static).content)
        assert "Endpoints and their rate limits" in finding and "Paste this record" in finding
        await pilot.press("y")
        await pilot.pause()
        copied = json.loads(app.clipboard)
        assert [rule["expression"] for rule in copied] == [
            '(http.request.uri.path eq "/v1/chat")',
            '(http.request.uri.path eq "/login")',
        ]
        await pilot.press("f")
        await pilot.pause()
        assert "Cloudflare API" in html_text(app)
    assert session.results[("cloudflare.dns", "cfweak.test")].status == Status.FAIL


def html_text(app: Any) -> str:
    import html

    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def test_the_sdk_is_loaded_only_when_a_token_is_there(cf_sprint, tmp_path) -> None:
    """`--help` and a run without a token never import the SDK (or pydantic); a run with one
    does, and the checks read the zone."""
    import subprocess
    import sys

    sprint = cf_sprint("cfgood.test")
    probe = (
        "import sys\n"
        "from launchwizard.cli import main\n"
        "try:\n"
        "    main(['check', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = ['cloudflare' in sys.modules, 'pydantic' in sys.modules]\n"
        f"main(['check', '--config', {str(sprint.path)!r}, '--only', 'cloudflare.tls', '--format', 'json'])\n"
        "print(*loaded, 'cloudflare' in sys.modules, file=sys.stderr)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "LAUNCHWIZARD_KEYRING": "file",
        "LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "k.enc"),
        "LAUNCHWIZARD_PASSPHRASE": "pw",
    }
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.stderr.strip().splitlines()[-1] == "False False False", done.stderr
    report = json.loads(done.stdout[done.stdout.index('{\n  "schema"') :])
    assert report["results"][0]["status"] == "skipped"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "launchwizard",
            "store",
            "set",
            TOKEN_FIELD,
            "--secret",
            "--config",
            str(sprint.path),
        ],
        input=lab_zones.TOKEN_GOOD,
        text=True,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.stderr.strip().splitlines()[-1] == "False False True", done.stderr


def test_the_demo_token_answers_only_where_the_store_has_none(cf_sprint, tmp_path) -> None:
    """The wizard demo's fallback secrets: used when nothing is stored, never over a stored one."""
    from launchwizard.commands.wizard import demo_secrets
    from launchwizard.session import Session
    from launchwizard.store.crypto import ScryptParams
    from launchwizard.store.filekeyring import EncryptedFileKeyring
    from launchwizard.store.store import Store

    sprint = cf_sprint("acme.test")
    keyring = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:demo", keyring))
    session.fallback_secrets = demo_secrets()
    assert session.secret_lookup()(TOKEN_FIELD) == lab_zones.DEMO_TOKEN
    assert session.secret_lookup()("monitors.alert_webhook") is None
    session.save_field(TOKEN_FIELD, lab_zones.TOKEN_CANARY, secret=True)
    assert session.secret_lookup()(TOKEN_FIELD) == lab_zones.TOKEN_CANARY
