"""`launchwizard secrets` and the `secrets.repo` check on real git repositories.

Repositories are built with git fast-import in tmp_path; every key is made up at run
time (launchwizard.demo.fakesecrets), so this file holds no key-shaped text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomli_w

from launchwizard.config import load_sprint
from launchwizard.demo import fakesecrets
from launchwizard.demo.gitrepo import Commit, build_repo, clone_shallow
from launchwizard.results import Severity, Status
from launchwizard.secrets.policy import POLICY_FILE

CONTRACT = ("rule", "provider", "path", "line", "column", "commit", "redacted", "fingerprint")


def leaky_repo(root: Path) -> Path:
    """A key committed in .env then deleted (history only), and one still in the code."""
    return build_repo(
        root,
        [
            Commit("first", {"app.py": "import os\nKEY = os.environ['OPENAI_API_KEY']\n"}),
            Commit("settings", {".env": fakesecrets.line("stripe-secret-key", 1) + "\n"}),
            Commit("alerts", {"alerts.py": "# alerts\n" + fakesecrets.line("slack-webhook", 1) + "\n"}),
            Commit("untrack .env", {".env": None, ".gitignore": ".env\n"}),
        ],
    )


def raw_values() -> list[str]:
    return [fakesecrets.value("stripe-secret-key", 1), fakesecrets.value("slack-webhook", 1)]


def assert_no_raw_value(*texts: str) -> None:
    for text in texts:
        for value in raw_values():
            assert value not in text


def test_worktree_scan_reports_the_key_in_the_code_and_exits_1(tmp_path, capsys, run_cli) -> None:
    repo = leaky_repo(tmp_path / "app")
    code, out, err = run_cli(capsys, "secrets", str(repo), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [f["rule"] for f in report["findings"]] == ["slack-webhook"]
    finding = report["findings"][0]
    assert tuple(finding)[: len(CONTRACT)] == CONTRACT
    assert (finding["path"], finding["line"], finding["commit"]) == ("alerts.py", 2, None)
    assert "1 finding(s) at or above low" in err
    assert_no_raw_value(out, err)


def test_history_finds_the_deleted_key_with_its_commit_and_rotation_advice(tmp_path, capsys, run_cli) -> None:
    repo = leaky_repo(tmp_path / "app")
    code, out, _ = run_cli(capsys, "secrets", str(repo), "--history", "--format", "json")
    assert code == 1
    by_rule = {f["rule"]: f for f in json.loads(out)["findings"]}
    deleted = by_rule["stripe-secret-key"]
    assert deleted["path"] == ".env" and deleted["line"] == 1
    assert deleted["source"] == "history" and deleted["in_head"] is False
    assert len(deleted["commit"]) == 40 and deleted["date"].startswith("20")
    in_code = by_rule["slack-webhook"]
    assert in_code["commit"] is None and "in git history since commit" in in_code["note"]
    assert len(by_rule) == 2
    code, text, _ = run_cli(capsys, "secrets", str(repo), "--history")
    assert "rotate it (deleting is not enough)" in text
    assert_no_raw_value(out, text)


def test_sarif_has_rules_locations_and_stable_fingerprints(tmp_path, capsys, run_cli) -> None:
    repo = leaky_repo(tmp_path / "app")
    code, out, _ = run_cli(capsys, "secrets", str(repo), "--history", "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert set(rule_ids) == {"stripe-secret-key", "slack-webhook"}
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert len(result["partialFingerprints"]["launchwizard/v1"]) == 16
    history = next(r for r in run["results"] if r["ruleId"] == "stripe-secret-key")
    assert history["level"] == "error" and len(history["properties"]["commit"]) == 40
    assert_no_raw_value(out)


def test_a_baseline_accepts_known_findings_and_still_fails_on_new_ones(tmp_path, capsys, run_cli) -> None:
    repo = leaky_repo(tmp_path / "app")
    _, out, _ = run_cli(capsys, "secrets", str(repo), "--history", "--format", "json")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(out, encoding="utf-8")
    code, text, _ = run_cli(capsys, "secrets", str(repo), "--history", "--baseline", str(baseline))
    assert code == 0
    assert "no secrets found" in text and "2 more accepted by the baseline" in text

    (repo / "notify.py").write_text(fakesecrets.line("discord-webhook", 2) + "\n", encoding="utf-8")
    code, out, _ = run_cli(
        capsys, "secrets", str(repo), "--history", "--baseline", str(baseline), "--format", "json"
    )
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["discord-webhook"]


def test_moving_a_secret_to_another_line_keeps_its_baseline_fingerprint(tmp_path, capsys, run_cli) -> None:
    (tmp_path / "config.py").write_text(fakesecrets.line("github-token", 3) + "\n", encoding="utf-8")
    _, out, _ = run_cli(capsys, "secrets", str(tmp_path), "--format", "sarif")
    baseline = tmp_path.parent / f"{tmp_path.name}-baseline.sarif"
    baseline.write_text(out, encoding="utf-8")
    (tmp_path / "config.py").write_text("\n\n# moved down\n" + fakesecrets.line("github-token", 3) + "\n")
    code, _, _ = run_cli(capsys, "secrets", str(tmp_path), "--baseline", str(baseline))
    assert code == 0


def test_policy_file_allows_paths_rules_and_fingerprints(tmp_path, capsys, run_cli) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "setup.md").write_text(fakesecrets.line("sendgrid-api-key", 4) + "\n")
    (tmp_path / "jobs.py").write_text(fakesecrets.line("huggingface-token", 4) + "\n")
    (tmp_path / "deploy.sh").write_text(fakesecrets.line("npm-token", 4) + "\n")
    _, out, _ = run_cli(capsys, "secrets", str(tmp_path), "--format", "json")
    found = {f["rule"]: f for f in json.loads(out)["findings"]}
    assert set(found) == {"sendgrid-api-key", "huggingface-token", "npm-token"}
    policy = {
        "allow_paths": ["docs/**"],
        "allow_rules": ["huggingface-token"],
        "allow_fingerprints": [found["npm-token"]["fingerprint"]],
    }
    (tmp_path / POLICY_FILE).write_text(tomli_w.dumps(policy), encoding="utf-8")
    code, text, _ = run_cli(capsys, "secrets", str(tmp_path))
    assert code == 0, text


def test_policy_names_its_baseline(tmp_path, capsys, run_cli) -> None:
    (tmp_path / "a.py").write_text(fakesecrets.line("resend-api-key", 5) + "\n")
    _, out, _ = run_cli(capsys, "secrets", str(tmp_path), "--format", "json")
    (tmp_path / ".secrets-baseline.json").write_text(out)
    (tmp_path / POLICY_FILE).write_text('baseline = ".secrets-baseline.json"\n')
    code, _, _ = run_cli(capsys, "secrets", str(tmp_path))
    assert code == 0


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("allow_rules = 'one'\n", "allow_rules: expected a list of strings"),
        ("allow = []\n", "unknown key 'allow'"),
        ("allow_paths = [\n", "not a readable TOML file"),
        ('baseline = "missing.json"\n', "baseline"),
    ],
)
def test_a_bad_policy_is_one_line_and_exit_2(tmp_path, capsys, run_cli, policy, message) -> None:
    (tmp_path / POLICY_FILE).write_text(policy)
    code, out, err = run_cli(capsys, "secrets", str(tmp_path))
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_bad_paths_and_baselines_are_usage_errors(tmp_path, capsys, run_cli) -> None:
    code, _, err = run_cli(capsys, "secrets", str(tmp_path / "nowhere"))
    assert code == 2 and "no such file or directory" in err
    code, _, err = run_cli(capsys, "secrets", str(tmp_path), "--history")
    assert code == 2 and "--history needs a git repository" in err
    (tmp_path / "report.json").write_text("[1, 2")
    code, _, err = run_cli(capsys, "secrets", str(tmp_path), "--baseline", str(tmp_path / "report.json"))
    assert code == 2 and "not a JSON report" in err


def test_publishable_keys_and_fail_on_decide_the_exit_code(tmp_path, capsys, run_cli) -> None:
    (tmp_path / "checkout.js").write_text(fakesecrets.line("stripe-publishable-key", 6) + "\n")
    code, out, _ = run_cli(capsys, "secrets", str(tmp_path))
    assert code == 0 and "stripe-publishable-key" in out
    (tmp_path / "ci.env").write_text(fakesecrets.line("stripe-test-key", 6) + "\n")
    assert run_cli(capsys, "secrets", str(tmp_path))[0] == 1
    assert run_cli(capsys, "secrets", str(tmp_path), "--fail-on", "medium")[0] == 0


def test_a_single_file_can_be_scanned(tmp_path, capsys, run_cli) -> None:
    target = tmp_path / "settings.py"
    target.write_text(fakesecrets.line("anthropic-api-key", 7) + "\n")
    code, out, _ = run_cli(capsys, "secrets", str(target), "--format", "json")
    assert code == 1
    assert [(f["rule"], f["path"]) for f in json.loads(out)["findings"]] == [
        ("anthropic-api-key", "settings.py")
    ]


def test_this_project_practises_what_it_preaches(capsys, run_cli) -> None:
    """Our own tree and history hold no key-shaped text: every test key is generated at run
    time, and the one test canary carries an allow marker (which covers its older commits)."""
    root = Path(__file__).resolve().parent.parent
    history = ["--history"] if (root / ".git").exists() else []
    code, out, _ = run_cli(capsys, "secrets", str(root), *history, "--fail-on", "low")
    assert code == 0, out


# ---------------------------------------------------------------- the secrets.repo check


def repo_sprint(tmp_path: Path, repo: str | None) -> object:
    document: dict[str, object] = {
        "sprint": {"client": "Acme", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
    }
    if repo is not None:
        document["repo"] = {"path": repo}
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return load_sprint(path)


async def test_check_fails_critical_with_history_advice(tmp_path, run_check) -> None:
    leaky_repo(tmp_path / "acme-app")
    result = (await run_check(repo_sprint(tmp_path, "acme-app"), "secrets.repo"))["acme-app"]
    assert result.status is Status.FAIL and result.severity is Severity.CRITICAL
    assert "1 in the code" in result.summary and "1 deleted but still in git history" in result.summary
    assert "Rotate every key" in result.fix and "git filter-repo" in result.fix
    history = [f for f in result.evidence["findings"] if f["source"] == "history"]
    assert history[0]["advice"].startswith("deleted since")
    assert result.evidence["scanned"]["commits"] == 4
    assert_no_raw_value(json.dumps(result.to_json()))


async def test_check_passes_a_clean_repository_and_skips_without_repo(tmp_path, run_check) -> None:
    build_repo(tmp_path / "clean", [Commit("first", {"app.py": "print('hello')\n"})])
    result = (await run_check(repo_sprint(tmp_path, "clean"), "secrets.repo"))["clean"]
    assert result.status is Status.PASS and "1 commits" in result.summary
    skipped = (await run_check(repo_sprint(tmp_path, None), "secrets.repo"))["repo"]
    assert skipped.status is Status.SKIPPED and "[repo]" in skipped.summary


async def test_check_warns_when_history_cannot_be_read_in_full(tmp_path, run_check) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "app.py").write_text("print('hello')\n")
    plain = (await run_check(repo_sprint(tmp_path, "plain"), "secrets.repo"))["plain"]
    assert plain.status is Status.WARN and "not a git repository" in plain.summary

    source = build_repo(
        tmp_path / "origin", [Commit("one", {"a.py": "a = 1\n"}), Commit("two", {"b.py": "b = 2\n"})]
    )
    clone_shallow(source, tmp_path / "shallow")
    shallow = (await run_check(repo_sprint(tmp_path, "shallow"), "secrets.repo"))["shallow"]
    assert shallow.status is Status.WARN and "shallow clone" in shallow.summary


async def test_check_reports_a_missing_repository_as_an_error(tmp_path, run_check) -> None:
    result = (await run_check(repo_sprint(tmp_path, "gone"), "secrets.repo"))["gone"]
    assert result.status is Status.ERROR and "does not exist" in result.summary


async def test_the_repository_policy_allows_a_reviewed_value_in_the_logs_too(tmp_path, run_check) -> None:
    build_repo(tmp_path / "app", [Commit("first", {"app.py": "print('hello')\n"})])
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "ops.log").write_text("posting to " + fakesecrets.value("discord-webhook", 9) + "\n")
    document = {
        "sprint": {"client": "Acme", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
        "repo": {"path": "app"},
        "logs": {"globs": ["logs/*.log"]},
    }
    (tmp_path / "sprint.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
    sprint = load_sprint(tmp_path / "sprint.toml")
    before = (await run_check(sprint, "logs.redaction"))["logs"]
    assert before.status is Status.FAIL
    reviewed = [f["fingerprint"] for f in before.evidence["findings"]]
    (tmp_path / "app" / POLICY_FILE).write_text(tomli_w.dumps({"allow_fingerprints": reviewed}))
    after = (await run_check(sprint, "logs.redaction"))["logs"]
    assert after.status is Status.PASS, after.summary


def test_an_allow_marker_added_later_also_accepts_the_older_commits(tmp_path, capsys, run_cli) -> None:
    line = fakesecrets.line("huggingface-token", 12)
    repo = build_repo(
        tmp_path / "app",
        [
            Commit("demo token", {"demo.py": line + "\n"}),
            Commit("reviewed", {"demo.py": line + "  # launchwizard:allow (revoked demo token)\n"}),
            Commit("other", {"jobs.py": fakesecrets.line("replicate-api-token", 12) + "\n", "demo.py": None}),
            Commit("gone", {"jobs.py": None}),
        ],
    )
    code, out, _ = run_cli(capsys, "secrets", str(repo), "--history", "--format", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["replicate-api-token"]
