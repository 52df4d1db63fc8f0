"""Nothing hostile reaches the screen: every string the wizard and the text reports show from
outside goes through the one sanitiser.

A saved run whose every text (summary, fix, evidence of every shape the finding pane draws as
tables, records or lists) holds an OSC 52 clipboard write, a screen clear, a bell, a bidi
override, a C1 CSI and a newline that tries to forge a line; a state file and a store with
the same in evidence, reasons and owner names; a repository whose file names hold the same.
What the wizard paints (every screen, every row of every stage, every tab) and what the
text commands print must hold none of those characters.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from launchwizard.checks.registry import REGISTRY
from launchwizard.config import load_sprint
from launchwizard.session import Session
from launchwizard.state.runs import SCHEMA, save_run
from launchwizard.state.statefile import update_state
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store
from launchwizard.tui.app import LaunchWizardApp

HOSTILE = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202eevil\u2066\x9b31m\rcarriage\x08\x7f\nFORGED ✓ PASS line"
FIXED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def forbidden(text: str) -> list[str]:
    """Characters a terminal acts on: C0 and C1 controls, DEL, and format characters (bidi)."""
    return sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in ("Cc", "Cf")})


def hostile_evidence() -> dict[str, Any]:
    row = {column: HOSTILE for column in ("test", "result", "received", "url", "probe", "origin", "name")}
    row.update(
        {"path": HOSTILE, "sample": HOSTILE, "reply": HOSTILE, "detectors": HOSTILE, "problem": HOSTILE}
    )
    return {
        "record": [HOSTILE, HOSTILE],
        "parsed": [[HOSTILE, HOSTILE], ["term", HOSTILE]],
        "suggested_record": HOSTILE,
        "problems": [{"level": "error", "message": HOSTILE}],
        "findings": [
            {"rule": "generic", "redacted": HOSTILE, "path": HOSTILE, "line": 1, "severity": "high"}
        ],
        "variables": [{"name": HOSTILE, "read_at": HOSTILE, "environments": {"production": HOSTILE}}],
        **{key: [row] for key in ("tests", "probes", "names", "exposed", "visits", "prompts", "routes")},
        HOSTILE: {"nested": [HOSTILE, {HOSTILE: HOSTILE}]},
    }


def hostile_session(tmp_path: Path) -> Session:
    path = tmp_path / "sprint.toml"
    document = {
        "sprint": {"client": "Acme Assist", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["acme.test", "www.acme.test"]},
        "endpoints": {"homepage": "https://www.acme.test/"},
    }
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    sprint = load_sprint(path)
    results = []
    for spec in REGISTRY:
        results.append(
            {
                "check": spec.id,
                "stage": spec.stage,
                "target": "acme.test",
                "status": "fail",
                "severity": "high",
                "title": HOSTILE,
                "summary": HOSTILE,
                "evidence": hostile_evidence(),
                "fix": HOSTILE,
                "references": [HOSTILE],
            }
        )
    run = {"schema": SCHEMA, "started_at": "2026-11-25T09:00:00+00:00", "duration_ms": 12, "results": results}
    save_run(sprint.state_dir, run, FIXED)

    def hostile_state(state: Any) -> None:
        state.mark_done("rollback-tested", HOSTILE)
        state.mark_na("release-notes", HOSTILE)
        state.mark_waived("alerts-routed", HOSTILE, HOSTILE, date(2099, 1, 1))
        state.set_override("fix-first", HOSTILE, HOSTILE)
        state.accept_risk("ai.injection:extract-repeat", HOSTILE, HOSTILE)

    update_state(sprint.state_dir, hostile_state)
    keyring = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    store = Store(sprint.state_dir, "launchwizard:hostile", keyring)
    store.set("registrar.owner", HOSTILE)
    store.set("registrar.provider", HOSTILE)
    return Session(sprint, store, clock=lambda: FIXED)


def painted(app: LaunchWizardApp) -> str:
    """Everything the screen sends to the terminal, as text (what a capture-pane would get)."""
    strips = app.screen._compositor.render_strips()
    return "".join(segment.text for strip in strips for segment in strip)


async def test_no_screen_paints_a_control_character(tmp_path: Path) -> None:
    session = hostile_session(tmp_path)
    app = LaunchWizardApp(session.sprint.path, session, clock=lambda: FIXED)
    seen: dict[str, list[str]] = {}
    shown: list[str] = []

    def look(where: str) -> None:
        text = painted(app)
        shown.append(text)
        seen[where] = forbidden(text)

    async with app.run_test(size=(120, 36)) as pilot:
        app.notify(f"toast {HOSTILE}", title=HOSTILE)
        await pilot.pause()
        look("overview")
        for number in range(1, 8):
            await pilot.press(str(number))
            await pilot.pause()
            rows = app.screen.query_one("#results").row_count
            for row in range(rows):
                look(f"stage {number} row {row}")
                await pilot.press("down")
                await pilot.pause()
            for tab in ("i", "f"):
                await pilot.press(tab)
                await pilot.pause()
                look(f"stage {number} tab {tab}")
            await pilot.press("c")
        for screen in ("d", "h"):
            await pilot.press(screen)
            await app.workers.wait_for_complete()
            await pilot.pause()
            look(screen)
    assert sum("FORGED" in text for text in shown) > 7, "the hostile text was on screen, as codes"
    assert {where: chars for where, chars in seen.items() if chars} == {}
    assert len(seen) > 7 * 3


def test_file_names_in_a_secrets_report_cannot_forge_lines(tmp_path: Path) -> None:
    from launchwizard.demo import fakesecrets

    repo = tmp_path / "repo"
    repo.mkdir()
    name = "x\x1b]52;c;ZXZpbA==\x07\u202e.env\nFORGED LINE"
    (repo / name).write_text(fakesecrets.line("stripe-secret-key", 3) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "launchwizard", "secrets", str(repo), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert done.returncode == 1, done.stderr
    assert forbidden(done.stdout.replace("\n", "")) == []
    assert not any(line.startswith("FORGED") for line in done.stdout.splitlines())
    assert "\\x1b]52" in done.stdout


def test_status_and_text_reports_show_hostile_state_as_codes(tmp_path: Path) -> None:
    session = hostile_session(tmp_path)
    for args in (("status",), ("check", "--since", "latest", "--only", "tls.expiry", "--no-save")):
        done = subprocess.run(
            [sys.executable, "-m", "launchwizard", *args, "--config", str(session.sprint.path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = done.stdout + done.stderr
        assert forbidden(output.replace("\n", "")) == [], args
        assert not any(line.startswith("FORGED") for line in output.splitlines()), args
