"""Lab routes whose answer depends on the request or on the requests before it.

Most lab routes are fixed bytes. Some are not: CORS answers that depend on the Origin a
client sends, and rate limits and flaky routes that depend on how many requests came
earlier. Both are computed here, on the lab's event loop, and
turned into a plain Response that the server renders like any other.
"""

from __future__ import annotations

import email.utils
import http
import threading
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace

from launchwizard.demo.model import Cors, Flaky, RateLimited, Response, Webhook

PREFLIGHT_MAX_AGE = "600"


class RateCounters:
    """Requests per (host, path) since the last reset, with their arrival times.

    Shared by every web server of one lab and read from the test thread, hence the lock.
    A window starts with the first request after a reset, so a test that resets first sees
    the same numbers however long the session has run.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrivals: dict[tuple[str, str], list[float]] = defaultdict(list)

    def reset(self) -> None:
        with self._lock:
            self._arrivals.clear()

    def arrive(self, host: str, path: str) -> tuple[int, float]:
        """Record one request; returns its number in the current window and the window's age."""
        now = time.monotonic()
        with self._lock:
            seen = self._arrivals[(host, path)]
            seen.append(now)
            return len(seen), now - seen[0]

    def arrivals(self, host: str, path: str) -> list[float]:
        """Monotonic arrival times of the requests since the last reset."""
        with self._lock:
            return list(self._arrivals.get((host, path), ()))

    def restart_window(self, host: str, path: str) -> None:
        """Begin a new window at the next request (the old one has run out)."""
        with self._lock:
            self._arrivals.pop((host, path), None)


def limited_response(route: RateLimited, counters: RateCounters, host: str, path: str) -> Response:
    """The answer to request number n of the window: the inner route, or the refusal."""
    count, age = counters.arrive(host, path)
    if age >= route.window_s:
        counters.restart_window(host, path)
        count, age = counters.arrive(host, path)
    reset_s = max(1, int(route.window_s - age))
    remaining = max(0, route.quota - count)
    announced = _announcement(route, remaining, reset_s)
    if count <= route.quota:
        return replace(route.inner, headers=(*route.inner.headers, *announced))
    refusal = [*announced, *_retry_after(route.retry_after, reset_s)]
    body = '{"error": "too many requests, slow down"}'
    return Response(route.status, body, "application/json", tuple(refusal))


class Deliveries:
    """Bodies posted to the lab's webhook receivers, by (host, path); read from the test thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bodies: dict[tuple[str, str], list[bytes]] = defaultdict(list)

    def record(self, host: str, path: str, body: bytes) -> None:
        with self._lock:
            self._bodies[(host, path)].append(body)

    def bodies(self, host: str, path: str) -> list[bytes]:
        with self._lock:
            return list(self._bodies.get((host, path), ()))


def webhook_response(
    _route: Webhook, deliveries: Deliveries, method: str, host: str, path: str, body: bytes
) -> Response:
    """Record a POST and answer like Slack: 200 "ok", or 400 for anything but a JSON POST."""
    if method != "POST" or not body.lstrip().startswith(b"{"):
        return Response(400, "invalid_payload", "text/plain")
    deliveries.record(host, path, body)
    return Response(200, "ok", "text/plain")


def flaky_response(route: Flaky, counters: RateCounters, host: str, path: str) -> Response:
    """The inner route, or the route's failure on the requests its pattern makes fail."""
    count, _age = counters.arrive(host, path)
    if route.pattern == "always" or (route.pattern == "odd" and count % 2 == 1):
        headers = (("Retry-After", route.retry_after),) if route.retry_after else ()
        body = f"{http.HTTPStatus(route.status).phrase}: the lab made this request fail\n"
        return Response(route.status, body, "text/plain", headers)
    return route.inner


def _announcement(route: RateLimited, remaining: int, reset_s: int) -> list[tuple[str, str]]:
    """The quota fields the route sends on every answer, in the style it declares."""
    if route.announce == "draft":
        return [
            ("RateLimit-Policy", f'"default";q={route.quota};w={route.window_s}'),
            ("RateLimit", f'"default";r={remaining};t={reset_s}'),
        ]
    if route.announce == "legacy":
        return [
            ("X-RateLimit-Limit", str(route.quota)),
            ("X-RateLimit-Remaining", str(remaining)),
            ("X-RateLimit-Reset", str(reset_s)),
        ]
    return []


def _retry_after(style: str, reset_s: int) -> list[tuple[str, str]]:
    if style == "seconds":
        return [("Retry-After", str(reset_s))]
    if style == "date":
        return [("Retry-After", email.utils.formatdate(time.time() + reset_s, usegmt=True))]
    return []


def cors_response(response: Response, method: str, headers: Mapping[str, str]) -> Response:
    """`response` with the CORS answer its policy gives this request's Origin.

    A preflight (OPTIONS with Access-Control-Request-Method) becomes an empty 204 that
    carries the policy; any other request keeps its response and gains the headers.
    """
    policy = response.cors
    origin = headers.get("origin")
    if policy is None or origin is None:
        return response
    granted = _grant(policy, origin)
    if method == "OPTIONS" and "access-control-request-method" in headers:
        preflight = [
            *granted,
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", headers.get("access-control-request-headers", "content-type")),
            ("Access-Control-Max-Age", PREFLIGHT_MAX_AGE),
        ]
        return Response(204, b"", "text/plain", tuple(preflight if granted else ()))
    return replace(response, headers=(*response.headers, *granted))


def _grant(policy: Cors, origin: str) -> list[tuple[str, str]]:
    allowed = policy.allowed(origin)
    if allowed is None:
        return []
    granted = [("Access-Control-Allow-Origin", allowed)]
    if allowed != "*":
        granted.append(("Vary", "Origin"))
    if policy.credentials:
        granted.append(("Access-Control-Allow-Credentials", "true"))
    return granted
