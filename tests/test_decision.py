"""The documented launch-decision rule and the risk ranking."""

from __future__ import annotations

from launchwizard.decision import DELAY_24H, FIX_FIRST, SHIP_NOW, awaits_audit, decide, rank_risks
from launchwizard.results import Result, Severity, Status


def result(
    check: str, status: Status, severity: Severity, target: str = "www.acme.test", stage: str = "audit"
) -> Result:
    return Result(check, stage, target, status, severity, "title", f"{check} summary")


def test_nothing_failed_ships_now_and_lists_follow_ups() -> None:
    decision = decide(
        [
            result("tls.expiry", Status.PASS, Severity.HIGH),
            result("redirect.https", Status.WARN, Severity.LOW),
        ]
    )
    assert decision.verdict == SHIP_NOW
    assert any("redirect.https" in r and r.startswith("follow-up") for r in decision.reasons)


def test_a_high_failure_means_fix_first_and_names_it() -> None:
    decision = decide(
        [
            result("tls.protocols", Status.FAIL, Severity.HIGH, "api.acme.test"),
            result("dns.records", Status.PASS, Severity.HIGH),
        ]
    )
    assert decision.verdict == FIX_FIRST
    assert decision.reasons == ["fail high: tls.protocols on api.acme.test: tls.protocols summary"]


def test_an_unverifiable_blocking_check_means_fix_first() -> None:
    decision = decide([result("tls.certificate", Status.ERROR, Severity.CRITICAL)])
    assert decision.verdict == FIX_FIRST
    assert decision.reasons[0].startswith("could not verify: error critical: tls.certificate")


def test_an_error_on_a_low_check_does_not_block() -> None:
    assert decide([result("dns.caa", Status.ERROR, Severity.LOW)]).verdict == SHIP_NOW


def test_a_critical_failure_delays() -> None:
    decision = decide(
        [
            result("tls.expiry", Status.FAIL, Severity.CRITICAL, "app.acme.test"),
            result("tls.protocols", Status.FAIL, Severity.HIGH),
        ]
    )
    assert decision.verdict == DELAY_24H
    assert decision.reasons == ["fail critical: tls.expiry on app.acme.test: tls.expiry summary"]


def test_more_than_three_high_failures_delay() -> None:
    fails = [result("tls.protocols", Status.FAIL, Severity.HIGH, f"h{n}.acme.test") for n in range(4)]
    decision = decide(fails)
    assert decision.verdict == DELAY_24H
    assert "4 high-severity failures" in decision.reasons[0]
    assert decide(fails[:3]).verdict == FIX_FIRST


def test_risks_rank_by_status_and_severity_and_drop_passes() -> None:
    ranked = rank_risks(
        [
            result("a.warn.critical", Status.WARN, Severity.CRITICAL),
            result("b.fail.medium", Status.FAIL, Severity.MEDIUM),
            result("c.pass", Status.PASS, Severity.CRITICAL),
            result("d.fail.critical", Status.FAIL, Severity.CRITICAL),
            result("e.error.high", Status.ERROR, Severity.HIGH),
        ]
    )
    assert [r.check for r in ranked] == [
        "d.fail.critical",
        "b.fail.medium",
        "e.error.high",
        "a.warn.critical",
    ]


def test_ship_now_waits_for_the_quick_audit_but_a_blocker_does_not() -> None:
    later_stages = [
        result("edge.cors", Status.PASS, Severity.HIGH, stage="edge"),
        result("monitor.alerts", Status.SKIPPED, Severity.MEDIUM, stage="handover"),
    ]
    assert decide(later_stages).verdict == SHIP_NOW
    assert awaits_audit(decide(later_stages), later_stages)
    skipped_audit = [*later_stages, result("tls.expiry", Status.SKIPPED, Severity.HIGH)]
    assert awaits_audit(decide(skipped_audit), skipped_audit)
    audited = [*later_stages, result("tls.expiry", Status.PASS, Severity.HIGH)]
    assert not awaits_audit(decide(audited), audited)
    blocked = [*later_stages, result("edge.headers", Status.FAIL, Severity.HIGH, stage="edge")]
    assert decide(blocked).verdict == FIX_FIRST
    assert not awaits_audit(decide(blocked), blocked)
