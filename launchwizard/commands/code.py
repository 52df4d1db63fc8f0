"""`launchwizard code [PATH]`: the four code checks on a repository alone, for CI.

Exit 1 when a finding at or above `--fail-on` is not in the baseline. ast-grep and the
rule tables are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from launchwizard.commands import EXIT_FINDINGS, EXIT_OK, UsageError
from launchwizard.results import SEVERITY_RANK, Severity

FORMATS = ("text", "json", "sarif")
FAIL_LEVELS = ("critical", "high", "medium", "low")
CODE_CHECKS = ("code.timeouts", "code.retries", "code.pooling", "code.errors")


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `code` subcommand's options (cli.py calls this)."""
    code = commands.add_parser(
        "code",
        help="read a repository's code for timeouts, retries, pooling and swallowed errors",
        description=(
            "Run code.timeouts, code.retries, code.pooling and code.errors on PATH (a repository, a "
            "directory or a file): Python, JavaScript, TypeScript and TSX, read as syntax trees. Each "
            "finding names its file:line, the code line and the fix. Exit 1 on findings not in the baseline."
        ),
    )
    code.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    code.add_argument("--format", choices=FORMATS, default="text", help="text, json or sarif on stdout")
    code.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="F",
        help="an earlier JSON or SARIF report of this command: its findings no longer fail the build",
    )
    code.add_argument(
        "--fail-on",
        choices=FAIL_LEVELS,
        default="low",
        metavar="LEVEL",
        help="exit 1 on a finding of this severity or worse (critical, high, medium, low; default low)",
    )


def code(args: argparse.Namespace) -> int:
    """Scan, print the report in the chosen format, and exit 1 on findings."""
    from launchwizard.checks.codecheck import scan_repository
    from launchwizard.checks.registry import REGISTRY
    from launchwizard.code.report import render_json, render_sarif, render_text
    from launchwizard.code.verdict import judge

    root: Path = args.path
    if not root.exists():
        raise UsageError(f"{root}: no such file or directory")
    if args.baseline is not None and not args.baseline.is_file():
        raise UsageError(f"baseline {args.baseline} does not exist")
    scan = scan_repository(root, baseline=args.baseline)
    verdicts = [judge(scan, check) for check in CODE_CHECKS]
    if args.format == "json":
        print(json.dumps(render_json(scan, verdicts), indent=2))
    elif args.format == "sarif":
        print(json.dumps(render_sarif(scan), indent=2))
    else:
        titles = {spec.id: spec.title for spec in REGISTRY if spec.id in CODE_CHECKS}
        sys.stdout.write(render_text(scan, verdicts, titles))
    threshold = SEVERITY_RANK[Severity(args.fail_on)]
    failing = [f for f in scan.findings if SEVERITY_RANK[f.severity] >= threshold]
    if failing:
        print(f"launchwizard: {len(failing)} finding(s) at or above {args.fail_on}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK
