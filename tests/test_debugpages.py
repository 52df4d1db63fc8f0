"""core.errors' detector of debug pages and stack traces (launchwizard/edge/debugpage.py).

The fixtures in tests/data/debugpages are written to each framework's real shape, read
from its own template or handler (Django's technical_500/404, Werkzeug's tbtools, Starlette's
ServerErrorMiddleware, finalhandler, koa-onerror, Next.js __NEXT_DATA__, Nitro's error
object, Youch, ActionDispatch's rescues and API JSON, Ignition, Laravel's renderer, Whoops,
Symfony's ErrorHandler, PHP's display_errors and Xdebug, Spring Boot's Whitelabel page and
error JSON, ASP.NET's yellow screen and the ASP.NET Core developer page, Go's panic output);
`clean/` holds production error pages and API errors that must not be flagged.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from launchwizard.edge.debugpage import JSON_TRACE, SCAN_BYTES, debug_markers

DATA = Path(__file__).parent / "data" / "debugpages"

FRAMEWORK_PAGES = [
    ("django-500.html", "Django debug page"),
    ("django-500.html", "Python traceback"),
    ("django-2-500.html", "Django debug page"),
    ("django-404.html", "Django debug 404 page (URL patterns)"),
    ("django-500.txt", "Django debug report"),
    ("werkzeug.html", "Werkzeug debugger (Flask)"),
    ("werkzeug.html", "Python stack frames"),
    ("flask-escaped.html", "Python traceback"),
    ("starlette.html", "Starlette debug traceback (FastAPI)"),
    ("starlette.txt", "Python stack frames"),
    ("fastapi-detail.json", "Python traceback"),
    ("express-finalhandler.html", "Express default error handler (finalhandler)"),
    ("express-finalhandler.html", "Node.js stack trace"),
    ("express-stack.json", "Node.js stack trace"),
    ("koa-onerror.html", "Koa error page (koa-onerror)"),
    ("nextjs-pages-dev.html", "Next.js error data with a stack"),
    ("nextjs-pages-dev.html", "Node.js stack trace"),
    ("nuxt-dev.json", "Nuxt error with a stack"),
    ("nuxt-dev.json", "Node.js stack trace"),
    ("youch.html", "Youch error page (Nuxt, Nitro, AdonisJS)"),
    ("rails.html", "Rails debug page"),
    ("rails-api.json", "Rails debug JSON (traces)"),
    ("rails-api.json", "Ruby backtrace"),
    ("sinatra.txt", "Ruby backtrace"),
    ("ruby-backtrace.json", "Ruby backtrace"),
    ("laravel-ignition.html", "Laravel Ignition page"),
    ("laravel-ignition.html", "PHP stack frames"),
    ("laravel-renderer.html", "Laravel exception page"),
    ("laravel-debug.json", JSON_TRACE),
    ("whoops.html", "Whoops error page"),
    ("symfony.html", "Symfony exception page"),
    ("symfony-problem.json", JSON_TRACE),
    ("php-warning.html", "PHP error message"),
    ("php-fatal.txt", "PHP stack trace"),
    ("php-fatal.txt", "PHP error message"),
    ("xdebug.html", "Xdebug error table"),
    ("spring-whitelabel.html", "Spring Boot Whitelabel page with a stack trace"),
    ("spring-whitelabel.html", "Java stack trace"),
    ("spring-error.json", "Java stack trace"),
    ("aspnet-ysod.html", "ASP.NET error page (yellow screen)"),
    ("aspnetcore-dev.html", "ASP.NET Core developer exception page"),
    ("aspnetcore-dev.html", ".NET stack trace"),
    ("aspnetcore-dev.txt", ".NET stack trace"),
    ("aspnetcore-problem.json", ".NET stack trace"),
    ("go-panic.txt", "Go panic"),
    ("go-panic.txt", "Go stack frames"),
    ("go-stack.json", "Go panic"),
]


@pytest.mark.parametrize(("fixture", "marker"), FRAMEWORK_PAGES, ids=[f"{f}:{m}" for f, m in FRAMEWORK_PAGES])
def test_each_framework_page_is_recognised(fixture: str, marker: str) -> None:
    assert marker in debug_markers((DATA / fixture).read_bytes())


def test_every_fixture_is_in_the_table() -> None:
    assert {p.name for p in DATA.glob("*.*")} == {fixture for fixture, _ in FRAMEWORK_PAGES}


@pytest.mark.parametrize("fixture", sorted(p.name for p in (DATA / "clean").iterdir()))
def test_production_error_pages_and_api_errors_are_not_flagged(fixture: str) -> None:
    assert debug_markers((DATA / "clean" / fixture).read_bytes()) == []


# ---------------------------------------------------------------- every trace, every encoding

TRACES = {
    "Python stack frames": (
        "Traceback (most recent call last):\n"
        '  File "/app/chat/views.py", line 41, in reply\n'
        "    text = payload['message']\n"
        '  File "/app/chat/bot.py", line 12, in answer\n'
        "    return model.complete(text)\n"
        "KeyError: 'message'"
    ),
    "Node.js stack trace": (
        "TypeError: Cannot read properties of undefined (reading 'text')\n"
        "    at Object.<anonymous> (/app/routes/chat.js:14:32)\n"
        "    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)\n"
        "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"
    ),
    "Java stack trace": (
        "java.lang.IllegalStateException: model unavailable\n"
        "\tat com.acme.chat.ChatService.reply(ChatService.java:88)\n"
        "\tat com.acme.chat.ChatController$Inner.lambda$post$0(ChatController.kt:41)\n"
        "\tat java.base/java.lang.Thread.run(Thread.java:1583)"
    ),
    ".NET stack trace": (
        "System.InvalidOperationException: model unavailable\n"
        "   at Acme.Chat.ChatService.Reply(String text) in C:\\src\\Acme.Chat\\ChatService.cs:line 88\n"
        "   at Acme.Chat.Endpoint.<>c.<Map>b__0_0(ChatRequest r) in C:\\src\\Acme.Chat\\Endpoint.cs:line 41"
    ),
    "Ruby backtrace": (
        "app/services/chat.rb:14:in `reply': undefined method `text' for nil (NoMethodError)\n"
        "\tfrom app/controllers/chats_controller.rb:9:in `create'\n"
        "\tfrom /usr/local/bundle/gems/actionpack/lib/abstract_controller/base.rb:224:in `process_action'"
    ),
    "PHP stack frames": (
        "TypeError: json_decode(): Argument #1 ($json) must be of type string in /var/www/api/chat.php:9\n"
        "Stack trace:\n"
        "#0 /var/www/api/chat.php(9): json_decode(NULL, true)\n"
        "#1 /var/www/api/index.php(4): require('/var/www/api/ch...')\n"
        "#2 {main}"
    ),
    "Go stack frames": (
        "goroutine 35 [running]:\n"
        "main.chatHandler({0x7a8f20, 0xc0001a0000}, 0xc000196000)\n"
        "\t/app/main.go:41 +0x4e\n"
        "net/http.HandlerFunc.ServeHTTP(0x0?, {0x7a8f20?, 0xc0001a0000?}, 0x0?)\n"
        "\t/usr/local/go/src/net/http/server.go:2166 +0x29"
    ),
}


def _finalhandler(trace: str) -> str:
    """As Express's finalhandler sends it: escaped, <br> for newlines, ' &nbsp;' for double spaces."""
    escaped = html.escape(trace).replace("\n", "<br>").replace("  ", " &nbsp;")
    return f'<!DOCTYPE html>\n<html lang="en">\n<body>\n<pre>{escaped}</pre>\n</body>\n</html>\n'


ENCODINGS = {
    "plain text": lambda trace: trace,
    "escaped in <pre>": lambda trace: f"<html><body><pre>{html.escape(trace)}</pre></body></html>",
    "finalhandler <br> &nbsp;": _finalhandler,
    "JSON string": lambda trace: json.dumps({"error": "internal", "stack": trace}),
    "JSON string, slashes escaped": lambda trace: json.dumps({"trace": trace}).replace("/", "\\/"),
    "JSON list of lines": lambda trace: json.dumps({"backtrace": trace.splitlines()}),
    "JSON inside a <script>": lambda trace: (
        f'<script id="state" type="application/json">{json.dumps({"err": {"stack": trace}})}</script>'
    ),
    "CRLF lines": lambda trace: trace.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("kind", TRACES)
def test_raw_traces_are_found_however_they_are_encoded(kind: str, encoding: str) -> None:
    body = ENCODINGS[encoding](TRACES[kind]).encode()
    assert kind in debug_markers(body)


def test_a_single_frame_like_line_is_not_a_trace() -> None:
    for kind, trace in TRACES.items():
        lines = trace.splitlines()
        one_frame = next(
            line for line in lines[1:] if line.strip()[:2] in ("at", "Fi", "fr", "#0", "/a", "ap")
        )
        assert kind not in debug_markers(f"<p>{one_frame}</p>".encode()), one_frame


def test_enormous_and_hostile_bodies_stay_bounded() -> None:
    """Only the first SCAN_BYTES are read; deep JSON, long lines of near-frames and tag soup
    get an answer, never an exception (bench/ measures the time)."""
    hostile = [
        b"x" * (SCAN_BYTES * 8),
        b"    at " + b"a:1:" * 200_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"trace":' + b'[{"file":"a","line":1},' * 20_000 + b"]}",
        b"<" * 300_000,
        b"&#" * 200_000,
        b"\\u" * 200_000,
        bytes(range(256)) * 2_000,
    ]
    for body in hostile:
        assert isinstance(debug_markers(body), list)
