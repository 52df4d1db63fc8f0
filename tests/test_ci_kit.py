"""The shipped CI kit: the GitHub Action, the ready workflow and the pre-commit hooks parse,
use only commands and options the CLI has, and never splice inputs into shell code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from launchwizard.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
WORKFLOW = yaml.safe_load((ROOT / "ci" / "github-workflow.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")


def launchwizard_commands(script: str) -> list[list[str]]:
    """Each `launchwizard ...` command line of a shell script, split into words (up to a redirect)."""
    joined = script.replace("\\\n", " ")
    commands = []
    for line in joined.splitlines():
        line = line.strip()
        if line.startswith("launchwizard "):
            words = shlex.split(line.split(">", 1)[0])
            commands.append(words[1:])
    return commands


def parses(words: list[str], env: dict[str, str] | None = None) -> None:
    """The CLI's parser accepts these words, each $VARIABLE replaced by the default of the
    action input its step's env maps it to (an empty array expansion dropped)."""
    defaults = {}
    for name, value in (env or {}).items():
        match = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
        defaults[name] = str(ACTION["inputs"][match.group(1)]["default"]) if match else value
    concrete = []
    for word in words:
        if word == "${stage[@]}":
            continue
        if word.startswith("$"):
            word = defaults.get(word.lstrip("$").strip("{}"), "value")
        concrete.append(word)
    _parser().parse_args(concrete)


def action_steps() -> list[dict]:
    return ACTION["runs"]["steps"]


def test_action_runs_only_real_commands_with_inputs_passed_through_env():
    runs = [step for step in action_steps() if "run" in step]
    scripts = [step["run"] for step in runs]
    commands = [(c, step.get("env")) for step in runs for c in launchwizard_commands(step["run"])]
    assert {c[0] for c, _ in commands} == {"check", "smoke"}
    for command, env in commands:
        parses(command, env)
    for script in scripts:
        assert not EXPRESSION.search(script), f"an expression is spliced into shell code: {script}"
    used = {m.group(1) for step in action_steps() for m in re.finditer(r"inputs\.([\w-]+)", str(step))}
    assert used <= set(ACTION["inputs"]) and "sarif" in used and "fail-on" in used
    upload = next(step for step in action_steps() if "upload-sarif" in step.get("uses", ""))
    assert upload["if"].startswith("always()")


def test_workflow_uses_the_action_and_real_commands():
    jobs = WORKFLOW["jobs"]
    assert WORKFLOW["permissions"]["security-events"] == "write"
    action_inputs = next(
        step["with"] for step in jobs["live"]["steps"] if step.get("uses", "").startswith("launchwizard/")
    )
    assert set(action_inputs) <= set(ACTION["inputs"])
    for step in jobs["secrets"]["steps"]:
        for command in launchwizard_commands(step.get("run", "")):
            parses(command)


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook["id"])
def test_pre_commit_hooks_are_real_commands(hook):
    assert set(hook) <= {
        "id",
        "name",
        "description",
        "entry",
        "args",
        "language",
        "pass_filenames",
        "always_run",
        "stages",
    }
    words = shlex.split(hook["entry"]) + hook["args"]
    assert words[0] == "launchwizard"
    parses(words[1:])
    assert hook["language"] == "python" and hook["pass_filenames"] is False


def test_the_secrets_hook_blocks_a_commit_with_a_key(tmp_path, capsys, run_cli, monkeypatch):
    from launchwizard.demo import fakesecrets

    hook = next(h for h in HOOKS if h["id"] == "launchwizard-secrets")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("print('hello')\n", encoding="utf-8")
    assert run_cli(capsys, *shlex.split(hook["entry"])[1:], *hook["args"])[0] == 0
    (tmp_path / "settings.py").write_text(fakesecrets.line("github-token", 5) + "\n", encoding="utf-8")
    assert run_cli(capsys, *shlex.split(hook["entry"])[1:], *hook["args"])[0] == 1
