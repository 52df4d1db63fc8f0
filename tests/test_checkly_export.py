"""monitors export --format checkly: a Checkly CLI project that monitors from two regions,
type-checked against the real `checkly` package's constructs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from launchwizard.config import ConfigError, load_sprint
from launchwizard.monitoring.checkly import ChecklyExportError, render_checkly, schedule
from launchwizard.monitoring.plan import monitor_plan
from launchwizard.state.statefile import load_state

CHECKLY_PACKAGES = ("checkly@9", "typescript@5")
NPM_TIMEOUT_S = 600


def sprint_file(tmp_path: Path, **tables: Any) -> Path:
    document: dict[str, Any] = {
        "sprint": {"client": 'Acme "Assist"', "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
        "endpoints": {
            "homepage": "https://www.acme.test/",
            "health": "https://www.acme.test/health?token=abc123&view=full",
            "chat": {
                "url": "https://api.acme.test/v1/chat",
                "method": "POST",
                "body": '{"message": "{{prompt}}"}',
                "response_path": "choices.0.message.content",
                "timeout_s": 40,
                "headers": {"Content-Type": "application/json", "Authorization": "Bearer sk-live-secret"},
            },
        },
    }
    document.update(tables)
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def project(tmp_path: Path, **tables: Any) -> dict[str, str]:
    return render_checkly(load_sprint(sprint_file(tmp_path, **tables)))


def test_every_check_runs_from_both_regions_with_the_seed_alert_rule(tmp_path: Path):
    files = project(tmp_path)
    assert set(files) == {
        "checkly.config.ts",
        "__checks__/alerts.ts",
        "__checks__/homepage.check.ts",
        "__checks__/health.check.ts",
        "__checks__/chat.check.ts",
        "package.json",
        "tsconfig.json",
        "README.md",
    }
    homepage = files["__checks__/homepage.check.ts"]
    assert 'locations: ["eu-west-1", "us-east-1"]' in homepage
    assert "runParallel: true" in homepage and "frequency: Frequency.EVERY_2M" in homepage
    assert "runBasedEscalation(\n    2,\n" in homepage and "percentage: 50" in homepage
    assert "RetryStrategyBuilder.noRetries()" in homepage
    assert "degradedResponseTime: 500," in homepage and "maxResponseTime: 10000," in homepage
    assert "statusCode().greaterThan(199)" in homepage and "statusCode().lessThan(300)" in homepage
    assert "worst-case detection 2 × 2m + 10s timeout = 4m10s" in homepage
    assert 'locations: ["eu-west-1", "us-east-1"]' in files["checkly.config.ts"]


def test_chat_check_posts_the_body_and_asserts_a_reply(tmp_path: Path):
    chat = project(tmp_path)["__checks__/chat.check.ts"]
    assert 'method: "POST"' in chat and 'bodyType: "JSON"' in chat
    assert "launchwizard uptime monitor" in chat
    assert 'AssertionBuilder.jsonBody("$.choices[0].message.content").notEmpty()' in chat
    assert "frequency: Frequency.EVERY_5M" in chat
    assert "maxResponseTime: 30000," in chat, "Checkly caps a response at 30 s"
    assert "degradedResponseTime: 3000," in chat


def test_secrets_and_the_webhook_are_environment_references_only(tmp_path: Path):
    files = project(tmp_path)
    everything = "\n".join(files.values())
    assert "sk-live-secret" not in everything and "abc123" not in everything
    assert '{ key: "Authorization", value: "{{CHAT_AUTHORIZATION}}" }' in files["__checks__/chat.check.ts"]
    assert "token={{HEALTH_TOKEN}}&view=full" in files["__checks__/health.check.ts"]
    assert 'url: "{{ALERT_WEBHOOK_URL}}"' in files["__checks__/alerts.ts"]
    readme = files["README.md"]
    for name in ("ALERT_WEBHOOK_URL", "CHAT_AUTHORIZATION", "HEALTH_TOKEN"):
        assert f"npx checkly env add {name} " in readme


def test_hostile_text_stays_inside_string_literals(tmp_path: Path):
    client = 'Evil"); process.exit(1); ("\u2028x*/'
    files = project(tmp_path, sprint={"client": client, "canonical": "https://www.acme.test/"})
    config = files["checkly.config.ts"]
    assert 'projectName: "Evil\\"); process.exit(1); (\\"\\u2028x*/ launch monitors"' in config
    assert all("\u2028" not in text and "\r" not in text for text in files.values())


def test_intervals_round_down_to_checkly_periods(tmp_path: Path):
    sprint = load_sprint(sprint_file(tmp_path, monitors={"interval_s": 90, "chat_interval_s": 4000}))
    homepage, _, chat = monitor_plan(sprint)
    assert schedule(homepage).frequency == "EVERY_1M" and schedule(chat).frequency == "EVERY_1H"
    assert "(interval 1m30s rounded down)" in render_checkly(sprint)["__checks__/homepage.check.ts"]


def test_what_checkly_cannot_express_is_refused(tmp_path: Path):
    with pytest.raises(ChecklyExportError, match="at most 5 failed runs"):
        project(tmp_path, monitors={"failure_threshold": 6})
    endpoints = {
        "homepage": "https://www.acme.test/",
        "chat": {"url": "https://api.acme.test/", "body": "{{x}} {{y}}"},
    }
    with pytest.raises(ChecklyExportError, match="variable reference"):
        project(tmp_path, endpoints=endpoints)


@pytest.mark.parametrize(
    ("regions", "message"),
    [
        (["eu-west-1"], "1 region given: monitor from at least 2"),
        ([], "0 region given"),
        (["eu-west-1", "eu-wst-2"], "did you mean 'eu-west-2'?"),
        (["eu-west-1", "eu-west-1"], "listed twice"),
        ("eu-west-1", "expected a list of strings"),
    ],
)
def test_fewer_than_two_or_unknown_regions_are_refused(tmp_path: Path, regions: Any, message: str):
    with pytest.raises(ConfigError, match=message):
        load_sprint(sprint_file(tmp_path, monitors={"regions": regions}))


def test_cli_writes_the_project_and_records_it(tmp_path: Path, run_cli, capsys):
    config = sprint_file(tmp_path, monitors={"regions": ["us-west-2", "ap-southeast-1", "eu-central-1"]})
    code, out, err = run_cli(capsys, "monitors", "export", "--config", str(config), "--format", "checkly")
    assert code == 2 and "give --output DIR" in err and out == ""
    target = tmp_path / "checkly"
    code, out, err = run_cli(
        capsys, "monitors", "export", "--config", str(config), "--format", "checkly", "--output", str(target)
    )
    assert code == 0 and out == ""
    assert "wrote 8 files" in err and "from us-west-2, ap-southeast-1, eu-central-1 in parallel" in err
    assert (
        '"us-west-2", "ap-southeast-1", "eu-central-1"'
        in (target / "__checks__" / "chat.check.ts").read_text()
    )
    assert load_state(config.parent / ".launchwizard").monitor_exports["checkly"].path == str(target)


def _npm() -> str:
    npm = shutil.which("npm")
    assert npm is not None, "npm is needed to type-check the Checkly export (.ci/run installs it)"
    return npm


@pytest.fixture(scope="module")
def checkly_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real checkly package and TypeScript, installed from npm into a temporary directory."""
    root = tmp_path_factory.mktemp("checkly-npm")
    (root / "package.json").write_text('{"name": "lw-checkly-typecheck", "private": true}\n')
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}
    subprocess.run(
        [_npm(), "install", "--no-audit", "--ignore-scripts", "--loglevel=error", *CHECKLY_PACKAGES],
        cwd=root,
        env=env,
        check=True,
        timeout=NPM_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    return root / "node_modules"


def _typecheck(directory: Path, modules: Path) -> subprocess.CompletedProcess[str]:
    (directory / "node_modules").symlink_to(modules, target_is_directory=True)
    tsc = modules / ".bin" / "tsc"
    return subprocess.run(
        [str(tsc), "--noEmit", "-p", str(directory)], capture_output=True, text=True, timeout=300, check=False
    )


def _write(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_generated_project_type_checks_against_the_checkly_constructs(tmp_path: Path, checkly_modules: Path):
    files = project(tmp_path)
    good = tmp_path / "good"
    _write(good, files)
    result = _typecheck(good, checkly_modules)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(files["package.json"])["devDependencies"]["checkly"] == "^9"
    renamed = dict(files)
    renamed["__checks__/chat.check.ts"] = files["__checks__/chat.check.ts"].replace(
        "degradedResponseTime", "degradedResponseTimeMs"
    )
    bad = tmp_path / "bad"
    _write(bad, renamed)
    broken = _typecheck(bad, checkly_modules)
    assert broken.returncode != 0 and "degradedResponseTimeMs" in broken.stdout


def test_gatus_export_says_how_to_run_it_in_two_regions(tmp_path: Path):
    from launchwizard.monitoring.gatus import render_gatus

    sprint = load_sprint(sprint_file(tmp_path))
    text = render_gatus(sprint.client, monitor_plan(sprint))
    assert "run this same file on two Gatus instances" in text
    assert "--format checkly` runs every check from [monitors] regions" in text
