"""An Uptime Kuma setup sheet: Kuma has no config file or import format, so the export is
the exact value to type into each field of "Add New Monitor", one table per monitor.

Field names are Kuma's own labels. Values sit in code spans, so what is shown is exactly
what to type (no markdown escaping to undo), and a value can never break the table.

How Kuma's settings map onto the plan:
- Kuma marks a monitor DOWN, and notifies, once its Retries are used up; each retry comes a
  "Heartbeat Retry Interval" after the previous check started. Retries = failure_threshold - 1
  and a retry interval equal to the heartbeat interval make that the plan's N failures in a
  row at the plan's interval, so the worst-case detection is the one the command prints.
- Kuma has no response-time condition on HTTP monitors: its Request Timeout is the cap, as
  the plan's timeout is in every export.
- The chat's reply check is a "Json Query" monitor: Kuma evaluates the JSONata expression
  `$length(<reply path>)` on the reply and compares the result with the Expected Value
  using the Condition `>` (a missing reply is an error, so DOWN too).
- Certificate expiry is a notification in Kuma, sent the configured days before expiry.
"""

from __future__ import annotations

import json
import re

from launchwizard.monitoring.headers import exported_headers
from launchwizard.monitoring.plan import ACCEPTED_STATUS, CERT_MIN_DAYS, Monitor, duration
from launchwizard.safe.markdown import code_cell, md, prose

ALERT_COMMAND = "launchwizard store get monitors.alert_webhook"
_JSONATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def jsonata_query(monitor: Monitor) -> str | None:
    """`$length(reply.text)`, `$length(choices[0].text)`: the length of the reply text.
    A key that is not a plain JSONata name is quoted in backticks (`` `x-text` ``)."""
    segments = monitor.reply_segments
    if segments is None:
        return None
    path = ""
    for segment in segments:
        if isinstance(segment, int):
            path += f"[{segment}]"
        else:
            name = segment if _JSONATA_NAME.fullmatch(segment) else f"`{segment}`"
            path += f".{name}" if path else name
    return f"$length({path})"


def _headers_json(monitor: Monitor) -> str:
    values = {
        header.name: header.value if header.env is None else f"<paste the value of {header.source}>"
        for header in exported_headers(monitor.name, monitor.headers)
    }
    return json.dumps(values, ensure_ascii=False)


def _rows(monitor: Monitor) -> list[tuple[str, str, str]]:
    """(Kuma field, value to type, note) for one monitor."""
    query = jsonata_query(monitor)
    low, high = ACCEPTED_STATUS
    rows = [
        ("Monitor Type", "HTTP(s) - Json Query" if query else "HTTP(s)", ""),
        ("Friendly Name", monitor.name, ""),
        ("URL", monitor.url, ""),
        ("Heartbeat Interval", str(monitor.interval_s), "seconds"),
        (
            "Retries",
            str(monitor.failure_threshold - 1),
            f"DOWN after {monitor.failure_threshold} failures in a row",
        ),
        ("Heartbeat Retry Interval", str(monitor.interval_s), "seconds, the same as the heartbeat interval"),
        ("Request Timeout", str(monitor.timeout_s), "seconds; a slower answer is a failure"),
        ("Accepted Status Codes", f"{low}-{high}", "only this entry"),
    ]
    if monitor.https:
        rows += [
            ("Ignore TLS/SSL errors for HTTPS websites", "off", "an invalid certificate is a failure"),
            (
                "Certificate Expiry Notification",
                "on",
                f"and under Settings > Notifications > TLS Certificate Expiry, add {CERT_MIN_DAYS} days",
            ),
        ]
    if query:
        rows += [
            ("Json Query Expression", query, "the length of the reply text"),
            ("Condition", ">", ""),
            ("Expected Value", "0", "so an empty or missing reply is DOWN"),
        ]
    rows.append(("Method", monitor.method, ""))
    if monitor.body is not None:
        rows += [("Body Encoding", "JSON", ""), ("Body", monitor.body, "")]
    if monitor.headers:
        rows.append(("Headers", _headers_json(monitor), "replace each `<paste ...>` with its value"))
    rows.append(("Notifications", "Slack", f"Webhook URL: the output of `{ALERT_COMMAND}`"))
    return rows


def _table(monitor: Monitor) -> list[str]:
    lines = ["| Field | Value | Note |", "| --- | --- | --- |"]
    lines += [f"| {field} | {code_cell(value)} | {prose(note)} |" for field, value, note in _rows(monitor)]
    return lines


def render_kuma(client: str, plan: list[Monitor]) -> str:
    lines = [
        f"# Uptime Kuma setup sheet: {md(client)}",
        "",
        "Uptime Kuma has no importable configuration: add each monitor below with these values",
        "(Add New Monitor). First add a Slack notification (Settings > Notifications) whose",
        f"Webhook URL is the output of `{ALERT_COMMAND}`, run where sprint.toml is.",
        "",
    ]
    for monitor in plan:
        lines += [f"## {md(monitor.name)}", "", *_table(monitor), ""]
        if monitor.reply_path and monitor.reply_segments is None:
            lines += [
                f"The reply path {code_cell(monitor.reply_path)} has characters a Json Query cannot hold "
                "safely: this monitor checks the status, the time and the certificate only.",
                "",
            ]
        lines += [
            f"Worst-case detection: {duration(monitor.detection_s)} ({monitor.failure_threshold} × "
            f"{duration(monitor.interval_s)} + {duration(monitor.timeout_s)} timeout).",
            "",
        ]
    return "\n".join(lines)
