"""The shipped CI kit (action.yml, ci/github-workflow.yml, .pre-commit-hooks.yaml, the
monitor exports): actionlint and shellcheck find nothing, every `launchwizard ...` command
it runs or prints exists and parses, inputs never get spliced into shell code, and a
failing step never makes a later one add a second, misleading error."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import tomli_w
import yaml
from tools import ROOT, git, tool, tool_env

from launchwizard.cli import COMMANDS, _parser

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
WORKFLOW_TEXT = (ROOT / "ci" / "github-workflow.yml").read_text(encoding="utf-8")
WORKFLOW = yaml.safe_load(WORKFLOW_TEXT)
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")
ACTION_REF = re.compile(r"launchwizard/launchwizard@v\d+\.\d+\.\d+")
COMMAND_LINE = re.compile(r"(?<![\w/.-])launchwizard ((?:[a-z][\w-]*)(?:[ \t]+[^\s`|;>)(][^\s`|;>)]*)*)")


def run_steps() -> list[dict]:
    return [step for step in ACTION["runs"]["steps"] if "run" in step]


def shell_commands(script: str) -> list[list[str]]:
    """Each `launchwizard ...` line of a shell script, as words up to a redirect; a `"$@"`
    gives one command for each `set -- ...` of the script."""
    lines = [line.strip() for line in script.replace("\\\n", " ").splitlines()]
    alternatives = [shlex.split(line.removesuffix(";;"))[2:] for line in lines if line.startswith("set -- ")]
    commands = []
    for line in lines:
        if not line.startswith("launchwizard "):
            continue
        words = shlex.split(line.split(" || ", 1)[0].split(">", 1)[0])[1:]
        for positional in alternatives if "$@" in words else [[]]:
            commands.append([w for word in words for w in (positional if word == "$@" else [word])])
    return commands


def concrete(words: list[str], env: dict[str, str] | None = None) -> list[str]:
    """Words with each $VARIABLE replaced by the default of the action input its step's env
    maps it to (empty array expansions dropped)."""
    defaults = {}
    for name, value in (env or {}).items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        defaults[name] = str(ACTION["inputs"][match.group(1)]["default"]) if match else "value"
    out = []
    for word in words:
        if word.startswith("${") and word.endswith("[@]}"):
            continue
        if word.startswith("$"):
            word = defaults.get(word.lstrip("$").strip("{}"), "value") or "value"
        out.append(word)
    return out


def test_action_runs_only_real_commands_with_inputs_passed_through_env():
    commands = [(words, step.get("env")) for step in run_steps() for words in shell_commands(step["run"])]
    assert {words[0] for words, _ in commands} == {"check", "secrets", "smoke"}
    for words, env in commands:
        _parser().parse_args(concrete(words, env))
    for step in run_steps():
        assert not EXPRESSION.search(step["run"]), f"an expression is spliced into shell code: {step['run']}"
    steps = str(ACTION["runs"]["steps"])
    assert {m.group(1) for m in re.finditer(r"inputs\.([\w-]+)", steps)} == set(ACTION["inputs"])


def test_action_installs_from_its_own_checkout():
    install = next(step for step in run_steps() if "pip install" in step["run"])
    assert shlex.split(install["run"])[-1] == "$GITHUB_ACTION_PATH"


def test_a_failed_step_adds_no_second_error():
    steps = {step.get("id"): step for step in ACTION["runs"]["steps"]}
    upload = next(step for step in ACTION["runs"]["steps"] if "upload-sarif" in step.get("uses", ""))
    assert "steps.run.outputs.sarif != ''" in upload["if"] and "always()" not in upload["if"]
    assert 'echo "sarif=$LW_SARIF"' in steps["run"]["run"] and '[ "$status" -le 1 ]' in steps["run"]["run"]
    assert 'rm -f "$LW_SARIF"' in steps["run"]["run"] and "--output" in steps["run"]["run"]
    publish = next(step for step in ACTION["runs"]["steps"] if "upload-artifact" in step.get("uses", ""))
    assert "steps.smoke.outputs.junit != ''" in publish["if"]
    assert steps["run"]["if"] == "${{ !cancelled() }}"


def test_workflow_uses_the_action_and_installs_nothing_by_name():
    jobs = WORKFLOW["jobs"]
    for job in jobs.values():
        assert job["permissions"]["security-events"] == "write"
        action = next(step for step in job["steps"] if step.get("uses", "").startswith("launchwizard/"))
        assert ACTION_REF.fullmatch(action["uses"])
        assert set(action["with"]) <= set(ACTION["inputs"])
    assert jobs["secrets"]["steps"][0]["with"]["fetch-depth"] == 0
    assert "pip install" not in WORKFLOW_TEXT


def lint_repository(tmp_path: Path, workflows: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """actionlint (with shellcheck on PATH, so it checks every run: script) over a throwaway
    repository holding action.yml at its root and these workflows."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "action.yml").write_text((ROOT / "action.yml").read_text(encoding="utf-8"), encoding="utf-8")
    for name, text in workflows.items():
        (tmp_path / ".github" / "workflows" / name).write_text(text, encoding="utf-8")
    git(tmp_path, "init", "-q")
    return subprocess.run(
        [tool("actionlint"), "-shellcheck", tool("shellcheck"), "-no-color"],
        cwd=tmp_path,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def action_as_workflow() -> str:
    """The action's steps as a reusable workflow's job, its inputs as the workflow's inputs,
    so actionlint checks them (it lints workflows, and action.yml only where it is used)."""
    inputs = {
        name: {"type": "string", "default": str(spec["default"])} for name, spec in ACTION["inputs"].items()
    }
    workflow = {
        "name": "the action's steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": ACTION["runs"]["steps"]}},
    }
    return yaml.safe_dump(workflow, sort_keys=False)


def test_actionlint_and_shellcheck_find_nothing(tmp_path):
    shipped = ACTION_REF.sub("./", WORKFLOW_TEXT)
    done = lint_repository(tmp_path, {"launchwizard.yml": shipped, "action-steps.yml": action_as_workflow()})
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_what_it_should(tmp_path):
    broken = WORKFLOW_TEXT.replace("actions/checkout@v5", "actions/checkout@v4")
    broken = broken.replace("command: secrets", "nosuch: 1")
    done = lint_repository(tmp_path, {"broken.yml": ACTION_REF.sub("./", broken)})
    assert done.returncode == 1
    assert '"node20" is deprecated' in done.stdout and 'input "nosuch" is not defined' in done.stdout


def test_shellcheck_finds_nothing_in_the_action_scripts(tmp_path):
    for index, step in enumerate(run_steps()):
        script = tmp_path / f"step{index}.sh"
        script.write_text(f"#!/usr/bin/env bash\nset -eo pipefail\n{step['run']}", encoding="utf-8")
        argv = [tool("shellcheck"), "--severity=style", str(script)]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"{step.get('name')}:\n{done.stdout}"


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook["id"])
def test_pre_commit_hooks_are_real_commands(hook):
    words = shlex.split(hook["entry"]) + hook["args"]
    assert words[0] == "launchwizard"
    _parser().parse_args(words[1:])
    assert hook["language"] == "python" and hook["pass_filenames"] is False


def printed_commands(tmp_path: Path, run_cli, capsys) -> dict[str, list[str]]:
    """Every `launchwizard ...` command line the kit runs or prints, by where it appears."""
    sprint = tmp_path / "sprint.toml"
    sprint.write_text(
        tomli_w.dumps(
            {
                "sprint": {"client": "Acme", "canonical": "https://www.acme.test/"},
                "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
                "endpoints": {
                    "chat": {
                        "url": "https://api.acme.test/v1/chat",
                        "method": "POST",
                        "body": "{}",
                        "headers": {"Authorization": "x"},
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    texts = {
        "action.yml": (ROOT / "action.yml").read_text(encoding="utf-8"),
        "ci/github-workflow.yml": WORKFLOW_TEXT,
        ".pre-commit-hooks.yaml": (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"),
    }
    for fmt in ("gatus", "kuma", "k6"):
        code, out, err = run_cli(capsys, "monitors", "export", "--config", str(sprint), "--format", fmt)
        assert code == 0
        texts[f"monitors export --format {fmt}"] = out + err
    commands = set(COMMANDS)
    found = {}
    for where, text in texts.items():
        lines = [m.group(1).strip() for m in COMMAND_LINE.finditer(text)]
        found[where] = [line for line in lines if line.split()[0] in commands]
    return found


def test_every_command_the_kit_prints_exists(tmp_path, run_cli, capsys):
    """Each runs with --help appended (the command exists) and parses as written (its
    options exist: argparse would act on --help before it rejects an unknown option)."""
    found = printed_commands(tmp_path, run_cli, capsys)
    assert found["monitors export --format gatus"] and found["monitors export --format kuma"]
    assert found["action.yml"] and found[".pre-commit-hooks.yaml"]
    for where, lines in found.items():
        for line in lines:
            words = [w.rstrip(".,:") for w in shlex.split(line) if w not in ("...", "$@")]
            words = concrete([w for w in words if w])
            code, out, err = run_cli(capsys, *words, "--help")
            assert code == 0 and "usage:" in out, f"{where}: `launchwizard {line} --help` -> {err}"
            _parser().parse_args(words)
    assert "store get monitors.alert_webhook" in found["monitors export --format kuma"]
