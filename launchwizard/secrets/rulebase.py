"""The building blocks of the rule tables: the `Rule` type, overlap priorities, token
boundaries and the constructors most provider rules are written with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from launchwizard.results import Severity
from launchwizard.secrets import validators as v
from launchwizard.secrets.model import Exposure

# Overlap priority: when two rules match overlapping text, the higher one keeps it.
GENERIC = 0
BROAD = 10
SPECIFIC = 20
REFINED = 30

CRITICAL, HIGH, MEDIUM, LOW, INFO = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
    Severity.INFO,
)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One kind of credential and how to recognise it.

    `keywords` are lower-case literals: the regex runs only when one occurs in the
    lower-cased text. `anchored` means every match starts exactly where a keyword occurs
    (a key prefix such as `ghp_`, or the `token` of `API_TOKEN=`), so the engine tries
    the regex only there instead of searching the text. `near` > 0 limits the regex to
    matches starting within that many characters of a keyword (the word "twilio" must be
    close to a Twilio token). `min_entropy` is a Shannon floor in bits per character (0:
    none). `value_checks` applies the shared placeholder, keyboard-run and
    documented-example filters. `priority` settles overlaps: the higher rule keeps the
    text. `note` is advice shown with every finding of the rule.
    """

    id: str
    provider: str
    title: str
    severity: Severity
    pattern: re.Pattern[str]
    keywords: tuple[str, ...]
    exposure: Exposure = "secret"
    min_entropy: float = 3.0
    validator: v.Validator | None = None
    priority: int = SPECIFIC
    near: int = 0
    anchored: bool = False
    value_checks: bool = True
    note: str = ""
    secret_groups: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups = tuple(name for name in self.pattern.groupindex if name.startswith("secret"))
        if not groups:
            raise ValueError(f"rule {self.id}: the pattern has no secret group")
        if any(keyword != keyword.lower() or not keyword for keyword in self.keywords):
            raise ValueError(f"rule {self.id}: keywords must be non-empty lower-case literals")
        if (self.near or self.anchored) and not self.keywords:
            raise ValueError(f"rule {self.id}: near and anchored need keywords")
        object.__setattr__(self, "secret_groups", groups)

    def secret_group(self, match: re.Match[str]) -> str | None:
        """The name of the secret group that took part in `match`."""
        for name in self.secret_groups:
            if match.start(name) >= 0:
                return name
        return None


def _re(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII | (re.IGNORECASE if ignore_case else 0))


# Token boundaries for the URL-safe alphabet most providers use.
L = r"(?<![A-Za-z0-9_-])"
R = r"(?![A-Za-z0-9_-])"
# A key name's closing quote or bracket, the assignment operator and an opening quote.
ASSIGN = r"(?:\\?[\"'`\]]){0,2}\s{0,8}(?:=|:=|=>|:)\s{0,8}(?:\\?[\"'`])?"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# How far before a keyword-near value its `key`/`token`/`secret` word may be.
NEAR_WORDS_WINDOW = 100
JWT = r"eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{8,16000}\.[A-Za-z0-9_-]{0,2000}"


def _token(
    *,
    id: str,
    provider: str,
    title: str,
    severity: Severity,
    prefixes: tuple[str, ...],
    body: str,
    left: str = L,
    right: str = R,
    **options: Any,
) -> Rule:
    """A key that starts with one of a few fixed prefixes: the shape of most modern provider
    keys. The prefixes double as keywords and the regex is tried only where one occurs."""
    heads = "|".join(re.escape(prefix) for prefix in prefixes)
    return Rule(
        id=id,
        provider=provider,
        title=title,
        severity=severity,
        keywords=tuple(sorted({prefix.lower() for prefix in prefixes})),
        anchored=True,
        pattern=_re(f"{left}(?P<secret>(?:{heads})(?:{body})){right}"),
        **options,
    )


def _near_value(
    *,
    id: str,
    provider: str,
    title: str,
    severity: Severity,
    keywords: tuple[str, ...],
    value: str,
    words: tuple[str, ...] = (),
    near: int = 200,
    boundary: str = "A-Za-z0-9",
    **options: Any,
) -> Rule:
    """A credential with no prefix of its own (32 hex digits, 40 letters and digits): found
    only within `near` characters of the provider's name, and, when `words` are given, only
    right after one of them (`key`, `token`, `secret`) so an id or a hash beside the name
    is not taken for the key."""
    return Rule(
        id=id,
        provider=provider,
        title=title,
        severity=severity,
        keywords=keywords,
        near=near,
        pattern=_re(f"(?<![{boundary}])(?P<secret>{value})(?![{boundary}])"),
        validator=v.words_before(words, NEAR_WORDS_WINDOW) if words else options.pop("validator", None),
        **options,
    )
