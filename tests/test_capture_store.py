"""What the capture form and the pack ask for: every section has fields (the env section one
per environment of sprint.toml), one alert webhook (migrated from its old name and read by
monitor.alerts), and earlier values of clear fields kept so a slip can be undone."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.config import load_sprint
from launchwizard.results import Status
from launchwizard.session import CAPTURE_BY_STAGE, Session
from launchwizard.sprint import STAGES
from launchwizard.store.catalog import HANDOVER_FIELDS, SECTIONS, environment_field
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.errors import StoreError, StoreFileError
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store, unattended_lookup
from launchwizard.store.storefile import HISTORY_DEPTH
from launchwizard.store.view import handover_details

HOOK_PATH = "/services/T0LAB/B0LAB/lab-hook-token"
HOOK = f"https://hooks.perf.test{HOOK_PATH}"


def sprint_with(tmp_path: Path, environments: dict[str, list[str]] | None = None, **tables: object):
    document: dict[str, object] = {
        "sprint": {"client": "Acme", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
        **tables,
    }
    if environments is not None:
        document["environments"] = {name: {"variables": v} for name, v in environments.items()}
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return load_sprint(path)


def keyring(tmp_path: Path) -> EncryptedFileKeyring:
    return EncryptedFileKeyring(
        tmp_path / "k.enc", passphrase=lambda confirm: "pw", kdf=ScryptParams(n=2**12)
    )


def store_for(sprint, tmp_path: Path) -> Store:
    return Store.for_sprint(sprint, keyring(tmp_path))


# ------------------------------------------------------------------ every section has fields


@pytest.mark.parametrize("environments", [None, {"production": ["A"], "Staging-EU": ["A"], "2nd": []}])
def test_every_capture_section_of_every_stage_has_fields(tmp_path: Path, environments) -> None:
    sprint = sprint_with(tmp_path, environments)
    session = Session(sprint, store_for(sprint, tmp_path))
    for stage in STAGES:
        sections = session.capture_sections(stage.id)
        assert [s.id for s in sections] == list(CAPTURE_BY_STAGE[stage.id])
        for section in sections:
            assert section.fields, f"{stage.id}: {section.title} has nothing to fill in"


def test_the_env_section_asks_about_each_environment_of_sprint_toml(tmp_path: Path) -> None:
    sprint = sprint_with(tmp_path, {"production": ["A"], "Staging-EU": ["A"], "2nd": []})
    env = store_for(sprint, tmp_path).view().section("env")
    assert env is not None
    assert [(f.name, f.label) for f in env.fields] == [
        ("env.production", "production"),
        ("env.staging_eu", "Staging-EU"),
        ("env.env_2nd", "2nd"),
    ]
    assert all(f.multiline and not f.secret for f in env.fields)
    assert "who can change them" in env.hint


def test_without_environments_the_env_section_asks_about_production(tmp_path: Path) -> None:
    sprint = sprint_with(tmp_path)
    env = store_for(sprint, tmp_path).view().section("env")
    assert env is not None and [f.name for f in env.fields] == ["env.production"]


@pytest.mark.parametrize("name", ["", "!!!", "-" * 200, "Prod / EU (main)", "x" * 300])
def test_any_environment_name_gives_a_valid_field_name(name: str) -> None:
    from launchwizard.store.catalog import parse_name

    assert parse_name(f"env.{environment_field(name)}")


def test_handover_details_count_each_environment(tmp_path: Path) -> None:
    sprint = sprint_with(tmp_path, {"production": [], "staging": []})
    store = store_for(sprint, tmp_path)
    store.set("registrar.owner", "Dana")
    store.set("env.staging", "Fly.io secrets, Sam and Dana")
    details = handover_details(store.view())
    assert [d.name for d in details] == [*HANDOVER_FIELDS, "env.production", "env.staging"]
    assert {d.name for d in details if d.captured} == {"registrar.owner", "env.staging"}
    assert next(d for d in details if d.name == "env.production").sentence == (
        "Environment variables: production"
    )


# ------------------------------------------------------------------ one alert webhook


def test_the_catalog_has_one_alert_webhook() -> None:
    webhooks = [f"{s.id}.{f.field}" for s in SECTIONS for f in s.fields if "webhook" in f.field]
    assert webhooks == ["monitors.alert_webhook"]


def old_webhook(store: Store, url: str) -> None:
    """What an earlier version saved: the webhook under monitoring.webhook_url."""
    store.backend.set_password(store.service, "monitoring.webhook_url", url)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text('version = 1\nsecrets = ["monitoring.webhook_url"]\n', encoding="utf-8")


def test_a_webhook_under_its_old_name_shows_and_is_read_as_the_alert_webhook(tmp_path: Path) -> None:
    sprint = sprint_with(tmp_path)
    store = store_for(sprint, tmp_path)
    old_webhook(store, HOOK)
    monitors = store.view().section("monitors")
    monitoring = store.view().section("monitoring")
    assert monitors is not None and monitoring is not None
    assert monitors.field("alert_webhook").is_set  # type: ignore[union-attr]
    assert all("webhook" not in f.name for f in monitoring.fields)
    assert store.secret_names() == ["monitors.alert_webhook"]
    assert store.get("monitors.alert_webhook", reveal=True) == HOOK
    assert "monitoring.webhook_url" not in store.path.read_text(encoding="utf-8")
    assert store.backend.get_password(store.service, "monitoring.webhook_url") is None
    assert store.backend.get_password(store.service, "monitors.alert_webhook") == HOOK


def test_the_old_name_is_written_and_deleted_as_the_new_one(tmp_path: Path) -> None:
    sprint = sprint_with(tmp_path)
    store = store_for(sprint, tmp_path)
    old_webhook(store, HOOK + "-old")
    store.set("monitoring.webhook_url", HOOK)
    assert store.secret_names() == ["monitors.alert_webhook"]
    assert store.get("monitoring.webhook_url", reveal=True) == HOOK
    assert store.backend.get_password(store.service, "monitoring.webhook_url") is None
    assert store.delete("monitoring.webhook_url")
    assert store.secret_names() == [] and not store.delete("monitors.alert_webhook")


async def test_monitor_alerts_reads_a_webhook_saved_under_the_old_name(make_sprint, tmp_path, lab) -> None:
    sprint = make_sprint(["hooks.perf.test"], apex="perf.test", monitors={"send_test_alert": True})
    store = Store(sprint.state_dir, "launchwizard:test", keyring(tmp_path))
    old_webhook(store, HOOK)
    before = len(lab.webhook_deliveries("hooks.perf.test", HOOK_PATH))
    runner = Runner(sprint, select(only=["monitor.alerts"]), secret_lookup=unattended_lookup(store))
    (result,) = (await runner.run()).results
    assert result.status == Status.WARN and result.evidence["status"] == 200
    assert len(lab.webhook_deliveries("hooks.perf.test", HOOK_PATH)) == before + 1
    assert store.secret_names() == ["monitors.alert_webhook"]


# ------------------------------------------------------------------ earlier values


def test_overwriting_and_clearing_keep_earlier_values_and_restore_undoes(tmp_path: Path) -> None:
    store = store_for(sprint_with(tmp_path), tmp_path)
    store.set("registrar.owner", "Dana Smith")
    store.set("registrar.owner", "1")
    assert store.previous("registrar.owner") == ["Dana Smith"]
    assert store.restore("registrar.owner") == "Dana Smith"
    assert store.get("registrar.owner") == "Dana Smith"
    assert store.previous("registrar.owner") == ["1"]
    assert store.restore("registrar.owner") == "1"
    store.delete("registrar.owner")
    assert store.get("registrar.owner") is None
    assert store.previous("registrar.owner")[0] == "1"
    field = store.view().section("registrar").field("owner")  # type: ignore[union-attr]
    assert field is not None and field.previous == ("1", "Dana Smith")


def test_history_is_bounded_and_without_repeats(tmp_path: Path) -> None:
    store = store_for(sprint_with(tmp_path), tmp_path)
    for n in range(12):
        store.set("rollback.steps", f"v{n % 4}")
    previous = store.previous("rollback.steps")
    assert len(previous) <= HISTORY_DEPTH and len(set(previous)) == len(previous)
    assert previous[0] == "v2" and "v3" not in previous


def test_nothing_to_restore_is_an_error(tmp_path: Path) -> None:
    store = store_for(sprint_with(tmp_path), tmp_path)
    with pytest.raises(StoreError, match="no earlier value"):
        store.restore("registrar.owner")


def test_a_field_made_secret_forgets_its_clear_history(tmp_path: Path) -> None:
    store = store_for(sprint_with(tmp_path), tmp_path)
    store.set("custom.deploy_key", "first-clear-value")
    store.set("custom.deploy_key", "second-clear-value")
    store.set("custom.deploy_key", "now-a-secret", secret=True)
    text = store.path.read_text(encoding="utf-8")
    assert "clear-value" not in text and store.previous("custom.deploy_key") == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('[history]\n"registrar.password" = ["x"]\n', "secret field"),
        ('history = ["x"]\n', "expected a table"),
        ('[history]\n"registrar.owner" = "x"\n', "expected a list"),
        ('[history]\n"registrar.owner" = [""]\n', "empty"),
        ('[history]\n"Bad Name" = ["x"]\n', "invalid NAME"),
    ],
)
def test_a_hand_edited_history_is_read_strictly(tmp_path: Path, body: str, words: str) -> None:
    store = store_for(sprint_with(tmp_path), tmp_path)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text("version = 1\n" + body, encoding="utf-8")
    with pytest.raises(StoreFileError, match=words):
        store.view()


def test_a_long_hand_edited_history_is_cut_to_its_depth(tmp_path: Path) -> None:
    store = store_for(sprint_with(tmp_path), tmp_path)
    store.path.parent.mkdir(parents=True, exist_ok=True)
    values = ", ".join(f'"v{n}"' for n in range(40))
    store.path.write_text(f'version = 1\n[history]\n"registrar.owner" = [{values}]\n', encoding="utf-8")
    assert store.previous("registrar.owner") == [f"v{n}" for n in range(HISTORY_DEPTH)]
