"""Content-Security-Policy: parsing and the MDN HTTP Observatory's judgement of a policy.

Rules from web-tls-edge.md §2.3 (Observatory algorithm v6, test `content-security-policy`):
header and `<meta http-equiv>` policies are read together, a comma splits one field into
several policies (CSP3 §2.2), a directive given twice in one policy makes it invalid
(except report-uri / report-to, which only earn a warning), a policy shorter than six
characters is invalid, and `frame-ancestors`, `report-uri` and `sandbox` do not count
from a meta tag. A nonce or hash cancels 'unsafe-inline'; 'strict-dynamic' with a nonce
or hash drops broad sources, 'self' and 'unsafe-inline' from script-src, and without one
makes the policy invalid. The first rule that matches, in the Observatory's order, is
the result.

Several policies are all enforced by browsers, so for a directive set by more than one
of them a source counts only when every one of those policies allows it (exactly, or
as a path prefix); a directive left with no source is 'none'.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

MIN_POLICY_LENGTH = 6
"""One less than `img-src`, the shortest directive the Observatory accepts as a policy."""
MAX_SOURCES_PER_DIRECTIVE = 10_000
ALLOWED_DUPLICATES = frozenset({"report-uri", "report-to"})
META_FORBIDDEN = ("frame-ancestors", "report-uri", "sandbox")
DANGEROUSLY_BROAD = frozenset(
    {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
)
UNSAFE_INLINE = frozenset({"'unsafe-inline'", "data:"})
BROAD_OR_INLINE = DANGEROUSLY_BROAD | UNSAFE_INLINE
PASSIVE_DIRECTIVES = ("img-src", "media-src")
NONCE_OR_HASH = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")

PASSING = frozenset(
    {
        "csp-implemented-with-no-unsafe",
        "csp-implemented-with-no-unsafe-default-src-none",
        "csp-implemented-with-unsafe-inline-in-style-src-only",
        "csp-implemented-with-insecure-scheme-in-passive-content-only",
    }
)

Directives = dict[str, tuple[str, ...]]


class CspInvalid(ValueError):
    """A policy the Observatory cannot parse (too short, or a directive given twice)."""


@dataclass(frozen=True)
class CspVerdict:
    """The CSP test's result id and what led to it."""

    result: str
    directives: Directives = field(default_factory=dict)
    header_policies: int = 0
    meta_policies: int = 0
    duplicate_reports: tuple[str, ...] = ()
    frame_ancestors_in_header: bool = False
    reason: str = ""

    @property
    def passed(self) -> bool:
        return self.result in PASSING or self.result == "csp-implemented-but-duplicate-directives"


def split_policies(values: Iterable[str]) -> list[str]:
    """Each field value split at commas into its policies (CSP3 §2.2), trimmed."""
    return [part.strip() for value in values for part in value.split(",")]


def parse_policy(text: str) -> tuple[Directives, tuple[str, ...]]:
    """One serialised policy as {directive: sources}, plus the report directives given twice.

    Directive names and sources are lowercased (CSP3 makes directive names case-insensitive;
    the Observatory compares sources in lower case too). A `-src` directive with no source
    means 'none'. Raises CspInvalid for a policy the Observatory rejects.
    """
    clean = text.replace("\r", "").replace("\n", "").strip()
    if len(clean) < MIN_POLICY_LENGTH:
        raise CspInvalid(f"policy {clean[:40]!r} is too short to be a policy")
    directives: Directives = {}
    duplicates: list[str] = []
    for entry in clean.split(";"):
        words = entry.split()
        if not words:
            continue
        name = words[0].lower()
        if name in directives:
            if name not in ALLOWED_DUPLICATES:
                raise CspInvalid(f"directive {name[:40]} is given twice")
            duplicates.append(name)
            continue
        sources = tuple(word.lower() for word in words[1 : 1 + MAX_SOURCES_PER_DIRECTIVE])
        if not sources and name.endswith("-src"):
            sources = ("'none'",)
        directives[name] = sources
    return directives, tuple(dict.fromkeys(duplicates))


def _common_sources(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    """Sources of `first` that `second` allows too, in linear time for exact matches."""
    exact = set(second)
    folders = [source for source in second if source.endswith("/")]
    return tuple(
        source
        for source in first
        if source in exact
        or any(source.startswith(folder) for folder in folders)
        or (source.endswith("/") and any(other.startswith(source) for other in second))
    )


def combine(policies: Sequence[Directives]) -> Directives:
    """The sources every policy that sets a directive allows (all of them are enforced)."""
    combined: Directives = {}
    for policy in policies:
        for name, sources in policy.items():
            if name not in combined:
                combined[name] = sources
                continue
            kept = _common_sources(combined[name], sources)
            combined[name] = kept or ("'none'",)
    return combined


def _parse_all(policies: Sequence[str]) -> tuple[Directives, tuple[str, ...]]:
    parsed = [parse_policy(policy) for policy in policies]
    duplicates = tuple(dict.fromkeys(name for _, dups in parsed for name in dups))
    return combine([directives for directives, _ in parsed]), duplicates


def _effective(csp: Directives, name: str) -> list[str]:
    """A fetch directive's sources, falling back to default-src, then to anything (*)."""
    return list(csp.get(name) or csp.get("default-src") or ("*",))


def _has_nonce_or_hash(sources: Iterable[str]) -> bool:
    return any(source.startswith(NONCE_OR_HASH) for source in sources)


def _script_sources(csp: Directives) -> tuple[list[str], bool | None]:
    """script-src after nonce/hash and strict-dynamic rules; None when strict-dynamic is invalid."""
    script = _effective(csp, "script-src")
    if _has_nonce_or_hash(script):
        script = [source for source in script if source != "'unsafe-inline'"]
        if "'strict-dynamic'" in script:
            script = [
                source
                for source in script
                if source != "'self'" and not source.startswith(tuple(DANGEROUSLY_BROAD))
            ]
            return script, True
    elif "'strict-dynamic'" in script:
        return script, None
    return script, False


def _style_sources(csp: Directives) -> list[str]:
    style = _effective(csp, "style-src")
    if _has_nonce_or_hash(style):
        style = [source for source in style if source != "'unsafe-inline'"]
    return style


def _insecure(sources: Iterable[str]) -> bool:
    return any(source.startswith(("http:", "ftp:")) for source in sources)


def judge_policy(csp: Directives, https: bool) -> tuple[str, str]:
    """(result id, reason) for a parsed, combined policy, in the Observatory's order."""
    script, strict_dynamic = _script_sources(csp)
    if strict_dynamic is None:
        return "csp-header-invalid", "'strict-dynamic' without a nonce or hash in script-src"
    style = _style_sources(csp)
    objects = _effective(csp, "object-src")
    active = [
        s for name, sources in csp.items() if name not in (*PASSIVE_DIRECTIVES, "script-src") for s in sources
    ]
    active += script
    passive = [s for name in PASSIVE_DIRECTIVES for s in (csp.get(name) or csp.get("default-src") or ())]
    if any(source in BROAD_OR_INLINE for source in script) or any(s in DANGEROUSLY_BROAD for s in objects):
        return (
            "csp-implemented-with-unsafe-inline",
            "script-src or object-src allows 'unsafe-inline', data: or a broad source (or is not restricted)",
        )
    if https and _insecure(active):
        return (
            "csp-implemented-with-insecure-scheme",
            "an https page allows active content over http: or ftp:",
        )
    if "'unsafe-eval'" in (*script, *style):
        return "csp-implemented-with-unsafe-eval", "'unsafe-eval' is allowed"
    if https and _insecure(passive):
        return (
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
            "images or media may load over http:",
        )
    if any(source in BROAD_OR_INLINE for source in style):
        return (
            "csp-implemented-with-unsafe-inline-in-style-src-only",
            "style-src allows 'unsafe-inline', data: or a broad source",
        )
    if csp.get("default-src") == ("'none'",):
        return "csp-implemented-with-no-unsafe-default-src-none", "default-src 'none' and nothing unsafe"
    return "csp-implemented-with-no-unsafe", "no 'unsafe-inline' or 'unsafe-eval'"


def evaluate_csp(
    header_values: Sequence[str],
    meta_values: Sequence[str],
    report_only_values: Sequence[str],
    https: bool,
) -> CspVerdict:
    """The content-security-policy test over the page's CSP headers and meta tags."""
    header_policies = split_policies(header_values)
    meta_policies = split_policies(meta_values)
    verdict = _verdict(header_policies, meta_policies, report_only_values, https)
    return replace(verdict, header_policies=len(header_policies), meta_policies=len(meta_policies))


def _verdict(
    header_policies: list[str], meta_policies: list[str], report_only_values: Sequence[str], https: bool
) -> CspVerdict:
    try:
        csp, duplicates = _parse_all([*header_policies, *meta_policies])
    except CspInvalid as exc:
        return CspVerdict("csp-header-invalid", reason=str(exc))
    header_only = _parse_lenient(header_policies)
    meta_only = _parse_lenient(meta_policies)
    for name in META_FORBIDDEN:
        meta_only.pop(name, None)
    if not header_only and not meta_only:
        if any(value.strip() for value in report_only_values):
            reason = "only Content-Security-Policy-Report-Only is sent: it reports, it does not protect"
            return CspVerdict("csp-not-implemented-but-reporting-enabled", reason=reason)
        return CspVerdict("csp-not-implemented", reason="no Content-Security-Policy")
    result, reason = judge_policy(csp, https)
    if result in PASSING and duplicates:
        result = "csp-implemented-but-duplicate-directives"
        reason = f"{', '.join(duplicates)} given more than once"
    frame_ancestors = header_only.get("frame-ancestors")
    anti_clickjacking = frame_ancestors is not None and not any(
        s in DANGEROUSLY_BROAD for s in frame_ancestors
    )
    return CspVerdict(
        result, csp, duplicate_reports=duplicates, frame_ancestors_in_header=anti_clickjacking, reason=reason
    )


def _parse_lenient(policies: Sequence[str]) -> Directives:
    try:
        return _parse_all(policies)[0]
    except CspInvalid:
        return {}
