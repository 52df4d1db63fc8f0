"""A small authoritative DNS server over UDP and TCP for the lab, answering from zone text.

One instance per name-server address, each with its own zones, so two servers can publish
the same zone differently (drift) and one can be lame for a zone (REFUSED). It does what
a checker needs to see from a real authoritative server: AA, CNAME chasing, NXDOMAIN and
NODATA with the SOA, REFUSED outside its zones, TC over UDP, TCP framing; plus faults by
name ("silent", "servfail", "late", "truncated", "wrongid", and "silent-other-types": the
name answers the types it holds and never answers any other, as servers behind filters that
drop unknown query types do). Nothing a client sends may stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
import struct
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset
import dns.zone

log = logging.getLogger(__name__)

UDP_DEFAULT_LIMIT = 512
TCP_LIMIT = 65535
MAX_CNAME_HOPS = 8
LATE_ANSWER_S = 60.0
"""Longer than any client timeout: a late answer must be ignored, not waited for."""


@functools.lru_cache(maxsize=256)
def parse_zone(text: str) -> dns.zone.Zone:
    """Parse a master-file text once: most zones are served alike by several name servers,
    and parsing is the slowest part of the lab's start. Served zones are only read."""
    return dns.zone.from_text(text, relativize=False)


class Authority:
    """The zones one server publishes and the faults it injects; pure, no sockets."""

    def __init__(self, zones: Iterable[dns.zone.Zone], faults: Mapping[str, str]) -> None:
        self.zones: dict[dns.name.Name, dns.zone.Zone] = {}
        for zone in zones:
            assert zone.origin is not None, "zones are parsed with an origin"
            self.zones[zone.origin] = zone
        self.faults = {dns.name.from_text(name): kind for name, kind in faults.items()}

    @classmethod
    def from_texts(cls, texts: Iterable[str], faults: Mapping[str, str]) -> Authority:
        """Parse master-file texts (each starting with $ORIGIN) into an Authority."""
        return cls([parse_zone(text) for text in texts], faults)

    def zone_for(self, name: dns.name.Name) -> dns.zone.Zone | None:
        """The closest enclosing zone we serve, or None (answer REFUSED)."""
        best: dns.zone.Zone | None = None
        best_depth = -1
        for origin, zone in self.zones.items():
            if name.is_subdomain(origin) and len(origin) > best_depth:
                best, best_depth = zone, len(origin)
        return best

    def answer(self, query: dns.message.Message) -> dns.message.Message | None:
        """The response to `query`, or None when the server must stay silent."""
        response = dns.message.make_response(query)
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
            return response
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        fault = self.faults.get(question.name)
        if fault in ("silent", "late"):
            return None
        if fault == "silent-other-types" and not self._holds(question.name, question.rdtype):
            return None
        if fault == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
            return response
        zone = self.zone_for(question.name)
        if zone is None or question.rdclass != dns.rdataclass.IN:
            response.set_rcode(dns.rcode.REFUSED)
            response.flags &= ~dns.flags.RA
            return response
        response.flags |= dns.flags.AA
        self._resolve(response, question.name, question.rdtype, zone)
        return response

    def _holds(self, name: dns.name.Name, rdtype: dns.rdatatype.RdataType) -> bool:
        """True when `name` owns records of `rdtype` in a zone we serve."""
        zone = self.zone_for(name)
        node = zone.get_node(name) if zone is not None else None
        return node is not None and node.get_rdataset(dns.rdataclass.IN, rdtype) is not None

    def _resolve(
        self,
        response: dns.message.Message,
        name: dns.name.Name,
        rdtype: dns.rdatatype.RdataType,
        zone: dns.zone.Zone,
    ) -> None:
        """Fill answer/authority for `name`, following CNAMEs while they stay in our zones."""
        for _hop in range(MAX_CNAME_HOPS):
            node = zone.get_node(name)
            if node is None:
                if not _has_descendants(zone, name):
                    response.set_rcode(dns.rcode.NXDOMAIN)
                _add_soa(response, zone)
                return
            if rdtype == dns.rdatatype.ANY:
                for rdataset in node.rdatasets:
                    response.answer.append(_rrset(name, rdataset))
                return
            wanted = node.get_rdataset(dns.rdataclass.IN, rdtype)
            if wanted is not None:
                response.answer.append(_rrset(name, wanted))
                return
            cname = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
            if cname is None:
                _add_soa(response, zone)
                return
            response.answer.append(_rrset(name, cname))
            name = cname[0].target
            next_zone = self.zone_for(name)
            if next_zone is None:
                return
            zone = next_zone


def _rrset(name: dns.name.Name, rdataset: dns.rdataset.Rdataset) -> dns.rrset.RRset:
    """An RRset for the message from a zone rdataset."""
    rrset = dns.rrset.RRset(name, rdataset.rdclass, rdataset.rdtype)
    rrset.update(rdataset)
    return rrset


def _has_descendants(zone: dns.zone.Zone, name: dns.name.Name) -> bool:
    """True for an empty non-terminal: the name owns nothing but names below it exist."""
    return any(owner != name and owner.is_subdomain(name) for owner in zone.nodes)


def _add_soa(response: dns.message.Message, zone: dns.zone.Zone) -> None:
    """Put the zone SOA in authority, with the negative-caching TTL of RFC 2308."""
    origin = zone.origin
    assert origin is not None
    soa = zone.find_rdataset(origin, dns.rdatatype.SOA)
    rrset = _rrset(origin, soa)
    rrset.ttl = min(soa.ttl, soa[0].minimum)
    response.authority.append(rrset)


def _truncated(query: dns.message.Message) -> dns.message.Message:
    """An empty answer with TC set, inviting a TCP retry that will not be answered."""
    response = dns.message.make_response(query)
    response.flags |= dns.flags.TC | dns.flags.AA
    return response


def _parse(wire: bytes) -> dns.message.Message | None:
    """A query from the wire, or None for garbage and for responses (never answer those)."""
    try:
        message = dns.message.from_wire(wire)
    except Exception:  # any malformed input must be ignored, whatever dnspython raises
        return None
    if message.flags & dns.flags.QR:
        return None
    return message


def _udp_limit(query: dns.message.Message) -> int:
    """Largest UDP response the client accepts: 512, or its EDNS payload size."""
    if query.edns >= 0:
        return max(UDP_DEFAULT_LIMIT, query.payload)
    return UDP_DEFAULT_LIMIT


def render(response: dns.message.Message, limit: int, ordered: bool = False) -> bytes:
    """Wire form within `limit` bytes; too big becomes an empty answer with TC set.

    Records of a set go out in random order, as most servers send them, or in zone order
    when `ordered` (BIND's `rrset-order fixed`)."""
    try:
        return response.to_wire(max_size=limit, want_shuffle=not ordered)
    except dns.exception.TooBig:
        for section in (response.answer, response.authority, response.additional):
            section.clear()
        response.flags |= dns.flags.TC
        return response.to_wire(max_size=limit)


class _UdpProtocol(asyncio.DatagramProtocol):
    """Hands each datagram to the server; errors from the socket are not fatal."""

    def __init__(self, server: DnsServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.server.spawn(self.server.handle_udp(self, data, addr))

    def error_received(self, exc: Exception) -> None:
        log.debug("dns udp error ignored: %s", exc)


class DnsServer:
    """One name server address: a UDP endpoint and a TCP listener sharing an Authority."""

    def __init__(self, authority: Authority, latency: Callable[[], float], ordered: bool = False) -> None:
        self.authority = authority
        self.latency = latency
        self.ordered = ordered
        self._tasks: set[asyncio.Task[None]] = set()
        self._udp: _UdpProtocol | None = None
        self._tcp: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self, udp_sock: socket.socket, tcp_sock: socket.socket) -> None:
        """Serve on already-bound sockets (the lab picks the ports)."""
        loop = asyncio.get_running_loop()
        _, self._udp = await loop.create_datagram_endpoint(lambda: _UdpProtocol(self), sock=udp_sock)
        self._tcp = await asyncio.start_server(self._handle_tcp, sock=tcp_sock)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run a handler as a task we can cancel on close."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def fault_of(self, query: dns.message.Message) -> str | None:
        """The fault the queried name carries, if any."""
        return self.authority.faults.get(query.question[0].name) if len(query.question) == 1 else None

    async def _respond(self, query: dns.message.Message, limit: int, tcp: bool = False) -> bytes | None:
        """Answer bytes for a query after the lab latency; None means say nothing."""
        delay = self.latency()
        fault = self.fault_of(query)
        if fault == "late":
            await asyncio.sleep(LATE_ANSWER_S)
            return render(self._late_answer(query), limit)
        if fault == "truncated":
            return None if tcp else render(_truncated(query), limit)
        response = self.authority.answer(query)
        if response is None:
            return None
        if fault == "wrongid":
            response.id = (query.id + 1) % 65536
        if delay > 0:
            await asyncio.sleep(delay)
        return render(response, limit, self.ordered)

    def _late_answer(self, query: dns.message.Message) -> dns.message.Message:
        """What a late server finally says: a SERVFAIL, long after every client gave up."""
        response = dns.message.make_response(query)
        response.set_rcode(dns.rcode.SERVFAIL)
        return response

    async def handle_udp(self, proto: _UdpProtocol, data: bytes, addr: tuple[str, int]) -> None:
        """One datagram in, at most one datagram out; garbage gets nothing."""
        query = _parse(data)
        if query is None:
            return
        reply = await self._respond(query, _udp_limit(query))
        if reply is not None and proto.transport is not None and not proto.transport.is_closing():
            proto.transport.sendto(reply, addr)

    async def _handle_tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Length-prefixed queries until the client closes; garbage ends the connection."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        try:
            while True:
                (length,) = struct.unpack("!H", await reader.readexactly(2))
                query = _parse(await reader.readexactly(length))
                if query is None:
                    return
                reply = await self._respond(query, TCP_LIMIT, tcp=True)
                if reply is None and self.fault_of(query) == "truncated":
                    return
                if reply is not None:
                    writer.write(struct.pack("!H", len(reply)) + reply)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            return
        except asyncio.CancelledError:
            # close() ends us; a stream handler task left cancelled makes asyncio 3.11 log a traceback.
            return
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._tasks.discard(task)
            writer.transport.abort()

    async def close(self) -> None:
        """Stop listening and end every pending handler now."""
        if self._tcp is not None:
            self._tcp.close()
        if self._udp is not None and self._udp.transport is not None:
            self._udp.transport.close()
        for writer in list(self._writers):
            writer.transport.abort()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._tcp is not None:
            with contextlib.suppress(OSError):
                await self._tcp.wait_closed()
