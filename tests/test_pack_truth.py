"""The pack tells the truth about the sprint, not about the last command: its summary and
its changes are over the current picture (the latest result of every check and target,
across runs), compared with the picture before the newest run; one run's duration is never
set beside the picture's size; the handover details and the accepted risks are counted."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

FINDINGS = ("fail", "error", "warn")


def demo_sprint_toml(lab, tmp_path: Path) -> Path:
    """The demo sprint as `launchwizard demo` writes it: product repository, logs, evaluation set."""
    from launchwizard.commands.audit import build_product, write_lab_sprint

    sprint = write_lab_sprint(lab, tmp_path)
    build_product(tmp_path)
    return sprint.path


def test_a_passing_rerun_of_one_check_keeps_every_failure_in_the_pack(lab, tmp_path: Path, run_cli, capsys):
    lab.reset_rate_limits()
    config = ("--config", str(demo_sprint_toml(lab, tmp_path)))
    _, out, _ = run_cli(capsys, "check", "--format", "json", *config)
    full = json.loads(out)["results"]
    failing = [r for r in full if r["status"] == "fail"]
    findings = [r for r in full if r["status"] in FINDINGS]
    assert len(failing) >= 10, "the demo should fail plenty of checks"
    code, out, _ = run_cli(capsys, "check", "--only", "dns.records", "--format", "json", *config)
    rerun = json.loads(out)["results"]
    assert code == 0 and {r["status"] for r in rerun} == {"pass"}
    code, _, err = run_cli(capsys, "export", "--out", str(tmp_path / "pack"), *config)
    assert code == 0, err
    readme = (tmp_path / "pack" / "README.md").read_text(encoding="utf-8")
    changes = (tmp_path / "pack" / "changes.md").read_text(encoding="utf-8")

    assert f"{len(full)} results, the latest of every check on every target across 2 saved runs" in readme
    assert f"[{len(failing)} fail](evidence.md#results)" in readme
    assert re.search(rf"took \d+ ms for {len(rerun)} of these results; the others are the latest", readme)
    assert f"[0 fixed, 0 new, {len(findings)} still failing](changes.md)" in readme
    assert "Nothing is failing" not in changes and "Nothing is still failing" not in changes
    still = changes.split("## Still failing", 1)[1]
    assert sum(1 for line in still.splitlines() if line.startswith("| `")) == len(findings)
    assert f"the newest run gave {len(rerun)} of the {len(full)} results" in changes
    assert_risk_headings_name_the_problem((tmp_path / "pack" / "risks.md").read_text(encoding="utf-8"), full)


def assert_risk_headings_name_the_problem(risks: str, results: list[dict[str, Any]]) -> None:
    """Every finding's heading says what is wrong (never its check's pass-title), with the
    check id beside it; the injection and evaluation ones say it in the bot's words."""
    titles = {r["title"] for r in results}
    headings = re.findall(r"^### <a id=\"risk-\d+\"></a>\d+\. (.*) \(`([a-z0-9_.]+)`\)$", risks, re.M)
    assert len(headings) == sum(1 for r in results if r["status"] in FINDINGS)
    for heading, check in headings:
        assert heading not in titles, f"{check}: {heading}"
    by_check = dict((check, heading) for heading, check in reversed(headings))
    assert by_check["ai.injection"].startswith("The chat bot leaked its system prompt to ")
    assert by_check["ai.eval"].startswith("The chat bot fails 3 of the customers' 24 prompts (87.5 % pass")
    assert by_check["tls.expiry"].startswith("Certificate expires in ")
    assert by_check["edge.headers"].startswith("Security headers grade F")
    assert by_check["dns.takeover"] == (
        "legacy.acme.test can be taken over: a CNAME points at an unclaimed Microsoft Azure name"
    )
