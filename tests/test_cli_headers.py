"""`launchwizard headers`: a live URL on the lab, a saved `curl -si` response, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchwizard.demo.sites_edge import BEST_HEADERS

SAVED_WEAK = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/html\r\n"
    b"Set-Cookie: sessionid=saved-session-value-123; Path=/\r\n"
    b"X-Frame-Options: SAMEORIGIN\r\n"
    b"\r\n"
    b'<script src="http://cdn.vendor.test/t.js"></script>'
)


def saved(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "response.txt"
    path.write_bytes(data)
    return path


def best_response() -> bytes:
    lines = [f"{name}: {value}".encode() for name, value in BEST_HEADERS]
    return b"HTTP/2 200 \r\ncontent-type: text/html\r\n" + b"\r\n".join(lines) + b"\r\n\r\n<p>ok</p>"


def test_saved_response_json_follows_the_contract(capsys, run_cli, tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "headers", "--response", str(saved(tmp_path, best_response())), "--json")
    assert code == 0
    report = json.loads(out)
    assert isinstance(report["score"], int) and report["grade"] == "A+"
    assert set(report["not_tested"]) == {"redirection", "cross-origin-resource-sharing"}
    csp = report["tests"]["content-security-policy"]
    assert csp["result"] == "csp-implemented-with-no-unsafe-default-src-none"
    assert (csp["pass"], csp["score_modifier"]) == (True, 10)
    assert "lab-session-token" not in out


def test_saved_weak_response_text_and_min_grade(capsys, run_cli, tmp_path: Path) -> None:
    path = str(saved(tmp_path, SAVED_WEAK))
    code, out, err = run_cli(capsys, "headers", "--response", path, "--min-grade", "C")
    assert code == 1 and "below C" in err
    assert "grade F" in out and "Headers to paste:" in out
    assert "sri-not-implemented-and-external-scripts-not-loaded-securely" in out
    assert "Set-Cookie: sessionid=<value>; Secure; HttpOnly" in out
    assert "saved-session-value-123" not in out + err


def test_the_saved_page_is_graded_as_the_given_url(capsys, run_cli, tmp_path: Path) -> None:
    path = str(saved(tmp_path, SAVED_WEAK))
    code, out, _ = run_cli(capsys, "headers", "https://www.vendor.test/", "--response", path, "--json")
    assert code == 0
    sri = json.loads(out)["tests"]["subresource-integrity"]["result"]
    assert sri == "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("headers",), "give the URL"),
        (("headers", "http://www.example.test/"), "not an https:// URL"),
        (("headers", "--response", "/nonexistent/response.txt"), "cannot read"),
    ],
)
def test_usage_errors_exit_2(capsys, run_cli, args: tuple[str, ...], words: str) -> None:
    code, _, err = run_cli(capsys, *args)
    assert code == 2 and words in err


def test_a_file_that_is_not_a_response_exits_2(capsys, run_cli, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "headers", "--response", str(saved(tmp_path, b"<html>hello</html>")))
    assert code == 2 and "not a saved HTTP response" in err and "Traceback" not in err


def test_live_url_on_the_lab(capsys, run_cli, make_sprint) -> None:
    config = str(make_sprint(["aplus.edge.test"], apex="edge.test").path)
    code, out, _ = run_cli(capsys, "headers", "https://aplus.edge.test/", "--config", config, "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["score"], report["grade"], report["tests_quantity"]) == (160, "A+", 12)
    assert report["tests"]["redirection"]["result"] == "redirection-to-https"
    assert report["not_tested"] == []


def test_live_url_without_a_gradable_page_exits_1(capsys, run_cli, make_sprint) -> None:
    config = str(make_sprint(["hang.lab.test"]).path)
    code, _, err = run_cli(capsys, "headers", "https://hang.lab.test/", "--config", config)
    assert code == 1 and "no page to grade" in err
