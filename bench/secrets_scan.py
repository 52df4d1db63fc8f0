"""Benchmark: our repository secret scan against detect-secrets (work tree) and raw git (history).

Builds, from a seed and in one `git fast-import` run (launchwizard.demo.gitrepo), a
repository shaped like a small AI-chatbot product: a Python API and a TypeScript front
end (a few hundred files of generated but realistic code, YAML, Terraform, docs), a
lockfile and an image, --commits commits (default 2,400) of small edits, new files,
deleted files and merged feature branches. Into it go made-up credentials of every
provider in launchwizard.demo.fakesecrets (two values per rule), each planted at a random
commit in a file of the right kind; about 40% are deleted again later, so they live in
history only.

Then, for each of --rounds rounds (median reported):

- work tree: our `scan_worktree` (git ls-files, reading, scanning; in-process) against
  `detect-secrets scan --all-files --no-verify` on the same directory (its .git excluded
  with --exclude-files; --no-verify so no value ever leaves the machine). detect-secrets
  is timed as the command a user runs, Python start-up included; so are we, once more,
  as `launchwizard secrets . --format json`, for a command-to-command ratio.
  Recall = planted credentials still in the work tree that a tool reports at the planted
  file and line (publishable keys and the Twilio key SID excluded: not secrets).
- history: our `scan_history` (one streamed git log, parsing, scanning, dedupe) against
  `git log -p -U0 --all --full-history` written to /dev/null, the floor any history
  scanner built on git log has. Recall = planted credentials (deleted or not) found at
  the commit, file and line that introduced them.

Prints the figures and each tool's misses by rule. No assertions. detect-secrets is a
bench-only dependency (the `bench` extra):

    .venv/bin/pip install -e '.[bench]'      # or: .venv/bin/pip install detect-secrets==1.5.0
    .venv/bin/python bench/secrets_scan.py [--commits 2400] [--rounds 3] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import base64
import heapq
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from launchwizard.demo import fakesecrets
from launchwizard.demo.gitrepo import DATE_STEP_S, FIRST_DATE, Commit, build_repo
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.gitlog import git_env
from launchwizard.secrets.repo import WorktreeScan, scan_history, scan_worktree

T = TypeVar("T")
NOT_SECRETS = ("stripe-publishable-key", "supabase-anon-key", "supabase-publishable-key", "twilio-api-key")
"""Planted but not counted for recall: publishable by design, or an identifier (a Twilio
API key SID) that is useless without its secret."""
SEEDS_PER_RULE = 2
DELETED_SHARE = 0.4

NOUNS = (
    "conversation", "message", "tenant", "widget", "invoice", "document", "embedding", "prompt",
    "session", "webhook", "user", "workspace", "usage", "feedback", "handoff", "article",
)  # fmt: skip
VERBS = ("get", "list", "create", "update", "delete", "sync", "index", "score", "render", "export")
FIELDS = ("id", "tenant_id", "created_at", "updated_at", "status", "title", "locale", "owner_id", "tokens")
WORDS = (
    "the", "answer", "customer", "retrieval", "latency", "budget", "fallback", "model", "cache",
    "stream", "retry", "quota", "support", "team", "escalation", "summary", "context", "window",
)  # fmt: skip


# ---------------------------------------------------------------- realistic files


def _camel(*words: str) -> str:
    return "".join(w.capitalize() for w in words)


def _sentence(rng: random.Random, n: int = 8) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def py_function(rng: random.Random) -> list[str]:
    verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
    model = _camel(noun)
    limit = rng.choice((10, 20, 50, 100))
    return [
        "",
        "",
        f"def {verb}_{noun}(tenant_id: str, {noun}_id: str, limit: int = {limit}) -> {model} | None:",
        f'    """{_sentence(rng)}."""',
        f"    row = session().get({model}Row, {noun}_id)",
        "    if row is None or row.tenant_id != tenant_id:",
        f'        log.info("{noun} %s not found for tenant %s", {noun}_id, tenant_id)',
        "        return None",
        f"    if row.{rng.choice(FIELDS)} is None:",
        f'        metrics.incr("{noun}.{verb}.missing")',
        f"    return {model}.from_row(row)",
    ]


def py_module(rng: random.Random, package: str, name: str) -> list[str]:
    noun = rng.choice(NOUNS)
    env = f"{package.upper()}_{noun.upper()}_TIMEOUT_S"
    lines = [
        f'"""{_camel(package, name)}: {_sentence(rng).lower()}."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "import os",
        "from dataclasses import dataclass",
        "",
        "from api.core.db import session",
        "from api.core import metrics",
        f"from api.{package}.models import {_camel(noun)}Row",
        "",
        "log = logging.getLogger(__name__)",
        f'TIMEOUT_S = float(os.environ.get("{env}", "{rng.choice((5, 10, 30))}"))',
        "",
        "",
        "@dataclass(frozen=True)",
        f"class {_camel(noun)}:",
    ]
    lines += [f"    {f}: str" for f in rng.sample(FIELDS, 4)]
    for _ in range(rng.randint(2, 6)):
        lines += py_function(rng)
    return lines


def ts_block(rng: random.Random) -> list[str]:
    noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
    return [
        "",
        f"export async function {verb}{_camel(noun)}(id: string): Promise<{_camel(noun)} | null> {{",
        f"  const res = await fetch(`${{API_BASE}}/v1/{noun}s/${{id}}`, {{ credentials: 'include' }});",
        "  if (res.status === 404) return null;",
        f"  if (!res.ok) throw new ApiError('{verb} {noun} failed', res.status);",
        f"  return (await res.json()) as {_camel(noun)};",
        "}",
    ]


def ts_module(rng: random.Random, name: str) -> list[str]:
    noun = rng.choice(NOUNS)
    lines = [
        "import { useEffect, useState } from 'react';",
        "import { API_BASE, ApiError } from '../lib/api';",
        f"import type {{ {_camel(noun)} }} from '../types';",
        "",
        f"export function {_camel(name)}({{ id }}: {{ id: string }}) {{",
        f"  const [{noun}, set{_camel(noun)}] = useState<{_camel(noun)} | null>(null);",
        "  useEffect(() => {",
        f"    load{_camel(noun)}(id).then(set{_camel(noun)}).catch(console.error);",
        "  }, [id]);",
        f"  return <section className=\"{name}\">{{{noun}?.title ?? 'Loading…'}}</section>;",
        "}",
    ]
    for _ in range(rng.randint(1, 4)):
        lines += ts_block(rng)
    return lines


def yaml_file(rng: random.Random, name: str) -> list[str]:
    lines = [f"# {name}: {_sentence(rng, 6).lower()}", f"name: {name}", "env:"]
    for noun in rng.sample(NOUNS, 5):
        lines += [f"  - name: {noun.upper()}_URL", f"    value: https://{noun}.internal.acme.test"]
    lines += [
        "resources:",
        f"  cpu: {rng.choice(('250m', '500m', '1'))}",
        f"  memory: {rng.choice(('256Mi', '1Gi'))}",
    ]
    return lines


def tf_file(rng: random.Random, name: str) -> list[str]:
    lines = []
    for noun in rng.sample(NOUNS, 3):
        lines += [
            f'resource "aws_sqs_queue" "{name}_{noun}" {{',
            f'  name                       = "acme-{name}-{noun}"',
            f"  visibility_timeout_seconds = {rng.choice((30, 60, 300))}",
            '  tags = { team = "assist" }',
            "}",
            "",
        ]
    return lines


def md_file(rng: random.Random, name: str) -> list[str]:
    lines = [f"# {_camel(name)}", ""]
    for _ in range(rng.randint(3, 8)):
        lines += [_sentence(rng, rng.randint(10, 25)) + ".", ""]
    return lines


def env_file(rng: random.Random, name: str) -> list[str]:
    return [
        f"# {name} settings",
        "LOG_LEVEL=info",
        f"PORT={rng.choice((3000, 8000, 8080))}",
        "FEATURE_HANDOFF=true",
    ]


def lockfile(rng: random.Random) -> str:
    entries = {
        f"node_modules/{rng.choice(NOUNS)}-{i}": {
            "version": f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            "integrity": "sha512-" + base64.b64encode(rng.randbytes(64)).decode(),
        }
        for i in range(150)
    }
    return json.dumps({"name": "acme-web", "lockfileVersion": 3, "packages": entries}, indent=2) + "\n"


KINDS: dict[str, Callable[[random.Random, str], list[str]]] = {
    "py": lambda rng, name: py_module(rng, rng.choice(("chat", "billing", "ingest", "admin")), name),
    "tsx": ts_module,
    "yaml": yaml_file,
    "tf": tf_file,
    "md": md_file,
    "env": env_file,
}
DIRS = {
    "py": "api/{pkg}",
    "tsx": "web/src/components",
    "yaml": "deploy/k8s",
    "tf": "infra",
    "md": "docs",
    "env": "config",
}
WEIGHTS = {"py": 45, "tsx": 35, "yaml": 8, "tf": 5, "md": 5, "env": 2}


# ---------------------------------------------------------------- history with planted secrets


@dataclass
class Plant:
    """One planted credential: where it went in, and where it is at the end (if it stays)."""

    rule: str
    seed: int
    path: str
    lines: list[str]
    date: int = 0
    line: int = 0
    deleted: bool = False
    head_line: int = 0


@dataclass
class Product:
    """The generated product, file by file, and the commits that made it."""

    rng: random.Random
    files: dict[str, list[str]] = field(default_factory=dict)
    commits: list[Commit] = field(default_factory=list)
    plants: list[Plant] = field(default_factory=list)
    protected: set[str] = field(default_factory=set)

    def new_file(self, kind: str) -> str:
        name = f"{self.rng.choice(NOUNS)}_{self.rng.choice(VERBS)}_{len(self.files)}"
        folder = DIRS[kind].format(pkg=self.rng.choice(("chat", "billing", "ingest", "admin")))
        path = f"{folder}/{name}.{kind}"
        self.files[path] = KINDS[kind](self.rng, name)
        return path

    def commit(
        self,
        message: str,
        paths: list[str],
        *,
        deleted: tuple[str, ...] = (),
        branch: str = "main",
        merge: str | None = None,
    ) -> None:
        date = FIRST_DATE + len(self.commits) * DATE_STEP_S
        changes: dict[str, str | bytes | None] = {p: "\n".join(self.files[p]) + "\n" for p in paths}
        changes.update(dict.fromkeys(deleted))
        self.commits.append(Commit(message, changes, date=date, branch=branch, merge=merge))

    def edit(self, path: str) -> None:
        """Insert a block, change a line, or drop a few lines (never a planted line)."""
        lines, rng = self.files[path], self.rng
        choice = rng.random()
        if choice < 0.5 or len(lines) < 40:
            at = rng.randint(0, len(lines))
            lines[at:at] = _block_for(path, rng)
        elif choice < 0.8:
            at = rng.randrange(len(lines))
            if lines[at] not in self.protected:
                lines[at] = lines[at].replace("10", str(rng.randint(11, 99))) + (
                    "" if rng.random() < 0.5 else "  "
                )
        else:
            at = rng.randrange(len(lines) - 4)
            if not any(line in self.protected for line in lines[at : at + 4]):
                del lines[at : at + 4]

    def plant(self, rule: str, seed: int) -> Plant:
        text = fakesecrets.line(rule, seed)
        path = self._host_for(rule, seed, text)
        lines = self.files[path]
        at = self.rng.randint(min(3, len(lines)), len(lines))
        block = text.split("\n")
        lines[at:at] = block
        self.protected.update(block)
        date = FIRST_DATE + len(self.commits) * DATE_STEP_S
        plant = Plant(rule, seed, path, block, date=date, line=at + 1)
        self.plants.append(plant)
        self.commit(f"Configure {rule.split('-')[0]}", [path])
        return plant

    def unplant(self, plant: Plant) -> None:
        lines = self.files[plant.path]
        at = lines.index(plant.lines[0])
        del lines[at : at + len(plant.lines)]
        self.protected.difference_update(plant.lines)
        plant.deleted = True
        self.commit(f"Move {plant.rule.split('-')[0]} credentials to the vault", [plant.path])

    def _host_for(self, rule: str, seed: int, text: str) -> str:
        """A file of the kind the line belongs in: a key file, .npmrc, JSON, code, YAML, .env."""
        own_file = {
            "-----BEGIN": f"deploy/keys/{rule}-{seed}.pem",
            "//registry": "web/.npmrc",
            "{": "config/gcp.json",
        }
        for start, path in own_file.items():
            if text.startswith(start):
                self.files.setdefault(path, [])
                return path
        if text.startswith(("const ", "headers[")) or "new " in text or "Stripe(" in text:
            kind = "tsx"
        elif ' = "' in text or " = '" in text or ('="' in text and "(" in text):
            kind = "py"
        elif text.startswith("token:"):
            kind = "yaml"
        else:
            kind = "env"
        candidates = [p for p in self.files if p.endswith("." + kind)]
        return self.rng.choice(candidates) if candidates else self.new_file(kind)

    def head_locations(self) -> None:
        for plant in self.plants:
            if not plant.deleted:
                plant.head_line = self.files[plant.path].index(plant.lines[0]) + 1


def _block_for(path: str, rng: random.Random) -> list[str]:
    if path.endswith(".py"):
        return py_function(rng)
    if path.endswith(".tsx"):
        return ts_block(rng)
    return [("# " if path.endswith(".yaml") else "") + _sentence(rng, 6)]


def generate(seed: int, n_commits: int) -> Product:
    """The product's whole history, in memory, with the planted credentials recorded."""
    rng = random.Random(seed)
    product = Product(rng)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    first = [product.new_file(kind) for kind in rng.choices(kinds, weights, k=140)]
    product.files["web/package-lock.json"] = lockfile(rng).splitlines()
    product.commits.append(
        Commit(
            "First version",
            {
                **{p: "\n".join(product.files[p]) + "\n" for p in [*first, "web/package-lock.json"]},
                "web/public/logo.png": b"\x89PNG\r\n\x1a\n" + rng.randbytes(4000),
            },
            date=FIRST_DATE,
        )
    )
    todo = [(rule, s) for rule in fakesecrets.RULE_IDS for s in range(1, SEEDS_PER_RULE + 1)]
    rng.shuffle(todo)
    to_plant = sorted(zip(rng.sample(range(10, n_commits - 50), len(todo)), todo, strict=True))
    to_remove: list[tuple[int, int, Plant]] = []
    while len(product.commits) < n_commits or to_plant or to_remove:
        index = len(product.commits)
        if to_plant and to_plant[0][0] <= index:
            plant = product.plant(*to_plant.pop(0)[1])
            if rng.random() < DELETED_SHARE:
                heapq.heappush(to_remove, (rng.randint(index + 1, n_commits), index, plant))
        elif to_remove and to_remove[0][0] <= index:
            product.unplant(heapq.heappop(to_remove)[2])
        else:
            _ordinary_commit(product, kinds, weights)
    product.head_locations()
    return product


def _ordinary_commit(product: Product, kinds: list[str], weights: list[int]) -> None:
    rng = product.rng
    roll = rng.random()
    if roll < 0.06:
        path = product.new_file(rng.choices(kinds, weights)[0])
        product.commit(f"Add {path.rsplit('/', 1)[-1]}", [path])
    elif roll < 0.08:
        removable = [p for p in product.files if p.endswith((".py", ".tsx")) and not _holds_plant(product, p)]
        path = rng.choice(removable)
        del product.files[path]
        product.commit(f"Remove {path.rsplit('/', 1)[-1]}", [], deleted=(path,))
    elif roll < 0.1:
        _feature_branch(product, kinds, weights)
    else:
        editable = [p for p in product.files if p.endswith((".py", ".tsx", ".md", ".yaml"))]
        paths = rng.sample(editable, rng.randint(1, 3))
        for path in paths:
            product.edit(path)
        product.commit(f"{_sentence(rng, 4)}", paths)


def _feature_branch(product: Product, kinds: list[str], weights: list[int]) -> None:
    """A short branch that adds and edits one new file, then a merge commit on main."""
    rng = product.rng
    branch = f"feature/{rng.choice(NOUNS)}-{len(product.commits)}"
    path = product.new_file(rng.choice(("py", "tsx")))
    product.commit(f"Start {branch}", [path], branch=branch)
    for _ in range(rng.randint(1, 4)):
        product.edit(path)
        product.commit("Work in progress", [path], branch=branch)
    product.commit(f"Merge {branch}", [path], merge=branch)


def _holds_plant(product: Product, path: str) -> bool:
    return any(p.path == path and not p.deleted for p in product.plants)


# ---------------------------------------------------------------- the tools


def detect_secrets_scan(root: Path) -> tuple[float, dict[str, set[int]]]:
    """`detect-secrets scan --all-files --no-verify` on root: wall time, {path: lines}."""
    command = [
        str(Path(sys.executable).parent / "detect-secrets"),
        "scan",
        "--all-files",
        "--no-verify",
        "--exclude-files",
        r"^\.git/",
        ".",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    results = json.loads(done.stdout)["results"]
    return elapsed, {path: {r["line_number"] for r in hits} for path, hits in results.items()}


def our_cli_scan(root: Path) -> float:
    """`launchwizard secrets . --format json` as a process: the same footing as detect-secrets'
    CLI, interpreter start and imports included."""
    command = [sys.executable, "-m", "launchwizard", "secrets", ".", "--format", "json"]
    started = time.perf_counter()
    subprocess.run(command, cwd=root, capture_output=True, check=False)
    return time.perf_counter() - started


def git_log_raw(root: Path) -> float:
    """`git log -p -U0 --all --full-history` into /dev/null: the cost of git alone."""
    started = time.perf_counter()
    subprocess.run(
        ["git", "log", "-p", "-U0", "--all", "--full-history"],
        cwd=root,
        env=git_env(),
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def cpu_seconds() -> tuple[float, float]:
    """(this process, finished child processes): CPU seconds, user + system."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), children.ru_utime + children.ru_stime


def cpu_of(run: Callable[[], object]) -> tuple[float, float]:
    """CPU seconds `run` spent in Python and in git: unlike wall time, not inflated by
    other work on the machine, and it shows which side of the pipe is the bottleneck."""
    python_before, git_before = cpu_seconds()
    run()
    python_after, git_after = cpu_seconds()
    return python_after - python_before, git_after - git_before


def timed(run: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


# ---------------------------------------------------------------- recall


def counted(plants: list[Plant]) -> list[Plant]:
    return [p for p in plants if p.rule not in NOT_SECRETS]


def worktree_recall(plants: list[Plant], found: dict[str, set[int]]) -> tuple[int, int, list[str]]:
    """(hits, planted, missed rules) for credentials still in the work tree."""
    alive = [p for p in counted(plants) if not p.deleted]
    missed = [
        p.rule
        for p in alive
        if not any(p.head_line <= line < p.head_line + len(p.lines) for line in found.get(p.path, ()))
    ]
    return len(alive) - len(missed), len(alive), missed


def history_recall(plants: list[Plant], found: dict[tuple[str, str], set[int]]) -> tuple[int, int, list[str]]:
    """(hits, planted, missed rules) for every planted credential, at its introducing commit."""
    from datetime import UTC, datetime

    every = counted(plants)
    missed = []
    for p in every:
        key = (datetime.fromtimestamp(p.date, UTC).isoformat(), p.path)
        if not any(p.line <= line < p.line + len(p.lines) for line in found.get(key, ())):
            missed.append(p.rule)
    return len(every) - len(missed), len(every), missed


def ours_by_path(scan: WorktreeScan) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for f in scan.findings:
        found.setdefault(f.path, set()).add(f.line)
    return found


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the repository here (a new directory) and keep it")
    args = parser.parse_args()
    if args.keep is not None and args.keep.exists():
        parser.error(f"--keep {args.keep}: already exists")

    tmp = Path(tempfile.mkdtemp(prefix="lw-secrets-bench-"))
    root = args.keep or tmp / "acme-assist"
    try:
        started = time.perf_counter()
        product = generate(args.seed, args.commits)
        build_repo(root, product.commits)
        build_s = time.perf_counter() - started
        report(root, product, args.rounds, build_s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(root: Path, product: Product, n_rounds: int, build_s: float) -> None:
    scanner = Scanner()
    tree_files = sum(1 for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
    tree_bytes = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and ".git" not in p.parts)
    alive = sum(1 for p in product.plants if not p.deleted)
    print(
        f"repository: {len(product.commits)} commits, {tree_files} files ({tree_bytes / 1e6:.1f} MB) in the "
        f"work tree, {len(product.plants)} planted credentials ({alive} still in the work tree); "
        f"built in {build_s:.1f} s"
    )
    ours_tree = [timed(lambda: scan_worktree(root, scanner)) for _ in range(n_rounds)]
    ours_cli_t = statistics.median(our_cli_scan(root) for _ in range(n_rounds))
    theirs_tree = [detect_secrets_scan(root) for _ in range(n_rounds)]
    worktree = ours_tree[-1][1]
    ours_t = statistics.median(t for t, _ in ours_tree)
    theirs_t = statistics.median(t for t, _ in theirs_tree)
    ours_hits, planted, ours_missed = worktree_recall(product.plants, ours_by_path(worktree))
    their_hits, _, their_missed = worktree_recall(product.plants, theirs_tree[-1][1])
    their_total = sum(len(lines) for lines in theirs_tree[-1][1].values())
    print(f"\nwork tree, median of {n_rounds}:")
    ours_n = len(worktree.findings)
    print(f"  ours (scan_worktree, in-process):                 {ours_t:6.2f} s  {ours_n} findings")
    print(f"  detect-secrets scan --all-files --no-verify (CLI): {theirs_t:6.2f} s  {their_total} findings")
    print(f"  ours as a command (launchwizard secrets, CLI):     {ours_cli_t:6.2f} s")
    in_process, cli_to_cli = theirs_t / ours_t, theirs_t / ours_cli_t
    print(f"  ratio detect-secrets / ours: {in_process:.1f} in-process, {cli_to_cli:.1f} command to command")
    print("  (target >= 5)")
    print(
        f"  recall on planted secrets in the work tree: ours {ours_hits}/{planted}, "
        f"detect-secrets {their_hits}/{planted}"
    )
    print(f"  ours missed: {', '.join(sorted(ours_missed)) or '-'}")
    print(f"  detect-secrets missed: {', '.join(sorted(set(their_missed))) or '-'}")

    git_t = statistics.median(git_log_raw(root) for _ in range(n_rounds))
    ours_hist = [timed(lambda: scan_history(root, scanner, worktree=worktree)) for _ in range(n_rounds)]
    history = ours_hist[-1][1]
    hist_t = statistics.median(t for t, _ in ours_hist)
    found: dict[tuple[str, str], set[int]] = {}
    for f in history.findings:
        found.setdefault((f.date or "", f.path), set()).add(f.line)
    hits, total, missed = history_recall(product.plants, found)
    print(f"\nhistory, median of {n_rounds}:")
    print(f"  git log -p -U0 --all --full-history > /dev/null: {git_t:6.2f} s")
    print(
        f"  ours (scan_history):                              {hist_t:6.2f} s  "
        f"{len(history.findings)} findings, {history.commits} commits, "
        f"{history.blobs_scanned} blobs, {history.lines_scanned} added lines, "
        f"{history.bytes_scanned / 1e6:.1f} MB"
    )
    print(f"  ratio ours / git log: {hist_t / git_t:.2f}")
    ours_cpu = [cpu_of(lambda: scan_history(root, scanner, worktree=worktree)) for _ in range(n_rounds)]
    git_cpu = [cpu_of(lambda: git_log_raw(root)) for _ in range(n_rounds)]
    print(
        f"  CPU, median: ours {statistics.median(p for p, _ in ours_cpu):.2f} s Python "
        f"+ {statistics.median(g for _, g in ours_cpu):.2f} s git (concurrent); "
        f"git log alone {statistics.median(g for _, g in git_cpu):.2f} s"
    )
    print(f"  recall on every planted secret at its introducing commit: {hits}/{total}")
    print(f"  missed: {', '.join(sorted(missed)) or '-'}")


if __name__ == "__main__":
    main()
