"""`monitor.alerts`: a test alert reaches the alert channel, and someone saw it arrive.

Opt-in (`[monitors] send_test_alert = true`), because it posts a real message to the team's
channel. The webhook URL is read from the store (`monitors.alert_webhook`), never from
sprint.toml, and never shown: results name only its host. The payload is the
Slack-compatible `{"text": ...}` that Slack, Mattermost, Rocket.Chat, Discord's /slack
endpoint and most chat webhooks accept. Delivery (a 2xx) is half of it: the check passes
once the operator has confirmed the alert arrived (the `alerts-routed` item done with
evidence); until then it warns with the exact command to confirm.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from launchwizard.checks.base import CheckContext
from launchwizard.errors import UserError
from launchwizard.net.http import FetchError
from launchwizard.results import Result, Severity, Status

WEBHOOK_FIELD = "monitors.alert_webhook"
ROUTE_FIELD = "monitors.alert_route"
CONFIRM_ITEM = "alerts-routed"
MAX_BODY = 4096

FIX_NO_WEBHOOK = (
    "Create an incoming webhook for the alert channel (Slack: Apps > Incoming Webhooks) and store it: "
    "launchwizard store set monitors.alert_webhook (the URL on standard input); name the channel and "
    "the people in monitors.alert_route."
)
FIX_REFUSED = (
    "The channel refused the alert: the webhook was probably deleted or its app removed. Create a new "
    "incoming webhook, store it again (launchwizard store set monitors.alert_webhook) and "
    "update the monitoring tool's ALERT_WEBHOOK_URL."
)


def _host(url: str) -> str | None:
    """The webhook's host when the URL is a usable https:// URL, else None."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port
    except ValueError:
        return None
    if parts.scheme != "https" or not parts.hostname:
        return None
    return parts.hostname


URL_FAILURES = {
    "url": "the HTTP client refused the stored URL as malformed (it is not shown here)",
    "scheme": "the stored URL or a redirect uses a scheme other than https (not shown here)",
    "bad-location": "the webhook answered with a redirect that has no host",
}
"""Failures whose own message would quote the URL, and with it the webhook's secret path."""


def _failure(exc: FetchError) -> str:
    """Why the webhook could not be reached, in words that never quote its URL."""
    if exc.kind in URL_FAILURES:
        return URL_FAILURES[exc.kind]
    if exc.kind == "http":
        return "the HTTP client failed before the webhook answered"
    return exc.message


def _confirmation(ctx: CheckContext) -> str | None:
    """The operator's evidence that an alert arrived, if the item is done."""
    from launchwizard.state.statefile import load_state

    try:
        item = load_state(ctx.sprint.state_dir).item(CONFIRM_ITEM)
    except UserError:
        return None
    return item.evidence if item.status == "done" else None


def _message(ctx: CheckContext, alert_id: str) -> bytes:
    text = (
        f"launchwizard test alert {alert_id} for {ctx.sprint.client}: if you can read this, alerts "
        f"reach this channel. Confirm with: launchwizard item {CONFIRM_ITEM} done --evidence "
        f'"test alert {alert_id} seen in <channel>"'
    )
    return json.dumps({"text": text}).encode("utf-8")


async def alerts(ctx: CheckContext) -> list[Result]:
    """`monitor.alerts`: send one test alert to the stored webhook and report delivery."""
    if not ctx.sprint.monitors.send_test_alert:
        summary = (
            "opt-in: set [monitors] send_test_alert = true to post one test message to the alert "
            "channel (its webhook is read from the store, monitors.alert_webhook)"
        )
        return [ctx.result(Status.SKIPPED, summary, severity=Severity.INFO)]
    if ctx.secret is None:
        return [
            ctx.result(Status.ERROR, "this run has no access to the store, so the webhook cannot be read")
        ]
    try:
        url = await asyncio.to_thread(ctx.secret, WEBHOOK_FIELD)
    except UserError as exc:
        return [ctx.result(Status.ERROR, f"the alert webhook could not be read from the store: {exc}")]
    if not url:
        summary = f"no alert webhook in the store ({WEBHOOK_FIELD}): nobody would hear about an outage"
        return [ctx.result(Status.FAIL, summary, fix=FIX_NO_WEBHOOK)]
    host = _host(url)
    if host is None:
        summary = f"the stored {WEBHOOK_FIELD} is not an https:// URL (it is not shown here)"
        return [ctx.result(Status.FAIL, summary, fix=FIX_NO_WEBHOOK)]
    return [await _send(ctx, url.strip(), host)]


async def _send(ctx: CheckContext, url: str, host: str) -> Result:
    alert_id = f"LW-{secrets.token_hex(4)}"
    evidence: dict[str, Any] = {"webhook_host": host, "alert_id": alert_id}
    try:
        response = await ctx.net.http.request(
            "POST",
            url,
            headers={"Content-Type": "application/json"},
            content=_message(ctx, alert_id),
            max_body=MAX_BODY,
        )
    except FetchError as exc:
        summary = f"the test alert got no answer from {host}: {_failure(exc)}"
        return ctx.result(Status.ERROR, summary, evidence=evidence)
    evidence["status"] = response.status
    evidence["answer"] = " ".join(response.text[:80].split())
    if not 200 <= response.status < 300:
        summary = f"{host} refused the test alert with {response.status} ({evidence['answer'] or 'no body'})"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_REFUSED)
    confirmed = _confirmation(ctx)
    if confirmed:
        evidence["confirmed"] = confirmed
        summary = (
            f"test alert {alert_id} delivered to {host} ({response.status}); arrival confirmed: {confirmed}"
        )
        return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)
    summary = (
        f"test alert {alert_id} delivered to {host} ({response.status}); confirm it arrived: "
        f'launchwizard item {CONFIRM_ITEM} done --evidence "test alert {alert_id} seen in <channel>"'
    )
    return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.MEDIUM)
