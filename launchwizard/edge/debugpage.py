"""Does a response body show a stack trace or a framework's debug page?

A production error page must say what went wrong in words, never how the code is laid out:
a trace names files, versions, queries and sometimes settings. The markers are the lines
and page furniture each runtime and framework really renders: the Django technical 500
and 404 pages, the Werkzeug debugger (Flask), Starlette's debug traceback (FastAPI),
Express's default handler (finalhandler) and Koa's error pages, Next.js and Nuxt dev
errors, Rails (ActionDispatch), Laravel (Ignition, its own renderer, Whoops), Symfony,
Spring Boot's Whitelabel page, ASP.NET's yellow screen and the ASP.NET Core developer
page, Go panics, PHP warnings and fatal errors, and raw Python, Node, Java, .NET, Ruby,
PHP and Go traces.

A trace rarely arrives as plain lines. finalhandler escapes the stack and joins it with
`<br> &nbsp; &nbsp;at ...`, so no frame starts a line; Django writes a typographic
apostrophe; a JSON API puts the trace in a string with `\\n` escapes, or as a list of
{file, line} frames. So every marker is looked for in the body as sent, with JSON string
escapes undone, rendered as text (tags dropped, `<br>` a line break, entities decoded),
and both; a JSON body is also read as its strings, one per line, and walked for lists of
frames.
"""

from __future__ import annotations

import html
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SCAN_BYTES = 256 * 1024
JSON_NODES = 20_000
"""Values looked at in a JSON body: bounded, so a hostile document costs bounded time."""
JSON_FRAMES = 2
JSON_TRACE = "stack frames in a JSON error (file and line of each)"

_SPACE = r"[ \t\u00a0]"


@dataclass(frozen=True)
class Marker:
    """One telltale: `pattern` found `at_least` times in one view of the body, and `also`
    (when set) in the same view. Frame patterns ask for two frames, so one line that
    happens to look like a frame is not a trace."""

    name: str
    pattern: re.Pattern[str]
    at_least: int = 1
    also: re.Pattern[str] | None = None
    hints: tuple[str, ...] = ()
    """Plain text one of which any match contains: a cheap test that spares the regular
    expression on the many pages that hold none of it."""

    def found_in(self, text: str) -> bool:
        if self.hints and not any(hint in text for hint in self.hints):
            return False
        if self.also is not None and not self.also.search(text):
            return False
        matches = self.pattern.finditer(text)
        return all(next(matches, None) is not None for _ in range(self.at_least))


def _re(*parts: str) -> re.Pattern[str]:
    return re.compile("".join(parts), re.M)


_AT = rf"^{_SPACE}*at "
_LINE_END = r"[ \t]*(?=$|[\"'<\\])"
"""A frame ends its line, or the JSON string or HTML element it was written into."""
NODE_FRAME = _re(
    _AT,
    r"(?:async )?(?:new )?(?:[^\s()]+(?: \[as [^\]\n]+\])? \()?",
    r"(?:file:///|/|[A-Za-z]:[\\/]|node:|webpack(?:-internal)?:///?|\.{1,2}/)[^()\n]*:\d+:\d+\)?",
    _LINE_END,
)
JAVA_FRAME = _re(
    _AT,
    r"[\w$.<>/-]+\((?:[\w$.-]+\.(?:java|kt|kts|scala|groovy|clj):\d+|Native Method|Unknown Source)\)",
)
DOTNET_FRAME = _re(
    _AT, r"(?:[^\n()]+\([^\n)]*\) in [^\n]+:line \d+|(?:System|Microsoft)\.[\w.`<>\[\],+|$]+\()"
)
PYTHON_FRAME = _re(rf'^{_SPACE}*File "[^"\n]+", line \d+, in \S')
RUBY_FRAME = _re(rf"^{_SPACE}*(?:from )?[^\s:]+\.rb:\d+:in [`'‘]")
PHP_FRAME = _re(r"^#\d+ (?:\S+\.php\(\d+\)|\[internal function\]): ")
GO_FRAME = _re(r"^\t[^\s\"]+\.go:\d+(?: \+0x[0-9a-f]+)?", _LINE_END)
_APOSTROPHE = r"(?:['’‘]|&#39;|&#x27;|&rsquo;)"
_PHP_LEVEL = (
    r"(?:Fatal error|Parse error|Warning|Notice|Deprecated|Catchable fatal error|Recoverable fatal error)"
)

MARKERS: tuple[Marker, ...] = (
    # Python
    Marker(
        "Django debug page",
        _re(r"You", _APOSTROPHE, r"re seeing this error because you have\s*(?:<code>)?DEBUG = True"),
        hints=("DEBUG = True",),
    ),
    Marker(
        "Django debug 404 page (URL patterns)",
        _re(r"Django tried these URL patterns|Using the URLconf defined in"),
        hints=("Django tried", "URLconf"),
    ),
    Marker(
        "Django debug report",
        _re(r"^\s*Django Version:"),
        also=_re(r"^\s*Exception (?:Type|Value):"),
        hints=("Django Version:",),
    ),
    Marker(
        "Werkzeug debugger (Flask)",
        _re(
            r"// Werkzeug Debugger</title>|__debugger__=yes|",
            r"The debugger caught an exception in your WSGI app",
        ),
        hints=("Werkzeug", "__debugger__", "debugger caught"),
    ),
    Marker(
        "Starlette debug traceback (FastAPI)",
        _re(
            r"<title>Starlette Debugger</title>|class=\"traceback-title\">Traceback<|class=\"frame-filename\""
        ),
        hints=("Starlette", "traceback-title", "frame-filename"),
    ),
    Marker("Python traceback", _re(r"Traceback \(most recent call last\)")),
    Marker("Python stack frames", PYTHON_FRAME, at_least=2, hints=('File "',)),
    # Node
    Marker("Express default error handler (finalhandler)", _re(r"<br> &nbsp; &nbsp;at \S")),
    Marker("Koa error page (koa-onerror)", NODE_FRAME, also=_re(r"<title>Error - \d{3}</title>")),
    Marker(
        "Next.js error data with a stack", _re(r"id=\"__NEXT_DATA__\"[^>]*>[^<]*\"err\":\{[^<]*\"stack\":")
    ),
    Marker(
        "Next.js dev error overlay",
        _re(r"Unhandled Runtime Error|__nextjs_original-stack-frame"),
        hints=("Unhandled Runtime Error", "__nextjs"),
    ),
    Marker("Nuxt error with a stack", _re(r"<span class=\"stack(?: internal)?\">at ")),
    Marker("Youch error page (Nuxt, Nitro, AdonisJS)", _re(r"class=\"stack-frame-(?:filepath|location)\"")),
    Marker("Node.js stack trace", NODE_FRAME, at_least=2),
    # Ruby
    Marker(
        "Rails debug page",
        _re(r"<title>Action Controller: Exception caught</title>|^\s*Rails\.root: |class=\"trace-frames"),
        hints=("Action Controller", "Rails.root", "trace-frames"),
    ),
    Marker("Rails debug JSON (traces)", _re(r"\"(?:Application|Framework|Full) Trace\"\s*:\s*\[")),
    Marker("Ruby backtrace", RUBY_FRAME, at_least=2, hints=(".rb:",)),
    # PHP
    Marker(
        "Laravel Ignition page",
        _re(r"window\.ignite\(|\"report\":\{[^<]{0,400}\"exception_class\""),
        hints=("window.ignite", "exception_class"),
    ),
    Marker("Laravel exception page", _re(r"#frame-\d+ \.hljs-ln-line\[data-line-number=")),
    Marker(
        "Whoops error page", _re(r"<title>Whoops! There was an error\.</title>|class=\"Whoops container\"")
    ),
    Marker(
        "Symfony exception page",
        _re(r"Symfony Exception</h1>|class=\"exception-message-wrapper\"|class=\"trace trace-as-html\""),
    ),
    Marker("Xdebug error table", _re(r"class=['\"]xdebug-error")),
    Marker(
        "PHP error message",
        _re(r"\b", _PHP_LEVEL, r":\s+.{0,500}? in \S+\.php(?::\d+| on line \d+)"),
        hints=(".php",),
    ),
    Marker("PHP stack trace", _re(r"^Stack trace:\s*\n#0 ")),
    Marker("PHP stack frames", PHP_FRAME, at_least=2, hints=(".php(", "[internal function]")),
    # JVM
    Marker("Spring Boot Whitelabel page with a stack trace", _re(r"Whitelabel Error Page"), also=JAVA_FRAME),
    Marker(
        "Java stack trace",
        JAVA_FRAME,
        at_least=2,
        hints=(".java:", ".kt:", ".kts:", ".scala:", ".groovy:", ".clj:", "Native Method", "Unknown Source"),
    ),
    Marker("Java uncaught exception", _re(r"Exception in thread \"[^\"\n]*\" [\w$.]+")),
    # .NET
    Marker("ASP.NET error page (yellow screen)", _re(r"Server Error in '[^'\n]*' Application")),
    Marker(
        "ASP.NET Core developer exception page",
        _re(
            r"class=\"rawExceptionStackTrace\"|An unhandled exception occurred while processing the request\."
        ),
        hints=("rawExceptionStackTrace", "An unhandled exception"),
    ),
    Marker(".NET stack trace", DOTNET_FRAME, at_least=2, hints=(":line ", "at System.", "at Microsoft.")),
    # Go
    Marker("Go panic", _re(r"goroutine \d+ \[[\w ,]+\]:\n")),
    Marker("Go stack frames", GO_FRAME, at_least=2, hints=(".go:",)),
)

_JSON_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[\"\\/bfnrt])")
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "", "t": "\t"}
_BREAK = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"<[^<>]*>")
_TRACE_KEYS = frozenset({"trace", "stack", "stacktrace", "stack_trace", "backtrace", "frames", "traces"})


def debug_markers(body: bytes) -> list[str]:
    """Names of the stack-trace or debug-page markers found in the start of a body."""
    text = body[:SCAN_BYTES].decode("utf-8", errors="replace")
    document = _json_document(text)
    views = _views(text, document)
    found = [marker.name for marker in MARKERS if any(marker.found_in(view) for view in views)]
    if document is not None and any(_is_frame_list(v) for v in _values(document, keys=_TRACE_KEYS)):
        found.append(JSON_TRACE)
    return found


def _views(text: str, document: Any) -> list[str]:
    """The body as sent, with JSON string escapes undone, rendered as text, both, and
    (for a JSON body) its strings one per line."""
    text = _lines(text)
    unquoted = _unquote(text)
    candidates = [text, unquoted, _render(text), _render(unquoted)]
    if document is not None:
        strings = _lines("\n".join(v for v in _values(document) if isinstance(v, str)))
        candidates += [strings, _render(strings)]
    return list(dict.fromkeys(candidates))


def _lines(text: str) -> str:
    """CRLF and CR line ends as LF, so `$` ends every line."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _unquote(text: str) -> str:
    """JSON (and JavaScript) string escapes undone, so an escaped trace has its line breaks."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u"):
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES[code]

    return _JSON_ESCAPE.sub(one, text)


def _render(text: str) -> str:
    """HTML as a reader sees it: a line break for <br>, no tags, entities decoded."""
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))


def _json_document(text: str) -> Any:
    """The parsed body when it is JSON, else None."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


def _values(document: Any, keys: frozenset[str] | None = None) -> Iterator[Any]:
    """Every value of a JSON document breadth first (or only those under `keys`), at most
    JSON_NODES of them, so a hostile document costs bounded time."""
    queue: deque[Any] = deque([document])
    visited = 0
    while queue and visited < JSON_NODES:
        value = queue.popleft()
        visited += 1
        if keys is None:
            yield value
        if isinstance(value, dict):
            for key, item in value.items():
                if keys is not None and isinstance(key, str) and key.lower() in keys:
                    yield item
                queue.append(item)
        elif isinstance(value, list):
            queue.extend(value[:JSON_NODES])


def _is_frame_list(value: Any) -> bool:
    """A list of stack frames: objects with a file (or class) and a line, as Laravel, Symfony
    and many API error handlers serialise an exception."""
    if isinstance(value, dict):
        return any(_is_frame_list(item) for item in list(value.values())[:16])
    if not isinstance(value, list):
        return False
    frames = [
        item
        for item in value[:64]
        if isinstance(item, dict)
        and any(k in item for k in ("file", "fileName", "filename", "class"))
        and any(k in item for k in ("line", "lineNumber", "lineno"))
    ]
    return len(frames) >= JSON_FRAMES
