"""Sprint state on disk: round trips, strict reading, recovery, runs and their diffs."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from launchwizard.state.model import InvalidChange, SprintState
from launchwizard.state.runs import (
    RunFileError,
    current_results,
    diff_pictures,
    diff_runs,
    latest_run,
    list_runs,
    load_run,
    save_run,
)
from launchwizard.state.statefile import (
    Recovered,
    StateFileError,
    load_or_recover,
    load_state,
    save_state,
    state_path,
)

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def filled_state() -> SprintState:
    state = SprintState()
    state.start_clock(START)
    state.set_stage("audit", "done")
    state.mark_done("rollback-tested", "rolled back v1.4 -> v1.3 on staging, 4 min")
    state.mark_na("dmarc-reports-monitored", "no outbound mail yet")
    state.mark_waived(
        "uptime-two-regions", "second region after launch", "Dana", date.today() + timedelta(days=7)
    )
    state.set_override("ship-now", "expiring cert renews tonight by ACME", by="Sam")
    return state


def test_state_round_trips_and_is_private(tmp_path: Path) -> None:
    state = filled_state()
    save_state(tmp_path / ".launchwizard", state)
    loaded = load_state(tmp_path / ".launchwizard")
    assert loaded == state
    path = state_path(tmp_path / ".launchwizard")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["state.toml"]


def test_no_state_yet_is_a_fresh_state(tmp_path: Path) -> None:
    assert load_state(tmp_path) == SprintState()


def test_clock_starts_once_and_tracks_the_phase() -> None:
    state = SprintState()
    state.start_clock(START)
    state.start_clock(START + timedelta(hours=5))
    assert state.started_at == START
    assert state.phase(START + timedelta(hours=7)).name == "audit"
    assert state.phase(START + timedelta(hours=8)).name == "fix"
    assert state.phase(START + timedelta(hours=30)).name == "harden"
    assert state.phase(START + timedelta(hours=60)).name == "ship"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.mark_done("x", "  "), "evidence is required"),
        (lambda s: s.mark_na("x", ""), "a reason is required"),
        (lambda s: s.mark_waived("x", "later", "", date.today() + timedelta(days=1)), "an owner is required"),
        (
            lambda s: s.mark_waived("x", "later", "Dana", date(2020, 1, 1)),
            "the waiver expiry 2020-01-01 is already past",
        ),
        (
            lambda s: s.set_override("yolo", "because"),
            "verdict must be one of ship-now, fix-first, delay-24h",
        ),
        (lambda s: s.set_override("ship-now", ""), "a reason is required"),
        (
            lambda s: s.set_stage("audit", "halfway"),
            "stage status must be one of not-started, in-progress, done",
        ),
    ],
)
def test_incomplete_changes_are_refused(change, message) -> None:
    state = SprintState()
    with pytest.raises(InvalidChange, match=message):
        change(state)
    assert state == SprintState()


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        (
            'version = 1\nstarted_at = "yesterday"\n',
            2,
            "started_at",
            "expected a date-time with a UTC offset",
        ),
        (
            'version = 1\n[items.rollback-tested]\nstatus = "finished"\n',
            3,
            "items.rollback-tested.status",
            "'finished' is not one of todo, done, na, waived",
        ),
        ('version = 1\n[items.x]\nstatus = "na"\n', 2, "items.x.reason", "a na item needs reason"),
        (
            'version = 1\n[override]\nverdict = "ship-now"\nreason = ""\n',
            4,
            "override.reason",
            "an override needs a reason",
        ),
        ("version = 1\nstray = 3\n", 2, "stray", "unknown key 'stray'"),
        ("version = 1\n[stages\n", 2, "", "invalid TOML"),
        ("version = 7\n", 1, "version", "unsupported state format 7"),
    ],
)
def test_a_damaged_state_file_names_file_line_and_key(tmp_path: Path, text, line, key, message) -> None:
    state_path(tmp_path).write_text(text, encoding="utf-8")
    with pytest.raises(StateFileError) as caught:
        load_state(tmp_path)
    assert (caught.value.path, caught.value.line, caught.value.key) == (state_path(tmp_path), line, key)
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{state_path(tmp_path)}:{line}: ")


def test_a_corrupt_state_is_kept_aside_and_a_fresh_one_starts(tmp_path: Path) -> None:
    garbage = b"\x00\xff not toml at all ["
    state_path(tmp_path).write_bytes(garbage)
    outcome = load_or_recover(tmp_path)
    assert isinstance(outcome, Recovered)
    assert outcome.state == SprintState()
    assert outcome.kept_at.read_bytes() == garbage
    assert outcome.kept_at.name.startswith("state.toml.corrupt-")
    assert not state_path(tmp_path).exists()
    assert "cannot read" in str(outcome.problem) or "invalid TOML" in str(outcome.problem)


def result(check: str, target: str, status: str) -> dict:
    return {
        "check": check,
        "stage": "audit",
        "target": target,
        "status": status,
        "severity": "high",
        "title": check,
        "summary": f"{check} {status}",
        "evidence": {},
        "fix": "",
        "references": [],
        "duration_ms": 1,
    }


def run(started: str, *results: dict) -> dict:
    return {
        "schema": "launchwizard.run/1",
        "started_at": started,
        "duration_ms": 5,
        "results": list(results),
        "risks": [],
        "decision": {"verdict": "ship-now", "reasons": []},
    }


def test_runs_are_saved_newest_first_with_a_diff(tmp_path: Path) -> None:
    first = run(
        "t1",
        result("tls.expiry", "a", "fail"),
        result("dns.records", "a", "pass"),
        result("redirect.https", "a", "warn"),
    )
    second = run(
        "t2",
        result("tls.expiry", "a", "pass"),
        result("dns.records", "a", "fail"),
        result("redirect.https", "a", "warn"),
    )
    older = save_run(tmp_path, first, START)
    newer = save_run(tmp_path, second, START + timedelta(minutes=3))
    assert list_runs(tmp_path) == [newer, older]
    assert stat.S_IMODE(newer.stat().st_mode) == 0o600
    diff = load_run(newer)["diff"]
    assert diff["previous"] == "t1"
    assert [(d["check"], d["was"], d["status"]) for d in diff["fixed"]] == [("tls.expiry", "fail", "pass")]
    assert [(d["check"], d["was"], d["status"]) for d in diff["new"]] == [("dns.records", "pass", "fail")]
    assert [d["check"] for d in diff["still_failing"]] == ["redirect.https"]
    assert load_run(older)["diff"]["previous"] is None


def test_a_partial_run_does_not_mark_other_findings_fixed() -> None:
    before = run("t1", result("tls.expiry", "a", "fail"), result("dns.records", "a", "fail"))
    after = run("t2", result("dns.records", "a", "pass"))
    diff = diff_runs(before, after)
    assert [d["check"] for d in diff.fixed] == ["dns.records"]
    assert diff.new == diff.still_failing == []


def test_an_unreadable_newest_run_is_reported_and_the_previous_one_used(tmp_path: Path) -> None:
    good = save_run(tmp_path, run("t1", result("tls.expiry", "a", "pass")), START)
    broken = good.with_name("run-29991231T000000.000000Z.json")
    broken.write_text('{"schema": "launchwizard.run/1", "results": [', encoding="utf-8")
    latest, problems = latest_run(tmp_path)
    assert latest is not None and latest["started_at"] == "t1"
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"{broken}: not valid JSON at line 1")


def test_a_run_document_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"schema": "other/1", "results": []}), encoding="utf-8")
    with pytest.raises(RunFileError, match=r"not a launchwizard\.run/1 document"):
        load_run(path)


def test_current_results_keep_each_checks_newest_word(tmp_path: Path) -> None:
    save_run(
        tmp_path,
        run(
            "t1",
            result("tls.expiry", "a", "fail"),
            result("dns.records", "a", "fail"),
            result("dns.records", "gone", "fail"),
        ),
        START,
    )
    save_run(tmp_path, run("t2", result("dns.records", "a", "pass")), START + timedelta(minutes=1))
    merged, problems = current_results(tmp_path, targets=["a"])
    assert problems == []
    assert merged is not None
    assert merged["merged_from"] == 2
    assert merged["started_at"] == "t2"
    assert {(r["check"], r["status"]) for r in merged["results"]} == {
        ("dns.records", "pass"),
        ("tls.expiry", "fail"),
    }
    assert [r["check"] for r in merged["risks"]] == ["tls.expiry"]
    assert merged["decision"]["verdict"] == "fix-first"


def test_a_new_run_is_compared_with_every_checks_latest_result(tmp_path: Path) -> None:
    save_run(
        tmp_path, run("t1", result("tls.expiry", "a", "fail"), result("dns.records", "a", "fail")), START
    )
    save_run(tmp_path, run("t2", result("dns.records", "a", "pass")), START + timedelta(minutes=1))
    third = save_run(
        tmp_path,
        run("t3", result("tls.expiry", "a", "fail"), result("dns.records", "a", "pass")),
        START + timedelta(minutes=2),
    )
    diff = load_run(third)["diff"]
    assert [d["check"] for d in diff["still_failing"]] == ["tls.expiry"]
    assert diff["new"] == diff["fixed"] == []


def entries(diff: dict, kind: str) -> list[tuple[str, str, str | None]]:
    return [(e["check"], e["status"], e["was"]) for e in diff[kind]]


def test_the_picture_is_compared_with_the_one_before_the_newest_run() -> None:
    first = run(
        "2026-11-25T09:00:00+00:00",
        result("tls.expiry", "a", "fail"),
        result("edge.hsts", "a", "fail"),
        result("dns.records", "a", "pass"),
    )
    second = run(
        "2026-11-25T10:00:00+00:00", result("tls.expiry", "a", "pass"), result("core.health", "a", "warn")
    )
    third = run("2026-11-25T11:00:00+00:00", result("dns.records", "a", "fail"))
    diff = diff_pictures([third, second, first]).to_json()
    assert diff["previous"] == second["started_at"]
    assert entries(diff, "new") == [("dns.records", "fail", "pass")]
    assert entries(diff, "still_failing") == [("core.health", "warn", "warn"), ("edge.hsts", "fail", "fail")]
    assert entries(diff, "fixed") == []
    diff = diff_pictures([second, first]).to_json()
    assert entries(diff, "fixed") == [("tls.expiry", "pass", "fail")]
    assert entries(diff, "new") == [("core.health", "warn", None)]
    diff = diff_pictures([first]).to_json()
    assert diff["previous"] is None and len(diff["new"]) == 2


def test_the_merged_picture_keeps_the_newest_runs_own_numbers(tmp_path: Path) -> None:
    save_run(
        tmp_path,
        run("2026-11-25T09:00:00+00:00", *(result(f"c{n}", "a", "fail") for n in range(6)))
        | {"duration_ms": 9000},
        datetime(2026, 11, 25, 9, tzinfo=UTC),
    )
    save_run(
        tmp_path,
        run("2026-11-25T10:00:00+00:00", result("c0", "a", "pass")) | {"duration_ms": 4},
        datetime(2026, 11, 25, 10, tzinfo=UTC),
    )
    merged, problems = current_results(tmp_path)
    assert merged is not None and problems == []
    assert merged["newest_run"] == {"started_at": "2026-11-25T10:00:00+00:00", "duration_ms": 4, "results": 1}
    assert merged["merged_from"] == 2 and len(merged["results"]) == 6
    assert len(merged["diff"]["still_failing"]) == 5 and len(merged["diff"]["fixed"]) == 1
