"""Serve record tables (tests/spf_suites.py Scenario) from the lab's authoritative DNS server,
one loopback address per table, over UDP and TCP on one kernel-picked port.

Each table becomes one zone at the root, so any name the table owns is answered with AA,
NXDOMAIN or NODATA like a real authoritative server. TXT and SPF text longer than 255 bytes
is split into character-strings, as a zone file would hold it; text made of code points
below 256 is sent as those bytes (the suites write raw bytes as \\xNN escapes). Names DNS
cannot carry (a label over 63 bytes, an empty label) are left out: no server can hold them.
Records go out in the order the suite lists them (`rrset-order fixed`): mail-auth's PTR
limit check expects the eleventh name of a PTR set, and only that one, to be ignored.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Hashable, Iterable
from types import TracebackType

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.MX
import dns.rdtypes.ANY.TXT
import dns.zone
from spf_suites import Scenario

from launchwizard.demo.dns_server import Authority, DnsServer
from launchwizard.demo.lab import bind_same_port

FIRST_ADDRESS = (127, 53, 90, 1)
SOA = "ns.conformance.test. hostmaster.conformance.test. 1 3600 600 86400 60"
START_TIMEOUT_S = 10.0


def _name(text: str) -> dns.name.Name | None:
    try:
        return dns.name.from_text(text.rstrip(".") + ".")
    except dns.exception.DNSException:
        return None


def _raw(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _rdata(rtype: str, value: str) -> dns.rdata.Rdata | None:
    rdclass = dns.rdataclass.IN
    if rtype in ("TXT", "SPF"):
        data = _raw(value)
        chunks = [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]
        return dns.rdtypes.ANY.TXT.TXT(rdclass, dns.rdatatype.from_text(rtype), chunks)
    if rtype == "MX":
        preference, _, target = value.partition(" ")
        exchange = _name(target) if target else dns.name.root
        if exchange is None:
            return None
        return dns.rdtypes.ANY.MX.MX(rdclass, dns.rdatatype.MX, int(preference), exchange)
    if rtype in ("PTR", "CNAME"):
        target_name = _name(value)
        if target_name is None:
            return None
        return dns.rdata.from_text(rdclass, rtype, target_name.to_text())
    return dns.rdata.from_text(rdclass, rtype, value)


def authority(scenario: Scenario) -> Authority:
    """The scenario as one root zone, with its silent and failing names as faults."""
    zone = dns.zone.Zone(dns.name.root, relativize=False)
    zone.find_rdataset(dns.name.root, dns.rdatatype.SOA, create=True).add(
        dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.SOA, SOA), 60
    )
    for owner, types in scenario.records.items():
        name = _name(owner)
        if name is None:
            continue
        for rtype, values in types.items():
            for value in values:
                rdata = _rdata(rtype, value)
                if rdata is not None:
                    zone.find_rdataset(name, rdata.rdtype, create=True).add(rdata, 60)
    faults = {n: "silent-other-types" for n in scenario.silent if _name(n)}
    faults.update({n: "servfail" for n in scenario.servfail if _name(n)})
    return Authority([zone], {n.rstrip(".") + ".": kind for n, kind in faults.items()})


class LoopbackDns:
    """Authoritative servers for many tables at once, each on its own 127.53.90.x address."""

    def __init__(self, tables: Iterable[tuple[Hashable, Scenario]]) -> None:
        self._authorities: dict[Hashable, Authority] = {}
        for key, scenario in tables:
            if key not in self._authorities:
                self._authorities[key] = authority(scenario)
        self._addresses: dict[Hashable, str] = {}
        self._port = 0
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._servers: list[DnsServer] = []

    def nameserver(self, key: Hashable) -> str:
        """HOST:PORT of the server holding the table registered under `key`."""
        return f"{self._addresses[key]}:{self._port}"

    def __enter__(self) -> LoopbackDns:
        wanted = []
        for index, key in enumerate(self._authorities):
            a, b, c, d = FIRST_ADDRESS
            address = f"{a}.{b}.{c + (d - 1 + index) // 254}.{(d - 1 + index) % 254 + 1}"
            self._addresses[key] = address
            wanted += [(address, socket.SOCK_DGRAM), (address, socket.SOCK_STREAM)]
        opened: list[socket.socket] = []
        try:
            self._port, sockets = bind_same_port(wanted, opened)
        except OSError:
            for sock in opened:
                sock.close()
            raise
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(sockets, ready), daemon=True)
        self._thread.start()
        if not ready.wait(START_TIMEOUT_S):
            raise RuntimeError("the conformance DNS servers did not start")
        return self

    def _run(self, sockets: list[socket.socket], ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start(sockets))
        ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(asyncio.gather(*(s.close() for s in self._servers)))
        self._loop.close()

    async def _start(self, sockets: list[socket.socket]) -> None:
        for index, authority_ in enumerate(self._authorities.values()):
            server = DnsServer(authority_, lambda: 0.0, ordered=True)
            await server.start(sockets[2 * index], sockets[2 * index + 1])
            self._servers.append(server)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(START_TIMEOUT_S)
