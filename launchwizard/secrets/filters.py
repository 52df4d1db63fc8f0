"""Value-level tests that tell a credential from text that only looks like one.

Rules find candidates by shape; these predicates throw out the shapes that are not secrets:
documentation placeholders, keyboard runs, hashes and UUIDs, references to a variable
instead of a value, and words. Every function takes the candidate value only and never
logs or raises with it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from collections import Counter

HEX_HASH_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
RUN_LIMIT = 6

_PLACEHOLDER = re.compile(
    r"""
    example | sample | (?-i:x{4,}|X{4,}) | \*{3,} | \.{3} | … | [<>] | \{\{ | \}\} | \$\{ | \$\(
    | \{[a-z_][a-z0-9_]*\}
    | your[_-]?(?:api|app|own|key|secret|token|pass|project|org|account|client|access|private
                 |db|database|user|webhook|auth|real|actual|new)
    | [_-]here(?![a-z])
    | change[_-]?me | placeholder | dummy | redacted | replace[_-]?(?:me|with|this)
    | insert[_-]?(?:your|key|here|token) | not[_-]?a[_-]?real | fake[_-]?(?:key|token|secret)
    """,
    re.IGNORECASE | re.VERBOSE,
)

_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz")
_STEPS = {seq[i : i + RUN_LIMIT] for seq in _SEQUENCES for i in range(len(seq) - RUN_LIMIT + 1)}
_LONG_RUN = re.compile(
    rf"(.)\1{{{RUN_LIMIT - 1}}}|" + "|".join(sorted(_STEPS | {step[::-1] for step in _STEPS})),
    re.IGNORECASE | re.DOTALL,
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_JWT_SHAPE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")

_REFERENCE_PREFIX = re.compile(
    r"""
    \$[{(A-Za-z_] | %\w+% | [&*][A-Za-z_][\w-]*$
    | (?:process\.env|import\.meta\.env|os\.(?:environ|getenv)|getenv|env[.\[(:]|settings\.
        |config\.|secrets\.|self\.|this\.|vault:|arn:aws:|ssm:|sm://|ref\+|op://|file:)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_DOTTED_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+(?:\(\))?")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_WORDS = re.compile(r"[a-z]+(?:[-_. /][a-z]+)*|[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+(?:[A-Z][a-z]+)*")
_NUMBER = re.compile(r"[\d.,:_+-]+")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_PATH = re.compile(r"(?:\.{0,2}/|~/|[A-Za-z]:\\)[\w.@-]+(?:[/\\][\w.@-]+)+[/\\]?")
_FILE_NAME = re.compile(
    r"[\w.@/-]*\.(?:pem|key|crt|cer|p12|pfx|jks|json|txt|env|ya?ml|toml|ini|cfg|conf|gpg|asc)", re.IGNORECASE
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_DIGEST = re.compile(
    r"(?:sha(?:1|224|256|384|512)|md5)[-:=]|\$(?:2[abxy]?|argon2\w*|pbkdf2[\w-]*|[156])\$", re.IGNORECASE
)

LITERAL_WORDS = frozenset(
    {"true", "false", "null", "none", "nil", "undefined", "yes", "no", "on", "off", "empty"}
)

STOPWORDS: tuple[str, ...] = (
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "bearer",
    "basic",
    "authorization",
    "credential",
    "string",
    "required",
    "optional",
    "default",
    "hidden",
    "masked",
    "sensitive",
    "encrypt",
    "invalid",
    "missing",
    "enabled",
    "disabled",
    "public",
    "private",
    "internal",
    "localhost",
    "admin",
    "username",
    "value",
    "config",
    "setting",
    "environ",
    "production",
    "development",
    "staging",
    "function",
    "return",
    "object",
    "static",
    "const",
    "import",
    "module",
    "export",
    "boolean",
    "integer",
    "number",
    "pending",
    "header",
    "cookie",
    "session",
    "refresh",
    "access",
    "github",
    "client",
    "server",
    "version",
    "generate",
    "random",
    "replace",
    "sample",
    "testing",
    "mock",
    "lorem",
    "ipsum",
    "qwerty",
    "letmein",
    "welcome",
    "abc123",
    "test1234",
)

# sha256 of values printed in providers' documentation and RFCs (Stripe's test keys, the
# OAuth 2.0 RFC's sample tokens): reporting them would only teach users to ignore the
# scanner. Stored hashed so this file holds no key shapes.
DOCUMENTED_EXAMPLE_SHA256 = frozenset(
    {
        "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
        "f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397",
        "7e8de44ea9ecf6d53415c90f5b249a8591f7abafbf7d65a2c0d855afeca3ec09",
        "6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c",
        "00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32",
    }
)

# sha256 of values that are public although they look like secrets: the digests of the
# empty input (MD5, SHA-1, SHA-256), the first development account key printed by every
# local Ethereum node (Hardhat, Anvil), the Firebase Android SDK's sample API keys, and
# the search-only Algolia key in Yarn's documentation site.
KNOWN_PUBLIC_SHA256 = frozenset(
    {
        "f215faf9d88b7f0a881632ee22459ee452a296c808d261b6cc993d3a1fd0600e",
        "07e23ede2756aa3f5f7cc9759117c4910875e032c27b8556a1e20626224f10ec",
        "cd372fb85148700fa88095e3492d3f9f5beb43e555e5ff26d95f5a6adc36f8e6",
        "bc1a50966c9e6486bc4ebf880b51611a2a97fcb8e7a6976e9b81a9e3e8ca0e3c",
        "60a09e4357868c1e9b801052726d061c370429f723db84523ed58ac354f6eb8a",
        "f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c",
        "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
        "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
        "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
        "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
        "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
        "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
        "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
        "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
        "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
        "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
        "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
        "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
        "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
        "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
        "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
        "2f21fd9c81678e396751af8b2472e2bd209ff5ce38da144052fb6c024485982f",
    }
)


def shannon_entropy(value: str) -> float:
    """Bits per character of `value` taken as a sample of its own characters."""
    if not value:
        return 0.0
    total = len(value)
    return -sum((n / total) * math.log2(n / total) for n in Counter(value).values())


def is_placeholder(value: str) -> bool:
    """Documentation and template stand-ins: `YOUR_KEY_HERE`, `sk-xxxx…`, `${VAR}`, `<token>`."""
    return _PLACEHOLDER.search(value) is not None


def has_long_run(value: str) -> bool:
    """RUN_LIMIT equal characters in a row, or RUN_LIMIT consecutive ones (`abcdef`, `654321`).

    A random key of any realistic alphabet almost never holds such a run; a hand-typed
    stand-in (`0000000`, `sk_live_1234567890`) nearly always does.
    """
    return _LONG_RUN.search(value) is not None


def is_documented_example(value: str) -> bool:
    """A value a provider publishes in its own docs (compared by hash)."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return digest in DOCUMENTED_EXAMPLE_SHA256


def is_known_public(value: str) -> bool:
    """A value that is public although it looks like a secret (compared by hash)."""
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return digest in KNOWN_PUBLIC_SHA256


def rejects_value(value: str, *, placeholders: bool = True) -> bool:
    """The checks every rule applies: stand-ins, keyboard runs, documented examples and
    known public values."""
    if placeholders and is_placeholder(value):
        return True
    return has_long_run(value) or is_documented_example(value) or is_known_public(value)


def is_hex_hash(value: str) -> bool:
    """A bare hex digest (MD5, SHA-1, SHA-2 sizes): far more often a checksum than a key."""
    return len(value) in HEX_HASH_LENGTHS and _HEX.fullmatch(value) is not None


def is_uuid(value: str) -> bool:
    """An 8-4-4-4-12 UUID: an identifier unless a provider rule says otherwise."""
    return _UUID.fullmatch(value) is not None


def looks_like_jwt(value: str) -> bool:
    """Three dot-separated base64url parts starting with `eyJ`: the JWT rules decide these."""
    return _JWT_SHAPE.fullmatch(value) is not None


def looks_like_reference(value: str) -> bool:
    """A pointer to a secret rather than the secret: `$VAR`, `process.env.X`, `settings.KEY`,
    an ARN, a vault path, a dotted attribute or a call."""
    return (
        _REFERENCE_PREFIX.match(value) is not None
        or _DOTTED_NAME.fullmatch(value) is not None
        or value.endswith(")")
    )


def is_identifier(value: str) -> bool:
    """A bare programming-language name (`someVariable`, `api_key`)."""
    return _IDENTIFIER.fullmatch(value) is not None


def is_env_name(value: str) -> bool:
    """An upper-case variable name such as `GITHUB_TOKEN`: a reference, not a value."""
    return _ENV_NAME.fullmatch(value) is not None


def is_wordlike(value: str) -> bool:
    """Lower-case words joined by separators (`deploy/id_rsa`) or camelCase words without digits."""
    return _WORDS.fullmatch(value) is not None


def is_literal_word(value: str) -> bool:
    """Booleans, nulls and numbers: configuration values that are never secrets."""
    return value.lower() in LITERAL_WORDS or _NUMBER.fullmatch(value) is not None


def is_path_or_url(value: str) -> bool:
    """A file path, a URL or a file name: where a secret lives, not the secret."""
    return (
        _URL.match(value) is not None
        or _PATH.fullmatch(value) is not None
        or _FILE_NAME.fullmatch(value) is not None
    )


def is_email(value: str) -> bool:
    """An e-mail address (a username at most)."""
    return _EMAIL.fullmatch(value) is not None


def is_digest_label(value: str) -> bool:
    """An integrity or image digest (`sha384-…`, `sha256:…`) or a password hash (`$2b$…`)."""
    return _DIGEST.match(value) is not None


def contains_stopword(value: str) -> bool:
    """Holds a common word of code or configuration: real random secrets do not."""
    lowered = value.lower()
    return any(word in lowered for word in STOPWORDS)


def decodes_to_prose(value: str) -> bool:
    """Base64 of readable words (`bm90IG15…` is "not my real password"): a documentation
    stand-in dressed up as a key."""
    if len(value) % 4 or _BASE64.fullmatch(value) is None:
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    return decoded.isprintable() and (" " in decoded or is_placeholder(decoded) or contains_stopword(decoded))


_UUID_OR_HEX = re.compile(r"[0-9a-fA-F]{32,}")
_RANDOM_ALPHABET = re.compile(r"[A-Za-z0-9+/_.~-]{24,}={0,2}")
_VERSION = re.compile(r"(?:.*[^0-9])?v?\d{1,4}\.\d{1,4}(?:\.\d{1,6})?(?:[-+][\w.]{1,40})?")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,10}[a-z]{2,24}\.?", re.IGNORECASE)
RANDOM_HEX_MIN_ENTROPY = 3.0
RANDOM_TEXT_MIN_ENTROPY = 3.5


def looks_random(value: str) -> bool:
    """Shaped like generated key material: a UUID, 32 or more hex digits, or 24 or more
    characters of a base64/base62 alphabet mixing cases or letters and digits, with the
    character spread random text has (`openssl rand -hex 32`, `-base64 32`, a UUID4)."""
    if is_uuid(value):
        return not has_long_run(value)
    if _UUID_OR_HEX.fullmatch(value):
        return shannon_entropy(value) >= RANDOM_HEX_MIN_ENTROPY
    if _RANDOM_ALPHABET.fullmatch(value) is None or is_wordlike(value):
        return False
    letters_digits = (
        any(c.islower() for c in value) + any(c.isupper() for c in value) + any(c.isdigit() for c in value)
    )
    return letters_digits >= 2 and shannon_entropy(value) >= RANDOM_TEXT_MIN_ENTROPY


def looks_like_version(value: str) -> bool:
    """A version or a package coordinate (`1.2.3`, `jjwt-jackson-0.11.2`, `rc0.13.0`)."""
    return _VERSION.fullmatch(value) is not None


def is_domain_name(value: str) -> bool:
    """A host name (`sm02915.int.contoso.com`): where a service is, not a credential."""
    return _DOMAIN.fullmatch(value) is not None


def character_classes(value: str) -> int:
    """How many of lower case, upper case, digits and other characters the value mixes."""
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )
