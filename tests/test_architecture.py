"""The layering of the house, as import-linter contracts: kept today, and able to fail.

`.ci/run` runs `lint-imports`; these tests prove the contracts cover every package and that a
broken contract names the offending import (so a failing CI run says what to move).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import launchwizard

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(launchwizard.__file__).resolve().parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
OUTSIDE_LAYERS = {"demo"}
"""The lab is not a layer of the product: only the CLI's commands may import it."""


def _contracts() -> dict[str, dict]:
    document = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in document["tool"]["importlinter"]["contracts"]}


def _top_level() -> set[str]:
    """Every package and module directly under launchwizard/, as import-linter names them."""
    names = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    names |= {p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    return {f"launchwizard.{n}" for n in names}


def _layered(contract: dict) -> set[str]:
    return {m.strip() for layer in contract["layers"] for m in layer.replace("|", ":").split(":")}


def _lint_imports(config: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=config.parent,
        timeout=120,
    )


def test_every_package_has_a_layer() -> None:
    contracts = _contracts()
    assert _layered(contracts["layers"]) == _top_level() - {f"launchwizard.{n}" for n in OUTSIDE_LAYERS}


def test_forbidden_contracts_cover_every_package_but_their_owner() -> None:
    contracts = _contracts()
    everything = _top_level()
    assert set(contracts["textual-in-tui"]["source_modules"]) == everything - {"launchwizard.tui"}
    lab_users = {"launchwizard.commands", "launchwizard.demo"}
    assert set(contracts["lab-in-commands"]["source_modules"]) == everything - lab_users


def test_contracts_are_kept() -> None:
    run = _lint_imports(ROOT / "pyproject.toml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 kept, 0 broken" in run.stdout


def _lint_with_extra_import(tmp_path: Path, module: Path, line: str) -> subprocess.CompletedProcess[str]:
    """lint-imports over a copy of the package in which `module` gained one import line."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "launchwizard", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    target = copy / "launchwizard" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n")
    return _lint_imports(copy / "pyproject.toml", pythonpath=copy)


def test_an_upward_import_breaks_the_build_and_is_named(tmp_path: Path) -> None:
    run = _lint_with_extra_import(tmp_path, Path("secrets/rules.py"), "import launchwizard.checks.registry")
    assert run.returncode == 1
    assert "Layers: an import never points up BROKEN" in run.stdout
    assert "launchwizard.secrets.rules -> launchwizard.checks.registry" in run.stdout


def test_a_cycle_breaks_the_build_and_is_named(tmp_path: Path) -> None:
    run = _lint_with_extra_import(tmp_path, Path("config/derived.py"), "import launchwizard.state.model")
    assert run.returncode == 1
    assert "No import cycle between sibling modules or packages BROKEN" in run.stdout
    assert ".config -> .state" in run.stdout or ".state -> .config" in run.stdout
