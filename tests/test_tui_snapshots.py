"""Every screen of the wizard as an SVG snapshot, at 120×36 and 80×24.

The data is fixed (sprint, saved run, state, store, clock), so a snapshot changes only when
the screen does. Update with `.venv/bin/python -m pytest tests/test_tui_snapshots.py
--snapshot-update` and review the SVGs before committing them.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from launchwizard.config import load_sprint
from launchwizard.session import Session
from launchwizard.state.runs import SCHEMA, save_run
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import LaunchWizardApp

NOW = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
STARTED = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
SIZES = [pytest.param((120, 36), id="120x36"), pytest.param((80, 24), id="80x24")]
KEYRING = Path("/nonexistent/launchwizard-snapshot.enc")


def _result(
    check: str, target: str, status: str, severity: str, summary: str, **extra: Any
) -> dict[str, Any]:
    return {
        "check": check,
        "stage": extra.get("stage", "audit"),
        "target": target,
        "status": status,
        "severity": severity,
        "title": extra.get("title", check),
        "summary": summary,
        "evidence": extra.get("evidence", {}),
        "fix": extra.get("fix", ""),
        "references": extra.get("references", []),
        "duration_ms": 12,
    }


RESULTS = [
    _result("dns.records", "acme.test", "pass", "high", "resolves as expected: A 203.0.113.10"),
    _result("dns.records", "www.acme.test", "pass", "high", "resolves as expected: A 203.0.113.10"),
    _result(
        "dns.records", "app.acme.test", "warn", "low", "TXT [v=spf1 -all] seen where a CNAME was expected"
    ),
    _result(
        "redirect.https",
        "app.acme.test",
        "fail",
        "high",
        "http://app.acme.test/ serves content (status 200) instead of redirecting to HTTPS",
        fix="Answer every plain-HTTP request with a 301 to https://app.acme.test.",
        references=["internet.nl https_forced"],
    ),
    _result(
        "tls.expiry",
        "app.acme.test",
        "fail",
        "high",
        "certificate expires in 5.5 days (2026-12-01)",
        evidence={"not_after": "2026-12-01T06:00:00+00:00", "days_left": 5.5},
        fix="Renew the certificate and automate renewal.",
        references=["RFC 5280 §4.1.2.5 (validity)"],
    ),
    _result("tls.protocols", "api.acme.test", "error", "high", "could not test any version: timed out"),
]


EMAIL_RESULTS = [
    _result(
        "email.spf",
        "acme.test",
        "fail",
        "high",
        "'+all' lets any server on the internet send as this domain",
        stage="email",
        evidence={
            "domain": "acme.test",
            "record": "v=spf1 ip4:203.0.113.10 +all",
            "parsed": [
                ["v=spf1", "", "SPF version 1"],
                ["+ip4", "203.0.113.10", "pass: IPv4 senders in 203.0.113.10"],
                ["+all", "", "pass: every sender not matched by an earlier term"],
            ],
            "lookups": 0,
            "suggested_record": "v=spf1 ip4:203.0.113.10 include:_spf.mailhost.test -all",
            "publish_at": "acme.test",
        },
        fix="Publish this record instead:\nv=spf1 ip4:203.0.113.10 include:_spf.mailhost.test -all",
        references=["RFC 7208 §5.1 (all)"],
    ),
]
"""One email finding; its brackets must show verbatim (never markup)."""


def make_app(
    tmp_path: Path,
    screen: str | None,
    results: list[dict[str, Any]] | None = None,
    environments: dict[str, list[str]] | None = None,
) -> LaunchWizardApp:
    """The demo-like sprint with one saved run, some state and captured details."""
    path = tmp_path / "sprint.toml"
    document: dict[str, Any] = {
        "sprint": {"client": "Acme Assist", "canonical": "https://www.acme.test/"},
        "domains": {
            "apex": "acme.test",
            "hosts": ["acme.test", "www.acme.test", "app.acme.test", "api.acme.test"],
        },
        "email": {"domain": "acme.test"},
    }
    if environments:
        document["environments"] = {name: {"variables": v} for name, v in environments.items()}
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    sprint = load_sprint(path)
    save_run(
        sprint.state_dir,
        {
            "schema": SCHEMA,
            "started_at": STARTED.isoformat(),
            "duration_ms": 900,
            "results": RESULTS if results is None else results,
            "risks": [],
            "decision": {"verdict": "fix-first", "reasons": []},
        },
        STARTED,
    )
    store = Store(
        sprint.state_dir,
        "launchwizard:acme.test",
        EncryptedFileKeyring(KEYRING, passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)),
        tuple(sprint.environments),
    )
    store.set("registrar.owner", "Dana Smith (founder)")
    store.set("registrar.provider", "Gandi")
    session = Session(sprint, store, clock=lambda: NOW)
    session.change_state(lambda state: state.start_clock(STARTED))
    session.mark_item("rollback-tested", "done", "rolled back v2 -> v1 on staging in 4 min")
    session.mark_item("alerts-routed", "waive", "pager after launch", "Dana", date(2099, 1, 1))
    if screen == "setup":
        return LaunchWizardApp(Path("sprint.toml"), None, clock=lambda: NOW)
    session.remember_screen(screen)
    return LaunchWizardApp(path, session, clock=lambda: NOW)


async def settle(pilot: Any) -> None:
    """Let workers (pack preview) finish and the screen repaint."""
    await pilot.pause()
    with contextlib.suppress(Exception):  # a failed worker shows in the snapshot itself
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "screen", ["setup", "overview", "stage:audit", "stage:deploy", "decision", "handover"]
)
def test_screens(snap_compare, tmp_path: Path, monkeypatch, screen: str, size: tuple[int, int]) -> None:
    (tmp_path / "new").mkdir()
    monkeypatch.chdir(tmp_path / "new")
    assert snap_compare(make_app(tmp_path, screen), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("screen", "keys"),
    [
        pytest.param("stage:deploy", ("i", "m"), id="item-modal"),
        pytest.param("decision", ("v",), id="override-modal"),
        pytest.param("stage:email", ("l",), id="pick-message-modal"),
    ],
)
def test_modals(
    snap_compare, tmp_path: Path, monkeypatch, screen: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert snap_compare(make_app(tmp_path, screen), terminal_size=size, press=keys, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_email_finding(snap_compare, tmp_path: Path, monkeypatch, size: tuple[int, int]) -> None:
    """The email stage with the SPF finding selected: record, parsed table, record to paste."""
    monkeypatch.chdir(tmp_path)
    app = make_app(tmp_path, "stage:email", RESULTS + EMAIL_RESULTS)
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("screen", "keys"),
    [
        pytest.param("stage:audit", ("f",), id="capture"),
        pytest.param("stage:audit", ("f", "down", "down", "enter", "ctrl+u", *"Ana"), id="capture-unsaved"),
        pytest.param(
            "stage:audit", ("f", "down", "down", "enter", "ctrl+u", *"Ana", "enter"), id="capture-saved"
        ),
        pytest.param("stage:audit", ("f", "down", "down", "u"), id="capture-restored"),
        pytest.param("stage:deploy", ("f",), id="capture-environments"),
        pytest.param(
            "stage:deploy", ("f", "down", "down", "enter", *"Redeploy v1", "enter"), id="capture-lines"
        ),
    ],
)
def test_capture(
    snap_compare, tmp_path: Path, monkeypatch, screen: str, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    """The capture form at rest (the owner was changed once, so it has an earlier value), with
    an unsaved draft, saved, restored, one field per environment, and a multi-line field being
    edited."""
    monkeypatch.chdir(tmp_path)
    app = make_app(
        tmp_path, screen, environments={"production": ["DATABASE_URL"], "staging": ["DATABASE_URL"]}
    )
    app.session.save_field("registrar.owner", "Sam Lee")
    assert snap_compare(app, terminal_size=size, press=keys, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_accept_risk_dialog(snap_compare, tmp_path: Path, monkeypatch, size: tuple[int, int]) -> None:
    """The perf stage with a failed injection run: `a` opens the dialog, centred, buttons in view."""
    monkeypatch.chdir(tmp_path)
    rows = [{"prompt": p, "verdict": "fail", "owasp": "LLM07"} for p in ("extract-repeat", "hijack-1")]
    injection = _result(
        "ai.injection",
        "acme.test",
        "fail",
        "critical",
        "2 of 24 prompts broke the bot",
        stage="perf",
        evidence={"prompts": rows},
    )
    app = make_app(tmp_path, "stage:perf", [*RESULTS, injection])
    assert snap_compare(app, terminal_size=size, press=("a",), run_before=_select_injection)


async def _select_injection(pilot: Any) -> None:
    await settle(pilot)
    from launchwizard.tui.widgets.results import ResultsTable

    table = pilot.app.screen.query_one(ResultsTable)
    key = next(key for key in table.units if key.startswith("ai.injection@"))
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_waiver_dialog(snap_compare, tmp_path: Path, monkeypatch, size: tuple[int, int]) -> None:
    """Waiving asks for a reason, an owner and an expiry: every field and both buttons show."""
    monkeypatch.chdir(tmp_path)

    async def waive(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("i", "m")
        await pilot.click("#action-waive")
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, "stage:deploy"), terminal_size=size, run_before=waive)
