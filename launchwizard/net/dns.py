"""One async DNS resolver for a whole run: configured name servers, pins, a cache, hard timeouts.

Every check asks this resolver, so a run sees one consistent view of DNS, the same name is
never asked twice, and tests point it at the lab's authoritative server. Answers keep three
outcomes apart: found, not found (NXDOMAIN / no data) and DNS error (timeout, SERVFAIL).
A DNS error is never reported as "missing".
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdatatype
import dns.resolver

from launchwizard.config.model import Nameserver
from launchwizard.config.values import is_ip
from launchwizard.net.reasons import plain_reason

MAX_CNAME_CHAIN = 8


class Outcome(StrEnum):
    """What a DNS question came to."""

    OK = "ok"
    NXDOMAIN = "nxdomain"
    NODATA = "nodata"
    ERROR = "error"


@dataclass(frozen=True)
class DnsAnswer:
    """The answer to one question, with the CNAME chain that led to it."""

    name: str
    rdtype: str
    outcome: Outcome
    records: tuple[str, ...] = ()
    cname_chain: tuple[str, ...] = ()
    ttl: int | None = None
    error: str | None = None
    server: str | None = None

    @property
    def found(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def failed(self) -> bool:
        """True when DNS itself failed, so the absence of records proves nothing."""
        return self.outcome is Outcome.ERROR

    def describe(self) -> str:
        """A plain sentence for summaries and evidence."""
        if self.outcome is Outcome.OK:
            return f"{self.name} {self.rdtype} = {', '.join(self.records)}"
        if self.outcome is Outcome.NXDOMAIN:
            return f"{self.name} does not exist (NXDOMAIN)"
        if self.outcome is Outcome.NODATA:
            return f"{self.name} has no {self.rdtype} record"
        return f"DNS error for {self.name} {self.rdtype}: {self.error}"


@dataclass(frozen=True)
class ServerReply:
    """One name server's own reply, used to spot lame or inconsistent servers."""

    server: str
    rcode: str | None
    authoritative: bool
    answer: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    error: str | None = None


class DnsError(Exception):
    """A name could not be resolved to an address; the message is a plain reason."""


def system_servers() -> tuple[Nameserver, ...]:
    """The host's own resolvers, used when sprint.toml names none."""
    try:
        configured = dns.resolver.Resolver(configure=True).nameservers
    except (dns.resolver.NoResolverConfiguration, OSError):
        return ()
    return tuple(Nameserver(str(ns)) for ns in configured if is_ip(str(ns)))


def _normalise(name: str) -> str:
    return name.rstrip(".").lower()


class Resolver:
    """Resolve names through the configured servers, with pins, a per-run cache and deadlines."""

    def __init__(
        self,
        servers: Sequence[Nameserver],
        *,
        timeout_s: float = 5.0,
        pins: Mapping[str, str] | None = None,
    ) -> None:
        self.servers = tuple(servers)
        self.timeout_s = timeout_s
        self.pins = {_normalise(k): v for k, v in (pins or {}).items()}
        self._cache: dict[tuple[str, str], asyncio.Task[DnsAnswer]] = {}

    async def query(self, name: str, rdtype: str) -> DnsAnswer:
        """Ask once per run; concurrent askers of the same question share one lookup."""
        key = (_normalise(name), rdtype.upper())
        task = self._cache.get(key)
        if task is None:
            task = asyncio.ensure_future(self._resolve(*key))
            self._cache[key] = task
        return await asyncio.shield(task)

    async def addresses(self, host: str) -> list[str]:
        """IP addresses to connect to for `host`: a pin wins, else A then AAAA.

        Raises DnsError with a plain reason when there is nothing to connect to.
        """
        host = _normalise(host)
        if is_ip(host.strip("[]")):
            return [host.strip("[]")]
        if host in self.pins:
            return [self.pins[host]]
        a, aaaa = await asyncio.gather(self.query(host, "A"), self.query(host, "AAAA"))
        found = list(a.records) + list(aaaa.records)
        if found:
            return found
        if a.failed or aaaa.failed:
            raise DnsError(a.describe() if a.failed else aaaa.describe())
        if a.outcome is Outcome.NXDOMAIN:
            raise DnsError(a.describe())
        raise DnsError(f"{host} has no A or AAAA record")

    async def ask_server(self, server: Nameserver, name: str, rdtype: str) -> ServerReply:
        """Ask one server directly, without cache or recursion: is it authoritative, what does it say."""
        query = dns.message.make_query(name, rdtype)
        query.flags &= ~dns.flags.RD
        try:
            response = await self._exchange(query, server)
        except (dns.exception.DNSException, OSError, TimeoutError, EOFError) as exc:
            return ServerReply(str(server), None, False, error=_plain_error(exc))
        answer: dict[str, tuple[str, ...]] = {}
        for rrset in response.answer:
            label = dns.rdatatype.to_text(rrset.rdtype)
            answer[label] = answer.get(label, ()) + tuple(r.to_text() for r in rrset)
        return ServerReply(
            str(server),
            dns.rcode.to_text(response.rcode()),
            bool(response.flags & dns.flags.AA),
            answer,
        )

    async def _resolve(self, name: str, rdtype: str) -> DnsAnswer:
        """Follow the CNAME chain from `name` until `rdtype` data, NXDOMAIN or a limit."""
        chain: list[str] = []
        current = name
        deadline = asyncio.get_running_loop().time() + self.timeout_s
        for _ in range(MAX_CNAME_CHAIN):
            answer = await self._ask_any(current, rdtype, deadline)
            if isinstance(answer, str):
                return DnsAnswer(name, rdtype, Outcome.ERROR, cname_chain=tuple(chain), error=answer)
            response, server = answer
            rcode = response.rcode()
            hops, target, records, ttl = _walk_answer(response, current, rdtype)
            chain.extend(hops)
            if records:
                return DnsAnswer(name, rdtype, Outcome.OK, records, tuple(chain), ttl, server=server)
            if rcode == dns.rcode.NXDOMAIN:
                return DnsAnswer(name, rdtype, Outcome.NXDOMAIN, (), tuple(chain), server=server)
            if rcode != dns.rcode.NOERROR:
                reason = f"{dns.rcode.to_text(rcode)} from {server}"
                return DnsAnswer(name, rdtype, Outcome.ERROR, (), tuple(chain), error=reason)
            if target == current:
                return DnsAnswer(name, rdtype, Outcome.NODATA, (), tuple(chain), server=server)
            if target in chain[:-1] or target == name:
                reason = f"CNAME loop at {target}"
                return DnsAnswer(name, rdtype, Outcome.ERROR, (), tuple(chain), error=reason)
            current = target
        reason = f"CNAME chain longer than {MAX_CNAME_CHAIN}"
        return DnsAnswer(name, rdtype, Outcome.ERROR, (), tuple(chain), error=reason)

    async def _ask_any(
        self, name: str, rdtype: str, deadline: float
    ) -> tuple[dns.message.Message, str] | str:
        """Try each server in turn before the deadline; return a response or a plain reason.

        Each server gets an equal share of the time left, so a dead first server cannot
        use up the whole deadline before the second one is asked.
        """
        if not self.servers:
            return "no name server configured and none found in /etc/resolv.conf"
        try:
            rdt = dns.rdatatype.from_text(rdtype)
            query = dns.message.make_query(name, rdt)
        except (dns.exception.DNSException, ValueError) as exc:
            return f"cannot ask for {name!r} {rdtype}: {_plain_error(exc)}"
        reasons: list[str] = []
        loop = asyncio.get_running_loop()
        for position, server in enumerate(self.servers):
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            share = remaining / (len(self.servers) - position)
            try:
                response = await self._exchange(query, server, share)
            except (dns.exception.DNSException, OSError, TimeoutError, EOFError) as exc:
                reasons.append(f"{server}: {_plain_error(exc)}")
                continue
            if response.rcode() in (dns.rcode.SERVFAIL, dns.rcode.REFUSED):
                reasons.append(f"{server}: {dns.rcode.to_text(response.rcode())}")
                continue
            return response, str(server)
        if not reasons:
            reasons.append(f"no answer within {self.timeout_s:g} s")
        return "; ".join(reasons)

    async def _exchange(
        self, query: dns.message.Message, server: Nameserver, timeout: float | None = None
    ) -> dns.message.Message:
        """UDP first, TCP when the answer is truncated, all under one hard deadline."""
        limit = self.timeout_s if timeout is None else timeout
        async with asyncio.timeout(limit):
            response, _ = await dns.asyncquery.udp_with_fallback(
                query, server.host, timeout=limit, port=server.port
            )
        return response


def _walk_answer(
    response: dns.message.Message, qname: str, rdtype: str
) -> tuple[list[str], str, tuple[str, ...], int | None]:
    """Read one response: CNAME hops from qname, where they end, and the records found there.

    Owner names are compared as DNS names, not as text: a label holding a space or a quote
    is written escaped in presentation form (`\\032`) but is the same name.
    """
    wanted = dns.rdatatype.from_text(rdtype)
    by_name = {(r.name, r.rdtype): r for r in response.answer}
    hops: list[str] = []
    current = qname
    owner = dns.name.from_text(qname)
    while wanted != dns.rdatatype.CNAME and len(hops) < MAX_CNAME_CHAIN:
        cname = by_name.get((owner, dns.rdatatype.CNAME))
        if cname is None:
            break
        owner = cname[0].target
        current = _normalise(owner.to_text())
        hops.append(current)
    rrset = by_name.get((owner, wanted))
    if rrset is None:
        return hops, current, (), None
    return hops, current, tuple(_rdata_text(r) for r in rrset), rrset.ttl


def _rdata_text(rdata: dns.rdata.Rdata) -> str:
    """Presentation text of one record, except TXT: its character-strings joined, unquoted.

    RFC 7208 §3.3 and RFC 6376 §3.6.2.2 read a TXT record as its strings concatenated with
    nothing between them; dnspython's quoted, escaped form would make every policy parser
    undo the quoting. Bytes that are not UTF-8 come back as Latin-1 so nothing raises.
    """
    strings = getattr(rdata, "strings", None)
    if rdata.rdtype != dns.rdatatype.TXT or strings is None:
        return rdata.to_text()
    joined = b"".join(strings)
    try:
        return joined.decode("utf-8")
    except UnicodeDecodeError:
        return joined.decode("latin-1")


def _plain_error(exc: BaseException) -> str:
    """A one-line reason a person can read, for any network or DNS failure."""
    if isinstance(exc, dns.exception.Timeout):
        return "timed out"
    if isinstance(exc, EOFError):
        return "the server closed the TCP connection without an answer"
    return plain_reason(exc)
