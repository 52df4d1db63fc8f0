"""Static SPF analysis: the worst-case DNS lookups of a record, term by term, as checkdmarc
reports them, plus void lookups, loops and missing include targets.

Evaluation (spf_eval) stops at the first matching term, so it cannot say whether some other
sender would push the policy past 10 lookups. Here every branch is followed: each a, mx,
ptr, exists, include and redirect costs one, and include/redirect add the whole tree of
their target. Targets with macros cannot be followed without a sender and cost one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from launchwizard.email.spf import SpfRecord, SpfSyntaxError, Term, is_spf, parse
from launchwizard.email.spf_eval import MAX_NAMES, SpfDns

MAX_DEPTH = 10


@dataclass
class Analysis:
    """What the whole tree of one record costs and what is wrong in it."""

    per_term: dict[str, int] = field(default_factory=dict)
    lookups: int = 0
    void_lookups: int = 0
    void_terms: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dns_errors: list[str] = field(default_factory=list)


async def analyze(record: SpfRecord, domain: str, dns: SpfDns) -> Analysis:
    """Count the worst-case lookups of `record` (published at `domain`) through its tree."""
    analysis = Analysis()
    for term in record.terms:
        if not term.costs_lookup:
            continue
        cost = await _cost(term, domain, dns, analysis, [domain.lower()], 1)
        analysis.per_term[term.text] = analysis.per_term.get(term.text, 0) + cost
        analysis.lookups += cost
    return analysis


async def _cost(
    term: Term, domain: str, dns: SpfDns, analysis: Analysis, stack: list[str], depth: int
) -> int:
    """1 for the term itself, plus the subtree of an include or redirect target."""
    spec = term.domain_spec
    if spec is None or "%" in spec:
        if term.name in ("a", "mx") and spec is None:
            await _void_check(term, domain, dns, analysis)
        return 1
    target = spec.rstrip(".").lower()
    if term.name in ("include", "redirect"):
        return 1 + await _subtree(term, target, dns, analysis, stack, depth)
    await _void_check(term, target, dns, analysis)
    return 1


async def _void_check(term: Term, target: str, dns: SpfDns, analysis: Analysis) -> None:
    """Ask what the term would ask; nothing found is a void lookup, too many MX names a problem."""
    if term.name == "mx":
        answer = await dns.mx(target)
        if len(answer.records) > MAX_NAMES:
            analysis.problems.append(f"{term.text}: {target} has {len(answer.records)} MX names (limit 10)")
    elif term.name in ("a", "exists"):
        answer = await dns.a(target)
        if answer.void and term.name == "a":
            answer = await dns.aaaa(target)
    else:
        return
    if answer.outcome == "error":
        analysis.dns_errors.append(f"{term.text}: {answer.error}")
    elif answer.void:
        analysis.void_lookups += 1
        analysis.void_terms.append(term.text)


async def _subtree(
    term: Term, target: str, dns: SpfDns, analysis: Analysis, stack: list[str], depth: int
) -> int:
    """The lookups inside the record an include/redirect points at."""
    if target in stack:
        analysis.problems.append(f"{term.text}: loop back to {target}")
        return 0
    if depth > MAX_DEPTH:
        analysis.problems.append(f"{term.text}: nesting deeper than {MAX_DEPTH}")
        return 0
    answer = await dns.txt(target)
    if answer.outcome == "error":
        analysis.dns_errors.append(f"{term.text}: {answer.error}")
        return 0
    records = [r for r in answer.records if is_spf(r)]
    if answer.void:
        analysis.void_lookups += 1
        analysis.void_terms.append(term.text)
    if len(records) != 1:
        found = "no SPF record" if not records else f"{len(records)} SPF records"
        analysis.problems.append(f"{term.text}: {target} has {found} (permerror)")
        return 0
    try:
        record = parse(records[0])
    except SpfSyntaxError as exc:
        analysis.problems.append(f"{term.text}: {target} has an invalid record ({exc})")
        return 0
    total = 0
    for inner in record.terms:
        if inner.costs_lookup:
            total += await _cost(inner, target, dns, analysis, [*stack, target], depth + 1)
    return total
