"""The `launchwizard-secrets` hook under real pre-commit, in throwaway repositories with a
bare remote: at commit it judges what is staged (not untracked scratch files, not unstaged
edits), at push every pushed commit, so a key committed and removed again inside the
pushed range never reaches the remote; a new branch and a first push are judged whole.

The hooks are the manifest's own entries (.pre-commit-hooks.yaml) run as `repo: local`
with `language: system` on this interpreter's PATH: a `language: python` hook would make
pre-commit install launchwizard and its dependencies from PyPI, which tests do not reach.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from tools import ROOT, git, tool, tool_env

from launchwizard.commands.secrets import hook_commits
from launchwizard.demo import fakesecrets

MANIFEST = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
HOOK = next(hook for hook in MANIFEST if hook["id"] == "launchwizard-secrets")
KEY = fakesecrets.value("github-token", 21)
OTHER_KEY = fakesecrets.value("github-token", 22)


def local_config() -> str:
    """A .pre-commit-config.yaml running the manifest's hook as a local system hook."""
    dropped = ("language", "minimum_pre_commit_version")
    hook = {key: value for key, value in HOOK.items() if key not in dropped}
    config = {
        "default_install_hook_types": ["pre-commit", "pre-push"],
        "repos": [{"repo": "local", "hooks": [{**hook, "language": "system"}]}],
    }
    return yaml.safe_dump(config, sort_keys=False)


@pytest.fixture
def product(tmp_path: Path) -> Path:
    """A repository with the hook installed for commit and push, and an empty bare remote."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    repo = tmp_path / "product"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", str(remote))
    (repo / ".pre-commit-config.yaml").write_text(local_config(), encoding="utf-8")
    (repo / "app.py").write_text("print('hello')\n", encoding="utf-8")
    run(repo, tool("pre-commit"), "install")
    git(repo, "add", ".")
    return repo


def env(repo: Path) -> dict[str, str]:
    return tool_env(PRE_COMMIT_HOME=str(repo.parent / "pre-commit-home"))


def run(repo: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    from tools import GIT_IDENTITY

    return subprocess.run(
        list(argv),
        cwd=repo,
        env={**env(repo), **GIT_IDENTITY, "GIT_CONFIG_GLOBAL": "/dev/null"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def commit(repo: Path, message: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return run(repo, "git", "commit", "-q", "-m", message, *flags)


def push(repo: Path, *refspec: str) -> subprocess.CompletedProcess[str]:
    return run(repo, "git", "push", "-q", "origin", *(refspec or ("main",)))


def remote_head(repo: Path, branch: str = "main") -> str:
    return git(repo, "ls-remote", "origin", f"refs/heads/{branch}").split("\t")[0]


def test_the_manifest_is_valid_for_pre_commit():
    done = subprocess.run(
        [tool("pre-commit"), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert HOOK["stages"] == ["pre-commit", "pre-push"] and HOOK["minimum_pre_commit_version"]
    assert shlex.split(HOOK["entry"]) == ["launchwizard", "secrets", "--hook"]


def test_commit_judges_what_is_staged(product: Path):
    (product / "scratch.txt").write_text(f"token = {KEY}\n", encoding="utf-8")
    done = commit(product, "initial")
    assert done.returncode == 0, done.stdout + done.stderr
    (product / "app.py").write_text(f"print('hello')\nTOKEN = '{KEY}'\n", encoding="utf-8")
    (product / "README.md").write_text("# product\n", encoding="utf-8")
    git(product, "add", "README.md")
    done = commit(product, "docs, with an unstaged key in app.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (product / "app.py").read_text(encoding="utf-8").endswith(f"'{KEY}'\n")
    (product / "settings.py").write_text(f"GITHUB_TOKEN = '{OTHER_KEY}'\n", encoding="utf-8")
    git(product, "add", "settings.py")
    (product / "settings.py").write_text("GITHUB_TOKEN = ''\n", encoding="utf-8")
    done = commit(product, "a staged key, cleaned only in the work tree")
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "github-token" in said and "settings.py:1" in said and "staged for the next commit" in said
    assert OTHER_KEY not in said
    subjects = git(product, "log", "--format=%s").splitlines()
    assert subjects == ["docs, with an unstaged key in app.py", "initial"]


def test_push_judges_every_pushed_commit(product: Path):
    assert commit(product, "initial").returncode == 0
    done = push(product)
    assert done.returncode == 0, done.stdout + done.stderr
    pushed = remote_head(product)
    (product / "settings.py").write_text(f"GITHUB_TOKEN = '{KEY}'\n", encoding="utf-8")
    git(product, "add", "settings.py")
    assert commit(product, "add a key", "--no-verify").returncode == 0
    (product / "settings.py").write_text("GITHUB_TOKEN = ''\n", encoding="utf-8")
    git(product, "add", "settings.py")
    assert commit(product, "remove the key").returncode == 0
    done = push(product)
    assert done.returncode != 0, "the push of a key removed again went through"
    said = done.stdout + done.stderr
    assert "github-token" in said and "commit" in said and KEY not in said
    assert remote_head(product) == pushed
    git(product, "reset", "-q", "--hard", pushed)
    (product / "more.py").write_text("print('more')\n", encoding="utf-8")
    git(product, "add", "more.py")
    assert commit(product, "clean work").returncode == 0
    done = push(product)
    assert done.returncode == 0, done.stdout + done.stderr
    assert remote_head(product) == git(product, "rev-parse", "HEAD").strip()


def test_a_new_branch_is_judged_from_where_it_leaves_the_remote(product: Path):
    assert commit(product, "initial").returncode == 0
    assert push(product).returncode == 0
    git(product, "switch", "-q", "-c", "feature")
    (product / "feature.py").write_text(f"KEY = '{KEY}'\n", encoding="utf-8")
    git(product, "add", "feature.py")
    assert commit(product, "feature with a key", "--no-verify").returncode == 0
    git(product, "rm", "-q", "feature.py")
    assert commit(product, "drop it").returncode == 0
    done = push(product, "feature")
    assert done.returncode != 0 and "feature.py" in done.stdout + done.stderr
    assert remote_head(product, "feature") == ""


def test_a_first_push_is_judged_whole(product: Path):
    (product / "old.py").write_text(f"KEY = '{KEY}'\n", encoding="utf-8")
    git(product, "add", "old.py")
    assert commit(product, "initial with a key", "--no-verify").returncode == 0
    git(product, "rm", "-q", "old.py")
    assert commit(product, "remove it").returncode == 0
    done = push(product)
    assert done.returncode != 0 and "old.py" in done.stdout + done.stderr
    assert remote_head(product) == ""


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"PRE_COMMIT": "1"}, None),
        ({"PRE_COMMIT_FROM_REF": "abc", "PRE_COMMIT_TO_REF": "def"}, "abc..def"),
        (
            {"PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main"},
            "refs/heads/main",
        ),
    ],
)
def test_hook_mode_follows_pre_commits_environment(environ, expected):
    assert hook_commits(environ) == expected


def test_commits_refuses_what_is_not_a_commit(product: Path, run_cli, capsys):
    assert commit(product, "initial").returncode == 0
    for revision in ("--output=/tmp/x", "nosuch..HEAD", "HEAD..nosuch"):
        code, _, err = run_cli(capsys, "secrets", str(product), f"--commits={revision}")
        assert code == 2 and "not" in err, (revision, err)
    code, out, _ = run_cli(capsys, "secrets", str(product), "--commits", "HEAD")
    assert code == 0 and "commits HEAD" in out
