"""The one redaction pass over what the product says back, before anything stores or shows it.

Checks capture text from outside: chat replies, error pages, a detector's quote, a webhook's
answer, a redirect's Location. A secret inside one (a key the bot leaked, a token in a stack
trace) must reach neither stdout JSON nor runs/*.json, the pack or the wizard. The runner
sends every result through `Redactor.result` once, before any observer sees it:

- secrets the rules recognise become "sk-p…#1a2b3c4d", as in a repository scan, so the same
  key found in a reply and in git history shows the same hash;
- values this run read from the store (the alert webhook) are replaced wherever they show
  up, with the parts of a URL that carry its secret (path, query) on their own too;
- markers planted in another tenant's data or the system prompt (the injection probe's
  canaries) are shown as a marker and a hash, never quoted whole.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from launchwizard.results import Result
from launchwizard.secrets.model import redact

MIN_KNOWN = 8
"""Shorter store values (or URL parts) would match ordinary words in a reply."""
MIN_SCANNED = 12
"""No rule finds a secret in fewer characters; shorter strings are not scanned."""


def secret_parts(value: str) -> list[str]:
    """The value and, for a URL, the pieces that hold its secret on their own: a webhook's path
    ends up in error messages without the host, percent-decoded or not."""
    value = value.strip()
    parts = [value, unquote(value)]
    try:
        url = urlsplit(value)
    except ValueError:
        return [p for p in parts if len(p) >= MIN_KNOWN]
    if url.scheme and url.netloc:
        parts += [url.path, unquote(url.path), url.query, f"{url.path}?{url.query}"]
        parts += [segment for segment in url.path.split("/") if len(segment) >= MIN_KNOWN * 2]
    return [p for p in dict.fromkeys(parts) if len(p) >= MIN_KNOWN]


class Redactor:
    """Redacts secrets, known store values and planted markers in text and in results."""

    def __init__(self, markers: Iterable[str] = ()) -> None:
        self._markers = tuple(m for m in dict.fromkeys(markers) if len(m) >= MIN_KNOWN // 2)
        self._known: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._scanner: Any = None

    def remember(self, value: str | None) -> None:
        """A secret this run read (from the store): from now on it is replaced wherever it appears."""
        if not value:
            return
        fresh = set(secret_parts(value)) - self._known
        if fresh:
            self._known |= fresh
            self._pattern = None

    def prepare(self) -> None:
        """Compile the rule engine now, before checks are in flight: compiled on the first
        result instead, its cost stalls the event loop while other checks' timers run."""
        self._scanner_for()

    def text(self, text: str) -> str:
        """`text` with every secret, known value and marker replaced by its redacted form."""
        if len(text) < min(MIN_SCANNED, MIN_KNOWN // 2):
            return text
        pattern = self._literal_pattern()
        if pattern is not None:
            text = pattern.sub(lambda m: redact(m.group(0)), text)
        if len(text) < MIN_SCANNED:
            return text
        spans = self._scanner_for().secret_spans(text)
        for start, end, secret in reversed(spans):
            text = text[:start] + redact(secret) + text[end:]
        return text

    def value(self, value: Any) -> Any:
        """A JSON-like value (evidence) with every string in it redacted; keys included."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(k) if isinstance(k, str) else k: self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.value(item) for item in value)
        return value

    def result(self, result: Result) -> Result:
        """A copy of `result` whose every text field and evidence went through the pass."""
        return dataclasses.replace(
            result,
            target=self.text(result.target),
            title=self.text(result.title),
            summary=self.text(result.summary),
            fix=self.text(result.fix),
            evidence=self.value(result.evidence),
            references=[self.text(r) for r in result.references],
        )

    def _literal_pattern(self) -> re.Pattern[str] | None:
        if self._pattern is None and (self._known or self._markers):
            literals = sorted({*self._known, *self._markers}, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(item) for item in literals), re.IGNORECASE)
        return self._pattern

    def _scanner_for(self) -> Any:
        if self._scanner is None:
            from launchwizard.secrets.engine import Scanner

            self._scanner = Scanner()
        return self._scanner
