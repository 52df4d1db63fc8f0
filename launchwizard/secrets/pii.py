"""Log-specific detectors: credentials in the shapes logs write them, and personal data.

The secret engine knows provider key formats; logs leak credentials in other shapes too
(a password in a connection URL, a token in a query string or cookie, an Authorization
header, a `"password"` field of a logged request body) and hold personal data no key rule
looks for: e-mail addresses, phone numbers, card numbers and customers' chat messages.

`find_hits(text)` runs every detector over a block of log lines and returns the hits with
their offsets, overlaps resolved, plus how many values were already masked (`****`,
`[REDACTED]`, `sk-...abcd`): a masked value is a good sign, not a finding.

Speed comes from giving Python's `re` a literal to search for. Two views of the block are
made once: `low`, the text as ASCII-lower-cased bytes (one byte per character, so offsets
match the text), and `shape`, the same with every digit turned into "0". Keyword
detectors search `low` for a rare anchor (`=`, `":`, `authorization`, `-key`, `://`) and
test the keyword with look-behinds; number detectors search `shape` for runs of "000".
A pattern that starts with a character class would instead be tried at every digit or
letter of the log, about ten times slower.

Each detector is tuned against what logs are full of: timestamps, IP addresses, UUIDs,
version strings, order ids and durations must not read as phones or cards. Cards must
pass the Luhn check and a card-network prefix and length; well-known published test
numbers are their own kind (`test-card`), not customer data.

A `Hit` carries the raw value only so the caller can fingerprint it; `shown(hit)` is the
one form meant for people and reports, computed only for the few samples kept.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from launchwizard.results import Severity
from launchwizard.secrets.model import Exposure, redact, secret_hash

MIN_SECRET_CHARS = 4
MIN_OPAQUE_ID_CHARS = 16
MIN_UNSCHEMED_AUTH_CHARS = 16
MIN_CHAT_CHARS = 40
MIN_CHAT_SPACES = 4
KEY_CHARS_MAX = 64


@dataclass(frozen=True)
class PiiKind:
    """What one detector finds: `one` and `many` name it in summaries; `severity` is how
    much one such value in a log matters (a credential is critical, an e-mail medium)."""

    id: str
    title: str
    one: str
    many: str
    exposure: Exposure
    severity: Severity

    def counted(self, count: int) -> str:
        """`1 e-mail address`, `3 e-mail addresses`."""
        return f"{count:,} {self.one if count == 1 else self.many}"


_CRITICAL, _HIGH, _MEDIUM, _INFO = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.INFO
_IN_QUERY = "secret in a query string, cookie or key=value pair"
KINDS: dict[str, PiiKind] = {
    kind.id: kind
    for kind in (
        PiiKind(
            "auth-header",
            "Authorization header",
            "Authorization header",
            "Authorization headers",
            "secret",
            _CRITICAL,
        ),
        PiiKind("api-key-header", "API key header", "API key header", "API key headers", "secret", _CRITICAL),
        PiiKind(
            "url-password", "Password in a URL", "password in a URL", "passwords in URLs", "secret", _CRITICAL
        ),
        PiiKind(
            "secret-field", "Secret in a logged field", "secret field", "secret fields", "secret", _CRITICAL
        ),
        PiiKind(
            "secret-param",
            _IN_QUERY.capitalize(),
            _IN_QUERY,
            "secrets in query strings, cookies or key=value pairs",
            "secret",
            _CRITICAL,
        ),
        PiiKind("card", "Payment card number", "card number", "card numbers", "pii", _HIGH),
        PiiKind(
            "chat-content", "Customer chat message", "customer message", "customer messages", "pii", _HIGH
        ),
        PiiKind("email", "E-mail address", "e-mail address", "e-mail addresses", "pii", _MEDIUM),
        PiiKind("phone", "Phone number", "phone number", "phone numbers", "pii", _MEDIUM),
        PiiKind(
            "test-card",
            "Published test card number",
            "test card number",
            "test card numbers",
            "identifier",
            _INFO,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Hit:
    """One value found in a block of text, at offsets [start, end) of the whole match."""

    kind: str
    start: int
    end: int
    value: str


_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


@dataclass(frozen=True)
class Views:
    """The block of text and its two search views, all with the same offsets."""

    text: str
    low: bytes
    shape: bytes

    @classmethod
    def of(cls, text: str) -> Views:
        low = text.encode("ascii", "replace").lower()
        return cls(text, low, low.translate(_DIGITS_TO_ZERO))


class Masked:
    """A counter of already-masked values, shared by the detectors of one block."""

    def __init__(self) -> None:
        self.count = 0


# ---------------------------------------------------------------- values

_NOT_A_VALUE = re.compile(
    r"^(?:true|false|null|none|nil|undefined|n/a|-|0|\$\{[^}]*\}?|\$[A-Za-z_]\w*|\{\{[^}]*(?:\}\})?|%[sdr]"
    r"|<[^>]*>|\[[^\]]*\])$",
    re.IGNORECASE,
)
_MASK_SUBSTRINGS = ("***", "••", "●●", "####", "...", "…")
_MASK_WORDS = frozenset({"redacted", "filtered", "masked", "hidden", "removed", "scrubbed"})
_BRACKETED_MASK = re.compile(r"[\[<](?:redacted|filtered|masked|hidden|removed|scrubbed)[\]>]", re.IGNORECASE)


def is_masked(value: str) -> bool:
    """Already hidden: stars, bullets, `[REDACTED]`, `<filtered>`, `xxx`, `sk-...abcd`."""
    if any(marker in value for marker in _MASK_SUBSTRINGS):
        return True
    lowered = value.lower()
    if lowered in _MASK_WORDS or (len(value) >= 3 and lowered.strip("x") == ""):
        return True
    return ("[" in value or "<" in value) and _BRACKETED_MASK.search(value) is not None


def is_non_value(value: str) -> bool:
    """Empty, a boolean or null, or a template hole: nothing was leaked."""
    stripped = value.strip()
    return not stripped or _NOT_A_VALUE.match(stripped) is not None


def _credential(
    kind: str, text: str, start: int, end: int, value_span: tuple[int, int], masked: Masked
) -> Hit | None:
    """A hit for a credential value, or None (counting it when it was masked)."""
    value = text[value_span[0] : value_span[1]].strip()
    if is_masked(value):
        masked.count += 1
        return None
    if is_non_value(value):
        return None
    if len(value) < MIN_SECRET_CHARS:
        return None
    return Hit(kind, start, end, value)


_KEY_TAIL = re.compile(rb"[a-z0-9_.\-]{1,64}\Z")


def key_before(low: bytes, end: int) -> str:
    """The key name (letters, digits, `_.-`) that ends at offset `end` of `low`."""
    match = _KEY_TAIL.search(low, max(0, end - KEY_CHARS_MAX), end)
    return match.group().decode("ascii") if match else ""


def _lookbehinds(words: Iterable[str], before: str, after: str) -> bytes:
    """`(?:(?<=BEFORE word AFTER)|...)`: one fixed-width look-behind per word."""
    parts = (f"(?<={re.escape(before + word + after)})" for word in words)
    return f"(?:{'|'.join(parts)})".encode()


# ---------------------------------------------------------------- headers and URLs

_HEADER_VALUE = rb"(?P<value>[^\s\"',;]{1,4096})"
_SEP = rb"[\"']?[ \t]*[:=][ \t]*[\"']?"
_AUTH_HEADER = re.compile(
    rb"authorization" + _SEP + rb"(?:(?P<scheme>bearer|basic|token|digest|bot|apikey|sso-key|hmac"
    rb"|aws4-hmac-sha256)[ \t]+)?" + _HEADER_VALUE
)
_KEY_HEADER = re.compile(rb"-(?P<word>key|token)" + _SEP + _HEADER_VALUE)
API_KEY_HEADERS = frozenset(
    {
        "x-api-key",
        "api-key",
        "x-api-token",
        "x-auth-token",
        "x-access-token",
        "x-goog-api-key",
        "x-functions-key",
        "ocp-apim-subscription-key",
        "x-admin-key",
        "openai-api-key",
        "anthropic-api-key",
    }
)
_URL_PASSWORD = re.compile(rb"://[^\s:/@\"'<>\\]{0,128}:(?P<value>[^\s@/\"'<>\\]{1,256})@(?=[\w\[])")
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_")


def _auth_headers(views: Views, masked: Masked) -> Iterator[Hit]:
    if b"authorization" not in views.low:
        return
    for match in _AUTH_HEADER.finditer(views.low):
        start = match.start()
        if start > 0 and views.low[start - 1] in _WORD_BYTES:
            continue
        value = match.group("value")
        unschemed = match.group("scheme") is None
        if (
            unschemed
            and not is_masked(value.decode())
            and (len(value) < MIN_UNSCHEMED_AUTH_CHARS or value.isalpha())
        ):
            continue
        hit = _credential("auth-header", views.text, start, match.end(), match.span("value"), masked)
        if hit is not None:
            yield hit


def _api_key_headers(views: Views, masked: Masked) -> Iterator[Hit]:
    if b"-key" not in views.low and b"-token" not in views.low:
        return
    for match in _KEY_HEADER.finditer(views.low):
        prefix = key_before(views.low, match.start())
        if f"{prefix}-{match.group('word').decode()}" not in API_KEY_HEADERS:
            continue
        start = match.start() - len(prefix)
        hit = _credential("api-key-header", views.text, start, match.end(), match.span("value"), masked)
        if hit is not None:
            yield hit


def _url_passwords(views: Views, masked: Masked) -> Iterator[Hit]:
    if b"://" not in views.low:
        return
    for match in _URL_PASSWORD.finditer(views.low):
        start = match.start() - len(key_before(views.low, match.start()))
        hit = _credential("url-password", views.text, start, match.end(), match.span("value"), masked)
        if hit is not None:
            yield hit


# ---------------------------------------------------------------- keyed secrets

SECRET_KEY_ENDINGS = (
    "token",
    "key",
    "password",
    "passwd",
    "pwd",
    "secret",
    "sig",
    "signature",
    "session",
    "sessionid",
    "session_id",
    "sid",
    "credential",
    "credentials",
)
"""Last words of the keys worth testing; `SECRET_KEY` then decides on the whole key."""

SECRET_KEY = re.compile(
    r"(?:[a-z0-9]+[_\-.])*(?:access_?token|refresh_?token|id_?token|auth_?token|session_?token|token"
    r"|api_?key|apikey|secret_?key|private_?key|password|passwd|pwd|secret|client_?secret|sig|signature"
    r"|credentials?|session|session_?id|sessionid|sid|jsessionid|phpsessid|connect\.sid)"
)
"""Keys whose values are credentials: `token`, `db_password`, `stripe_secret_key`,
`x-amz-signature`, `sessionid`... but not `cache_key` or `max_tokens`."""

NOT_SECRET_KEYS = frozenset(
    {"page_token", "next_page_token", "pagetoken", "nextpagetoken", "pagination_token", "continuation_token"}
)
"""Pagination cursors are called tokens but grant nothing."""

_OPAQUE_ID_KEYS = re.compile(
    r"(?:^|[_\-.])(?:sid|sig|signature|session|session_?id|sessionid|jsessionid|phpsessid)$"
)
"""Keys that also name short harmless numbers (`sid=3`): only long values count."""

_PARAM = re.compile(
    b"=" + _lookbehinds(SECRET_KEY_ENDINGS, "", "=") + rb"(?P<value>[^\s&\"'<>;,)\]}]{1,1024})"
)


def is_secret_key(key: str) -> bool:
    """Whether values under this key (any case) are credentials."""
    lowered = key.lower()
    return lowered not in NOT_SECRET_KEYS and SECRET_KEY.fullmatch(lowered) is not None


def _keyed(
    kind: str, views: Views, key: str, start: int, end: int, span: tuple[int, int], masked: Masked
) -> Hit | None:
    if not is_secret_key(key):
        return None
    hit = _credential(kind, views.text, start, end, span, masked)
    if hit is not None and _OPAQUE_ID_KEYS.search(key) and len(hit.value) < MIN_OPAQUE_ID_CHARS:
        return None
    return hit


def _secret_params(views: Views, masked: Masked) -> Iterator[Hit]:
    for match in _PARAM.finditer(views.low):
        key = key_before(views.low, match.start())
        start = match.start() - len(key)
        hit = _keyed("secret-param", views, key, start, match.end(), match.span("value"), masked)
        if hit is not None:
            yield hit


# ---------------------------------------------------------------- JSON fields: secrets and chat

STRONG_CHAT_KEYS = (
    "prompt",
    "user_prompt",
    "user_message",
    "user_input",
    "chat_message",
    "completion",
    "question",
)
WEAK_CHAT_KEYS = (
    "message",
    "content",
    "text",
    "input",
    "output",
    "response",
    "reply",
    "answer",
    "query",
    "body",
)
CHAT_CONTEXT = (
    b'"role"',
    b"chat",
    b"conversation",
    b"prompt",
    b"completion",
    b"assistant",
    b'"messages"',
    b"thread",
)
"""Words on a log line that say a generic field (`message`, `content`) holds a chat turn
rather than the log record's own message."""

_STRING = rb"(?P<value>[^Q\\\n]*(?:\\.[^Q\\\n]*)*)Q"


def _field_regex(quote: str) -> re.Pattern[bytes]:
    """`"key": "value"` (or with single quotes, as Python's repr writes dicts) where the
    key ends in a secret word (group `secret`) or is a chat field whose value has at
    least MIN_CHAT_CHARS characters (group `chat`).

    The regex is tried at every `":` of a JSON log, so a one-character look-behind on
    the key's last letter rejects most keys before the per-word look-behinds run, and
    short chat values are rejected in the regex, never reaching Python.
    """
    words = SECRET_KEY_ENDINGS + STRONG_CHAT_KEYS + WEAK_CHAT_KEYS
    gate = f"(?<=[{''.join(sorted({word[-1] for word in words}))}]{quote}:)".encode()
    secret = _lookbehinds(SECRET_KEY_ENDINGS, "", f"{quote}:")
    chat = _lookbehinds(STRONG_CHAT_KEYS + WEAK_CHAT_KEYS, quote, f"{quote}:")
    q = quote.encode()
    long_string = rb"(?=[ \t]*Q(?:[^Q\\\n]|\\.){%d})".replace(b"Q", q) % MIN_CHAT_CHARS
    string = _STRING.replace(b"Q", q)
    return re.compile(
        q + b":" + gate + b"(?:(?P<secret>" + secret + b")|(?P<chat>" + chat + b")" + long_string + b")"
        b"[ \t]*" + q + string
    )


_FIELDS = (_field_regex('"'), _field_regex("'"))
_CHAT_LOGFMT = re.compile(b'="' + _lookbehinds(STRONG_CHAT_KEYS, "", '="') + _STRING.replace(b"Q", b'"'))


_NOT_LETTERS = re.compile(r"[\W\d_]+")


def is_free_text(value: str) -> bool:
    """Sentences, not an id, a blob or a path: long enough, several words, mostly letters."""
    if len(value) < MIN_CHAT_CHARS or value.count(" ") < MIN_CHAT_SPACES:
        return False
    letters = len(_NOT_LETTERS.sub("", value))
    return letters >= 0.6 * (len(value) - value.count(" "))


def _has_chat_context(low: bytes, offset: int) -> bool:
    line_start = low.rfind(b"\n", 0, offset) + 1
    line_end = low.find(b"\n", offset)
    line = low[line_start : line_end if line_end >= 0 else len(low)]
    return any(word in line for word in CHAT_CONTEXT)


def _chat(views: Views, key: str, match: re.Match[bytes], masked: Masked) -> Hit | None:
    start, end = match.span("value")
    if end - start < MIN_CHAT_CHARS:
        return None
    value = views.text[start:end]
    if not is_free_text(value):
        return None
    if is_masked(value):
        masked.count += 1
        return None
    if key not in STRONG_CHAT_KEYS and not _has_chat_context(views.low, start):
        return None
    return Hit("chat-content", start, end, value)


def _fields(views: Views, masked: Masked) -> Iterator[Hit]:
    for quote, regex in zip(('"', "'"), _FIELDS, strict=True):
        if f"{quote}:".encode() not in views.low:
            continue
        for match in regex.finditer(views.low):
            opening = views.low.rfind(quote.encode(), 0, match.start())
            key = views.low[opening + 1 : match.start()].decode("ascii")
            if match.group("chat") is not None:
                hit = _chat(views, key, match, masked)
            else:
                hit = _keyed("secret-field", views, key, opening, match.end(), match.span("value"), masked)
            if hit is not None:
                yield hit
    if b'="' in views.low:
        for match in _CHAT_LOGFMT.finditer(views.low):
            key = key_before(views.low, match.start())
            if key in STRONG_CHAT_KEYS:
                hit = _chat(views, key, match, masked)
                if hit is not None:
                    yield hit


# ---------------------------------------------------------------- cards

_CARD_SHAPE = re.compile(
    rb"0000(?:0{9,15}|(?P<sep>[ \-])0000(?P=sep)0000(?P=sep)0{1,7}|[ \-]000000[ \-]00000?)"
    rb"(?![0-9a-z_\-/:]|[.,]0)"
)
_MASKED_CARD_SHAPE = re.compile(rb"\*{4}[ \-]?\*{4}[ \-]?\*{4}[ \-]?0000|000000\*{6}0000|x{12}0000")
_NOT_BEFORE_NUMBER = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.-+/:#$&")

CARD_NETWORKS: tuple[tuple[str, tuple[str, ...], frozenset[int]], ...] = (
    ("Visa", ("4",), frozenset({13, 16, 19})),
    ("Mastercard", ("51", "52", "53", "54", "55", *(str(p) for p in range(2221, 2721))), frozenset({16})),
    ("American Express", ("34", "37"), frozenset({15})),
    ("Discover", ("6011", "65", *(str(p) for p in range(644, 650))), frozenset(range(16, 20))),
    ("JCB", tuple(str(p) for p in range(3528, 3590)), frozenset(range(16, 20))),
    ("Diners Club", ("36", "38", "39", *(str(p) for p in range(300, 306))), frozenset(range(14, 20))),
    ("UnionPay", ("62",), frozenset(range(16, 20))),
)
"""Card networks by issuer prefix and card lengths: a digit run outside these (epoch
milliseconds start with 1, most database ids with small digits) is no card."""

PUBLISHED_TEST_CARDS = frozenset(
    {
        "4242424242424242",
        "4000056655665556",
        "5555555555554444",
        "2223003122003222",
        "5200828282828210",
        "5105105105105100",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "6011000990139424",
        "6011981111111113",
        "3056930009020004",
        "36227206271667",
        "3566002020360505",
        "6200000000000005",
        "4111111111111111",
        "4012888888881881",
        "4222222222222",
        "5431111111111111",
        "4000000000000002",
        "4000000000009995",
        "4000002500003155",
        "4000000000003220",
    }
)
"""Card numbers the payment providers publish for testing (Stripe, Braintree, Adyen
documentation): seeing them in logs means test traffic, not a customer's card."""


def luhn_valid(digits: str) -> bool:
    """The ISO/IEC 7812 check digit test every real card number passes."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_network(digits: str) -> str | None:
    """The network a card number belongs to by prefix and length, or None."""
    for name, prefixes, lengths in CARD_NETWORKS:
        if len(digits) in lengths and digits.startswith(prefixes):
            return name
    return None


def is_test_card(digits: str) -> bool:
    """A published test number, or one a person typed by repeating a digit or two
    (4111 1111 1111 1111, 4000 0000 0000 0002): never a real customer's card."""
    return digits in PUBLISHED_TEST_CARDS or len(set(digits[1:-1])) <= 2


def _cards(views: Views, masked: Masked) -> Iterator[Hit]:
    if b"****" in views.shape or b"xxxx" in views.shape:
        masked.count += sum(1 for _ in _MASKED_CARD_SHAPE.finditer(views.shape))
    for match in _CARD_SHAPE.finditer(views.shape):
        start, end = match.span()
        if start > 0 and views.low[start - 1] in _NOT_BEFORE_NUMBER:
            continue
        digits = views.text[start:end].replace(" ", "").replace("-", "")
        network = card_network(digits)
        if network is None or not digits.isdigit() or not luhn_valid(digits):
            continue
        kind = "test-card" if is_test_card(digits) else "card"
        yield Hit(kind, start, end, digits)


# ---------------------------------------------------------------- e-mail addresses

_EMAIL_DOMAIN = re.compile(
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24})(?![\w\-]|\.[A-Za-z0-9])"
)
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+\-*…]{1,64}\Z")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-*…")
FILE_SUFFIXES = frozenset(
    {
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "ico",
        "js",
        "mjs",
        "css",
        "map",
        "json",
        "txt",
        "log",
        "html",
    }
)
"""Suffixes after `@` that make an asset name (`logo@2x.png`), not a mail domain."""
ROLE_MAILBOXES = frozenset(
    {
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "postmaster",
        "mailer-daemon",
        "abuse",
        "hostmaster",
        "webmaster",
        "support",
        "help",
        "info",
        "hello",
        "contact",
        "sales",
        "billing",
        "security",
        "privacy",
        "admin",
        "team",
        "notifications",
        "alerts",
    }
)
"""Mailboxes of an organisation, not of a person: not personal data."""


def mask_email(address: str) -> str:
    """`j…@example.com#1a2b3c4d`: the first character, the domain (which says whose
    customers these are) and the hash of the whole address."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}…@{domain}#{secret_hash(address)}"


def _emails(views: Views, masked: Masked) -> Iterator[Hit]:
    text = views.text
    if "@" not in text:
        return
    for match in _EMAIL_DOMAIN.finditer(text):
        start = match.start()
        local_match = _EMAIL_LOCAL.search(text, max(0, start - KEY_CHARS_MAX), start)
        if local_match is None:
            continue
        local = local_match.group().lstrip(".")
        begin = start - len(local)
        if not any(char.isalnum() for char in local) or local.endswith("."):
            continue
        if begin > 0 and text[begin - 1] in _LOCAL_CHARS:
            continue
        domain = match.group("domain")
        if domain.rsplit(".", 1)[1].lower() in FILE_SUFFIXES or local.lower() in ROLE_MAILBOXES:
            continue
        if "*" in local or "…" in local:
            masked.count += 1
            continue
        address = f"{local}@{domain}"
        yield Hit("email", begin, match.end(), address)


# ---------------------------------------------------------------- phone numbers

_E164 = re.compile(r"\+[1-9](?:[ \-.]?\(?\d{1,6}\)?){1,6}")
_NANP_SHAPES = (re.compile(rb"000[ \-.]000[ \-.]0000"), re.compile(rb"\(000\)[ \t]?000[ \-.]0000"))
_TRUNK = re.compile(r"0(?=[\d \-]{10})[1-9]\d{0,3}(?:[ \-]\d{2,8}){1,4}")
_DATE_LIKE = re.compile(r"^\d{1,4}[ \-.]\d{1,2}[ \-.]\d{2,4}$")
_NOT_AFTER_NUMBER = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_-/")

E164_DIGITS = range(8, 16)
NATIONAL_DIGITS = range(10, 12)


def _bounded(views: Views, start: int, end: int) -> bool:
    """Not part of a longer token: an id, a decimal, a path, a time or a version."""
    low = views.low
    if start > 0 and low[start - 1] in _NOT_BEFORE_NUMBER:
        return False
    if end < len(low) and low[end] in _NOT_AFTER_NUMBER:
        return False
    return not (end + 1 < len(low) and low[end] in b".:," and views.shape[end + 1] == 0x30)


def _phone_ok(number: str, digits: range, *, international: bool) -> bool:
    count = sum(char.isdigit() for char in number)
    if count not in digits or _DATE_LIKE.match(number):
        return False
    groups = re.findall(r"\d+", number)
    if international:
        return not ("." in number and min(len(group) for group in groups) < 2)
    return len(groups) > 1


def _phone_hit(views: Views, start: int, end: int, international: bool) -> Hit | None:
    number = views.text[start:end]
    if not _bounded(views, start, end) or not _phone_ok(
        number, E164_DIGITS if international else NATIONAL_DIGITS, international=international
    ):
        return None
    normalized = ("+" if international else "") + re.sub(r"\D", "", number)
    return Hit("phone", start, end, normalized)


def _with_country_code(views: Views, start: int) -> int:
    """Where a North American number starts when `1-`, `1 ` or `1.` is written before it."""
    if start >= 2 and views.text[start - 2] == "1" and views.text[start - 1] in " -.":
        return start - 2
    return start


def _phones(views: Views, masked: Masked) -> Iterator[Hit]:
    del masked
    candidates: list[tuple[int, int, bool]] = []
    if "+" in views.text:
        candidates += [(m.start(), m.end(), True) for m in _E164.finditer(views.text)]
    for regex in _NANP_SHAPES:
        for match in regex.finditer(views.shape):
            start = _with_country_code(views, match.start())
            digits = re.sub(r"\D", "", views.text[match.start() : match.end()])
            if digits[0] in "23456789" and digits[3] in "23456789":
                candidates.append((start, match.end(), False))
    candidates += [(m.start(), m.end(), False) for m in _TRUNK.finditer(views.text)]
    for start, end, international in candidates:
        hit = _phone_hit(views, start, end, international)
        if hit is not None:
            yield hit


# ---------------------------------------------------------------- all together

Detector = Callable[[Views, Masked], Iterator[Hit]]
DETECTORS: tuple[Detector, ...] = (
    _auth_headers,
    _api_key_headers,
    _url_passwords,
    _fields,
    _secret_params,
    _cards,
    _emails,
    _phones,
)
"""In priority order: where two hits overlap, the one found by the earlier detector is
kept (a password in a URL is not also an e-mail address). Chat messages overlap
nothing: a message that holds an e-mail address counts as both."""


def shown(hit: Hit) -> str:
    """The form of a hit's value that may be shown: redacted, with what helps triage
    (the card network, the mail domain, a message's length) and never the value."""
    if hit.kind == "email":
        return mask_email(hit.value)
    if hit.kind in ("card", "test-card"):
        return f"{card_network(hit.value) or 'card'} {redact(hit.value)}"
    if hit.kind == "chat-content":
        return f"{redact(hit.value)} ({len(hit.value)} characters)"
    return redact(hit.value)


def find_hits(text: str) -> tuple[list[Hit], int]:
    """Every hit in `text` ordered by offset, overlaps resolved, and the masked count."""
    views = Views.of(text)
    masked = Masked()
    kept = _DisjointHits()
    chat: list[Hit] = []
    for detector in DETECTORS:
        for hit in detector(views, masked):
            if hit.kind == "chat-content":
                chat.append(hit)
            else:
                kept.add(hit)
    return sorted([*kept.hits, *chat], key=lambda hit: hit.start), masked.count


class _DisjointHits:
    """Hits that do not overlap, kept sorted by offset so each test is a bisection."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self._starts: list[int] = []

    def add(self, hit: Hit) -> None:
        index = bisect.bisect_left(self._starts, hit.start)
        before = self.hits[index - 1] if index > 0 else None
        after = self.hits[index] if index < len(self.hits) else None
        if (before is not None and before.end > hit.start) or (after is not None and after.start < hit.end):
            return
        self.hits.insert(index, hit)
        self._starts.insert(index, hit.start)
