"""The two published SPF suites (../shared/conformance/spf) read into one shape: scenarios of
DNS data and the checks to run against them.

OpenSPF (`rfc7208-tests.yml`) follows the driver notes of SOURCES.md §1: TIMEOUT makes a name
silent for the types it does not list, SPF-type records are also served as TXT unless the
name lists its own TXT (or TXT: NONE), an empty TXT is one empty string, and a named
explanation must match exactly ("DEFAULT" is the implementation's own default).

mail-auth (`mail-auth/*.yml`) is read line by line as its own driver reads it: records and
test fields accumulate through a `---` document, a later record for the same name and kind
replaces the earlier one, and every `expect:` line is one check of the fields set so far.
Its driver checks the HELO identity (`domain:`) first and the MAIL FROM identity
(`sender:`) only when HELO passes; names containing `_dns_error.` answer with a DNS error.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conformance import conformance_path

from launchwizard.email.spf_eval import MemoryDns

Records = dict[str, dict[str, list[str]]]
"""owner name -> record type -> values: TXT/SPF text, A/AAAA address, "PREF TARGET" for
MX, a name for PTR and CNAME. Owner names are lower case without the final dot."""

_ERROR_NAME = re.compile(r"[\w.-]*_dns_error\.[\w.-]+")
"""Names the mail-auth driver answers with a DNS error, wherever the document names them."""


@dataclass(frozen=True)
class Scenario:
    """DNS data one or more checks run against."""

    records: Records
    silent: frozenset[str] = frozenset()
    """Names that answer the types they hold and never answer any other (OpenSPF TIMEOUT)."""
    servfail: frozenset[str] = frozenset()

    def key(self) -> Hashable:
        """Equal for scenarios holding the same data (mail-auth repeats them check by check)."""
        rows = sorted((o, t, tuple(v)) for o, types in self.records.items() for t, v in types.items())
        return (tuple(rows), self.silent, self.servfail)

    def memory_dns(self) -> MemoryDns:
        """The same data for the in-process evaluator: MX answers are their target names."""
        zone = {
            name: {
                rtype: [v.split(" ", 1)[1] if rtype == "MX" else v for v in values]
                for rtype, values in types.items()
            }
            for name, types in self.records.items()
        }
        timeouts = frozenset((name, "*") for name in self.silent | self.servfail)
        return MemoryDns(zone, timeouts)


@dataclass(frozen=True)
class Check:
    """One identity check: `domain` evaluated for `ip` with `sender` and `helo`."""

    id: str
    ip: str
    domain: str
    sender: str
    helo: str
    expected: tuple[str, ...]
    explanation: str | None = None
    """Exact explanation of a fail, "DEFAULT" for the implementation's own; None: unchecked."""
    helo_first: bool = False
    """mail-auth: the HELO identity is checked first and decides unless it passes."""
    scenario: Scenario = field(default_factory=lambda: Scenario({}), compare=False, repr=False)

    def mail_from_domain(self) -> str:
        return self.sender.rpartition("@")[2] if "@" in self.sender else self.helo


# ---------------------------------------------------------------- OpenSPF


def _text(value: Any) -> str:
    """A TXT/SPF value: one string, or a list of character-strings joined with nothing between."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def _openspf_scenario(zonedata: Mapping[str, list[Any]] | None) -> Scenario:
    records: Records = {}
    silent: set[str] = set()
    for owner, entries in (zonedata or {}).items():
        name = owner.lower().rstrip(".")
        node = records.setdefault(name, {})
        spf: list[str] = []
        txt_listed = False
        for entry in entries:
            if entry == "TIMEOUT":
                silent.add(name)
                continue
            ((rtype, value),) = entry.items()
            if rtype == "SPF":
                spf.append(_text(value))
                node.setdefault("SPF", []).append(_text(value))
            elif rtype == "TXT":
                txt_listed = True
                if value != "NONE":
                    node.setdefault("TXT", []).append(_text(value))
            elif rtype == "MX":
                node.setdefault("MX", []).append(f"{value[0]} {str(value[1]).rstrip('.')}")
            else:
                node.setdefault(rtype, []).append(str(value).rstrip("."))
        if spf and not txt_listed:
            node["TXT"] = spf
    return Scenario(records, frozenset(silent))


def openspf_checks(path: Path) -> list[Check]:
    """Every case of the OpenSPF suite (203), in file order."""
    checks = []
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if not document:
            continue
        scenario = _openspf_scenario(document["zonedata"])
        for name, case in document["tests"].items():
            sender = case.get("mailfrom") or ""
            result = case["result"]
            checks.append(
                Check(
                    id=name,
                    ip=str(case["host"]),
                    domain=sender.rpartition("@")[2] if "@" in sender else (sender or case["helo"]),
                    sender=sender,
                    helo=case["helo"],
                    expected=tuple(result) if isinstance(result, list) else (result,),
                    explanation=case.get("explanation"),
                    scenario=scenario,
                )
            )
    return checks


# ---------------------------------------------------------------- mail-auth


class _MailAuthDocument:
    """The driver state of one `---` document: records so far and the current test fields."""

    def __init__(self, file: str, index: int, text: str) -> None:
        self.file, self.index = file, index
        self.errors = frozenset(n.lower().rstrip(".") for n in _ERROR_NAME.findall(text))
        self.records: dict[tuple[str, str], list[str]] = {}
        self.fields = {"domain": "", "sender": "", "ip": "127.0.0.1"}
        self.name = ""
        self.count = 0

    def feed(self, line: str) -> Check | None:
        key, sep, value = line.partition(":")
        if not sep:
            return None
        value = value.strip()
        if key == "name":
            self.name = value
        elif key in ("spf", "exp"):
            owner, _, text = value.partition(" ")
            self.records[("TXT", owner.lower())] = [text.strip()]
        elif key in ("a", "aaaa", "ptr", "mx"):
            owner, _, items = value.partition(" ")
            self._add(key.upper(), owner.strip(), [i.strip() for i in items.split(",") if i.strip()])
        elif key in self.fields:
            self.fields[key] = value
        elif key == "expect":
            return self._check(value)
        return None

    def _add(self, rtype: str, owner: str, items: list[str]) -> None:
        if rtype == "PTR":
            self.records[("PTR", ipaddress.ip_address(owner).reverse_pointer)] = [
                i.rstrip(".") for i in items
            ]
        elif rtype == "MX":
            # The exchanges get names of our own; each resolves to its one address.
            hosts = []
            for position, address in enumerate(items):
                host = f"mx{position}-{address.replace(':', '-').replace('.', '-')}.mx-hosts.test".lower()
                family = "A" if ipaddress.ip_address(address).version == 4 else "AAAA"
                self.records[(family, host)] = [address]
                hosts.append(f"{position + 1} {host}")
            self.records[("MX", owner.lower())] = hosts
        else:
            self.records[(rtype, owner.lower())] = items

    def _check(self, expect: str) -> Check:
        self.count += 1
        result, _, explanation = expect.partition(" ")
        records: Records = {}
        for (rtype, owner), values in self.records.items():
            records.setdefault(owner, {})[rtype] = list(values)
        helo, sender = self.fields["domain"], self.fields["sender"]
        return Check(
            id=f"{self.file}#{self.index}:{self.name or 'test'}#{self.count}",
            ip=self.fields["ip"],
            domain=helo,
            sender=sender,
            helo=helo,
            expected=(result,),
            explanation=explanation.strip() or None,
            helo_first=True,
            scenario=Scenario(records, servfail=self.errors),
        )


def mail_auth_checks(folder: Path) -> list[Check]:
    """Every `expect:` line of the mail-auth suite (163), file by file in name order."""
    checks = []
    for path in sorted(folder.glob("*.yml")):
        for index, text in enumerate(path.read_text(encoding="utf-8").split("---\n")):
            checks.extend(_document_checks(path.stem, index, text))
    return checks


def _document_checks(file: str, index: int, text: str) -> Iterator[Check]:
    document = _MailAuthDocument(file, index, text)
    for raw in text.split("\n"):
        line = raw.strip()
        line = line[1:].strip() if line.startswith("-") else line
        check = document.feed(line)
        if check is not None:
            yield check


# ---------------------------------------------------------------- for the test modules


def load_or_skip() -> tuple[list[Check], list[Check]]:
    """(OpenSPF checks, mail-auth checks); the calling module is skipped, saying why, when the
    conformance data is not on this machine."""
    openspf, mail_auth = conformance_path("spf", "rfc7208-tests.yml"), conformance_path("spf", "mail-auth")
    if not openspf.exists() or not mail_auth.is_dir():
        pytest.skip(
            f"the SPF suites under {openspf.parent} are absent (put ../shared/conformance beside "
            "the checkout or set LAUNCHWIZARD_CONFORMANCE)",
            allow_module_level=True,
        )
    return openspf_checks(openspf), mail_auth_checks(mail_auth)


def params(checks: list[Check], disagreements: Mapping[str, str]) -> list[Any]:
    """pytest params named by check id; a check we disagree with is a strict xfail with the
    argument as its reason."""
    return [
        pytest.param(
            check,
            id=check.id,
            marks=[pytest.mark.xfail(reason=disagreements[check.id], strict=True)]
            if check.id in disagreements
            else [],
        )
        for check in checks
    ]
