"""A minimal asyncio HTTP/1.1 server (plain and TLS) for the lab, with injectable faults.

One WebServer per lab address: an http and an https listener, virtual hosts chosen by SNI
(certificate) and by the Host header (routes). Every response closes the connection, which
keeps the server small. TLS starts after accept (StreamWriter.start_tls) so that
connection-level faults (reset, hang, garbage instead of TLS) can act before the handshake.
A client may vanish at any moment; that ends its handler quietly.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import http
import json
import socket
import ssl
import struct
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from launchwizard.demo.certs import ServerCert
from launchwizard.demo.chatbot import chat_answer, sse_events
from launchwizard.demo.dynamic import (
    Deliveries,
    RateCounters,
    cors_response,
    flaky_response,
    limited_response,
    webhook_response,
)
from launchwizard.demo.model import (
    ANY_PATH,
    CONNECTION_FAULTS,
    Chat,
    Fault,
    Flaky,
    RateLimited,
    Redirect,
    Response,
    Route,
    Webhook,
    WebHost,
)

MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024
HANDSHAKE_TIMEOUT_S = 10.0
CLOSE_TIMEOUT_S = 1.0
SLOW_BYTE_INTERVAL_S = 1.0
HUGE_CHUNK = b"A" * 65536
MANY_HEADERS = 10_000
SERVER_NAME = "acme-lab/1.0"
GARBAGE_TLS = b"HTTP/1.1 400 Bad Request\r\nServer: not-tls\r\n\r\n\x00\xffthis is not TLS\r\n"
# Failures a vanished or misbehaving client causes; ssl.SSLError is an OSError.
CLIENT_GONE = (ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError)

NOT_FOUND = Response(404, "Not Found\n", "text/plain; charset=utf-8")
MISDIRECTED = Response(421, "Misdirected Request: no such host here\n", "text/plain; charset=utf-8")
BAD_REQUEST = Response(400, "Bad Request\n", "text/plain; charset=utf-8")


def tls_context(host: WebHost, cert: ServerCert) -> ssl.SSLContext:
    """Server context for one host: its chain, its protocol range, and weak settings if needed.

    TLS 1.0/1.1 and RSA-1024 only work with "@SECLEVEL=0" on OpenSSL 3 (web-tls-edge.md §4.4.4);
    it must be set before the chain is loaded or loading the weak key fails.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    low, high = (ssl.TLSVersion[v] for v in host.tls)
    if low < ssl.TLSVersion.TLSv1_2 or cert.kind == "weakkey":
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = low
        ctx.maximum_version = high
    ctx.load_cert_chain(cert.chain, cert.key)
    return ctx


@dataclass(frozen=True)
class Request:
    """The parts of a request the router needs."""

    method: str
    path: str
    host: str
    headers: Mapping[str, str]
    body: bytes


def _host_name(value: str) -> str:
    """Host header -> bare lower-case name (port and trailing dot removed)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0].rstrip(".") if ":" in value else value.rstrip(".")


def _path_of(target: str) -> str:
    """Path of an origin-form or absolute-form request target, without the query."""
    if target.startswith(("http://", "https://")):
        return urlsplit(target).path or "/"
    return target.split("?", 1)[0].split("#", 1)[0] or "/"


def parse_head(head: bytes) -> tuple[str, str, dict[str, str]] | None:
    """(method, path, headers with lower-case names) from a request head, or None if malformed."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            return None
        headers[name.strip().lower()] = value.strip()
    return parts[0], _path_of(parts[1]), headers


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """Read one request (head and Content-Length body); None when it is malformed."""
    parsed = parse_head(await reader.readuntil(b"\r\n\r\n"))
    if parsed is None:
        return None
    method, path, headers = parsed
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        return None
    if not 0 <= length <= MAX_BODY or "host" not in headers:
        return None
    body = await reader.readexactly(length) if length else b""
    return Request(method, path, _host_name(headers["host"]), headers, body)


def response_head(status: int, headers: Sequence[tuple[str, str]]) -> bytes:
    """Status line and headers, always with Date and Connection: close, and a Server header
    unless the route sends its own (edge scenarios pose as CDNs)."""
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}"]
    own_server = any(name.lower() == "server" for name, _ in headers)
    base = [
        ("Date", email.utils.formatdate(usegmt=True)),
        *(() if own_server else (("Server", SERVER_NAME),)),
        ("Connection", "close"),
    ]
    lines += [f"{name}: {value}" for name, value in (*base, *headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def render(route: Response | Redirect, method: str) -> bytes:
    """The full bytes of a complete response or a redirect (no body for HEAD)."""
    if isinstance(route, Redirect):
        body = f'<a href="{route.location}">moved</a>\n'.encode()
        headers = [("Location", route.location), ("Content-Type", "text/html; charset=utf-8")]
        status = route.status
    else:
        body = route.body.encode() if isinstance(route.body, str) else route.body
        headers = [("Content-Type", route.content_type), *route.headers]
        status = route.status
    headers.append(("Content-Length", str(len(body))))
    return response_head(status, headers) + (b"" if method == "HEAD" else body)


async def _until_eof(reader: asyncio.StreamReader) -> None:
    """Read and drop everything until the client goes away; that is the only way out."""
    with contextlib.suppress(*CLIENT_GONE):
        while await reader.read(65536):
            pass


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with SO_LINGER 0 so the kernel sends RST instead of FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _close(writer: asyncio.StreamWriter) -> None:
    """Polite close (TLS close_notify, FIN), bounded so a silent peer cannot hold us."""
    writer.close()
    with contextlib.suppress(*CLIENT_GONE, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), CLOSE_TIMEOUT_S)


async def slow_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A head without Content-Length, then one byte per second until the client leaves."""
    writer.write(response_head(200, [("Content-Type", "text/plain")]))
    await writer.drain()
    gone = asyncio.ensure_future(_until_eof(reader))
    try:
        while not gone.done() and not writer.transport.is_closing():
            writer.write(b".")
            await writer.drain()
            await asyncio.wait({gone}, timeout=SLOW_BYTE_INTERVAL_S)
    finally:
        gone.cancel()


async def huge_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A head without Content-Length, then an endless body as fast as the client reads."""
    writer.write(response_head(200, [("Content-Type", "application/octet-stream")]))
    gone = asyncio.ensure_future(_until_eof(reader))
    try:
        while not gone.done() and not writer.transport.is_closing():
            writer.write(HUGE_CHUNK)
            await writer.drain()
            # drain() need not yield; without this a lost connection is never noticed.
            await asyncio.sleep(0)
    finally:
        gone.cancel()


async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A response head sent one byte a second, until the client leaves."""
    head = response_head(200, [("Content-Type", "text/html"), ("X-Padding", "." * 4096)])
    gone = asyncio.ensure_future(_until_eof(reader))
    try:
        for index in range(len(head)):
            if gone.done() or writer.transport.is_closing():
                return
            writer.write(head[index : index + 1])
            await writer.drain()
            await asyncio.wait({gone}, timeout=SLOW_BYTE_INTERVAL_S)
    finally:
        gone.cancel()


def many_headers() -> bytes:
    """A head with 10,000 header lines (about 250 KB): more than any client should buffer."""
    headers = [(f"X-Filler-{n}", "lab") for n in range(MANY_HEADERS)]
    return response_head(200, [("Content-Length", "0"), *headers])


async def run_fault(kind: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Misbehave as `kind` on an accepted connection."""
    if kind == "reset":
        await reader.read(65536)
        _reset(writer)
    elif kind == "hang":
        await _until_eof(reader)
    elif kind == "garbage-tls":
        await reader.read(65536)
        writer.write(GARBAGE_TLS)
        await writer.drain()
    elif kind == "slowbody":
        await slow_body(reader, writer)
    elif kind == "hugebody":
        await huge_body(reader, writer)
    elif kind == "trickle":
        await trickle(reader, writer)
    elif kind == "manyheaders":
        writer.write(many_headers())
        await writer.drain()
    else:
        raise ValueError(f"unknown fault {kind!r}")


async def serve_chat(route: Chat, body: bytes, writer: asyncio.StreamWriter) -> None:
    """Answer one chat request in the route's reply style; an endless stream ends only when the
    client goes away."""
    answer = chat_answer(route, body)
    if isinstance(answer, Response):
        writer.write(render(answer, "POST"))
        await writer.drain()
        return
    if route.reply in ("json", "text"):
        await asyncio.sleep(route.first_byte_s)
        content = json.dumps({"reply": {"text": answer}}) if route.reply == "json" else answer
        kind = "application/json" if route.reply == "json" else "text/plain; charset=utf-8"
        writer.write(render(Response(200, content, kind), "POST"))
        await writer.drain()
        return
    writer.write(response_head(200, [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")]))
    await writer.drain()
    await asyncio.sleep(route.first_byte_s)
    async for event in sse_events(answer, route.reply == "endless"):
        writer.write(event)
        await writer.drain()


class WebServer:
    """The http and https listeners of one lab address and the hosts living there."""

    def __init__(
        self,
        hosts: Sequence[WebHost],
        contexts: Mapping[str, ssl.SSLContext],
        latency: Callable[[], float],
        counters: RateCounters | None = None,
        deliveries: Deliveries | None = None,
    ) -> None:
        self.hosts = list(hosts)
        self.latency = latency
        self.counters = counters or RateCounters()
        self.deliveries = deliveries or Deliveries()
        self._by_name = {name: h for h in self.hosts for name in h.names}
        self._contexts = {name: contexts[h.name] for h in self.hosts for name in h.names}
        self._front = contexts[self.hosts[0].name]
        if len(self.hosts) > 1:
            self._front.sni_callback = self._choose_context
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def _choose_context(self, sslobj: ssl.SSLObject, server_name: str | None, _ctx: object) -> None:
        """SNI: switch to the named host's certificate; unknown names get the first host's.

        OpenSSL keeps the protocol range of the first context, so hosts sharing an address
        should share a TLS range.
        """
        ctx = self._contexts.get((server_name or "").lower())
        if ctx is not None:
            sslobj.context = ctx

    def has_http(self) -> bool:
        """False when no host here serves plain http (nothing listens on the http port)."""
        return any(h.http is not None for h in self.hosts)

    async def start(self, http_sock: socket.socket | None, https_sock: socket.socket) -> None:
        """Serve on already-bound listening sockets."""
        if http_sock is not None:
            handler = functools.partial(self._handle, "http")
            self._servers.append(await asyncio.start_server(handler, sock=http_sock))
        handler = functools.partial(self._handle, "https")
        self._servers.append(await asyncio.start_server(handler, sock=https_sock))

    def _connection_fault(self, scheme: str) -> str | None:
        """A fault acting before TLS/HTTP on this listener, if a host here declares one."""
        for h in self.hosts:
            spec = getattr(h, scheme)
            if isinstance(spec, Fault) and spec.kind in CONNECTION_FAULTS:
                return spec.kind
        return None

    def route(self, scheme: str, request: Request) -> Route:
        """The route for a request: by Host header, then exact path, then "*"."""
        h = self._by_name.get(request.host)
        if h is None:
            return MISDIRECTED
        routes = getattr(h, scheme)
        if routes is None or isinstance(routes, Fault):
            return MISDIRECTED
        return routes.get(request.path) or routes.get(ANY_PATH) or NOT_FOUND

    async def _handle(self, scheme: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection, start to end; a client vanishing is normal and stays quiet."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._converse(scheme, reader, writer)
            await _close(writer)
        except CLIENT_GONE:
            pass
        except asyncio.CancelledError:
            # close() ends us; a stream handler task left cancelled makes asyncio 3.11 log a traceback.
            pass
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.transport.abort()

    async def _converse(
        self, scheme: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Connection fault, else TLS if https, then one request and its response."""
        fault = self._connection_fault(scheme)
        if fault is not None:
            await run_fault(fault, reader, writer)
            return
        if scheme == "https":
            await writer.start_tls(self._front, ssl_handshake_timeout=HANDSHAKE_TIMEOUT_S)
        request = await read_request(reader)
        route = BAD_REQUEST if request is None else self.route(scheme, request)
        delay = self.latency()
        if delay > 0:
            await asyncio.sleep(delay)
        if isinstance(route, Fault):
            await run_fault(route.kind, reader, writer)
            return
        if isinstance(route, Chat) and request is not None:
            await serve_chat(route, request.body, writer)
            return
        answer = BAD_REQUEST if request is None else self._answer_for(route, request)
        writer.write(render(answer, request.method if request else "GET"))
        await writer.drain()

    def _answer_for(self, route: Route, request: Request) -> Response | Redirect:
        """Resolve the routes whose answer depends on the request: rate limits, flaky
        routes, then CORS."""
        if isinstance(route, Chat | Fault):
            return BAD_REQUEST
        if isinstance(route, RateLimited):
            route = limited_response(route, self.counters, request.host, request.path)
        if isinstance(route, Flaky):
            route = flaky_response(route, self.counters, request.host, request.path)
        if isinstance(route, Webhook):
            route = webhook_response(
                route, self.deliveries, request.method, request.host, request.path, request.body
            )
        if isinstance(route, Response):
            return cors_response(route, request.method, request.headers)
        return route

    async def close(self) -> None:
        """Stop listening and end every connection, however stuck it is."""
        for server in self._servers:
            server.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
