"""Benchmark: what reading an error body for debug output costs, and that it stays bounded.

core.errors reads at most SCAN_BYTES of each error answer and looks for every framework's
markers in four views of it (as sent, JSON escapes undone, rendered as text, both) plus a
JSON body's strings. This prints, for a real debug page, a clean page of the same size and
hostile bodies, the time per body as a ratio to one plain `re.search` over the same text,
and the absolute time (only as information: tests never assert it).

Run: .venv/bin/python bench/debug_markers.py
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from launchwizard.edge.debugpage import SCAN_BYTES, debug_markers

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "debugpages"
ROUNDS = 20


def per_call(function, body: bytes) -> float:
    started = time.perf_counter()
    for _ in range(ROUNDS):
        function(body)
    return (time.perf_counter() - started) / ROUNDS


def baseline(body: bytes) -> object:
    return re.search("Traceback", body[:SCAN_BYTES].decode("utf-8", "replace"))


def bodies() -> dict[str, bytes]:
    debug = (DATA / "django-500.html").read_bytes()
    filler = b"<p>" + b"Plain words in a paragraph of a help page. " * 40 + b"</p>\n"
    clean = b"<!doctype html><title>Help</title>" + filler * (SCAN_BYTES // len(filler))
    return {
        "Django debug page (3 KB)": debug,
        "Express page, 200 frames": (DATA / "express-finalhandler.html").read_bytes() * 50,
        "clean HTML page (256 KB)": clean,
        "JSON with 20,000 frames": b'{"trace":[' + b'{"file":"/a.php","line":1},' * 20_000 + b"{}]}",
        "near-frames, one long line": b"    at " + b"a:1:" * 200_000,
        "tag soup": b"<" * 300_000,
        "nested JSON arrays": b"[" * 100_000 + b"]" * 100_000,
    }


def main() -> None:
    print(f"{'body':34} {'ms per body':>12} {'x one re.search':>16}")
    for name, body in bodies().items():
        ours, plain = per_call(debug_markers, body), per_call(baseline, body)
        print(f"{name:34} {ours * 1000:12.1f} {ours / max(plain, 1e-9):16.0f}")


if __name__ == "__main__":
    main()
