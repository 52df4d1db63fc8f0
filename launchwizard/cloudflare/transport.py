"""The read-only way out to the Cloudflare API: GET only, under the API root only.

The SDK is handed an httpx client over this transport and no credential of its own. Each
request is checked here before it leaves (a method other than GET, or a URL outside the
configured API root, is refused and never sent), rebuilt with a short list of headers and
the bearer token, and sent through the run's pinned transport, so `[network]` (name
servers, pins, CA bundle, ports) applies as it does to every other request. The answer is
read here, capped, and scrubbed of the token before anything else sees it: neither the
SDK's objects, its exceptions, its debug log nor our results can hold the token, even
when a server echoes it back.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

USER_AGENT = "launchwizard/0.1 (launch-readiness audit; read-only)"
REDACTED = b"[redacted token]"


class RefusedRequest(Exception):
    """A request this transport will not send (not GET, or outside the API root)."""


class RefusedResponse(Exception):
    """An answer this transport will not hand on (too large, or compressed)."""


def under_root(url: httpx.URL, root: httpx.URL) -> bool:
    """True when `url` is the API root or below it, on the same scheme, host and port."""
    if (url.scheme, url.host, url.port) != (root.scheme, root.host, root.port):
        return False
    base = root.path.rstrip("/")
    return url.path == base or url.path.startswith(base + "/")


class ReadOnlyTransport(httpx.AsyncBaseTransport):
    """See the module docstring. `connect_url` maps a URL to where it connects (the run's
    configured ports); `inner` is the run's pinned transport, which this never closes."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        root: str,
        token: str,
        max_body: int,
        connect_url: Callable[[str], httpx.URL],
    ) -> None:
        self._inner = inner
        self._root = httpx.URL(root)
        self._token = token
        self._max_body = max_body
        self._connect_url = connect_url
        self._secret_forms = _secret_forms(token)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            raise RefusedRequest(f"{request.method} refused: launchwizard only reads the Cloudflare API")
        if not under_root(request.url, self._root):
            raise RefusedRequest("a request outside the configured Cloudflare API root was refused")
        outgoing = httpx.Request(
            "GET",
            self._connect_url(str(request.url)),
            headers={
                "Host": request.url.netloc.decode("ascii"),
                "Accept": "application/json",
                "Accept-Encoding": "identity",
                "User-Agent": USER_AGENT,
                "Authorization": f"Bearer {self._token}",
            },
            extensions=request.extensions,
        )
        answer = await self._inner.handle_async_request(outgoing)
        try:
            body = await self._read(answer)
        finally:
            await answer.aclose()
        return httpx.Response(
            answer.status_code,
            headers=[(name, self._scrub_text(value)) for name, value in _kept_headers(answer)],
            content=self._scrub(body),
            request=request,
        )

    async def _read(self, answer: httpx.Response) -> bytes:
        encoding = answer.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise RefusedResponse(
                f"the API answered with Content-Encoding {encoding[:40]!r} to a request for identity"
            )
        body = bytearray()
        async for chunk in answer.aiter_raw():
            body += chunk
            if len(body) > self._max_body:
                raise RefusedResponse(f"the API sent more than {self._max_body // 1024} KiB in one answer")
        return bytes(body)

    def _scrub(self, data: bytes) -> bytes:
        for form in self._secret_forms:
            data = data.replace(form, REDACTED)
        return data

    def _scrub_text(self, value: str) -> str:
        return self._scrub(value.encode("latin-1", "replace")).decode("latin-1")

    async def aclose(self) -> None:
        """Nothing to close: the pinned transport belongs to the run."""


def _secret_forms(token: str) -> tuple[bytes, ...]:
    """The byte forms a server could echo the token in: as sent, and escaped inside JSON."""
    if not token:
        return ()
    forms = {token.encode("utf-8"), json.dumps(token)[1:-1].encode("utf-8")}
    return tuple(sorted(forms, key=len, reverse=True))


def _kept_headers(answer: httpx.Response) -> list[tuple[str, str]]:
    """The answer's headers without those that describe the transfer (the body is re-framed)."""
    dropped = {"content-encoding", "content-length", "transfer-encoding", "connection"}
    return [(name, value) for name, value in answer.headers.multi_items() if name.lower() not in dropped]
