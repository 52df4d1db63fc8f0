"""`launchwizard monitors export`: Gatus YAML checked key by key against the schema the Gatus
README documents, the Uptime Kuma sheet, the k6 gate, and the honest threshold mapping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli_w
import yaml

from launchwizard.config import load_sprint
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
    r"^(\[STATUS\]|\[RESPONSE_TIME\]|len\(\[BODY\][\w.]+\)|\[CERTIFICATE_EXPIRATION\]) (==|<|>) \w+$"
)


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
    config = yaml.safe_load(out)
    check_keys(config, TOP_KEYS, "top level")
    check_keys(config["alerting"]["slack"], SLACK_KEYS, "alerting.slack")
    assert config["alerting"]["slack"]["webhook-url"] == "${ALERT_WEBHOOK_URL}"
    assert [e["name"] for e in config["endpoints"]] == ["homepage", "health", "chat"]
    for endpoint in config["endpoints"]:
        check_keys(endpoint, ENDPOINT_KEYS, f"endpoints[{endpoint['name']}]")
        check_keys(endpoint["client"], CLIENT_KEYS, "client")
        assert DURATION.match(endpoint["interval"]) and DURATION.match(endpoint["client"]["timeout"])
        for condition in endpoint["conditions"]:
            assert CONDITION.match(condition), condition
        for alert in endpoint["alerts"]:
            check_keys(alert, ALERT_KEYS, "alerts[]")
            assert alert["type"] == "slack"
            assert alert["failure-threshold"] == 2 and alert["send-on-resolved"] is True
    homepage, health, chat = config["endpoints"]
    assert homepage["interval"] == "2m" and homepage["client"]["timeout"] == "10s"
    assert "[CERTIFICATE_EXPIRATION] > 240h" in homepage["conditions"]
    assert "[CERTIFICATE_EXPIRATION] > 240h" not in health["conditions"]
    assert health["url"] == "http://status.acme.test/health?token=$$PUBLIC"
    assert chat["interval"] == "5m" and chat["client"]["timeout"] == "25s"
    assert chat["method"] == "POST" and "len([BODY].reply.text) > 0" in chat["conditions"]
    assert chat["body"].startswith('{"message": "launchwizard uptime monitor')
    assert '"tenant": "a\\"b"' in chat["body"]
    assert "homepage: every 2m, alert after 2 failures in a row" in err
    assert "= 4m10s" in err and "chat:" in err and "= 10m25s" in err
    assert out.startswith("# Gatus configuration for Acme $ Assist")
    assert "no sliding-window form" in out


def test_thresholds_follow_the_monitors_table(tmp_path, run_cli, capsys):
    path = write_sprint(tmp_path, monitors={"interval_s": 60, "failure_threshold": 3, "timeout_s": 5})
    _, out, err = export(run_cli, capsys, path, "gatus")
    endpoints = yaml.safe_load(out)["endpoints"]
    assert endpoints[0]["interval"] == "1m" and endpoints[0]["alerts"][0]["failure-threshold"] == 3
    assert "3 × 1m + 5s timeout = 3m5s" in err
    plan = monitor_plan(load_sprint(path))
    assert [m.detection_s for m in plan] == [185, 185, 3 * 300 + 25]


def test_duration_words():
    assert [duration(s) for s in (0, 10, 60, 250, 3600, 3725)] == ["0s", "10s", "1m", "4m10s", "1h", "1h2m5s"]


def test_kuma_sheet_maps_consecutive_failures_to_retries(tmp_path, run_cli, capsys):
    code, out, _ = export(run_cli, capsys, write_sprint(tmp_path), "kuma")
    assert code == 0
    assert "| Retries | 1 |" in out
    assert "| Monitor Type | HTTP(s) - Json Query |" in out and "| Json Query | reply.text |" in out
    assert "| Heartbeat Interval | 120 seconds |" in out
    assert "Worst-case detection: 3m10s" in out
    assert "no importable configuration" in out


def test_k6_script_carries_the_perf_thresholds(tmp_path, run_cli, capsys):
    path = write_sprint(tmp_path, perf={"p95_ms": 400, "error_rate_pct": 1, "samples": 30, "concurrency": 5})
    code, out, _ = export(run_cli, capsys, path, "k6")
    assert code == 0
    assert 'http_req_duration: ["p(95)<400"]' in out and 'http_req_failed: ["rate<0.01"]' in out
    assert "vus: 5, iterations: 60" in out
    assert '"url": "https://www.acme.test/"' in out and "v1/chat" not in out


def test_output_file_is_written_and_recorded(tmp_path, run_cli, capsys):
    path = write_sprint(tmp_path)
    target = tmp_path / "gatus" / "config.yaml"
    target.parent.mkdir()
    code, out, err = export(run_cli, capsys, path, "gatus", "--output", str(target))
    assert code == 0 and out == "" and f"wrote {target}" in err
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["endpoints"]
    recorded = load_state(tmp_path / ".launchwizard").monitor_exports["gatus"]
    assert recorded.path == str(target) and recorded.at is not None
    code, _, err = export(run_cli, capsys, path, "gatus", "--output", str(path / "x.yaml"))
    assert code == 2 and "could not save" in err
