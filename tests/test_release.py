"""The release story holds: the version lives in one place and every reference to a release
(`uses: ...@vX.Y.Z`, `rev: vX.Y.Z`, CHANGELOG.md) names it; a wheel and an sdist build from
the tree, and launchwizard installed from the wheel into a fresh virtual environment (and
by the Action's own install step from a checkout) runs, with its templates and stylesheet.

The fresh environments get launchwizard with `--no-deps` and reach its dependencies through
a .pth file naming this interpreter's site-packages, so nothing is downloaded; its own
code comes only from what was installed (this environment holds an editable install,
whose import hook a .pth path line does not activate).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from tools import ROOT, git, tool_env

from launchwizard import __version__

RELEASE_REF = re.compile(r"(?:launchwizard/launchwizard@|rev: )v(\d+\.\d+\.\d+)")
TEMPLATES = sorted(p.name for p in (ROOT / "templates").glob("*.j2"))


def test_the_version_lives_in_one_place(run_cli, capsys):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "launchwizard.__version__"}
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.strip() == f"launchwizard {__version__}"


def test_every_release_reference_names_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert "## [Unreleased]" in changelog and f"[{__version__}]: " in changelog
    for name in ("README.md", "ci/github-workflow.yml", ".pre-commit-hooks.yaml"):
        refs = RELEASE_REF.findall((ROOT / name).read_text(encoding="utf-8"))
        assert refs and set(refs) == {__version__}, f"{name} names {set(refs)}"


def source_copy(tmp_path: Path) -> Path:
    """The files git would ship (tracked, and new ones not ignored), as a clean tree."""
    copy = tmp_path / "source"
    for name in git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(source tree, wheel, sdist): `python -m build` makes the sdist, then the wheel from it."""
    tmp = tmp_path_factory.mktemp("release")
    source = source_copy(tmp)
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(dist.glob("launchwizard-*.whl"))
    sdist = next(dist.glob("launchwizard-*.tar.gz"))
    return source, wheel, sdist


def fresh_venv(directory: Path) -> Path:
    """A new virtual environment that sees this one's packages (not its launchwizard); its
    own old setuptools goes, so a build from source uses the one pyproject.toml asks for."""
    venv.create(directory, with_pip=True)
    python = str(directory / "bin" / "python")
    uninstall = [python, "-m", "pip", "uninstall", "-q", "-y", "setuptools"]
    subprocess.run(uninstall, check=True, capture_output=True, timeout=300)
    purelib = sysconfig.get_paths()["purelib"]
    site = next((directory / "lib").glob("python3*/site-packages"))
    (site / "launchwizard-test-dependencies.pth").write_text(purelib + "\n", encoding="utf-8")
    return directory / "bin"


def test_wheel_and_sdist_hold_the_templates_and_the_stylesheet(built):
    _, wheel, sdist = built
    assert wheel.name == f"launchwizard-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"launchwizard/templates/{t}" for t in TEMPLATES} <= names
    assert {"launchwizard/tui/app.tcss", "launchwizard/py.typed"} <= names
    entry_points = zipfile.ZipFile(wheel).read(f"launchwizard-{__version__}.dist-info/entry_points.txt")
    assert b"launchwizard = launchwizard.cli:main" in entry_points
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    assert {"pyproject.toml", "README.md", "CHANGELOG.md", "SECURITY.md"} <= members
    assert "launchwizard/tui/app.tcss" in members
    assert {f"templates/{t}" for t in TEMPLATES} <= members


def test_the_wheel_installs_and_runs_in_a_fresh_environment(built, tmp_path):
    _, wheel, _ = built
    bin_dir = fresh_venv(tmp_path / "venv")
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    check_installed(bin_dir, tmp_path)


def test_the_actions_install_step_installs_from_a_checkout(built, tmp_path):
    source, _, _ = built
    action = yaml.safe_load((source / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if "pip install" in s.get("run", ""))
    bin_dir = fresh_venv(tmp_path / "venv")
    env = tool_env(
        PATH=f"{bin_dir}:/usr/bin:/bin",
        GITHUB_ACTION_PATH=str(source),
        PIP_NO_DEPS="1",
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",
    )
    shell = ["bash", "-eo", "pipefail", "-c", step["run"]]
    done = subprocess.run(shell, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    check_installed(bin_dir, tmp_path)


def check_installed(bin_dir: Path, tmp_path: Path) -> None:
    """The console script runs from the new environment, and the package it imports (the
    installed copy, not this checkout) holds the pack templates and the stylesheet."""
    done = subprocess.run([str(bin_dir / "launchwizard"), "--version"], capture_output=True, text=True)
    assert done.stdout.strip() == f"launchwizard {__version__}", done.stderr
    done = subprocess.run([str(bin_dir / "launchwizard"), "check", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--fail-on" in done.stdout
    probe = (
        "import importlib.resources as r, launchwizard; print(launchwizard.__file__); "
        "names = (p.name for p in r.files('launchwizard.templates').iterdir()); "
        "print(sorted(n for n in names if n.endswith('.j2'))); "
        "print(r.files('launchwizard.tui').joinpath('app.tcss').is_file())"
    )
    python = str(bin_dir / "python")
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    location, templates, tcss = done.stdout.splitlines()
    assert location.startswith(str(bin_dir.parent)), location
    assert templates == str(TEMPLATES) and tcss == "True"
