"""The monitor plan: which routes get a monitor, how often, when it alerts, how fast it can.

The seed's rule "alert after 2 failed checks in 5 minutes" has no sliding-window form in
Gatus or Uptime Kuma: both count consecutive failures. The plan says so plainly and turns
it into `failure_threshold` consecutive failures at `interval_s`, whose worst case (an
outage starting just after a good check) is failure_threshold × interval + timeout.
p95 and error rate are not synthetic-monitor metrics (one sample per interval): they go to
the k6 export. A monitor's check fails when the route does not answer with a 2xx within its
timeout, so the timeout is also the response-time cap: Uptime Kuma can express only that
one number, and every export then agrees on what fails and how late the alert can be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from launchwizard.config.derived import chat_timeout, homepage_url, render_body

if TYPE_CHECKING:
    from launchwizard.config import Endpoint, Sprint

MONITORED = ("homepage", "health", "chat")
MONITOR_PROMPT = "launchwizard uptime monitor: reply with a short greeting"
ACCEPTED_STATUS = (200, 299)
"""The status codes a monitor counts as up, in every export: any 2xx."""
CERT_MIN_DAYS = 10
CERT_MIN_HOURS = CERT_MIN_DAYS * 24
CHAT_TIMEOUT_SLACK_S = 5
"""The monitor waits a little longer than the app's own chat timeout, so it sees the app's
answer (an error reply) instead of timing out first."""
_PATH_KEY = re.compile(r"[A-Za-z0-9_-]{1,128}")
ALERT_ENV = "ALERT_WEBHOOK_URL"
"""The environment variable the exports read the webhook from: never written into a file."""


@dataclass(frozen=True)
class Monitor:
    """One uptime monitor: the request, its conditions and its alert timing."""

    name: str
    group: str
    url: str
    method: str
    body: str | None
    headers: tuple[tuple[str, str], ...]
    interval_s: int
    timeout_s: int
    max_response_ms: int
    reply_path: str | None
    failure_threshold: int
    success_threshold: int

    @property
    def https(self) -> bool:
        return urlsplit(self.url).scheme == "https"

    @property
    def reply_segments(self) -> tuple[str | int, ...] | None:
        """`reply_path` as keys and list indexes ("choices.0.text" -> choices, 0, text), or
        None when there is none or a key has characters the tools' query languages cannot
        carry safely (only letters, digits, `_` and `-` can)."""
        if not self.reply_path:
            return None
        parts = self.reply_path.split(".")
        if not all(_PATH_KEY.fullmatch(part) for part in parts):
            return None
        return tuple(int(part) if part.isdigit() else part for part in parts)

    @property
    def detection_s(self) -> int:
        """Worst case from the start of an outage to the alert."""
        return self.failure_threshold * self.interval_s + self.timeout_s


def duration(seconds: int) -> str:
    """Seconds as Gatus and people write durations: "2m", "4m10s", "1h"."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts) or "0s"


def _monitor(sprint: Sprint, name: str, endpoint: Endpoint) -> Monitor:
    settings = sprint.monitors
    chat = name == "chat"
    timeout = int(chat_timeout(endpoint)) + CHAT_TIMEOUT_SLACK_S if chat else settings.timeout_s
    body = render_body(endpoint, MONITOR_PROMPT) if chat else None
    return Monitor(
        name=name,
        group="ai" if chat else "core",
        url=endpoint.url,
        method=endpoint.method,
        body=body.decode("utf-8") if body is not None else None,
        headers=tuple(endpoint.headers.items()),
        interval_s=settings.chat_interval_s if chat else settings.interval_s,
        timeout_s=timeout,
        max_response_ms=timeout * 1000,
        reply_path=endpoint.response_path if chat else None,
        failure_threshold=settings.failure_threshold,
        success_threshold=settings.success_threshold,
    )


def monitor_plan(sprint: Sprint) -> list[Monitor]:
    """Homepage (else the canonical URL), health and chat, as `[endpoints]` names them."""
    from launchwizard.config import Endpoint

    endpoints = dict(sprint.endpoints)
    endpoints.setdefault("homepage", Endpoint("homepage", homepage_url(sprint)))
    return [_monitor(sprint, name, endpoints[name]) for name in MONITORED if name in endpoints]


def detection_lines(plan: list[Monitor]) -> list[str]:
    """One sentence per monitor: when it alerts and how late that can be."""
    return [
        f"{m.name}: every {duration(m.interval_s)}, alert after {m.failure_threshold} failures in a row; "
        f"worst-case detection {m.failure_threshold} × {duration(m.interval_s)} + {duration(m.timeout_s)} "
        f"timeout = {duration(m.detection_s)}"
        for m in plan
    ]
