"""An Uptime Kuma setup sheet: Kuma has no config file or import format, so the export is
the exact field values to type into "Add New Monitor", one table per monitor.

Kuma marks a monitor DOWN (and notifies) after its Retries are used up, each retry one
"Heartbeat Retry Interval" later, so failure_threshold consecutive failures become
Retries = failure_threshold - 1.
"""

from __future__ import annotations

import json

from launchwizard.monitoring.plan import Monitor, duration
from launchwizard.safe.markdown import md


def _detection_s(monitor: Monitor) -> int:
    retries = monitor.failure_threshold - 1
    return monitor.interval_s + retries * min(monitor.interval_s, 60) + monitor.timeout_s


def _rows(monitor: Monitor) -> list[tuple[str, str]]:
    rows = [
        ("Monitor Type", "HTTP(s) - Json Query" if monitor.reply_path else "HTTP(s)"),
        ("Friendly Name", monitor.name),
        ("URL", monitor.url),
        ("Heartbeat Interval", f"{monitor.interval_s} seconds"),
        ("Retries", str(monitor.failure_threshold - 1)),
        ("Heartbeat Retry Interval", f"{min(monitor.interval_s, 60)} seconds"),
        ("Request Timeout", f"{monitor.timeout_s} seconds"),
        ("Accepted Status Codes", "200-299"),
        ("Method", monitor.method),
    ]
    if monitor.reply_path:
        rows.append(("Json Query", monitor.reply_path))
        rows.append(("Expected Value", "(any non-empty reply: use the condition 'exists' where offered)"))
    if monitor.body is not None:
        rows += [("Body Encoding", "JSON"), ("Body", monitor.body)]
    if monitor.headers:
        rows.append(("Headers", json.dumps(dict(monitor.headers))))
    rows.append(("Notifications", "Slack (Incoming Webhook URL from the store: monitors.alert_webhook)"))
    return rows


def render_kuma(client: str, plan: list[Monitor]) -> str:
    lines = [
        f"# Uptime Kuma setup sheet: {md(client)}",
        "",
        "Uptime Kuma has no importable configuration: add each monitor below with these values",
        "(Add New Monitor), and a Slack notification whose webhook URL is in the store",
        "(`launchwizard store get monitors.alert_webhook`).",
        "",
    ]
    for monitor in plan:
        detection = duration(_detection_s(monitor))
        lines += [f"## {md(monitor.name)}", "", "| Field | Value |", "| --- | --- |"]
        lines += [f"| {field} | {md(value)} |" for field, value in _rows(monitor)]
        lines += ["", f"Worst-case detection: {detection} (interval, retries, timeout).", ""]
    return "\n".join(lines)
