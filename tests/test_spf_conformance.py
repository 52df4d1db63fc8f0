"""The whole OpenSPF RFC 7208 suite (../shared/conformance/spf/rfc7208-tests.yml) through
check_host with the in-memory DNS, following the suite's driver notes (SOURCES.md §1):
TIMEOUT applies per name and type, SPF-type records are also served as TXT unless the
name lists its own TXT (or TXT: NONE), an empty TXT is one empty string, and a named
explanation must match exactly (the default explanation is "DEFAULT")."""

from __future__ import annotations

from typing import Any

import pytest
from conformance import conformance_path

from launchwizard.email.spf_eval import MemoryDns, check_host

yaml = pytest.importorskip("yaml")

SUITE = conformance_path("spf", "rfc7208-tests.yml")
if not SUITE.exists():
    pytest.skip(
        f"the OpenSPF suite {SUITE} is absent (put ../shared/conformance beside the checkout or set "
        "LAUNCHWIZARD_CONFORMANCE)",
        allow_module_level=True,
    )

# Cases we knowingly do not pass, with the reason. Empty: the whole suite passes.
EXPECTED_FAILURES: dict[str, str] = {}


def _text(value: Any) -> str:
    """A TXT/SPF value: one string, or a list of character-strings joined with nothing between."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def _zone(zonedata: dict[str, list[Any]]) -> MemoryDns:
    """MemoryDns for one scenario, applying the driver notes above."""
    zone: dict[str, dict[str, list[str]]] = {}
    timeouts: set[tuple[str, str]] = set()
    for owner, entries in (zonedata or {}).items():
        name = owner.lower().rstrip(".")
        node = zone.setdefault(name, {})
        spf: list[str] = []
        txt_listed = False
        for entry in entries:
            if entry == "TIMEOUT":
                timeouts.add((name, "*"))
                continue
            ((rtype, value),) = entry.items()
            if rtype == "SPF":
                spf.append(_text(value))
            elif rtype == "TXT":
                txt_listed = True
                if value != "NONE":
                    node.setdefault("TXT", []).append(_text(value))
            elif rtype == "MX":
                node.setdefault("MX", []).append(str(value[1]).rstrip("."))
            else:
                node.setdefault(rtype, []).append(str(value).rstrip("."))
        if spf and not txt_listed:
            node["TXT"] = spf
    return MemoryDns(zone, frozenset(timeouts))


def _cases() -> list[Any]:
    params = []
    for scenario in yaml.safe_load_all(SUITE.read_text(encoding="utf-8")):
        if not scenario:
            continue
        for name, case in scenario["tests"].items():
            marks = []
            if name in EXPECTED_FAILURES:
                marks.append(pytest.mark.xfail(reason=EXPECTED_FAILURES[name], strict=True))
            params.append(pytest.param(scenario["zonedata"], case, id=name, marks=marks))
    return params


CASES = _cases()


def test_the_suite_is_complete() -> None:
    assert len(CASES) == 203


@pytest.mark.parametrize(("zonedata", "case"), CASES)
async def test_rfc7208(zonedata: dict[str, list[Any]], case: dict[str, Any]) -> None:
    sender = case.get("mailfrom") or ""
    domain = sender.rpartition("@")[2] if "@" in sender else (sender or case["helo"])
    result = await check_host(
        case["host"], domain, sender, case["helo"], _zone(zonedata), default_explanation="DEFAULT"
    )
    expected = case["result"] if isinstance(case["result"], list) else [case["result"]]
    assert result.result in expected, result.trace
    if "explanation" in case:
        assert result.explanation == case["explanation"], result.trace
