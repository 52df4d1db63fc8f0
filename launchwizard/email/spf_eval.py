"""RFC 7208 `check_host()`: evaluate an SPF policy for a client IP, asynchronously.

Our own evaluator (not pyspf) because we need the lookups used, the void lookups and a trace
of the terms evaluated, and because every DNS question must go through the run's resolver
(the lab in tests). DNS is reached through the tiny `SpfDns` protocol; `ResolverDns` adapts
launchwizard.net.dns.Resolver and `MemoryDns` serves fixed data (the conformance suite).
permerror and temperror are raised internally as `_Stop` and come out as results.
"""

from __future__ import annotations

import ipaddress
import time
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from launchwizard.email.spf import (
    MAX_LOOKUPS,
    MAX_VOID_LOOKUPS,
    SpfRecord,
    SpfSyntaxError,
    Term,
    check_macro_string,
    is_spf,
    parse,
)

if TYPE_CHECKING:
    from launchwizard.net.dns import Resolver

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_NAMES = 10  # names per mx or ptr term (RFC 7208 §4.6.4)
RESULTS = ("pass", "fail", "softfail", "neutral", "none", "permerror", "temperror")
_QUALIFIER_RESULT = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
_UNRESERVED = "-._~"


@dataclass(frozen=True)
class Lookup:
    """One DNS answer as SPF needs it: ok, nxdomain, nodata or error, and the records."""

    outcome: str
    records: tuple[str, ...] = ()
    error: str = ""

    @property
    def void(self) -> bool:
        """No records without a DNS error: counts toward the void-lookup limit."""
        return self.outcome in ("nxdomain", "nodata")


class SpfDns(Protocol):
    """The DNS questions SPF asks. MX answers are target names, PTR answers are names."""

    async def txt(self, name: str) -> Lookup: ...
    async def a(self, name: str) -> Lookup: ...
    async def aaaa(self, name: str) -> Lookup: ...
    async def mx(self, name: str) -> Lookup: ...
    async def ptr(self, name: str) -> Lookup: ...


class _ByType:
    """SpfDns from one `_ask(name, rdtype)`: each question is a record type."""

    async def _ask(self, name: str, rdtype: str) -> Lookup:
        raise NotImplementedError

    async def txt(self, name: str) -> Lookup:
        return await self._ask(name, "TXT")

    async def a(self, name: str) -> Lookup:
        return await self._ask(name, "A")

    async def aaaa(self, name: str) -> Lookup:
        return await self._ask(name, "AAAA")

    async def mx(self, name: str) -> Lookup:
        return await self._ask(name, "MX")

    async def ptr(self, name: str) -> Lookup:
        return await self._ask(name, "PTR")


class ResolverDns(_ByType):
    """SpfDns over the run's Resolver, so SPF shares its servers, cache and deadlines."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver

    async def _ask(self, name: str, rdtype: str) -> Lookup:
        answer = await self.resolver.query(name, rdtype)
        return Lookup(str(answer.outcome), tuple(answer.records), answer.error or "")

    async def mx(self, name: str) -> Lookup:
        """MX answers become their target names, most preferred first, as SPF's mx mechanism
        needs them (only ten may be looked up, so the order is the mail servers')."""
        answer = await self._ask(name, "MX")
        pairs = [r.split() for r in answer.records]
        ranked = sorted((_preference(p[0]), p[-1].rstrip(".")) for p in pairs if len(p) == 2)
        return Lookup(answer.outcome, tuple(target for _, target in ranked), answer.error)

    async def ptr(self, name: str) -> Lookup:
        answer = await self._ask(name, "PTR")
        return Lookup(answer.outcome, tuple(r.rstrip(".") for r in answer.records), answer.error)


@dataclass
class MemoryDns(_ByType):
    """SpfDns over a dict {name: {type: [records]}}; `timeouts` are (name, type) pairs or
    names ("*" type) that answer with a DNS error. Names absent from the dict are NXDOMAIN.
    CNAME records are followed."""

    zone: Mapping[str, Mapping[str, Sequence[str]]]
    timeouts: frozenset[tuple[str, str]] = frozenset()

    async def _ask(self, name: str, rdtype: str, hops: int = 0) -> Lookup:
        key = name.lower().rstrip(".")
        node = self.zone.get(key)
        if node is not None and node.get(rdtype):
            return Lookup("ok", tuple(node[rdtype]))
        if (key, rdtype) in self.timeouts or (key, "*") in self.timeouts:
            return Lookup("error", (), "timed out")
        if node is not None and node.get("CNAME") and hops < 8:
            return await self._ask(node["CNAME"][0], rdtype, hops + 1)
        return Lookup("nxdomain" if node is None else "nodata")


@dataclass
class SpfResult:
    """What check_host came to, and how: lookups used, void lookups, terms evaluated."""

    result: str
    explanation: str = ""
    lookups: int = 0
    void_lookups: int = 0
    trace: list[str] = field(default_factory=list)
    domain: str = ""
    record: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "result": self.result,
            "explanation": self.explanation,
            "lookups": self.lookups,
            "void_lookups": self.void_lookups,
            "trace": list(self.trace),
        }


class _Stop(Exception):
    """Evaluation ends with permerror or temperror; `reason` goes into the trace."""

    def __init__(self, result: str, reason: str) -> None:
        super().__init__(reason)
        self.result = result
        self.reason = reason


def valid_domain(name: str) -> bool:
    """A name SPF may query: at least two labels, each 1-63 characters, 253 in all (§4.3);
    an address literal such as `[192.0.2.1]` (a HELO of RFC 5321 §4.1.3) is not a name."""
    name = name[:-1] if name.endswith(".") else name
    labels = name.split(".")
    if name.startswith("[") and name.endswith("]"):
        return False
    return len(name) <= 253 and len(labels) > 1 and all(0 < len(label) <= 63 for label in labels)


def parse_ip(text: str) -> IP:
    """The client address; an IPv4-mapped IPv6 address is evaluated as IPv4 (§5)."""
    address = ipaddress.ip_address(text.strip().strip("[]"))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


async def check_host(
    ip: str,
    domain: str,
    sender: str,
    helo: str = "",
    dns: SpfDns | None = None,
    *,
    default_explanation: str = "",
    receiver: str = "unknown",
) -> SpfResult:
    """Evaluate the SPF policy of `domain` for `ip` and `sender` (RFC 7208 §4).

    An empty sender means the HELO identity is checked (postmaster@helo). Never raises for
    any record or DNS answer: every problem is one of the seven results.
    """
    if dns is None:
        raise ValueError("check_host needs a DNS implementation")
    evaluation = _Evaluation(parse_ip(ip), sender, helo, dns, default_explanation, receiver)
    return await evaluation.run(domain)


class _Evaluation:
    """State of one check_host call: counters, trace, and the identities macros read."""

    def __init__(
        self, ip: IP, sender: str, helo: str, dns: SpfDns, default_explanation: str, receiver: str
    ) -> None:
        self.ip = ip
        self.helo = helo
        if not sender:
            sender = f"postmaster@{helo}"
        local, at, sender_domain = sender.rpartition("@")
        if not at:
            local, sender_domain = "postmaster", sender
        self.local = local or "postmaster"
        self.sender = f"{self.local}@{sender_domain}"
        self.sender_domain = sender_domain
        self.dns = dns
        self.default_explanation = default_explanation
        self.receiver = receiver
        self.lookups = 0
        self.void = 0
        self.trace: list[str] = []
        self.active: list[str] = []
        self.top_record: str | None = None

    async def run(self, domain: str) -> SpfResult:
        domain = domain.rstrip(".").lower() if domain.endswith(".") else domain
        try:
            if not valid_domain(domain):
                self.trace.append(f"{domain!r}: not a valid domain name, result none (RFC 7208 §4.3)")
                result, explanation = "none", ""
            else:
                result, explanation = await self._check(domain)
        except _Stop as stop:
            self.trace.append(f"{stop.result}: {stop.reason}")
            result, explanation = stop.result, ""
        return SpfResult(result, explanation, self.lookups, self.void, self.trace, domain, self.top_record)

    # ---------------------------------------------------------------- records

    async def _record(self, domain: str) -> SpfRecord | None:
        """The one SPF record of `domain` (§4.4, §4.5); None when there is none."""
        answer = await self.dns.txt(domain)
        if answer.outcome == "error":
            raise _Stop("temperror", f"{domain}: TXT lookup failed ({answer.error})")
        records = [r for r in answer.records if is_spf(r)]
        if not records:
            self.trace.append(f"{domain}: no SPF record")
            return None
        if len(records) > 1:
            raise _Stop("permerror", f"{domain}: {len(records)} SPF records")
        if self.top_record is None:
            self.top_record = records[0]
        self.trace.append(f"{domain}: {records[0]}")
        try:
            return parse(records[0])
        except SpfSyntaxError as exc:
            raise _Stop("permerror", f"{domain}: {exc}") from None

    async def _check(self, domain: str) -> tuple[str, str]:
        """check_host on one domain: the result and, for fail, the explanation."""
        if domain.lower() in self.active:
            raise _Stop("permerror", f"{domain}: include/redirect loop")
        self.active.append(domain.lower())
        try:
            record = await self._record(domain)
            if record is None:
                return "none", ""
            return await self._evaluate(record, domain)
        finally:
            self.active.pop()

    async def _evaluate(self, record: SpfRecord, domain: str) -> tuple[str, str]:
        """Mechanisms left to right; then redirect=; else neutral (§4.6.2, §6.1)."""
        for term in record.mechanisms:
            matched = await self._match(term, domain)
            self.trace.append(f"{domain}: {term.text} -> {'match' if matched else 'no match'}")
            if matched:
                result = _QUALIFIER_RESULT[term.qualifier]
                if result != "fail":
                    return result, ""
                return result, await self._explain(record, domain)
        redirect = record.modifier("redirect")
        if redirect is None:
            return "neutral", ""
        self._count(redirect)
        target = await self._target(redirect.domain_spec or "", domain)
        self.trace.append(f"{domain}: redirect={target}")
        if not valid_domain(target):
            raise _Stop("permerror", f"{domain}: redirect to invalid name {target!r}")
        result, explanation = await self._check(target)
        if result == "none":
            raise _Stop("permerror", f"{domain}: redirect target {target} has no SPF record")
        return result, explanation

    # ---------------------------------------------------------------- mechanisms

    def _count(self, term: Term) -> None:
        """One more DNS-querying term; the 11th is a permerror (§4.6.4)."""
        self.lookups += 1
        if self.lookups > MAX_LOOKUPS:
            raise _Stop("permerror", f"more than {MAX_LOOKUPS} DNS lookups (at {term.text})")

    def _void(self, answer: Lookup, what: str) -> bool:
        """Count a lookup that found nothing; the third is a permerror (§4.6.4)."""
        if not answer.void:
            return False
        self.void += 1
        if self.void > MAX_VOID_LOOKUPS:
            raise _Stop("permerror", f"more than {MAX_VOID_LOOKUPS} void lookups (at {what})")
        return True

    async def _match(self, term: Term, domain: str) -> bool:
        if term.name == "all":
            return True
        if term.name in ("ip4", "ip6"):
            return self._in_network(term)
        self._count(term)
        target = await self._target(term.domain_spec or domain, domain) if term.domain_spec else domain
        if term.name == "include":
            return await self._include(term, target)
        if not valid_domain(target):
            self.trace.append(f"{domain}: {term.text}: {target!r} is not a valid name, no match")
            return False
        if term.name == "a":
            return await self._a(term, target)
        if term.name == "mx":
            return await self._mx(term, target)
        if term.name == "ptr":
            return await self._ptr(target)
        return await self._exists(target)

    def _in_network(self, term: Term) -> bool:
        version = 4 if term.name == "ip4" else 6
        if self.ip.version != version:
            return False
        length = term.cidr4 if version == 4 else term.cidr6
        bits = length if length is not None else self.ip.max_prefixlen
        return self.ip in ipaddress.ip_network(f"{term.network}/{bits}", strict=False)

    def _cidr_match(self, term: Term, addresses: Iterable[str]) -> bool:
        length = term.cidr4 if self.ip.version == 4 else term.cidr6
        for text in addresses:
            try:
                address = ipaddress.ip_address(text)
            except ValueError:
                continue
            if address.version != self.ip.version:
                continue
            bits = length if length is not None else address.max_prefixlen
            if self.ip in ipaddress.ip_network(f"{address}/{bits}", strict=False):
                return True
        return False

    async def _addresses(self, name: str) -> Lookup:
        """A for an IPv4 client, AAAA for an IPv6 one (§5.3)."""
        return await (self.dns.a(name) if self.ip.version == 4 else self.dns.aaaa(name))

    async def _a(self, term: Term, target: str) -> bool:
        answer = await self._addresses(target)
        if answer.outcome == "error":
            raise _Stop("temperror", f"{term.text}: lookup of {target} failed ({answer.error})")
        self._void(answer, term.text)
        return self._cidr_match(term, answer.records)

    async def _mx(self, term: Term, target: str) -> bool:
        answer = await self.dns.mx(target)
        if answer.outcome == "error":
            raise _Stop("temperror", f"{term.text}: MX lookup of {target} failed ({answer.error})")
        if self._void(answer, term.text):
            return False
        for position, host in enumerate(answer.records):
            if position == MAX_NAMES:
                raise _Stop(
                    "permerror",
                    f"{term.text}: none of the first {MAX_NAMES} of {target}'s {len(answer.records)} MX "
                    "names matched, and looking up more is not allowed",
                )
            if not host or not valid_domain(host):
                continue
            addresses = await self._addresses(host)
            if addresses.outcome == "error":
                raise _Stop("temperror", f"{term.text}: lookup of {host} failed ({addresses.error})")
            if self._cidr_match(term, addresses.records):
                return True
        return False

    async def _validated_names(self) -> list[str]:
        """PTR names of the client whose A/AAAA lead back to it (§5.5); errors are no match."""
        answer = await self.dns.ptr(_reverse_name(self.ip))
        names: list[str] = []
        for name in answer.records[:MAX_NAMES]:
            addresses = await self._addresses(name)
            if any(_same_ip(a, self.ip) for a in addresses.records):
                names.append(name.rstrip("."))
        return names

    async def _ptr(self, target: str) -> bool:
        target = target.lower().rstrip(".")
        for name in await self._validated_names():
            lowered = name.lower()
            if lowered == target or lowered.endswith("." + target):
                return True
        return False

    async def _exists(self, target: str) -> bool:
        answer = await self.dns.a(target)
        if answer.outcome == "error":
            raise _Stop("temperror", f"exists:{target}: lookup failed ({answer.error})")
        self._void(answer, f"exists:{target}")
        return bool(answer.records)

    async def _include(self, term: Term, target: str) -> bool:
        """include: pass matches; fail/softfail/neutral do not; none is a permerror (§5.2)."""
        if not valid_domain(target):
            raise _Stop("permerror", f"{term.text}: {target!r} is not a valid name")
        result, _ = await self._check(target)
        if result == "pass":
            return True
        if result in ("fail", "softfail", "neutral"):
            return False
        if result == "none":
            raise _Stop("permerror", f"{term.text}: {target} has no SPF record")
        raise _Stop(result, f"{term.text}: {result}")

    # ---------------------------------------------------------------- macros

    async def _target(self, spec: str, domain: str) -> str:
        """A domain-spec expanded, then shortened from the left to 253 characters (§7.3)."""
        try:
            expanded = await self._expand(spec, domain)
        except SpfSyntaxError as exc:
            raise _Stop("permerror", str(exc)) from None
        expanded = expanded.rstrip(".") if expanded.endswith(".") else expanded
        return _truncated(expanded)

    async def _expand(self, text: str, domain: str, *, explain: bool = False) -> str:
        """Expand every macro of a checked macro-string (§7)."""
        check_macro_string(text, explain=explain)
        out: list[str] = []
        position = 0
        while position < len(text):
            char = text[position]
            if char != "%":
                out.append(char)
                position += 1
                continue
            following = text[position + 1]
            if following in "%_-":
                out.append({"%": "%", "_": " ", "-": "%20"}[following])
                position += 2
                continue
            end = text.index("}", position)
            out.append(await self._macro(text[position + 2 : end], domain))
            position = end + 1
        return "".join(out)

    async def _macro(self, body: str, domain: str) -> str:
        """One %{...}: letter, optional digits and 'r', optional delimiters (§7.3)."""
        letter, rest = body[0], body[1:]
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        reverse = bool(rest) and rest[0] in "rR"
        delimiters = rest[1:] if reverse else rest
        value = await self._macro_value(letter.lower(), domain)
        parts = _split(value, delimiters or ".")
        if reverse:
            parts.reverse()
        if digits:
            parts = parts[-int(digits) :]
        result = ".".join(parts)
        if letter.isupper():
            result = urllib.parse.quote(result, safe=_UNRESERVED)
        return result

    async def _macro_value(self, letter: str, domain: str) -> str:
        values = {
            "s": self.sender,
            "l": self.local,
            "o": self.sender_domain,
            "d": domain,
            "h": self.helo,
            "v": "in-addr" if self.ip.version == 4 else "ip6",
            "c": str(self.ip),
            "r": self.receiver,
            "t": str(int(time.time())),
        }
        if letter == "i":
            return _dotted(self.ip)
        if letter == "p":
            return await self._p_value(domain)
        return values[letter]

    async def _p_value(self, domain: str) -> str:
        """%{p}: a validated name of the client, preferring the domain itself (§7.3)."""
        names = await self._validated_names()
        domain = domain.lower()
        for name in names:
            if name.lower() == domain:
                return name
        for name in names:
            if name.lower().endswith("." + domain):
                return name
        return names[0] if names else "unknown"

    # ---------------------------------------------------------------- explanation

    async def _explain(self, record: SpfRecord, domain: str) -> str:
        """The exp= text for a fail, or the default when anything about it fails (§6.2)."""
        exp = record.modifier("exp")
        if exp is None:
            return self.default_explanation
        try:
            target = await self._target(exp.domain_spec or "", domain)
        except _Stop:
            return self.default_explanation
        if not valid_domain(target):
            return self.default_explanation
        answer = await self.dns.txt(target)
        if answer.outcome != "ok" or len(answer.records) != 1:
            return self.default_explanation
        text = answer.records[0]
        if not text.isascii():
            return self.default_explanation
        try:
            explanation = await self._expand(text, domain, explain=True)
        except SpfSyntaxError:
            return self.default_explanation
        self.trace.append(f"{domain}: exp={target}: {explanation}")
        return explanation


def _truncated(name: str, limit: int = 253) -> str:
    """Whole labels dropped from the left until at most `limit` characters remain (§7.3), in
    one pass: a sender's local-part of a megabyte must not cost a pass per label."""
    if len(name) <= limit:
        return name
    start = len(name) - limit
    if name[start - 1] != ".":
        dot = name.find(".", start)
        start = dot + 1 if dot != -1 else name.rfind(".") + 1
    return name[start:]


def _preference(text: str) -> int:
    """An MX preference; anything unreadable sorts last."""
    return int(text) if text.isdigit() else 65536


def _split(value: str, delimiters: str) -> list[str]:
    parts = [value]
    for delimiter in delimiters:
        parts = [piece for part in parts for piece in part.split(delimiter)]
    return parts


def _dotted(ip: IP) -> str:
    """%{i}: dotted quad, or for IPv6 32 dot-separated nibbles (§7.3).

    Nibbles are upper-case hex as the OpenSPF suite expects in explanation text
    (v-macro-ip6); DNS names are case-insensitive, so queries are unaffected.
    """
    if ip.version == 4:
        return str(ip)
    return ".".join(f"{int(ip):032X}")


def _reverse_name(ip: IP) -> str:
    return ip.reverse_pointer


def _same_ip(text: str, ip: IP) -> bool:
    try:
        return ipaddress.ip_address(text) == ip
    except ValueError:
        return False
