"""CAA records (RFC 8659) and whether they let the CA in use issue the next certificate.

A record is `flags tag "value"`; `issue` and `issuewild` name an issuer domain
(optionally with `; key=value` parameters), an empty value forbids issuance, `iodef`
names where CAs report refused requests. A set with `issue` records allows only the
issuers they name; a critical flag (128) on a tag the CA does not know forbids issuance
outright (§4.5). internet.nl's web_caa asks for CAA to be present; the useful question at
launch is whether the renewal will succeed, so the issuer of the current certificate is
mapped to the CAA domains its CA documents. The table includes the lab's own CA
("Launchwizard Lab" -> lab.launchwizard.test) so the lab's CAA scenarios can be judged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

KNOWN_TAGS = ("issue", "issuewild", "iodef", "contactemail", "contactphone", "issuemail", "issuevmc")
_RECORD = re.compile(r"^\s*(\d{1,3})\s+([A-Za-z0-9]+)\s+(.*?)\s*$", re.S)

CA_DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("launchwizard lab", ("lab.launchwizard.test",)),
    ("let's encrypt", ("letsencrypt.org",)),
    ("zerossl", ("sectigo.com",)),
    ("sectigo", ("sectigo.com", "comodoca.com")),
    ("comodo", ("sectigo.com", "comodoca.com")),
    ("cloudflare", ("digicert.com", "letsencrypt.org", "pki.goog")),
    ("digicert", ("digicert.com", "symantec.com", "geotrust.com", "rapidssl.com", "thawte.com")),
    ("geotrust", ("digicert.com", "geotrust.com")),
    ("rapidssl", ("digicert.com", "rapidssl.com")),
    ("thawte", ("digicert.com", "thawte.com")),
    ("google trust services", ("pki.goog",)),
    ("amazon", ("amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com")),
    ("globalsign", ("globalsign.com",)),
    ("godaddy", ("godaddy.com", "starfieldtech.com")),
    ("starfield", ("godaddy.com", "starfieldtech.com")),
    ("buypass", ("buypass.com",)),
    ("ssl.com", ("ssl.com",)),
    ("entrust", ("entrust.net",)),
    ("microsoft", ("microsoft.com",)),
)
"""Issuer name fragments (O=, else CN=) to the CAA issuer domains that CA publishes."""


@dataclass(frozen=True)
class CaaRecord:
    """One CAA record as published."""

    flags: int
    tag: str
    value: str
    critical: bool
    issuer: str | None
    parameters: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class CaaVerdict:
    """What the CAA set means for the CA in use."""

    status: str
    allowed_issuers: tuple[str, ...]
    wildcard_issuers: tuple[str, ...]
    iodef: tuple[str, ...]
    problems: tuple[str, ...]
    summary: str


def _unquote(raw: str) -> str:
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text.replace('\\"', '"')


def _issuer(value: str) -> tuple[str | None, tuple[tuple[str, str], ...], list[str]]:
    domain, _, rest = value.partition(";")
    issuer = domain.strip().rstrip(".").lower() or None
    problems = []
    if issuer is not None and not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", issuer):
        problems.append(f"issuer {issuer[:40]!r} is not a domain name")
    parameters = []
    for item in rest.split(";"):
        key, equals, setting = item.partition("=")
        if key.strip():
            parameters.append((key.strip(), setting.strip()))
            if not equals:
                problems.append(f"parameter {key.strip()[:30]!r} has no value")
    return issuer, tuple(parameters), problems


def parse_caa(text: str) -> CaaRecord:
    """One record from its presentation form (`0 issue "letsencrypt.org"`); never raises."""
    match = _RECORD.match(text)
    if match is None:
        return CaaRecord(0, "", text[:200], False, None, (), ("not a CAA record: flags tag value",))
    flags, tag, value = int(match.group(1)), match.group(2).lower(), _unquote(match.group(3))
    problems: list[str] = []
    if flags > 255:
        problems.append(f"flags {flags} is over 255")
    if tag not in KNOWN_TAGS:
        problems.append(f"unknown tag {tag[:30]}")
    issuer: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    if tag in ("issue", "issuewild"):
        issuer, parameters, found = _issuer(value)
        problems += found
    return CaaRecord(flags, tag, value, bool(flags & 128), issuer, parameters, tuple(problems))


def issuer_caa_domains(organization: str | None, common_name: str | None) -> tuple[str, ...]:
    """The CAA domains of the CA named in a certificate's issuer; () when unknown."""
    for name in (organization, common_name):
        lowered = (name or "").lower()
        for fragment, domains in CA_DOMAINS:
            if lowered and fragment in lowered:
                return domains
    return ()


def judge_caa(records: Sequence[CaaRecord], ca_domains: Sequence[str]) -> CaaVerdict:
    """Whether the CAA set lets the CA in use (its `ca_domains`) issue for the host."""
    issue = tuple(dict.fromkeys(r.issuer or ";" for r in records if r.tag == "issue"))
    wild = tuple(dict.fromkeys(r.issuer or ";" for r in records if r.tag == "issuewild"))
    iodef = tuple(r.value for r in records if r.tag == "iodef")
    problems = tuple(p for r in records for p in r.problems)
    shown = ", ".join(issue) or "none"

    def verdict(status: str, summary: str) -> CaaVerdict:
        return CaaVerdict(status, tuple(i for i in issue if i != ";"), wild, iodef, problems, summary)

    critical = [r for r in records if r.critical and r.tag not in KNOWN_TAGS]
    if critical:
        return verdict(
            "invalid",
            f"CAA has a critical property CAs do not know ({critical[0].tag[:30]}): "
            "every CA must refuse to issue",
        )
    if not records:
        return verdict("no-restriction", "no CAA records: any CA may issue certificates for this name")
    if not issue:
        return verdict(
            "no-restriction", "CAA has no issue records, so any CA may issue non-wildcard certificates"
        )
    if not ca_domains:
        return verdict(
            "unknown-ca", f"CAA allows {shown}; the CA of the current certificate is not one we can map"
        )
    if any(domain in issue for domain in ca_domains):
        return verdict("allowed", f"CAA allows {shown}, including the CA in use ({ca_domains[0]})")
    return verdict(
        "forbidden",
        f"CAA allows only {shown}, not the CA that issued the current certificate ({ca_domains[0]}): "
        "its renewal will be refused",
    )
