"""Evidence and findings as plain Text: readable nesting, never markup, never a control code.

Evidence comes from the network (records, headers, certificate names, reply bodies, file
names), so it is built with rich Text pieces and never parsed: `[v=spf1 -all]` shows as
exactly that. Every line goes through `_section`, which passes it through the one sanitiser
(an escape sequence, a bell or a bidi override shows as its code); the builders return lists
of lines, so a newline inside a value is escaped with it instead of forging a line.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from launchwizard.checks.base import CheckSpec
from launchwizard.checks.runner import Unit
from launchwizard.results import Result, Status
from launchwizard.safe.terminal import safe_text
from launchwizard.tui.status import result_label
from launchwizard.tui.widgets.latency import percentile_bars

INDENT = "  "
FINDING_STATUSES = (Status.FAIL, Status.ERROR, Status.WARN)
RECORD_KEYS = ("record", "parsed", "suggested_record", "publish_at")
"""Evidence keys shown in their own sections (email records), not in the Evidence list."""
FINDINGS_KEY = "findings"
"""Evidence key of secret findings (redacted): shown as a table, worst first."""
PROBLEMS_KEY = "problems"
"""Evidence key of a check's list of problems ({level, message}): shown as a list first."""
VARIABLES_KEY = "variables"
"""Evidence key of environment variable rows (config.env): shown as one table."""
SITES_KEY = "sites"
"""Evidence key of code sites (the code.* checks): place and rule, the code line, the fix."""
MAX_FINDING_ROWS = 50
MAX_CELL = 120
"""Cells longer than this are cut with an ellipsis (a received 64 KB CSP stays one line)."""
ROW_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "tests": (
        "Observatory tests (result ids as on the MDN HTTP Observatory)",
        (
            "test",
            "pass",
            "score_modifier",
            "result",
            "received",
        ),
    ),
    "probes": ("CORS probes", ("url", "probe", "preflight", "request", "origin")),
    "names": ("Names and their CNAME chains", ("name", "verdict", "service", "reason")),
    "exposed": ("Served publicly", ("severity", "path", "status", "what", "sample")),
    "signals": ("Edge signals", ("edge", "source", "strength", "evidence")),
    "visits": ("Visits", ("status", "hops", "ms", "final_url", "problem")),
    "page_scripts": ("Scripts on the page", ("loads", "src")),
    "error_probes": ("Deliberately wrong requests", ("probe", "status", "verdict", "body")),
    "replies": (
        "Chat replies",
        ("status", "format", "first_byte_ms", "total_ms", "cut_at_timeout", "problem"),
    ),
    "assets": ("Static files", ("caching", "hits", "sampled", "url", "why")),
    "scripts": ("Scripts and their weight", ("transferred_kb", "decoded_kb", "encoding", "url", "problem")),
    "prompts": (
        "Prompt-injection run, prompt by prompt",
        ("verdict", "owasp", "prompt", "detectors", "reply"),
    ),
    "routes": ("Smoke-test routes", ("verdict", "route", "status", "ms", "url", "problem")),
    "cases": (
        "Customers' evaluation set, prompt by prompt (regressions first)",
        ("verdict", "was", "prompt", "ms", "failed", "reply"),
    ),
    "zone_settings": ("Zone settings (Cloudflare API)", ("verdict", "setting", "expected", "value")),
    "zone_records": ("Zone records of the audited hosts", ("verdict", "name", "expected", "value")),
    "zone_endpoints": ("Endpoints and their rate limits", ("verdict", "endpoint", "expected", "value")),
    "zone_rules": ("Entry point rules", ("enabled", "action", "runs", "description", "expression")),
}
"""Evidence keys that hold lists of flat rows (the edge checks): heading and columns, the
long column last so it can run over instead of widening every row."""
MAX_COLUMN = 28
"""Table columns wider than this let their long cells run over instead of padding every row."""


def evidence_lines(value: Any, depth: int = 0) -> list[str]:
    """`key: value` lines for dicts, `- item` for lists, nested by indentation."""
    pad = INDENT * depth
    if isinstance(value, dict):
        if not value:
            return [f"{pad}(none)"]
        lines: list[str] = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(evidence_lines(item, depth + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return lines
    if isinstance(value, list):
        if not value:
            return [f"{pad}(none)"]
        lines = []
        for item in value:
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}-")
                lines.extend(evidence_lines(item, depth + 1))
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return lines
    return [f"{pad}{_scalar(value)}"]


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return "(none)"
    return str(value)


def record_lines(record: Any) -> list[str]:
    """Raw record text exactly as published: one record per line, names above per-name ones."""
    if isinstance(record, str):
        return [record]
    if isinstance(record, list):
        return [str(item) for item in record]
    if isinstance(record, dict):
        lines: list[str] = []
        for name, value in record.items():
            lines.append(f"{name}:")
            lines.extend(INDENT + line for line in record_lines(value))
        return lines
    return [_scalar(record)]


def table_lines(rows: Any, depth: int = 0) -> list[str]:
    """`parsed` rows as an aligned table (columns padded to the widest cell, up to a limit);
    a dict of name -> rows gives one table per name."""
    pad = INDENT * depth
    if isinstance(rows, dict):
        lines: list[str] = []
        for name, value in rows.items():
            lines.append(f"{pad}{name}:")
            lines.extend(table_lines(value, depth + 1))
        return lines
    if not isinstance(rows, list) or not all(isinstance(row, list | tuple) for row in rows):
        return evidence_lines(rows, depth)
    cells = [[_scalar(cell) for cell in row] for row in rows]
    columns = max((len(row) for row in cells), default=0)
    widths = [
        min(MAX_COLUMN, max((len(row[i]) for row in cells if i < len(row)), default=0))
        for i in range(columns)
    ]
    lines = []
    for row in cells:
        padded = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append((pad + "  ".join(padded)).rstrip())
    return lines or [f"{pad}(none)"]


def copyable_record(evidence: dict[str, Any]) -> str | None:
    """What the copy key puts on the clipboard: the suggested record, else the raw one."""
    for key in ("suggested_record", "record"):
        value = evidence.get(key)
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            value = "\n".join(str(item) for item in value)
        if isinstance(value, str) and value:
            return value
    return None


def finding_rows(findings: Any) -> list[str] | None:
    """Secret findings as one line each: severity, rule, place (commit), redacted value, advice.

    None when the evidence is not a list of findings, so other checks keep the plain list.
    """
    if (
        not findings
        or not isinstance(findings, list)
        or not all(isinstance(item, dict) and "rule" in item and "redacted" in item for item in findings)
    ):
        return None
    rows = []
    for item in findings[:MAX_FINDING_ROWS]:
        place = f"{item.get('path', '')}:{item.get('line', '')}"
        if item.get("commit"):
            place += f" @{str(item['commit'])[:8]}"
        note = item.get("advice") or item.get("note") or ""
        rows.append([str(item.get("severity", "")).upper(), item["rule"], place, item["redacted"], note])
    lines = table_lines(rows)
    if len(findings) > MAX_FINDING_ROWS:
        lines.append(f"… and {len(findings) - MAX_FINDING_ROWS} more (`launchwizard secrets` lists them all)")
    return lines


def site_lines(sites: Any) -> list[str] | None:
    """Code sites, three lines each: severity, place and rule; the code line (already
    sanitised and redacted by the scan); the fix. None when the evidence is not that shape."""
    if not sites or not isinstance(sites, list):
        return None
    if not all(isinstance(item, dict) and "rule" in item and "code" in item for item in sites):
        return None
    lines = []
    for item in sites[:MAX_FINDING_ROWS]:
        place = f"{item.get('path', '')}:{item.get('line', '')}"
        path_note = {True: "  (request path)", False: "  (not on a request path)"}
        where = path_note.get(item.get("request_path"), "")
        lines.append(f"{str(item.get('severity', '')).upper():<7} {place}  {item['rule']}{where}")
        lines.append(f"        {_cell(item['code'])}")
        lines.append(f"        fix: {item.get('fix', '')}")
    if len(sites) > MAX_FINDING_ROWS:
        lines.append(f"… and {len(sites) - MAX_FINDING_ROWS} more (`launchwizard code` lists them all)")
    return lines


def problem_lines(problems: Any) -> list[str] | None:
    """A check's problems, one line each with its level, or None when not that shape."""
    if not problems or not isinstance(problems, list):
        return None
    if not all(isinstance(item, dict) and "message" in item for item in problems):
        return None
    return [f"{str(item.get('level', '')).upper():<5} {item['message']}" for item in problems]


def variable_rows(variables: Any) -> list[str] | None:
    """Environment variables as a table: where the code reads each, whether it is documented,
    and its state in each environment; None when the evidence is not that shape."""
    if not variables or not isinstance(variables, list):
        return None
    if not all(isinstance(item, dict) and "name" in item for item in variables):
        return None
    environments = list(dict.fromkeys(env for item in variables for env in item.get("environments") or {}))
    header = ["variable", "read at", "documented", *environments, "notes"]
    rows = [header]
    for item in variables:
        states = item.get("environments") or {}
        notes = [str(item["public_prefix"]) + " (browser)" if item.get("public_prefix") else ""]
        notes.append("has a default" if item.get("default") else "")
        rows.append(
            [
                item["name"],
                item.get("read_at") or "—",
                "yes" if item.get("documented") else "no",
                *(str(states.get(env, "—")) for env in environments),
                ", ".join(note for note in notes if note),
            ]
        )
    return table_lines(rows)


def row_table(rows: Any, columns: tuple[str, ...]) -> list[str] | None:
    """Rows of flat dicts as an aligned table with a header line; None when not that shape."""
    if not rows or not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        return None
    body = [[_cell(row.get(column)) for column in columns] for row in rows[:MAX_FINDING_ROWS]]
    lines = table_lines([list(columns), *body])
    if len(rows) > MAX_FINDING_ROWS:
        lines.append(f"… and {len(rows) - MAX_FINDING_ROWS} more")
    return lines


def _cell(value: Any) -> str:
    if isinstance(value, list):
        value = " → ".join(str(item) for item in value) or "—"
    if isinstance(value, bool):
        return "pass" if value else "FAIL"
    text = " ".join(_scalar(value).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def paste_lines(tests: Any) -> list[str] | None:
    """The header lines to paste, from the Observatory tests that missed their best result."""
    if not isinstance(tests, list):
        return None
    lines = [str(test["recommended"]) for test in tests if isinstance(test, dict) and test.get("recommended")]
    return lines or None


def _section(text: Text, heading: str, lines: list[str]) -> None:
    """A heading and its lines, each line through the sanitiser: the only way evidence and
    result text reach the finding pane."""
    text.append(f"\n{heading}\n", style="bold")
    text.append("".join(safe_text(line) + "\n" for line in lines))


def _own_lines(text: str) -> list[str]:
    """A summary or fix as the lines its check wrote (a fix may hold a record to paste)."""
    return text.split("\n")


def finding_text(spec: CheckSpec, unit_target: str, result: Result | None) -> Text:
    """Everything needed to act on one row: what was seen, why it matters, the fix, references."""
    text = Text()
    text.append_text(result_label(result.status if result else "not-run"))
    text.append(f"  {spec.id} on {safe_text(unit_target)}", style="bold")
    text.append(f"  ({spec.severity} severity{_finding_severity(spec, result)})\n")
    text.append(spec.title + "\n", style="italic")
    if result is None:
        text.append("\nNot run yet: run the stage, or re-run just this check (keys in the footer).\n")
    else:
        _section(text, "What was seen", _own_lines(result.summary or "(no summary)"))
        evidence = result.evidence
        if "record" in evidence:
            raw = evidence["record"]
            _section(text, "Record (as published)", record_lines(raw) if raw else ["(none found)"])
        if evidence.get("parsed"):
            _section(text, "Parsed", table_lines(evidence["parsed"]))
        shown = _tables(text, evidence)
        rest = {k: v for k, v in evidence.items() if k not in shown}
        if rest or not any(k in evidence for k in shown):
            _section(text, "Evidence", evidence_lines(rest))
    if spec.why:
        _section(text, "Why it matters", [spec.why])
    if result is not None and result.fix:
        _section(text, "How to fix it", _own_lines(result.fix))
    if result is not None and result.evidence.get("suggested_record"):
        where = result.evidence.get("publish_at")
        heading = f"Paste this record (TXT at {where})" if where else "Paste this record"
        body = record_lines(result.evidence["suggested_record"])
        _section(text, heading, [*body, "(y: copy to the clipboard)"])
    references = result.references if result and result.references else list(spec.references)
    if references:
        _section(text, "References", [f"• {ref}" for ref in references])
    if result is not None and result.duration_ms:
        text.append(f"\nchecked in {result.duration_ms} ms\n", style="dim")
    return text


def _tables(text: Text, evidence: dict[str, Any]) -> tuple[str, ...]:
    """Sections for the evidence keys that read best as lists and tables (problems, secret
    findings, environment variables); the keys shown this way, beside the email records.
    An empty list of findings or problems is left out: the summary already says "none"."""
    shown = list(RECORD_KEYS)
    sections = (
        (PROBLEMS_KEY, "Problems", problem_lines),
        (FINDINGS_KEY, "Findings (values redacted)", finding_rows),
        (VARIABLES_KEY, "Variables", variable_rows),
        (SITES_KEY, "Code sites (file:line, the code, the fix)", site_lines),
    )
    for key, heading, render in sections:
        value = evidence.get(key)
        lines = render(value)
        if lines:
            _section(text, heading, lines)
        if lines or (key != VARIABLES_KEY and value == []):
            shown.append(key)
    for key, (heading, columns) in ROW_TABLES.items():
        lines = row_table(evidence.get(key), columns)
        if lines:
            _section(text, heading, lines)
            shown.append(key)
    targets = evidence.get("targets")
    bars = percentile_bars(
        evidence.get("latency"), targets.get("p95_ms", 0) if isinstance(targets, dict) else 0
    )
    if bars:
        _section(text, "Latency percentiles (nearest rank)", bars)
        shown.append("latency")
    paste = paste_lines(evidence.get("tests"))
    if paste:
        _section(text, "Headers to paste", paste)
    return tuple(shown)


def _finding_severity(spec: CheckSpec, result: Result | None) -> str:
    """A finding rated apart from its check (an expired certificate is critical where the
    check is high) says so beside the check's severity, which never changes with a result."""
    if result is None or result.status not in FINDING_STATUSES or result.severity == spec.severity:
        return ""
    return f"; this finding: {result.severity}"


def unit_finding(unit: Unit, result: Result | None) -> Text:
    return finding_text(unit.spec, unit.target, result)
