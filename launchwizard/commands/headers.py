"""`launchwizard headers URL` and `launchwizard headers --response FILE`: the Observatory grade.

The first visits a live URL the way the MDN HTTP Observatory does (https chain, http chain,
a CORS preflight) and grades what came back; the second grades a saved raw response
(what `curl -si URL > FILE` writes) offline, so a consultant can grade a staging server
that is not reachable from here, or a response a client pasted. Without the http chain
and the preflight, the redirection and CORS tests are reported as not tested.
It never imports textual; the network layer is imported only for a live URL.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from launchwizard.commands import EXIT_FINDINGS, EXIT_OK, UsageError
from launchwizard.safe.terminal import safe_text

if TYPE_CHECKING:
    from launchwizard.config import NetworkConfig
    from launchwizard.edge.observatory import Report

SAVED_PAGE_URL = "https://saved-response.invalid/"
"""The URL a saved response is graded as when none is given: an https page of its own site."""
GRADES = ("A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F")
MAX_RESPONSE_FILE = 32 * 1024 * 1024


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `headers` subcommand's options (cli.py calls this)."""
    headers = commands.add_parser(
        "headers",
        help="grade a URL's security headers like the MDN HTTP Observatory (or a saved response)",
        description=(
            "Grade security headers with the MDN HTTP Observatory's rules (algorithm v6): "
            "score, letter and every test with its result id."
        ),
    )
    headers.add_argument(
        "url",
        nargs="?",
        metavar="URL",
        help="the page to grade (https://...); with --response, the URL the saved page came from",
    )
    headers.add_argument(
        "--response",
        type=Path,
        metavar="FILE",
        help="grade a saved raw response instead (as `curl -si URL > FILE` writes it)",
    )
    headers.add_argument("--json", action="store_true", help="print the JSON report instead of text")
    headers.add_argument(
        "--min-grade",
        choices=GRADES,
        metavar="GRADE",
        help="exit 1 when the grade is below this (A+ ... F)",
    )
    headers.add_argument(
        "--config",
        type=Path,
        help="take resolvers, CA bundle, ports and pins from this sprint.toml's [network]",
    )


def headers(args: argparse.Namespace) -> int:
    """Grade the URL or the file, print the report, exit by --min-grade."""
    if args.response is not None:
        report, where = _offline(args.response, _checked_url(args.url or SAVED_PAGE_URL))
    elif args.url is not None:
        from launchwizard.checks.headers import Ungradable

        try:
            report, where = _live(_checked_url(args.url), args.config)
        except Ungradable as exc:
            print(f"launchwizard: {exc.message}", file=sys.stderr)
            return EXIT_FINDINGS
    else:
        raise UsageError("headers: give the URL to grade, or --response FILE to grade a saved response")
    if args.json:
        print(json.dumps(to_json(where, report), indent=2))
    else:
        print(text_report(where, report))
    if args.min_grade and GRADES.index(report.grade) > GRADES.index(args.min_grade):
        print(f"launchwizard: grade {report.grade} is below {args.min_grade}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def _checked_url(url: str) -> str:
    from launchwizard.config.values import InvalidValue
    from launchwizard.config.values import url as valid_url

    try:
        target = valid_url(url)
    except InvalidValue as exc:
        raise UsageError(f"headers: {exc}") from None
    if not target.startswith("https://"):
        raise UsageError(f"headers: {url!r} is not an https:// URL (the Observatory grades the HTTPS site)")
    return target


def _offline(path: Path, url: str) -> tuple[Report, str]:
    """Grade a saved response as the page at `url` (its scheme and host matter to CSP and SRI)."""
    from launchwizard.edge.observatory import grade, observation_from_raw
    from launchwizard.edge.rawhttp import RawResponseError, parse_raw_response

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_RESPONSE_FILE + 1)
    except OSError as exc:
        raise UsageError(f"headers: cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_RESPONSE_FILE:
        raise UsageError(f"headers: {path} is larger than {MAX_RESPONSE_FILE // (1024 * 1024)} MB")
    try:
        raw = parse_raw_response(data)
    except RawResponseError as exc:
        raise UsageError(f"headers: {path} is not a saved HTTP response: {exc}") from None
    return grade(observation_from_raw(raw, url)), str(path)


def _live(url: str, config: Path | None) -> tuple[Report, str]:
    import asyncio

    return asyncio.run(_grade_live(url, _network(config))), url


def _network(config: Path | None) -> NetworkConfig:
    from launchwizard.config import NetworkConfig, load_sprint

    if config is None:
        return NetworkConfig()
    return load_sprint(config).network


async def _grade_live(url: str, network: NetworkConfig) -> Report:
    """Visit and grade; raises Ungradable when there is no page the Observatory would grade."""
    from launchwizard.checks.headers import observe
    from launchwizard.edge.observatory import grade
    from launchwizard.net import Net

    async with Net(network) as net:
        observation = await observe(net.http, url, None)
    return grade(observation)


def text_report(where: str, report: Report) -> str:
    """The terminal report: grade first, then one row per test, then the headers to paste."""
    lines = [
        f"{safe_text(where)}: grade {report.grade}, score {report.score} "
        "(MDN HTTP Observatory rules, algorithm v6)",
        f"{report.tests_passed} of {len(report.tests)} tests pass"
        + ("" if report.bonus_counted else "; bonuses not counted (the penalties bring the score under 90)"),
    ]
    if report.not_tested:
        lines.append(f"not tested from a saved response: {', '.join(report.not_tested)}")
    lines.append("")
    width = max(len(name) for name in report.tests) if report.tests else 10
    for name, test in report.tests.items():
        mark = "✓" if test.passed else "✗"
        lines.append(f"  {mark} {name:<{width}}  {test.modifier:+4d}  {test.result}")
    paste = [test.recommended for test in report.tests.values() if test.recommended]
    if paste:
        pasted = (f"  {safe_text(line)}" for block in paste for line in block.splitlines())
        lines += ["", "Headers to paste:", *pasted]
    return "\n".join(lines)


def to_json(where: str, report: Report) -> dict[str, Any]:
    """The --json document: the report with the URL or file it is about."""
    return {"url": where, **report.to_json()}
