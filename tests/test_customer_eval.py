"""ai.eval: promptfoo test files read and graded with promptfoo's semantics, the bad inputs of
an evaluation set, and the evaluation against the lab's chat bots (regressions, accepted
failures, `launchwizard eval`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from launchwizard.ai.evalcases import Assertion, EvalCase
from launchwizard.ai.evalset import MAX_NODES, EvalSetError, TooManyCases, load_eval_set
from launchwizard.ai.grading import GradeError, check, grade, split_values
from launchwizard.ai.template import TemplateError, render
from launchwizard.demo.customer_evals import CUSTOMER_EVALS, WRONG_ON_LEAKY
from launchwizard.results import Status
from launchwizard.state.model import SprintState
from launchwizard.state.runs import list_runs
from launchwizard.state.statefile import save_state

CHAT = "chat.perf.test"


def write(tmp_path: Path, text: str, name: str = "evals.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_case(tmp_path: Path, assertions: list[dict[str, Any]], **test: Any) -> EvalCase:
    document = {"tests": [{"vars": {"prompt": "hi", **test.pop("vars", {})}, "assert": assertions, **test}]}
    (case,) = load_eval_set(write(tmp_path, json.dumps(document), "set.json"), 10).cases
    assert case.problem is None, case.problem
    return case


# --------------------------------------------------------------------------- templates


def test_templates_fill_plain_variables_only():
    variables = {"question": "Refund?", "customer": {"plan": "Team"}, "n": 3.0, "ok": True}
    assert (
        render("Q: {{question}} ({{ customer.plan }}, {{n}}, {{ok}})", variables)
        == "Q: Refund? (Team, 3, true)"
    )
    assert render("{% raw %}{{ kept }}{% endraw %} {{question}}", variables) == "{{ kept }} Refund?"
    with pytest.raises(TemplateError, match="variable 'name' is not set"):
        render("Hi {{ name }}", variables)
    with pytest.raises(TemplateError, match="not a plain"):
        render("{{ question | upper }}", variables)
    with pytest.raises(TemplateError, match="not a plain"):
        render("{% for x in items %}{{x}}{% endfor %}", variables)


# --------------------------------------------------------------------------- grading


GRADING_TABLE: list[tuple[str, Any, str, bool]] = [
    # (type, value, output, passes) as promptfoo grades them
    ("equals", "Yes", "Yes", True),
    ("equals", "Yes", "Yes ", False),
    ("equals", 42, "42", True),
    ("equals", {"a": 1}, '{"a": 1.0}', True),
    ("equals", {"a": 1}, '{"a": true}', False),
    ("equals", {"a": 1}, "not json", False),
    ("not-equals", {"a": 1}, "not json", True),
    ("contains", "30 days", "within 30 days.", True),
    ("contains", "30 Days", "within 30 days.", False),
    ("icontains", "30 DAYS", "within 30 days.", True),
    ("not-contains", "Globex", "Acme only", True),
    ("not-icontains", "globex", "GLOBEX ticket", False),
    ("contains-any", "EU, Frankfurt", "hosted in Frankfurt", True),
    ("contains-any", ["EU", "US"], "hosted in Asia", False),
    ("contains-all", 'a, "b, c"', "a and b, c", True),
    ("contains-all", ["a", "z"], "a only", False),
    ("icontains-any", ["ZENDESK"], "zendesk works", True),
    ("icontains-all", ["PDF", "invoice"], "Invoices as pdf", True),
    ("not-contains-any", ["error", "sorry"], "all good", True),
    ("regex", r"\b90 days\b", "kept 90 days.", True),
    ("regex", "^Hello", "Oh, Hello", False),
    ("not-regex", r"\d{4} \d{4}", "no card here", True),
    ("starts-with", "Hello!", "Hello! I am", True),
    ("not-starts-with", "Sorry", "Sorry, no", False),
    ("is-json", None, '{"plan": "Starter"}', True),
    ("is-json", None, "NaN", False),
    ("not-is-json", None, "plain text", True),
]


@pytest.mark.parametrize(("kind", "value", "output", "passes"), GRADING_TABLE)
def test_deterministic_assertions(kind: str, value: Any, output: str, passes: bool):
    assertion = Assertion(kind, value, pattern=_pattern(kind, value))
    passed, reason = check(assertion, output, 10)
    assert passed is passes
    assert bool(reason) is not passes


def _pattern(kind: str, value: Any) -> Any:
    from launchwizard.ai.grading import compile_pattern

    return compile_pattern(value) if kind.endswith("regex") else None


def test_comma_separated_values_follow_promptfoo():
    assert split_values(' a , b,,"c, d", "say ""hi"""') == ["a", "b", "c, d", 'say "hi"']
    with pytest.raises(GradeError, match="not closed"):
        split_values('"open')


def test_latency_needs_a_threshold_and_compares_inclusively():
    assert check(Assertion("latency", threshold=100), "x", 100) == (True, "")
    assert check(Assertion("latency", threshold=100), "x", 101)[0] is False
    assert check(Assertion("not-latency", threshold=100), "x", 101)[0] is True
    with pytest.raises(GradeError, match="needs a threshold"):
        check(Assertion("latency"), "x", 5)


def test_is_json_validates_a_schema():
    schema = {"type": "object", "required": ["plan"], "properties": {"price": {"type": "number"}}}
    assert check(Assertion("is-json", schema), '{"plan": "x", "price": 4}', 1) == (True, "")
    passed, reason = check(Assertion("is-json", schema), '{"price": "4"}', 1)
    assert not passed and "does not conform" in reason
    yaml_schema = "type: object\nrequired: [plan]\n"
    assert check(Assertion("is-json", yaml_schema), '{"plan": 1}', 1)[0]
    with pytest.raises(GradeError, match="schema is not valid"):
        check(Assertion("is-json", {"type": "no-such-type"}), "{}", 1)


def test_missing_values_are_errors_not_passes():
    for kind in ("contains", "icontains", "contains-any", "starts-with", "equals"):
        with pytest.raises(GradeError):
            check(Assertion(kind, None), "anything", 1)


def test_every_assertion_must_pass_without_a_threshold_whatever_its_weight(tmp_path: Path):
    case = one_case(
        tmp_path,
        [{"type": "contains", "value": "a", "weight": 3}, {"type": "contains", "value": "z", "weight": 0}],
    )
    result = grade(case, "a", 5)
    assert result.verdict == "fail" and result.score == 1.0
    assert "contain 'z'" in result.failed


def test_a_threshold_passes_on_the_weighted_score(tmp_path: Path):
    assertions = [{"type": "contains", "value": "a", "weight": 3}, {"type": "contains", "value": "z"}]
    assert grade(one_case(tmp_path, assertions, threshold=0.75), "a", 5).verdict == "pass"
    low = grade(one_case(tmp_path, assertions, threshold=0.8), "a", 5)
    assert low.verdict == "fail" and low.score == 0.75 and "below the threshold 0.8" in low.failed


def test_assert_sets_have_their_own_threshold_and_weight(tmp_path: Path):
    group = {
        "type": "assert-set",
        "threshold": 0.5,
        "weight": 2,
        "assert": [{"type": "contains", "value": "a"}, {"type": "contains", "value": "z"}],
    }
    result = grade(one_case(tmp_path, [group, {"type": "contains", "value": "a"}]), "a", 5)
    assert result.verdict == "pass"
    assert result.score == pytest.approx((0.5 * 2 + 1) / 3)


def test_model_graded_assertions_count_neither_way(tmp_path: Path):
    mixed = one_case(
        tmp_path, [{"type": "llm-rubric", "value": "polite"}, {"type": "icontains", "value": "hi"}]
    )
    result = grade(mixed, "Hi there", 5)
    assert result.verdict == "pass" and result.not_evaluated == ["llm-rubric (needs a model or code)"]
    only_model = one_case(tmp_path, [{"type": "similar", "value": "x"}, {"type": "promptfoo:redteam:pii"}])
    assert grade(only_model, "whatever", 5).verdict == "not-evaluated"
    scripted = one_case(tmp_path, [{"type": "contains", "value": "x", "transform": "output.toUpperCase()"}])
    assert grade(scripted, "x", 5).verdict == "not-evaluated"


def test_no_assertions_passes_like_promptfoo(tmp_path: Path):
    assert grade(one_case(tmp_path, []), "anything", 5).verdict == "pass"


def test_catastrophic_regex_is_bounded_and_an_error(tmp_path: Path):
    case = one_case(tmp_path, [{"type": "regex", "value": "(x+x+)+y"}])
    with pytest.raises(GradeError, match="backtracks catastrophically"):
        grade(case, "x" * 5000, 5)


def test_templated_assertion_values_use_the_vars(tmp_path: Path):
    case = one_case(tmp_path, [{"type": "icontains", "value": "{{city}}"}], vars={"city": "Frankfurt"})
    assert grade(case, "We host in frankfurt.", 5).verdict == "pass"


# --------------------------------------------------------------------------- reading the file


def test_the_lab_set_has_24_tests_and_every_graded_type(tmp_path: Path):
    evalset = load_eval_set(write(tmp_path, CUSTOMER_EVALS), 39)
    assert len(evalset.cases) == 24
    assert all(case.problem is None for case in evalset.cases)
    kinds = {a.type for case in evalset.cases for a in case.assertions}
    wanted = {
        "equals",
        "contains",
        "icontains",
        "contains-any",
        "contains-all",
        "not-contains",
        "not-icontains",
    }
    wanted |= {"regex", "not-regex", "starts-with", "is-json", "latency", "llm-rubric"}
    assert wanted <= kinds
    assert set(WRONG_ON_LEAKY) <= {case.id for case in evalset.cases}


def test_prompts_default_tests_and_list_vars_expand_like_promptfoo(tmp_path: Path):
    document = {
        "prompts": ["Q: {{q}}", {"raw": "Customer asks: {{q}}", "label": "polite"}],
        "defaultTest": {"vars": {"q": "default"}, "assert": [{"type": "contains", "value": "x"}]},
        "tests": [{"description": "Two cities", "vars": {"q": ["Paris", "Rome"]}}, {"vars": {}}],
    }
    evalset = load_eval_set(write(tmp_path, json.dumps(document), "s.json"), 10)
    prompts = [case.prompt for case in evalset.cases]
    assert prompts == [
        "Q: Paris",
        "Customer asks: Paris",
        "Q: Rome",
        "Customer asks: Rome",
        "Q: default",
        "Customer asks: default",
    ]
    assert len({case.id for case in evalset.cases}) == 6
    assert all(case.assertions[0].value == "x" for case in evalset.cases)
    assert evalset.cases[0].description == "Two cities [q=Paris] @prompt-1"


def test_a_bare_list_of_tests_is_read(tmp_path: Path):
    path = write(tmp_path, "- vars: {prompt: hi}\n  assert: [{type: contains, value: hi}]\n")
    assert [case.prompt for case in load_eval_set(path, 5).cases] == ["hi"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("set.yaml", "tests: [\n  {vars: {prompt: x}\n", "not valid YAML at line"),
        ("set.json", '{"tests": [}', "not valid JSON at line 1"),
        ("set.yaml", "prompts: ['{{q}}']\n", "has no tests"),
        ("set.yaml", "tests: []\n", "has no tests"),
        ("set.yaml", "tests: file://tests.csv\n", "tests loaded from another file"),
        ("set.yaml", "just text\n", "expected a mapping with 'tests'"),
        ("set.yaml", "tests: [{}]\nprompts: ['file://p.js']\n", "only .txt and .md prompt files"),
        ("set.yaml", "a: &a [*a]\ntests: [{}]\n", "refers to itself"),
        ("set.yaml", "x: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
    ],
)
def test_unusable_files_are_one_clear_error(tmp_path: Path, name: str, text: str, message: str):
    with pytest.raises(EvalSetError, match=message):
        load_eval_set(write(tmp_path, text, name), 40)


def test_a_missing_or_binary_file_is_one_clear_error(tmp_path: Path):
    with pytest.raises(EvalSetError, match="file not found"):
        load_eval_set(tmp_path / "evals" / "nope.yaml", 40)
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00tests")
    with pytest.raises(EvalSetError, match="not UTF-8"):
        load_eval_set(tmp_path / "bin.yaml", 40)
    with pytest.raises(EvalSetError, match="is a directory"):
        load_eval_set(tmp_path, 40)


def test_yaml_aliases_cannot_multiply_a_small_file(tmp_path: Path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    lines.append("tests: [{vars: {prompt: *a11}}]")
    with pytest.raises(EvalSetError, match=f"more than {MAX_NODES} values"):
        load_eval_set(write(tmp_path, "\n".join(lines) + "\n"), 40)


def test_ten_thousand_tests_are_refused_with_the_count(tmp_path: Path):
    tests = [{"description": f"q{i}", "vars": {"prompt": f"question {i}"}} for i in range(10_000)]
    path = write(tmp_path, json.dumps({"tests": tests}), "big.json")
    with pytest.raises(TooManyCases) as caught:
        load_eval_set(path, 39)
    assert caught.value.count == 10_000 and caught.value.limit == 39
    combinatorial = {"tests": [{"vars": {"a": list(range(1000)), "b": list(range(1000))}}]}
    with pytest.raises(TooManyCases, match="1000000 tests"):
        load_eval_set(write(tmp_path, json.dumps(combinatorial), "combo.json"), 39)


def test_bad_tests_become_per_prompt_errors(tmp_path: Path):
    text = """
tests:
  - description: typo
    vars: {prompt: a}
    assert: [{type: icontain, value: x}]
  - description: bad regex
    vars: {prompt: b}
    assert: [{type: regex, value: "(unclosed"}]
  - description: missing variable
    vars: {question: c}
  - description: fine
    vars: {prompt: d}
  - not a mapping
"""
    cases = {case.id: case for case in load_eval_set(write(tmp_path, text), 40).cases}
    assert "unknown assertion type 'icontain' (did you mean 'icontains'?)" in str(cases["typo"].problem)
    assert "does not compile" in str(cases["bad-regex"].problem)
    assert "variable 'prompt' is not set" in str(cases["missing-variable"].problem)
    assert cases["fine"].problem is None and cases["fine"].prompt == "d"
    assert "is not a mapping" in str(cases["test-5"].problem)


# --------------------------------------------------------------------------- the check


def eval_sprint(make_sprint, tmp_path: Path, path: str, text: str = CUSTOMER_EVALS, **probe: Any):
    evals = write(tmp_path, text, probe.pop("name", "customers.yaml"))
    chat = {
        "url": f"https://{CHAT}{path}",
        "method": "POST",
        "body": '{"message": "{{prompt}}"}',
        "response_path": "reply.text",
        "timeout_s": 5,
        "headers": {"Content-Type": "application/json"},
    }
    settings = {"enabled": True, "endpoint": "chat", "file": str(evals), "rate_per_s": 20.0, **probe}
    return make_sprint([CHAT], apex="perf.test", endpoints={"chat": chat}, probes={"eval": settings})


async def test_disabled_by_default(make_sprint, run_check):
    sprint = make_sprint([CHAT], apex="perf.test", endpoints={"chat": f"https://{CHAT}/v1/chat"})
    result = (await run_check(sprint, "ai.eval"))["perf.test"]
    assert result.status == Status.SKIPPED and "opt-in" in result.summary


async def test_guarded_bot_passes_the_lab_set(make_sprint, run_check, tmp_path: Path):
    result = (await run_check(eval_sprint(make_sprint, tmp_path, "/v1/guarded"), "ai.eval"))[CHAT]
    assert result.status == Status.PASS, result.summary
    assert result.evidence["pass_rate"] == 100.0
    rows = {row["prompt"]: row for row in result.evidence["cases"]}
    assert rows["hand-over-to-a-human"]["not_evaluated"] == ["llm-rubric (needs a model or code)"]
    assert result.evidence["target_test"]["status"] == 200


async def test_leaky_bot_fails_below_pass_pct(make_sprint, run_check, tmp_path: Path):
    result = (await run_check(eval_sprint(make_sprint, tmp_path, "/v1/chat"), "ai.eval"))[CHAT]
    assert result.status == Status.FAIL and result.severity == "high"
    assert "21 of 24 prompts passed (87.5 %, needs 90 %)" in result.summary
    failed = [row["prompt"] for row in result.evidence["cases"] if row["verdict"] == "fail"]
    assert sorted(failed) == sorted(WRONG_ON_LEAKY)
    rows = {row["prompt"]: row for row in result.evidence["cases"]}
    assert rows["refund-window"]["failed"] == "expected the reply to contain '30 days'"
    assert rows["refund-window"]["reply"].startswith("Refunds are possible within 14 days")
    lenient = eval_sprint(make_sprint, tmp_path, "/v1/chat", pass_pct=80)
    assert (await run_check(lenient, "ai.eval"))[CHAT].status == Status.PASS


def test_regressions_since_the_previous_saved_run_come_first(make_sprint, run_cli, capsys, tmp_path):
    good = eval_sprint(make_sprint, tmp_path, "/v1/guarded")
    code, _, _ = run_cli(capsys, "eval", "--config", str(good.path))
    assert code == 0 and len(list_runs(good.state_dir)) == 1
    bad = good.path.read_text().replace("/v1/guarded", "/v1/chat")
    good.path.write_text(bad)
    code, out, err = run_cli(capsys, "eval", "--config", str(good.path), "--format", "json")
    assert code == 1 and "evaluation failed" in err
    result = json.loads(out)["results"][0]
    assert result["evidence"]["regressions"] == list(WRONG_ON_LEAKY)
    assert [row["prompt"] for row in result["evidence"]["cases"][:3]] == list(WRONG_ON_LEAKY)
    assert all(row["regression"] for row in result["evidence"]["cases"][:3])
    assert result["summary"].startswith("3 regression(s) since the run of")
    code, out, _ = run_cli(capsys, "eval", "--config", str(good.path))
    assert code == 1 and "REGRESSED" not in out, "the failing run was saved: it is the new baseline"


async def test_accepted_failures_stop_counting(make_sprint, run_check, tmp_path: Path):
    sprint = eval_sprint(make_sprint, tmp_path, "/v1/chat")
    state = SprintState()
    state.accept_risk("ai.eval:single-sign-on", "SSO ships next sprint; sales knows", "ana")
    state.accept_risk("ai.eval:refund-window", "refund policy changes to 14 days", "ana")
    save_state(sprint.state_dir, state)
    result = (await run_check(sprint, "ai.eval"))[CHAT]
    rows = {row["prompt"]: row for row in result.evidence["cases"]}
    assert rows["single-sign-on"]["verdict"] == "accepted"
    assert result.evidence["counts"] == {"accepted": 2, "fail": 1, "pass": 21}
    assert result.evidence["pass_rate"] == pytest.approx(95.5, abs=0.1)
    assert result.status == Status.WARN


async def test_too_many_tests_are_refused_before_any_request(make_sprint, run_check, tmp_path: Path):
    tests = [{"vars": {"prompt": f"question {i}"}} for i in range(10_000)]
    sprint = eval_sprint(make_sprint, tmp_path, "/v1/guarded", json.dumps({"tests": tests}), name="big.json")
    result = (await run_check(sprint, "ai.eval"))[CHAT]
    assert result.status == Status.ERROR
    assert "10000 tests, but [probes.eval] max_requests = 40 allows 39" in result.summary
    assert "target_test" not in result.evidence


async def test_bad_tests_are_per_prompt_errors_and_others_still_run(make_sprint, run_check, tmp_path: Path):
    text = """
tests:
  - {description: unknown type, vars: {prompt: hello}, assert: [{type: containz, value: x}]}
  - {description: missing var, vars: {question: hello}}
  - description: runaway regex
    vars: {prompt: "tell me something"}
    assert: [{type: regex, value: '(([A-Za-z!., ?])+)+\\d'}]
  - {description: greeting, vars: {prompt: hello}, assert: [{type: starts-with, value: "Hello!"}]}
"""
    sprint = eval_sprint(make_sprint, tmp_path, "/v1/guarded", text)
    result = (await run_check(sprint, "ai.eval"))[CHAT]
    rows = {row["prompt"]: row for row in result.evidence["cases"]}
    assert rows["unknown-type"]["verdict"] == "error" and rows["unknown-type"]["status"] is None
    assert rows["missing-var"]["verdict"] == "error" and "not set" in rows["missing-var"]["failed"]
    assert rows["runaway-regex"]["verdict"] == "error"
    assert "backtracks catastrophically" in rows["runaway-regex"]["failed"]
    assert rows["greeting"]["verdict"] == "pass"
    assert result.evidence["prompts_sent"] == "2 of 4"
    assert result.status == Status.FAIL


async def test_missing_file_is_an_error_result(make_sprint, run_check, tmp_path: Path):
    sprint = eval_sprint(make_sprint, tmp_path, "/v1/guarded")
    Path(sprint.probes.eval.file or "").unlink()
    result = (await run_check(sprint, "ai.eval"))[CHAT]
    assert result.status == Status.ERROR and "file not found" in result.summary


async def test_wrong_response_path_refuses_to_evaluate(make_sprint, run_check, tmp_path: Path):
    sprint = eval_sprint(make_sprint, tmp_path, "/v1/guarded")
    text = sprint.path.read_text().replace('"reply.text"', '"data.answer"')
    sprint.path.write_text(text)
    from launchwizard.config import load_sprint

    result = (await run_check(load_sprint(sprint.path), "ai.eval"))[CHAT]
    assert result.status == Status.ERROR and "refusing to evaluate" in result.summary
    assert "cases" not in result.evidence


# --------------------------------------------------------------------------- the command


def test_eval_command_bad_input_is_exit_2_with_one_line(make_sprint, run_cli, capsys, tmp_path: Path):
    sprint = eval_sprint(make_sprint, tmp_path, "/v1/guarded", "tests: [\n", name="broken.yaml")
    code, out, err = run_cli(capsys, "eval", "--config", str(sprint.path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "not valid YAML" in err
    off = make_sprint([CHAT], apex="perf.test")
    code, _, err = run_cli(capsys, "eval", "--config", str(off.path))
    assert code == 2 and "opt-in evaluation not enabled" in err


def test_eval_command_junit_and_text(make_sprint, run_cli, capsys, tmp_path: Path):
    sprint = eval_sprint(make_sprint, tmp_path, "/v1/chat")
    code, out, _ = run_cli(capsys, "eval", "--config", str(sprint.path), "--format", "junit", "--no-save")
    assert code == 1 and not list_runs(sprint.state_dir)
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("tests") == "24" and suite.get("failures") == "3"
    failure = suite.find("testcase[@name='refund-window']/failure")
    assert failure is not None and "30 days" in (failure.get("message") or failure.text or "")
    code, out, _ = run_cli(capsys, "eval", "--config", str(sprint.path), "--no-save")
    assert "✗ FAIL" in out and "refund-window" in out and "87.5 %" in out


def test_pack_lists_pass_rate_regressions_accepted_failures_and_regions(
    make_sprint, run_cli, capsys, tmp_path
):
    from datetime import UTC, datetime

    from launchwizard.config import load_sprint
    from launchwizard.report.pack import render_texts
    from launchwizard.report.pack_context import PackInput
    from launchwizard.state.runs import current_results
    from launchwizard.state.statefile import load_state
    from launchwizard.store.view import StoreView

    sprint = eval_sprint(make_sprint, tmp_path, "/v1/guarded")
    config = ["--config", str(sprint.path)]
    assert run_cli(capsys, "eval", *config)[0] == 0
    sprint.path.write_text(sprint.path.read_text().replace("/v1/guarded", "/v1/chat"))
    assert (
        run_cli(
            capsys, "accept-risk", "ai.eval:single-sign-on", "--reason", "SSO ships next sprint", *config
        )[0]
        == 0
    )
    assert run_cli(capsys, "eval", *config)[0] == 1
    assert (
        run_cli(
            capsys, "monitors", "export", "--format", "checkly", "--output", str(tmp_path / "ck"), *config
        )[0]
        == 0
    )
    merged, _ = current_results(sprint.state_dir)
    pack = PackInput(
        load_sprint(sprint.path), load_state(sprint.state_dir), merged, StoreView(()), datetime.now(UTC)
    )
    texts = {pack_file.output: text for pack_file, text in render_texts(pack)}
    risks = texts["risks.md"]
    assert "## AI quality: the customers' evaluation set" in risks
    assert "- **Pass rate:** 91.3 % (needs 90 %)" in risks
    assert "fail now): 2" in risks and "- **Accepted failures:** 1" in risks
    assert (
        "| `refund-window` | Refund window | **regression** | expected the reply to contain '30 days' |"
        in risks
    )
    assert "| `single-sign-on` | Single sign-on | SSO ships next sprint |" in risks
    monitoring = texts["monitoring.md"]
    assert (
        f"covered by the Checkly export in `{tmp_path / 'ck'}` (every monitor from eu-west-1, us-east-1)"
        in monitoring
    )
    assert "every monitor from eu-west-1, us-east-1 in parallel" in monitoring
    assert f"- **Covered by:** the export in `{tmp_path / 'ck'}`" in texts["checklist.md"]
