"""The CLI keeps the sprint's state: saved runs with diffs, manual items, overrides, status."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from launchwizard.state.runs import list_runs, load_run
from launchwizard.state.statefile import load_state


@pytest.fixture
def sprint_file(make_sprint) -> Path:
    return make_sprint(["good.lab.test", "expiring.lab.test"]).path


def test_check_saves_each_run_and_reports_what_changed(capsys, run_cli, sprint_file) -> None:
    state_dir = sprint_file.parent / ".launchwizard"
    run_cli(capsys, "check", "--config", str(sprint_file), "--only", "tls.expiry")
    code, out, _ = run_cli(capsys, "check", "--config", str(sprint_file), "--only", "tls.expiry")
    assert code == 1
    runs = list_runs(state_dir)
    assert len(runs) == 2
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in runs)
    assert stat.S_IMODE(state_dir.stat().st_mode) == 0o700
    assert "SINCE THE PREVIOUS RUN" in out
    assert "still failing: 1 (tls.expiry on expiring.lab.test)" in out
    newest = load_run(runs[0])
    assert [d["target"] for d in newest["diff"]["still_failing"]] == ["expiring.lab.test"]
    state = load_state(state_dir)
    assert state.started_at is not None
    assert state.stages["audit"].status == "in-progress"


def test_json_output_carries_the_diff_and_no_save_saves_nothing(capsys, run_cli, sprint_file) -> None:
    code, out, _ = run_cli(
        capsys, "check", "--config", str(sprint_file), "--only", "tls.expiry", "--format", "json", "--no-save"
    )
    assert code == 1
    assert "diff" not in json.loads(out)
    assert not (sprint_file.parent / ".launchwizard").exists()
    out = run_cli(capsys, "check", "--config", str(sprint_file), "--only", "tls.expiry", "--format", "json")[
        1
    ]
    diff = json.loads(out)["diff"]
    assert diff["previous"] is None
    assert [(d["target"], d["was"]) for d in diff["new"]] == [("expiring.lab.test", None)]


def test_a_run_that_cannot_be_saved_still_reports(capsys, run_cli, sprint_file) -> None:
    (sprint_file.parent / ".launchwizard").write_text("not a directory", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--config", str(sprint_file), "--only", "tls.expiry")
    assert code == 1
    assert "LAUNCH DECISION" in out
    assert err.startswith("launchwizard: warning: could not save ")
    assert "the previous version is unchanged" in err


def test_manual_items_are_recorded_only_when_complete(capsys, run_cli, sprint_file) -> None:
    config = ["--config", str(sprint_file)]
    assert run_cli(capsys, "item", "rollback-tested", "done", *config)[2] == (
        "launchwizard: error: evidence is required\n"
    )
    assert run_cli(capsys, "item", "no-such-item", "done", *config)[0] == 2
    code, _, err = run_cli(
        capsys, "item", "alerts-routed", "waive", "--reason", "later", "--owner", "Dana", *config
    )
    assert (code, err) == (2, "launchwizard: error: a waiver needs --expires YYYY-MM-DD\n")
    assert (
        run_cli(capsys, "item", "rollback-tested", "done", "--evidence", "v2 -> v1 in 4 min", *config)[0] == 0
    )
    assert run_cli(capsys, "item", "uptime-two-regions", "na", "--reason", "single region", *config)[0] == 0
    state = load_state(sprint_file.parent / ".launchwizard")
    assert state.item("rollback-tested").evidence == "v2 -> v1 in 4 min"
    assert state.item("uptime-two-regions").status == "na"
    assert run_cli(capsys, "item", "rollback-tested", "reopen", *config)[0] == 0
    assert load_state(sprint_file.parent / ".launchwizard").item("rollback-tested").status == "todo"


def test_decision_override_needs_a_reason_and_can_be_cleared(capsys, run_cli, sprint_file) -> None:
    config = ["--config", str(sprint_file)]
    assert run_cli(capsys, "decide", "ship-now", *config)[0] == 2
    assert (
        run_cli(capsys, "decide", "ship-now", "--reason", "renewal is automated", "--by", "Sam", *config)[0]
        == 0
    )
    override = load_state(sprint_file.parent / ".launchwizard").override
    assert override is not None and (override.verdict, override.by) == ("ship-now", "Sam")
    assert run_cli(capsys, "decide", "--clear", *config)[0] == 0
    assert load_state(sprint_file.parent / ".launchwizard").override is None


def test_status_does_not_call_ship_now_before_the_quick_audit(capsys, run_cli, sprint_file) -> None:
    config = ["--config", str(sprint_file)]
    run_cli(capsys, "check", *config, "--stage", "handover")
    out = run_cli(capsys, "status", *config)[1]
    assert "DECISION: not decided: the quick audit (stage 1) has not run" in out
    assert "SHIP NOW" not in out


def test_status_shows_clock_items_run_and_override(capsys, run_cli, sprint_file) -> None:
    config = ["--config", str(sprint_file)]
    code, out, _ = run_cli(capsys, "status", *config)
    assert code == 0
    assert "clock: not started" in out
    assert "DECISION: no check run yet" in out
    run_cli(capsys, "check", *config, "--only", "tls.expiry")
    run_cli(
        capsys,
        "item",
        "alerts-routed",
        "waive",
        "--reason",
        "pager next week",
        "--owner",
        "Dana",
        "--expires",
        "2099-01-01",
        *config,
    )
    run_cli(capsys, "decide", "ship-now", "--reason", "risk accepted", *config)
    out = run_cli(capsys, "status", *config)[1]
    assert "phase: audit (hours 0-8)" in out
    assert "audit     in-progress" in out
    assert "~ WAIVED alerts-routed" in out and "(owner Dana, until 2099-01-01)" in out
    assert "DECISION: FIX FIRST (latest result of each check, 1 saved run(s), newest " in out
    assert "  - fail high: tls.expiry on expiring.lab.test" in out
    assert "OVERRIDE: SHIP NOW: risk accepted" in out


def test_a_corrupt_state_file_is_a_one_line_error_naming_the_line(capsys, run_cli, sprint_file) -> None:
    state_dir = sprint_file.parent / ".launchwizard"
    state_dir.mkdir()
    (state_dir / "state.toml").write_text('version = 1\n[items.x]\nstatus = "maybe"\n', encoding="utf-8")
    code, _, err = run_cli(capsys, "status", "--config", str(sprint_file))
    assert code == 2
    assert err == (
        f"launchwizard: error: {state_dir / 'state.toml'}:3: items.x.status: "
        "'maybe' is not one of todo, done, na, waived\n"
    )
