"""Evidence and findings as plain Text: readable nesting, and never markup.

Evidence comes from the network (records, headers, certificate names), so it is built
with rich Text pieces and never parsed: `[v=spf1 -all]` shows as exactly that.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from launchwizard.checks.base import CheckSpec
from launchwizard.checks.model import Result
from launchwizard.checks.runner import Unit
from launchwizard.tui.status import result_label

INDENT = "  "


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


def _section(text: Text, heading: str, body: str) -> None:
    text.append(f"\n{heading}\n", style="bold")
    text.append(body + "\n")


def finding_text(spec: CheckSpec, unit_target: str, result: Result | None) -> Text:
    """Everything needed to act on one row: what was seen, why it matters, the fix, references."""
    text = Text()
    text.append_text(result_label(result.status if result else "not-run"))
    text.append(f"  {spec.id} on {unit_target}", style="bold")
    text.append(f"  ({(result.severity if result else spec.severity)} severity)\n")
    text.append(spec.title + "\n", style="italic")
    if result is None:
        text.append("\nNot run yet: run the stage, or re-run just this check (keys in the footer).\n")
    else:
        _section(text, "What was seen", result.summary or "(no summary)")
        _section(text, "Evidence", "\n".join(evidence_lines(result.evidence)))
    if spec.why:
        _section(text, "Why it matters", spec.why)
    if result is not None and result.fix:
        _section(text, "How to fix it", result.fix)
    references = result.references if result and result.references else list(spec.references)
    if references:
        _section(text, "References", "\n".join(f"• {ref}" for ref in references))
    if result is not None and result.duration_ms:
        text.append(f"\nchecked in {result.duration_ms} ms\n", style="dim")
    return text


def unit_finding(unit: Unit, result: Result | None) -> Text:
    return finding_text(unit.spec, unit.target, result)
