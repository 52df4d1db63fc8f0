"""SPF record syntax (RFC 7208 §4.5, §5, §6, §7): parse a record into terms, validate macros.

Parsing is separate from evaluation so the `email.spf` check can judge a published record
without an IP to test, and so evaluation can refuse a record with a syntax error anywhere in
it before acting on any term (RFC 7208 §4.6: the whole record must parse). Every failure is
an `SpfSyntaxError` with a plain reason; nothing else is raised for any input text.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

QUALIFIERS = "+-~?"
MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
# Terms that cost one DNS lookup toward the limit of 10 (RFC 7208 §4.6.4).
LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})
MACRO_LETTERS = frozenset("slodiphv")
EXP_MACRO_LETTERS = MACRO_LETTERS | frozenset("crt")
DELIMITERS = frozenset(".-+,/_=")
MAX_LOOKUPS = 10
MAX_VOID_LOOKUPS = 2

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9\-_.]*")
_TERM = re.compile(r"([+\-~?]?)([A-Za-z][A-Za-z0-9\-_.]*)(.*)", re.DOTALL)
_MACRO = re.compile(r"\{([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)\}")
_TOPLABEL = re.compile(r"(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9\-]*[A-Za-z0-9])")
_DUAL_CIDR = re.compile(r"(.*?)(?:/(0|[1-9][0-9]*))?(?://(0|[1-9][0-9]*))?", re.DOTALL)
_IP4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
)


class SpfSyntaxError(ValueError):
    """The record (or a macro string) breaks the RFC 7208 grammar; the message says where."""


@dataclass(frozen=True)
class Term:
    """One directive or modifier as written, with its parts pulled apart.

    `domain_spec` is the unexpanded target of a/mx/ptr/include/exists or the value of
    redirect/exp; `network` is the address part of ip4/ip6.
    """

    text: str
    name: str
    qualifier: str = "+"
    modifier: bool = False
    domain_spec: str | None = None
    network: str | None = None
    cidr4: int | None = None
    cidr6: int | None = None
    value: str | None = None

    @property
    def costs_lookup(self) -> bool:
        """True when evaluating this term uses one of the 10 allowed DNS lookups."""
        return self.name in LOOKUP_TERMS


@dataclass(frozen=True)
class SpfRecord:
    """A parsed record: its mechanisms in order and the redirect/exp modifiers."""

    raw: str
    terms: tuple[Term, ...]

    @property
    def mechanisms(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.modifier)

    def modifier(self, name: str) -> Term | None:
        """The one redirect= or exp= modifier, or None (duplicates are refused by the parser)."""
        return next((t for t in self.terms if t.modifier and t.name == name), None)

    @property
    def all_term(self) -> Term | None:
        return next((t for t in self.mechanisms if t.name == "all"), None)


def is_spf(text: str) -> bool:
    """True when a TXT string is an SPF record: "v=spf1" alone or followed by a space (§4.5).

    Matched case-insensitively; "v=spf10" or "v=spf1a" are other records.
    """
    head = text[:7].lower()
    return head == "v=spf1" or head == "v=spf1 "


def parse(text: str) -> SpfRecord:
    """Parse a whole record; any term that breaks the grammar makes it invalid (§4.6)."""
    if not is_spf(text):
        raise SpfSyntaxError("does not start with v=spf1")
    if not text.isascii():
        raise SpfSyntaxError("contains non-ASCII characters (SPF records are 7-bit ASCII)")
    terms: list[Term] = []
    for word in text[6:].split(" "):
        if word:
            terms.append(parse_term(word))
    for name in ("redirect", "exp"):
        if sum(1 for t in terms if t.modifier and t.name == name) > 1:
            raise SpfSyntaxError(f"{name}= appears more than once")
    return SpfRecord(text, tuple(terms))


def parse_term(word: str) -> Term:
    """One space-separated term: a directive (qualifier + mechanism) or a name=value modifier."""
    if any(ord(c) < 0x21 or ord(c) > 0x7E for c in word):
        raise SpfSyntaxError(f"{word!r}: control or non-ASCII character in term")
    match = _TERM.fullmatch(word)
    if match is None:
        raise SpfSyntaxError(f"{word!r} is not a mechanism or modifier")
    qualifier, name, rest = match.groups()
    lowered = name.lower()
    if lowered in MECHANISMS and (rest == "" or rest[0] in ":/"):
        return _mechanism(word, qualifier or "+", lowered, rest)
    if not qualifier and rest.startswith("="):
        return _modifier(word, lowered, rest[1:])
    raise SpfSyntaxError(f"{word!r}: unknown mechanism {name!r}")


def _mechanism(word: str, qualifier: str, name: str, rest: str) -> Term:
    """The arguments of one mechanism, checked against its own grammar rule (§5)."""
    if name == "all":
        if rest:
            raise SpfSyntaxError(f"{word!r}: 'all' takes no argument")
        return Term(word, name, qualifier)
    if name in ("ip4", "ip6"):
        return _ip_mechanism(word, qualifier, name, rest)
    if name in ("include", "exists"):
        if not rest.startswith(":") or len(rest) == 1:
            raise SpfSyntaxError(f"{word!r}: {name} needs ':domain'")
        return Term(word, name, qualifier, domain_spec=check_domain_spec(rest[1:]))
    if name == "ptr":
        if rest.startswith("/"):
            raise SpfSyntaxError(f"{word!r}: ptr takes no CIDR length")
        spec = check_domain_spec(rest[1:]) if rest else None
        return Term(word, name, qualifier, domain_spec=spec)
    return _host_mechanism(word, qualifier, name, rest)


def _host_mechanism(word: str, qualifier: str, name: str, rest: str) -> Term:
    """a and mx: an optional ':domain-spec' then an optional dual CIDR length."""
    match = _DUAL_CIDR.fullmatch(rest)
    assert match is not None  # the pattern matches every string
    body, cidr4, cidr6 = match.groups()
    spec: str | None = None
    if body:
        if not body.startswith(":") or len(body) == 1:
            raise SpfSyntaxError(f"{word!r}: bad argument {body!r}")
        spec = check_domain_spec(body[1:])
    c4 = _cidr(word, cidr4, 32)
    c6 = _cidr(word, cidr6, 128)
    return Term(word, name, qualifier, domain_spec=spec, cidr4=c4, cidr6=c6)


def _ip_mechanism(word: str, qualifier: str, name: str, rest: str) -> Term:
    """ip4:network[/len] and ip6:network[/len], with strict address syntax."""
    if not rest.startswith(":"):
        raise SpfSyntaxError(f"{word!r}: {name} needs ':address'")
    address, _, length = rest[1:].partition("/")
    limit = 32 if name == "ip4" else 128
    cidr = _cidr(word, length, limit) if "/" in rest else None
    if name == "ip4" and not _IP4.fullmatch(address):
        raise SpfSyntaxError(f"{word!r}: {address!r} is not an IPv4 address")
    if name == "ip6":
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            raise SpfSyntaxError(f"{word!r}: {address!r} is not an IPv6 address") from None
    if name == "ip4":
        return Term(word, name, qualifier, network=address, cidr4=cidr)
    return Term(word, name, qualifier, network=address, cidr6=cidr)


def _cidr(word: str, text: str | None, limit: int) -> int | None:
    """A CIDR length: digits without a leading zero, at most 32 (IPv4) or 128 (IPv6)."""
    if text is None:
        return None
    if not re.fullmatch(r"0|[1-9][0-9]*", text) or int(text) > limit:
        raise SpfSyntaxError(f"{word!r}: bad CIDR length /{text}")
    return int(text)


def _modifier(word: str, name: str, value: str) -> Term:
    """redirect= and exp= take a domain-spec; any other name=value must hold a valid macro-string."""
    if name in ("redirect", "exp"):
        if not value:
            raise SpfSyntaxError(f"{word!r}: {name}= needs a domain")
        return Term(word, name, "", modifier=True, domain_spec=check_domain_spec(value), value=value)
    check_macro_string(value)
    return Term(word, name, "", modifier=True, value=value)


def check_macro_string(text: str, *, explain: bool = False) -> str:
    """Validate macro syntax (§7.1): every % starts %{..}, %%, %_ or %-; return the text.

    `explain` allows the letters c, r and t, which only explanation strings may use, and
    spaces, which only explanation strings contain.
    """
    letters = EXP_MACRO_LETTERS if explain else MACRO_LETTERS
    position = 0
    while position < len(text):
        char = text[position]
        if char == "%":
            position = _check_macro(text, position, letters)
            continue
        if not (0x21 <= ord(char) <= 0x7E or (explain and char == " ")):
            raise SpfSyntaxError(f"character {char!r} not allowed in {text!r}")
        position += 1
    return text


def _check_macro(text: str, position: int, letters: frozenset[str]) -> int:
    """Check one macro starting at a '%'; return the position just after it."""
    following = text[position + 1 : position + 2]
    if following in ("%", "_", "-"):
        return position + 2
    match = _MACRO.match(text, position + 1) if following == "{" else None
    if match is None:
        raise SpfSyntaxError(f"bad macro at {text[position : position + 12]!r} in {text!r}")
    letter, digits = match.group(1).lower(), match.group(2)
    if letter not in letters:
        raise SpfSyntaxError(f"macro letter {match.group(1)!r} not allowed here in {text!r}")
    if digits and int(digits) == 0:
        raise SpfSyntaxError(f"macro %{{{match.group(1)}0}} keeps zero labels in {text!r}")
    return match.end()


def check_domain_spec(spec: str) -> str:
    """A domain-spec: a macro-string that ends in a macro or in '.' toplabel (§7.1)."""
    check_macro_string(spec)
    if _ends_in_macro(spec):
        return spec
    body = spec[:-1] if spec.endswith(".") else spec
    head, dot, top = body.rpartition(".")
    if not dot or not head or not _TOPLABEL.fullmatch(top):
        raise SpfSyntaxError(f"{spec!r} does not end in a valid top-level label")
    return spec


def _ends_in_macro(spec: str) -> bool:
    """True when the last token of a valid macro-string is a macro-expand."""
    position, last_was_macro = 0, False
    while position < len(spec):
        if spec[position] == "%":
            following = spec[position + 1]
            position = spec.index("}", position) + 1 if following == "{" else position + 2
            last_was_macro = True
        else:
            position += 1
            last_was_macro = False
    return last_was_macro


def lookup_terms(record: SpfRecord) -> list[Term]:
    """The terms of a record that cost a DNS lookup when evaluated, in order."""
    return [t for t in record.terms if t.costs_lookup]
