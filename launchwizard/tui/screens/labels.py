"""Words and symbols for statuses and verdicts, so no screen relies on colour alone.

They are the text report's own (launchwizard.report.text), so the terminal report, the
wizard and a CI log say the same thing the same way.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rich.text import Text

from launchwizard.report.text import SYMBOLS, VERDICTS
from launchwizard.results import Result, Status
from launchwizard.safe.terminal import safe_text

VERDICT_SYMBOLS = {"ship-now": "✓", "fix-first": "!", "delay-24h": "✗"}


def status_words(status: Status) -> str:
    """`✗ FAIL`, `! WARN`...: the symbol and the word."""
    return SYMBOLS[status].strip()


def verdict_words(verdict: str) -> str:
    """`✓ SHIP NOW`, `✗ DELAY 24 HOURS`; an unknown verdict is shown as written."""
    words = VERDICTS.get(verdict, safe_text(verdict))
    symbol = VERDICT_SYMBOLS.get(verdict)
    return f"{symbol} {words}" if symbol else words


def cell(text: str) -> Text:
    """A DataTable cell that is never parsed as markup and cannot carry control characters."""
    return Text(safe_text(text))


def stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "unknown time"


def evidence_lines(evidence: dict[str, Any]) -> list[str]:
    """Evidence as `key: value` lines; nested values as compact JSON, all made safe."""
    lines = []
    for key, value in evidence.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        lines.append(f"  {safe_text(str(key))}: {safe_text(shown)}")
    return lines


def result_detail(result: Result) -> str:
    """What a selected risk row expands to: the finding, its fix, its evidence, references."""
    lines = [
        f"{status_words(result.status)} {result.severity}: {safe_text(result.problem)}",
        f"{safe_text(result.check)} on {safe_text(result.target)}: {safe_text(result.summary)}",
        "",
        "Fix:",
        f"  {safe_text(result.fix)}" if result.fix else "  (no fix recorded)",
        "",
        "Evidence:",
        *(evidence_lines(result.evidence) or ["  (none recorded)"]),
    ]
    if result.references:
        lines += ["", "References:", *(f"  {safe_text(ref)}" for ref in result.references)]
    return "\n".join(lines)
