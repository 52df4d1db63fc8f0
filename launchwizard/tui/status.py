"""Status in words and symbols, with colour only as a third cue.

Every status the wizard shows goes through here, so a monochrome terminal, NO_COLOR and
a screen reader all get the same meaning: the symbol and the word carry it, the colour
only helps the eye.
"""

from __future__ import annotations

from rich.text import Text

from launchwizard.results import Status

NOT_RUN = "not-run"
RUNNING = "running"

RESULT_LOOK: dict[str, tuple[str, str, str]] = {
    Status.PASS: ("✓", "PASS", "green"),
    Status.WARN: ("!", "WARN", "yellow"),
    Status.FAIL: ("✗", "FAIL", "bold red"),
    Status.ERROR: ("?", "ERROR", "bold magenta"),
    Status.SKIPPED: ("-", "SKIPPED", "dim"),
    NOT_RUN: ("○", "not run", "dim"),
    RUNNING: ("…", "running", "italic"),
}
"""symbol, word, rich style of every check status (and the two a row has before a result);
`○` means not run, here and on every screen, and nothing else."""

ITEM_LOOK: dict[str, tuple[str, str, str]] = {
    "todo": ("☐", "TODO", "yellow"),
    "done": ("✓", "DONE", "green"),
    "na": ("–", "N/A", "dim"),
    "waived": ("~", "WAIVED", "yellow"),
    "expired": ("!", "WAIVER EXPIRED", "bold red"),
}
"""symbol, word, rich style of a manual item's status."""

VERDICT_WORDS = {"ship-now": "SHIP NOW", "fix-first": "FIX FIRST", "delay-24h": "DELAY 24 HOURS"}


def result_label(status: str) -> Text:
    """`✗ FAIL` as a Text cell: never parsed as markup."""
    symbol, word, style = RESULT_LOOK.get(status, ("?", str(status).upper(), ""))
    return Text(f"{symbol} {word}", style=style)


def item_label(status: str, expired: bool = False) -> Text:
    symbol, word, style = ITEM_LOOK["expired" if expired else status]
    return Text(f"{symbol} {word}", style=style)


def verdict_label(verdict: str) -> Text:
    symbol = {"ship-now": "✓", "fix-first": "!", "delay-24h": "✗"}.get(verdict, "?")
    style = {"ship-now": "bold green", "fix-first": "bold yellow", "delay-24h": "bold red"}.get(verdict, "")
    return Text(f"{symbol} {VERDICT_WORDS.get(verdict, verdict.upper())}", style=style)
