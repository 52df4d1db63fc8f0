"""What the name a value is assigned to says about the value.

`JWT_SECRET`, `secret_key_base`, `apiKey`, `<dbPassword>` and `System.setProperty("X_TOKEN", …)`
name credentials; `token_type`, `secretName`, `max_tokens`, `public_key`, `credentialsId`
and `keyPressed` do not. A name is split into words (separators and camelCase), and it
names a credential when one word is a credential noun and no word marks it as something
else (an id, a count, a file, a public value). Plain data in, plain data out.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import Enum

NAME_CHARS = re.compile(r"[A-Za-z0-9_.$-]+\Z")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


class Strength(Enum):
    """How much a name alone tells: LOOSE names (`password`, `api_key`) make any literal
    of eight or more characters a finding; STRONG names (`*_KEY`, `SALT`, `SIGNING`) only
    a random-looking one, because they also hold cache keys, enum values and labels."""

    LOOSE = "loose"
    STRONG = "strong"


# Credential nouns. A name ending in one of these words (or holding it as a word) is a
# credential name unless an EXCLUDED word says otherwise.
LOOSE_WORDS = frozenset(
    {
        "secret", "secrets", "token", "password", "passwords", "passwd", "pwd", "pass",
        "passphrase", "credential", "credentials", "cred", "creds", "apikey", "apitoken",
        "secretkey", "accesskey", "privatekey", "authtoken", "accesstoken", "refreshtoken",
        "clientsecret", "appsecret", "jwtsecret", "bearer",
    }
)  # fmt: skip
STRONG_WORDS = frozenset(
    {"key", "keys", "salt", "pepper", "signing", "private", "auth", "hmac", "masterkey", "signingkey"}
)
# Single lower-case words that end like a credential noun and are not one.
LOOKALIKE_WORDS = frozenset(
    {
        "monkey", "turkey", "hockey", "jockey", "whiskey", "donkey", "hotkey", "keykey",
        "bypass", "compass", "surpass", "overpass", "underpass", "trespass", "encompass",
        "tokenizer", "jsonwebtoken",
    }
)  # fmt: skip
COMPOUND_SUFFIXES = (
    "secret",
    "token",
    "password",
    "passwd",
    "apikey",
    "secretkey",
    "accesskey",
    "privatekey",
)
# Words that make a credential-looking name something else: an identifier, a number, a
# location, a public value, a format or a setting about the credential.
EXCLUDED_WORDS = frozenset(
    {
        "id", "ids", "uuid", "guid", "name", "names", "file", "files", "filename", "path",
        "dir", "url", "uri", "endpoint", "host", "hostname", "domain", "type", "types",
        "length", "len", "size", "count", "max", "min", "limit", "limits", "num", "number",
        "total", "page", "next", "prev", "cursor", "continuation", "csrf", "xsrf",
        "idempotency", "cache", "partition", "sort", "foreign", "public", "publishable", "pub",
        "site", "version", "expiry", "expires", "expiration", "expire", "ttl", "lifetime",
        "timeout", "header", "prefix", "suffix", "field", "column", "format", "alg",
        "algorithm", "hint", "policy", "rotation", "mode", "enabled", "enable", "required",
        "ref", "arn", "kind", "label", "source", "location", "store", "manager",
        "provider", "region", "issuer", "audience", "scope", "scopes", "event", "events",
        "down", "up", "press", "pressed", "code", "map", "mapping", "word", "words", "hash",
        "hashed", "digest", "checksum", "sha", "md5", "fingerprint", "thumbprint", "kid",
        "index", "idx", "bits", "bytes", "spec", "schema", "template", "description", "desc",
        "doc", "docs", "help", "message", "msg", "error", "err", "text", "title", "display",
        "input", "output", "param", "params", "query", "link", "duration",
        "interval", "delay", "retries", "quota", "budget", "usage", "cost", "price", "prompt",
        "completion", "context", "window", "estimate", "used", "remaining", "rate", "bucket",
        "chunk", "encoding", "pair", "chars", "charset", "alphabet", "placeholder", "example",
        "sample", "dummy", "fake", "mock", "reset", "forgot", "confirm", "confirmation",
        "changed", "strength", "regex", "pattern", "validator", "selector",
        "handler", "callback", "fn", "func", "method", "class",
        "keystore", "truststore", "ring", "keyring", "frame", "board", "stroke", "strokes",
        "binding", "bindings", "shortcut", "prop", "props", "attr", "attribute", "mac", "lines",
    }
)  # fmt: skip
# A `key` after one of these is an API credential by name alone, like `password`.
LOOSE_KEY_QUALIFIERS = frozenset(
    {"api", "access", "secret", "private", "client", "auth", "master", "license"}
)
# Word pairs that name a database or storage key, not a credential.
EXCLUDED_PAIRS = frozenset({("primary", "key"), ("sort", "key"), ("row", "key"), ("object", "key")})


@dataclass(frozen=True)
class NameVerdict:
    """A credential name, and how strong the value behind it must look."""

    strength: Strength


def words(name: str) -> list[str]:
    """Lower-case words of an identifier: `JWT_SECRET` → jwt, secret; `apiKeyV2` → api, key, v, 2."""
    return [w.lower() for w in _WORD.findall(name)]


def _credential_strength(word: str) -> Strength | None:
    if word in LOOSE_WORDS:
        return Strength.LOOSE
    if word in STRONG_WORDS:
        return Strength.STRONG
    if word in LOOKALIKE_WORDS:
        return None
    if len(word) > 6 and word.endswith(COMPOUND_SUFFIXES):
        return Strength.LOOSE
    if len(word) > 4 and word.endswith(("key", "salt")):
        return Strength.STRONG
    return None


def judge_name(name: str) -> NameVerdict | None:
    """The verdict on a name a value is assigned to, or None when it names no credential."""
    parts = words(name)
    if not parts or any(part in EXCLUDED_WORDS for part in parts):
        return None
    if any(pair in EXCLUDED_PAIRS for pair in itertools.pairwise(parts)):
        return None
    strengths = [s for s in map(_credential_strength, parts) if s is not None]
    if any(a in LOOSE_KEY_QUALIFIERS and b in ("key", "keys") for a, b in itertools.pairwise(parts)):
        strengths.append(Strength.LOOSE)
    if not strengths:
        return None
    return NameVerdict(Strength.LOOSE if Strength.LOOSE in strengths else Strength.STRONG)
