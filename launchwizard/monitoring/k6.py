"""A k6 script that gates CI on what `perf.latency` measures, with the same pass rule.

perf.latency times the whole request of each answered sample (DNS lookup, connect, TLS,
sending, waiting and receiving) and judges each core route on its own: its nearest-rank
p95 must not exceed `[perf] p95_ms` and its error rate (no answer, a timeout, a status
>= 400) must not exceed `error_rate_pct`. k6's `http_req_duration` leaves out the lookup,
connect and TLS time (they are in `http_req_blocked`, which spans getting a connection),
so a slow handshake passes k6 while it fails perf.latency. The script therefore records
its own Trend, `launchwizard_request_duration` = blocked + duration, for the answered
requests only, and puts the thresholds per route on it and on `http_req_failed`. Like
perf.latency it follows no redirect, uses `[network] timeout_s` per request and, when
`[network.pins]` names a host, connects to the pinned address (k6's `hosts` option).

k6 exits 99 when a threshold fails, so `k6 run launchwizard-k6.js` in a pipeline fails the
build when perf.latency would. Every value from sprint.toml is JSON-encoded into the
script; request headers that may carry a credential are read from the environment
(`k6 run -e LW_...=...`), never written into it (see monitoring/headers.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from launchwizard.config.derived import core_routes
from launchwizard.monitoring.headers import exported_headers
from launchwizard.safe.terminal import safe_text

if TYPE_CHECKING:
    from launchwizard.config import Sprint

TREND = "launchwizard_request_duration"

TEMPLATE = """// k6 load gate for {client}, written by launchwizard monitors export --format k6.
// Per core route it gates what perf.latency measures: the p95 of the whole request time
// (DNS, connect and TLS included) of the answered requests, and the share of failed ones.
// Run: k6 run {script}   (exit code 99 when a threshold fails){env_help}
import http from "k6/http";
import exec from "k6/execution";
import {{ Trend }} from "k6/metrics";

const routes = {routes};

const requestDuration = new Trend("{trend}", true);

function headerValue(header) {{
  if (header.env === undefined) return header.value;
  const value = __ENV[header.env];
  if (value === undefined) {{
    throw new Error(`set ${{header.env}} (k6 run -e ${{header.env}}=...): ${{header.source}}`);
  }}
  return value;
}}

const requests = routes.map((route) => ({{
  route,
  headers: Object.fromEntries(route.headers.map((header) => [header.name, headerValue(header)])),
}}));

export const options = {{
  scenarios: {{
    core: {{
      executor: "shared-iterations",
      vus: {vus},
      iterations: {iterations},
      maxDuration: "{max_duration}",
    }},
  }},
  maxRedirects: 0,
  hosts: {hosts},
  thresholds: {thresholds},
}};

export default function () {{
  const request = requests[exec.scenario.iterationInTest % requests.length];
  const res = http.get(request.route.url, {{
    headers: request.headers,
    tags: {{ route: request.route.name }},
    timeout: "{timeout}s",
    responseType: "none",
  }});
  if (res.status >= 100 && res.status < 400) {{
    requestDuration.add(res.timings.blocked + res.timings.duration, {{ route: request.route.name }});
  }}
}}
"""


def effective_url(url: str, sprint: Sprint) -> str:
    """The URL with `[network.ports]` applied where it names no port, as the checks connect."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = {"http": sprint.network.ports.http, "https": sprint.network.ports.https}.get(parts.scheme)
    if parts.port is not None or port is None or port == default or parts.hostname is None:
        return url
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return urlunsplit(parts._replace(netloc=f"{host}:{port}"))


def _route(name: str, url: str, sprint: Sprint) -> dict[str, Any]:
    endpoint = sprint.endpoints.get(name)
    headers = tuple(endpoint.headers.items()) if endpoint is not None else ()
    exported = [
        {"name": h.name, "value": h.value}
        if h.env is None
        else {"name": h.name, "env": h.env, "source": h.source}
        for h in exported_headers(name, headers)
    ]
    return {"name": name, "url": effective_url(url, sprint), "headers": exported}


def thresholds(sprint: Sprint) -> dict[str, list[str]]:
    """Per route, the p95 and error-rate rule of perf.latency (which passes at equality)."""
    p95 = f"p(95)<={sprint.perf.p95_ms:g}"
    rate = f"rate<={sprint.perf.error_rate_pct / 100:g}"
    table: dict[str, list[str]] = {}
    for name, _ in core_routes(sprint):
        table[f"{TREND}{{route:{name}}}"] = [p95]
        table[f"http_req_failed{{route:{name}}}"] = [rate]
    return table


def _pinned_hosts(sprint: Sprint, routes: list[dict[str, Any]]) -> dict[str, str]:
    hosts = {urlsplit(route["url"]).hostname for route in routes}
    return {
        host: sprint.network.pins[host]
        for host in sorted(h for h in hosts if h)
        if host in sprint.network.pins
    }


def _env_help(routes: list[dict[str, Any]]) -> str:
    names = [header["env"] for route in routes for header in route["headers"] if "env" in header]
    if not names:
        return ""
    flags = " ".join(f"-e {name}=..." for name in names)
    return f"\n// Headers that may hold a credential come from the environment: k6 run {flags} ..."


def _comment(text: str) -> str:
    """Text for a `//` comment: one line (JavaScript also ends lines at U+2028 and U+2029)."""
    return " ".join(safe_text(text).split())


def render_k6(sprint: Sprint, script: str = "launchwizard-k6.js") -> str:
    routes = [_route(name, url, sprint) for name, url in core_routes(sprint)]
    timeout = sprint.network.timeout_s
    rounds = -(-sprint.perf.samples // sprint.perf.concurrency) * len(routes)
    return TEMPLATE.format(
        client=_comment(sprint.client),
        script=_comment(script),
        env_help=_env_help(routes),
        routes=json.dumps(routes, indent=2),
        trend=TREND,
        vus=sprint.perf.concurrency,
        iterations=sprint.perf.samples * len(routes),
        max_duration=f"{int(rounds * timeout + 60)}s",
        hosts=json.dumps(_pinned_hosts(sprint, routes)),
        thresholds=json.dumps(thresholds(sprint), indent=4).replace("\n", "\n  "),
        timeout=f"{timeout:g}",
    )
