"""A k6 script that gates CI on the perf targets: p95 < [perf] p95_ms and errors < error_rate_pct
over `samples` requests per core route at `concurrency` virtual users.

k6 exits 99 when a threshold fails, so `k6 run launchwizard-k6.js` in a pipeline fails the
build exactly when perf.latency would. Route names and URLs are JSON-encoded into the script.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from launchwizard.config.derived import core_routes

if TYPE_CHECKING:
    from launchwizard.config import Sprint

TEMPLATE = """// k6 load gate for {client}, written by launchwizard monitors export --format k6.
// Run: k6 run {script}   (exit code 99 when a threshold fails)
import http from "k6/http";
import {{ check }} from "k6";

const routes = {routes};

export const options = {{
  scenarios: {{
    core: {{ executor: "shared-iterations", vus: {vus}, iterations: {iterations}, maxDuration: "10m" }},
  }},
  thresholds: {{
    http_req_duration: ["p(95)<{p95:g}"],
    http_req_failed: ["rate<{rate:g}"],
  }},
}};

export default function () {{
  const route = routes[__ITER % routes.length];
  const res = http.get(route.url, {{ tags: {{ route: route.name }}, timeout: "{timeout}s" }});
  check(res, {{ "status below 400": (r) => r.status > 0 && r.status < 400 }});
}}
"""


def render_k6(sprint: Sprint, script: str = "launchwizard-k6.js") -> str:
    routes = [{"name": name, "url": url} for name, url in core_routes(sprint)]
    return TEMPLATE.format(
        client=" ".join(sprint.client.split()),
        script=script,
        routes=json.dumps(routes, indent=2),
        vus=sprint.perf.concurrency,
        iterations=sprint.perf.samples * len(routes),
        p95=sprint.perf.p95_ms,
        rate=sprint.perf.error_rate_pct / 100,
        timeout=sprint.monitors.timeout_s,
    )
