"""The store on a real Secret Service keyring: gnome-keyring under its own D-Bus session,
driven through the CLI exactly as a consultant's Linux desktop would be.

.ci/run installs gnome-keyring; on a machine without it (or without dbus-run-session) the
test skips and says so. The encrypted-file backend is tested everywhere else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SECRET = "lw-secret-service-4f1c9a77"

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-run-session") is None or shutil.which("gnome-keyring-daemon") is None,
    reason="gnome-keyring and dbus-run-session are not installed (.ci/run installs them)",
)

SESSION = textwrap.dedent(
    """
    set -eu
    eval "$(printf 'consultant-login' | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    lw() { "$PYTHON" -m launchwizard "$@" --config "$SPRINT"; }
    printf '%s' "$SECRET" | lw store set dns.api_token
    lw store list
    echo "--- get"
    lw store get dns.api_token
    echo
    echo "--- delete"
    lw store delete dns.api_token
    lw store get dns.api_token || echo "gone: $?"
    """
)


def test_secrets_live_in_the_secret_service_and_nowhere_else(tmp_path: Path) -> None:
    sprint = tmp_path / "sprint.toml"
    sprint.write_text(
        '[sprint]\nclient = "Acme"\ncanonical = "https://www.acme.test/"\n'
        '[domains]\napex = "acme.test"\nhosts = ["www.acme.test"]\n',
        encoding="utf-8",
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LAUNCHWIZARD_", "DBUS_"))},
        "LAUNCHWIZARD_KEYRING": "os",
        "PYTHON": sys.executable,
        "SPRINT": str(sprint),
        "SECRET": SECRET,
        "HOME": str(tmp_path / "home"),
    }
    (tmp_path / "home").mkdir()
    done = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", SESSION],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    listing, rest = done.stdout.split("--- get\n", 1)
    got, deleted = rest.split("--- delete\n", 1)
    assert "dns.api_token" in listing and "SecretService" in listing and SECRET not in listing
    assert got.strip() == SECRET
    assert "gone: 1" in deleted
    on_disk = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".keyring"]
    assert [str(p) for p in on_disk if SECRET.encode() in p.read_bytes()] == []
