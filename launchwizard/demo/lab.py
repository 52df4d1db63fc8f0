"""The local lab: authoritative DNS, HTTP and HTTPS servers on 127.53.0.0/16, run in a thread.

Tests, the demo and benchmarks talk to it with real sockets, exactly as they would talk to
the internet, but nothing leaves loopback. Each service uses one port number on every lab
address, so a client only needs the lab address of a host and `lab.ports`.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import tempfile
import threading
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import dns.message
import dns.rdatatype

from launchwizard.demo.certs import LabPKI
from launchwizard.demo.chatbot import SYSTEM_CANARY, TENANT_CANARY
from launchwizard.demo.cloudflare_api import ApiRequest, CloudflareLab
from launchwizard.demo.cloudflare_zones import (
    API_ADDRESS,
    API_HOST,
    API_PATH,
    UNRESOLVED_HOST,
    cloudflare_dns_zones,
)
from launchwizard.demo.customer_evals import EVALS_FILE
from launchwizard.demo.dns_server import Authority, DnsServer
from launchwizard.demo.dynamic import Deliveries, RateCounters
from launchwizard.demo.model import NAMESERVERS, PRIMARY_NS, WebHost, ZoneSpec, zone_text
from launchwizard.demo.scenario import WEB_HOSTS, ZONES
from launchwizard.demo.sites_rdap import bootstrap_url
from launchwizard.demo.web_server import CLIENT_GONE, WebServer, tls_context

BIND_ATTEMPTS = 50
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
TIMEOUT_S = 2.0


def _owner_name(owner: str, origin: str) -> str:
    """Absolute name text of a zone-relative owner ("@" is the apex)."""
    return f"{origin}." if owner == "@" else f"{owner}.{origin}."


def build_authority(server: str, extra_zones: Sequence[ZoneSpec] = ()) -> Authority:
    """Zones and faults published by name server `server`, from the scenario tables."""
    zones = [z for z in (*ZONES, *extra_zones) if server in z.served_by]
    faults = {_owner_name(owner, z.origin): kind for z in zones for owner, kind in z.faults.items()}
    return Authority.from_texts([zone_text(z, server) for z in zones], faults)


def _open(address: str, kind: socket.SocketKind, port: int) -> socket.socket:
    """A bound socket (listening, for TCP); REUSEADDR for TCP so reruns skip TIME_WAIT."""
    sock = socket.socket(socket.AF_INET, kind)
    try:
        if kind == socket.SOCK_STREAM:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        if kind == socket.SOCK_STREAM:
            sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def bind_same_port(
    wanted: Sequence[tuple[str, socket.SocketKind]], opened: list[socket.socket]
) -> tuple[int, list[socket.socket]]:
    """Bind every (address, kind) on one port number: the kernel picks it for the first.

    Sockets are appended to `opened` as they are made so the caller can close them all
    if a later bind fails.
    """
    port = 0
    socks = []
    for address, kind in wanted:
        sock = _open(address, kind, port)
        opened.append(sock)
        socks.append(sock)
        port = sock.getsockname()[1]
    return port, socks


class Lab:
    """The whole lab: start() it, point clients at `nameserver`/`ports`/`ca_bundle`, stop() it."""

    def __init__(
        self,
        latency_s: float = 0.0,
        workdir: Path | None = None,
        extra_zones: Sequence[ZoneSpec] = (),
        extra_hosts: Sequence[WebHost] = (),
    ) -> None:
        """`extra_zones` and `extra_hosts` are served besides the scenario's: the email bench
        adds twenty zones, the tests add the bundle sites (each host costs a certificate at
        start, which the demo should not pay for)."""
        self._latency = latency_s
        self._lock = threading.Lock()
        self._own_workdir = workdir is None
        self._workdir = workdir
        served = (*extra_zones, *cloudflare_dns_zones())
        self._authorities = {ns: build_authority(ns, served) for ns in NAMESERVERS}
        self._hosts: tuple[WebHost, ...] = (*WEB_HOSTS, *extra_hosts)
        self._ports: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[DnsServer | WebServer] = []
        self._counters = RateCounters()
        self._deliveries = Deliveries()
        self._cloudflare = CloudflareLab(self.latency)
        self._cloudflare_socket: socket.socket | None = None
        self._cloudflare_context: ssl.SSLContext | None = None
        self.ca_bundle = Path()

    # ------------------------------------------------------------ public API

    @property
    def nameserver(self) -> str:
        """The "ADDRESS:PORT" of ns1, the name server clients should ask."""
        return f"{NAMESERVERS[PRIMARY_NS]}:{self._ports['dns']}"

    @property
    def ports(self) -> dict[str, int]:
        """Port numbers by service ("http", "https", "dns"), the same on every lab address."""
        return dict(self._ports)

    def set_latency(self, seconds: float) -> None:
        """Delay every later DNS response and HTTP response head by `seconds` (any thread)."""
        with self._lock:
            self._latency = seconds

    def latency(self) -> float:
        """The current injected delay; read by the servers as each request arrives."""
        with self._lock:
            return self._latency

    def reset_rate_limits(self) -> None:
        """Start every rate-limited route's window afresh and forget the requests it saw."""
        self._counters.reset()

    def arrivals(self, host: str, path: str) -> list[float]:
        """Monotonic arrival times of the requests `host` got for `path` since the last reset
        (rate-limited routes only): what an active probe really sent."""
        return self._counters.arrivals(host.lower(), path)

    def webhook_deliveries(self, host: str, path: str) -> list[bytes]:
        """The bodies the webhook receiver at `host` `path` was sent, oldest first."""
        return self._deliveries.bodies(host.lower(), path)

    def address_of(self, host: str) -> str:
        """The loopback address `host` is served on (web hosts, their aliases, or its A record)."""
        name = host.lower().rstrip(".")
        for web in self._hosts:
            if name in web.names:
                return web.address
        query = dns.message.make_query(f"{name}.", dns.rdatatype.A)
        response = self._authorities[PRIMARY_NS].answer(query)
        for rrset in response.answer if response else []:
            if rrset.rdtype == dns.rdatatype.A:
                return rrset[0].address
        raise KeyError(host)

    def network_table(self) -> dict[str, Any]:
        """The sprint.toml [network] table that points launchwizard at this lab."""
        return {
            "nameservers": [self.nameserver],
            "ca_bundle": str(self.ca_bundle),
            "timeout_s": TIMEOUT_S,
            "ports": self.ports,
        }

    def rdap_table(self) -> dict[str, Any]:
        """The sprint.toml [rdap] table that sends the registrar checks to the lab's registries."""
        return {"bootstrap_url": bootstrap_url()}

    def demo_sprint(self) -> dict[str, Any]:
        """A whole sprint.toml for the demo product "Acme Assist", ready for tomli_w."""
        return {
            "sprint": {"client": "Acme Assist", "canonical": "https://www.acme.test/"},
            "domains": {
                "apex": "acme.test",
                "hosts": ["acme.test", "www.acme.test", "app.acme.test", "api.acme.test"],
                "subdomains": ["docs.acme.test", "legacy.acme.test", "status.acme.test"],
            },
            "dns": {
                "expect": {
                    "acme.test": {"A": ["127.53.1.1"]},
                    "www.acme.test": {"A": ["127.53.1.2"]},
                    "app.acme.test": {"CNAME": "app.hosting.test."},
                    "api.acme.test": {"A": ["127.53.1.4"]},
                }
            },
            "redirects": {
                "app.acme.test": "https://app.acme.test/",
                "api.acme.test": "https://api.acme.test/",
            },
            "endpoints": {
                "homepage": {"url": "https://www.acme.test/"},
                "health": {"url": "https://www.acme.test/health"},
                "login": {"url": "https://app.acme.test/login"},
                "chat": {
                    "url": "https://api.acme.test/v1/chat",
                    "method": "POST",
                    "body": '{"message": "{{prompt}}"}',
                    "response_path": "reply.text",
                    "timeout_s": 10.0,
                    "headers": {"Content-Type": "application/json"},
                },
            },
            "edge": {"approved_origins": ["https://www.acme.test", "https://app.acme.test"]},
            "cloudflare": {"api_base": self.cloudflare_api_base},
            "probes": {
                "ratelimit": {"enabled": True, "endpoint": "login", "max_requests": 10, "rate_per_s": 5.0},
                "injection": {
                    "enabled": True,
                    "endpoint": "chat",
                    "rate_per_s": 10.0,
                    "canaries": [SYSTEM_CANARY, TENANT_CANARY],
                },
                "eval": {"enabled": True, "endpoint": "chat", "file": EVALS_FILE, "rate_per_s": 10.0},
            },
            "network": self.network_table(),
            "rdap": self.rdap_table(),
        }

    def start(self) -> None:
        """Make certificates, bind all ports, and serve from a background thread."""
        if self._thread is not None:
            return
        workdir = self._workdir or Path(tempfile.mkdtemp(prefix="launchwizard-lab-"))
        self._workdir = workdir
        pki = LabPKI(workdir)
        self.ca_bundle = pki.root_pem
        contexts = {h.name: tls_context(h, pki.issue(h.name, h.cert, h.cert_names)) for h in self._hosts}
        web = self._web_servers(contexts)
        sockets = self._bind(web)
        self._bind_cloudflare(pki)
        ready = threading.Event()
        failure: list[BaseException] = []
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(_quiet_client_errors)
        self._thread = threading.Thread(
            target=self._run, args=(web, sockets, ready, failure), name="launchwizard-lab", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT_S) or failure:
            self.stop()
            raise RuntimeError("lab failed to start") from (failure[0] if failure else None)

    def stop(self) -> None:
        """Close every server and connection, join the thread, remove a temporary workdir."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            future.result(STOP_TIMEOUT_S)
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(STOP_TIMEOUT_S)
        self._loop = self._thread = None
        self._servers = []
        if self._own_workdir and self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> Lab:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ Cloudflare API v4

    @property
    def cloudflare_api_base(self) -> str:
        """The `[cloudflare] api_base` of the lab's Cloudflare API (cloudflare_api.py)."""
        port = self._cloudflare_socket.getsockname()[1] if self._cloudflare_socket else 443
        return f"https://{API_HOST}:{port}{API_PATH}"

    def cloudflare_requests(self) -> list[ApiRequest]:
        """Every request the lab's Cloudflare API received, oldest first (no header values)."""
        return self._cloudflare.requests()

    def _bind_cloudflare(self, pki: LabPKI) -> None:
        self._cloudflare_socket = _open(API_ADDRESS, socket.SOCK_STREAM, 0)
        self._cloudflare_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert = pki.issue(API_HOST, "good", (API_HOST, UNRESOLVED_HOST))
        self._cloudflare_context.load_cert_chain(cert.chain, cert.key)

    async def _start_cloudflare(self) -> None:
        assert self._cloudflare_socket is not None and self._cloudflare_context is not None
        await self._cloudflare.start(self._cloudflare_socket, self._cloudflare_context)
        self._servers.append(self._cloudflare)  # type: ignore[arg-type]

    # ------------------------------------------------------------ internals

    def _web_servers(self, contexts: dict[str, Any]) -> dict[str, WebServer]:
        """One WebServer per address, holding the hosts that live there."""
        by_address = defaultdict(list)
        for h in self._hosts:
            by_address[h.address].append(h)
        return {
            address: WebServer(hosts, contexts, self.latency, self._counters, self._deliveries)
            for address, hosts in by_address.items()
        }

    def _bind(self, web: dict[str, WebServer]) -> dict[str, dict[str, list[socket.socket]]]:
        """All listening sockets, one port per service; retry the whole set on a clash."""
        http_wanted = [(a, socket.SOCK_STREAM) for a, s in web.items() if s.has_http()]
        https_wanted = [(a, socket.SOCK_STREAM) for a in web]
        dns_wanted = [
            (a, kind) for a in NAMESERVERS.values() for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM)
        ]
        for _attempt in range(BIND_ATTEMPTS):
            opened: list[socket.socket] = []
            try:
                http_port, http_socks = bind_same_port(http_wanted, opened)
                https_port, https_socks = bind_same_port(https_wanted, opened)
                dns_port, dns_socks = bind_same_port(dns_wanted, opened)
            except OSError:
                for sock in opened:
                    sock.close()
                continue
            self._ports = {"http": http_port, "https": https_port, "dns": dns_port}
            return {
                "http": _by_address(http_socks),
                "https": _by_address(https_socks),
                "dns": _by_address(dns_socks),
            }
        raise RuntimeError("could not bind the lab addresses on common ports")

    def _run(
        self,
        web: dict[str, WebServer],
        sockets: dict[str, dict[str, list[socket.socket]]],
        ready: threading.Event,
        failure: list[BaseException],
    ) -> None:
        """Thread body: start the servers on this thread's loop, then run until stopped."""
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._start_servers(web, sockets))
        except BaseException as exc:  # reported to start(), which raises it
            failure.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _start_servers(
        self, web: dict[str, WebServer], sockets: dict[str, dict[str, list[socket.socket]]]
    ) -> None:
        """Hand the bound sockets to the DNS and web servers."""
        for name, address in NAMESERVERS.items():
            server = DnsServer(self._authorities[name], self.latency)
            self._servers.append(server)
            udp, tcp = sockets["dns"][address]
            await server.start(udp, tcp)
        for address, site in web.items():
            self._servers.append(site)
            http = sockets["http"].get(address, [None])[0]
            await site.start(http, sockets["https"][address][0])
        await self._start_cloudflare()

    async def _shutdown(self) -> None:
        """Close servers, then cancel whatever task is left (e.g. a connection just accepted)."""
        await asyncio.gather(*(s.close() for s in self._servers), return_exceptions=True)
        current = asyncio.current_task()
        leftovers = [t for t in asyncio.all_tasks() if t is not current]
        for task in leftovers:
            task.cancel()
        await asyncio.gather(*leftovers, return_exceptions=True)


def _by_address(socks: list[socket.socket]) -> dict[str, list[socket.socket]]:
    """Group sockets by their bound address, keeping bind order (UDP before TCP)."""
    grouped: dict[str, list[socket.socket]] = defaultdict(list)
    for sock in socks:
        grouped[sock.getsockname()[0]].append(sock)
    return dict(grouped)


def _quiet_client_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Drop loop errors caused by clients going away or by stop(); report anything else as usual."""
    if isinstance(context.get("exception"), (*CLIENT_GONE, asyncio.CancelledError)):
        return
    loop.default_exception_handler(context)
