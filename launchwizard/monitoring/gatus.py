"""Gatus `config.yaml` from the monitor plan (keys as the Gatus README documents them).

No sprint value can change the document's structure. Every scalar is a YAML double-quoted
string in which everything but printable ASCII is an escape sequence, so a line break, a
`#`, `&anchor`, `*alias`, `!!tag`, `{` or a byte YAML forbids stays text; comments are one
line each. Gatus substitutes `$VAR` and `${VAR}` from its environment in the whole file
before it parses it and reads `$$` as a literal `$`, so every `$` of a sprint value is
doubled. Only launchwizard's own references stay single: the Slack-compatible webhook
`${ALERT_WEBHOOK_URL}` and one `${LW_...}` per request header that may carry a credential
(see monitoring/headers.py), so neither the webhook nor a token is ever in this file.
"""

from __future__ import annotations

from launchwizard.monitoring.headers import ExportedHeader, exported_headers
from launchwizard.monitoring.plan import (
    ACCEPTED_STATUS,
    ALERT_ENV,
    CERT_MIN_HOURS,
    Monitor,
    detection_lines,
    duration,
)
from launchwizard.safe.terminal import safe_text

_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}
ALERT_COMMAND = "launchwizard store get monitors.alert_webhook"


def yaml_string(text: str) -> str:
    """`text` as a YAML double-quoted scalar made of printable ASCII only, `$` doubled.

    Escapes (`\\xXX`, `\\uXXXX`, `\\UXXXXXXXX`) are read the same by YAML 1.1 and 1.2
    parsers; a lone surrogate, which no YAML stream may hold, becomes U+FFFD.
    """
    out = []
    for char in text:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif 0x20 <= code < 0x7F:
            out.append("$$" if char == "$" else char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def yaml_comment(text: str) -> str:
    """One comment line: no line break of any kind (YAML 1.1 also breaks at U+0085,
    U+2028 and U+2029), no control character, `$` doubled like everywhere else."""
    return "# " + " ".join(safe_text(text).split()).replace("$", "$$")


def _env_ref(name: str) -> str:
    return '"${' + name + '}"'


def body_query(monitor: Monitor) -> str | None:
    """The reply path in Gatus's JSON path syntax: `[BODY].choices[0].text`."""
    segments = monitor.reply_segments
    if segments is None:
        return None
    path = "[BODY]"
    for segment in segments:
        path += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
    return path


def _conditions(monitor: Monitor) -> list[str]:
    low, high = ACCEPTED_STATUS
    conditions = [
        f"[STATUS] >= {low}",
        f"[STATUS] <= {high}",
        f"[RESPONSE_TIME] < {monitor.max_response_ms}",
    ]
    query = body_query(monitor)
    if query is not None:
        conditions.append(f"len({query}) > 0")
    if monitor.https:
        conditions.append(f"[CERTIFICATE_EXPIRATION] > {CERT_MIN_HOURS}h")
    return conditions


def _header_line(header: ExportedHeader) -> str:
    value = _env_ref(header.env) if header.env else yaml_string(header.value or "")
    return f"      {yaml_string(header.name)}: {value}"


def _endpoint(monitor: Monitor) -> list[str]:
    lines = [
        f"  - name: {yaml_string(monitor.name)}",
        f"    group: {yaml_string(monitor.group)}",
        f"    url: {yaml_string(monitor.url)}",
        f"    method: {yaml_string(monitor.method)}",
        f"    interval: {yaml_string(duration(monitor.interval_s))}",
    ]
    if monitor.body is not None:
        lines.append(f"    body: {yaml_string(monitor.body)}")
    if monitor.headers:
        lines.append("    headers:")
        lines += [_header_line(header) for header in exported_headers(monitor.name, monitor.headers)]
    description = f"{monitor.name} failed {monitor.failure_threshold} checks in a row"
    lines += [
        "    client:",
        f"      timeout: {yaml_string(duration(monitor.timeout_s))}",
        "    conditions:",
        *(f"      - {yaml_string(condition)}" for condition in _conditions(monitor)),
        "    alerts:",
        '      - type: "slack"',
        f"        failure-threshold: {monitor.failure_threshold}",
        f"        success-threshold: {monitor.success_threshold}",
        "        send-on-resolved: true",
        f"        description: {yaml_string(description)}",
    ]
    return lines


def environment(plan: list[Monitor]) -> list[tuple[str, str]]:
    """(variable, where its value comes from) for every variable the file references."""
    variables = [(ALERT_ENV, f"the Slack-compatible webhook URL ({ALERT_COMMAND})")]
    for monitor in plan:
        variables += [
            (header.env, f"the value of {header.source} in sprint.toml")
            for header in exported_headers(monitor.name, monitor.headers)
            if header.env
        ]
    return variables


def _notes(plan: list[Monitor]) -> list[str]:
    notes = []
    for monitor in plan:
        if monitor.reply_path and monitor.reply_segments is None:
            notes.append(
                f"{monitor.name}: response_path {monitor.reply_path!r} has characters a Gatus JSON path "
                "cannot hold, so only the status, the response time and the certificate are checked"
            )
    return notes


def render_gatus(client: str, plan: list[Monitor]) -> str:
    """The whole config.yaml, with the threshold mapping, detection times and the
    environment it needs as comments."""
    comments = [
        f"Gatus configuration for {client}, written by launchwizard monitors export.",
        '"Alert after 2 failed checks in 5 minutes" has no sliding-window form in Gatus: it counts',
        "consecutive failures. Each endpoint alerts after failure-threshold failures in a row:",
        *(f"  {line}" for line in detection_lines(plan)),
        "A check fails on a status outside 200-299, no answer within the timeout, a certificate",
        "expiring within 10 days or, for the chat, an empty reply.",
        "Set these in Gatus's environment (they are not written here):",
        *(f"  {name}: {source}" for name, source in environment(plan)),
        "p95 latency and error rate are not per-check metrics: use the k6 export for them.",
        "Two regions: Gatus checks from where it runs, so run this same file on two Gatus instances",
        "in different regions (a small VM or container in each, both with the variables set).",
        "An outage alerts from both; a network fault near one instance alerts from that one only.",
        "`launchwizard monitors export --format checkly` runs every check from [monitors] regions.",
        *_notes(plan),
    ]
    header = [
        *(yaml_comment(line) for line in comments),
        "",
        "alerting:",
        "  slack:",
        f"    webhook-url: {_env_ref(ALERT_ENV)}",
        "",
        "endpoints:",
    ]
    body = [line for monitor in plan for line in _endpoint(monitor)]
    return "\n".join(header + body) + "\n"
