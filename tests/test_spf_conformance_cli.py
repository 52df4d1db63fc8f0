"""The published SPF suites through the command line users call: every OpenSPF case and every
mail-auth check runs `launchwizard spf DOMAIN --ip ... --sender ... --helo ... --nameserver
... --json` in a subprocess, against an authoritative DNS server on loopback that serves the
case's records (tests/loopback_dns.py). The subprocesses run a few at a time; each case then
asserts its own outcome."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass

import pytest
from loopback_dns import LoopbackDns
from spf_suites import Check, load_or_skip, params
from test_spf_conformance import MAIL_AUTH_DISAGREEMENTS

OPENSPF_CHECKS, MAIL_AUTH_CHECKS = load_or_skip()
TIMEOUT_S = "1"
"""The CLI's DNS timeout: the suites' TIMEOUT names never answer, so each costs this long."""
PARALLEL = (os.cpu_count() or 2) + 2
"""A few more than the cores: the suites' TIMEOUT cases wait on a silent server, not a CPU."""


@dataclass(frozen=True)
class Outcome:
    """What one run of the command printed."""

    code: int
    result: str
    explanation: str
    stderr: str
    argv: tuple[str, ...]

    def describe(self) -> str:
        return f"exit {self.code}, result {self.result!r}, stderr {self.stderr.strip()!r}, argv {self.argv}"


async def _spf(domain: str, check: Check, sender: str, nameserver: str) -> Outcome:
    argv = (
        "spf",
        f"--ip={check.ip}",
        f"--sender={sender}",
        f"--helo={check.helo}",
        f"--nameserver={nameserver}",
        f"--timeout={TIMEOUT_S}",
        "--json",
        "--",
        domain,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launchwizard",
        *argv,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    code = process.returncode if process.returncode is not None else -1
    try:
        data = json.loads(out)
    except ValueError:
        data = {}
    return Outcome(
        code, data.get("result", ""), data.get("explanation", ""), err.decode(errors="replace"), argv
    )


async def _run(check: Check, nameserver: str) -> Outcome:
    """As each suite's driver: OpenSPF one identity; mail-auth HELO first, MAIL FROM on pass."""
    if not check.helo_first:
        return await _spf(check.domain, check, check.sender, nameserver)
    helo = await _spf(check.helo, check, "", nameserver)
    if helo.code != 0 or helo.result != "pass":
        return helo
    return await _spf(check.mail_from_domain(), check, check.sender, nameserver)


async def _run_all(checks: list[Check], servers: LoopbackDns) -> dict[str, Outcome]:
    gate = asyncio.Semaphore(PARALLEL)

    async def one(check: Check) -> tuple[str, Outcome]:
        async with gate:
            return check.id, await _run(check, servers.nameserver(check.scenario.key()))

    return dict(await asyncio.gather(*(one(c) for c in checks)))


@pytest.fixture(scope="module")
def outcomes() -> dict[str, Outcome]:
    """Every check of both suites, run once through the CLI."""
    checks = [*OPENSPF_CHECKS, *MAIL_AUTH_CHECKS]
    with LoopbackDns((c.scenario.key(), c.scenario) for c in checks) as servers:
        return asyncio.run(_run_all(checks, servers))


def _assert_agrees(check: Check, outcome: Outcome) -> None:
    assert outcome.code == 0, outcome.describe()
    assert outcome.result in check.expected, outcome.describe()
    if check.explanation is not None:
        expected = "" if check.explanation == "DEFAULT" else check.explanation
        assert outcome.explanation == expected, outcome.describe()


@pytest.mark.parametrize("check", params(OPENSPF_CHECKS, {}))
def test_openspf_through_the_cli(check: Check, outcomes: dict[str, Outcome]) -> None:
    _assert_agrees(check, outcomes[check.id])


@pytest.mark.parametrize("check", params(MAIL_AUTH_CHECKS, MAIL_AUTH_DISAGREEMENTS))
def test_mail_auth_through_the_cli(check: Check, outcomes: dict[str, Outcome]) -> None:
    _assert_agrees(check, outcomes[check.id])
