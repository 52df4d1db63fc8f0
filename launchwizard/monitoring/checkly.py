"""A Checkly CLI project from the monitor plan: every monitor runs from at least two regions.

Gatus and Uptime Kuma check from wherever they are installed; Checkly runs each check from
the locations it is given. The project is what `npx checkly deploy` reads: `checkly.config.ts`
(project defaults), `__checks__/alerts.ts` (the alert channel) and one
`__checks__/NAME.check.ts` per monitor, each an `ApiCheck` construct, plus `package.json`,
`tsconfig.json` and a README.

How "alert after 2 failed checks in 5 minutes" is kept: every check runs in parallel from
every region each period (`runParallel`), a run counts as failed when one region fails
(`parallelRunFailureThreshold` 50 % with two regions), and the alert goes out after
`failure_threshold` failed runs in a row (`runBasedEscalation`), with no retries in between,
so the worst case is the same as Gatus's: failure_threshold x the period + the timeout.
Checkly runs checks at fixed periods (10 s ... 24 h), so an interval between two of them
uses the shorter one, and caps a response time at 30 s.

Nothing secret is written: the alert webhook is the Checkly environment variable
`ALERT_WEBHOOK_URL`, and request headers or query parameters that carry credentials become
`{{NAME}}` references to Checkly environment variables the README lists. Every string is a
JSON string literal (which TypeScript reads verbatim), so a URL, header or body cannot
change the code around it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from launchwizard.errors import UserError
from launchwizard.monitoring.plan import (
    ACCEPTED_STATUS,
    ALERT_ENV,
    CERT_MIN_HOURS,
    Monitor,
    duration,
    monitor_plan,
)
from launchwizard.safe.markdown import md

if TYPE_CHECKING:
    from launchwizard.config import Sprint

FREQUENCIES = (
    (10, "EVERY_10S"),
    (20, "EVERY_20S"),
    (30, "EVERY_30S"),
    (60, "EVERY_1M"),
    (120, "EVERY_2M"),
    (300, "EVERY_5M"),
    (600, "EVERY_10M"),
    (900, "EVERY_15M"),
    (1800, "EVERY_30M"),
    (3600, "EVERY_1H"),
    (7200, "EVERY_2H"),
    (10800, "EVERY_3H"),
    (21600, "EVERY_6H"),
    (43200, "EVERY_12H"),
    (86400, "EVERY_24H"),
)
"""Checkly's check periods (the `Frequency` constants), in seconds."""
MAX_RESPONSE_MS = 30_000
"""Checkly fails an API check that takes longer than this, whatever it is told."""
MAX_FAILED_RUNS = 5
"""runBasedEscalation accepts 1 to 5 failed runs."""
PARALLEL_FAILURE_PCT = 50
CHECKLY_VERSION = "^9"
TYPESCRIPT_VERSION = "^5"
SECRET_NAME = re.compile(r"auth|token|secret|key|password|passwd|session|cookie|credential|signature", re.I)
_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")


class ChecklyExportError(UserError):
    """The plan cannot be written as a Checkly project as configured; the message says why."""


@dataclass(frozen=True)
class Schedule:
    """A monitor as Checkly runs it: the period it gets and how late an alert can come."""

    frequency: str
    period_s: int
    timeout_s: int
    failure_threshold: int

    @property
    def detection_s(self) -> int:
        return self.failure_threshold * self.period_s + self.timeout_s


def schedule(monitor: Monitor) -> Schedule:
    """The longest Checkly period not longer than the monitor's interval."""
    if monitor.failure_threshold > MAX_FAILED_RUNS:
        raise ChecklyExportError(
            f"[monitors] failure_threshold = {monitor.failure_threshold}: Checkly alerts after at most "
            f"{MAX_FAILED_RUNS} failed runs in a row"
        )
    seconds, name = max((f for f in FREQUENCIES if f[0] <= monitor.interval_s), default=FREQUENCIES[0])
    timeout = min(monitor.timeout_s, MAX_RESPONSE_MS // 1000)
    return Schedule(name, seconds, timeout, monitor.failure_threshold)


def detection_lines(plan: list[Monitor], regions: tuple[str, ...]) -> list[str]:
    """One sentence per monitor: its period, regions, when it alerts and how late that can be."""
    lines = []
    for monitor in plan:
        run = schedule(monitor)
        rounded = (
            f" (interval {duration(monitor.interval_s)} rounded down)"
            if run.period_s != monitor.interval_s
            else ""
        )
        lines.append(
            f"{monitor.name}: every {duration(run.period_s)}{rounded} from {', '.join(regions)} in parallel, "
            f"alert after {run.failure_threshold} failed runs in a row; worst-case detection "
            f"{run.failure_threshold} × {duration(run.period_s)} + {duration(run.timeout_s)} timeout = "
            f"{duration(run.detection_s)}"
        )
    return lines


def _ts(text: str) -> str:
    """A TypeScript string literal: JSON's, escaped to ASCII."""
    return json.dumps(text)


def _comment(text: str) -> str:
    """Text for a `//` comment: one line of printable characters (JavaScript also ends a line
    at U+2028 and U+2029)."""
    return "".join(char if char.isprintable() else " " for char in " ".join(text.split()))


def _env_name(*parts: str) -> str:
    return "_".join(_NOT_NAME.sub("_", part).strip("_").upper() for part in parts if part)


def _no_templates(text: str, what: str) -> str:
    """Checkly reads `{{NAME}}` in a request as a variable: literal braces would change it."""
    if "{{" in text:
        raise ChecklyExportError(
            f"{what} holds '{{{{', which Checkly reads as a variable reference; remove it before exporting"
        )
    return text


class _Secrets:
    """Values that must live in Checkly's environment, named after where they were found."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def reference(self, name: str, where: str) -> str:
        self.names[name] = where
        return f"{{{{{name}}}}}"

    def header(self, monitor: Monitor, name: str, value: str) -> str:
        if SECRET_NAME.search(name):
            return self.reference(_env_name(monitor.name, name), f"the {name} header of {monitor.name}")
        return _no_templates(value, f"the {name} header of {monitor.name}")

    def url(self, monitor: Monitor) -> str:
        parts = urlsplit(_no_templates(monitor.url, f"the URL of {monitor.name}"))
        query = [
            (key, self.reference(_env_name(monitor.name, key), f"the {key} parameter of {monitor.name}"))
            if SECRET_NAME.search(key)
            else (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ]
        if not query:
            return monitor.url
        encoded = urlencode(query, safe="{}")
        return urlunsplit((parts.scheme, parts.netloc, parts.path, encoded, parts.fragment))


def _json_path(path: str) -> str:
    """A dotted response path ("reply.text", "choices.0.message.content") as JSONPath."""
    out = "$"
    for part in path.split("."):
        if part.isdigit():
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


def _check_file(monitor: Monitor, sprint: Sprint, secrets: _Secrets) -> str:
    run = schedule(monitor)
    regions = sprint.monitors.regions
    chat = monitor.reply_path is not None or monitor.group == "ai"
    max_ms = min(monitor.max_response_ms, MAX_RESPONSE_MS)
    degraded = sprint.perf.chat_first_byte_s * 1000 if chat else sprint.perf.p95_ms
    degraded_ms = min(int(degraded), max_ms)
    low, high = ACCEPTED_STATUS
    assertions = [
        f"AssertionBuilder.statusCode().greaterThan({low - 1})",
        f"AssertionBuilder.statusCode().lessThan({high + 1})",
    ]
    if monitor.reply_path:
        assertions.append(f"AssertionBuilder.jsonBody({_ts(_json_path(monitor.reply_path))}).notEmpty()")
    elif chat:
        assertions.append("AssertionBuilder.textBody().notEmpty()")
    request = [
        f"    method: {_ts(monitor.method)},",
        f"    url: {_ts(secrets.url(monitor))},",
        "    followRedirects: true,",
    ]
    if monitor.headers:
        headers = ", ".join(
            f"{{ key: {_ts(name)}, value: {_ts(secrets.header(monitor, name, value))} }}"
            for name, value in monitor.headers
        )
        request.append(f"    headers: [{headers}],")
    if monitor.body is not None:
        body = _no_templates(monitor.body, f"the body of {monitor.name}")
        request += [f"    body: {_ts(body)},", f"    bodyType: {_ts(_body_type(body))},"]
    request.append("    assertions: [")
    request += [f"      {assertion}," for assertion in assertions]
    request.append("    ],")
    lines = [
        f"// {monitor.name}: written by launchwizard monitors export --format checkly.",
        f"// {detection_lines([monitor], regions)[0]}",
        "import {",
        "  AlertEscalationBuilder,",
        "  ApiCheck,",
        "  AssertionBuilder,",
        "  Frequency,",
        "  RetryStrategyBuilder,",
        '} from "checkly/constructs";',
        'import { alerts } from "./alerts";',
        "",
        f"new ApiCheck({_ts(_env_name(monitor.name).lower().replace('_', '-'))}, {{",
        f"  name: {_ts(f'{sprint.client} {monitor.name}')},",
        f"  tags: [{_ts('launchwizard')}, {_ts(monitor.group)}],",
        f"  frequency: Frequency.{run.frequency},",
        f"  locations: [{', '.join(_ts(region) for region in regions)}],",
        "  runParallel: true,",
        "  retryStrategy: RetryStrategyBuilder.noRetries(),",
        "  alertEscalationPolicy: AlertEscalationBuilder.runBasedEscalation(",
        f"    {run.failure_threshold},",
        "    { amount: 0, interval: 5 },",
        f"    {{ enabled: true, percentage: {PARALLEL_FAILURE_PCT} }},",
        "  ),",
        "  alertChannels: [alerts],",
        f"  degradedResponseTime: {degraded_ms},",
        f"  maxResponseTime: {max_ms},",
        "  request: {",
        *request,
        "  },",
        "});",
    ]
    return "\n".join(lines) + "\n"


def _body_type(body: str) -> str:
    try:
        json.loads(body)
    except ValueError:
        return "RAW"
    return "JSON"


def _alerts_file() -> str:
    cert_days = CERT_MIN_HOURS // 24
    return "\n".join(
        [
            "// The alert channel every check uses: a Slack-compatible incoming webhook.",
            f"// Its URL is the Checkly environment variable {ALERT_ENV}, never written here:",
            f'//   npx checkly env add {ALERT_ENV} "<webhook URL>" --secret',
            'import { SlackAlertChannel } from "checkly/constructs";',
            "",
            f"export const alerts = new SlackAlertChannel({_ts('launchwizard-alerts')}, {{",
            f"  url: {_ts('{{' + ALERT_ENV + '}}')},",
            "  sendFailure: true,",
            "  sendRecovery: true,",
            "  sendDegraded: false,",
            "  sslExpiry: true,",
            f"  sslExpiryThreshold: {cert_days},",
            "});",
            "",
        ]
    )


def _config_file(sprint: Sprint, plan: list[Monitor]) -> str:
    regions = sprint.monitors.regions
    slug = _env_name(sprint.client).lower().replace("_", "-") or "product"
    client = _comment(sprint.client)
    lines = [
        f"// Checkly CLI project for {client}, written by launchwizard monitors export.",
        "// Deploy: npm install && npx checkly login && npx checkly deploy (see README.md).",
        *(f"//   {line}" for line in detection_lines(plan, regions)),
        'import { defineConfig } from "checkly";',
        "",
        "export default defineConfig({",
        f"  projectName: {_ts(f'{sprint.client} launch monitors')},",
        f"  logicalId: {_ts(f'{slug}-launchwizard')},",
        "  checks: {",
        "    activated: true,",
        "    muted: false,",
        f"    locations: [{', '.join(_ts(region) for region in regions)}],",
        f"    tags: [{_ts('launchwizard')}],",
        f"    checkMatch: {_ts('**/__checks__/**/*.check.ts')},",
        "  },",
        "  cli: {",
        f"    runLocation: {_ts(regions[0])},",
        "  },",
        "});",
    ]
    return "\n".join(lines) + "\n"


def _package_file(sprint: Sprint) -> str:
    slug = _env_name(sprint.client).lower().replace("_", "-") or "product"
    package = {
        "name": f"{slug}-monitors",
        "private": True,
        "type": "module",
        "scripts": {"test": "checkly test", "deploy": "checkly deploy", "typecheck": "tsc --noEmit"},
        "devDependencies": {"checkly": CHECKLY_VERSION, "typescript": TYPESCRIPT_VERSION},
    }
    return json.dumps(package, indent=2) + "\n"


def _tsconfig_file() -> str:
    options = {
        "target": "ES2022",
        "module": "ESNext",
        "moduleResolution": "bundler",
        "strict": True,
        "noEmit": True,
        "skipLibCheck": True,
        "types": [],
    }
    return (
        json.dumps(
            {"compilerOptions": options, "include": ["checkly.config.ts", "__checks__/**/*.ts"]}, indent=2
        )
        + "\n"
    )


def _readme_file(sprint: Sprint, plan: list[Monitor], secrets: dict[str, str]) -> str:
    regions = ", ".join(sprint.monitors.regions)
    lines = [
        f"# Uptime monitors for {md(sprint.client)} (Checkly)",
        "",
        f"Every check runs from {regions} in parallel; a run fails when one region fails, and",
        "the alert goes out after that many failed runs in a row:",
        "",
        *(f"- {line}" for line in detection_lines(plan, sprint.monitors.regions)),
        "",
        "Set the environment variables (secrets) the checks and the alert channel read, then deploy",
        "(the Checkly CLI needs Node.js 22.13 or newer):",
        "",
        "```",
        "npm install",
        "npx checkly login",
        f'npx checkly env add {ALERT_ENV} "<the Slack-compatible webhook URL>" --secret',
        *(f'npx checkly env add {name} "<{where}>" --secret' for name, where in sorted(secrets.items())),
        "npx checkly test     # runs every check once, from the CLI's run location",
        "npx checkly deploy",
        "```",
        "",
        "The webhook URL is in the sprint's store: `launchwizard store get monitors.alert_webhook`.",
        "",
    ]
    return "\n".join(lines)


def render_checkly(sprint: Sprint) -> dict[str, str]:
    """The project's files, by path relative to the project directory."""
    plan = monitor_plan(sprint)
    secrets = _Secrets()
    files = {
        f"__checks__/{_env_name(m.name).lower().replace('_', '-')}.check.ts": _check_file(m, sprint, secrets)
        for m in plan
    }
    return {
        "checkly.config.ts": _config_file(sprint, plan),
        "__checks__/alerts.ts": _alerts_file(),
        **files,
        "package.json": _package_file(sprint),
        "tsconfig.json": _tsconfig_file(),
        "README.md": _readme_file(sprint, plan, secrets.names),
    }
