"""The monitor exports run by the tools they are for.

- The k6 script, run by k6 itself against the lab, passes and fails exactly when
  perf.latency does, at 0 ms and 300 ms of lab latency and on a failing route. The sprint
  pins the lab host ([network.pins]), so both connect to the same address without a DNS
  lookup (k6 cannot be pointed at the lab's name server).
- The Uptime Kuma sheet's Json Query, evaluated by JSONata (the npm package and version
  Uptime Kuma evaluates it with) on the lab chat's real replies, is UP for a reply and DOWN
  for an empty, missing or non-JSON one, with Kuma's comparison (the query result and the
  Expected Value compared as numbers).
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
from tools import npm_install, tool, tool_env

from launchwizard.checks.registry import select
from launchwizard.checks.runner import Runner
from launchwizard.monitoring.k6 import render_k6
from launchwizard.monitoring.kuma import jsonata_query
from launchwizard.monitoring.plan import monitor_plan

KUMA_JSONATA = "jsonata@2.1.0"
"""Uptime Kuma 2.x depends on jsonata ~2.1.0 (package.json)."""

KUMA_EVALUATION = """
// Uptime Kuma's json-query check as its docs describe it: the body parsed as JSON (else
// kept as text), the Json Query Expression evaluated by JSONata, no value or a non-primitive
// value is an error, then `$number(value) <Condition> $number(expected)`.
const jsonata = require("jsonata");
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
(async () => {
  const out = [];
  for (const c of cases) {
    let data;
    try { data = JSON.parse(c.body); } catch { data = c.body; }
    try {
      const value = await jsonata(c.query).evaluate(data);
      if (value === undefined || value === null || typeof value === "object") throw new Error("no value");
      const up = await jsonata(`$number($.value) ${c.condition} $number($.expected)`)
        .evaluate({ value: String(value), expected: String(c.expected) });
      out.push(up ? "UP" : "DOWN");
    } catch (e) {
      out.push("DOWN");
    }
  }
  console.log(JSON.stringify(out));
})();
"""


def perf_sprint(make_sprint, lab, login: str, p95_ms: int):
    return make_sprint(
        ["fast.perf.test"],
        apex="perf.test",
        network={"pins": {"fast.perf.test": lab.address_of("fast.perf.test")}},
        perf={"samples": 20, "concurrency": 2, "p95_ms": p95_ms},
        endpoints={
            "homepage": "https://fast.perf.test/",
            "health": "https://fast.perf.test/health",
            "login": login,
        },
    )


def run_k6(lab, sprint, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "launchwizard-k6.js"
    script.write_text(render_k6(sprint), encoding="utf-8")
    env = tool_env(SSL_CERT_FILE=str(lab.ca_bundle), K6_NO_USAGE_REPORT="true", K6_NO_COLOR="true")
    return subprocess.run(
        [tool("k6"), "run", "--quiet", "--no-usage-report", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("latency_s", "p95_ms", "login_path", "verdict"),
    [
        (0.0, 500, "/login", "pass"),
        (0.3, 500, "/login", "pass"),
        (0.3, 250, "/login", "fail"),
        (0.0, 500, "/nosuch-route", "fail"),
    ],
    ids=["0ms", "300ms", "300ms-over-target", "failing-route"],
)
def test_k6_agrees_with_perf_latency_on_the_lab(
    lab, make_sprint, tmp_path, latency_s, p95_ms, login_path, verdict
):
    lab.set_latency(latency_s)
    sprint = perf_sprint(make_sprint, lab, f"https://fast.perf.test{login_path}", p95_ms)
    result = asyncio.run(Runner(sprint, select(only=["perf.latency"])).run()).results[0]
    k6 = run_k6(lab, sprint, tmp_path)
    assert str(result.status) == verdict, result.summary
    assert k6.returncode == (0 if verdict == "pass" else 99), k6.stdout + k6.stderr
    if verdict == "fail":
        assert "thresholds on metrics" in k6.stderr


def post(lab, host: str, path: str, body: bytes) -> bytes:
    """One HTTPS POST to a lab host (its address, its name for SNI); the response body."""
    context = ssl.create_default_context(cafile=str(lab.ca_bundle))
    raw = socket.create_connection((lab.address_of(host), lab.ports["https"]), timeout=10)
    with context.wrap_socket(raw, server_hostname=host) as conn:
        head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        conn.sendall(f"{head}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data.split(b"\r\n\r\n", 1)[1]


@pytest.fixture(scope="session")
def jsonata_modules(tmp_path_factory) -> Path:
    return npm_install(tmp_path_factory.mktemp("kuma-jsonata"), KUMA_JSONATA)


def kuma_verdicts(modules: Path, cases: list[dict]) -> list[str]:
    script = modules.parent / "kuma-evaluate.js"
    script.write_text(KUMA_EVALUATION, encoding="utf-8")
    done = subprocess.run(
        ["node", str(script)], input=json.dumps(cases), capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def test_kuma_json_query_is_up_for_a_reply_and_down_without_one(lab, make_sprint, jsonata_modules):
    sprint = make_sprint(
        ["chat.perf.test"],
        apex="perf.test",
        endpoints={
            "chat": {
                "url": "https://chat.perf.test/v1/guarded",
                "method": "POST",
                "body": '{"message": "{{prompt}}"}',
                "response_path": "reply.text",
            }
        },
    )
    chat = monitor_plan(sprint)[-1]
    query = jsonata_query(chat)
    assert query == "$length(reply.text)" and chat.body is not None
    bodies = {
        "guarded reply": post(lab, "chat.perf.test", "/v1/guarded", chat.body.encode()),
        "plain text reply": post(lab, "chat.perf.test", "/v1/text", chat.body.encode()),
        "empty reply": b'{"reply": {"text": ""}}',
        "no reply": b'{"error": "upstream timeout"}',
    }
    cases = [
        {"body": body.decode(), "query": query, "condition": ">", "expected": "0"} for body in bodies.values()
    ]
    verdicts = dict(zip(bodies, kuma_verdicts(jsonata_modules, cases), strict=True))
    assert verdicts == {
        "guarded reply": "UP",
        "plain text reply": "DOWN",
        "empty reply": "DOWN",
        "no reply": "DOWN",
    }


def test_jsonata_reads_indexes_and_quoted_keys(tmp_path, run_cli, capsys, jsonata_modules):
    from test_monitors import kuma_fields, write_sprint

    chat = {"url": "https://api.acme.test/v1/chat", "method": "POST", "body": "{}"}
    path = write_sprint(tmp_path, endpoints={"chat": {**chat, "response_path": "choices.0.message-text"}})
    _, sheet, _ = run_cli(capsys, "monitors", "export", "--config", str(path), "--format", "kuma")
    query = kuma_fields(sheet, "chat")["Json Query Expression"]
    body = json.dumps({"choices": [{"message-text": "hi"}]})
    case = {"body": body, "query": query, "condition": ">", "expected": "0"}
    assert kuma_verdicts(jsonata_modules, [case]) == ["UP"]


def test_k6_reads_the_script_as_exported_whatever_the_sprint_says(tmp_path, run_cli, capsys):
    """k6 itself parses the script (`k6 inspect`): a client name, a file name or a URL with
    line breaks, quotes or `*/` cannot turn into code or change the options."""
    from test_monitors import write_sprint

    hostile = 'x\n}); import evil from "k6/x"; /* \u2028 */ "'
    path = write_sprint(
        tmp_path,
        sprint={"client": hostile, "canonical": "https://www.acme.test/"},
        endpoints={
            "homepage": "https://www.acme.test/?q=\"'`${x}*/",
            "health": "https://www.acme.test/health",
        },
    )
    script = tmp_path / "gate\n}).js"
    code, _, _ = run_cli(
        capsys, "monitors", "export", "--config", str(path), "--format", "k6", "--output", str(script)
    )
    assert code == 0
    done = subprocess.run(
        [tool("k6"), "inspect", str(script)],
        env=tool_env(K6_NO_USAGE_REPORT="true"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    options = json.loads(done.stdout)
    assert options["scenarios"]["core"]["iterations"] == 80 and options["maxRedirects"] == 0
    assert set(options["thresholds"]) == {
        "launchwizard_request_duration{route:homepage}",
        "http_req_failed{route:homepage}",
        "launchwizard_request_duration{route:health}",
        "http_req_failed{route:health}",
    }
