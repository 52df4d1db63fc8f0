"""`ai.eval`: the customers' own prompts, sent to the chat endpoint and graded the way
promptfoo grades them, so a deploy that makes the bot worse at its job is caught first.

Opt-in and bounded like ai.injection: a harmless "test the target" prompt first (no
evaluation when the reply text cannot be read), then one prompt per case, paced at
`[probes.eval] rate_per_s`, never more than `max_requests` in all, no retries, stopping at
the first 429. A set with more cases than the budget allows is refused with the count
before anything is sent. The result is the pass rate against `pass_pct`, a row per prompt,
and, listed first, the regressions: prompts that passed in the previous saved run and fail
now. A failure the team accepted (`launchwizard accept-risk ai.eval:PROMPT --reason ...`)
stops counting and goes into the handover pack.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from launchwizard.ai.detectors import secret_hits
from launchwizard.ai.evalcases import EvalCase, EvalSet
from launchwizard.ai.evalset import EvalSetError, TooManyCases, load_eval_set
from launchwizard.ai.grading import GradeError, grade
from launchwizard.ai.prompts import TARGET_TEST_PROMPT
from launchwizard.checks.base import CheckContext
from launchwizard.checks.chatcall import ChatReply, ask, target_fix, target_problem, target_row
from launchwizard.config.derived import chat_timeout
from launchwizard.net.http import hard_stop_s
from launchwizard.results import Result, Severity, Status
from launchwizard.secrets.engine import Scanner

if TYPE_CHECKING:
    from launchwizard.config import Endpoint, Sprint
    from launchwizard.state.model import AcceptedRisk

CHECK_ID = "ai.eval"
EXCERPT_CHARS = 160
WITHHELD = "(withheld: the reply holds a secret)"
FIX_EVAL = (
    "Read the failing prompts above, first the regressions: compare the reply with what the test expects, "
    "then fix what changed in this deploy (the system prompt, the retrieval index, the model or its "
    "settings) or roll back. Re-run `launchwizard eval` until the pass rate is back above pass_pct; a "
    "failure the team decides to live with is accepted with `launchwizard accept-risk ai.eval:PROMPT "
    "--reason ...`."
)
FIX_SET = (
    "Keep the customers' prompts in a promptfoo test file (`tests:` entries with description, vars and "
    "assert) at [probes.eval] file, YAML or JSON, with no more tests than max_requests - 1."
)


def eval_deadline(sprint: Sprint) -> float:
    """Every allowed request may use the whole chat timeout, plus the pacing and the grading
    (regular expressions have their own time limit)."""
    budget = sprint.probes.eval
    endpoint = sprint.endpoints.get(budget.endpoint or "")
    timeout = chat_timeout(endpoint) if endpoint is not None else sprint.network.timeout_s
    return budget.max_requests * (hard_stop_s(timeout) + 1 / budget.rate_per_s + 1) + sprint.network.timeout_s


@dataclass
class Tally:
    """Rows by verdict, and the pass rate over the prompts that were graded or failed to be."""

    rows: list[dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.counts[row["verdict"]] = self.counts.get(row["verdict"], 0) + 1

    def count(self, verdict: str) -> int:
        return self.counts.get(verdict, 0)

    @property
    def counted(self) -> int:
        """Pass, fail and error count; accepted and not-evaluated prompts count neither way."""
        return self.count("pass") + self.count("fail") + self.count("error")

    @property
    def pass_rate(self) -> float | None:
        return 100.0 * self.count("pass") / self.counted if self.counted else None


async def customer_eval(ctx: CheckContext) -> list[Result]:
    """`ai.eval`: the opt-in evaluation of the chat bot on the customers' own prompts."""
    budget = ctx.sprint.probes.eval
    if not budget.enabled or budget.endpoint is None or budget.file is None:
        summary = (
            "opt-in evaluation not enabled: set [probes.eval] enabled = true, endpoint = the chat entry of "
            "[endpoints] and file = the promptfoo test file with 20-30 real prompts of target customers"
        )
        return [ctx.result(Status.SKIPPED, summary, severity=Severity.INFO)]
    evidence: dict[str, Any] = {"file": str(budget.file), "endpoint": budget.endpoint}
    try:
        evalset = await asyncio.to_thread(load_eval_set, budget.file, max(0, budget.max_requests - 1))
    except TooManyCases as exc:
        evidence["set_error"] = _too_many(exc, budget.max_requests)
        return [ctx.result(Status.ERROR, f"refusing to evaluate: {evidence['set_error']}", evidence=evidence)]
    except EvalSetError as exc:
        evidence["set_error"] = str(exc)
        summary = f"the evaluation set cannot be used: {exc}"
        return [ctx.result(Status.ERROR, summary, evidence=evidence, fix=FIX_SET)]
    endpoint = ctx.sprint.endpoints[budget.endpoint]
    evidence["url"] = endpoint.url
    target = await ask(ctx, endpoint, TARGET_TEST_PROMPT)
    evidence["target_test"] = target_row(target)
    refusal = target_problem(target, endpoint)
    if refusal is not None:
        return [ctx.result(Status.ERROR, refusal, evidence=evidence, fix=target_fix(endpoint))]
    rows = await _evaluate(ctx, endpoint, evalset, evidence)
    previous = await asyncio.to_thread(_previous_rows, ctx)
    return [_verdict(ctx, rows, previous, evidence)]


def _too_many(exc: TooManyCases, max_requests: int) -> str:
    return (
        f"the evaluation set has {exc.count} tests, but [probes.eval] max_requests = {max_requests} allows "
        f"{exc.limit} (one request tests the target first): raise max_requests (up to 200) or keep the "
        "20-30 prompts that matter most"
    )


async def _evaluate(
    ctx: CheckContext, endpoint: Endpoint, evalset: EvalSet, evidence: dict[str, Any]
) -> list[dict[str, Any]]:
    """Send each case the budget allows, paced, and grade its reply."""
    budget = ctx.sprint.probes.eval
    evidence["budget"] = {"max_requests": budget.max_requests, "rate_per_s": budget.rate_per_s}
    evidence["pass_pct"] = budget.pass_pct
    if evalset.notes:
        evidence["notes"] = list(evalset.notes)
    interval = 1.0 / budget.rate_per_s
    scanner = Scanner()
    rows = []
    next_send = time.monotonic() + interval
    for case in evalset.cases:
        if case.problem is not None:
            rows.append(_row(case, "error", problem=case.problem))
            continue
        await asyncio.sleep(max(0.0, next_send - time.monotonic()))
        next_send = time.monotonic() + interval
        assert case.prompt is not None
        reply = await ask(ctx, endpoint, case.prompt)
        rows.append(await asyncio.to_thread(_judge, case, reply, scanner))
        if reply.status == 429:
            evidence["stopped"] = f"the endpoint answered 429 at {case.id}: stopped to respect its limit"
            break
    sent = sum(1 for row in rows if row.get("status") is not None)
    evidence["prompts_sent"] = f"{sent} of {len(evalset.cases)}"
    _apply_accepted(rows, _accepted(ctx))
    return rows


def _row(case: EvalCase, verdict: str, **fields: Any) -> dict[str, Any]:
    return {
        "prompt": case.id,
        "description": case.description,
        "verdict": verdict,
        "was": None,
        "regression": False,
        "failed": fields.get("problem") or fields.get("failed") or "",
        "score": fields.get("score"),
        "status": fields.get("status"),
        "ms": fields.get("ms"),
        "not_evaluated": fields.get("not_evaluated", []),
        "reply": fields.get("reply", ""),
    }


def _judge(case: EvalCase, reply: ChatReply, scanner: Scanner) -> dict[str, Any]:
    """One case's row: its verdict from the reply text, with a redacted excerpt."""
    text = reply.text or ""
    excerpt = WITHHELD if secret_hits(text, scanner) else " ".join(text[:EXCERPT_CHARS].split())
    common = {"status": reply.status, "ms": reply.total_ms, "reply": excerpt}
    if reply.status is None:
        return _row(case, "error", problem=reply.problem or "no answer", **common)
    if reply.status >= 400 or reply.text is None:
        problem = f"status {reply.status}" if reply.status >= 400 else (reply.problem or "no reply text")
        return _row(case, "fail", failed=f"no usable reply: {problem}", **common)
    if case.not_evaluated:
        return _row(case, "not-evaluated", not_evaluated=[case.not_evaluated], **common)
    try:
        result = grade(case, reply.text, reply.total_ms)
    except GradeError as exc:
        return _row(case, "error", problem=str(exc), **common)
    score = None if result.score is None else round(result.score, 3)
    fields = {"failed": result.failed, "score": score, "not_evaluated": result.not_evaluated}
    return _row(case, result.verdict, **fields, **common)


def _accepted(ctx: CheckContext) -> dict[str, AcceptedRisk]:
    """Accepted failures of this check from the sprint state; none when it cannot be read."""
    from launchwizard.state.statefile import load_state

    try:
        return load_state(ctx.sprint.state_dir).accepted_for(CHECK_ID)
    except Exception:  # an unreadable state file is reported by the commands that own it
        return {}


def _apply_accepted(rows: list[dict[str, Any]], accepted: dict[str, AcceptedRisk]) -> None:
    for row in rows:
        risk = accepted.get(row["prompt"])
        if risk is not None and row["verdict"] == "fail":
            row["verdict"] = "accepted"
            row["accepted"] = {"reason": risk.reason, "by": risk.by}


def _previous_rows(ctx: CheckContext) -> tuple[str | None, dict[str, str]]:
    """The newest saved ai.eval result on this target that graded prompts: (when, verdicts)."""
    from launchwizard.state.runs import RunFileError, list_runs, load_run

    wanted = (CHECK_ID, ctx.target)
    for path in list_runs(ctx.sprint.state_dir):
        try:
            run = load_run(path)
        except RunFileError:
            continue
        for result in run["results"]:
            if not isinstance(result, dict) or (result.get("check"), result.get("target")) != wanted:
                continue
            evidence = result.get("evidence")
            rows = evidence.get("cases") if isinstance(evidence, dict) else None
            if isinstance(rows, list) and rows:
                verdicts = {
                    str(row.get("prompt")): str(row.get("verdict")) for row in rows if isinstance(row, dict)
                }
                return run.get("started_at"), verdicts
    return None, {}


def _verdict(
    ctx: CheckContext,
    rows: list[dict[str, Any]],
    previous: tuple[str | None, dict[str, str]],
    evidence: dict[str, Any],
) -> Result:
    budget = ctx.sprint.probes.eval
    when, before = previous
    for row in rows:
        row["was"] = before.get(row["prompt"])
        row["regression"] = row["verdict"] == "fail" and row["was"] == "pass"
    regressions = [row for row in rows if row["regression"]]
    rows.sort(key=lambda row: not row["regression"])
    tally = Tally(rows)
    rate = tally.pass_rate
    evidence["previous_run"] = when
    evidence["regressions"] = [row["prompt"] for row in regressions]
    evidence["pass_rate"] = None if rate is None else round(rate, 1)
    evidence["counts"] = dict(sorted(tally.counts.items()))
    evidence["cases"] = rows
    counts = _counts(tally)
    if rate is None:
        first = next((row["failed"] for row in rows if row["failed"]), "nothing was graded")
        return ctx.result(Status.ERROR, f"no prompt could be graded ({counts}): {first}", evidence=evidence)
    needs = f"needs {budget.pass_pct:g} %"
    rate_text = f"{tally.count('pass')} of {tally.counted} prompts passed ({rate:.1f} %, {needs})"
    if regressions or rate < budget.pass_pct:
        lead = f"{len(regressions)} regression(s) since the run of {when}: " if regressions else ""
        listed = regressions or [row for row in rows if row["verdict"] == "fail"]
        named = ", ".join(row["prompt"] for row in listed[:5])
        summary = f"{lead}{rate_text}; {counts}" + (f"; failing: {named}" if named else "")
        failing = tally.counted - tally.count("pass")
        headline = (
            f"The chat bot now fails {len(regressions)} customer prompt(s) it passed before"
            if regressions
            else f"The chat bot fails {failing} of the customers' {tally.counted} prompts"
        ) + f" ({rate:.1f} % pass, {needs})"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_EVAL, headline=headline)
    if any(tally.count(v) for v in ("error", "accepted", "not-evaluated")) or "stopped" in evidence:
        return ctx.result(Status.WARN, f"{rate_text}; {counts}", evidence=evidence, severity=Severity.LOW)
    return ctx.result(Status.PASS, f"{rate_text}; {counts}", evidence=evidence, severity=Severity.INFO)


def _counts(tally: Tally) -> str:
    words = {
        "pass": "passed",
        "fail": "failed",
        "error": "could not be graded",
        "accepted": "accepted",
        "not-evaluated": "not evaluated here (need a model or code)",
    }
    return ", ".join(f"{tally.count(v)} {word}" for v, word in words.items() if tally.count(v))
