"""Gatus `config.yaml` from the monitor plan (keys as the Gatus README documents them).

Every scalar is written as a double-quoted JSON string, which YAML reads verbatim, so a URL,
a header or a JSON body can never change the document's structure; a literal `$` is written
`$$`, Gatus's escape, because Gatus substitutes environment variables in the whole file. The Slack-compatible
webhook is `${ALERT_WEBHOOK_URL}`, substituted by Gatus from its environment: the URL lives
in the store and the deployment's secrets, never in this file.
"""

from __future__ import annotations

import json

from launchwizard.monitoring.plan import ALERT_ENV, CERT_MIN_HOURS, Monitor, detection_lines, duration


def _q(text: str) -> str:
    """A double-quoted scalar; `$` doubled, since Gatus substitutes $VAR in the whole file."""
    return json.dumps(text.replace("$", "$$"), ensure_ascii=False)


def _conditions(monitor: Monitor) -> list[str]:
    conditions = ["[STATUS] == 200", f"[RESPONSE_TIME] < {monitor.max_response_ms}"]
    if monitor.reply_path:
        conditions.append(f"len([BODY].{monitor.reply_path}) > 0")
    if monitor.https:
        conditions.append(f"[CERTIFICATE_EXPIRATION] > {CERT_MIN_HOURS}h")
    return conditions


def _endpoint(monitor: Monitor) -> list[str]:
    lines = [
        f"  - name: {_q(monitor.name)}",
        f"    group: {_q(monitor.group)}",
        f"    url: {_q(monitor.url)}",
        f"    method: {_q(monitor.method)}",
        f"    interval: {_q(duration(monitor.interval_s))}",
    ]
    if monitor.body is not None:
        lines.append(f"    body: {_q(monitor.body)}")
    if monitor.headers:
        lines.append("    headers:")
        lines += [f"      {_q(name)}: {_q(value)}" for name, value in monitor.headers]
    lines += [
        "    client:",
        f"      timeout: {_q(duration(monitor.timeout_s))}",
        "    conditions:",
        *(f"      - {_q(condition)}" for condition in _conditions(monitor)),
        "    alerts:",
        '      - type: "slack"',
        f"        failure-threshold: {monitor.failure_threshold}",
        f"        success-threshold: {monitor.success_threshold}",
        "        send-on-resolved: true",
        f"        description: {_q(f'{monitor.name} failed {monitor.failure_threshold} checks in a row')}",
    ]
    return lines


def render_gatus(client: str, plan: list[Monitor]) -> str:
    """The whole config.yaml, with the threshold mapping and detection times as comments."""
    header = [
        f"# Gatus configuration for {client}, written by launchwizard monitors export.",
        '# "Alert after 2 failed checks in 5 minutes" has no sliding-window form in Gatus: it counts',
        "# consecutive failures. Each endpoint alerts after failure-threshold failures in a row:",
        *(f"#   {line}" for line in detection_lines(plan)),
        f"# Set {ALERT_ENV} in Gatus's environment to the Slack-compatible webhook",
        "# (launchwizard store get monitors.alert_webhook); it is not written here.",
        "# p95 latency and error rate are not per-check metrics: use the k6 export for them.",
        "# Two regions: Gatus checks from where it runs, so run this same file on two Gatus instances",
        "# in different regions (a small VM or container in each, both with the webhook variable set).",
        "# An outage alerts from both; a network fault near one instance alerts from that one only.",
        "# `launchwizard monitors export --format checkly` runs every check from [monitors] regions.",
        "",
        "alerting:",
        "  slack:",
        f'    webhook-url: "${{{ALERT_ENV}}}"',
        "",
        "endpoints:",
    ]
    body = [line for monitor in plan for line in _endpoint(monitor)]
    return "\n".join(header + body) + "\n"
