"""Nothing acknowledged is lost, and no file on disk can hang or flood a command.

Parallel CLI processes and an open wizard change state.toml at once; hostile files stand in
for sprint.toml, state.toml and saved runs (a FIFO, /dev/zero, 20,000 dotted key parts, a
10 MB string, JSON nested 100,000 deep), each read by a real subprocess whose address space
is capped, so unbounded memory would fail the test instead of the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from launchwizard.ai.prompts import prompt_set
from launchwizard.config import load_sprint
from launchwizard.sprint import MANUAL_ITEM_IDS
from launchwizard.state.runs import runs_dir, save_run
from launchwizard.state.statefile import load_state, update_state
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store

MINIMAL = """\
[sprint]
client = "Trust Ltd"
canonical = "https://www.trust.test/"

[domains]
apex = "trust.test"
hosts = ["www.trust.test"]
"""
MEMORY_CAP = 768 * 1024 * 1024
"""A command reading a hostile file must stay far below what tomllib used on them (1.6 GB)."""


@pytest.fixture
def sprint_toml(tmp_path: Path) -> Path:
    path = tmp_path / "sprint.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def launchwizard(*args: str, cwd: Path, capped: bool = False) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, optionally with its address space capped."""
    return subprocess.run(
        [sys.executable, "-m", "launchwizard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_cap_memory if capped else None,
        env={**os.environ, "LAUNCHWIZARD_DEBUG": ""},
    )


def one_line_error(run: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("launchwizard"), run.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr


# ------------------------------------------------------------------ no lost updates


def test_parallel_commands_all_keep_their_change(sprint_toml: Path) -> None:
    prompts = [p.id for p in prompt_set()][:20]
    commands = [["item", item, "done", "--evidence", f"proof of {item}"] for item in MANUAL_ITEM_IDS]
    commands += [["accept-risk", f"ai.injection:{p}", "--reason", f"reason {p}"] for p in prompts]
    commands.append(["decide", "fix-first", "--reason", "parallel override"])
    running = [
        subprocess.Popen(
            [sys.executable, "-m", "launchwizard", *command, "--config", str(sprint_toml)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    for child in running:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    state = load_state(sprint_toml.parent / ".launchwizard")
    assert all(state.item(item).status == "done" for item in MANUAL_ITEM_IDS)
    assert set(state.accepted) == {f"ai.injection:{p}" for p in prompts}
    assert state.override is not None and state.override.reason == "parallel override"


def test_a_change_that_is_refused_writes_nothing(sprint_toml: Path) -> None:
    state_dir = sprint_toml.parent / ".launchwizard"
    update_state(state_dir, lambda state: state.mark_done("rollback-tested", "v2 -> v1 in 4 min"))
    before = (state_dir / "state.toml").read_bytes()

    def half_done(state):  # type: ignore[no-untyped-def]
        state.mark_na("release-notes", "none needed")
        state.mark_done("alerts-routed", "")

    with pytest.raises(Exception, match="evidence"):
        update_state(state_dir, half_done)
    assert (state_dir / "state.toml").read_bytes() == before


def test_an_open_session_keeps_what_the_cli_saved_meanwhile(sprint_toml: Path, tmp_path: Path) -> None:
    from launchwizard.session import Session

    sprint = load_sprint(sprint_toml)
    store = Store(sprint.state_dir, "launchwizard:trust", EncryptedFileKeyring(tmp_path / "k.enc"))
    session = Session(sprint, store)
    run = launchwizard("decide", "delay-24h", "--reason", "DNS cutover tonight", cwd=sprint_toml.parent)
    assert run.returncode == 0, run.stderr
    session.mark_item("rollback-tested", "done", "rolled back on staging")
    state = load_state(sprint.state_dir)
    assert state.override is not None and state.override.verdict == "delay-24h"
    assert state.item("rollback-tested").status == "done"
    assert session.state.override is not None


def test_a_session_notices_a_save_by_someone_else(sprint_toml: Path, tmp_path: Path) -> None:
    from launchwizard.session import Session

    sprint = load_sprint(sprint_toml)
    session = Session(
        sprint, Store(sprint.state_dir, "launchwizard:trust", EncryptedFileKeyring(tmp_path / "k"))
    )
    assert session.reload_if_changed() is False
    update_state(sprint.state_dir, lambda state: state.mark_na("release-notes", "internal tool"))
    assert session.reload_if_changed() is True
    assert session.state.item("release-notes").status == "na"
    assert session.reload_if_changed() is False


# ------------------------------------------------------------------ bounded input


def _dotted(path: Path) -> None:
    path.write_text("x." + ".".join(["a"] * 20000) + " = 1\n", encoding="utf-8")


def _long_string(path: Path) -> None:
    path.write_text('[sprint]\nclient = "' + "A" * 10_000_000 + '"\n', encoding="utf-8")


def _headers(path: Path) -> None:
    path.write_text("".join("[" + ".".join(["t"] * n) + "]\n" for n in range(1, 300)), encoding="utf-8")


@pytest.mark.parametrize(
    ("build", "fragments"),
    [
        (_dotted, ("sprint.toml:1", "more than 32 dotted parts")),
        (_headers, ("sprint.toml:33", "more than 32 dotted parts")),
        (_long_string, ("larger than the 1 MB allowed",)),
    ],
)
def test_a_hostile_sprint_toml_is_one_line_in_bounded_memory(tmp_path: Path, build, fragments) -> None:
    build(tmp_path / "sprint.toml")
    one_line_error(launchwizard("status", cwd=tmp_path, capped=True), *fragments)


@pytest.mark.parametrize(("kind", "words"), [("fifo", "a named pipe"), ("zero", "a character device")])
def test_sprint_toml_that_is_not_a_regular_file_never_hangs(tmp_path: Path, kind: str, words: str) -> None:
    path = tmp_path / "sprint.toml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    one_line_error(launchwizard("status", cwd=tmp_path, capped=True), "not a regular file", words)


def test_a_fifo_state_file_is_an_error_not_a_hang(sprint_toml: Path) -> None:
    state_dir = sprint_toml.parent / ".launchwizard"
    state_dir.mkdir()
    os.mkfifo(state_dir / "state.toml")
    one_line_error(launchwizard("status", cwd=sprint_toml.parent, capped=True), "state.toml", "named pipe")


def test_a_dotted_state_file_is_refused_before_parsing(sprint_toml: Path) -> None:
    state_dir = sprint_toml.parent / ".launchwizard"
    state_dir.mkdir()
    _dotted(state_dir / "state.toml")
    one_line_error(launchwizard("status", cwd=sprint_toml.parent, capped=True), "state.toml:1", "dotted")


def _good_run(state_dir: Path) -> Path:
    result = {
        "check": "tls.expiry",
        "stage": "audit",
        "target": "www.trust.test",
        "status": "fail",
        "severity": "critical",
        "title": "Certificate not near expiry",
        "summary": "expired 3 days ago",
    }
    return save_run(
        state_dir,
        {
            "schema": "launchwizard.run/1",
            "started_at": "2026-12-01T10:00:00+00:00",
            "duration_ms": 5,
            "results": [result],
            "risks": [],
            "decision": {"verdict": "delay-24h", "reasons": []},
        },
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ('{"schema": "launchwizard.run/1", "results": [{"check": "x"}]}', "result 1: missing 'stage'"),
        ('{"schema": "launchwizard.run/1", "results": [7]}', "result 1: expected an object"),
        (
            '{"schema": "launchwizard.run/1", "results": [{"check": "a", "stage": "b", "target": "c", '
            '"status": "sideways", "severity": "high"}]}',
            "result 1: not a result",
        ),
    ],
    ids=["nested", "missing-field", "not-an-object", "bad-status"],
)
def test_a_damaged_run_is_named_and_the_others_still_count(
    sprint_toml: Path, content: str, fragment: str
) -> None:
    state_dir = sprint_toml.parent / ".launchwizard"
    _good_run(state_dir)
    damaged = runs_dir(state_dir) / "run-29991231T000000.000000Z.json"
    damaged.write_text(content, encoding="utf-8")
    run = launchwizard("status", cwd=sprint_toml.parent, capped=True)
    assert run.returncode == 0, run.stderr
    assert "DELAY 24 HOURS" in run.stdout
    assert damaged.name in run.stdout and fragment in run.stdout
    assert "internal error" not in run.stdout + run.stderr
    exported = launchwizard("export", "--out", str(sprint_toml.parent / "pack"), cwd=sprint_toml.parent)
    assert exported.returncode == 0, exported.stderr
    assert "expired 3 days ago" in (sprint_toml.parent / "pack" / "risks.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("pem", "fragment"),
    [
        ("garbage\n", "holds no -----BEGIN CERTIFICATE----- block"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "is not a PEM bundle"),
    ],
)
def test_a_bad_ca_bundle_names_the_key_and_why(tmp_path: Path, pem: str, fragment: str) -> None:
    (tmp_path / "ca.pem").write_text(pem, encoding="utf-8")
    (tmp_path / "sprint.toml").write_text(MINIMAL + '\n[network]\nca_bundle = "ca.pem"\n', encoding="utf-8")
    one_line_error(launchwizard("status", cwd=tmp_path), "sprint.toml:10", "network.ca_bundle", fragment)


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--nosuch"),
        ("chek",),
        ("item",),
        ("monitors", "export", "--format", "nope"),
        ("decide", "--by"),
    ],
)
def test_usage_errors_are_one_line_on_stderr(tmp_path: Path, args: tuple[str, ...]) -> None:
    run = launchwizard(*args, cwd=tmp_path)
    one_line_error(run, "error:", "--help")
    assert run.stdout == ""


# ------------------------------------------------------------------ nothing skipped silently


async def test_a_certificate_too_large_to_handshake_is_an_error_not_a_verdict(make_sprint, run_check) -> None:
    sprint = make_sprint(["hugecert.lab.test"])
    for check in ("tls.certificate", "tls.expiry", "tls.protocols"):
        result = (await run_check(sprint, check))["hugecert.lab.test"]
        assert result.status == "error", (check, result.summary)
        assert "excessive message size" in result.summary
        assert "not offered" not in result.summary


def _logs_sprint(tmp_path: Path, globs: list[str]) -> Path:
    path = tmp_path / "sprint.toml"
    path.write_text(MINIMAL + f"\n[logs]\nglobs = {globs!r}\n".replace("'", '"'), encoding="utf-8")
    return path


async def test_logs_read_to_zero_lines_cannot_pass(tmp_path: Path, run_check) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log").write_bytes(b"")
    sprint = load_sprint(_logs_sprint(tmp_path, ["logs/*.log"]))
    result = (await run_check(sprint, "logs.redaction"))["logs"]
    assert result.status == "warn", result.summary
    assert "held no lines" in result.summary


async def test_a_log_damaged_part_way_is_not_a_pass(tmp_path: Path, run_check) -> None:
    import gzip

    (tmp_path / "logs").mkdir()
    whole = gzip.compress(b"".join(b"GET /health 200 %d ms\n" % n for n in range(400_000)))
    (tmp_path / "logs" / "app.log.gz").write_bytes(whole[: len(whole) // 2])
    sprint = load_sprint(_logs_sprint(tmp_path, ["logs/*.log.gz"]))
    result = (await run_check(sprint, "logs.redaction"))["logs"]
    assert result.status == "warn", result.summary
    assert "not read to the end" in result.summary


# ------------------------------------------------------------------ no stray files


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_an_interrupted_save_leaves_nothing_behind_at_the_next_start(sprint_toml: Path) -> None:
    state_dir = sprint_toml.parent / ".launchwizard"
    update_state(state_dir, lambda state: state.mark_na("release-notes", "internal tool"))
    _good_run(state_dir)
    pid = _dead_pid()
    leftovers = [
        state_dir / f".state.toml.{pid}.tmp",
        state_dir / f".store.toml.{pid}.tmp",
        runs_dir(state_dir) / f".run-20261201T000000.000000Z.json.{pid}.tmp",
    ]
    for path in leftovers:
        path.write_text("half a save", encoding="utf-8")
    in_flight = state_dir / f".state.toml.{os.getpid()}.tmp"
    in_flight.write_text("a save in progress", encoding="utf-8")
    run = launchwizard("item", "rollback-tested", "done", "--evidence", "4 min", cwd=sprint_toml.parent)
    assert run.returncode == 0, run.stderr
    again = launchwizard("check", "--only", "dns.caa", "--no-save", cwd=sprint_toml.parent)
    assert "Traceback" not in again.stderr
    _good_run(state_dir)
    assert [p for p in leftovers if p.exists()] == [leftovers[1]] or [
        p for p in leftovers if p.exists()
    ] == []
    assert in_flight.exists(), "another process's save in progress is left alone"
    in_flight.unlink()


def test_temporary_files_never_land_in_the_exported_pack(sprint_toml: Path) -> None:
    out = sprint_toml.parent / "pack"
    out.mkdir()
    stray = out / f".README.md.{_dead_pid()}.tmp"
    stray.write_text("half a pack file", encoding="utf-8")
    run = launchwizard("export", "--out", str(out), cwd=sprint_toml.parent)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    assert (out / "README.md").is_file()


def test_the_wizard_session_clears_stray_files_when_it_opens(sprint_toml: Path, tmp_path: Path) -> None:
    from launchwizard.session import Session

    state_dir = sprint_toml.parent / ".launchwizard"
    runs_dir(state_dir).mkdir(parents=True)
    strays = [
        state_dir / f".store.toml.{_dead_pid()}.tmp",
        runs_dir(state_dir) / f".run-x.json.{_dead_pid()}.tmp",
    ]
    for path in strays:
        path.write_text("x", encoding="utf-8")
    sprint = load_sprint(sprint_toml)
    Session(sprint, Store(sprint.state_dir, "launchwizard:trust", EncryptedFileKeyring(tmp_path / "k.enc")))
    assert [p for p in strays if p.exists()] == []
