"""`launchwizard secrets [PATH] [--history]`: the secret scan for CI and pre-commit.

Exit 1 when a finding at or above `--fail-on` is not in the baseline, so a merge with a
new key in it is blocked; publishable keys (info) never fail the build. The scanner and
git are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from launchwizard.commands import EXIT_FINDINGS, EXIT_OK, UsageError
from launchwizard.commands.output import add_output_option, emit
from launchwizard.results import SEVERITY_RANK, Severity

FORMATS = ("text", "json", "sarif", "junit")
FAIL_LEVELS = ("critical", "high", "medium", "low")


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `secrets` subcommand's options (cli.py calls this)."""
    secrets = commands.add_parser(
        "secrets",
        help="scan a repository (and its git history) for keys, tokens and private keys",
        description=(
            "Scan PATH (a repository, a directory or a file) for secrets; with --history also "
            "every commit on every branch. Values are never printed: each finding shows its first "
            "characters and a fingerprint. Exit 1 on findings not in the baseline."
        ),
    )
    secrets.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    scope = secrets.add_mutually_exclusive_group()
    scope.add_argument("--history", action="store_true", help="also scan the full git history")
    scope.add_argument(
        "--staged",
        action="store_true",
        help="only what the next commit adds (the staged changes; not untracked files or unstaged edits)",
    )
    scope.add_argument(
        "--commits",
        metavar="RANGE",
        help="only these commits: A..B (in B and not in A, as a push sends them) or B (B and its ancestors)",
    )
    scope.add_argument(
        "--hook",
        action="store_true",
        help="as pre-commit's hook: in the pre-push stage the pushed commits "
        "(PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, or the whole branch when it is new), else --staged",
    )
    secrets.add_argument(
        "--format", choices=FORMATS, default="text", help="text, json, sarif or junit on stdout"
    )
    secrets.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="F",
        help="an earlier JSON or SARIF report: its findings no longer fail the build",
    )
    secrets.add_argument(
        "--fail-on",
        choices=FAIL_LEVELS,
        default="low",
        metavar="LEVEL",
        help="exit 1 on a finding of this severity or worse (critical, high, medium, low; default low)",
    )
    add_output_option(secrets)


def hook_commits(environ: Mapping[str, str]) -> str | None:
    """The commits a push sends, as pre-commit describes them to a pre-push hook: the range
    PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, or for a branch whose history is new to the
    remote the whole branch (pre-commit then sets only PRE_COMMIT_LOCAL_BRANCH); None when
    not pushing (the pre-commit stage)."""
    from_ref, to_ref = environ.get("PRE_COMMIT_FROM_REF"), environ.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        return f"{from_ref}..{to_ref}"
    if environ.get("PRE_COMMIT_REMOTE_NAME") and environ.get("PRE_COMMIT_LOCAL_BRANCH"):
        return environ["PRE_COMMIT_LOCAL_BRANCH"]
    return None


def _pending(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[bool, str | None] | None:
    """(staged?, commit range) of a scan of what is about to be published, or None for a
    scan of the path (and its history)."""
    if args.hook:
        commits = hook_commits(environ)
        return (commits is None, commits)
    if args.staged:
        return (True, None)
    if args.commits is not None:
        return (False, args.commits)
    return None


def secrets(args: argparse.Namespace) -> int:
    """Scan, print the report in the chosen format, and exit 1 on findings."""
    from launchwizard.report.sarif_secrets import render_sarif
    from launchwizard.secrets.report import render_json, render_text
    from launchwizard.secrets.scan import scan_path

    root: Path = args.path
    if not root.exists():
        raise UsageError(f"{root}: no such file or directory")
    if args.baseline is not None and not args.baseline.is_file():
        raise UsageError(f"baseline {args.baseline} does not exist")
    pending = _pending(args, os.environ)
    if pending is not None:
        from launchwizard.secrets.scan import scan_pending

        if not root.is_dir():
            raise UsageError(f"{root}: --staged, --commits and --hook need a git repository")
        staged, commits = pending
        result = scan_pending(root, commits=None if staged else commits, baseline=args.baseline)
    else:
        result = scan_path(root, history=args.history, baseline=args.baseline)
    if args.history and result.history is not None and result.history.unavailable:
        raise UsageError(f"{root}: --history needs a git repository ({result.history.unavailable})")
    report = result.report
    if args.format == "json":
        emit(args, json.dumps(render_json(report), indent=2) + "\n", lambda: render_text(report))
    elif args.format == "sarif":
        emit(args, json.dumps(render_sarif(report), indent=2) + "\n", lambda: render_text(report))
    elif args.format == "junit":
        from launchwizard.report.junit import render_junit, secrets_suites

        junit = render_junit(secrets_suites(report.ordered(), str(root)))
        emit(args, junit, lambda: render_text(report))
    else:
        emit(args, render_text(report))
    threshold = SEVERITY_RANK[Severity(args.fail_on)]
    failing = [f for f in report.findings if SEVERITY_RANK[f.severity] >= threshold]
    if failing:
        print(f"launchwizard: {len(failing)} finding(s) at or above {args.fail_on}", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK
