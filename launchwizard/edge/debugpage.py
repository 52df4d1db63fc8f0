"""Does a response body show a stack trace or a framework's debug page?

A production error page must say what went wrong in words, never how the code is laid out:
a trace names files, versions, queries and sometimes settings. The markers are the
distinctive lines each runtime or framework prints (Python, Node, Java, .NET, PHP, Ruby,
Go; the Django, Werkzeug, Laravel, Rails, Next.js and ASP.NET debug pages).
"""

from __future__ import annotations

import re

SCAN_BYTES = 256 * 1024

_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.M))
    for name, pattern in (
        ("Python traceback", r"Traceback \(most recent call last\)"),
        ("Werkzeug debugger", r"Werkzeug Debugger|werkzeug\.debug"),
        ("Django debug page", r"You're seeing this error because you have\s*(<code>)?DEBUG = True"),
        ("Node.js stack trace", r"^\s+at \S.*\((?:/|[A-Za-z]:\\|node:)[^)]*:\d+:\d+\)"),
        ("Java stack trace", r"^\s+at [\w$.]+\([\w$]+\.java:\d+\)|Exception in thread \""),
        ("ASP.NET error page", r"Server Error in '/[^']*' Application|YSOD"),
        ("PHP error", r"(Fatal error|Parse error|Warning)</b>: .{0,300} on line <b>\d+|Stack trace:\n#0 "),
        ("Laravel error page", r"Illuminate\\\\|Whoops, looks like something went wrong|ignition-"),
        ("Rails error page", r"Action Controller: Exception caught|actionpack-\d"),
        ("Go panic", r"goroutine \d+ \[running\]|panic: runtime error"),
        ("Next.js error overlay", r"Unhandled Runtime Error|__nextjs_original-stack-frame"),
    )
)


def debug_markers(body: bytes) -> list[str]:
    """Names of the stack-trace or debug-page markers found in the start of a body."""
    text = body[:SCAN_BYTES].decode("utf-8", errors="replace")
    return [name for name, pattern in _MARKERS if pattern.search(text)]
