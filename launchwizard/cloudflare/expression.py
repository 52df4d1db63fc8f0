"""Enough of Cloudflare's Rules language to tell whether a rule applies to a route.

A rate-limiting or WAF rule's expression (`http.request.uri.path eq "/login"`) is evaluated
against one request of the sprint: its host, path, query and method. Everything else a
request has (the client's IP address, bot score, country, headers, cookies) is unknown
here, so evaluation is three-valued: YES, NO, or DEPENDS on the fields named.

Covered (from Cloudflare's "Operators and grouping symbols" and "Values" pages): the
comparison operators in English and C-like notation (`eq ==`, `ne !=`, `lt <`, `le <=`,
`gt >`, `ge >=`, `contains`, `wildcard`, `strict wildcard`, `matches ~`, `in {...}`), the
logical operators by precedence (`not !`, then `and &&`, `xor ^^`, `or ||`), parentheses,
quoted strings (`\\"` and `\\\\` escapes) and raw strings (`r"..."`, `r#"..."#`), fields
with `[...]` lookups, lists (`$name`), and the functions lower, upper, starts_with,
ends_with, len, url_decode and concat. Unknown fields and functions are not errors: they
make the result DEPEND on them. A regular expression that could backtrack badly on
Python's engine (a repeated group holding a repetition or an alternation) is not run:
Cloudflare's engine is linear, ours is not, and the rule's author controls the pattern.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

MAX_LENGTH = 4096
"""Cloudflare's limit on an expression's length."""
MAX_DEPTH = 48
MAX_PATTERN = 1024


class ExpressionError(ValueError):
    """An expression that cannot be read; the message says where and why."""


class Truth(StrEnum):
    YES = "yes"
    NO = "no"
    DEPENDS = "depends"


@dataclass(frozen=True)
class Verdict:
    """What an expression comes to for one request, and what it depends on if not known."""

    truth: Truth
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestFacts:
    """The parts of a request the sprint knows: the route's URL and method."""

    host: str
    path: str
    query: str = ""
    method: str = "GET"
    scheme: str = "https"

    def fields(self) -> dict[str, Any]:
        uri = self.path + (f"?{self.query}" if self.query else "")
        known: dict[str, Any] = {
            "http.host": self.host,
            "http.request.uri.path": self.path,
            "http.request.uri": uri,
            "http.request.full_uri": f"{self.scheme}://{self.host}{uri}",
            "http.request.uri.query": self.query,
            "http.request.method": self.method,
            "ssl": self.scheme == "https",
        }
        known |= {
            f"raw.{name}": value for name, value in known.items() if name.startswith("http.request.uri")
        }
        known["raw.http.request.full_uri"] = known["http.request.full_uri"]
        return known


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "string", "symbol", "list", "end"
    text: str
    at: int


_SYMBOLS = ("==", "!=", "<=", ">=", "&&", "||", "^^", "<", ">", "~", "!", "(", ")", "{", "}", "[", "]", ",")
_WORD = re.compile(r"[A-Za-z0-9_.:/*\-]+")
_LIST = re.compile(r"\$[A-Za-z0-9_.]+")
_RAW = re.compile(r'r(#*)"')


def tokenize(source: str) -> list[Token]:
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(source)} characters; Cloudflare allows {MAX_LENGTH}")
    tokens: list[Token] = []
    at = 0
    while at < len(source):
        char = source[at]
        if char.isspace():
            at += 1
            continue
        raw = _RAW.match(source, at)
        if raw:
            at = _raw_string(source, raw, tokens)
            continue
        if char == '"':
            at = _quoted_string(source, at, tokens)
            continue
        symbol = next((s for s in _SYMBOLS if source.startswith(s, at)), None)
        if symbol:
            tokens.append(Token("symbol", symbol, at))
            at += len(symbol)
            continue
        match = _LIST.match(source, at) or _WORD.match(source, at)
        if not match:
            raise ExpressionError(f"unexpected character {char!r} at {at}")
        kind = "list" if match.group().startswith("$") else "word"
        tokens.append(Token(kind, match.group(), at))
        at = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def _quoted_string(source: str, start: int, tokens: list[Token]) -> int:
    out, at = [], start + 1
    while at < len(source):
        char = source[at]
        if char == "\\" and at + 1 < len(source):
            following = source[at + 1]
            out.append(following if following in '"\\' else char + following)
            at += 2
            continue
        if char == '"':
            tokens.append(Token("string", "".join(out), start))
            return at + 1
        out.append(char)
        at += 1
    raise ExpressionError(f"a string starting at {start} is not closed")


def _raw_string(source: str, match: re.Match[str], tokens: list[Token]) -> int:
    closing = '"' + match.group(1)
    end = source.find(closing, match.end())
    if end < 0:
        raise ExpressionError(f"a raw string starting at {match.start()} is not closed")
    tokens.append(Token("string", source[match.end() : end], match.start()))
    return end + len(closing)


# ---------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Field:
    name: str
    indexed: bool = False


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Compare:
    left: Any
    op: str
    right: Any


@dataclass(frozen=True)
class Member:
    value: Any
    options: tuple[Any, ...] | None  # None: a named list ($name), unknown here
    list_name: str = ""


@dataclass(frozen=True)
class Logical:
    op: str  # "and", "or", "xor"
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    item: Any


@dataclass(frozen=True)
class Truthy:
    """A bare field or function used as a condition (`ssl`, `starts_with(...)`)."""

    value: Any


_COMPARISONS = {
    "eq": "eq",
    "==": "eq",
    "ne": "ne",
    "!=": "ne",
    "lt": "lt",
    "<": "lt",
    "le": "le",
    "<=": "le",
    "gt": "gt",
    ">": "gt",
    "ge": "ge",
    ">=": "ge",
    "contains": "contains",
    "matches": "matches",
    "~": "matches",
    "wildcard": "wildcard",
}
_LOGICAL = {"and": "and", "&&": "and", "or": "or", "||": "or", "xor": "xor", "^^": "xor"}
_KEYWORDS = {"and", "or", "xor", "not", "in", "strict", *_COMPARISONS}


class Parser:
    """A recursive-descent parser; precedence from lowest: or, xor, and, not."""

    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.at = 0
        self.depth = 0

    def parse(self) -> Any:
        tree = self._or()
        if self._peek().kind != "end":
            raise self._error("unexpected text")
        return tree

    def _peek(self) -> Token:
        return self.tokens[self.at]

    def _take(self) -> Token:
        token = self.tokens[self.at]
        self.at = min(self.at + 1, len(self.tokens) - 1)
        return token

    def _error(self, message: str) -> ExpressionError:
        token = self._peek()
        shown = token.text or "the end"
        return ExpressionError(f"{message} at {token.at} ({shown[:20]!r})")

    def _is(self, *texts: str) -> bool:
        token = self._peek()
        return token.kind in ("word", "symbol") and token.text.lower() in texts

    def _expect(self, text: str) -> None:
        if not self._is(text):
            raise self._error(f"expected {text!r}")
        self._take()

    def _nested(self, parse: Callable[[], Any]) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._error("the expression nests too deeply")
        try:
            return parse()
        finally:
            self.depth -= 1

    def _chain(self, op: str, parse_item: Callable[[], Any]) -> Any:
        items = [parse_item()]
        while self._peek().kind in ("word", "symbol") and _LOGICAL.get(self._peek().text.lower()) == op:
            self._take()
            items.append(parse_item())
        return items[0] if len(items) == 1 else Logical(op, tuple(items))

    def _or(self) -> Any:
        return self._chain("or", self._xor)

    def _xor(self) -> Any:
        return self._chain("xor", self._and)

    def _and(self) -> Any:
        return self._chain("and", self._not)

    def _not(self) -> Any:
        if self._is("not", "!"):
            self._take()
            return Not(self._nested(self._not))
        return self._primary()

    def _primary(self) -> Any:
        if self._is("("):
            self._take()
            inner = self._nested(self._or)
            self._expect(")")
            return inner
        left = self._value()
        if self._is("in"):
            self._take()
            return self._membership(left)
        if self._is("strict"):
            self._take()
            self._expect("wildcard")
            return Compare(left, "strict wildcard", self._value())
        if self._peek().kind in ("word", "symbol") and self._peek().text.lower() in _COMPARISONS:
            op = _COMPARISONS[self._take().text.lower()]
            return Compare(left, op, self._value())
        return Truthy(left)

    def _membership(self, left: Any) -> Member:
        token = self._peek()
        if token.kind == "list":
            self._take()
            return Member(left, None, token.text)
        self._expect("{")
        options = []
        while not self._is("}"):
            if self._peek().kind == "end":
                raise self._error("a set { ... } is not closed")
            options.append(self._literal())
        self._take()
        return Member(left, tuple(options))

    def _literal(self) -> Literal:
        token = self._take()
        if token.kind == "string":
            return Literal(token.text)
        if token.kind == "word" and token.text.lower() not in _KEYWORDS:
            return Literal(_number_or_text(token.text))
        raise ExpressionError(f"expected a value at {token.at}")

    def _value(self) -> Any:
        token = self._peek()
        if token.kind == "string":
            self._take()
            return Literal(token.text)
        if token.kind != "word" or token.text.lower() in _KEYWORDS:
            raise self._error("expected a field, a function or a value")
        self._take()
        if self._is("("):
            return self._call(token.text)
        if token.text[0].isdigit():
            return Literal(_number_or_text(token.text))
        if token.text.lower() in ("true", "false"):
            return Literal(token.text.lower() == "true")
        indexed = False
        while self._is("["):
            self._take()
            self._take()
            self._expect("]")
            indexed = True
        return Field(token.text.lower(), indexed)

    def _call(self, name: str) -> Call:
        self._take()
        args = []
        while not self._is(")"):
            if self._peek().kind == "end":
                raise self._error(f"the call to {name} is not closed")
            args.append(self._nested(self._or))
            if self._is(","):
                self._take()
        self._take()
        return Call(name.lower(), tuple(args))


def _number_or_text(text: str) -> Any:
    return int(text) if text.isdigit() else text


def parse(source: str) -> Any:
    """The syntax tree of an expression; ExpressionError when it cannot be read."""
    try:
        return Parser(source).parse()
    except RecursionError:
        raise ExpressionError("the expression nests too deeply") from None


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Unknown:
    """A value this evaluation cannot know, with the fields it came from."""

    names: tuple[str, ...] = field(default_factory=tuple)


def _unknown(*values: Any) -> Unknown:
    names: list[str] = []
    for value in values:
        if isinstance(value, Unknown):
            names.extend(n for n in value.names if n not in names)
    return Unknown(tuple(names))


def _is_unknown(*values: Any) -> bool:
    return any(isinstance(value, Unknown) for value in values)


def evaluate(source: str, facts: RequestFacts) -> Verdict:
    """YES, NO or DEPENDS (on the fields named) for this request; ExpressionError when the
    expression cannot be read."""
    return _verdict(_truth(parse(source), facts.fields()))


def _verdict(value: Any) -> Verdict:
    if isinstance(value, Unknown):
        return Verdict(Truth.DEPENDS, value.names)
    return Verdict(Truth.YES if value is True else Truth.NO)


def _truth(node: Any, known: dict[str, Any]) -> Any:
    """True, False or Unknown for a condition."""
    if isinstance(node, Logical):
        return _logical(node.op, [_truth(item, known) for item in node.items])
    if isinstance(node, Not):
        inner = _truth(node.item, known)
        return inner if isinstance(inner, Unknown) else not inner
    if isinstance(node, Compare):
        return _compare(node.op, _value(node.left, known), _value(node.right, known))
    if isinstance(node, Member):
        return _member(node, known)
    value = _value(node.value, known)
    if isinstance(value, Unknown | bool):
        return value
    return Unknown(("a value used as a condition",))


def _logical(op: str, values: Sequence[Any]) -> Any:
    if op == "and":
        if any(v is False for v in values):
            return False
        return _unknown(*values) if _is_unknown(*values) else True
    if op == "or":
        if any(v is True for v in values):
            return True
        return _unknown(*values) if _is_unknown(*values) else False
    if _is_unknown(*values):
        return _unknown(*values)
    return sum(1 for v in values if v is True) % 2 == 1


def _value(node: Any, known: dict[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Field):
        if node.indexed or node.name not in known:
            return Unknown((node.name,))
        return known[node.name]
    if isinstance(node, Call):
        return _call(node, [_argument(arg, known) for arg in node.args])
    return Unknown(("an unsupported value",))


def _argument(node: Any, known: dict[str, Any]) -> Any:
    """A function's argument: a value, or a condition (`any(x[*] == "y")`)."""
    return _value(node.value, known) if isinstance(node, Truthy) else _truth(node, known)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "starts_with": lambda s, prefix: s.startswith(prefix),
    "ends_with": lambda s, suffix: s.endswith(suffix),
    "len": len,
    "url_decode": lambda s, *_: unquote(s),
    "concat": lambda *parts: "".join(parts),
}


def _call(node: Call, args: list[Any]) -> Any:
    function = _FUNCTIONS.get(node.name)
    if function is None:
        return _unknown(*args, Unknown((f"{node.name}()",)))
    if _is_unknown(*args):
        return _unknown(*args)
    if not args or not all(isinstance(arg, str) for arg in args):
        return Unknown((f"{node.name}()",))
    try:
        return function(*args)
    except TypeError:
        return Unknown((f"{node.name}()",))


def _compare(op: str, left: Any, right: Any) -> Any:
    if _is_unknown(left, right):
        return _unknown(left, right)
    if op in ("eq", "ne"):
        return (left == right) == (op == "eq")
    if op in ("lt", "le", "gt", "ge"):
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right)):
            return Unknown((f"an ordering of {type(left).__name__} values",))
        return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[op]
    if not isinstance(left, str) or not isinstance(right, str):
        return Unknown((f"{op} on a value that is not text",))
    if op == "contains":
        return right in left
    if op == "matches":
        return _matches(left, right)
    return wildcard_match(left, right, case_sensitive=op == "strict wildcard")


def _member(node: Member, known: dict[str, Any]) -> Any:
    value = _value(node.value, known)
    if node.options is None:
        return _unknown(value, Unknown((node.list_name,)))
    if isinstance(value, Unknown):
        return value
    options = [option.value for option in node.options]
    if isinstance(value, str):
        return value in options
    return Unknown(("a set of ranges or addresses",))


def regex_is_safe(pattern: str) -> bool:
    """False for patterns that can backtrack exponentially on Python's engine: a repeated
    group that holds a repetition or an alternation, at any depth (`(a+)+`, `((a|aa)b)*`)."""
    if len(pattern) > MAX_PATTERN:
        return False
    risky = [False]
    at, in_class = 0, False
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            risky.append(False)
        elif char == ")" and len(risky) > 1:
            inner = risky.pop()
            if inner and pattern[at + 1 : at + 2] in ("*", "+", "{"):
                return False
            risky[-1] = risky[-1] or inner
        elif char in "*+{|":
            risky[-1] = True
        at += 1
    return True


def _matches(subject: str, pattern: str) -> Any:
    if not regex_is_safe(pattern):
        return Unknown(("a regular expression too costly to evaluate here",))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Python's FutureWarnings about Rust-style classes
            return re.search(pattern, subject) is not None
    except (re.error, RecursionError, OverflowError):
        return Unknown(("a regular expression Python cannot read",))


def wildcard_match(subject: str, pattern: str, *, case_sensitive: bool) -> bool:
    """The whole subject against a wildcard pattern: `*` is any run of characters, `\\*`
    and `\\\\` are literal; `wildcard` ignores case, `strict wildcard` does not."""
    parts, literal, at = [], [], 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\" and at + 1 < len(pattern) and pattern[at + 1] in "*\\":
            literal.append(pattern[at + 1])
            at += 2
            continue
        if char == "*":
            parts.append(re.escape("".join(literal)))
            parts.append(".*")
            literal = []
        else:
            literal.append(char)
        at += 1
    parts.append(re.escape("".join(literal)))
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    regex = re.sub(r"(?:\.\*)+", ".*", "".join(parts))
    return re.fullmatch(regex, subject, flags) is not None
