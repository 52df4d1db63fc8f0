"""Context-aware checks a rule runs on a candidate after its regex matched.

A regex sees a shape; a validator sees the surrounding text too, so it can tell a
Supabase `service_role` key from the public `anon` key, a Firebase web key from a Gemini
key, a database URL to `localhost` with the default password from a production one, and
`token = get_token()` from `token = "…"`. A validator returns a `Verdict` to keep the
candidate (optionally with another severity, exposure or note) or None to drop it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from launchwizard.results import Severity
from launchwizard.secrets import filters, jwtinfo, names
from launchwizard.secrets.model import Exposure

LOWER_SEVERITY = {
    Severity.CRITICAL: Severity.HIGH,
    Severity.HIGH: Severity.MEDIUM,
    Severity.MEDIUM: Severity.LOW,
    Severity.LOW: Severity.INFO,
    Severity.INFO: Severity.INFO,
}

CODE_SUFFIXES = frozenset(
    {
        "py", "pyi", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "go", "rb", "java",
        "kt", "kts", "scala", "cs", "php", "rs", "swift", "c", "h", "cc", "cpp", "hpp", "m",
        "vue", "svelte", "astro", "dart", "lua", "ex", "exs", "erl", "clj", "groovy", "r",
        "map", "html", "htm",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """One regex match under judgement, with the text around it.

    `group` names the pattern's secret group that matched (a rule may offer several
    alternatives, each with its own `secret…` group); `start`, `end` and `secret` are that
    group's span and text. `lowered` is `text.lower()` with the same length, for cheap
    case-insensitive context checks.
    """

    text: str
    lowered: str
    match: re.Match[str]
    group: str
    path: str
    start: int
    end: int
    secret: str

    @classmethod
    def of(cls, text: str, lowered: str, match: re.Match[str], group: str, path: str) -> Candidate:
        start, end = match.span(group)
        return cls(text, lowered, match, group, path, start, end, text[start:end])

    def before(self, chars: int) -> str:
        """Up to `chars` lower-cased characters just before the secret."""
        return self.lowered[max(0, self.start - chars) : self.start]

    def around(self, chars: int) -> str:
        """The lower-cased secret with up to `chars` characters on each side."""
        return self.lowered[max(0, self.start - chars) : self.end + chars]

    def following_char(self) -> str:
        """The character right after the whole match ("" at the end of the text)."""
        return self.text[self.match.end() : self.match.end() + 1]

    def in_code_file(self) -> bool:
        """The path (or bundle URL) names source code: a programming language, a source map or
        a page with inline scripts, as opposed to configuration and env files."""
        name = self.path.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        return suffix in CODE_SUFFIXES


@dataclass(frozen=True)
class Verdict:
    """Keep the candidate. None fields keep the rule's own severity and exposure.

    `secret` replaces the matched text as the value that is fingerprinted and redacted,
    for rules whose match carries layout (a PEM block's line breaks) that must not make
    the same key look like two.
    """

    severity: Severity | None = None
    exposure: Exposure | None = None
    note: str = ""
    secret: str | None = None


ACCEPT = Verdict()

Validator = Callable[[Candidate], Verdict | None]


def words_before(words: tuple[str, ...], chars: int) -> Validator:
    """Keep a candidate only when one of `words` occurs within `chars` characters before it
    (a UUID is a Postmark token only right after `X-Postmark-Server-Token`)."""

    def check(candidate: Candidate) -> Verdict | None:
        context = candidate.before(chars)
        return ACCEPT if any(word in context for word in words) else None

    return check


def words_around(words: tuple[str, ...], chars: int) -> Validator:
    """Keep a candidate only when one of `words` occurs within `chars` characters on either
    side (a JWT is a Lemon Squeezy key only in Lemon Squeezy's company)."""

    def check(candidate: Candidate) -> Verdict | None:
        context = candidate.around(chars)
        return ACCEPT if any(word in context for word in words) else None

    return check


def mixed_case_letters(candidate: Candidate) -> Verdict | None:
    """Random letter tokens mix cases; identifiers of the same length rarely do."""
    value = candidate.secret
    return ACCEPT if any(c.isupper() for c in value) and any(c.islower() for c in value) else None


def has_digit(candidate: Candidate) -> Verdict | None:
    """Real Slack tokens carry numeric workspace and user ids; doc stand-ins often do not."""
    return ACCEPT if any(c.isdigit() for c in candidate.secret) else None


SLACK_MIN_BODY = 20


def slack_token(candidate: Candidate) -> Verdict | None:
    """Real Slack tokens carry numeric workspace and user ids and a random tail; stand-ins
    (`xoxb-12345-abcd`, `xoxp-…-SlackTokenHere`, an id list ending in `-####`) do not."""
    value = candidate.secret
    body = value.split("-", 1)[1] if "-" in value else ""
    if len(body) < SLACK_MIN_BODY or value.endswith("-") or not any(c.isdigit() for c in value):
        return None
    return None if filters.contains_stopword(body) else ACCEPT


def sentry_token(candidate: Candidate) -> Verdict | None:
    """An org auth token (`sntrys_`) carries base64 JSON (issue time, URLs, org) before its
    secret; a user token (`sntryu_`) is 64 hex digits."""
    value = candidate.secret
    if not value.startswith("sntrys_"):
        return ACCEPT
    payload = value[len("sntrys_") :].rsplit("_", 1)[0]
    try:
        decoded = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True))
    except (binascii.Error, ValueError):
        return None
    return ACCEPT if isinstance(decoded, dict) and "iat" in decoded else None


def vault_legacy_token(candidate: Candidate) -> Verdict | None:
    """`s.` and 24 random characters mixing upper case, lower case and digits."""
    body = candidate.secret[2:]
    return ACCEPT if filters.character_classes(body) == 3 else None


def letters_and_digits(candidate: Candidate) -> Verdict | None:
    """Random tokens mix upper and lower case letters with digits."""
    value = candidate.secret
    return ACCEPT if filters.character_classes(value) >= 3 else None


def discord_bot_token(candidate: Candidate) -> Verdict | None:
    """A bot token's first part is the bot's numeric user id in base64."""
    head = candidate.secret.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
    return ACCEPT if decoded.isdigit() and 15 <= len(decoded) <= 20 else None


TELEGRAM_BOT_ID_DIGITS = (5, 16)
TELEGRAM_SECRET_LENGTH = 35


def telegram_bot_token(candidate: Candidate) -> Verdict | None:
    """`<bot id>:<35 characters>`; the shape with an id or a secret of another length is
    recognised and rejected, so the generic rule does not report it either."""
    bot_id, _, secret = candidate.secret.partition(":")
    low, high = TELEGRAM_BOT_ID_DIGITS
    if not low <= len(bot_id) <= high or len(secret) != TELEGRAM_SECRET_LENGTH:
        return None
    return ACCEPT


def algolia_key(candidate: Candidate) -> Verdict | None:
    """Search-only keys are meant for browsers; admin and write keys are not. A key named
    or configured as a search key is reported as publishable."""
    context = candidate.before(100)
    if not any(word in context for word in ("key", "secret", "token")):
        return None
    if "search" in context:
        return Verdict(
            severity=Severity.INFO,
            exposure="publishable",
            note="search-only key: public by design; check it has no write ACL",
        )
    return ACCEPT


FIREBASE_WEB_MARKERS = ("authdomain", "messagingsenderid", "firebaseapp.com", "firebaseconfig", "appid:")
GEMINI_MARKERS = ("gemini", "generativelanguage", "genai", "generative_ai", "aistudio")


def google_api_key(candidate: Candidate) -> Verdict | None:
    """Firebase web config keys are public by design; Gemini keys spend money."""
    context = candidate.around(400)
    if any(marker in context for marker in FIREBASE_WEB_MARKERS):
        return Verdict(
            severity=Severity.INFO,
            exposure="publishable",
            note="Firebase web config key: public by design; restrict it to your domains and APIs",
        )
    if any(marker in context for marker in GEMINI_MARKERS):
        return Verdict(severity=Severity.CRITICAL, note="Gemini API key: usage is billed to the project")
    return ACCEPT


def gcp_service_account(candidate: Candidate) -> Verdict | None:
    """A `private_key_id` inside a service-account file means the private key is beside it."""
    if "service_account" in candidate.around(4000):
        return Verdict(note="service-account key file: the private key sits in the same JSON")
    return Verdict(severity=Severity.HIGH, note="a private_key_id outside a recognisable key file")


# Database URL passwords that only ever appear in tutorials and local compose files.
PLACEHOLDER_PASSWORDS = frozenset(
    {"password", "pass", "passwd", "pwd", "secret", "dbpassword", "db_password", "mypassword", "pw"}
)
DEFAULT_PASSWORDS = frozenset(
    {
        "postgres", "root", "admin", "mysql", "guest", "test", "redis", "mongo", "mongodb", "dev",
        "development", "local", "user", "rabbitmq", "sa", "toor", "default", "docker", "app",
    }
)  # fmt: skip
LOCAL_HOSTS = re.compile(
    r"localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host\.docker\.internal|[a-z][a-z0-9_-]*",
    re.IGNORECASE,
)


DATABASE_SCHEME = re.compile(
    r"(?<![A-Za-z0-9+.-])(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|valkey|amqps?"
    r"|mssql|sqlserver|oracle|cockroachdb|clickhouse|neo4j(?:\+s)?|couchbases?|couchdb|memcached?"
    r"|nats|kafka|cassandra|snowflake)(?:\+[a-z0-9]+)?\Z",
    re.IGNORECASE | re.ASCII,
)
SCHEME_LOOKBACK = 40


def database_url(candidate: Candidate) -> Verdict | None:
    """`scheme://user:password@host` for a database or broker scheme, with a real-looking
    password.

    The rule matches from `://`; the scheme is checked here, looking back from it.
    Tutorial passwords (`user:password@`) are dropped everywhere; default passwords
    (`postgres:postgres@`) only on local or compose-service hosts, where they are normal.
    A local host keeps a finding at medium severity: the password may be reused.
    """
    colon = candidate.match.start()
    head = candidate.text[max(0, colon - SCHEME_LOOKBACK) : colon]
    if DATABASE_SCHEME.search(head) is None:
        return None
    password = candidate.secret
    user = candidate.match.group("user") or ""
    host = (candidate.match.group("host") or "").lower()
    lowered = password.lower()
    if lowered in PLACEHOLDER_PASSWORDS or password[0] in "%${:" or password == user:
        return None
    local = LOCAL_HOSTS.fullmatch(host) is not None
    if local and lowered in DEFAULT_PASSWORDS:
        return None
    where = f"user {user or '(none)'} at {host}"
    if local:
        return Verdict(severity=Severity.MEDIUM, note=f"{where}: a local or container host")
    return Verdict(note=where)


PEM_ESCAPES = re.compile(r"\\[nrt]")
PEM_HEADER_LINE = re.compile(r"^[A-Za-z-]+:.*$", re.MULTILINE)
PEM_ARMOUR = re.compile(r"-{4,5} ?(?:BEGIN|END) [A-Z0-9 ]*-{4,5}")
PEM_MIN_BODY = 64
PEM_MIN_ENTROPY = 4.0
OPENSSH_MAGIC = b"openssh-key-v1\x00"


PUTTY_PRIVATE_LINES = re.compile(r"Private-Lines: \d+\r?\n(.*)\r?\nPrivate-MAC", re.DOTALL)


def _pem_body(block: str) -> str:
    putty = PUTTY_PRIVATE_LINES.search(block)
    if putty is not None:
        block = putty.group(1)
    text = PEM_ARMOUR.sub("", PEM_ESCAPES.sub("\n", block))
    text = PEM_HEADER_LINE.sub("", text)
    return "".join(text.split()).replace("\\", "")


def _openssh_encrypted(body: str) -> bool:
    try:
        raw = base64.b64decode(body[:96] + "=" * (-len(body[:96]) % 4))
    except (binascii.Error, ValueError):
        return False
    if not raw.startswith(OPENSSH_MAGIC) or len(raw) < len(OPENSSH_MAGIC) + 4:
        return False
    (size,) = struct.unpack(">I", raw[len(OPENSSH_MAGIC) : len(OPENSSH_MAGIC) + 4])
    cipher = raw[len(OPENSSH_MAGIC) + 4 : len(OPENSSH_MAGIC) + 4 + size]
    return cipher not in (b"none", b"")


def private_key(candidate: Candidate) -> Verdict | None:
    """A PEM, OpenSSH, PGP or PuTTY private key with a real body.

    The fingerprinted value is the base64 body without line breaks or escapes, so the key
    in a `.pem` file and the same key JSON-escaped in a service-account file match.
    Passphrase-protected keys stay findings, one severity lower.
    """
    block = candidate.match.group(0)
    body = _pem_body(candidate.secret)
    if len(body) < PEM_MIN_BODY or filters.shannon_entropy(body) < PEM_MIN_ENTROPY:
        return None
    if "..." in candidate.secret or "…" in candidate.secret or "example" in body.lower():
        return None
    encrypted = (
        "ENCRYPTED" in block[:200]
        or ("Encryption: " in block and "Encryption: none" not in block)
        or _openssh_encrypted(body)
    )
    if encrypted:
        return Verdict(
            severity=Severity.HIGH, note="encrypted with a passphrase: still rotate it", secret=body
        )
    return Verdict(secret=body)


def _jwt_expiry(info: jwtinfo.JwtInfo, severity: Severity, note: str = "") -> Verdict:
    expiry = info.expiry_note()
    if not expiry:
        return Verdict(note=note)
    return Verdict(severity=LOWER_SEVERITY[severity], note="; ".join(n for n in (note, expiry) if n))


def jwt_token(candidate: Candidate) -> Verdict | None:
    """Any JWT with JSON header and payload, except documentation examples."""
    info = jwtinfo.decode(candidate.secret)
    if info is None or info.is_documentation_example():
        return None
    return _jwt_expiry(info, Severity.MEDIUM)


def supabase_service_role(candidate: Candidate) -> Verdict | None:
    """A Supabase JWT whose role bypasses Row Level Security."""
    info = jwtinfo.decode(candidate.secret)
    if info is None or not info.is_supabase() or info.role != "service_role":
        return None
    return _jwt_expiry(info, Severity.CRITICAL)


def supabase_anon(candidate: Candidate) -> Verdict | None:
    """A Supabase `anon` JWT: meant for browsers, reported for awareness only."""
    info = jwtinfo.decode(candidate.secret)
    if info is None or not info.is_supabase() or info.role != "anon":
        return None
    return Verdict(note=info.expiry_note())


GENERIC_MIN_CLASSES = 2
NAME_LOOKBACK = 60
XML_CLOSE_LOOKAHEAD = 64
# Frameworks that label a key's encoding in front of it (Laravel's APP_KEY).
ENCODING_LABEL = "base64:"
QUOTED_GROUPS = ("secret_dq", "secret_sq", "secret_bt")


def _generic_shape_rejects(value: str) -> bool:
    """Values that are no credential whatever they are assigned to."""
    return (
        filters.is_literal_word(value)
        or filters.looks_like_reference(value)
        or filters.looks_like_jwt(value)
        or filters.is_env_name(value)
        or filters.is_path_or_url(value)
        or filters.is_email(value)
        or filters.is_digest_label(value)
        or filters.looks_like_version(value)
        or filters.is_domain_name(value)
        or filters.contains_stopword(value)
        or filters.decodes_to_prose(value)
    )


def _loose_shape_rejects(value: str) -> bool:
    """A short or plain value behind a password-like name: kept unless it reads as words,
    a hash or an identifier."""
    return (
        filters.is_hex_hash(value)
        or filters.is_uuid(value)
        or filters.is_wordlike(value)
        or filters.character_classes(value) < GENERIC_MIN_CLASSES
    )


def _name_start(text: str, end: int) -> int:
    start = end
    floor = max(0, end - NAME_LOOKBACK)
    while start > floor and (text[start - 1].isalnum() or text[start - 1] in "_.$-"):
        start -= 1
    return start


def _assignment_form_fits(candidate: Candidate, name_start: int) -> bool:
    """The operator's own demands: `"NAME", "value"` and `X || "value"` need a quoted value,
    `<Name>value` needs the element's `<`."""
    match = candidate.match
    op = match.group("op")
    quoted = candidate.group in QUOTED_GROUPS
    if op == ",":
        return quoted and any(q in match.group("close") for q in "\"'")
    if op in ("||", "??"):
        return quoted
    if op == ">":
        after = candidate.text[match.end() : match.end() + XML_CLOSE_LOOKAHEAD].lstrip()
        return name_start > 0 and candidate.text[name_start - 1] == "<" and after.startswith("</")
    return True


def generic_assignment(candidate: Candidate) -> Verdict | None:
    """A literal assigned to a name that names a credential: `JWT_SECRET=…` in a .env file,
    `password: …` in YAML, `"apiKey": "…"` in JSON, `secret_key_base = "…"` in TOML or
    Ruby, `<dbPassword>…</dbPassword>`, `os.getenv("API_TOKEN", "…")`.

    The name decides what is a credential (`names.judge_name`: `token_type`, `max_tokens`,
    `credentialsId`, `public_key` are not). A random-looking value (hex of 32 or more, a
    base64/base62 string of 24 or more, a UUID) behind any credential name is a finding;
    a shorter or plainer one only behind a password-like name. References
    (`process.env.X`, `settings.SECRET`, `$VAR`), calls and subscripts, bare identifiers
    and regex literals in source code, numbers and booleans, JWTs (their own rule
    decides), paths, URLs, e-mail addresses, versions, host names, digests with their
    label and base64 of prose never are.
    """
    value = candidate.secret
    match = candidate.match
    name_start = _name_start(candidate.text, match.start())
    name = candidate.text[name_start : match.end("tail")].lstrip("$")
    verdict = names.judge_name(name)
    if verdict is None or not _assignment_form_fits(candidate, name_start):
        return None
    bare = candidate.group == "secret_bare"
    if bare and candidate.following_char() in ("(", "[", "{"):
        return None
    if bare and candidate.in_code_file() and (filters.is_identifier(value) or value.startswith("/")):
        return None
    if _generic_shape_rejects(value):
        return None
    if filters.looks_random(value.removeprefix(ENCODING_LABEL)):
        return ACCEPT
    if verdict.strength is names.Strength.STRONG or _loose_shape_rejects(value):
        return None
    return ACCEPT
