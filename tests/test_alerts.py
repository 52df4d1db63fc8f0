"""monitor.alerts: a Slack-compatible test alert to the webhook in the store, proven by the
lab's webhook receiver; the URL never shows up in results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.results import Status
from launchwizard.state.model import SprintState
from launchwizard.state.statefile import save_state
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store, unattended_lookup

HOOK_PATH = "/services/T0LAB/B0LAB/lab-hook-token"
HOOK = f"https://hooks.perf.test{HOOK_PATH}"


def store_with(sprint, tmp_path: Path, webhook: str | None, passphrase: bool = True) -> Store:
    keyring = EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )
    store = Store(sprint.state_dir, "launchwizard:test", keyring)
    if webhook is not None:
        store.set("monitors.alert_webhook", webhook, secret=True)
    return store


async def run_alerts(sprint, lookup):
    report = await Runner(sprint, select(only=["monitor.alerts"]), secret_lookup=lookup).run()
    (result,) = report.results
    return result


def alert_sprint(make_sprint):
    return make_sprint(["hooks.perf.test"], apex="perf.test", monitors={"send_test_alert": True})


async def test_off_unless_opted_in(make_sprint):
    result = await run_alerts(make_sprint(["hooks.perf.test"], apex="perf.test"), None)
    assert result.status == Status.SKIPPED and "opt-in" in result.summary


async def test_a_delivered_alert_waits_for_confirmation_then_passes(make_sprint, tmp_path, lab):
    sprint = alert_sprint(make_sprint)
    lookup = unattended_lookup(store_with(sprint, tmp_path, HOOK))
    before = len(lab.webhook_deliveries("hooks.perf.test", HOOK_PATH))
    result = await run_alerts(sprint, lookup)
    assert result.status == Status.WARN
    assert result.evidence["webhook_host"] == "hooks.perf.test" and result.evidence["status"] == 200
    delivered = lab.webhook_deliveries("hooks.perf.test", HOOK_PATH)[before:]
    assert len(delivered) == 1
    message = json.loads(delivered[0])
    assert set(message) == {"text"} and result.evidence["alert_id"] in message["text"]
    assert "lab-hook-token" not in json.dumps(result.to_json())
    assert "launchwizard item alerts-routed done" in result.summary

    state = SprintState()
    state.mark_done("alerts-routed", f"test alert {result.evidence['alert_id']} seen in #alerts")
    save_state(sprint.state_dir, state)
    confirmed = await run_alerts(sprint, lookup)
    assert confirmed.status == Status.PASS and "seen in #alerts" in confirmed.summary


@pytest.mark.parametrize(
    ("webhook", "status", "words"),
    [
        (None, Status.FAIL, "no alert webhook in the store"),
        ("http://hooks.perf.test/plain-token-1", Status.FAIL, "not an https:// URL"),
        (
            "https://hooks.perf.test/services/gone-token-3",
            Status.FAIL,
            "refused the test alert with 404 (no_service)",
        ),
        ("https://nowhere.perf.test/hook-token-2", Status.ERROR, "got no answer from nowhere.perf.test"),
    ],
)
async def test_missing_bad_deleted_and_unreachable_webhooks(make_sprint, tmp_path, webhook, status, words):
    sprint = alert_sprint(make_sprint)
    result = await run_alerts(sprint, unattended_lookup(store_with(sprint, tmp_path, webhook)))
    assert result.status == status and words in result.summary, result.summary
    if webhook:
        assert webhook.rsplit("/", 1)[-1] not in json.dumps(result.to_json())


async def test_a_locked_keyring_is_an_error_not_a_prompt(make_sprint, tmp_path, monkeypatch):
    monkeypatch.delenv("LAUNCHWIZARD_PASSPHRASE", raising=False)
    sprint = alert_sprint(make_sprint)
    store_with(sprint, tmp_path, HOOK)
    locked = Store(sprint.state_dir, "launchwizard:test", EncryptedFileKeyring(tmp_path / "k.enc"))
    result = await run_alerts(sprint, unattended_lookup(locked))
    assert result.status == Status.ERROR and "LAUNCHWIZARD_PASSPHRASE" in result.summary


async def test_a_secret_never_stored_needs_no_unlocking(make_sprint, tmp_path, monkeypatch):
    """store.toml says which secrets are set: an unset one is simply absent, locked or not."""
    monkeypatch.delenv("LAUNCHWIZARD_PASSPHRASE", raising=False)
    sprint = alert_sprint(make_sprint)
    locked = Store(sprint.state_dir, "launchwizard:test", EncryptedFileKeyring(tmp_path / "k.enc"))
    result = await run_alerts(sprint, unattended_lookup(locked))
    assert result.status == Status.FAIL and "no alert webhook in the store" in result.summary


def test_the_cli_reads_the_webhook_from_the_store(make_sprint, tmp_path, monkeypatch, capsys, run_cli, lab):
    monkeypatch.setenv("LAUNCHWIZARD_KEYRING", "file")
    monkeypatch.setenv("LAUNCHWIZARD_KEYRING_FILE", str(tmp_path / "keyring.enc"))
    monkeypatch.setenv("LAUNCHWIZARD_PASSPHRASE", "consultant passphrase")
    sprint = alert_sprint(make_sprint)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(HOOK + "\n"))
    code, _, err = run_cli(capsys, "store", "set", "monitors.alert_webhook", "--config", str(sprint.path))
    assert code == 0, err
    before = len(lab.webhook_deliveries("hooks.perf.test", HOOK_PATH))
    code, out, _ = run_cli(
        capsys, "check", "--config", str(sprint.path), "--only", "monitor.alerts", "--format", "json"
    )
    result = json.loads(out)["results"][0]
    assert result["status"] == "warn" and "lab-hook-token" not in out
    assert len(lab.webhook_deliveries("hooks.perf.test", HOOK_PATH)) == before + 1
