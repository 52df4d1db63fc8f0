"""Shared fixtures: one lab for the whole session, and clean latency for every test using it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
import tomli_w

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.cli import main
from launchwizard.config import Sprint, load_sprint
from launchwizard.demo.lab import Lab
from launchwizard.demo.sites_bundle import bundle_hosts, bundle_zones
from launchwizard.demo.sites_edge import edge_hosts, edge_zones
from launchwizard.demo.sites_hostile import hostile_hosts, hostile_zones
from launchwizard.demo.sites_perf import perf_hosts, perf_zones
from launchwizard.results import Result


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """The local lab, started once per session because making certificates costs time; with
    the bundle, edge, perf and hostile sites, which only the tests use."""
    with Lab(
        extra_hosts=(*bundle_hosts(), *edge_hosts(), *perf_hosts(), *hostile_hosts()),
        extra_zones=(*bundle_zones(), *edge_zones(), *perf_zones(), *hostile_zones()),
    ) as running:
        yield running


@pytest.fixture(autouse=True)
def _own_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wizard's keymap and preferences (a saved theme) come from a fresh directory, never
    from the developer's ~/.config, and a theme picked in a test is not saved there."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    for name in ("LAUNCHWIZARD_KEYMAP", "LAUNCHWIZARD_PREFERENCES", "LAUNCHWIZARD_THEME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _reset_lab_latency(request: pytest.FixtureRequest) -> Iterator[None]:
    """Put latency back to 0 after a test that used the lab, so one test cannot slow the next."""
    if "lab" not in request.fixturenames:
        yield
        return
    running: Lab = request.getfixturevalue("lab")
    yield
    running.set_latency(0.0)


@pytest.fixture(scope="session")
def make_sprint(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Sprint]:
    """Write a sprint.toml aimed at the lab for the given hosts and load it like a user's.

    The lab's test zones (lab.test, edge.test, perf.test, ...) serve hosts under them, not
    their apex and www, so unless `audit_apex` is set the sprint opts out of the apex and
    www names it does not list ([domains] not_audited), as a user whose apex is someone
    else's site would: host checks then report those names as not audited."""

    def build(hosts: list[str], apex: str = "lab.test", audit_apex: bool = False, **tables: Any) -> Sprint:
        domains: dict[str, Any] = {"apex": apex, "hosts": hosts}
        unlisted = [name for name in (apex, f"www.{apex}") if name not in hosts]
        if unlisted and not audit_apex:
            domains["not_audited"] = unlisted
        document: dict[str, Any] = {
            "sprint": {"client": "Lab", "canonical": tables.pop("canonical", f"https://{hosts[0]}/")},
            "domains": domains,
            "network": lab.network_table(),
        }
        for name, value in tables.items():
            document.setdefault(name, {}).update(value)
        path = tmp_path_factory.mktemp("sprint") / "sprint.toml"
        path.write_text(tomli_w.dumps(document), encoding="utf-8")
        return load_sprint(path)

    return build


@pytest.fixture(scope="session")
def run_check() -> Callable[[Sprint, str], Awaitable[dict[str, Result]]]:
    """Run one registered check over a sprint's targets; results keyed by target."""
    return _run_check


async def _run_check(sprint: Sprint, check_id: str) -> dict[str, Result]:
    report = await Runner(sprint, select(only=[check_id])).run()
    results: dict[str, Result] = {}
    for result in report.results:
        assert result.target not in results, f"two results for {result.target}"
        results[result.target] = result
    return results


def invoke_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process as `launchwizard ARGS`; returns exit code, stdout, stderr."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def run_cli() -> Callable[..., tuple[int, str, str]]:
    return invoke_cli
