"""One HTTP client for a run: connects to the addresses our resolver gives, caps bodies, hops by hand.

httpx does the HTTP; a small httpcore network backend swaps the host name for the address
our resolver returns just before the TCP connect, so SNI, certificate checks and the Host
header still use the real name. That is what lets `[network.pins]` audit a new deployment
before the DNS cutover, and lets tests run against the lab with no internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime
import email.utils
import functools
import ipaddress
import re
import ssl
import time
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from launchwizard.net.dns import DnsError, Resolver
from launchwizard.net.reasons import plain_reason

DEFAULT_MAX_BODY = 2 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 10
DNS_PREFIX = "DNS: "
USER_AGENT = "launchwizard/0.1 (launch-readiness audit)"


class FetchError(Exception):
    """A request that produced no HTTP response; `kind` groups causes for the checks."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class Response:
    """What one request got back: head, a capped body, and where it really connected."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    truncated: bool = False
    body_error: str | None = None
    address: str | None = None
    http_version: str = ""
    elapsed_ms: int = 0
    head_ms: int = 0
    first_byte_ms: int | None = None
    """When the first body byte arrived (a streamed reply's first token), None for no body."""

    def header(self, name: str) -> str | None:
        """The first value of a header, case-insensitively."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def header_values(self, name: str) -> list[str]:
        """Every value of a header (duplicates matter for security headers)."""
        wanted = name.lower()
        return [v for k, v in self.headers if k.lower() == wanted]

    @property
    def is_redirect(self) -> bool:
        return self.status in (301, 302, 303, 307, 308) and self.header("location") is not None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Hop:
    """One step of a redirect chain, as evidence; `headers` are kept for the checks that
    judge a response on the way (HSTS on the first hop, cookies set by a redirect) but are
    not part of the evidence JSON."""

    url: str
    status: int | None = None
    location: str | None = None
    address: str | None = None
    error: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"url": self.url, "status": self.status}
        if self.location is not None:
            data["location"] = self.location
        if self.address is not None:
            data["address"] = self.address
        if self.error is not None:
            data["error"] = self.error
        return data


@dataclass
class Chain:
    """A redirect chain followed by hand, hop by hop, and how it ended."""

    start: str
    hops: list[Hop] = field(default_factory=list)
    final: Response | None = None
    error: str | None = None
    error_kind: str | None = None

    @property
    def final_url(self) -> str | None:
        return self.final.url if self.final is not None else None

    def to_json(self) -> list[dict[str, Any]]:
        return [hop.to_json() for hop in self.hops]


_OPENED: contextvars.ContextVar[list[httpcore.AsyncNetworkStream] | None] = contextvars.ContextVar(
    "launchwizard_opened_streams", default=None
)
"""The connections one request opened, so a hard stop can close them: httpcore closes a
stream on an exception but not when the task is cancelled (a head trickled byte by byte
never trips its per-read timeout, so only our deadline ends it)."""


class _ResolvingBackend(httpcore.AsyncNetworkBackend):
    """Connect to the resolver's addresses for a host; TLS still uses the host name."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolver.addresses(host)
        except DnsError as exc:
            raise httpcore.ConnectError(f"{DNS_PREFIX}{exc}") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
                opened = _OPENED.get()
                if opened is not None:
                    opened.append(stream)
                return stream
            except httpcore.ConnectTimeout as exc:
                last = exc
            except httpcore.ConnectError as exc:
                last = httpcore.ConnectError(plain_reason(exc))
        assert last is not None
        raise last

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connection pool uses the resolving backend."""

    def __init__(self, resolver: Resolver, ssl_context: ssl.SSLContext, max_connections: int):
        super().__init__(verify=ssl_context)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            network_backend=_ResolvingBackend(resolver),
        )


@functools.lru_cache(maxsize=8)
def client_ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """The verifying context: system trust plus the configured private CA, if any.

    Loading the system trust store costs tens of milliseconds, so one context per CA
    bundle is shared by every client and probe in the process.
    """
    context = ssl.create_default_context()
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


class HttpClient:
    """Requests with a hard deadline, a body cap, configured ports and manual redirects."""

    def __init__(
        self,
        resolver: Resolver,
        *,
        timeout_s: float = 5.0,
        ports: Mapping[str, int] | None = None,
        ca_bundle: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        max_connections: int = 64,
    ) -> None:
        self.timeout_s = timeout_s
        self.ports = dict(ports or {})
        self.max_body = max_body
        self._resolver = resolver
        self._transport = _PinnedTransport(resolver, client_ssl_context(ca_bundle), max_connections)
        self._chains: dict[tuple[str, int, int], asyncio.Task[Chain]] = {}

    async def aclose(self) -> None:
        await self._transport.aclose()

    @property
    def transport(self) -> httpx.AsyncBaseTransport:
        """The pinned transport itself, for a library that brings its own httpx client (the
        Cloudflare SDK): the same resolver, pins, trust and connection pool as every other
        request of the run. It belongs to this client: wrap it, never close it."""
        return self._transport

    def effective_url(self, url: str) -> httpx.URL:
        """The URL to connect to: the configured port where the URL names none."""
        try:
            parsed = httpx.URL(url)
            explicit = urlsplit(url).port
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError("url", f"not a valid URL: {url!r} ({exc})") from None
        if parsed.scheme not in ("http", "https"):
            raise FetchError("scheme", f"unsupported URL scheme {parsed.scheme!r} in {url}")
        if explicit is None and parsed.scheme in self.ports:
            return parsed.copy_with(port=self.ports[parsed.scheme])
        return parsed

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        timeout_s: float | None = None,
        max_body: int | None = None,
        raw: bool = False,
        named_by: str | None = None,
    ) -> Response:
        """One request, no redirects; the whole exchange ends within the deadline.

        A body that is slow or endless is cut at the deadline or the cap; the head still
        counts as the response. `raw` keeps the body as transferred (still compressed) for
        the checks that weigh what crosses the network. `named_by` is the address of the
        server whose page named this URL (a script, a preload, a chunk, a source map): the
        URL may not lead into a more internal network than that server, as a redirect may
        not. Raises FetchError when no response head arrived.
        """
        target = self.effective_url(url)
        if named_by is not None:
            await self.refuse_inward(address_kind(named_by), url, "link the page names")
        deadline = self.timeout_s if timeout_s is None else timeout_s
        cap = self.max_body if max_body is None else max_body
        started = time.perf_counter()
        opened: list[httpcore.AsyncNetworkStream] = []
        token = _OPENED.set(opened)
        try:
            async with asyncio.timeout(deadline + _grace(deadline)):
                request = httpx.Request(
                    method,
                    target,
                    headers={"User-Agent": USER_AGENT, **dict(headers or {})},
                    content=content,
                    extensions={"timeout": httpx.Timeout(deadline).as_dict()},
                )
                answer = await self._transport.handle_async_request(request)
        except TimeoutError:
            await _close_all(opened)
            raise FetchError("timeout", f"no response within {deadline:g} s") from None
        except httpx.TimeoutException:
            raise FetchError("timeout", f"no response within {deadline:g} s") from None
        except httpx.HTTPError as exc:
            raise _fetch_error(exc) from None
        finally:
            _OPENED.reset(token)
        response = _response_head(url, answer, started)
        remaining = deadline - (time.perf_counter() - started)
        await _read_body(answer, response, cap, remaining, started, raw)
        response.elapsed_ms = int((time.perf_counter() - started) * 1000)
        return response

    async def follow_once(
        self, url: str, *, max_redirects: int = DEFAULT_MAX_REDIRECTS, max_body: int | None = None
    ) -> Chain:
        """A GET redirect chain fetched once per run, however many checks ask for it.

        The edge checks all read the same pages (headers, HSTS, CDN signals, cookies); one
        fetch keeps the stage as fast as its slowest chain and the load on the product low.
        Callers must treat the shared chain as read-only.
        """
        key = (url, max_redirects, self.max_body if max_body is None else max_body)
        task = self._chains.get(key)
        if task is None:
            task = asyncio.ensure_future(self.follow(url, max_redirects=max_redirects, max_body=key[2]))
            self._chains[key] = task
        return await asyncio.shield(task)

    async def follow(
        self,
        url: str,
        *,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        method: str = "GET",
        max_body: int | None = None,
        named_by: str | None = None,
    ) -> Chain:
        """Follow redirects by hand, recording each hop; stop on loops, bad schemes, errors.
        `named_by` as for `request`: the whole chain is held to the naming server's network."""
        chain = Chain(start=url)
        seen: set[str] = set()
        current = url
        while True:
            if current in seen:
                chain.error_kind, chain.error = "loop", f"redirect loop: {current} again"
                return chain
            if len(chain.hops) > max_redirects:
                chain.error_kind = "too-many-hops"
                chain.error = f"more than {max_redirects} redirects"
                return chain
            seen.add(current)
            hop = Hop(url=current)
            chain.hops.append(hop)
            try:
                response = await self.request(
                    method, current, max_body=max_body, named_by=named_by if len(chain.hops) == 1 else None
                )
            except FetchError as exc:
                hop.error = exc.message
                chain.error_kind, chain.error = exc.kind, exc.message
                return chain
            hop.status, hop.address, hop.headers = response.status, response.address, response.headers
            if not response.is_redirect:
                chain.final = response
                return chain
            location = response.header("location") or ""
            hop.location = location
            try:
                current = resolve_location(current, location)
                await self.refuse_inward(address_kind(named_by or chain.hops[0].address), current, "redirect")
            except FetchError as exc:
                chain.error_kind, chain.error = exc.kind, exc.message
                return chain

    async def refuse_inward(self, start: str, target: str, what: str) -> None:
        """Raise FetchError ("internal-address") when `target` resolves into a more internal
        network than `start` (a `network_kind`: of the server that redirected to it, whose page
        named it, or that pointed at it), or to a link-local address at all.

        A public site that redirects to 169.254.169.254 (cloud metadata), 10.0.0.0/8 or
        localhost, or whose page names a script there, would turn the audit into a request
        forgery; a staging box or the lab, which start internal, may stay within their own
        kind of address. `what` names the hop in the message ("redirect", "link the page
        names"). A name that does not resolve passes: the request itself then fails with the
        DNS reason.
        """
        try:
            host = urlsplit(target).hostname or ""
        except ValueError:
            return
        try:
            addresses = await self._resolver.addresses(host)
        except DnsError:
            return
        for address in addresses:
            kind = network_kind(address)
            if kind == "link-local" or (kind != "public" and kind != start):
                raise FetchError(
                    "internal-address",
                    f"{what} to {host} ({address}, a {kind} address) refused: a {start} server "
                    "may not lead the audit into an internal network",
                )


def network_kind(address: str) -> str:
    """ "public", "private", "loopback", "link-local" or "reserved" for an IP address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "public"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    return "public"


def address_kind(address: str | None) -> str:
    """The `network_kind` of a Response's "ip:port" address; "public" (the strictest start)
    when there is none."""
    return network_kind(address.rsplit(":", 1)[0].strip("[]")) if address else "public"


def retry_after_s(value: str, now: float | None = None) -> float | None:
    """Seconds a Retry-After value asks to wait (RFC 9110 §10.2.3): delay-seconds or an
    HTTP date; None when it is neither. A date in the past means 0."""
    text = value.strip()
    if re.fullmatch(r"\d{1,12}", text):
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(0.0, round(moment.timestamp() - (time.time() if now is None else now), 1))


def resolve_location(base: str, location: str) -> str:
    """The absolute http(s) URL a Location header points to.

    Raises FetchError ("bad-location" or "scheme") for a header browsers could not follow:
    unparsable, an impossible port, or a scheme other than http/https.
    """
    try:
        target = urljoin(base, location.strip())
        parts = urlsplit(target)
        _ = parts.port
    except ValueError as exc:
        raise FetchError(
            "bad-location", f"redirect Location is not a valid URL: {location!r} ({exc})"
        ) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError("scheme", f"redirect to unsupported scheme: {location}")
    if not parts.hostname:
        raise FetchError("bad-location", f"redirect Location has no host: {location!r}")
    return target


def _response_head(url: str, raw: httpx.Response, started: float) -> Response:
    """Copy the head of an httpx response into our evidence-friendly shape."""
    stream = raw.extensions.get("network_stream")
    address = None
    if stream is not None:
        peer = stream.get_extra_info("server_addr")
        if peer:
            address = f"{peer[0]}:{peer[1]}"
    return Response(
        url=url,
        status=raw.status_code,
        headers=[(k, v) for k, v in raw.headers.multi_items()],
        address=address,
        http_version=raw.http_version,
        head_ms=int((time.perf_counter() - started) * 1000),
    )


async def _read_body(
    answer: httpx.Response, response: Response, cap: int, remaining: float, started: float, raw: bool
) -> None:
    """Read at most `cap` bytes within `remaining` seconds, noting why reading stopped and
    when the first byte came."""
    body = bytearray()
    chunks = answer.aiter_raw() if raw else answer.aiter_bytes()
    try:
        async with asyncio.timeout(max(remaining, 0.001)):
            async for chunk in chunks:
                if chunk and response.first_byte_ms is None:
                    response.first_byte_ms = int((time.perf_counter() - started) * 1000)
                body += chunk
                if len(body) > cap:
                    response.truncated = True
                    del body[cap:]
                    break
    except TimeoutError:
        response.body_error = "body still arriving at the deadline"
    except httpx.HTTPError as exc:
        response.body_error = _fetch_error(exc).message
    finally:
        await answer.aclose()
    response.body = bytes(body)


@contextlib.asynccontextmanager
async def hard_deadline(seconds: float) -> AsyncIterator[None]:
    """End whatever runs inside within `seconds`, closing the connections it opened.

    For requests made through `HttpClient.transport` by another library: httpx's own
    timeouts bound each read, but not a head trickled byte by byte, and a cancelled request
    leaves its connection open. Raises FetchError("timeout") when the time is up.
    """
    opened: list[httpcore.AsyncNetworkStream] = []
    token = _OPENED.set(opened)
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        await _close_all(opened)
        raise FetchError("timeout", f"no response within {seconds:g} s") from None
    finally:
        _OPENED.reset(token)


async def _close_all(streams: list[httpcore.AsyncNetworkStream]) -> None:
    """Close the connections a cancelled request left open (closing twice is harmless)."""
    for stream in streams:
        with contextlib.suppress(Exception):
            await stream.aclose()


def hard_stop_s(timeout_s: float) -> float:
    """The longest one request can take with this timeout: the timeout, then the grace before
    the hard stop. A check's deadline is built from this, never from the bare timeout, or a
    server that trickles its head turns the check's verdict into "did not finish"."""
    return timeout_s + _grace(timeout_s)


def _grace(deadline: float) -> float:
    """Extra time for the hard stop, so httpx's own timeouts fire first.

    httpx closes a half-open TLS connection when its own timeout fires, but not when the
    task is cancelled mid-handshake; the hard stop only catches what httpx does not bound.
    """
    return min(1.0, deadline / 4)


def _fetch_error(exc: httpx.HTTPError) -> FetchError:
    """Sort an httpx failure into a kind and a plain sentence."""
    text = plain_reason(exc)
    if isinstance(exc, httpx.TimeoutException):
        return FetchError("timeout", "timed out")
    if isinstance(exc, httpx.ConnectError):
        if text.startswith(DNS_PREFIX):
            return FetchError("dns", text.removeprefix(DNS_PREFIX))
        lowered = text.lower()
        if text.startswith(("TLS handshake failed", "certificate verify failed")):
            return FetchError("tls", text)
        if "refused" in lowered:
            return FetchError("connect", "connection refused")
        if "reset" in lowered:
            return FetchError("reset", "connection reset by peer")
        return FetchError("connect", text if text != type(exc).__name__ else "connection failed")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return FetchError("reset", "connection closed or reset by the server without a response")
    if isinstance(exc, httpx.RemoteProtocolError):
        lowered = text.lower()
        if "disconnected" in lowered or "closed" in lowered:
            return FetchError("reset", "connection closed by the server without a response")
        return FetchError("protocol", f"malformed HTTP response: {text}")
    return FetchError("http", text)
