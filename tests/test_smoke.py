"""deploy.smoke and `launchwizard smoke`: one retry per route, failing twice in a row fails."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import tomli_w

from launchwizard.report.junit import Case, Suite, render_junit
from launchwizard.results import Status

SMOKE = "smoke.perf.test"


def smoke_sprint(make_sprint, login: bool | str = True, **extra: Any):
    """The smoke host's routes; `login` may name another path of it (a throttled one)."""
    endpoints: dict[str, Any] = {
        "homepage": f"https://{SMOKE}/",
        "health": f"https://{SMOKE}/health",
        "chat": {
            "url": f"https://{SMOKE}/v1/chat",
            "method": "POST",
            "body": '{"message": "{{prompt}}"}',
            "response_path": "reply.text",
            "headers": {"Content-Type": "application/json"},
        },
        **extra,
    }
    if login:
        endpoints["login"] = f"https://{SMOKE}{login if isinstance(login, str) else '/login'}"
    return make_sprint([SMOKE], apex="perf.test", endpoints=endpoints)


async def test_a_route_failing_twice_fails_and_one_failing_once_passes_with_a_note(
    make_sprint, run_check, lab
):
    lab.reset_rate_limits()
    result = (await run_check(smoke_sprint(make_sprint), "deploy.smoke"))[SMOKE]
    assert result.status == Status.FAIL
    routes = {row["route"]: row for row in result.evidence["routes"]}
    assert routes["login"]["verdict"] == "down"
    assert [a["status"] for a in routes["login"]["attempts"]] == [503, 503]
    assert routes["homepage"]["verdict"] == "flaky"
    assert [a["status"] for a in routes["homepage"]["attempts"]] == [503, 200]
    assert routes["chat"]["verdict"] == routes["health"]["verdict"] == "up"
    assert "login (status 503) failed twice in a row" in result.summary
    assert "homepage failed once, then answered on the retry" in result.summary


async def test_all_up_passes_with_the_retry_noted(make_sprint, run_check, lab):
    lab.reset_rate_limits()
    result = (await run_check(smoke_sprint(make_sprint, login=False), "deploy.smoke"))[SMOKE]
    assert result.status == Status.PASS
    assert "failed once, then answered" in result.summary
    assert "not configured: login" in result.summary


def test_smoke_command_exit_codes_and_formats(make_sprint, run_cli, capsys, lab):
    lab.reset_rate_limits()
    failing = smoke_sprint(make_sprint)
    code, out, err = run_cli(capsys, "smoke", "--config", str(failing.path), "--format", "junit")
    assert code == 1
    assert "smoke test failed" in err
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("tests") == "4" and suite.get("failures") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["login"].find("failure") is not None
    assert "retry" in (cases["homepage"].findtext("system-out") or "")

    lab.reset_rate_limits()
    passing = smoke_sprint(make_sprint, login=False)
    code, out, err = run_cli(capsys, "smoke", "--config", str(passing.path), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["schema"] == "launchwizard.run/1"
    assert [r["check"] for r in document["results"]] == ["deploy.smoke"]

    lab.reset_rate_limits()
    code, out, _ = run_cli(capsys, "smoke", "--config", str(passing.path))
    assert code == 0
    assert "~ RETRY homepage" in out and "[503, 200]" in out


async def test_a_throttled_route_is_up_with_its_retry_after_and_not_retried(make_sprint, run_check, lab):
    lab.reset_rate_limits()
    sprint = smoke_sprint(make_sprint, login="/throttled")
    result = (await run_check(sprint, "deploy.smoke"))[SMOKE]
    routes = {row["route"]: row for row in result.evidence["routes"]}
    assert result.status == Status.PASS
    assert routes["login"]["verdict"] == "throttled"
    assert [a["status"] for a in routes["login"]["attempts"]] == [429]
    retry = routes["login"]["attempts"][0]["retry_after_s"]
    assert isinstance(retry, float) and 0 < retry <= 60
    assert len(lab.arrivals(SMOKE, "/throttled")) == 1
    assert f"throttled, so up but rate-limiting this client: login (429, Retry-After {retry:g} s)" in (
        result.summary
    )


def test_smoke_command_reports_a_throttled_route_as_up(make_sprint, run_cli, capsys, lab):
    lab.reset_rate_limits()
    sprint = smoke_sprint(make_sprint, login="/throttled")
    code, out, err = run_cli(capsys, "smoke", "--config", str(sprint.path))
    assert code == 0, err
    line = next(line for line in out.splitlines() if " login " in line)
    assert line.lstrip().startswith("✓ UP") and "[429 throttled, Retry-After " in line
    code, out, _ = run_cli(capsys, "smoke", "--config", str(sprint.path), "--format", "junit")
    assert code == 0
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    login = next(case for case in suite.iter("testcase") if case.get("name") == "login")
    assert "rate-limiting this client" in (login.findtext("system-out") or "")


def test_the_demo_login_quota_outlasts_the_readme_sequence(tmp_path, run_cli, capsys, lab):
    """Three audits of everything that signs in (sampling, the rate-limit probe, CORS) and a
    smoke test in the same minute: the demo's login still answers, and smoke passes."""
    lab.reset_rate_limits()
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(lab.demo_sprint()), encoding="utf-8")
    login_users = ("--only", "perf.latency", "--only", "edge.ratelimit", "--only", "edge.cors")
    for _ in range(3):
        run_cli(capsys, "check", *login_users, "--no-save", "--config", str(path))
    code, out, err = run_cli(capsys, "smoke", "--config", str(path))
    assert len(lab.arrivals("app.acme.test", "/login")) > 100
    assert code == 0, out + err
    assert "[200]" in next(line for line in out.splitlines() if " login " in line)


def test_junit_escapes_hostile_text():
    case = Case("route <1>", "deploy.smoke", failure='status "500" & \x00\x1b[31m bad')
    document = render_junit([Suite("s", [case])])
    parsed = ET.fromstring(document)
    failure = parsed.find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None
    assert "\x00" not in failure.text and "& " in failure.text


def test_accept_risk_command(make_sprint, run_cli, capsys):
    sprint = smoke_sprint(make_sprint)
    code, _, err = run_cli(capsys, "accept-risk", "ai.injection:hijack-1", "--config", str(sprint.path))
    assert code == 2 and "a reason is required" in err
    code, _, _ = run_cli(
        capsys,
        "accept-risk",
        "ai.injection:hijack-1",
        "--reason",
        "echo bot, no tools",
        "--config",
        str(sprint.path),
    )
    assert code == 0
    code, out, _ = run_cli(capsys, "status", "--config", str(sprint.path))
    assert "ACCEPTED RISKS" in out and "ai.injection:hijack-1: echo bot, no tools" in out
    code, _, _ = run_cli(
        capsys, "accept-risk", "ai.injection:hijack-1", "--clear", "--config", str(sprint.path)
    )
    code, out, _ = run_cli(capsys, "status", "--config", str(sprint.path))
    assert "ACCEPTED RISKS" not in out
