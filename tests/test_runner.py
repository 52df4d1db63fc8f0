"""The runner: concurrency, bounds, deadlines, and turning every failure into a result.

The checks here are synthetic coroutines; they exercise the runner itself, not the network.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from launchwizard.checks.base import CheckContext, CheckSpec
from launchwizard.checks.runner import Runner, Unit
from launchwizard.config import Sprint, parse_sprint
from launchwizard.net.http import hard_stop_s
from launchwizard.results import Result, Severity, Status

HOSTS = ["acme.test", "www.acme.test", "app.acme.test"]
"""The apex and www are always audited, so the synthetic sprint lists them among its three."""


def sprint(timeout_s: float = 2.0, per_host: int = 6, concurrency: int = 16) -> Sprint:
    text = f"""
[sprint]
client = "Acme"
canonical = "https://www.acme.test/"
[domains]
apex = "acme.test"
hosts = {HOSTS!r}
[network]
nameservers = ["127.0.0.1:1"]
timeout_s = {timeout_s}
per_host = {per_host}
concurrency = {concurrency}
"""
    return parse_sprint(text, Path("sprint.toml"))


def spec(check_id: str, run, scope: str = "host", round_trips: int = 1) -> CheckSpec:
    return CheckSpec(check_id, "audit", check_id, Severity.HIGH, scope, run, ("RFC 0000",), round_trips)


async def passing(ctx: CheckContext) -> list[Result]:
    return [ctx.result(Status.PASS, f"fine on {ctx.target}")]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def unit_started(self, unit: Unit) -> None:
        self.events.append(("started", unit.key))

    def unit_finished(self, unit: Unit, results: list[Result]) -> None:
        self.events.append(("finished", unit.key))


async def test_results_come_in_registry_then_host_order_with_defaults() -> None:
    report = await Runner(sprint(), [spec("x.one", passing), spec("x.apex", passing, "apex")]).run()
    assert [(r.check, r.target) for r in report.results] == [
        ("x.one", "acme.test"),
        ("x.one", "www.acme.test"),
        ("x.one", "app.acme.test"),
        ("x.apex", "acme.test"),
    ]
    first = report.results[0]
    assert (first.stage, first.severity, first.references) == ("audit", Severity.HIGH, ["RFC 0000"])
    assert report.decision.verdict == "ship-now"
    assert report.to_json()["schema"] == "launchwizard.run/1"


async def test_an_exception_becomes_an_error_result_and_others_still_report() -> None:
    async def crashing(ctx: CheckContext) -> list[Result]:
        if ctx.target == "www.acme.test":
            raise RuntimeError("boom on www")
        return [ctx.result(Status.PASS, "fine")]

    report = await Runner(sprint(), [spec("x.crash", crashing)]).run()
    by_target = {r.target: r for r in report.results}
    assert by_target["www.acme.test"].status is Status.ERROR
    assert by_target["www.acme.test"].summary == "internal error: RuntimeError boom on www"
    assert by_target["acme.test"].status is Status.PASS
    assert by_target["app.acme.test"].status is Status.PASS


async def test_a_check_that_never_returns_is_cut_at_its_deadline() -> None:
    async def hanging(ctx: CheckContext) -> list[Result]:
        await asyncio.Event().wait()
        return []

    runner = Runner(sprint(timeout_s=0.05), [spec("x.hang", hanging, round_trips=1)])
    report = await runner.run()
    assert {r.status for r in report.results} == {Status.ERROR}
    assert report.results[0].summary == "did not finish within 0.1125 s"


async def test_an_empty_answer_is_reported_as_skipped() -> None:
    async def nothing(ctx: CheckContext) -> list[Result]:
        return []

    report = await Runner(sprint(), [spec("x.none", nothing, "apex")]).run()
    assert [r.status for r in report.results] == [Status.SKIPPED]


async def test_all_units_run_at_the_same_time() -> None:
    """Nine units meet at a barrier of nine: run one after another, they would time out."""
    barrier = asyncio.Barrier(9)

    async def meet(ctx: CheckContext) -> list[Result]:
        await barrier.wait()
        return [ctx.result(Status.PASS, "met")]

    specs = [spec(f"x.meet{n}", meet, round_trips=20) for n in range(3)]
    report = await Runner(sprint(), specs).run()
    assert [r.status for r in report.results] == [Status.PASS] * 9


@pytest.mark.parametrize(
    ("per_host", "concurrency", "expect_host", "expect_all"), [(2, 16, 2, 6), (6, 4, 2, 4)]
)
async def test_bounds_per_host_and_overall_hold(per_host, concurrency, expect_host, expect_all) -> None:
    running: dict[str, int] = {}
    peak_host: dict[str, int] = {}
    peak_all = 0
    gate = asyncio.Event()
    started = 0

    async def tracked(ctx: CheckContext) -> list[Result]:
        nonlocal peak_all, started
        running[ctx.target] = running.get(ctx.target, 0) + 1
        peak_host[ctx.target] = max(peak_host.get(ctx.target, 0), running[ctx.target])
        peak_all = max(peak_all, sum(running.values()))
        started += 1
        if started >= expect_all:
            gate.set()
        await gate.wait()
        running[ctx.target] -= 1
        return [ctx.result(Status.PASS, "ok")]

    specs = [spec(f"x.t{n}", tracked, round_trips=20) for n in range(5)]
    report = await Runner(sprint(per_host=per_host, concurrency=concurrency), specs).run()
    assert len(report.results) == 15
    assert max(peak_host.values()) == expect_host
    assert peak_all == expect_all


async def test_observer_sees_each_unit_start_before_it_finishes() -> None:
    recorder = Recorder()
    await Runner(sprint(), [spec("x.one", passing)], observer=recorder).run()
    keys = {key for _, key in recorder.events}
    assert keys == {f"x.one@{h}" for h in HOSTS}
    for key in keys:
        assert recorder.events.index(("started", key)) < recorder.events.index(("finished", key))


def test_email_checks_run_on_the_mail_domain_and_its_results_are_kept() -> None:
    from launchwizard.checks.runner import plan, sprint_targets

    text = """
[sprint]
client = "Acme"
canonical = "https://a.acme.test/"
[domains]
apex = "acme.test"
hosts = ["a.acme.test"]
[email]
domain = "mail.acme.test"
"""
    mail_sprint = parse_sprint(text, Path("sprint.toml"))
    specs = [spec("x.mail", passing, "email"), spec("x.zone", passing, "apex"), spec("x.host", passing)]
    assert [(u.spec.id, u.target) for u in plan(mail_sprint, specs)] == [
        ("x.mail", "mail.acme.test"),
        ("x.zone", "acme.test"),
        ("x.host", "a.acme.test"),
        ("x.host", "acme.test"),
        ("x.host", "www.acme.test"),
    ]
    assert sprint_targets(mail_sprint) == (
        "a.acme.test",
        "acme.test",
        "www.acme.test",
        "mail.acme.test",
        "repo",
        "logs",
        "alerts",
    )


def test_site_repo_and_logs_checks_run_once_on_their_own_targets(tmp_path: Path) -> None:
    from launchwizard.checks.runner import plan, sprint_targets

    (tmp_path / "acme-app").mkdir()
    text = """
[sprint]
client = "Acme"
canonical = "https://www.acme.test/"
[domains]
apex = "acme.test"
hosts = ["acme.test", "www.acme.test"]
[endpoints]
homepage = "https://app.acme.test/start"
[repo]
path = "acme-app"
"""
    site_sprint = parse_sprint(text, tmp_path / "sprint.toml")
    specs = [
        spec("x.site", passing, "site"),
        spec("x.repo", passing, "repo"),
        spec("x.logs", passing, "logs"),
    ]
    assert [(u.spec.id, u.target) for u in plan(site_sprint, specs)] == [
        ("x.site", "app.acme.test"),
        ("x.repo", "acme-app"),
        ("x.logs", "logs"),
    ]
    assert {"app.acme.test", "acme-app", "logs"} <= set(sprint_targets(site_sprint))


def test_a_local_budget_replaces_the_network_deadline() -> None:
    from dataclasses import replace

    runner = Runner(sprint(), [])
    network_bound = spec("x.net", passing, round_trips=3)
    timeout = runner.sprint.network.timeout_s
    assert runner.deadline_for(network_bound) == 3 * hard_stop_s(timeout) + timeout > 4 * timeout
    assert runner.deadline_for(replace(network_bound, budget_s=300.0)) == 300.0


async def test_an_opted_out_name_gets_a_not_audited_row_from_every_host_check() -> None:
    text = """
[sprint]
client = "Acme"
canonical = "https://acme.test/"
[domains]
apex = "acme.test"
hosts = ["app.acme.test"]
not_audited = ["www.acme.test"]
"""
    ran: list[str] = []

    async def visiting(ctx: CheckContext) -> list[Result]:
        ran.append(ctx.target)
        return [ctx.result(Status.PASS, "fine")]

    report = await Runner(
        parse_sprint(text, Path("sprint.toml")), [spec("x.host", visiting), spec("x.zone", visiting, "apex")]
    ).run()
    rows = {(r.check, r.target): r for r in report.results}
    assert sorted(ran) == ["acme.test", "acme.test", "app.acme.test"]
    skipped = rows[("x.host", "www.acme.test")]
    assert skipped.status is Status.SKIPPED and skipped.evidence == {"not_audited": True}
    assert "www.acme.test is not audited ([domains] not_audited)" in skipped.summary
    assert "remove www.acme.test from [domains] not_audited" in skipped.fix
    assert ("x.zone", "www.acme.test") not in rows
