"""The lab's Cloudflare API v4: HTTPS on api.cloudflare.test, bearer tokens, the real envelope.

Every answer is `{"success", "errors", "messages", "result"}` (lists add `result_info` with
page, per_page, count, total_count and total_pages), with Cloudflare's error codes: 6003/6111
for a malformed Authorization header, 1000 for an unknown token, 10000 for a missing
permission (403), 7003 for an unknown route or zone. The routes the cloudflare checks read
are served from the tables of cloudflare_zones.py; each zone's `fault` makes them hang, fail,
lie or echo the token. Every request is logged (method, target, header names; never a
header's value), so tests can show that launchwizard only ever sent GET.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from launchwizard.demo.cloudflare_zones import (
    API_PATH,
    DNS_READ,
    SETTINGS_READ,
    TOKENS,
    WAF_READ,
    ZONE_READ,
    ZONES,
    LabToken,
    LabZone,
    zone_id,
)
from launchwizard.demo.web_server import CLIENT_GONE, HANDSHAKE_TIMEOUT_S, response_head

TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")
ZONE_PATH = re.compile(r"/zones/([^/]+)(/.*)")
ACCOUNT_VERIFY = re.compile(r"/accounts/([^/]+)/tokens/verify")
ENTRYPOINT = re.compile(r"/rulesets/phases/([a-z_]+)/entrypoint")
MAX_PER_PAGE = 5000
HANG_LIMIT_S = 120.0
CLOSE_TIMEOUT_S = 1.0
GARBAGE_BYTES = 5 * 1024 * 1024
STAMP = "2026-11-20T10:00:00.000000Z"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


HANG = Answer(0, b"")


@dataclass(frozen=True)
class ApiRequest:
    """One request the lab API received: never a header's value, only the names."""

    method: str
    target: str
    header_names: tuple[str, ...]


def envelope(result: Any, *, info: dict[str, int] | None = None) -> bytes:
    body: dict[str, Any] = {"success": True, "errors": [], "messages": [], "result": result}
    if info is not None:
        body["result_info"] = info
    return json.dumps(body).encode()


def failure(status: int, code: int, message: str, **extra: Any) -> Answer:
    error: dict[str, Any] = {"code": code, "message": message, **extra}
    body = {"success": False, "errors": [error], "messages": [], "result": None}
    return Answer(status, json.dumps(body).encode())


def _ok(result: Any, info: dict[str, int] | None = None) -> Answer:
    return Answer(200, envelope(result, info=info))


MALFORMED_AUTH = failure(
    400,
    6003,
    "Invalid request headers",
    error_chain=[{"code": 6111, "message": "Invalid format for Authorization header"}],
)
INVALID_TOKEN = failure(401, 1000, "Invalid API Token")
FORBIDDEN = failure(403, 10000, "Authentication error")


def _no_route(path: str) -> Answer:
    return failure(404, 7003, f"Could not route to {path[:80]}, perhaps your object identifier is invalid?")


def _page(query: Mapping[str, list[str]], default: int = 100) -> tuple[int, int]:
    def number(name: str, fallback: int) -> int:
        try:
            return max(1, int(query.get(name, [str(fallback)])[0]))
        except ValueError:
            return fallback

    return number("page", 1), min(number("per_page", default), MAX_PER_PAGE)


def _paged(items: list[Any], page: int, per_page: int) -> Answer:
    chunk = items[(page - 1) * per_page : page * per_page]
    total_pages = max(1, -(-len(items) // per_page))
    info = {
        "page": page,
        "per_page": per_page,
        "count": len(chunk),
        "total_count": len(items),
        "total_pages": total_pages,
    }
    return _ok(chunk, info)


def zone_json(zone: LabZone) -> dict[str, Any]:
    return {
        "id": zone.id,
        "name": zone.name,
        "status": zone.status,
        "paused": zone.paused,
        "type": "full",
        "development_mode": 0,
        "name_servers": list(zone.name_servers),
        "original_name_servers": ["ns1.registrar-dns.test", "ns2.registrar-dns.test"],
        "account": {
            "id": zone.account,
            "name": "Acme Assist Ltd" if zone.name == "acme.test" else "Lab account",
        },
        "plan": {"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website"},
        "created_on": STAMP,
        "modified_on": STAMP,
    }


def record_json(zone: LabZone, name: str, kind: str, content: str, proxied: bool | None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": zone_id(f"{name} {kind} {content}"),
        "name": name,
        "type": kind,
        "content": content,
        "proxiable": proxied is not None,
        "proxied": bool(proxied),
        "ttl": 1,
        "settings": {},
        "meta": {},
        "comment": None,
        "tags": [],
        "created_on": STAMP,
        "modified_on": STAMP,
    }
    if kind == "MX":
        record["priority"] = 10
    return record


class CloudflareLab:
    """The API server on one address; serves from a lab thread, logs for the test thread."""

    def __init__(self, latency: Callable[[], float]) -> None:
        self.latency = latency
        self._by_name = {zone.name: zone for zone in ZONES}
        self._by_id = {zone.id: zone for zone in ZONES}
        self._lock = threading.Lock()
        self._log: list[ApiRequest] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._context: ssl.SSLContext | None = None

    # ------------------------------------------------------------ lifecycle

    async def start(self, sock: Any, context: ssl.SSLContext) -> None:
        self._context = context
        self._server = await asyncio.start_server(self._handle, sock=sock)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def requests(self) -> list[ApiRequest]:
        with self._lock:
            return list(self._log)

    # ------------------------------------------------------------ one connection

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._converse(reader, writer)
            writer.close()
            with contextlib.suppress(*CLIENT_GONE):
                await asyncio.wait_for(writer.wait_closed(), CLOSE_TIMEOUT_S)
        except (*CLIENT_GONE, asyncio.CancelledError):
            pass
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.transport.abort()

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._context is not None
        await writer.start_tls(self._context, ssl_handshake_timeout=HANDSHAKE_TIMEOUT_S)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        method, target = [*head[0].split(" "), "", ""][:2]
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        with self._lock:
            self._log.append(ApiRequest(method, target, tuple(sorted(headers))))
        delay = self.latency()
        if delay > 0:
            await asyncio.sleep(delay)
        answer = self.answer(method, target, headers)
        if answer is HANG:
            await asyncio.wait_for(reader.read(), HANG_LIMIT_S)
            return
        head_bytes = response_head(
            answer.status,
            [
                ("Server", "cloudflare"),
                ("CF-RAY", "8f1e2d3c4b5a6978-AMS"),
                ("Content-Type", answer.content_type),
                ("Content-Length", str(len(answer.body))),
                *answer.headers,
            ],
        )
        writer.write(head_bytes + answer.body)
        await writer.drain()

    # ------------------------------------------------------------ routing

    def answer(self, method: str, target: str, headers: Mapping[str, str]) -> Answer:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if not path.startswith(API_PATH + "/"):
            return _no_route(path)
        route = path[len(API_PATH) :]
        authorization = headers.get("authorization", "")
        scheme, _, value = authorization.partition(" ")
        if scheme != "Bearer" or not TOKEN_SHAPE.fullmatch(value):
            return MALFORMED_AUTH
        if method != "GET":
            return failure(405, 10000, f"{method} is not allowed here: this lab account is read-only")
        token = TOKENS.get(value)
        if token is None:
            return INVALID_TOKEN
        return self._route(route, query, token, authorization)

    def _route(
        self, route: str, query: Mapping[str, list[str]], token: LabToken, authorization: str
    ) -> Answer:
        if route == "/user/tokens/verify":
            return self._verify(token, owned_by_account=False)
        account = ACCOUNT_VERIFY.fullmatch(route)
        if account:
            if account.group(1) != token.account:
                return INVALID_TOKEN
            return self._verify(token, owned_by_account=True)
        if token.status != "active":
            return INVALID_TOKEN
        if route == "/zones":
            return self._zones(query, token)
        zone_route = ZONE_PATH.fullmatch(route)
        zone = self._by_id.get(zone_route.group(1)) if zone_route else None
        if zone_route is None or zone is None or zone.account != token.account:
            return _no_route(route)
        return self._zone_route(zone, zone_route.group(2), query, token, authorization)

    def _verify(self, token: LabToken, *, owned_by_account: bool) -> Answer:
        if token.owned_by_account != owned_by_account:
            return INVALID_TOKEN
        result: dict[str, Any] = {
            "id": zone_id(f"token-{token.account}-{token.status}"),
            "status": token.status,
        }
        if token.status == "expired":
            result["expires_on"] = "2026-01-01T00:00:00Z"
        return _ok(result)

    def _zones(self, query: Mapping[str, list[str]], token: LabToken) -> Answer:
        if ZONE_READ not in token.permissions:
            return FORBIDDEN
        name = query.get("name", [""])[0].lower()
        visible = [z for z in ZONES if z.account == token.account and (not name or z.name == name)]
        page, per_page = _page(query, 20)
        return _paged([zone_json(z) for z in visible], page, per_page)

    def _zone_route(
        self, zone: LabZone, rest: str, query: Mapping[str, list[str]], token: LabToken, authorization: str
    ) -> Answer:
        needed = self._permission(rest)
        if needed is None:
            return _no_route(rest)
        if needed not in token.permissions:
            return FORBIDDEN
        faulty = self._fault(zone, rest, query, authorization)
        if faulty is not None:
            return faulty
        if rest.startswith("/settings/"):
            return self._setting(zone, rest.removeprefix("/settings/"))
        if rest == "/dns_records":
            rows = [record_json(zone, *record) for record in zone.records]
            return _paged(rows, *_page(query))
        if rest == "/dnssec":
            return _ok({"status": zone.dnssec, "algorithm": "13", "flags": 257, "modified_on": STAMP})
        return self._entrypoint(zone, ENTRYPOINT.fullmatch(rest).group(1))  # type: ignore[union-attr]

    @staticmethod
    def _permission(rest: str) -> str | None:
        if rest.startswith("/settings/"):
            return SETTINGS_READ
        if rest in ("/dns_records", "/dnssec"):
            return DNS_READ
        if ENTRYPOINT.fullmatch(rest):
            return WAF_READ
        return None

    def _setting(self, zone: LabZone, name: str) -> Answer:
        if name not in zone.settings:
            return failure(404, 1003, f"Invalid or missing zone setting {name[:40]}")
        value = zone.settings[name]
        result: dict[str, Any] = {"id": name, "editable": True, "modified_on": STAMP}
        if isinstance(value, tuple):
            result["value"], result["time_remaining"] = value
        else:
            result["value"] = value
        return _ok(result)

    def _entrypoint(self, zone: LabZone, phase: str) -> Answer:
        rules = {"http_request_firewall_managed": zone.firewall, "http_ratelimit": zone.ratelimit}.get(phase)
        if rules is None:
            return failure(404, 10003, f"could not find entrypoint ruleset in the {phase} phase")
        result = {
            "id": zone_id(f"{zone.name}-{phase}"),
            "name": "default",
            "description": "",
            "kind": "zone",
            "version": "3",
            "phase": phase,
            "rules": list(rules),
            "last_updated": STAMP,
        }
        return _ok(result)

    # ------------------------------------------------------------ faults

    def _fault(
        self, zone: LabZone, rest: str, query: Mapping[str, list[str]], authorization: str
    ) -> Answer | None:
        if zone.fault == "slow":
            return HANG
        if zone.fault == "endless" and rest == "/dns_records":
            return _endless(query)
        table = {"5xx": _server_errors, "garbage": _garbage, "echo": _echo}.get(zone.fault)
        return table(rest, authorization) if table else None


def _endless(query: Mapping[str, list[str]]) -> Answer:
    """A list that always has one more page than the one asked for, each full of new records."""
    page, per_page = _page(query)
    rows = [
        {
            "id": zone_id(f"endless-{page}-{n}"),
            "name": f"r{page}-{n}.cfendless.test",
            "type": "TXT",
            "content": f"page {page} record {n}",
            "proxiable": False,
            "proxied": False,
        }
        for n in range(per_page)
    ]
    info = {
        "page": page,
        "per_page": per_page,
        "count": per_page,
        "total_count": (page + 1) * per_page,
        "total_pages": page + 1,
    }
    return _ok(rows, info)


def _server_errors(rest: str, authorization: str) -> Answer:
    if rest.startswith("/settings/"):
        return failure(500, 10002, "An internal error occurred")
    if rest == "/dns_records":
        html = b"<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
        return Answer(502, html, "text/html")
    if rest == "/dnssec":
        limited = failure(429, 971, "Please wait and consider throttling your request speed")
        return Answer(429, limited.body, headers=(("Retry-After", "30"),))
    unavailable = failure(503, 10002, "Service temporarily unavailable")
    return Answer(503, unavailable.body, headers=(("Retry-After", "30"),))


def _garbage(rest: str, authorization: str) -> Answer:
    if rest.startswith("/settings/"):
        return Answer(200, b'{"success": true, "result": {"id": "ssl", "val')
    if rest == "/dns_records":
        record = (
            b'{"id": "x", "name": "pad.cfgarbage.test", "type": "TXT", "content": "' + b"x" * 1000 + b'"},'
        )
        return Answer(
            200, b'{"success": true, "result": [' + record * (GARBAGE_BYTES // len(record)) + b"{}]}"
        )
    if rest == "/dnssec":
        return Answer(200, b"<html><body>Scheduled maintenance</body></html>", "text/html")
    return Answer(200, json.dumps({"result": {"rules": []}}).encode())


def _echo(rest: str, authorization: str) -> Answer:
    """A hostile API: the caller's Authorization header comes back in every form it can."""
    token = authorization.removeprefix("Bearer ")
    if rest.startswith("/settings/"):
        refused = failure(403, 10000, f"Authentication error for {authorization}")
        return Answer(403, refused.body, headers=(("X-Echo", authorization),))
    if rest == "/dns_records":
        rows = [
            {
                "id": "e1",
                "name": "cfecho.test",
                "type": "CNAME",
                "content": f"{token}.echo.test",
                "proxied": False,
                "proxiable": True,
            },
            {
                "id": "e2",
                "name": "www.cfecho.test",
                "type": "A",
                "content": "127.53.9.95",
                "proxied": False,
                "proxiable": True,
                "comment": token,
            },
        ]
        return _ok(rows, {"page": 1, "per_page": 100, "count": 2, "total_count": 2, "total_pages": 1})
    if rest == "/dnssec":
        return _ok({"status": token})
    return failure(404, 10003, f"no entrypoint for {token}")
