"""Nothing secret reaches a file or a screen through what the product says back.

The oversharing lab product puts a provider key into every answer: chat replies, errors, the
health route, its 404 page. Every check that captures a body runs against it from the CLI, in
every output format; the key must appear nowhere (stdout, runs/, state, the pack), only its
redacted form. The same for another tenant's data behind a canary, and for an alert webhook
the HTTP client rejects as malformed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from launchwizard.demo.chatbot import TENANT_CANARY, leaked_key
from launchwizard.results import Result, Severity, Status
from launchwizard.secrets.model import redact
from launchwizard.secrets.redaction import Redactor, secret_parts

CAPTURING = [
    arg
    for check in ("ai.injection", "perf.chat", "core.errors", "core.health", "core.landing", "deploy.smoke")
    for arg in ("--only", check)
]


def launchwizard(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launchwizard", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def everything_written(*roots: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for root in roots for p in root.rglob("*") if p.is_file()]


def test_a_key_in_every_captured_body_is_redacted_everywhere(make_sprint, tmp_path: Path) -> None:
    site = "https://overshare.perf.test"
    sprint = make_sprint(
        ["overshare.perf.test"],
        endpoints={
            "homepage": f"{site}/",
            "health": f"{site}/health",
            "login": f"{site}/login",
            "chat": {
                "url": f"{site}/v1/chat",
                "method": "POST",
                "body": '{"message": "{{prompt}}"}',
                "response_path": "reply.text",
                "timeout_s": 5,
            },
        },
        probes={
            "injection": {"enabled": True, "endpoint": "chat", "rate_per_s": 20, "canaries": [TENANT_CANARY]}
        },
        perf={"samples": 10},
    )
    config = ["--config", str(sprint.path)]
    env = {**os.environ, "LAUNCHWIZARD_DEBUG": "1"}
    outputs = []
    for fmt in ("json", "text", "sarif", "junit"):
        done = launchwizard(env, "check", *config, *CAPTURING, "--format", fmt)
        assert done.returncode in (0, 1), done.stderr
        outputs += [done.stdout, done.stderr]
    smoke = launchwizard(env, "smoke", *config, "--format", "json")
    outputs += [smoke.stdout, smoke.stderr]
    exported = launchwizard(env, "export", "--out", str(tmp_path / "pack"), *config)
    assert exported.returncode == 0, exported.stderr

    key = leaked_key()
    written = everything_written(sprint.path.parent, tmp_path / "pack")
    assert any(p.name.startswith("run-") for p, _ in written)
    assert [p for p, data in written if key.encode() in data] == []
    assert [text[:200] for text in outputs if key in text] == []
    assert any(redact(key) in text for text in outputs), "the redacted form is shown instead"
    evidence = (tmp_path / "pack" / "evidence.md").read_text(encoding="utf-8")
    assert redact(key) in evidence


def test_another_tenants_data_is_a_marker_and_a_hash(make_sprint, tmp_path: Path) -> None:
    site = "https://chat.perf.test"
    sprint = make_sprint(
        ["chat.perf.test"],
        endpoints={
            "homepage": f"{site}/",
            "chat": {
                "url": f"{site}/v1/chat",
                "method": "POST",
                "body": '{"message": "{{prompt}}"}',
                "response_path": "reply.text",
            },
        },
        probes={
            "injection": {"enabled": True, "endpoint": "chat", "rate_per_s": 20, "canaries": [TENANT_CANARY]}
        },
    )
    config = ["--config", str(sprint.path)]
    done = launchwizard(dict(os.environ), "check", *config, "--only", "ai.injection", "--format", "json")
    assert done.returncode == 1, done.stderr
    exported = launchwizard(dict(os.environ), "export", "--out", str(tmp_path / "pack"), *config)
    assert exported.returncode == 0, exported.stderr
    written = everything_written(sprint.path.parent / ".launchwizard", tmp_path / "pack")
    for leaked in (TENANT_CANARY, "Refund order 8812"):
        assert leaked not in done.stdout
        assert [p for p, data in written if leaked.encode() in data] == []
    assert redact(TENANT_CANARY) in done.stdout
    assert "withheld: the reply holds planted data" in done.stdout


def test_a_malformed_webhook_url_never_appears(make_sprint, tmp_path: Path) -> None:
    sprint = make_sprint(["good.lab.test"], monitors={"send_test_alert": True})
    config = ["--config", str(sprint.path)]
    env = {
        **os.environ,
        "LAUNCHWIZARD_KEYRING": "file",
        "LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "keyring.enc"),
        "LAUNCHWIZARD_PASSPHRASE": "consultant passphrase",
    }
    secret_path = "T0LAB/B0LAB/s3cr3t-hook-path-4f9a"
    for url in (
        f"https://hooks.perf.test/services/{secret_path}\x7f",
        f"https://hooks.perf.test:99999/services/{secret_path}",
        f"https://hooks.perf.test/services/{secret_path} with space",
    ):
        stored = launchwizard(env, "store", "set", "monitors.alert_webhook", *config, stdin=url + "\n")
        assert stored.returncode == 0, stored.stderr
        for fmt in ("json", "text", "sarif", "junit"):
            done = launchwizard(env, "check", *config, "--only", "monitor.alerts", "--format", fmt)
            assert done.returncode == 1, done.stderr
            assert secret_path not in done.stdout + done.stderr
            assert "s3cr3t" not in done.stdout + done.stderr
    saved = everything_written(sprint.path.parent / ".launchwizard")
    assert [p for p, data in saved if b"s3cr3t" in data] == []


# ------------------------------------------------------------------ the pass itself


def test_known_values_are_redacted_with_their_url_parts() -> None:
    url = "https://hooks.slack.test/services/T000/B000/abcdefghijklmnopqrstuvwx"
    redactor = Redactor()
    redactor.remember(url)
    assert "/services/T000/B000/abcdefghijklmnopqrstuvwx" in secret_parts(url)
    for text in (
        f"POST {url} failed",
        "Invalid URL '/services/T000/B000/abcdefghijklmnopqrstuvwx'",
        "token abcdefghijklmnopqrstuvwx rejected",
        "HTTPS://HOOKS.SLACK.TEST/SERVICES/T000/B000/ABCDEFGHIJKLMNOPQRSTUVWX",
    ):
        assert "abcdefghijklmnopqrstuvwx" not in redactor.text(text).lower()


def test_a_result_is_redacted_in_every_field_and_nested_evidence() -> None:
    key = leaked_key()
    redactor = Redactor(markers=[TENANT_CANARY])
    result = Result(
        check="perf.chat",
        stage="perf",
        target="api.test",
        status=Status.FAIL,
        severity=Severity.HIGH,
        title="t",
        summary=f"reply said {key}",
        evidence={"rows": [{"reply": f"ref {TENANT_CANARY}", key: 1}], "nested": ({"deep": [key]},)},
        fix=f"rotate {key}",
    )
    out = redactor.result(result)
    assert key not in repr(out) and TENANT_CANARY not in repr(out)
    assert redact(key) in out.summary and redact(TENANT_CANARY) in out.evidence["rows"][0]["reply"]
    assert key in result.summary, "the original is left alone"


@given(st.text(max_size=40), st.text(max_size=40))
def test_a_known_secret_never_survives_the_pass(before: str, after: str) -> None:
    secret = "lw-known-secret-0f3e2d1c"
    redactor = Redactor()
    redactor.remember(secret)
    assert secret not in redactor.text(before + secret + after)


# ------------------------------------------------------------------ sandboxed templates

ESCAPES = [
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ lipsum.__globals__['os'].environ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ client.__class__.__base__.__subclasses__() }}",
    "{{ notes.append('tampered') }}{{ notes }}",
    "{{ (files|list).pop() }}",
]


def test_custom_templates_cannot_reach_the_environment_or_internals(tmp_path: Path) -> None:
    (tmp_path / "sprint.toml").write_text(
        '[sprint]\nclient = "Acme"\ncanonical = "https://www.acme.test/"\n'
        '[domains]\napex = "acme.test"\nhosts = ["www.acme.test"]\n',
        encoding="utf-8",
    )
    secret = "passphrase-never-in-a-pack-5d1c"  # launchwizard:allow (a test value)
    env = {**os.environ, "LAUNCHWIZARD_PASSPHRASE": secret, "LAUNCHWIZARD_SEAL_PASSPHRASE": secret}
    for number, escape in enumerate(ESCAPES):
        templates = tmp_path / f"t{number}"
        templates.mkdir()
        (templates / "README.md.j2").write_text(f"# pack\n{escape}\n", encoding="utf-8")
        out = tmp_path / f"pack{number}"
        done = launchwizard(
            env,
            "export",
            "--out",
            str(out),
            "--templates",
            str(templates),
            "--config",
            str(tmp_path / "sprint.toml"),
        )
        assert done.returncode == 2, (escape, done.stdout, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "sandbox" in done.stderr or "unsafe" in done.stderr, done.stderr
        assert secret not in done.stdout + done.stderr
        assert not out.exists() or all(
            secret.encode() not in p.read_bytes() for p in out.rglob("*") if p.is_file()
        )


async def test_the_wizard_shows_a_leaked_key_only_redacted(make_sprint, tmp_path: Path) -> None:
    """The wizard runs the checks itself; every row of the stages that capture bodies, painted,
    holds the key's redacted form and never the key."""
    from launchwizard.session import Session
    from launchwizard.store.crypto import ScryptParams
    from launchwizard.store.filekeyring import EncryptedFileKeyring
    from launchwizard.store.store import Store
    from launchwizard.tui.app import LaunchWizardApp

    site = "https://overshare.perf.test"
    sprint = make_sprint(
        ["overshare.perf.test"],
        endpoints={
            "homepage": f"{site}/",
            "health": f"{site}/health",
            "chat": {
                "url": f"{site}/v1/chat",
                "method": "POST",
                "body": '{"message": "{{prompt}}"}',
                "response_path": "reply.text",
                "timeout_s": 5,
            },
        },
        perf={"samples": 10},
    )
    keyring = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:overshare", keyring))
    app = LaunchWizardApp(sprint.path, session)
    key, painted = leaked_key(), []
    async with app.run_test(size=(140, 50)) as pilot:
        for stage in ("2", "5"):
            await pilot.press(stage, "r")
            await app.workers.wait_for_complete()
            for _ in range(100):
                await pilot.pause()
                if not getattr(app.screen, "running", False):
                    break
            for _ in range(app.screen.query_one("#results").row_count):
                strips = app.screen._compositor.render_strips()
                painted.append("".join(segment.text for strip in strips for segment in strip))
                await pilot.press("down")
    assert [n for n, text in enumerate(painted) if key in text] == []
    assert any(redact(key)[:4] in text and "…#" in text for text in painted)
