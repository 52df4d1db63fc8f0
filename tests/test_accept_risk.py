"""`accept-risk` and the wizard accept only what a check reports and honours: an injection
prompt of the 24, a case of the customers' evaluation set; anything else is refused with
one line (and a did-you-mean), and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w

from launchwizard.config import load_sprint
from launchwizard.session import Session
from launchwizard.state.model import InvalidChange
from launchwizard.state.statefile import load_state
from launchwizard.store.crypto import ScryptParams
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store

EVALS = """
tests:
  - description: Refund window
    vars: {question: "How long do we have to ask for a refund?"}
    assert: [{type: icontains, value: "30 days"}]
  - description: Single sign-on
    vars: {question: "Do you support SSO?"}
    assert: [{type: icontains, value: "SAML"}]
"""


@pytest.fixture
def sprint_toml(tmp_path: Path) -> Path:
    (tmp_path / "evals.yaml").write_text(EVALS, encoding="utf-8")
    document = {
        "sprint": {"client": "Acme", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
        "endpoints": {"chat": {"url": "https://www.acme.test/v1/chat", "method": "POST"}},
        "probes": {"eval": {"enabled": True, "endpoint": "chat", "file": "evals.yaml"}},
    }
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def accepted(sprint_toml: Path) -> dict[str, object]:
    return dict(load_state(sprint_toml.parent / ".launchwizard").accepted)


@pytest.mark.parametrize(
    ("risk", "words"),
    [
        ("ai.injection:nosuch", "ai.injection has no prompt 'nosuch'"),
        ("ai.injection:extract-repaet", "did you mean 'extract-repeat'?"),
        ("ai.eval:refund-windw", "did you mean 'refund-window'?"),
        ("ai.eval:not-in-the-set", "its prompts: refund-window, single-sign-on"),
        ("tls.expiry:app.acme.test", "'tls.expiry' findings cannot be accepted"),
        ("ai.injection", "a risk is named check:finding"),
        ("ai.injection:", "a risk is named check:finding"),
    ],
)
def test_unknown_findings_are_refused_and_nothing_is_written(
    run_cli, capsys, sprint_toml: Path, risk: str, words: str
) -> None:
    code, out, err = run_cli(capsys, "accept-risk", risk, "--reason", "r", "--config", str(sprint_toml))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err and "risk accepted" not in err
    assert accepted(sprint_toml) == {}


@pytest.mark.parametrize("risk", ["ai.injection:hijack-1", "ai.eval:single-sign-on"])
def test_known_findings_are_accepted_with_who_and_when(run_cli, capsys, sprint_toml: Path, risk: str) -> None:
    config = ("--config", str(sprint_toml))
    code, _, err = run_cli(
        capsys, "accept-risk", risk, "--reason", "known and tracked", "--by", "Sam", *config
    )
    assert code == 0 and "risk accepted" in err
    assert list(accepted(sprint_toml)) == [risk]
    code, out, _ = run_cli(capsys, "status", *config)
    line = next(line for line in out.splitlines() if risk in line)
    assert "known and tracked (accepted by Sam on 20" in line and " UTC)" in line


def test_withdrawing_what_was_not_accepted_is_refused(run_cli, capsys, sprint_toml: Path) -> None:
    config = ("--config", str(sprint_toml))
    code, _, err = run_cli(capsys, "accept-risk", "ai.injection:hijack-1", "--clear", *config)
    assert code == 2 and "is not accepted, so there is nothing to withdraw" in err
    run_cli(capsys, "accept-risk", "ai.injection:hijack-1", "--reason", "r", *config)
    code, _, err = run_cli(capsys, "accept-risk", "ai.injection:hijack-1", "--clear", *config)
    assert code == 0 and "acceptance withdrawn" in err and accepted(sprint_toml) == {}


def test_an_unreadable_evaluation_set_falls_back_to_saved_runs(run_cli, capsys, sprint_toml: Path) -> None:
    (sprint_toml.parent / "evals.yaml").write_text("tests: [", encoding="utf-8")
    code, _, err = run_cli(
        capsys, "accept-risk", "ai.eval:refund-window", "--reason", "r", "--config", str(sprint_toml)
    )
    assert code == 2 and "ai.eval has no prompts to accept yet" in err


def test_the_wizard_session_refuses_the_same(sprint_toml: Path, tmp_path: Path) -> None:
    sprint = load_sprint(sprint_toml)
    keyring = EncryptedFileKeyring(tmp_path / "k.enc", passphrase=lambda c: "pw", kdf=ScryptParams(n=2**12))
    session = Session(sprint, Store(sprint.state_dir, "launchwizard:test", keyring))
    with pytest.raises(InvalidChange, match="no prompt 'nosuch'"):
        session.accept_risk("ai.injection:nosuch", "r", "Sam")
    session.accept_risk("ai.eval:refund-window", "policy changes next month", "Sam")
    assert list(session.state.accepted) == ["ai.eval:refund-window"]
