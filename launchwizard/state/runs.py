"""Check runs on disk: runs/*.json, newest first, each with a diff against the one before.

The diff only compares what both runs looked at: a run of one check does not mark every
other finding "fixed".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from launchwizard.decision import awaits_audit, decide, rank_risks
from launchwizard.errors import UserError
from launchwizard.results import Result
from launchwizard.safe.files import MIB, read_capped
from launchwizard.state.atomic import sweep_temporary_files, write_text_atomic

RUNS_DIR = "runs"
SCHEMA = "launchwizard.run/1"
FINDING = ("fail", "warn", "error")
RUN_FILE_LIMIT = 64 * MIB
"""A full audit saves a few hundred KB; a run file this large was not written by us."""


class RunFileError(UserError):
    """A saved run that cannot be read; names the file and what is wrong."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class RunDiff:
    """What changed between two runs, by (check, target)."""

    fixed: list[dict[str, Any]] = field(default_factory=list)
    new: list[dict[str, Any]] = field(default_factory=list)
    still_failing: list[dict[str, Any]] = field(default_factory=list)
    previous: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "fixed": self.fixed,
            "new": self.new,
            "still_failing": self.still_failing,
        }


def runs_dir(state_dir: Path) -> Path:
    return state_dir / RUNS_DIR


def list_runs(state_dir: Path) -> list[Path]:
    """Saved run files, newest first (their names sort by time)."""
    directory = runs_dir(state_dir)
    if not directory.is_dir():
        return []
    return sorted(directory.glob("run-*.json"), reverse=True)


def load_run(path: Path) -> dict[str, Any]:
    """One saved run, checked against the JSON contract's outline."""
    try:
        data = json.loads(read_capped(path, RUN_FILE_LIMIT).decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise RunFileError(path, f"not valid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise RunFileError(path, "not a run: its JSON nests too deeply") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunFileError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise RunFileError(path, f"not a {SCHEMA} document")
    if not isinstance(data.get("results"), list):
        raise RunFileError(path, "has no results list")
    for index, result in enumerate(data["results"]):
        problem = _result_problem(result)
        if problem is not None:
            raise RunFileError(path, f"result {index + 1}: {problem}")
    return data


def _result_problem(result: Any) -> str | None:
    """Why a saved result cannot be read back as a Result, or None."""
    if not isinstance(result, dict):
        return f"expected an object, got {type(result).__name__}"
    try:
        Result.from_json(result)
    except KeyError as exc:
        return f"missing {exc.args[0]!r}"
    except (TypeError, ValueError) as exc:
        return f"not a result ({str(exc)[:120]})"
    return None


def latest_run(state_dir: Path) -> tuple[dict[str, Any] | None, list[RunFileError]]:
    """The newest readable run, and the problems with any newer unreadable ones."""
    problems: list[RunFileError] = []
    for path in list_runs(state_dir):
        try:
            return load_run(path), problems
        except RunFileError as exc:
            problems.append(exc)
    return None, problems


def current_results(
    state_dir: Path, targets: Iterable[str] | None = None
) -> tuple[dict[str, Any] | None, list[RunFileError]]:
    """The sprint's current picture: the newest result of every (check, target), merged
    across saved runs.

    Re-running one check or one stage saves a partial run; the sprint's picture is still
    every check's latest word. Targets no longer in sprint.toml are left out. The merged
    document follows the run contract, with risks and the decision recomputed from the
    merged results, plus `awaiting_audit` (see `awaits_audit`), `merged_from` (how many
    runs), `newest_run` (when the newest run started, how long it took and how many results
    it gave: one run's numbers, never the picture's) and a `diff` of the whole picture
    against the previous one (see `diff_pictures`).
    """
    wanted = set(targets) if targets is not None else None
    sources: list[dict[str, Any]] = []
    problems: list[RunFileError] = []
    for path in list_runs(state_dir):
        try:
            run = load_run(path)
        except RunFileError as exc:
            problems.append(exc)
            continue
        sources.append(_only_targets(run, wanted))
    if not sources:
        return None, problems
    return _merged_document(sources), problems


def _only_targets(run: dict[str, Any], wanted: set[str] | None) -> dict[str, Any]:
    if wanted is None:
        return run
    return {**run, "results": [r for r in run["results"] if r.get("target") in wanted]}


def merge_results(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest result of every (check, target) among `runs` (newest first)."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for run in runs:
        for result in run["results"]:
            merged.setdefault(_key(result), result)
    return list(merged.values())


def _merged_document(sources: list[dict[str, Any]]) -> dict[str, Any]:
    results = merge_results(sources)
    parsed = [Result.from_json(r) for r in results]
    decision = decide(parsed)
    newest = sources[0]
    return {
        "schema": SCHEMA,
        "started_at": newest.get("started_at"),
        "duration_ms": newest.get("duration_ms", 0),
        "merged_from": len(sources),
        "newest_run": {
            "started_at": newest.get("started_at"),
            "duration_ms": newest.get("duration_ms", 0),
            "results": len(newest["results"]),
        },
        "results": results,
        "risks": [r.to_json() for r in rank_risks(parsed)],
        "decision": decision.to_json(),
        "awaiting_audit": awaits_audit(decision, parsed),
        "diff": diff_pictures(sources).to_json(),
    }


def diff_pictures(sources: list[dict[str, Any]]) -> RunDiff:
    """The current picture (every check's latest result across `sources`, newest first)
    against the previous one: the same merge without the newest run, i.e. the picture as it
    stood before that run was saved.

    Unlike a run's own diff, every (check, target) of the picture is compared, so a re-run
    of one passing check still lists every other finding as still failing. A finding whose
    check had not run before is new (its `was` is None); the first saved run has no
    previous picture, so everything it found is new.
    """
    previous_runs = sources[1:]
    before = {_key(r): r for r in merge_results(previous_runs)}
    diff = RunDiff(previous=previous_runs[0].get("started_at") if previous_runs else None)
    for result in merge_results(sources):
        old = before.get(_key(result))
        was_finding = old is not None and old.get("status") in FINDING
        entry = _entry(result, old)
        if result.get("status") in FINDING:
            (diff.still_failing if was_finding else diff.new).append(entry)
        elif was_finding and result.get("status") == "pass":
            diff.fixed.append(entry)
    return diff


def diff_runs(previous: dict[str, Any] | None, current: dict[str, Any]) -> RunDiff:
    """Fixed, new and still-failing findings among the (check, target) pairs `current` ran."""
    diff = RunDiff(previous=(previous or {}).get("started_at"))
    before = {_key(r): r for r in (previous or {}).get("results", [])}
    for result in current.get("results", []):
        old = before.get(_key(result))
        was_finding = old is not None and old.get("status") in FINDING
        is_finding = result.get("status") in FINDING
        entry = _entry(result, old)
        if is_finding and was_finding:
            diff.still_failing.append(entry)
        elif is_finding:
            diff.new.append(entry)
        elif was_finding and result.get("status") == "pass":
            diff.fixed.append(entry)
    return diff


def find_run(state_dir: Path, name: str) -> Path:
    """A saved run named on the command line: a path, a file under runs/, its timestamp,
    or "latest" for the newest saved run."""
    runs = list_runs(state_dir)
    if name == "latest":
        if not runs:
            raise RunFileError(runs_dir(state_dir), "no saved run yet")
        return runs[0]
    for candidate in (Path(name), runs_dir(state_dir) / name, runs_dir(state_dir) / f"run-{name}.json"):
        if candidate.is_file():
            return candidate
    known = ", ".join(path.name for path in runs[:3]) or "none saved yet"
    raise RunFileError(Path(name), f"no such run (newest: {known})")


def changes_since(previous: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """Every (check, target) of `current` whose status differs from `previous`, including
    findings that are new; results `previous` did not have and that pass are not changes."""
    before = {_key(r): r for r in previous.get("results", [])}
    changes = []
    for result in current.get("results", []):
        old = before.get(_key(result))
        if old is None and result.get("status") not in FINDING:
            continue
        if old is None or old.get("status") != result.get("status"):
            changes.append(_entry(result, old))
    return changes


def save_run(state_dir: Path, report: dict[str, Any], moment: datetime | None = None) -> Path:
    """Save a run with its diff against every check's latest result; returns the new file.
    What an interrupted save left in runs/ is cleared first."""
    sweep_temporary_files(runs_dir(state_dir))
    previous, _ = current_results(state_dir)
    document = dict(report)
    document["diff"] = diff_runs(previous, report).to_json()
    stamp = (moment or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S.%fZ")
    path = runs_dir(state_dir) / f"run-{stamp}.json"
    write_text_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def _key(result: dict[str, Any]) -> tuple[str, str]:
    return str(result.get("check")), str(result.get("target"))


def _entry(result: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "check": result.get("check"),
        "target": result.get("target"),
        "status": result.get("status"),
        "was": old.get("status") if old else None,
        "summary": result.get("summary"),
    }
