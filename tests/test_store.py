"""The store: clear fields in store.toml, secrets only in an (encrypted) keyring.

Every test sets the keyring backend explicitly: an EncryptedFileKeyring on a file under
tmp_path, a fixed passphrase and cheap scrypt parameters. keyring's own detection is
only exercised through `choose_keyring` with an injected detector.
"""

from __future__ import annotations

import base64
import io
import json
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import keyring.errors
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.compat import properties

from launchwizard.config import Sprint
from launchwizard.errors import UserError
from launchwizard.store import commands
from launchwizard.store.backend import choose_keyring, describe, usable
from launchwizard.store.catalog import MAX_VALUE_BYTES, SECTIONS, label_for, title_for
from launchwizard.store.crypto import (
    FORMAT_KEYRING,
    FORMAT_SEALED,
    Key,
    ScryptParams,
    encrypt,
    read_envelope,
)
from launchwizard.store.errors import (
    CorruptFile,
    CryptoError,
    NoPassphrase,
    StoreError,
    StoreFileError,
    StoreUsageError,
    WrongPassphrase,
)
from launchwizard.store.filekeyring import EncryptedFileKeyring, default_keyring_path
from launchwizard.store.passphrase import PromptPassphrase
from launchwizard.store.seal import seal, unseal
from launchwizard.store.store import Store, service_for
from launchwizard.store.view import StoreView

CHEAP = ScryptParams(n=2**12)
CANARY = "CANARY-s3cr3t-7f3a9d-never-print-me"
PASSPHRASE = "correct horse battery staple"
SERVICE = "launchwizard:acme.test"


class Asked:
    """A passphrase source that records every request (`True` = confirm wanted)."""

    def __init__(self, passphrase: str = PASSPHRASE) -> None:
        self.passphrase = passphrase
        self.requests: list[bool] = []

    def __call__(self, confirm: bool) -> str:
        self.requests.append(confirm)
        return self.passphrase


def file_keyring(path: Path, passphrase: str = PASSPHRASE) -> EncryptedFileKeyring:
    return EncryptedFileKeyring(path, Asked(passphrase), CHEAP)


@pytest.fixture
def keyring_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "keyring.enc"


@pytest.fixture
def store(tmp_path: Path, keyring_path: Path) -> Store:
    return Store(tmp_path / "state", SERVICE, file_keyring(keyring_path))


def all_file_bytes(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()]


def assert_no_canary_on_disk(root: Path) -> None:
    for path, data in all_file_bytes(root):
        assert CANARY.encode() not in data, f"canary found in {path}"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- set / get / list / delete ----------------------------------------------------------


def test_clear_field_round_trip(store: Store) -> None:
    store.set("registrar.owner", "Jane Doe")
    assert store.get("registrar.owner") == "Jane Doe"
    assert ("registrar.owner", False, True, "Jane Doe") in store.list()
    assert store.delete("registrar.owner") is True
    assert store.get("registrar.owner") is None
    assert ("registrar.owner", False, False, "unset") in store.list()
    assert store.delete("registrar.owner") is False


def test_secret_field_round_trip(store: Store, keyring_path: Path) -> None:
    store.set("registrar.password", CANARY)
    assert store.get("registrar.password", reveal=True) == CANARY
    assert ("registrar.password", True, True, "set") in store.list()
    assert store.secret_names() == ["registrar.password"]
    assert 'secrets = [\n    "registrar.password",\n]' in store.path.read_text()
    assert store.delete("registrar.password") is True
    assert store.get("registrar.password", reveal=True) is None
    assert ("registrar.password", True, False, "unset") in store.list()
    assert file_keyring(keyring_path).get_password(SERVICE, "registrar.password") is None


def test_secret_needs_an_explicit_ask(store: Store) -> None:
    store.set("dns.api_token", CANARY)
    with pytest.raises(StoreError) as caught:
        store.get("dns.api_token")
    assert CANARY not in str(caught.value)


@pytest.mark.parametrize(
    "name", ["cloudflare.api_token", "vendor.webhook_url", "db.admin_password", "ci.deploy_credential"]
)
def test_secret_looking_names_are_forced_secret(store: Store, tmp_path: Path, name: str) -> None:
    store.set(name, CANARY, secret=False)
    assert store.is_secret(name)
    assert store.get(name, reveal=True) == CANARY
    assert name in store.secret_names()
    assert_no_canary_on_disk(tmp_path)


def test_a_field_stored_as_secret_stays_secret(store: Store, tmp_path: Path) -> None:
    store.set("vendor.login", "first", secret=True)
    store.set("vendor.login", CANARY)
    assert store.is_secret("vendor.login")
    assert store.get("vendor.login", reveal=True) == CANARY
    assert_no_canary_on_disk(tmp_path)


def test_a_clear_field_made_secret_leaves_store_toml(store: Store, tmp_path: Path) -> None:
    store.set("vendor.login", "alice")
    store.set("vendor.login", CANARY, secret=True)
    assert "alice" not in store.path.read_text()
    assert store.get("vendor.login", reveal=True) == CANARY
    assert_no_canary_on_disk(tmp_path)


@pytest.mark.parametrize(
    "name",
    ["", "registrar", "Registrar.owner", "registrar.", ".owner", "a.b.c", "1a.b", "a-b.c", "a." + "b" * 65],
)
def test_bad_names_are_usage_errors(store: Store, name: str) -> None:
    with pytest.raises(StoreUsageError, match=r"section\.field"):
        store.set(name, "x")


def test_a_token_pasted_as_name_is_not_echoed(store: Store) -> None:
    with pytest.raises(StoreUsageError) as caught:
        store.set(CANARY, "x")
    assert CANARY not in str(caught.value)


@pytest.mark.parametrize("value", ["", "a\x00b", "x" * (MAX_VALUE_BYTES + 1), "\udc80"])
def test_bad_values_are_refused(store: Store, value: str) -> None:
    with pytest.raises(StoreUsageError, match="nothing was saved"):
        store.set("release.notes", value)
    with pytest.raises(StoreUsageError):
        store.set("release.api_key", value)
    assert not store.path.exists()


@pytest.mark.parametrize("name", ["rollback.steps", "hosting.password"])
def test_any_text_up_to_64_kib_round_trips(store: Store, name: str) -> None:
    multi = '1. revert\n2. "redeploy" \\ ünïcødé 🚀\n\t3. done\n'
    store.set(name, multi)
    assert store.get(name, reveal=True) == multi
    big = "é" * (MAX_VALUE_BYTES // 2)
    store.set(name, big)
    assert store.get(name, reveal=True) == big


def test_concurrent_saves_lose_nothing(tmp_path: Path, keyring_path: Path) -> None:
    """Each thread has its own Store and keyring object, like separate processes would."""

    def save(index: int) -> None:
        worker = Store(tmp_path / "state", SERVICE, file_keyring(keyring_path))
        worker.set(f"vendor.field_{index}", f"value {index}")
        worker.set(f"vendor.token_{index}", f"secret {index}")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = Store(tmp_path / "state", SERVICE, file_keyring(keyring_path))
    for index in range(6):
        assert final.get(f"vendor.field_{index}") == f"value {index}"
        assert final.get(f"vendor.token_{index}", reveal=True) == f"secret {index}"


# --- what is on disk -------------------------------------------------------------------


def test_files_are_private_and_hold_no_secret_in_clear(
    store: Store, tmp_path: Path, keyring_path: Path
) -> None:
    store.set("registrar.owner", "Jane")
    store.set("registrar.password", CANARY)
    store.set("monitors.alert_webhook", CANARY + "-hook")
    seal(store, tmp_path / "handover.sealed", "seal phrase", CHEAP)
    for path in (store.path, keyring_path, tmp_path / "handover.sealed"):
        assert mode(path) == 0o600, path
    assert_no_canary_on_disk(tmp_path)
    assert "registrar.password" in store.path.read_text()


def test_default_keyring_path_follows_the_environment(tmp_path: Path) -> None:
    assert default_keyring_path({"LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "k.enc")}) == tmp_path / "k.enc"
    xdg = default_keyring_path({"XDG_DATA_HOME": str(tmp_path)})
    assert xdg == tmp_path / "launchwizard" / "keyring.enc"
    assert default_keyring_path({}).parts[-4:] == (".local", "share", "launchwizard", "keyring.enc")


# --- the encrypted keyring file --------------------------------------------------------


def test_a_new_keyring_asks_once_with_confirmation(keyring_path: Path) -> None:
    asked = Asked()
    ring = EncryptedFileKeyring(keyring_path, asked, CHEAP)
    assert ring.get_password(SERVICE, "a.token") is None
    assert asked.requests == []
    ring.set_password(SERVICE, "a.token", "one")
    ring.set_password(SERVICE, "b.token", "two")
    assert ring.get_password(SERVICE, "a.token") == "one"
    assert asked.requests == [True]
    again = Asked()
    assert EncryptedFileKeyring(keyring_path, again, CHEAP).get_password(SERVICE, "b.token") == "two"
    assert again.requests == [False]


def test_wrong_passphrase_is_clear_and_changes_nothing(store: Store, keyring_path: Path) -> None:
    store.set("registrar.password", CANARY)
    before = keyring_path.read_bytes()
    intruder = file_keyring(keyring_path, "not the passphrase")
    for attempt in (
        lambda: intruder.get_password(SERVICE, "registrar.password"),
        lambda: intruder.set_password(SERVICE, "x.token", "y"),
        lambda: intruder.delete_password(SERVICE, "registrar.password"),
    ):
        with pytest.raises(WrongPassphrase) as caught:
            attempt()
        assert str(keyring_path) in str(caught.value)
        assert "wrong passphrase" in str(caught.value)
        assert CANARY not in str(caught.value)
        assert keyring_path.read_bytes() == before


def test_wrong_passphrase_through_the_store(tmp_path: Path, store: Store, keyring_path: Path) -> None:
    store.set("registrar.password", CANARY)
    index = store.path.read_bytes()
    other = Store(tmp_path / "state", SERVICE, file_keyring(keyring_path, "wrong"))
    with pytest.raises(WrongPassphrase):
        other.set("registrar.recovery_codes", "x")
    assert store.path.read_bytes() == index
    assert other.list() == store.list()


def _tamper(path: Path, field: str) -> None:
    document = json.loads(path.read_text())
    target = document["kdf"] if field == "salt" else document
    raw = bytearray(base64.b64decode(target[field]))
    raw[0] ^= 0x01
    target[field] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("field", ["ciphertext", "nonce"])
def test_tampered_file_is_corrupt(store: Store, keyring_path: Path, field: str) -> None:
    store.set("registrar.password", CANARY)
    _tamper(keyring_path, field)
    with pytest.raises(CorruptFile) as caught:
        file_keyring(keyring_path).get_password(SERVICE, "registrar.password")
    assert CANARY not in str(caught.value)


@pytest.mark.parametrize("field", ["check", "salt"])
def test_altered_key_material_reads_as_wrong_passphrase(store: Store, keyring_path: Path, field: str) -> None:
    store.set("registrar.password", CANARY)
    _tamper(keyring_path, field)
    with pytest.raises(WrongPassphrase):
        file_keyring(keyring_path).get_password(SERVICE, "registrar.password")


def test_truncated_file_is_corrupt(store: Store, keyring_path: Path) -> None:
    store.set("registrar.password", CANARY)
    data = keyring_path.read_bytes()
    keyring_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFile):
        file_keyring(keyring_path).get_password(SERVICE, "registrar.password")


def test_a_sealed_file_is_not_a_keyring(store: Store, tmp_path: Path) -> None:
    store.set("registrar.password", CANARY)
    sealed = tmp_path / "out.sealed"
    seal(store, sealed, PASSPHRASE, CHEAP)
    with pytest.raises(CorruptFile, match=r"launchwizard\.sealed/1 file, not launchwizard\.keyring/1"):
        file_keyring(sealed).get_password(SERVICE, "registrar.password")


def test_file_parameters_are_upgraded_on_the_next_save(keyring_path: Path) -> None:
    file_keyring(keyring_path).set_password(SERVICE, "a.token", "one")
    stronger = ScryptParams(n=2**13)
    ring = EncryptedFileKeyring(keyring_path, Asked(), stronger)
    ring.set_password(SERVICE, "b.token", "two")
    assert read_envelope(keyring_path.read_bytes(), FORMAT_KEYRING, "k").params == stronger
    assert file_keyring(keyring_path).get_password(SERVICE, "a.token") == "one"


def test_deleting_a_missing_entry_is_a_keyring_error(keyring_path: Path) -> None:
    ring = file_keyring(keyring_path)
    with pytest.raises(keyring.errors.PasswordDeleteError):
        ring.delete_password(SERVICE, "nothing.here")
    ring.set_password(SERVICE, "a.token", "x")
    with pytest.raises(keyring.errors.PasswordDeleteError):
        ring.delete_password(SERVICE, "b.token")


def test_keyring_never_picks_the_file_backend_on_its_own() -> None:
    assert EncryptedFileKeyring.priority < fail.Keyring.priority
    assert EncryptedFileKeyring.priority < 0  # the chainer only takes priority > 0


# --- passphrases -----------------------------------------------------------------------


def test_passphrase_from_the_environment_first() -> None:
    prompt = PromptPassphrase(
        "LW_TEST_PW", "keyring", {"LW_TEST_PW": "env pw"}, ask=_no_ask, interactive=lambda: True
    )
    assert prompt(True) == "env pw"


def test_no_terminal_and_no_variable_names_the_variable() -> None:
    prompt = PromptPassphrase("LW_TEST_PW", "keyring", {}, ask=_no_ask, interactive=lambda: False)
    with pytest.raises(NoPassphrase, match="set LW_TEST_PW"):
        prompt(False)


def test_a_new_passphrase_is_typed_twice() -> None:
    answers = iter(["first", "first"])
    prompt = PromptPassphrase(
        "LW_TEST_PW", "keyring", {}, ask=lambda _: next(answers), interactive=lambda: True
    )
    assert prompt(True) == "first"
    answers = iter(["first", "frist"])
    with pytest.raises(NoPassphrase, match="differ"):
        prompt(True)
    answers = iter([""])
    with pytest.raises(NoPassphrase, match="empty"):
        prompt(False)


def _yes() -> bool:
    return True


def _no_ask(_: str) -> str:
    raise AssertionError("must not prompt")


# --- sealing ---------------------------------------------------------------------------


def test_seal_and_unseal_into_a_fresh_keyring(store: Store, tmp_path: Path) -> None:
    store.set("registrar.password", CANARY)
    store.set("acme.deploy_token", CANARY + "-2", secret=True)
    store.set("registrar.owner", "Jane")
    sealed = tmp_path / "handover.sealed"
    assert seal(store, sealed, "hand-over phrase", CHEAP) == ["acme.deploy_token", "registrar.password"]
    founder_ring = tmp_path / "founder" / "keyring.enc"
    founder = Store(tmp_path / "founder" / "state", SERVICE, file_keyring(founder_ring, "founder pw"))
    result = unseal(sealed, "hand-over phrase", founder)
    assert result.names == ("acme.deploy_token", "registrar.password")
    assert result.sealed_service == SERVICE
    assert founder.get("registrar.password", reveal=True) == CANARY
    assert founder.get("acme.deploy_token", reveal=True) == CANARY + "-2"
    assert founder.get("registrar.owner") is None
    assert mode(founder_ring) == 0o600
    assert_no_canary_on_disk(tmp_path)


def test_wrong_seal_passphrase_writes_nothing(store: Store, tmp_path: Path) -> None:
    store.set("registrar.password", CANARY)
    sealed = tmp_path / "handover.sealed"
    seal(store, sealed, "hand-over phrase", CHEAP)
    founder = Store(tmp_path / "founder", SERVICE, file_keyring(tmp_path / "founder" / "keyring.enc"))
    with pytest.raises(WrongPassphrase) as caught:
        unseal(sealed, "guess", founder)
    assert CANARY not in str(caught.value)
    assert not (tmp_path / "founder").exists()


def test_a_keyring_file_is_not_a_sealed_file(store: Store, tmp_path: Path, keyring_path: Path) -> None:
    store.set("registrar.password", CANARY)
    with pytest.raises(CorruptFile, match=r"not launchwizard\.sealed/1"):
        unseal(keyring_path, PASSPHRASE, Store(tmp_path / "other", SERVICE, file_keyring(tmp_path / "o.enc")))


def test_a_sealed_file_with_a_bad_entry_stores_nothing(tmp_path: Path) -> None:
    payload = {"service": SERVICE, "secrets": {"registrar.password": CANARY, "Bad Name": "x"}}
    sealed = tmp_path / "bad.sealed"
    sealed.write_bytes(encrypt(json.dumps(payload).encode(), Key.derive("p", CHEAP), FORMAT_SEALED))
    target = Store(tmp_path / "state", SERVICE, file_keyring(tmp_path / "k.enc"))
    with pytest.raises(CorruptFile) as caught:
        unseal(sealed, "p", target)
    assert CANARY not in str(caught.value)
    assert not (tmp_path / "state").exists() and not (tmp_path / "k.enc").exists()


def test_seal_refuses_an_empty_passphrase(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreUsageError):
        seal(store, tmp_path / "x.sealed", "", CHEAP)
    assert not (tmp_path / "x.sealed").exists()


# --- the view --------------------------------------------------------------------------


def test_view_has_every_section_no_secret_values_and_the_location(store: Store, keyring_path: Path) -> None:
    store.set("registrar.owner", "Jane")
    store.set("registrar.password", CANARY)
    store.set("zulu_vendor.api_key", CANARY)
    store.set("env.production", "DATABASE_URL\nOPENAI_API_KEY")
    view = store.view()
    assert isinstance(view, StoreView)
    assert [s.id for s in view.sections] == [s.id for s in SECTIONS] + ["zulu_vendor"]
    assert CANARY not in repr(view)
    password = view.section("registrar").field("password")  # type: ignore[union-attr]
    assert password is not None and password.is_set and password.value is None and password.secret
    assert password.label == "Password"
    assert password.location == f"encrypted file {keyring_path}, service {SERVICE}"
    codes = view.section("registrar").field("recovery_codes")  # type: ignore[union-attr]
    assert codes is not None and not codes.is_set and codes.label == "Recovery codes"
    owner = view.section("registrar").field("registrar.owner")  # type: ignore[union-attr]
    assert owner is not None and owner.value == "Jane" and owner.location is None
    custom = view.section("zulu_vendor")
    assert custom is not None and custom.kind == "access" and custom.title == "Zulu vendor"
    environments = view.of_kind("environments")
    assert environments[0].fields[0].value == "DATABASE_URL\nOPENAI_API_KEY"
    assert {s.kind for s in view.sections} == {
        "access",
        "contacts",
        "environments",
        "rotation",
        "monitoring",
        "rollback",
        "release",
    }


def test_labels_and_titles_are_human_words() -> None:
    assert label_for("api_token") == "API token"
    assert label_for("recovery_codes") == "Recovery codes"
    assert label_for("webhook_url") == "Webhook URL"
    assert title_for("dns_backup") == "DNS backup"


# --- store.toml read strictly ----------------------------------------------------------


def _write_store(store: Store, text: str) -> None:
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(text)


def test_corrupt_store_toml_names_file_and_line(store: Store) -> None:
    _write_store(store, 'version = 1\n\n[sections.registrar]\nowner = "Jane\n')
    with pytest.raises(StoreFileError) as caught:
        store.list()
    assert caught.value.line == 4
    assert str(caught.value).startswith(f"{store.path}:4:")
    assert isinstance(caught.value, StoreError) and isinstance(caught.value, UserError)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('version = 1\nsecrets = ["ok.name", "Not OK"]\n', 2, "section.field"),
        ('version = 1\ncolour = "blue"\n', 2, "unknown key"),
        ('version = 7\n[sections.a]\nb = "c"\n', 1, "unsupported version"),
        ('[sections.registrar]\nowner = "a"\npassword = "' + CANARY + '"\n', 3, "must not be written here"),
        ("[sections.registrar]\nowner = 3\n", 2, "expected a string"),
        ('secrets = ["registrar.owner"]\n[sections.registrar]\nowner = "a"\n', 3, "also listed"),
    ],
)
def test_hand_edited_store_toml_problems(store: Store, text: str, line: int, words: str) -> None:
    _write_store(store, text)
    with pytest.raises(StoreFileError, match=words) as caught:
        store.view()
    assert caught.value.line == line
    assert CANARY not in str(caught.value)


def test_empty_values_in_a_hand_edited_file_mean_unset(store: Store) -> None:
    _write_store(store, '[sections.registrar]\nowner = ""\nurl = "https://registrar.test"\n')
    assert store.get("registrar.owner") is None
    assert store.get("registrar.url") == "https://registrar.test"


def test_store_toml_not_utf8(store: Store) -> None:
    _write_store(store, "")
    store.path.write_bytes(b"version = 1\n# \xff\n")
    with pytest.raises(StoreFileError, match="UTF-8") as caught:
        store.list()
    assert caught.value.line == 2


# --- choosing the backend --------------------------------------------------------------


class FakeOsKeyring(KeyringBackend):
    """An in-memory stand-in for an OS keyring; never viable, so keyring never picks it."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test double")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("missing")


FakeOsKeyring.__module__ = "keyring.backends.SecretService"
FakeOsKeyring.__name__ = "Keyring"


@pytest.fixture
def chain(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[KeyringBackend]], KeyringBackend]:
    """keyring's chainer over the given backends, whatever this host has installed."""

    def make(backends: list[KeyringBackend]) -> KeyringBackend:
        monkeypatch.setattr(chainer.ChainerBackend, "backends", backends)
        return chainer.ChainerBackend()

    return make


def _detects(backend: KeyringBackend) -> Callable[[], KeyringBackend]:
    return lambda: backend


def _broken() -> KeyringBackend:
    raise RuntimeError("keyringrc.cfg names a missing backend")


def test_choose_the_os_keyring_when_it_works(tmp_path: Path) -> None:
    found = FakeOsKeyring()
    assert choose_keyring({}, _detects(found)) is found
    assert choose_keyring({"LAUNCHWIZARD_KEYRING": "os"}, _detects(found)) is found


def test_a_chain_of_os_keyrings_is_used(chain: Callable[[list[KeyringBackend]], KeyringBackend]) -> None:
    found = chain([FakeOsKeyring()])
    assert choose_keyring({}, _detects(found)) is found
    assert describe(found, SERVICE) == f"OS keyring (SecretService), service {SERVICE}"


@pytest.mark.parametrize("detected", [fail.Keyring(), null.Keyring(), "empty chain"])
def test_fall_back_to_the_file_keyring(
    tmp_path: Path, detected: KeyringBackend | str, chain: Callable[[list[KeyringBackend]], KeyringBackend]
) -> None:
    if detected == "empty chain":
        detected = chain([])
    assert isinstance(detected, KeyringBackend)
    env = {"LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "k.enc")}
    chosen = choose_keyring(env, _detects(detected))
    assert isinstance(chosen, EncryptedFileKeyring)
    assert chosen.path == tmp_path / "k.enc"
    assert not usable(detected)


def test_a_broken_keyring_configuration_falls_back(tmp_path: Path) -> None:
    assert isinstance(choose_keyring({}, _broken), EncryptedFileKeyring)


def test_force_the_file_keyring(tmp_path: Path) -> None:
    env = {"LAUNCHWIZARD_KEYRING": "file", "LAUNCHWIZARD_KEYRING_FILE": str(tmp_path / "k.enc")}
    assert isinstance(choose_keyring(env, _detects(FakeOsKeyring())), EncryptedFileKeyring)


def test_force_os_without_one_is_an_error() -> None:
    with pytest.raises(StoreError, match="no OS keyring"):
        choose_keyring({"LAUNCHWIZARD_KEYRING": "os"}, _detects(fail.Keyring()))
    with pytest.raises(StoreError, match="must be 'os', 'file'"):
        choose_keyring({"LAUNCHWIZARD_KEYRING": "plaintext"}, _detects(fail.Keyring()))


def test_describe_never_shows_values(tmp_path: Path) -> None:
    found = FakeOsKeyring()
    store = Store(tmp_path / "state", service_for("acme.test"), found)
    store.set("registrar.password", CANARY)
    assert found.items[(SERVICE, "registrar.password")] == CANARY
    assert describe(found, SERVICE) == f"OS keyring (SecretService), service {SERVICE}"
    assert CANARY not in repr(store.view())
    assert_no_canary_on_disk(tmp_path)


def test_keyring_failures_become_store_errors(tmp_path: Path) -> None:
    store = Store(tmp_path / "state", SERVICE, fail.Keyring())
    with pytest.raises(StoreError, match=r"registrar\.password was not saved"):
        store.set("registrar.password", CANARY)
    assert not store.path.exists()


# --- commands --------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_set(store: Store, name: str, stdin: str, secret: bool = False) -> tuple[int, str]:
    err = io.StringIO()
    code = commands.store_set(store, name, io.StringIO(stdin), err, secret=secret, ask_hidden=_no_ask)
    return code, err.getvalue()


def test_store_for_a_sprint(tmp_path: Path) -> None:
    sprint = Sprint(tmp_path / "sprint.toml", "Acme", "https://acme.test/", "acme.test", ("acme.test",))
    store = Store.for_sprint(sprint, FakeOsKeyring())
    assert store.service == SERVICE
    assert store.path == tmp_path / ".launchwizard" / "store.toml"


def test_store_set_reads_the_value_from_stdin(store: Store) -> None:
    assert run_set(store, "registrar.owner", "Jane Doe\n")[0] == 0
    assert store.get("registrar.owner") == "Jane Doe"
    assert run_set(store, "rollback.steps", "one\r\ntwo\r\n")[0] == 0
    assert store.get("rollback.steps") == "one\r\ntwo"
    code, message = run_set(store, "hosting.password", CANARY + "\n")
    assert code == 0 and "secret" in message and CANARY not in message
    assert store.get("hosting.password", reveal=True) == CANARY


def test_store_set_refuses_empty_input_and_bad_names(store: Store) -> None:
    code, message = run_set(store, "registrar.owner", "\n")
    assert code == 2 and "nothing was saved" in message
    code, message = run_set(store, "Registrar", "x")
    assert code == 2 and "section.field" in message
    assert not store.path.exists()


def test_store_set_asks_for_a_secret_without_echo_on_a_terminal(store: Store) -> None:
    asked: list[str] = []

    def hidden(prompt: str) -> str:
        asked.append(prompt)
        return CANARY

    err = io.StringIO()
    assert commands.store_set(store, "dns.api_token", Terminal(), err, ask_hidden=hidden) == 0
    assert asked == ["dns.api_token: "]
    assert store.get("dns.api_token", reveal=True) == CANARY
    assert CANARY not in err.getvalue()


def test_store_list_shows_set_and_unset_never_the_value(store: Store) -> None:
    run_set(store, "registrar.password", CANARY)
    run_set(store, "registrar.owner", "Jane \x1b[31mDoe\nsecond line")
    out, err = io.StringIO(), io.StringIO()
    assert commands.store_list(store, out, err) == 0
    table = out.getvalue()
    assert CANARY not in table and CANARY not in err.getvalue()
    lines = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.strip()}
    assert lines["registrar.password"] == ["secret", "set"]
    assert lines["registrar.recovery_codes"] == ["secret", "unset"]
    assert "\x1b" not in table and "Jane \\x1b[31mDoe (+1 more lines)" in table
    assert "encrypted file" in table


def test_store_get_and_delete(store: Store) -> None:
    run_set(store, "registrar.password", CANARY)
    out, err = io.StringIO(), io.StringIO()
    assert commands.store_get(store, "registrar.password", out, err) == 0
    assert out.getvalue() == CANARY + "\n" and err.getvalue() == ""
    assert commands.store_delete(store, "registrar.password", err) == 0
    assert commands.store_delete(store, "registrar.password", err) == 1
    out, err = io.StringIO(), io.StringIO()
    assert commands.store_get(store, "registrar.password", out, err) == 1
    assert out.getvalue() == "" and "not set" in err.getvalue()


def test_seal_and_unseal_commands(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_set(store, "registrar.password", CANARY)
    sealed = tmp_path / "out.sealed"
    err = io.StringIO()
    monkeypatch.setenv("LAUNCHWIZARD_SEAL_PASSPHRASE", "from the environment")
    assert commands.seal_command(store, sealed, err, kdf=CHEAP) == 0
    assert "registrar.password" in err.getvalue()
    founder = Store(tmp_path / "founder", service_for("other.test"), file_keyring(tmp_path / "f.enc"))
    assert commands.unseal_command(founder, sealed, err, passphrase=lambda _: "wrong") == 1
    assert "wrong passphrase" in err.getvalue()
    assert commands.unseal_command(founder, sealed, err) == 0
    assert "sealed from launchwizard:acme.test" in err.getvalue()
    assert founder.get("registrar.password", reveal=True) == CANARY
    assert CANARY not in err.getvalue()
    assert_no_canary_on_disk(tmp_path)


def test_command_errors_never_hold_the_canary(store: Store, keyring_path: Path, tmp_path: Path) -> None:
    run_set(store, "registrar.password", CANARY)
    err = io.StringIO()
    wrong = Store(store.state_dir, SERVICE, file_keyring(keyring_path, "wrong"))
    assert commands.store_get(wrong, "registrar.password", io.StringIO(), err) == 1
    assert commands.store_set(wrong, "registrar.password", io.StringIO("x"), err) == 1
    assert commands.store_set(store, CANARY, io.StringIO("x"), err) == 2
    assert commands.seal_command(store, tmp_path / "s", err, passphrase=lambda _: "") == 2
    assert commands.unseal_command(store, keyring_path, err, passphrase=lambda _: "x") == 1
    assert err.getvalue().count("launchwizard: ") == 5
    assert CANARY not in err.getvalue()


# --- arbitrary bytes -------------------------------------------------------------------

_FILE_ERRORS = (CorruptFile, WrongPassphrase)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_as_a_keyring_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.enc"
    path.write_bytes(data)
    with pytest.raises(_FILE_ERRORS):
        file_keyring(path).get_password(SERVICE, "a.token")
    assert path.read_bytes() == data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_as_a_sealed_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.sealed"
    path.write_bytes(data)
    target = Store(tmp_path / "state", SERVICE, file_keyring(tmp_path / "k.enc"))
    with pytest.raises(_FILE_ERRORS):
        unseal(path, PASSPHRASE, target)
    assert not (tmp_path / "state").exists()


_VALID_KEYRING_FILE = encrypt(b'{"entries": {}}', Key.derive(PASSPHRASE, CHEAP), FORMAT_KEYRING)


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(["format", "kdf", "cipher", "nonce", "check", "ciphertext"]), value=_json_values)
def test_altered_envelope_fields_raise_only_crypto_errors(field: str, value: object) -> None:
    document = json.loads(_VALID_KEYRING_FILE)
    document[field] = value
    try:
        envelope = read_envelope(json.dumps(document).encode(), FORMAT_KEYRING, "fuzz")
    except CryptoError:
        return
    assert envelope.params == CHEAP  # the kdf field was not altered, or altered to an equivalent
