"""The email stage's records for people: every email result carries `record` (raw, as
published), `parsed` (rows) and, where the fix is a record, `suggested_record`; the
suggestions parse with our own parsers and fix the problem; the stage screen shows the
three sections as plain text and copies the record to paste."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Static
from textual.worker import WorkerFailed

from launchwizard.checks.registry import REGISTRY
from launchwizard.config import Sprint
from launchwizard.email.dkim import parse_dkim_key
from launchwizard.email.dmarc import parse_dmarc
from launchwizard.email.records import spf_rows
from launchwizard.email.spf import parse
from launchwizard.results import Result, Severity, Status
from launchwizard.session import Session
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import LaunchWizardApp
from launchwizard.tui.screens.stage import StageScreen
from launchwizard.tui.widgets.evidence import finding_text
from launchwizard.tui.widgets.results import ResultsTable, row_key

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _spf_sprint(make_sprint: Any, domain: str, **email: Any) -> Sprint:
    return make_sprint(["good.lab.test"], email={"domain": domain, **email})


def _mail_sprint(make_sprint: Any, domain: str, *selectors: str) -> Sprint:
    email: dict[str, Any] = {"domain": domain}
    if selectors:
        email["dkim_selectors"] = list(selectors)
    return make_sprint(["mail.test"], apex="mail.test", email=email)


async def _one(run_check: Any, sprint: Sprint, check: str) -> Result:
    results = await run_check(sprint, check)
    assert len(results) == 1
    return next(iter(results.values()))


def _rows_are_triples(parsed: Any) -> None:
    assert isinstance(parsed, list) and parsed
    assert all(
        isinstance(row, list) and len(row) == 3 and all(isinstance(c, str) for c in row) for row in parsed
    )


# ---------------------------------------------------------------- SPF


async def test_spf_plus_all_gets_raw_parsed_and_a_record_that_fixes_it(make_sprint, run_check) -> None:
    sprint = _spf_sprint(make_sprint, "plusall.spf.test", approved_includes=["_spf.spf.test"])
    result = await _one(run_check, sprint, "email.spf")
    evidence = result.evidence
    assert result.status is Status.FAIL
    assert evidence["record"] == "v=spf1 ip4:198.51.100.10 +all"
    _rows_are_triples(evidence["parsed"])
    assert evidence["parsed"][0] == ["v=spf1", "", "SPF version 1"]
    assert evidence["parsed"][1][:2] == ["+ip4", "198.51.100.10"]
    assert evidence["parsed"][-1][0] == "+all" and evidence["parsed"][-1][2].startswith("pass:")
    suggested = parse(evidence["suggested_record"])
    assert evidence["suggested_record"] == "v=spf1 ip4:198.51.100.10 include:_spf.spf.test -all"
    assert suggested.all_term is not None and suggested.all_term.qualifier == "-"
    assert suggested.terms[-1] is suggested.all_term  # the include went in before the all
    assert evidence["publish_at"] == "plusall.spf.test"
    assert evidence["suggested_record"] in result.fix
    # the old keys stay
    assert {"domain", "lookups", "lookups_per_term", "void_lookups", "all", "bytes"} <= set(evidence)


async def test_spf_missing_approved_include_warns_and_keeps_softfail(make_sprint, run_check) -> None:
    sprint = _spf_sprint(make_sprint, "soft.spf.test", approved_includes=["_spf.spf.test"])
    result = await _one(run_check, sprint, "email.spf")
    assert result.status is Status.WARN, result.summary
    assert "_spf.spf.test not in the record" in result.summary
    assert result.evidence["missing_includes"] == ["_spf.spf.test"]
    assert result.evidence["suggested_record"] == "v=spf1 ip4:198.51.100.10 include:_spf.spf.test ~all"
    fixed = parse(result.evidence["suggested_record"])
    assert fixed.all_term is not None and fixed.all_term.qualifier == "~"


async def test_spf_good_record_has_no_suggestion(make_sprint, run_check) -> None:
    sprint = _spf_sprint(make_sprint, "spf.test", approved_includes=["_spf.spf.test"])
    result = await _one(run_check, sprint, "email.spf")
    assert result.status is Status.PASS, result.summary
    assert result.evidence["record"] == "v=spf1 ip4:198.51.100.0/24 include:_spf.spf.test -all"
    assert [row[:2] for row in result.evidence["parsed"][1:]] == [
        ["+ip4", "198.51.100.0/24"],
        ["+include", "_spf.spf.test"],
        ["-all", ""],
    ]
    assert "suggested_record" not in result.evidence


@pytest.mark.parametrize("domain", ["none.spf.test", "bad.spf.test", "two.spf.test", "noall.spf.test"])
async def test_spf_suggestions_parse_and_end_in_fail_all(make_sprint, run_check, domain: str) -> None:
    result = await _one(run_check, _spf_sprint(make_sprint, domain), "email.spf")
    assert result.status is Status.FAIL
    suggested = parse(result.evidence["suggested_record"])
    assert suggested.all_term is not None and suggested.all_term.qualifier == "-"
    assert result.fix.splitlines()[-1] == result.evidence["suggested_record"]
    if domain == "bad.spf.test":
        assert any(row[2].startswith("invalid:") for row in result.evidence["parsed"])
        assert "ip4:198.51.100.300" not in result.evidence["suggested_record"]
    if domain == "two.spf.test":
        assert isinstance(result.evidence["record"], list) and len(result.evidence["record"]) == 2
        assert "ip4:198.51.100.10" in suggested.raw and "ip4:198.51.100.11" in suggested.raw


async def test_spf_senders_shows_the_record_too(make_sprint, run_check) -> None:
    sprint = _spf_sprint(make_sprint, "plusall.spf.test", sender_ips=["198.51.100.10"])
    result = await _one(run_check, sprint, "email.spf_senders")
    assert result.evidence["record"] == "v=spf1 ip4:198.51.100.10 +all"
    _rows_are_triples(result.evidence["parsed"])
    assert parse(result.evidence["suggested_record"]).all_term.qualifier == "-"  # type: ignore[union-attr]


def test_spf_rows_keep_cidr_and_modifiers() -> None:
    rows = spf_rows("v=spf1 ~mx:mail.example/24//64 ip6:2001:db8::/32 redirect=_spf.example")
    assert rows[1][:2] == ["~mx", "mail.example/24//64"] and rows[1][2].startswith("softfail:")
    assert rows[2][:2] == ["+ip6", "2001:db8::/32"]
    assert rows[3][:2] == ["redirect=", "_spf.example"]


# ---------------------------------------------------------------- DMARC


async def test_dmarc_none_suggests_quarantine_with_the_same_rua(make_sprint, run_check) -> None:
    result = await _one(run_check, _mail_sprint(make_sprint, "none.mail.test"), "email.dmarc")
    evidence = result.evidence
    assert evidence["record"] == evidence["raw"] == "v=DMARC1; p=none; rua=mailto:dmarc@mail.test"
    _rows_are_triples(evidence["parsed"])
    assert [row[:2] for row in evidence["parsed"]] == [
        ["v", "DMARC1"],
        ["p", "none"],
        ["rua", "mailto:dmarc@mail.test"],
    ]
    assert "monitor only" in evidence["parsed"][1][2]
    suggested = parse_dmarc(evidence["suggested_record"])
    assert suggested.valid and suggested.policy == "quarantine"
    assert [u.uri for u in suggested.rua] == ["mailto:dmarc@mail.test"]
    assert evidence["publish_at"] == "_dmarc.none.mail.test"
    assert evidence["suggested_record"] in result.fix


@pytest.mark.parametrize("domain", ["reports.test", "bad.mail.test", "two.mail.test"])
async def test_dmarc_suggestions_are_valid_records_with_reports(make_sprint, run_check, domain: str) -> None:
    result = await _one(run_check, _mail_sprint(make_sprint, domain), "email.dmarc")
    assert result.status is Status.FAIL
    suggested = parse_dmarc(result.evidence["suggested_record"])
    assert suggested.valid, suggested.errors
    assert suggested.rua and suggested.policy in ("none", "quarantine")
    assert result.evidence["suggested_record"] in result.fix
    if domain == "bad.mail.test":
        assert result.evidence["record"] == result.evidence["raw"]
        assert ["p", "maybe"] in [row[:2] for row in result.evidence["parsed"]]
        assert "pct=" not in result.evidence["suggested_record"]


async def test_dmarc_unauthorised_destination_gets_the_authorisation_record(make_sprint, run_check) -> None:
    result = await _one(run_check, _mail_sprint(make_sprint, "noauth.mail.test"), "email.dmarc")
    assert result.evidence["suggested_record"] == "v=DMARC1"
    assert result.evidence["publish_at"] == "noauth.mail.test._report._dmarc.reports.test"
    assert "noauth.mail.test._report._dmarc.reports.test" in result.fix


# ---------------------------------------------------------------- DKIM


async def test_dkim_record_parsed_and_where_to_publish(make_sprint, run_check) -> None:
    result = await _one(run_check, _mail_sprint(make_sprint, "mail.test", "s1024", "s2048"), "email.dkim")
    evidence = result.evidence
    assert result.status is Status.WARN
    names = ["s1024._domainkey.mail.test", "s2048._domainkey.mail.test"]
    assert list(evidence["record"]) == names
    assert evidence["record"][names[0]].startswith("v=DKIM1; k=rsa; p=MIGf")
    assert list(evidence["parsed"]) == names
    rows = evidence["parsed"][names[0]]
    _rows_are_triples(rows)
    assert rows[-1][0] == "p" and "RSA 1024-bit" in rows[-1][2] and "…" in rows[-1][1]
    assert evidence["publish_at"] == names[0]
    assert parse_dkim_key(evidence["suggested_record"]).tags["k"] == "rsa"
    assert names[0] in result.fix


async def test_dkim_testing_key_suggests_the_same_key_without_t(make_sprint, run_check) -> None:
    result = await _one(run_check, _mail_sprint(make_sprint, "mail.test", "testing"), "email.dkim")
    key = parse_dkim_key(result.evidence["suggested_record"])
    assert key.valid and not key.testing and key.bits == 2048
    assert result.evidence["publish_at"] == "testing._domainkey.mail.test"


async def test_dkim_missing_selector_has_no_record_but_a_suggestion(make_sprint, run_check) -> None:
    result = await _one(run_check, _mail_sprint(make_sprint, "mail.test", "nosuch"), "email.dkim")
    assert "record" not in result.evidence
    assert result.evidence["publish_at"] == "nosuch._domainkey.mail.test"
    assert result.evidence["suggested_record"].startswith("v=DKIM1; k=rsa; p=")


# ---------------------------------------------------------------- the finding detail


def _spf_result(record: str, suggested: str) -> Result:
    return Result(
        check="email.spf",
        stage="email",
        target="brackets.test",
        status=Status.FAIL,
        severity=Severity.HIGH,
        title="SPF",
        summary="a record with [brackets]",
        evidence={
            "domain": "brackets.test",
            "record": record,
            "parsed": spf_rows(record),
            "suggested_record": suggested,
            "publish_at": "brackets.test",
        },
        fix=f"Publish this record instead:\n{suggested}",
    )


def test_finding_text_shows_records_verbatim_in_three_sections() -> None:
    spec = next(s for s in REGISTRY if s.id == "email.spf")
    text = finding_text(spec, "brackets.test", _spf_result("[v=spf1 -all]", "[b]v=spf1 -all[/b]"))
    plain = text.plain
    assert "Record (as published)\n[v=spf1 -all]\n" in plain
    assert "Parsed\n" in plain and "[v=spf1" in plain
    assert "Paste this record (TXT at brackets.test)\n[b]v=spf1 -all[/b]\n" in plain
    assert "Evidence\ndomain: brackets.test\n" in plain  # the record keys are not repeated there


def _open_app(sprint: Sprint, keyring: Path) -> LaunchWizardApp:
    backend = EncryptedFileKeyring(keyring, passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12))
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:test", backend), clock=lambda: NOW)
    return LaunchWizardApp(sprint.path, session, clock=lambda: NOW)


def _plain(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


async def test_email_stage_detail_shows_sections_and_copies_the_record(
    make_sprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LAUNCHWIZARD_KEYMAP", raising=False)
    domain = "plusall.spf.test"  # the apex too: email rows are keyed by the apex
    sprint = make_sprint([domain], apex=domain, email={"approved_includes": ["_spf.spf.test"]})
    app = _open_app(sprint, tmp_path / "k.enc")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, StageScreen) and screen.stage.id == "email"
        await pilot.press("r")
        with contextlib.suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        for _ in range(200):
            await pilot.pause()
            if not screen.running:
                break
        table = screen.query_one(ResultsTable)
        table.move_cursor(row=table.get_row_index(row_key("email.spf", domain)))
        await pilot.pause()
        detail = _plain(screen.query_one("#finding", Static))
        assert "Record (as published)\nv=spf1 ip4:198.51.100.10 +all\n" in detail
        assert "Parsed\nv=spf1" in detail and "+all" in detail
        suggested = "v=spf1 ip4:198.51.100.10 include:_spf.spf.test -all"
        assert f"Paste this record (TXT at {domain})\n{suggested}\n" in detail
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == suggested
        # markup in a record never reaches a parser: not in the detail, not in the toast
        bracketed = _spf_result("[v=spf1 -all]", "[v=spf1 -all]")
        screen.session.results[("email.spf", domain)] = bracketed
        screen._show_finding()
        await pilot.pause()
        assert "Record (as published)\n[v=spf1 -all]\n" in _plain(screen.query_one("#finding", Static))
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == "[v=spf1 -all]"
        assert any(
            "[v=spf1 -all]" in str(n.message) for n in app._notifications
        )  # shown verbatim, no MarkupError
