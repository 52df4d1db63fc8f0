"""Every case of the MDN HTTP Observatory's published test suite (tests/observatory_suite.py):
each response a case describes is saved as `curl -si` writes it and graded by
`launchwizard headers --response FILE https://HOST/ --json`, which must give the case's
result id and pass for that test. The cases a single saved response cannot carry (the
http:// route, the CORS preflight, an invalid certificate, a page served over http) are
graded from the same Observation the live `launchwizard headers URL` builds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from observatory_suite import (
    CORS_CASES,
    GRADES,
    HTTP_DEFAULT_ROUTE,
    OBSERVATORY_ORIGIN,
    REDIRECTION_CASES,
    SAVED_RESPONSE_CASES,
    SCANS,
    Case,
    Scan,
)

from launchwizard.edge import observatory
from launchwizard.edge.observatory import Observation, Page, grade, grade_letter, score

HTML = (("Content-Type", "text/html"),)


def _id(case: Case) -> str:
    return f"{case.test}:{case.expected}:{case.headers or ''}:{case.host}:{len(case.body)}"


@pytest.mark.parametrize("case", SAVED_RESPONSE_CASES, ids=[_id(c) for c in SAVED_RESPONSE_CASES])
def test_saved_response_through_the_cli(
    case: Case, tmp_path: Path, run_cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "response.txt"
    saved.write_bytes(case.raw())
    code, out, err = run_cli(capsys, "headers", "--response", str(saved), f"https://{case.host}/", "--json")
    assert (code, err) == (0, "")
    test = json.loads(out)["tests"][case.test]
    assert (test["result"], test["pass"]) == (case.expected, case.passed), test


def test_every_result_id_of_the_suite_is_one_of_ours() -> None:
    expected = {c.expected for c in SAVED_RESPONSE_CASES} | {r for _, r, _ in REDIRECTION_CASES}
    expected |= {r for _, r, _ in CORS_CASES}
    assert expected <= set(observatory.RESULTS)


def _page(
    url: str = "https://mozilla.org/", headers: tuple[tuple[str, str], ...] = (), cert_ok: bool = True
) -> Page:
    return Page(url, 200, (*HTML, *headers), b"", (), cert_ok)


@pytest.mark.parametrize(("route", "expected", "passed"), REDIRECTION_CASES)
def test_redirection(route: tuple[str, ...], expected: str, passed: bool) -> None:
    test = grade(Observation(_page(), route)).tests["redirection"]
    assert (test.result, test.passed) == (expected, passed)


def test_redirection_through_an_invalid_certificate() -> None:
    test = grade(Observation(_page(), HTTP_DEFAULT_ROUTE, http_chain_cert_valid=False)).tests["redirection"]
    assert (test.result, test.passed) == ("redirection-invalid-cert", False)


@pytest.mark.parametrize(("preflight", "expected", "passed"), CORS_CASES)
def test_cors(preflight: tuple[tuple[str, str], ...], expected: str, passed: bool) -> None:
    answer = tuple((name, value.format(origin=OBSERVATORY_ORIGIN)) for name, value in preflight)
    observation = Observation(_page(), HTTP_DEFAULT_ROUTE, True, answer, probe_origin=OBSERVATORY_ORIGIN)
    test = grade(observation).tests["cross-origin-resource-sharing"]
    assert (test.result, test.passed) == (expected, passed)


def test_hsts_on_an_invalid_certificate_and_without_https() -> None:
    header = (("Strict-Transport-Security", "max-age=15768000; includeSubDomains; preload"),)
    invalid = grade(Observation(_page(headers=header, cert_ok=False))).tests["strict-transport-security"]
    assert (invalid.result, invalid.passed) == ("hsts-invalid-cert", False)
    plain = grade(
        Observation(_page("http://mozilla.org/", (("Strict-Transport-Security", "max-age=15768000"),)))
    )
    test = plain.tests["strict-transport-security"]
    assert (test.result, test.passed) == ("hsts-not-implemented-no-https", False)


@pytest.mark.parametrize(("points", "letter"), GRADES)
def test_grades(points: int, letter: str) -> None:
    row = observatory.TestResult("x", "x", points >= 100, points - 100, None, None, "")
    report = score({"x": row})
    assert (report.score, report.grade) == (max(points, 0), letter)
    assert grade_letter(points) == letter


@pytest.mark.parametrize("scan", SCANS, ids=[s.host for s in SCANS])
def test_whole_sites_get_the_observatorys_grade(
    scan: Scan, tmp_path: Path, run_cli: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the CLI (ten tests: no route, no preflight in a saved response), and through the
    grader with the route and an empty preflight (all twelve): the same score and grade."""
    saved = tmp_path / "response.txt"
    lines = ["HTTP/1.1 200 OK", *(f"{name}: {value}" for name, value in scan.headers)]
    saved.write_bytes(("\r\n".join(lines) + "\r\n\r\n" + scan.body).encode())
    code, out, _ = run_cli(capsys, "headers", "--response", str(saved), f"https://{scan.host}/", "--json")
    report = json.loads(out)
    assert (code, report["score"], report["grade"]) == (0, scan.score, scan.grade)
    assert sum(not t["pass"] for t in report["tests"].values()) == scan.failed
    page = Page(f"https://{scan.host}/", 200, scan.headers, scan.body.encode(), (), True)
    full = grade(Observation(page, scan.route, True, (), probe_origin=OBSERVATORY_ORIGIN))
    assert (full.score, full.grade, len(full.tests)) == (scan.score, scan.grade, 12)
    assert 12 - full.tests_passed == scan.failed
