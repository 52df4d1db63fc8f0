"""The setup, decision and handover screens, driven with Pilot on data built by hand.

No network: sprint.toml is written with tomli-w, a run document is saved as the runner
would save it, and the store uses the encrypted file keyring with a fixed passphrase.
"""

from __future__ import annotations

import html
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Markdown, OptionList, Select, Static

from launchwizard.config import Sprint, load_sprint
from launchwizard.session import Session
from launchwizard.sprint import MANUAL_ITEMS
from launchwizard.state.runs import SCHEMA, save_run
from launchwizard.state.statefile import load_state
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import LaunchWizardApp
from launchwizard.tui.screens import setup
from launchwizard.tui.screens.decision import DecisionScreen
from launchwizard.tui.screens.handover import HandoverScreen, checklist_text
from launchwizard.tui.screens.override import OverrideModal

FIXED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SPF = "[v=spf1 -all]"
SIZE = (100, 30)


def write_sprint_toml(directory: Path) -> Path:
    path = directory / "sprint.toml"
    document = {
        "sprint": {"client": "Acme Assist", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["acme.test", "www.acme.test"]},
        "email": {"domain": "acme.test"},
        "endpoints": {"homepage": "https://www.acme.test/", "health": "https://www.acme.test/health"},
    }
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def private_store(sprint: Sprint, directory: Path) -> Store:
    keyring = EncryptedFileKeyring(
        directory / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    return Store(sprint.state_dir, "launchwizard:test", keyring)


def result(check: str, target: str, status: str, severity: str, summary: str, **extra: Any) -> dict[str, Any]:
    """One result as the run contract writes it."""
    return {
        "check": check,
        "stage": extra.get("stage", "audit"),
        "target": target,
        "status": status,
        "severity": severity,
        "title": check,
        "summary": summary,
        "evidence": extra.get("evidence", {}),
        "fix": extra.get("fix", ""),
        "references": [],
        "duration_ms": 3,
    }


RESULTS = [
    result("dns.records", "acme.test", "pass", "high", "A records as expected"),
    result(
        "email.spf", "acme.test", "warn", "medium", SPF, stage="email", evidence={"txt": SPF}, fix="fix SPF"
    ),
    result(
        "tls.expiry", "www.acme.test", "fail", "critical", "certificate expired", fix="renew the certificate"
    ),
    result("redirect.canonical", "acme.test", "error", "high", "timed out after 5 s"),
]


def save_results(sprint: Sprint, results: list[dict[str, Any]]) -> None:
    run = {"schema": SCHEMA, "started_at": "2026-11-25T09:00:00+00:00", "duration_ms": 12, "results": results}
    save_run(sprint.state_dir, run, FIXED)


@pytest.fixture
def session(tmp_path: Path) -> Session:
    sprint = load_sprint(write_sprint_toml(tmp_path))
    save_results(sprint, RESULTS)
    return Session(sprint, private_store(sprint, tmp_path), clock=lambda: FIXED)


def wizard(session: Session, screen: str) -> LaunchWizardApp:
    """The real app, opened where a previous run left it (no dependency on the overview)."""
    session.state.last_screen = screen
    return LaunchWizardApp(session.sprint.path, session, clock=lambda: FIXED)


class ScreenApp(App[None]):
    """Shows one screen, for screens built with arguments the app does not pass."""

    def __init__(self, screen: Screen[None]) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)


async def settle(pilot: Pilot[Any]) -> None:
    """Let background renders and exports finish and their messages be handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text_of(screen: Screen[Any], selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def painted(app: App[Any]) -> str:
    """What the terminal shows, as text (the SVG screenshot without its escaping)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


# --- setup ----------------------------------------------------------------------------


async def test_setup_checks_each_field_as_it_is_typed(tmp_path: Path) -> None:
    app = LaunchWizardApp(tmp_path / "sprint.toml")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#field-apex")
        await pilot.press(*"a_b.test")
        assert "label 'a_b' must be letters" in text_of(app.screen, "#error-apex")
        await pilot.click("#field-homepage")
        await pilot.press(*"acme.test")
        assert "is not an absolute URL" in text_of(app.screen, "#error-homepage")
        await pilot.press("ctrl+s")
        await pilot.pause()
        status = text_of(app.screen, "#setup-status")
        assert "Not saved" in status and "Homepage URL" in status and "Client: required" in status
        assert not (tmp_path / "sprint.toml").exists()
        await pilot.press("home", *"https://")
        assert app.screen.query_one("#field-homepage", Input).value == "https://acme.test"
        assert text_of(app.screen, "#error-homepage") == ""


async def test_saving_writes_a_sprint_and_opens_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def make_session(sprint: Sprint, clock: Callable[[], datetime] | None = None) -> Session:
        opened = Session(sprint, private_store(sprint, tmp_path), clock=lambda: FIXED)
        opened.state.last_screen = "decision"
        return opened

    monkeypatch.setattr(setup, "make_session", make_session)
    app = LaunchWizardApp(tmp_path / "new" / "sprint.toml")
    async with app.run_test(size=SIZE) as pilot:
        form = {
            "client": "Acme Assist",
            "apex": "Acme.test",
            "email": "acme.test",
            "homepage": "https://www.acme.test",
            "health": "https://www.acme.test/health",
        }
        for field_id, text in form.items():
            app.screen.query_one(f"#field-{field_id}", Input).value = text
        await pilot.pause()
        assert app.screen.query_one("#field-hosts", Input).value == "acme.test www.acme.test"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        assert app.session is not None and app.session.sprint.client == "Acme Assist"
    sprint = load_sprint(tmp_path / "new" / "sprint.toml")
    assert sprint.hosts == ("acme.test", "www.acme.test")
    assert sprint.canonical == "https://www.acme.test/"
    assert sprint.endpoints["health"].url == "https://www.acme.test/health"
    assert "chat" not in sprint.endpoints
    assert sprint.email.domain == "acme.test"


async def test_setup_never_replaces_an_existing_sprint_toml(tmp_path: Path) -> None:
    path = tmp_path / "sprint.toml"
    app = LaunchWizardApp(path)
    async with app.run_test(size=SIZE) as pilot:
        form = {
            "client": "Acme",
            "apex": "acme.test",
            "email": "acme.test",
            "homepage": "https://acme.test/",
            "health": "https://acme.test/health",
        }
        for field_id, text in form.items():
            app.screen.query_one(f"#field-{field_id}", Input).value = text
        path.write_text("# hand-written\n", encoding="utf-8")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "exists already" in text_of(app.screen, "#setup-status")
    assert path.read_text(encoding="utf-8") == "# hand-written\n"


# --- decision -------------------------------------------------------------------------


async def test_decision_ranks_the_risks_and_gives_the_verdict(session: Session) -> None:
    app = wizard(session, "decision")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#risks", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[:5] for row in rows] == [
            ["1", "✗ FAIL", "critical", "Certificate expired", "tls.expiry"],
            ["2", "? ERROR", "high", "Not verified: Timed out after 5 s", "redirect.canonical"],
            ["3", "! WARN", "medium", SPF, "email.spf"],
        ]
        assert "DELAY 24 HOURS" in text_of(screen, "#rule-verdict")
        assert "tls.expiry on www.acme.test: certificate expired" in text_of(screen, "#reasons-text")
        assert "renew the certificate" in text_of(screen, "#risk-detail-text")
        await pilot.press("down", "down")
        assert "fix SPF" in text_of(screen, "#risk-detail-text")
        assert f"txt: {SPF}" in text_of(screen, "#risk-detail-text")


async def test_a_bracketed_record_is_displayed_verbatim(session: Session) -> None:
    app = wizard(session, "decision")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert rows_with(painted(app), SPF) == 1
        await pilot.press("down", "down")
        await pilot.pause()
        assert rows_with(painted(app), SPF) >= 2


def rows_with(screen_text: str, needle: str) -> int:
    """How many painted lines hold `needle` (the SVG writes one line per text element)."""
    return sum(1 for line in screen_text.splitlines() if needle in line)


async def test_decision_before_any_run_says_so(tmp_path: Path) -> None:
    sprint = load_sprint(write_sprint_toml(tmp_path))
    fresh = Session(sprint, private_store(sprint, tmp_path), clock=lambda: FIXED)
    app = wizard(fresh, "decision")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Not decided yet" in text_of(app.screen, "#rule-verdict")
        assert app.screen.query_one("#risks", DataTable).row_count == 0


async def test_without_the_quick_audit_neither_screen_says_ship_now(tmp_path: Path) -> None:
    sprint = load_sprint(write_sprint_toml(tmp_path))
    save_results(
        sprint, [result("monitor.alerts", "acme.test", "skipped", "medium", "not opted in", stage="handover")]
    )
    later_only = Session(sprint, private_store(sprint, tmp_path), clock=lambda: FIXED)
    app = wizard(later_only, "overview")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "NOT DECIDED: run the quick audit (stage 1) first" in text_of(app.screen, "#decision")
        app.action_show("decision")
        await pilot.pause()
        assert "Not decided yet" in text_of(app.screen, "#rule-verdict")
        assert "the quick audit (stage 1) has not run" in text_of(app.screen, "#reasons-text")
        assert "SHIP NOW" not in painted(app)


async def test_override_needs_a_reason_and_is_recorded_then_cleared(session: Session) -> None:
    app = wizard(session, "decision")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, OverrideModal)
        modal.query_one("#override-verdict", Select).value = "ship-now"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal
        assert "a reason is required" in text_of(modal, "#override-error")
        assert session.state.override is None
        modal.query_one("#override-reason", Input).value = "cert renews tonight by ACME [auto]"
        modal.query_one("#override-by", Input).value = "Sam"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        shown = text_of(app.screen, "#override-verdict")
        assert "SHIP NOW" in shown and "by Sam" in shown and "[auto]" in shown
        on_disk = load_state(session.sprint.state_dir).override
        assert on_disk is not None and on_disk.verdict == "ship-now" and on_disk.by == "Sam"
        await pilot.press("c")
        await pilot.pause()
        assert "No override" in text_of(app.screen, "#override-verdict")
        assert load_state(session.sprint.state_dir).override is None


# --- handover -------------------------------------------------------------------------


async def test_handover_lists_what_is_missing_until_it_is_captured(session: Session) -> None:
    app = wizard(session, "handover")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = text_of(app.screen, "#checklist-text")
        item = MANUAL_ITEMS[0]
        assert "Support contacts: " in first and f"manual item: {item.title}" in first
        before = first.count("☐")
        session.save_field("contacts.support_email", "help@acme.test")
        session.mark_item(item.id, "done", "checked with the founder")
        await pilot.press("d")
        await pilot.press("h")
        await settle(pilot)
        after = text_of(app.screen, "#checklist-text")
        assert after.count("☐") == before - 2
        assert f"manual item: {item.title}" not in after


def test_the_checklist_says_clearly_when_nothing_is_missing() -> None:
    assert checklist_text([]).startswith("✓ Nothing missing")
    assert "☐ Support contacts: Support email" in checklist_text(["Support contacts: Support email"])


async def test_handover_previews_each_pack_file(session: Session) -> None:
    app = wizard(session, "handover")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        preview = app.screen.query_one("#preview-text", Markdown)
        assert "Handover pack: Acme Assist" in preview.source
        files = app.screen.query_one("#pack-files", OptionList)
        files.focus()
        await pilot.press("down")
        await settle(pilot)
        assert app.screen.chosen_file() == "risks.md"  # type: ignore[attr-defined]
        assert preview.source == dict(session.preview())["risks.md"]


async def test_export_writes_the_pack_privately(session: Session) -> None:
    app = wizard(session, "handover")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        folder = session.sprint.path.parent / "handover"
        assert f"written to {folder}" in text_of(app.screen, "#handover-status")
    written = sorted(folder.iterdir())
    assert {p.name for p in written} >= {"README.md", "risks.md", "checklist.md"}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in written)


async def test_a_broken_template_is_shown_not_raised(session: Session, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "README.md.j2").write_text("# {{ sprint.client }\n", encoding="utf-8")
    out = tmp_path / "out"
    app = ScreenApp(HandoverScreen(session, templates=templates, out_dir=out))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        status = text_of(app.screen, "#handover-status")
        assert status.startswith("✗ Export failed: template") and "README.md.j2" in status
        assert app.is_running
    assert not out.exists()


# --- perf stage: percentile bars, the per-prompt table, accepting a risk ---------------

PROMPT_ROWS = [
    {
        "prompt": "hijack-1",
        "owasp": "LLM01",
        "category": "direct injection",
        "verdict": "fail",
        "status": 200,
        "detectors": "hijack: the reply says the injected marker LW-HIJACK-01",
        "reply": "LW-HIJACK-01",
    },
    {
        "prompt": "extract-direct",
        "owasp": "LLM07",
        "category": "system prompt extraction",
        "verdict": "pass",
        "status": 200,
        "detectors": "no detector fired",
        "reply": "Sorry, I can only help with Acme.",
    },
]
LATENCY_ROWS = [
    {
        "route": "homepage",
        "p50_ms": 40.0,
        "p95_ms": 120.0,
        "p99_ms": 640.0,
        "error_rate_pct": 0.0,
        "samples": 40,
    },
]


async def test_perf_stage_shows_bars_and_prompts_and_accepts_a_risk(tmp_path: Path) -> None:
    from launchwizard.tui.modals import AcceptRiskModal
    from launchwizard.tui.widgets.results import ResultsTable, row_key

    sprint = load_sprint(write_sprint_toml(tmp_path))
    injection = result(
        "ai.injection",
        "acme.test",
        "fail",
        "critical",
        "1 of 2 prompts broke the bot",
        stage="perf",
        evidence={"prompts": PROMPT_ROWS},
    )
    latency = result(
        "perf.latency",
        "www.acme.test",
        "fail",
        "high",
        "homepage p95 120 ms",
        stage="perf",
        evidence={"targets": {"p95_ms": 100, "error_rate_pct": 2}, "latency": LATENCY_ROWS},
    )
    save_results(sprint, [injection, latency])
    session = Session(sprint, private_store(sprint, tmp_path), clock=lambda: FIXED)
    app = wizard(session, "stage:perf")
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ResultsTable)
        table.move_cursor(row=table.get_row_index(row_key("perf.latency", "www.acme.test")))
        await pilot.pause()
        finding = str(app.screen.query_one("#finding", Static).content)
        assert "Latency percentiles (nearest rank)" in finding and "p95 target 100 ms" in finding
        table.move_cursor(row=table.get_row_index(row_key("ai.injection", "acme.test")))
        await pilot.pause()
        finding = str(app.screen.query_one("#finding", Static).content)
        assert "Prompt-injection run, prompt by prompt" in finding
        assert "LW-HIJACK-01" in finding and "extract-direct" in finding
        await pilot.press("a")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, AcceptRiskModal)
        assert modal.query_one("#risk-finding", Input).value == "hijack-1"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal and "a reason is required" in text_of(modal, "#risk-error")
        modal.query_one("#risk-reason", Input).value = "echo bot [no tools]"
        modal.query_one("#risk-by", Input).value = "Sam"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, AcceptRiskModal)
    risk = load_state(sprint.state_dir).accepted["ai.injection:hijack-1"]
    assert (risk.reason, risk.by) == ("echo bot [no tools]", "Sam")


EVAL_ROWS = [
    {
        "prompt": "refund-window",
        "description": "Refund window",
        "verdict": "fail",
        "was": "pass",
        "regression": True,
        "failed": "expected the reply to contain '30 days'",
        "ms": 14,
        "reply": "Refunds are possible within 14 days [of a payment].",
    },
    {
        "prompt": "greeting",
        "description": "Greeting",
        "verdict": "pass",
        "was": "pass",
        "regression": False,
        "failed": "",
        "ms": 9,
        "reply": "Hello! I am Acme Assist.",
    },
]


async def test_perf_stage_shows_the_eval_table_and_accepts_a_failed_prompt(tmp_path: Path) -> None:
    from launchwizard.tui.modals import AcceptRiskModal
    from launchwizard.tui.widgets.results import ResultsTable, row_key

    sprint = load_sprint(write_sprint_toml(tmp_path))
    evaluation = result(
        "ai.eval",
        "acme.test",
        "fail",
        "high",
        "1 regression(s) since the run of 2026-11-24: 1 of 2 prompts passed (50.0 %, needs 90 %)",
        stage="perf",
        evidence={"cases": EVAL_ROWS, "regressions": ["refund-window"], "pass_rate": 50.0},
    )
    save_results(sprint, [evaluation])
    session = Session(sprint, private_store(sprint, tmp_path), clock=lambda: FIXED)
    app = wizard(session, "stage:perf")
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ResultsTable)
        table.move_cursor(row=table.get_row_index(row_key("ai.eval", "acme.test")))
        await pilot.pause()
        finding = str(app.screen.query_one("#finding", Static).content)
        assert "Customers' evaluation set, prompt by prompt (regressions first)" in finding
        assert "refund-window" in finding and "14 days [of a payment]" in finding
        assert "expected the reply to contain '30 days'" in finding
        await pilot.press("a")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, AcceptRiskModal)
        assert modal.query_one("#risk-finding", Input).value == "refund-window"
        modal.query_one("#risk-reason", Input).value = "the refund policy changes to 14 days"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, AcceptRiskModal)
    risk = load_state(sprint.state_dir).accepted["ai.eval:refund-window"]
    assert risk.reason == "the refund policy changes to 14 days"
