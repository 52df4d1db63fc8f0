"""`email.message`: prove from one received message that DKIM, SPF and DMARC alignment work.

Input is the raw message saved as received (`[email] message`, an .eml file). Three steps:

1. DKIM: every DKIM-Signature is verified with dkimpy, the reference implementation. Its
   key lookups go through our resolver: the selector records are fetched through
   `ctx.net.dns` first, then dkimpy (synchronous) runs in a worker thread with a `dnsfunc`
   that answers from that prefetched map. A DNS failure on a key is an error, never a
   "missing key".
2. SPF: the connecting IP comes from the topmost Received header that names one
   (`from host (rdns [IP]) by ...`); Authentication-Results is not trusted, since anyone
   upstream can write it. check_host runs for the Return-Path domain, else the From domain.
3. DMARC alignment of the From domain with each passing DKIM `d=` and with the SPF domain,
   relaxed or strict per the policy's `adkim`/`aspf`.

Evidence holds headers only (From, Return-Path, the Received line used, the signatures'
tags): never the body, which may carry customer data.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path
from typing import Any

import dkim
import dkim.util

from launchwizard.checks.base import CheckContext
from launchwizard.config.registrable import registrable_domain
from launchwizard.email.dmarc import Discovery, discover
from launchwizard.email.spf_eval import ResolverDns, SpfResult, check_host
from launchwizard.email.txtrecord import txt_texts
from launchwizard.results import Result, Severity, Status
from launchwizard.safe.files import read_capped

MAX_MESSAGE_BYTES = 25 * 1024 * 1024
SKIP_REASON = (
    "set [email] message to the path of a received .eml, or pick one in the wizard (key l on the email stage)"
)
MODES = {"r": "relaxed", "s": "strict"}
_IP_LITERAL = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]")
_FROM_CLAUSE = re.compile(r"^\s*from\s+(.*?)(?:\s+by\s+|$)", re.IGNORECASE | re.DOTALL)


class MessageError(Exception):
    """The file cannot be read or is not an email message; `str()` is the plain reason."""


# ---------------------------------------------------------------- reading the message


def read_message(path: Path) -> tuple[bytes, Message]:
    """The raw bytes (for dkimpy) and the parsed header section (for everything else)."""
    try:
        raw = read_capped(path, MAX_MESSAGE_BYTES)
    except OSError as exc:
        raise MessageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise MessageError(f"{path} is empty")
    headers = BytesParser(policy=compat32).parsebytes(raw, headersonly=True)
    if not headers.keys() or b"\x00" in raw[:4096]:
        raise MessageError(f"{path} is not an email message: no header section found")
    if headers.get("From") is None and headers.get("DKIM-Signature") is None:
        raise MessageError(f"{path} is not an email message: it has no From or DKIM-Signature header")
    return raw, headers


def _unfold(value: str) -> str:
    return " ".join(str(value).split())


def address_domain(value: str | None) -> str | None:
    """The domain of an address header value (`Name <user@example.com>` → example.com)."""
    if not value:
        return None
    _, address = email.utils.parseaddr(_unfold(value))
    if "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().rstrip(".").lower()
    return domain or None


def from_domains(headers: Message) -> list[str]:
    """Every address domain in the From header(s); DMARC needs exactly one."""
    values = [_unfold(v) for v in headers.get_all("From", [])]
    addresses = [a for _, a in email.utils.getaddresses(values) if a]
    return [a.rsplit("@", 1)[1].rstrip(".").lower() if "@" in a else "" for a in addresses]


@dataclass
class Hop:
    """The connecting client named by a Received header."""

    ip: str
    helo: str
    line: str


def connecting_hop(headers: Message) -> Hop | None:
    """The topmost Received header whose `from` clause carries an IP literal, IPv4 or IPv6."""
    for value in headers.get_all("Received", []):
        line = _unfold(value)
        clause = _FROM_CLAUSE.match(line)
        if clause is None:
            continue
        for literal in _IP_LITERAL.findall(clause.group(1)):
            try:
                ip = ipaddress.ip_address(literal)
            except ValueError:
                continue
            words = clause.group(1).split()
            helo = words[0] if words and not words[0].startswith(("(", "[")) else ""
            return Hop(str(ip), helo, line)
    return None


# ---------------------------------------------------------------- DKIM


@dataclass
class Signature:
    """One DKIM-Signature header: its tags, the key it needs, and dkimpy's verdict."""

    index: int
    domain: str = ""
    selector: str = ""
    algorithm: str = ""
    header_canon: str = "simple"
    body_canon: str = "simple"
    result: str = "fail"
    reason: str = ""
    aligned: bool = False
    tags_error: str | None = None

    @property
    def key_name(self) -> str | None:
        if not self.domain or not self.selector:
            return None
        return f"{self.selector}._domainkey.{self.domain}".lower()

    def to_json(self) -> dict[str, Any]:
        return {
            "d": self.domain,
            "s": self.selector,
            "algorithm": self.algorithm,
            "canonicalization": {"header": self.header_canon, "body": self.body_canon},
            "result": self.result,
            "reason": self.reason,
            "aligned": self.aligned,
        }


def signatures(raw: bytes) -> list[Signature]:
    """The message's DKIM-Signature headers, in order, parsed with dkimpy's own tag parser."""
    try:
        parsed = dkim.DKIM(raw)
    except dkim.DKIMException as exc:
        raise MessageError(f"dkimpy cannot parse the message: {exc}") from exc
    found: list[Signature] = []
    values = [value for name, value in parsed.headers if name.lower() == b"dkim-signature"]
    for index, value in enumerate(values):
        sig = Signature(index)
        try:
            tags = dkim.util.parse_tag_value(value)
        except dkim.util.InvalidTagValueList as exc:
            sig.tags_error = f"unparseable DKIM-Signature: {exc}"
            found.append(sig)
            continue
        text = {k.decode("ascii", "replace").lower(): v.decode("ascii", "replace") for k, v in tags.items()}
        sig.domain = "".join(text.get("d", "").split()).rstrip(".").lower()
        sig.selector = "".join(text.get("s", "").split()).lower()
        sig.algorithm = text.get("a", "").strip()
        header_canon, _, body_canon = text.get("c", "simple/simple").strip().partition("/")
        sig.header_canon, sig.body_canon = header_canon or "simple", body_canon or "simple"
        found.append(sig)
    return found


@dataclass
class KeyFetch:
    """Selector records fetched through our resolver: name → TXT text (None: no record)."""

    keys: dict[str, bytes | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


async def fetch_keys(ctx: CheckContext, sigs: list[Signature]) -> KeyFetch:
    names = sorted({s.key_name for s in sigs if s.key_name})
    answers = await asyncio.gather(*(ctx.net.dns.query(name, "TXT") for name in names))
    fetched = KeyFetch()
    for name, answer in zip(names, answers, strict=True):
        if answer.failed:
            fetched.errors[name] = answer.describe()
            continue
        texts = txt_texts(list(answer.records)) if answer.found else []
        fetched.keys[name] = texts[0].encode("utf-8", "surrogateescape") if texts else None
    return fetched


class _Reasons(logging.Handler):
    """Collects the errors dkimpy logs (key format, DNS) instead of raising them."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def memory_dnsfunc(keys: Mapping[str, bytes | None]) -> Any:
    """A dkimpy `dnsfunc` answering from a map of lowercased names without the final dot."""

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        return keys.get(name.decode("ascii", "replace").rstrip(".").lower())

    return dnsfunc


def verify_signature(raw: bytes, index: int, dnsfunc: Any) -> tuple[bool, str]:
    """dkimpy's verdict on signature `index`, with its reason (synchronous: run in a thread)."""
    reasons = _Reasons()
    logger = logging.Logger("launchwizard.message.dkim", logging.ERROR)
    logger.addHandler(reasons)
    try:
        verifier = dkim.DKIM(raw, logger=logger, minkey=1024)
        ok = bool(verifier.verify(idx=index, dnsfunc=dnsfunc))
    except dkim.DKIMException as exc:
        return False, str(exc)
    if ok:
        return True, "signature verified"
    if reasons.messages:
        return False, reasons.messages[-1]
    return (
        False,
        "signature does not match: a signed header changed after signing, or the key is not the signer's",
    )


def verify_all(raw: bytes, sigs: list[Signature], keys: Mapping[str, bytes | None]) -> None:
    """Fill in each signature's result and reason with dkimpy."""
    dnsfunc = memory_dnsfunc(keys)
    for sig in sigs:
        if sig.tags_error:
            sig.reason = sig.tags_error
            continue
        ok, sig.reason = verify_signature(raw, sig.index, dnsfunc)
        sig.result = "pass" if ok else "fail"


# ---------------------------------------------------------------- alignment


def organisational(domain: str) -> str:
    """The organisational domain (RFC 7489 §3.2): the registrable domain by the Public
    Suffix List, so mail.example.co.uk belongs to example.co.uk, not to co.uk."""
    return registrable_domain(domain)


def aligned(identifier: str, from_domain: str, mode: str) -> bool:
    """RFC 7489 §3.1: strict needs the same name; relaxed the same organisational domain."""
    a, b = identifier.rstrip(".").lower(), from_domain.rstrip(".").lower()
    if mode == "s":
        return a == b
    return organisational(a) == organisational(b)


# ---------------------------------------------------------------- the check


async def message(ctx: CheckContext) -> list[Result]:
    """`email.message`: DKIM verifies and aligns with From, SPF passes for the connecting IP."""
    path = ctx.sprint.email.message
    if path is None:
        return [ctx.result(Status.SKIPPED, f"no message configured: {SKIP_REASON}")]
    evidence: dict[str, Any] = {"message": str(path)}
    try:
        raw, headers = read_message(path)
        sigs = signatures(raw)
    except MessageError as exc:
        return [ctx.result(Status.ERROR, str(exc), evidence=evidence)]
    return [await _judge(ctx, raw, headers, sigs, evidence)]


async def _judge(
    ctx: CheckContext, raw: bytes, headers: Message, sigs: list[Signature], evidence: dict[str, Any]
) -> Result:
    froms = from_domains(headers)
    return_path = headers.get("Return-Path")
    hop = connecting_hop(headers)
    evidence["headers"] = {
        "From": [_unfold(v) for v in headers.get_all("From", [])],
        "Return-Path": _unfold(return_path) if return_path is not None else None,
        "Received": hop.line if hop else None,
    }
    if len(froms) != 1 or not froms[0]:
        summary = f"the message has {len(froms)} From addresses: DMARC needs exactly one, with a domain"
        return ctx.result(Status.FAIL, summary, evidence=evidence)
    from_domain = froms[0]
    envelope_domain = address_domain(return_path)
    if envelope_domain and return_path is not None:
        spf_domain, spf_sender = envelope_domain, email.utils.parseaddr(_unfold(return_path))[1]
    else:
        spf_domain, spf_sender = from_domain, f"postmaster@{from_domain}"

    keys, spf, policy = await asyncio.gather(
        fetch_keys(ctx, sigs),
        _spf(ctx, hop, spf_domain, spf_sender),
        discover(ctx.net.dns, from_domain),
    )
    await asyncio.to_thread(verify_all, raw, sigs, keys.keys)
    adkim, aspf = _modes(policy)
    for sig in sigs:
        sig.aligned = bool(sig.domain) and aligned(sig.domain, from_domain, adkim)
    spf_aligned = aligned(spf_domain, from_domain, aspf)
    _fill_evidence(evidence, sigs, hop, spf, spf_domain, spf_sender, policy, from_domain, spf_aligned)

    errors = _dns_errors(keys, spf, policy)
    if errors:
        evidence["dns_errors"] = errors
        summary = "DNS error, nothing is proven: " + "; ".join(errors)
        return ctx.result(Status.ERROR, summary, evidence=evidence)
    problems = _problems(sigs, hop, spf, spf_domain, from_domain, adkim)
    dkim_carries_dmarc = any(s.result == "pass" and s.aligned for s in sigs)
    if problems:
        fix = _fix(sigs, hop, spf, spf_domain, from_domain)
        if dkim_carries_dmarc:
            summary = "DKIM verifies and aligns, so DMARC passes; but " + "; ".join(problems)
            return ctx.result(Status.WARN, summary, evidence=evidence, fix=fix, severity=Severity.MEDIUM)
        return ctx.result(Status.FAIL, "; ".join(problems), evidence=evidence, fix=fix)
    good = next(s for s in sigs if s.result == "pass" and s.aligned)
    assert spf is not None and hop is not None
    spf_note = "aligned" if spf_aligned else f"not aligned with {from_domain}, DKIM carries DMARC"
    summary = (
        f"DKIM d={good.domain} s={good.selector} verifies and aligns with From {from_domain} "
        f"({MODES[adkim]}); SPF pass for {hop.ip} at {spf_domain} ({spf_note})"
    )
    return ctx.result(Status.PASS, summary, evidence=evidence)


async def _spf(ctx: CheckContext, hop: Hop | None, domain: str, sender: str) -> SpfResult | None:
    if hop is None:
        return None
    return await check_host(hop.ip, domain, sender, hop.helo, ResolverDns(ctx.net.dns))


def _modes(policy: Discovery) -> tuple[str, str]:
    record = policy.record if policy.outcome == "found" else None
    if record is None:
        return "r", "r"
    adkim = record.adkim if record.adkim in MODES else "r"
    aspf = record.aspf if record.aspf in MODES else "r"
    return adkim, aspf


def _fill_evidence(
    evidence: dict[str, Any],
    sigs: list[Signature],
    hop: Hop | None,
    spf: SpfResult | None,
    spf_domain: str,
    spf_sender: str,
    policy: Discovery,
    from_domain: str,
    spf_aligned: bool,
) -> None:
    adkim, aspf = _modes(policy)
    evidence["dkim"] = [s.to_json() for s in sigs]
    evidence["spf"] = {
        "ip": hop.ip if hop else None,
        "helo": hop.helo if hop else None,
        "domain": spf_domain,
        "sender": spf_sender,
        "result": spf.result if spf else None,
        "explanation": spf.explanation if spf else "no Received header names the connecting IP",
        "lookups": spf.lookups if spf else 0,
    }
    evidence["dmarc"] = {
        "from_domain": from_domain,
        "found_at": policy.name,
        "record": policy.texts[0] if policy.outcome == "found" and policy.texts else None,
        "outcome": policy.outcome,
        "adkim": MODES[adkim],
        "aspf": MODES[aspf],
    }
    table: list[dict[str, Any]] = [
        {
            "method": "dkim",
            "domain": s.domain,
            "mode": MODES[adkim],
            "authenticated": s.result == "pass",
            "aligned": s.aligned,
        }
        for s in sigs
    ]
    table.append(
        {
            "method": "spf",
            "domain": spf_domain,
            "mode": MODES[aspf],
            "authenticated": spf is not None and spf.result == "pass",
            "aligned": spf_aligned,
        }
    )
    evidence["alignment"] = table


def _dns_errors(keys: KeyFetch, spf: SpfResult | None, policy: Discovery) -> list[str]:
    errors = [f"DKIM key {name}: {error}" for name, error in keys.errors.items()]
    if spf is not None and spf.result == "temperror":
        errors.append(f"SPF temperror: {spf.explanation or 'DNS failed during evaluation'}")
    if policy.outcome == "error":
        errors.append(f"DMARC discovery: {policy.error}")
    return errors


def _problems(
    sigs: list[Signature],
    hop: Hop | None,
    spf: SpfResult | None,
    spf_domain: str,
    from_domain: str,
    adkim: str,
) -> list[str]:
    problems: list[str] = []
    passing = [s for s in sigs if s.result == "pass"]
    if not sigs:
        problems.append("the message carries no DKIM-Signature: outbound mail is not being signed")
    elif not passing:
        problems.extend(f"DKIM d={s.domain} s={s.selector} fails: {s.reason}" for s in sigs)
    elif not any(s.aligned for s in passing):
        problems.extend(
            f"DKIM d={s.domain} verifies but does not align with From {from_domain} "
            f"({MODES[adkim]} alignment)"
            for s in passing
        )
    if hop is None or spf is None:
        problems.append(
            "no Received header names the connecting IP, so SPF cannot be evaluated "
            "(save the message as received, not from the Sent folder)"
        )
    elif spf.result != "pass":
        detail = f": {spf.explanation}" if spf.explanation else ""
        problems.append(f"SPF {spf.result} for {hop.ip} at {spf_domain}{detail}")
    return problems


def _fix(
    sigs: list[Signature], hop: Hop | None, spf: SpfResult | None, spf_domain: str, from_domain: str
) -> str:
    steps: list[str] = []
    if not any(s.result == "pass" and s.aligned for s in sigs):
        steps.append(
            f"Have the sending service sign with d={from_domain} (or a subdomain of it under relaxed "
            "alignment) using a selector whose key is published at <selector>._domainkey."
            f"{from_domain}, and send a fresh message."
        )
    if hop is not None and spf is not None and spf.result not in ("pass", "temperror"):
        steps.append(
            f"Add the sending server {hop.ip} (or its provider's include) to the SPF record of {spf_domain}."
        )
    return " ".join(steps)
