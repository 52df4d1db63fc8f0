"""Records explained for people: the `parsed` rows and `suggested_record` of the email checks.

Every email result that found a record carries the same evidence shape:

- `record`: the raw text exactly as published (a list when several were published, a
  dict of DNS name -> text when one check looked at several names, as DKIM does);
- `parsed`: ordered `[term or tag, value, meaning]` rows (or a dict of name -> rows);
- `suggested_record`: where the fix can be written as a record, the complete record to
  paste, with `publish_at` saying under which DNS name.

The rows are plain strings: the TUI shows them as an aligned table, never as markup.
"""

from __future__ import annotations

from launchwizard.email.dkim import DkimKey
from launchwizard.email.dmarc import DmarcRecord
from launchwizard.email.spf import SpfSyntaxError, is_spf, parse_term

Row = list[str]

QUALIFIER_NAMES = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
_SPF_MEANING = {
    "all": "every sender not matched by an earlier term",
    "include": "senders that pass the SPF record of {target}",
    "a": "the A/AAAA addresses of {target}",
    "mx": "the addresses of the MX hosts of {target}",
    "ptr": "senders whose reverse DNS ends in {target} (discouraged, RFC 7208 §5.5)",
    "ip4": "IPv4 senders in {target}",
    "ip6": "IPv6 senders in {target}",
    "exists": "any sender when {target} has an A record (macro test)",
}
_DMARC_MEANING = {
    "v": "version: must be DMARC1 and come first",
    "p": "policy for mail that fails DMARC",
    "sp": "policy for subdomains",
    "np": "policy for non-existent subdomains",
    "pct": "share of failing mail the policy applies to (removed in DMARCbis)",
    "rua": "where aggregate reports go",
    "ruf": "where failure reports go",
    "adkim": "DKIM alignment",
    "aspf": "SPF alignment",
    "fo": "when failure reports are sent",
    "ri": "report interval in seconds (removed in DMARCbis)",
    "rf": "failure report format (removed in DMARCbis)",
    "t": "testing mode",
    "psd": "public suffix domain flag",
}
_POLICY = {
    "none": "none: monitor only, failing mail is delivered",
    "quarantine": "quarantine: failing mail goes to spam",
    "reject": "reject: failing mail is refused",
}
_ALIGN = {"r": "relaxed: subdomains align", "s": "strict: exact domain only"}
_DKIM_MEANING = {
    "v": "version (DKIM1)",
    "k": "key type",
    "h": "hash algorithms allowed",
    "s": "service types",
    "t": "flags (y = testing, s = no subdomains)",
    "n": "notes for people",
    "g": "granularity (obsolete)",
}
KEY_PREVIEW = 24


def spf_rows(raw: str) -> list[Row]:
    """One row per term of an SPF record: `+include`, its target, what it means.

    Each term is parsed on its own, so an invalid record still shows which term is wrong.
    """
    rows: list[Row] = [["v=spf1", "", "SPF version 1"]] if is_spf(raw) else []
    words = raw[6:].split(" ") if is_spf(raw) else raw.split(" ")
    for word in (w for w in words if w):
        try:
            term = parse_term(word)
        except SpfSyntaxError as exc:
            rows.append([word, "", f"invalid: {exc}"])
            continue
        if term.modifier:
            meaning = {
                "redirect": "when nothing matched, use the record of this domain instead",
                "exp": "domain whose TXT record explains a fail",
            }.get(term.name, "unknown modifier: ignored by receivers")
            rows.append([f"{term.name}=", term.value or "", meaning])
            continue
        target = _spf_target(term.network, term.domain_spec, term.cidr4, term.cidr6)
        shown_target = target or "this domain"
        meaning = f"{QUALIFIER_NAMES[term.qualifier]}: " + _SPF_MEANING[term.name].format(target=shown_target)
        rows.append([f"{term.qualifier}{term.name}", target, meaning])
    return rows


def _spf_target(network: str | None, spec: str | None, cidr4: int | None, cidr6: int | None) -> str:
    """The argument of a mechanism as written: the network or domain and any CIDR lengths."""
    if network is not None:
        length = cidr4 if cidr4 is not None else cidr6
        return network + (f"/{length}" if length is not None else "")
    suffix = (f"/{cidr4}" if cidr4 is not None else "") + (f"//{cidr6}" if cidr6 is not None else "")
    return (spec or "") + suffix


def dmarc_rows(record: DmarcRecord) -> list[Row]:
    """One row per tag of a DMARC record, in the published order."""
    rows: list[Row] = []
    for name, value in record.tags.items():
        meaning = _DMARC_MEANING.get(name, "unknown tag: ignored by receivers")
        lowered = value.lower()
        if name in ("p", "sp", "np") and lowered in _POLICY:
            meaning += " — " + _POLICY[lowered]
        elif name in ("adkim", "aspf") and lowered in _ALIGN:
            meaning += " — " + _ALIGN[lowered]
        elif name == "t":
            meaning += " — " + ("yes: receivers treat the policy as a test" if lowered == "y" else "no")
        rows.append([name, value, meaning])
    return rows


def dkim_rows(key: DkimKey) -> list[Row]:
    """One row per tag of a DKIM key record; the key itself is shortened to its start."""
    rows: list[Row] = []
    for name, value in key.tags.items():
        if name == "p":
            shown = value if len(value) <= KEY_PREVIEW else f"{value[:KEY_PREVIEW]}… ({len(value)} chars)"
            rows.append(["p", shown, f"public key: {key.describe()}"])
            continue
        rows.append([name, value, _DKIM_MEANING.get(name, "unknown tag: ignored by receivers")])
    return rows


def dmarc_suggestion(record: DmarcRecord | None, domain: str, policy: str) -> str:
    """A DMARC record to paste: the valid tags kept in order, `p=` set to `policy`, a `rua`
    (the existing one, else `dmarc-reports@<domain>`), and testing mode (t=y) dropped."""
    rua = ",".join(u.uri for u in record.rua) if record is not None and record.rua else None
    tags: dict[str, str] = {"v": "DMARC1", "p": policy, "rua": rua or f"mailto:dmarc-reports@{domain}"}
    if record is not None:
        for name, value in record.tags.items():
            if name in ("v", "p", "rua", "t") or name not in _DMARC_MEANING or _bad_tag(record, name):
                continue
            tags[name] = value
    if record is None:
        tags.update({"adkim": "r", "aspf": "r"})
    return "; ".join(f"{name}={value}" for name, value in tags.items())


def _bad_tag(record: DmarcRecord, name: str) -> bool:
    """Whether an error sentence names this tag (its value would be rejected again)."""
    return any(error.startswith((f"{name}=", f"{name}:")) for error in record.errors)


def dkim_suggestion(key: DkimKey | None) -> str:
    """A DKIM key record to paste: the same record without t=y when only testing mode is
    wrong, else the shape of a new 2048-bit key (the key itself comes from the provider)."""
    if key is not None and key.valid and not key.revoked and key.strength() == "pass" and key.testing:
        flags = [f for f in key.tags.get("t", "").split(":") if f.strip() and f.strip().lower() != "y"]
        kept = [
            f"{n}={':'.join(flags)}" if n == "t" else f"{n}={v}"
            for n, v in key.tags.items()
            if n != "t" or flags
        ]
        return "; ".join(kept)
    return "v=DKIM1; k=rsa; p=<2048-bit public key from your mail provider>"
