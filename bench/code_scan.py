"""Benchmark: the four code checks' scan against ast-grep's own CLI, same files, same rules.

The tree is one or more real repositories (a git directory, bare or not, or a plain
directory), each exported with `git archive` into a temporary directory, never into this
repository. The reference run used three public AI-chatbot code bases fetched as git
snapshots: Mintplex-Labs/anything-llm (JavaScript), Chainlit/chainlit (Python and
TypeScript/TSX) and pydantic/pydantic-ai (Python), about 2,400 source files together.

For each of --rounds rounds (median reported):

- ours: `scan_code` on the tree: listing, reading (skips: vendored, build output, tests,
  generated, minified, too large), parsing each file once, every rule table with its
  keyword prefilter and file conditions, request-path reachability, facts and repository
  rules. In-process, one thread.
- ast-grep CLI (`ast-grep scan`, PyPI `ast-grep-cli`): the same rule tables written out as
  YAML (one rule per language; a rule's `requires`/`unless` folded in as conditions on the
  file's root), run on exactly the files our scan read, with --threads 1 and with the
  CLI's default thread count, as the command a user runs.

Prints files/s for both, the ratios, and how many matches each reported. No assertions.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/code_scan.py REPO [REPO ...] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT_KIND = {"python": "module", "javascript": "program", "typescript": "program", "tsx": "program"}


def export(source: Path, dest: Path) -> None:
    """The source files (by extension) of a git snapshot's HEAD, bare or not, or of a plain
    directory, copied into `dest`. Blobs a snapshot left out (large binaries) are skipped."""
    from launchwizard.code.files import EXTENSIONS

    dest.mkdir(parents=True)
    git_dir = source if (source / "HEAD").is_file() and (source / "objects").is_dir() else source / ".git"
    if not git_dir.is_dir():
        shutil.copytree(source, dest, dirs_exist_ok=True, symlinks=True)
        return
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", "HEAD"], check=True, capture_output=True).stdout
    entries = []
    for raw in listing.split(b"\0"):
        if not raw:
            continue
        meta, name = raw.split(b"\t", 1)
        mode, kind, sha = meta.split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == b"blob" and mode != b"120000" and Path(path).suffix.lower() in EXTENSIONS:
            entries.append((sha.decode(), path))
    batch = subprocess.run(
        [*git, "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in entries).encode(),
        check=True,
        capture_output=True,
    ).stdout
    offset = 0
    for _sha, path in entries:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].split()
        offset = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[offset : offset + size])
        offset += size + 1


def cli_rules(rules: list[Any]) -> str:
    """The rule tables as ast-grep YAML documents (JSON is YAML), one per rule and language."""
    documents = []
    for rule in rules:
        for language in rule.languages:
            config = json.loads(json.dumps(dict(rule.pattern)))
            conditions = [config["rule"]]
            root = ROOT_KIND[language]
            if rule.requires:
                wanted = [dict(c)["rule"] for c in rule.requires]
                conditions.append(
                    {"inside": {"stopBy": "end", "kind": root, "has": {"stopBy": "end", "any": wanted}}}
                )
            if rule.unless:
                unwanted = [dict(c)["rule"] for c in rule.unless]
                conditions.append(
                    {
                        "not": {
                            "inside": {
                                "stopBy": "end",
                                "kind": root,
                                "has": {"stopBy": "end", "any": unwanted},
                            }
                        }
                    }
                )
            config["rule"] = {"all": conditions} if len(conditions) > 1 else conditions[0]
            documents.append(
                json.dumps(
                    {
                        "id": f"{rule.id}-{language}",
                        "language": language,
                        "severity": "warning",
                        "message": rule.message,
                        **config,
                    }
                )
            )
    return "\n---\n".join(documents) + "\n"


def run_ours(tree: Path) -> tuple[float, Any]:
    from launchwizard.code.scan import scan_code

    started = time.perf_counter()
    scan = scan_code(tree)
    return time.perf_counter() - started, scan


def run_cli(tree: Path, rule_file: Path, files: list[str], threads: int | None) -> tuple[float, int]:
    command = [
        str(Path(sys.executable).with_name("ast-grep")),
        "scan",
        "--rule",
        str(rule_file),
        "--json=stream",
    ]
    if threads is not None:
        command += ["--threads", str(threads)]
    started = time.perf_counter()
    done = subprocess.run([*command, *files], cwd=tree, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"ast-grep failed: {done.stderr.strip()[:500]}")
    return elapsed, sum(1 for line in done.stdout.splitlines() if line.strip())


def read_files(tree: Path) -> list[str]:
    """The source files our reader hands to the parser (the CLI gets exactly these)."""
    from launchwizard.code.files import SourceReader

    return [source.path for source in SourceReader(tree).files()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repos", nargs="+", type=Path, help="git directories or plain directories")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="export the tree here and keep it")
    args = parser.parse_args()
    from launchwizard.code.tables import ALL_RULES

    scratch = Path(tempfile.mkdtemp(prefix="launchwizard-code-bench-"))
    tree = args.keep or scratch / "tree"
    try:
        for repo in args.repos:
            export(repo, tree / repo.resolve().parent.name.replace("+", "__"))
        rule_file = scratch / "rules.yml"
        rule_file.write_text(cli_rules(list(ALL_RULES)), encoding="utf-8")
        ours, scans = [], []
        for _ in range(args.rounds):
            elapsed, scan = run_ours(tree)
            ours.append(elapsed)
            scans.append(scan)
        scan = scans[-1]
        files = read_files(tree)
        single = [run_cli(tree, rule_file, files, 1) for _ in range(args.rounds)]
        multi = [run_cli(tree, rule_file, files, None) for _ in range(args.rounds)]
        report(scan, statistics.median(ours), single, multi)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def report(scan: Any, ours: float, single: list[tuple[float, int]], multi: list[tuple[float, int]]) -> None:
    stats = scan.stats
    files = stats.total_read
    languages = ", ".join(f"{lang} {count}" for lang, count in sorted(stats.files_read.items()))
    skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.skipped.items()))
    one = statistics.median(t for t, _ in single)
    many = statistics.median(t for t, _ in multi)
    print(
        f"tree: {files} source files read ({languages}), {stats.bytes_read / 1e6:.1f} MB; skipped: {skipped}"
    )
    print(
        f"launchwizard scan (1 thread, in-process): {ours:.2f} s, {files / ours:.0f} files/s, "
        f"{len(scan.findings)} findings, {len(scan.facts)} facts"
    )
    for label, seconds, matches in (
        ("ast-grep CLI --threads 1:", one, single[0][1]),
        ("ast-grep CLI (default threads):", many, multi[0][1]),
    ):
        print(f"{label:<42}{seconds:.2f} s, {files / seconds:.0f} files/s, {matches} matches")
    print(f"time ratio ours / ast-grep: {ours / one:.2f}x (1 thread), {ours / many:.2f}x (default threads)")


if __name__ == "__main__":
    main()
