"""The wizard's first screen imports only what it draws.

bench/wizard_latency.py measures the first paint against a Textual hello-world; this test
keeps the reason it is fast: the network stack, the keyring and its cryptography, the
template engine, the rule engine and the vendor SDKs are loaded when a check, a secret or an
export first needs them, never for the overview.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NOT_AT_FIRST_PAINT = (
    "httpx",
    "httpcore",
    "dns",
    "cryptography",
    "keyring",
    "jinja2",
    "cloudflare",
    "ast_grep_py",
    "hstspreload",
    "publicsuffixlist",
    "launchwizard.net",
    "launchwizard.demo",
    "launchwizard.secrets",
    "launchwizard.report",
    "launchwizard.monitoring",
)

PROBE = """
import os, sys
from pathlib import Path
os.environ["LAUNCHWIZARD_BENCH_FIRST_PAINT"] = sys.argv[2]
from launchwizard.session import Session
from launchwizard.tui.app import LaunchWizardApp
config = Path(sys.argv[1])
LaunchWizardApp(config, Session.open(config)).run(headless=True, size=(100, 30))
print("\\n".join(sorted(sys.modules)))
"""


def test_the_overview_paints_without_the_heavy_libraries(tmp_path: Path) -> None:
    config = tmp_path / "sprint.toml"
    shutil.copy(ROOT / "sprint.toml.example", config)
    painted = tmp_path / "painted"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(config), str(painted)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert painted.read_text(encoding="utf-8"), "the app never reported its first paint"
    loaded = set(done.stdout.split())
    assert "launchwizard.tui.screens.overview" in loaded
    early = sorted(name for name in loaded if name.startswith(tuple(f"{m}." for m in NOT_AT_FIRST_PAINT)))
    early += sorted(loaded.intersection(NOT_AT_FIRST_PAINT))
    assert early == []
