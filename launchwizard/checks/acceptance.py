"""Which findings a team may accept: the checks that honour an acceptance, and their ids.

Only `ai.injection` and `ai.eval` read accepted risks (a prompt the bot fails that the team
decides to live with), so accepting anything else would be recorded and then ignored. The
ids are the ones those checks report: the 24 injection prompts, and the cases of the
customers' evaluation set (from its file, or from the saved runs when the file cannot be
read now). `launchwizard accept-risk` and the wizard refuse what is not one of them, so a
typo never reads "risk accepted" while the finding still counts.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from launchwizard.state.model import RISK_KEY_SEPARATOR, InvalidChange

if TYPE_CHECKING:
    from launchwizard.config import Sprint

ACCEPTING_CHECKS = ("ai.injection", "ai.eval")
"""The checks that count an accepted finding as accepted (and list it in the pack)."""


def injection_ids() -> tuple[str, ...]:
    from launchwizard.ai.prompts import prompt_set

    return tuple(prompt.id for prompt in prompt_set())


def eval_ids(sprint: Sprint) -> tuple[str, ...]:
    """The evaluation set's case ids: from its file, else from ai.eval's saved results."""
    from launchwizard.ai.evalset import EvalSetError, load_eval_set

    budget = sprint.probes.eval
    if budget.file is not None:
        try:
            cases = load_eval_set(budget.file, max(0, budget.max_requests - 1)).cases
        except EvalSetError:
            pass
        else:
            return tuple(case.id for case in cases)
    return _saved_eval_ids(sprint)


def _saved_eval_ids(sprint: Sprint) -> tuple[str, ...]:
    from launchwizard.state.runs import RunFileError, list_runs, load_run

    found: dict[str, None] = {}
    for path in list_runs(sprint.state_dir):
        try:
            run = load_run(path)
        except RunFileError:
            continue
        for result in run["results"]:
            evidence = result.get("evidence") if result.get("check") == "ai.eval" else None
            rows = evidence.get("cases") if isinstance(evidence, dict) else None
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict) and row.get("prompt"):
                    found.setdefault(str(row["prompt"]), None)
    return tuple(found)


def acceptable_ids(sprint: Sprint, check: str) -> tuple[str, ...]:
    """The finding ids `check` reports and honours an acceptance of."""
    return injection_ids() if check == "ai.injection" else eval_ids(sprint)


def check_acceptable(sprint: Sprint, key: str) -> None:
    """Raise InvalidChange unless `key` ("check:finding") names a finding that can be accepted."""
    check, sep, finding = key.partition(RISK_KEY_SEPARATOR)
    if not sep or not finding.strip():
        raise InvalidChange(f"a risk is named check:finding (like ai.injection:extract-repeat), not {key!r}")
    if check not in ACCEPTING_CHECKS:
        raise InvalidChange(
            f"{check!r} findings cannot be accepted: only {' and '.join(ACCEPTING_CHECKS)} count an "
            "accepted prompt; fix the finding, or waive or override the decision with a reason"
        )
    known = acceptable_ids(sprint, check)
    if finding in known:
        return
    if not known:
        raise InvalidChange(
            f"{check} has no prompts to accept yet: set [probes.eval] file to a readable evaluation set"
        )
    close = difflib.get_close_matches(finding, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    listed = ", ".join(known[:30]) + (f", … ({len(known)} in all)" if len(known) > 30 else "")
    raise InvalidChange(f"{check} has no prompt {finding!r}{hint}; its prompts: {listed}")
