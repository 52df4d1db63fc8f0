"""The README's "Monitoring and CI" section, tried top to bottom on a throwaway repository
whose sprint.toml points at the lab: every shell line of its `sh` blocks runs as written
(docker is a stand-in that checks what it is given, since tests reach no image registry),
the files it makes are what the section says, and its YAML blocks pass actionlint and
pre-commit's own validation."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import junitparser
import tomli_w
import yaml
from sarif_checks import github_problems, validate_schema
from test_monitors import gatus_load
from test_store import PASSPHRASE
from tools import GIT_IDENTITY, ROOT, git, tool, tool_env

from launchwizard.demo.lab import Lab

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = re.search(r"^## Monitoring and CI\n(.*?)(?=^## )", README, re.M | re.S)
assert SECTION is not None
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", SECTION.group(1), re.M | re.S)
WEBHOOK = "https://hooks.perf.test/services/T0LAB/B0LAB/lab-hook-token"

DOCKER_STAND_IN = r"""
docker() {
  # Checks the arguments of `docker run` and the files it would mount, then says so.
  local mounted="" webhook=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -e) webhook="${2#ALERT_WEBHOOK_URL=}"; shift ;;
      --mount) mounted="$(printf '%s' "$2" | sed -n 's/.*source=\([^,]*\),.*/\1/p')"; shift ;;
    esac
    shift
  done
  [ "$webhook" = "$SLACK_WEBHOOK_URL" ] || { echo "docker: wrong webhook" >&2; return 3; }
  [ -s "$mounted" ] || { echo "docker: $mounted is missing" >&2; return 3; }
  echo "docker: would run gatus on $mounted"
}
"""


def shell_lines(kind: str) -> list[str]:
    lines = []
    for language, body in BLOCKS:
        if language == kind:
            lines += [line for line in body.replace("\\\n", " ").splitlines() if line.strip()]
    return lines


def lab_sprint(lab: Lab, repo: Path) -> None:
    network = lab.network_table()
    network["pins"] = {"fast.perf.test": lab.address_of("fast.perf.test")}
    document = {
        "sprint": {"client": "Acme Assist", "canonical": "https://fast.perf.test/"},
        "domains": {"apex": "perf.test", "hosts": ["fast.perf.test"]},
        "network": network,
        "perf": {"samples": 20, "concurrency": 2},
        "endpoints": {
            "homepage": "https://fast.perf.test/",
            "health": "https://fast.perf.test/health",
            "login": "https://fast.perf.test/login",
            "chat": {
                "url": "https://fast.perf.test/v1/chat",
                "method": "POST",
                "body": '{"message": "{{prompt}}"}',
                "response_path": "reply.text",
                "headers": {"Content-Type": "application/json"},
            },
        },
    }
    (repo / "sprint.toml").write_text(tomli_w.dumps(document), encoding="utf-8")


def test_the_readme_walkthrough_runs_as_written(lab, tmp_path):
    repo = tmp_path / "product"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    lab_sprint(lab, repo)
    configs = [yaml.safe_load(body) for language, body in BLOCKS if language == "yaml"]
    pre_commit_config = next(c for c in configs if "repos" in c)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(pre_commit_config), encoding="utf-8")
    env = tool_env(
        SLACK_WEBHOOK_URL=WEBHOOK,
        SSL_CERT_FILE=str(lab.ca_bundle),
        K6_NO_USAGE_REPORT="true",
        LAUNCHWIZARD_KEYRING="file",
        LAUNCHWIZARD_KEYRING_FILE=str(tmp_path / "keyring.enc"),
        LAUNCHWIZARD_PASSPHRASE=PASSPHRASE,
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_CONFIG_GLOBAL="/dev/null",
        **GIT_IDENTITY,
    )
    lines = shell_lines("sh")
    programs = [line.split()[0] for line in lines]
    assert programs == ["printf", *["launchwizard"] * 3, "docker", "k6", *["launchwizard"] * 3, "pre-commit"]
    for line in lines:
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", DOCKER_STAND_IN + line],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        allowed = (0, 1) if line.startswith("launchwizard") else (0,)
        assert done.returncode in allowed, f"{line}\n{done.stdout}\n{done.stderr}"
    gatus = gatus_load((repo / "monitoring/gatus/config.yaml").read_text(encoding="utf-8"))
    assert [e["name"] for e in gatus["endpoints"]] == ["homepage", "health", "chat"]
    assert "Json Query Expression" in (repo / "monitoring/uptime-kuma.md").read_text(encoding="utf-8")
    for report in ("launchwizard.sarif", "secrets.sarif"):
        log = json.loads((repo / "reports" / report).read_text(encoding="utf-8"))
        validate_schema(log)
        assert github_problems(log) == [], report
    smoke = junitparser.JUnitXml.fromfile(str(repo / "reports/smoke.xml"))
    assert [suite.name for suite in smoke] == ["launchwizard.smoke"]
    assert (repo / ".git/hooks/pre-commit").is_file() and (repo / ".git/hooks/pre-push").is_file()
    assert WEBHOOK not in "".join(p.read_text(encoding="utf-8") for p in (repo / "monitoring").rglob("*.*"))


def test_the_readmes_yaml_passes_its_tools(tmp_path):
    workflow = next(body for language, body in BLOCKS if language == "yaml" and "jobs:" in body)
    config = next(body for language, body in BLOCKS if language == "yaml" and "repos:" in body)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "action.yml").write_text((ROOT / "action.yml").read_text(encoding="utf-8"), encoding="utf-8")
    local = re.sub(r"launchwizard/launchwizard@v[\d.]+", "./", workflow)
    (tmp_path / ".github" / "workflows" / "launchwizard.yml").write_text(local, encoding="utf-8")
    git(tmp_path, "init", "-q")
    lint = [tool("actionlint"), "-shellcheck", tool("shellcheck"), "-no-color"]
    done = subprocess.run(lint, cwd=tmp_path, env=tool_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    done = subprocess.run(
        [tool("pre-commit"), "validate-config", str(tmp_path / ".pre-commit-config.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
