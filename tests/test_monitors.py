"""`launchwizard monitors export`: Gatus YAML checked key by key against the schema the Gatus
README documents and read the way Gatus reads it (environment substitution, then YAML), the
Uptime Kuma sheet, the k6 gate, and the honest threshold mapping. No sprint value can
change an export's structure, and no request header that may carry a credential is copied
into one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import tomli_w
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from launchwizard.config import load_sprint
from launchwizard.demo import fakesecrets
from launchwizard.monitoring.gatus import yaml_string
from launchwizard.monitoring.plan import duration, monitor_plan
from launchwizard.state.statefile import load_state

# The keys the Gatus README documents for what we emit (top level, alerting.slack,
# endpoints[], endpoints[].client, endpoints[].alerts[]).
TOP_KEYS = {
    "metrics",
    "storage",
    "alerting",
    "endpoints",
    "external-endpoints",
    "suites",
    "security",
    "concurrency",
    "skip-invalid-config-update",
    "disable-monitoring-lock",
    "web",
    "ui",
    "maintenance",
    "remote",
    "connectivity",
}
SLACK_KEYS = {"webhook-url", "title", "default-alert", "overrides"}
ENDPOINT_KEYS = {
    "enabled",
    "name",
    "group",
    "url",
    "method",
    "conditions",
    "interval",
    "graphql",
    "body",
    "headers",
    "dns",
    "ssh",
    "alerts",
    "maintenance-windows",
    "client",
    "ui",
    "extra-labels",
    "always-run",
    "store",
}
CLIENT_KEYS = {
    "insecure",
    "ignore-redirect",
    "timeout",
    "dns-resolver",
    "oauth2",
    "proxy-url",
    "identity-aware-proxy",
    "network",
    "tls",
    "tunnel",
}
ALERT_KEYS = {
    "type",
    "enabled",
    "failure-threshold",
    "success-threshold",
    "minimum-reminder-interval",
    "send-on-resolved",
    "description",
    "provider-override",
}
DURATION = re.compile(r"^(\d+h)?(\d+m)?(\d+s)?$")
CONDITION = re.compile(
    r"^(\[STATUS\]|\[RESPONSE_TIME\]|len\(\[BODY\](\.[\w-]+|\[\d+\])+\)|\[CERTIFICATE_EXPIRATION\]) "
    r"(==|<|>|<=|>=) \w+$"
)
TOKEN = fakesecrets.value("github-token", 11)
HOSTILE = [
    "line one\nendpoints: []\n  - name: injected",
    'quote " and backslash \\ and \\n',
    "&anchor value",
    "*alias",
    "!!python/object:os.system",
    "{ flow: [mapping] }",
    "# not a comment",
    "key: value",
    "tab\tand $HOME and ${ALERT_WEBHOOK_URL} and $$",
    "next line \u0085 line separator \u2028 paragraph \u2029 bom \ufeff",
    "delete \x7f c1 \x9b nul-free controls \x01\x1b[31m",
    "astral \U0001f680 and é",
    "---\n...\n%YAML 1.2",
]


def gatus_load(text: str, env: dict[str, str] | None = None) -> Any:
    """Read a config the way Gatus does (config.go): `$$` is a literal `$`, every other
    `$VAR`/`${VAR}` is replaced from the environment (os.ExpandEnv), then YAML."""
    env = env or {}
    literal = "\0gatus-literal-dollar\0"
    expanded = re.sub(
        r"\$\{(\w+)\}|\$(\w+)",
        lambda m: env.get(m.group(1) or m.group(2), ""),
        text.replace("$$", literal),
    )
    return yaml.safe_load(expanded.replace(literal, "$"))


def write_sprint(tmp_path: Path, **extra: Any) -> Path:
    document: dict[str, Any] = {
        "sprint": {"client": "Acme $ Assist", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
        "endpoints": {
            "homepage": "https://www.acme.test/",
            "health": "http://status.acme.test/health?token=$PUBLIC",
            "chat": {
                "url": "https://api.acme.test/v1/chat",
                "method": "POST",
                "body": '{"message": "{{prompt}}", "tenant": "a\\"b"}',
                "response_path": "reply.text",
                "timeout_s": 20,
                "headers": {"Content-Type": "application/json"},
            },
        },
        **extra,
    }
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def export(run_cli, capsys, path: Path, fmt: str, *more: str) -> tuple[int, str, str]:
    return run_cli(capsys, "monitors", "export", "--config", str(path), "--format", fmt, *more)


def check_keys(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(table) - allowed
    assert not unknown, f"{where}: keys Gatus does not document: {unknown}"


def test_gatus_export_uses_only_documented_keys(tmp_path, run_cli, capsys):
    code, out, err = export(run_cli, capsys, write_sprint(tmp_path), "gatus")
    assert code == 0
    config = gatus_load(out, {"ALERT_WEBHOOK_URL": "https://hooks.example/x"})
    check_keys(config, TOP_KEYS, "top level")
    check_keys(config["alerting"]["slack"], SLACK_KEYS, "alerting.slack")
    assert config["alerting"]["slack"]["webhook-url"] == "https://hooks.example/x"
    assert [e["name"] for e in config["endpoints"]] == ["homepage", "health", "chat"]
    for endpoint in config["endpoints"]:
        check_keys(endpoint, ENDPOINT_KEYS, f"endpoints[{endpoint['name']}]")
        check_keys(endpoint["client"], CLIENT_KEYS, "client")
        assert DURATION.match(endpoint["interval"]) and DURATION.match(endpoint["client"]["timeout"])
        for condition in endpoint["conditions"]:
            assert CONDITION.match(condition), condition
        assert {"[STATUS] >= 200", "[STATUS] <= 299"} <= set(endpoint["conditions"])
        for alert in endpoint["alerts"]:
            check_keys(alert, ALERT_KEYS, "alerts[]")
            assert alert["type"] == "slack"
            assert alert["failure-threshold"] == 2 and alert["send-on-resolved"] is True
    homepage, health, chat = config["endpoints"]
    assert homepage["interval"] == "2m" and homepage["client"]["timeout"] == "10s"
    assert "[RESPONSE_TIME] < 10000" in homepage["conditions"]
    assert "[CERTIFICATE_EXPIRATION] > 240h" in homepage["conditions"]
    assert "[CERTIFICATE_EXPIRATION] > 240h" not in health["conditions"]
    assert health["url"] == "http://status.acme.test/health?token=$PUBLIC"
    assert chat["interval"] == "5m" and chat["client"]["timeout"] == "25s"
    assert chat["method"] == "POST" and "len([BODY].reply.text) > 0" in chat["conditions"]
    assert chat["body"].startswith('{"message": "launchwizard uptime monitor')
    assert '"tenant": "a\\"b"' in chat["body"]
    assert "homepage: every 2m, alert after 2 failures in a row" in err
    assert "= 4m10s" in err and "chat:" in err and "= 10m25s" in err
    assert out.startswith("# Gatus configuration for Acme $$ Assist")
    assert "no sliding-window form" in out


def test_reply_paths_become_gatus_json_paths(tmp_path, run_cli, capsys):
    chat = {"url": "https://api.acme.test/v1/chat", "method": "POST", "body": "{}"}
    paths = {"choices.0.message.content": "len([BODY].choices[0].message.content) > 0", "a b.c": None}
    for reply_path, condition in paths.items():
        path = write_sprint(tmp_path, endpoints={"chat": {**chat, "response_path": reply_path}})
        _, out, _ = export(run_cli, capsys, path, "gatus")
        conditions = gatus_load(out)["endpoints"][-1]["conditions"]
        if condition is None:
            assert not any(c.startswith("len(") for c in conditions)
            assert "cannot hold" in out
        else:
            assert condition in conditions


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_sprint_value_changes_the_gatus_structure(tmp_path, run_cli, capsys, hostile):
    chat = {
        "url": "https://api.acme.test/v1/chat?q="
        + "".join(c for c in hostile if c.isprintable() and c != " "),
        "method": "POST",
        "body": hostile,
        "response_path": "reply.text",
        "headers": {"Accept": hostile.replace("\n", " ").replace("\r", " ").replace("\x00", "")},
    }
    path = write_sprint(
        tmp_path, sprint={"client": hostile, "canonical": "https://www.acme.test/"}, endpoints={"chat": chat}
    )
    code, out, _ = export(run_cli, capsys, path, "gatus")
    assert code == 0
    config = gatus_load(out, {"ALERT_WEBHOOK_URL": "https://hooks.example/x"})
    assert set(config) == {"alerting", "endpoints"}
    plan = monitor_plan(load_sprint(path))
    assert [e["name"] for e in config["endpoints"]] == [m.name for m in plan]
    endpoint = config["endpoints"][-1]
    monitor = plan[-1]
    assert endpoint["url"] == monitor.url and endpoint["body"] == monitor.body
    assert endpoint["headers"] == dict(monitor.headers)
    assert all(line.startswith("#") for line in out.split("\nalerting:")[0].splitlines())


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_yaml_string_reads_back_as_itself(text):
    surrogate_free = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    loaded = gatus_load(f"value: {yaml_string(text)}\n")
    assert loaded == {"value": surrogate_free}


def test_headers_that_may_hold_a_credential_are_environment_references(tmp_path, run_cli, capsys):
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {TOKEN}",
        "X-Tenant": TOKEN[::-1],
    }
    chat = {"url": "https://api.acme.test/v1/chat", "method": "POST", "body": "{}", "headers": headers}
    health = {"url": "https://status.acme.test/health", "headers": {"X-Health-Key": TOKEN.upper()}}
    path = write_sprint(tmp_path, endpoints={"chat": chat, "health": health})
    outputs = {fmt: export(run_cli, capsys, path, fmt) for fmt in ("gatus", "kuma", "k6")}
    for fmt, (code, out, err) in outputs.items():
        assert code == 0, err
        for secret in (TOKEN, TOKEN[::-1], TOKEN.upper()):
            assert secret not in out and secret not in err, f"{fmt} copied a header value"
    env = {
        "LW_CHAT_AUTHORIZATION": f"Bearer {TOKEN}",
        "LW_CHAT_X_TENANT": "t1",
        "LW_HEALTH_X_HEALTH_KEY": "k",
    }
    config = gatus_load(outputs["gatus"][1], env)
    by_name = {e["name"]: e for e in config["endpoints"]}
    assert by_name["chat"]["headers"] == {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {TOKEN}",
        "X-Tenant": "t1",
    }
    assert by_name["health"]["headers"] == {"X-Health-Key": "k"}
    assert "LW_CHAT_AUTHORIZATION: the value of [endpoints.chat] headers.Authorization" in outputs["gatus"][1]
    assert "<paste the value of [endpoints.chat] headers.Authorization>" in outputs["kuma"][1]
    k6 = outputs["k6"][1]
    assert '"env": "LW_HEALTH_X_HEALTH_KEY"' in k6 and "-e LW_HEALTH_X_HEALTH_KEY=..." in k6


def test_thresholds_follow_the_monitors_table(tmp_path, run_cli, capsys):
    path = write_sprint(tmp_path, monitors={"interval_s": 60, "failure_threshold": 3, "timeout_s": 5})
    _, out, err = export(run_cli, capsys, path, "gatus")
    endpoints = gatus_load(out)["endpoints"]
    assert endpoints[0]["interval"] == "1m" and endpoints[0]["alerts"][0]["failure-threshold"] == 3
    assert "[RESPONSE_TIME] < 5000" in endpoints[0]["conditions"]
    assert "3 × 1m + 5s timeout = 3m5s" in err
    plan = monitor_plan(load_sprint(path))
    assert [m.detection_s for m in plan] == [185, 185, 3 * 300 + 25]


def test_duration_words():
    assert [duration(s) for s in (0, 10, 60, 250, 3600, 3725)] == ["0s", "10s", "1m", "4m10s", "1h", "1h2m5s"]


def kuma_fields(sheet: str, monitor: str) -> dict[str, str]:
    """The Field -> Value rows of one monitor's table, values taken out of their code spans."""
    section = sheet.split(f"## {monitor}\n", 1)[1].split("\n## ", 1)[0]
    fields = {}
    for line in section.splitlines():
        match = re.match(r"^\| ([^|]+?) \| (`+) ?(.*?) ?\2 \|", line)
        if match:
            fields[match.group(1)] = match.group(3).replace("\\|", "|")
    return fields


def test_kuma_sheet_has_kumas_fields_and_the_commands_detection_times(tmp_path, run_cli, capsys):
    path = write_sprint(tmp_path)
    code, out, _ = export(run_cli, capsys, path, "kuma")
    _, _, err = export(run_cli, capsys, path, "gatus")
    assert code == 0 and "no importable configuration" in out
    chat = kuma_fields(out, "chat")
    assert chat["Monitor Type"] == "HTTP(s) - Json Query"
    assert (chat["Json Query Expression"], chat["Condition"], chat["Expected Value"]) == (
        "$length(reply.text)",
        ">",
        "0",
    )
    assert chat["Body"].startswith('{"message": "launchwizard uptime monitor') and "\\" not in chat["Method"]
    homepage = kuma_fields(out, "homepage")
    assert (
        homepage["Retries"] == "1" and homepage["Heartbeat Interval"] == homepage["Heartbeat Retry Interval"]
    )
    assert homepage["Accepted Status Codes"] == "200-299" and homepage["Request Timeout"] == "10"
    assert homepage["Certificate Expiry Notification"] == "on"
    assert "Certificate Expiry Notification" not in kuma_fields(out, "health")
    assert kuma_fields(out, "health")["URL"] == "http://status.acme.test/health?token=$PUBLIC"
    for plan_line in err.strip().splitlines():
        name, _, rest = plan_line.partition(":")
        detection = rest.rsplit("= ", 1)[1]
        section = out.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"Worst-case detection: {detection} " in section
    assert "--reveal" not in out


def test_k6_script_carries_perf_latencys_rule_per_route(tmp_path, run_cli, capsys):
    path = write_sprint(
        tmp_path,
        perf={"p95_ms": 400, "error_rate_pct": 1, "samples": 30, "concurrency": 5},
        network={"timeout_s": 3, "ports": {"https": 8443}, "pins": {"www.acme.test": "192.0.2.7"}},
    )
    code, out, _ = export(run_cli, capsys, path, "k6")
    assert code == 0
    assert '"launchwizard_request_duration{route:homepage}": [\n          "p(95)<=400"' in out
    assert '"http_req_failed{route:homepage}": [\n          "rate<=0.01"' in out
    assert "res.timings.blocked + res.timings.duration" in out and "maxRedirects: 0" in out
    assert "vus: 5,\n      iterations: 60," in out and 'timeout: "3s"' in out
    assert '"url": "https://www.acme.test:8443/"' in out and "v1/chat" not in out
    assert 'hosts: {"www.acme.test": "192.0.2.7"}' in out


def test_output_file_is_written_and_recorded(tmp_path, run_cli, capsys):
    path = write_sprint(tmp_path)
    target = tmp_path / "gatus" / "config.yaml"
    target.parent.mkdir()
    code, out, err = export(run_cli, capsys, path, "gatus", "--output", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert gatus_load(target.read_text(encoding="utf-8"))["endpoints"]
    recorded = load_state(tmp_path / ".launchwizard").monitor_exports["gatus"]
    assert recorded.path == str(target) and recorded.at is not None
    code, _, err = export(run_cli, capsys, path, "gatus", "--output", str(path / "x.yaml"))
    assert code == 2 and "could not save" in err
    code, _, _ = export(run_cli, capsys, path, "k6", "--output", str(tmp_path / "gate.js"))
    assert "k6 run gate.js" in (tmp_path / "gate.js").read_text(encoding="utf-8")
