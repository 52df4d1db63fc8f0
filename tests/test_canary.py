"""The proof the issue asks for: a canary secret put into the store never shows up anywhere
else. Every command runs as a user would run it (a subprocess), with debug logging on, and
every byte it prints or leaves on disk is searched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CANARY = "lw-canary-7c1d9e52f0b84a6f"


def launchwizard(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launchwizard", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_canary_secret_never_leaves_the_keyring(make_sprint, tmp_path: Path) -> None:
    sprint = make_sprint(
        ["good.lab.test", "expiring.lab.test"],
        monitors={"send_test_alert": True},
        endpoints={"homepage": "https://good.lab.test/", "health": "https://good.lab.test/health"},
    )
    config = ["--config", str(sprint.path)]
    env = {
        **os.environ,
        "LAUNCHWIZARD_DEBUG": "1",
        "LAUNCHWIZARD_KEYRING": "file",
        "LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "keyring.enc"),
        "LAUNCHWIZARD_PASSPHRASE": "consultant passphrase",
        "LAUNCHWIZARD_SEAL_PASSPHRASE": "handover passphrase",
    }
    outputs: list[str] = []

    def run(*args: str, stdin: str = "", expect: int = 0, environ: dict[str, str] | None = None) -> None:
        done = launchwizard(environ or env, *args, stdin=stdin)
        outputs.extend([done.stdout, done.stderr])
        assert done.returncode == expect, (args, done.stderr)

    run("store", "set", "dns.api_token", *config, stdin=CANARY + "\n")
    run(
        "store",
        "set",
        "monitors.alert_webhook",
        *config,
        stdin=f"https://hooks.perf.test/services/{CANARY}\n",
    )
    run("store", "set", "custom.deploy_token", "--secret", *config, stdin=CANARY)
    run("store", "set", "registrar.owner", *config, stdin="Dana (founder)\n")
    run("store", "list", *config)
    run("check", *config, expect=1)
    run("check", *config, "--only", "monitor.alerts", "--format", "json", expect=1)
    run("check", *config, "--format", "sarif", "--no-save", expect=1)
    run("check", *config, "--format", "junit", "--no-save", expect=1)
    run("check", *config, "--since", "latest", "--only", "monitor.alerts", expect=1)
    run("smoke", *config, "--format", "junit", expect=1)
    run("monitors", "export", "--format", "gatus", *config)
    run("monitors", "export", "--format", "kuma", "--output", str(tmp_path / "kuma.md"), *config)
    run("monitors", "export", "--format", "checkly", "--output", str(tmp_path / "checkly"), *config)
    run("status", *config)
    run("item", "rollback-tested", "done", "--evidence", "rolled back in staging", *config)
    run("export", "--out", str(tmp_path / "pack"), "--seal", str(tmp_path / "sealed.lw"), *config)
    run(
        "store",
        "get",
        "dns.api_token",
        *config,
        expect=1,
        environ={**env, "LAUNCHWIZARD_PASSPHRASE": "wrong passphrase"},
    )
    run(
        "unseal",
        str(tmp_path / "sealed.lw"),
        *config,
        expect=1,
        environ={**env, "LAUNCHWIZARD_SEAL_PASSPHRASE": "wrong"},
    )
    founder = {
        **env,
        "LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "founder.enc"),
        "LAUNCHWIZARD_PASSPHRASE": "f",
    }
    run("unseal", str(tmp_path / "sealed.lw"), *config, environ=founder)

    revealed = launchwizard(founder, "store", "get", "dns.api_token", *config)
    assert revealed.stdout == CANARY + "\n", "the founder's keyring holds the unsealed secret"

    files = [p for root in (sprint.path.parent, tmp_path) for p in root.rglob("*") if p.is_file()]
    pack_files = list((tmp_path / "pack").glob("*.md"))
    assert len(pack_files) >= 10
    assert any(p.name.startswith("run-") for p in files)
    assert any(p.name == "state.toml" for p in files)
    assert any(p.name == "store.toml" for p in files)
    leaks = [str(p) for p in files if CANARY.encode() in p.read_bytes()]
    assert leaks == []
    assert [text for text in outputs if CANARY in text] == []
    assert any('"check": "monitor.alerts"' in text and "hooks.perf.test refused" in text for text in outputs)
    access = (tmp_path / "pack" / "access.md").read_text(encoding="utf-8")
    assert "Dana (founder)" in access
    assert "stored in encrypted file" in access


def test_secrets_found_in_code_history_and_logs_are_never_printed_or_saved(
    make_sprint, tmp_path: Path
) -> None:
    """What the scanners find is shown redacted everywhere: reports, saved runs, the pack."""
    from launchwizard.demo import fakesecrets
    from launchwizard.demo.gitrepo import Commit, build_repo

    planted = {rule: fakesecrets.value(rule, 11) for rule in ("stripe-secret-key", "openai-api-key", "jwt")}
    repo = build_repo(
        tmp_path / "app",
        [
            Commit("settings", {".env": fakesecrets.line("stripe-secret-key", 11) + "\n"}),
            Commit("client", {"web/ai.ts": fakesecrets.line("openai-api-key", 11) + "\n", ".env": None}),
        ],
    )
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "api.log").write_text(f"GET /v1/chat Authorization: Bearer {planted['jwt']}\n")
    sprint = make_sprint(
        ["good.lab.test"], repo={"path": str(repo)}, logs={"globs": [str(tmp_path / "logs" / "*.log")]}
    )
    config = ["--config", str(sprint.path)]
    env = {**os.environ, "LAUNCHWIZARD_DEBUG": "1"}
    runs = [
        launchwizard(env, "check", *config, "--only", "secrets.repo", "--only", "logs.redaction"),
        launchwizard(env, "check", *config, "--only", "config.env", "--format", "json"),
        launchwizard(env, "secrets", str(repo), "--history"),
        launchwizard(env, "secrets", str(repo), "--history", "--format", "json"),
        launchwizard(env, "secrets", str(repo), "--history", "--format", "sarif"),
        launchwizard(env, "export", "--out", str(tmp_path / "pack"), *config),
    ]
    assert [done.returncode for done in runs] == [1, 0, 1, 1, 1, 0]
    assert '"check": "config.env"' in runs[1].stdout
    assert "sk_l…#" in runs[2].stdout, "the redacted form is what is shown"
    saved = [p for p in sprint.path.parent.rglob("*") if p.is_file()] + list((tmp_path / "pack").glob("*.md"))
    assert any(p.name.startswith("run-") for p in saved)
    assert "Keys found exposed" in (tmp_path / "pack" / "rotation.md").read_text(encoding="utf-8")
    for value in planted.values():
        assert [p for p in saved if value.encode() in p.read_bytes()] == []
        assert [d.args for d in runs if value in d.stdout + d.stderr] == []


async def test_the_wizard_never_shows_a_stored_secret(make_sprint, tmp_path: Path) -> None:
    """Every screen a run passes through, painted as text, holds no byte of the canary: the
    stage screens with their findings, the capture form, the handover preview."""
    import html

    from launchwizard.session import Session
    from launchwizard.store.crypto import ScryptParams
    from launchwizard.store.filekeyring import EncryptedFileKeyring
    from launchwizard.store.store import Store
    from launchwizard.tui.app import LaunchWizardApp

    sprint = make_sprint(["good.lab.test"], monitors={"send_test_alert": True})
    backend = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    store = Store(sprint.state_dir, "launchwizard:canary", backend)
    store.set("monitors.alert_webhook", f"https://hooks.perf.test/services/{CANARY}", secret=True)
    store.set("dns.api_token", CANARY, secret=True)
    session = Session(sprint, store)
    session.state.last_screen = "stage:handover"
    app = LaunchWizardApp(sprint.path, session)
    painted: list[str] = []
    async with app.run_test(size=(140, 50)) as pilot:
        for keys in (("r",), ("f",), ("c",), ("1",), ("h",)):
            await pilot.press(*keys)
            await app.workers.wait_for_complete()
            for _ in range(50):
                await pilot.pause()
                if not getattr(app.screen, "running", False):
                    break
            painted.append(html.unescape(app.export_screenshot()))
        result = session.results[("monitor.alerts", "alerts")]
    assert "hooks.perf.test" in result.summary
    assert [n for n, text in enumerate(painted) if CANARY in text] == []


def test_the_cloudflare_token_never_leaves_the_keyring(make_sprint, lab, tmp_path: Path) -> None:
    """The Cloudflare API token, stored once, read by every cloudflare check through every
    output format, with debug logging on, on a weak zone and on an API that echoes the token
    back: no output, saved run or pack file holds it; the pack says which permissions it has."""
    from launchwizard.demo.cloudflare_zones import TOKEN_CANARY

    env = {
        **os.environ,
        "LAUNCHWIZARD_DEBUG": "1",
        "LAUNCHWIZARD_KEYRING": "file",
        "LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "keyring.enc"),
        "LAUNCHWIZARD_PASSPHRASE": "consultant passphrase",
    }
    outputs: list[str] = []
    roots: list[Path] = []
    every = [
        arg
        for check in ("zone", "tls", "dns", "waf", "ratelimit")
        for arg in ("--only", f"cloudflare.{check}")
    ]
    formats = {
        "cfweak.test": [
            (("check", "--stage", "edge"), 1),
            (("check", "--only", "cloudflare.tls", "--format", "json"), 1),
            (
                (
                    "check",
                    "--only",
                    "cloudflare.dns",
                    "--only",
                    "cloudflare.zone",
                    "--format",
                    "sarif",
                    "--no-save",
                ),
                1,
            ),
        ],
        "cfecho.test": [(("check", *every, "--format", "json"), 1)],
    }
    for zone, runs in formats.items():
        sprint = make_sprint(
            [zone, f"www.{zone}"],
            apex=zone,
            cloudflare={"api_base": lab.cloudflare_api_base},
            endpoints={"login": f"https://app.{zone}/login"},
        )
        config = ("--config", str(sprint.path))
        pack = tmp_path / f"pack-{zone}"
        roots += [sprint.path.parent, pack]
        steps = [
            (("store", "set", "cloudflare.api_token", "--secret", *config), TOKEN_CANARY + "\n", 0),
            *(((*args, *config), "", expect) for args, expect in runs),
            (("status", *config), "", 0),
            (("export", "--out", str(pack), *config), "", 0),
        ]
        for args, stdin, expect in steps:
            done = launchwizard(env, *args, stdin=stdin)
            outputs.extend([done.stdout, done.stderr])
            assert done.returncode == expect, (args, done.stderr[-500:])
    files = [p for root in roots for p in root.rglob("*") if p.is_file()]
    assert any(p.name.startswith("run-") for p in files)
    assert [str(p) for p in files if TOKEN_CANARY.encode() in p.read_bytes()] == []
    assert [text[:200] for text in outputs if TOKEN_CANARY in text] == []
    assert any('"check": "cloudflare.tls"' in text and "Full (strict)" in text for text in outputs)
    access = (tmp_path / "pack-cfweak.test" / "access.md").read_text(encoding="utf-8")
    assert "Cloudflare API token" in access and "| Zone Settings: Read | verified" in access
    assert "API token:** stored in encrypted file" in access
