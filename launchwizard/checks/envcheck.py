"""`config.env`: every variable the code reads is documented and set in production, no
secret is exposed to browsers, and no `.env` file with real values is committed.

The survey (`launchwizard.secrets.envvars`) lists the repository with git (tracked plus
untracked-not-ignored files; a plain walk when it is not a git work tree), finds every
environment read in the source files, and reads every `.env`-style file: names only,
plus the secret engine's verdict on their values. This module compares and rates:

| problem | verdict |
| --- | --- |
| a secret-looking name with a browser prefix (`NEXT_PUBLIC_`, `VITE_`...) | fail, critical |
| a committed `.env` file holding a value the engine knows to be a secret | fail, critical |
| a real secret in `.env.example` and friends (examples get copied and shared) | fail, critical |
| a committed `.env` file with a secret-named value, or any committed `.env*.local` | fail, high |
| read by the code without a default, missing from `[environments.production]` | fail, high |
| a committed `.env` file holding only non-secret defaults | warn, medium |
| a `.env` file neither committed nor ignored (one `git add .` from committed) | warn, medium |
| a `.env` file committed in the past and deleted since (still in history) | warn, high |
| missing from another declared environment | warn, medium |
| no production environment declared in sprint.toml | warn, medium |
| read by the code but not in any `.env.example` | warn, medium |
| in `.env.example` or an environment but never read | information |

Next.js and Vite document committing `.env`/`.env.production` for non-secret defaults,
so such a file is a warning, not a failure, unless it holds a secret. Reads in tests are
left out (they set up fixtures), and so are variables the platform or bundler sets by
itself (NODE_ENV, PORT, VERCEL_URL...). A read with a default (`os.getenv("X", "d")`,
`process.env.X || "d"`) cannot crash the app, so it is never "missing", but it is still
expected in `.env.example`.

Evidence holds variable names, file paths and line numbers: never a value from any file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from launchwizard.checks.base import CheckContext
from launchwizard.config import Environment
from launchwizard.results import SEVERITY_RANK, Result, Severity, Status, problem_headline
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.envvars import (
    PLATFORM_VARS,
    EnvFile,
    EnvSecret,
    EnvSurvey,
    is_publishable,
    is_secret_name,
    public_prefix,
    survey,
)
from launchwizard.secrets.policy import repo_allowlist

NO_REPO = "no [repo] path in sprint.toml: add the product's repository to check its environment variables"
PRODUCTION_NAMES = ("production", "prod")
MAX_ROWS = 500
MAX_NAMES_IN_TEXT = 12
ROTATE_ADVICE = {
    "values": "committed to git: rotate it, then remove the file from git",
    "documentation": "in an example file that gets copied and shared: rotate it, use a placeholder",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth knowing), with the names or paths it is about."""

    status: Status
    severity: Severity
    kind: str
    message: str
    subjects: tuple[str, ...] = ()
    fix: str = ""

    @property
    def rank(self) -> tuple[int, int]:
        weight = {Status.FAIL: 3, Status.WARN: 2}.get(self.status, 1)
        return weight, SEVERITY_RANK[self.severity]

    def to_json(self) -> dict[str, Any]:
        level = "info" if self.status is Status.PASS else str(self.status)
        data: dict[str, Any] = {"level": level, "severity": str(self.severity), "kind": self.kind}
        data["message"] = self.message
        if self.subjects:
            data["subjects"] = list(self.subjects)
        return data


async def env(ctx: CheckContext) -> list[Result]:
    """Survey the repository in a worker thread, then rate what it found."""
    root = ctx.sprint.repo
    if root is None:
        return [ctx.result(Status.SKIPPED, NO_REPO)]
    if not root.is_dir():
        return [ctx.result(Status.ERROR, f"[repo] path {root} is not a directory")]
    try:
        found = await asyncio.to_thread(survey, root, Scanner(allow=repo_allowlist(root)))
    except OSError as exc:
        return [ctx.result(Status.ERROR, f"could not read the repository: {exc.strerror or exc}")]
    return [verdict(ctx, found, ctx.sprint.environments)]


# ---------------------------------------------------------------- the comparison


@dataclass
class Comparison:
    """The survey reduced to sets of names, with the environments of the sprint."""

    found: EnvSurvey
    environments: Mapping[str, Environment]
    read: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)
    documented: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, found: EnvSurvey, environments: Mapping[str, Environment]) -> Comparison:
        read = {name for name in found.reads if name not in PLATFORM_VARS}
        required = {name for name in read if any(not r.has_default for r in found.reads[name])}
        return cls(found, environments, read, required, found.documented)

    @property
    def production(self) -> list[Environment]:
        return [env for name, env in self.environments.items() if name.lower() in PRODUCTION_NAMES]

    def all_names(self) -> set[str]:
        listed = {name for env in self.environments.values() for name in env.variables}
        committed = {name for file in self.found.env_files if file.tracked for name in file.names}
        return self.read | self.documented | listed | committed


def problems_of(cmp: Comparison) -> list[Problem]:
    """Every problem, worst first."""
    found = [
        *_public_secrets(cmp),
        *_env_file_problems(cmp.found),
        *_environment_problems(cmp),
        *_documentation_problems(cmp),
    ]
    return sorted(found, key=lambda problem: problem.rank, reverse=True)


def _public_secrets(cmp: Comparison) -> list[Problem]:
    exposed = sorted(n for n in cmp.all_names() if public_prefix(n) and is_secret_name(n))
    review = sorted(
        n
        for n in cmp.all_names()
        if public_prefix(n) and "KEY" in n.upper() and not is_secret_name(n) and not is_publishable(n)
    )
    problems = []
    if exposed:
        problems.append(
            Problem(
                Status.FAIL,
                Severity.CRITICAL,
                "public-secret",
                f"{_names(exposed)} {'is' if len(exposed) == 1 else 'are'} compiled into the JavaScript "
                "every visitor downloads (browser-exposed prefix on a secret)",
                tuple(exposed),
                f"Rename {_names(exposed)} without the {public_prefix(exposed[0])} prefix and read "
                f"{'it' if len(exposed) == 1 else 'them'} only in server code (API routes, server "
                "actions, the backend); rotate the value, since it has already shipped in the bundle; "
                "then redeploy.",
            )
        )
    if review:
        problems.append(
            Problem(
                Status.PASS,
                Severity.INFO,
                "public-key-review",
                f"browser-exposed keys, make sure each is a publishable one: {_names(review)}",
                tuple(review),
            )
        )
    return problems


def _env_file_problems(found: EnvSurvey) -> list[Problem]:
    problems = [problem for file in found.env_files for problem in _env_file_problem(file)]
    if isinstance(found.history, list) and found.history:
        paths = found.history
        problems.append(
            Problem(
                Status.WARN,
                Severity.HIGH,
                "env-in-history",
                f"{_names(paths)} {'was' if len(paths) == 1 else 'were'} committed in the past and "
                "deleted since: every clone still has the values",
                tuple(paths),
                f"Rotate every secret {_names(paths)} held: deleting a file does not remove it from "
                "git history.",
            )
        )
    return problems


def _env_file_problem(file: EnvFile) -> list[Problem]:
    secrets = [s for s in file.secrets if s.is_secret]
    if file.kind == "documentation":
        if not secrets:
            return []
        names = sorted({s.variable or f"line {s.line}" for s in secrets})
        return [
            Problem(
                Status.FAIL,
                Severity.CRITICAL,
                "example-secret",
                f"{file.path} holds real secret values ({_names(names)}): examples get copied and shared",
                (file.path,),
                f"Replace the values of {_names(names)} in {file.path} with placeholders, and rotate them.",
            )
        ]
    if file.kind != "values":
        return []
    if file.tracked is False:
        return [
            Problem(
                Status.WARN,
                Severity.MEDIUM,
                "env-not-ignored",
                f"{file.path} is not ignored by git: one `git add .` commits it",
                (file.path,),
                f"Add {file.path} to .gitignore.",
            )
        ]
    if not file.tracked:
        return []
    return [_committed(file, secrets)]


def _committed(file: EnvFile, secrets: list[EnvSecret]) -> Problem:
    secret_names = sorted({e.name for e in file.entries if e.has_value and is_secret_name(e.name)})
    local = ".local" in PurePosixPath(file.path).name
    fix = (
        f"Remove {file.path} from git (`git rm --cached {file.path}`), add it to .gitignore, rotate "
        "every secret it held (the values stay in git history and in every clone), and keep only a "
        ".env.example with names and blank values."
    )
    if secrets:
        variables = sorted({s.variable or f"line {s.line}" for s in secrets})
        message = f"{file.path} is committed and holds secrets ({_names(variables)})"
        return Problem(Status.FAIL, Severity.CRITICAL, "committed-env", message, (file.path,), fix)
    if secret_names or local:
        what = f"secret-named values ({_names(secret_names)})" if secret_names else "machine-local values"
        message = f"{file.path} is committed and holds {what}"
        return Problem(Status.FAIL, Severity.HIGH, "committed-env", message, (file.path,), fix)
    message = f"{file.path} is committed; it holds only non-secret defaults, keep it that way"
    keep = f"Keep secrets out of {file.path}: put them in .env.local (ignored) and in the hosting dashboard."
    return Problem(Status.WARN, Severity.MEDIUM, "committed-env-defaults", message, (file.path,), keep)


def _environment_problems(cmp: Comparison) -> list[Problem]:
    problems: list[Problem] = []
    if not cmp.production and cmp.required:
        declared = f" (declared: {', '.join(cmp.environments)})" if cmp.environments else ""
        problems.append(
            Problem(
                Status.WARN,
                Severity.MEDIUM,
                "no-production",
                f"sprint.toml declares no [environments.production]{declared}, so nothing says production "
                "sets what the code needs",
                (),
                "Declare [environments.production] variables = [...] in sprint.toml with every variable "
                f"production sets; the code needs: {_names(sorted(cmp.required))}.",
            )
        )
    for name, environment in cmp.environments.items():
        problems += _one_environment(cmp, name, environment)
    return problems


def _one_environment(cmp: Comparison, name: str, environment: Environment) -> list[Problem]:
    listed = set(environment.variables)
    missing = sorted(cmp.required - listed)
    unused = sorted(listed - set(cmp.found.reads))
    is_production = name.lower() in PRODUCTION_NAMES
    problems = []
    if missing:
        status, severity = (Status.FAIL, Severity.HIGH) if is_production else (Status.WARN, Severity.MEDIUM)
        where = "set it in the hosting dashboard" if is_production else "set it where that environment runs"
        problems.append(
            Problem(
                status,
                severity,
                "missing-in-environment",
                f"{len(missing)} variable{'s' if len(missing) != 1 else ''} the code needs "
                f"{'are' if len(missing) != 1 else 'is'} missing from {name}: {_names(missing)}",
                tuple(missing),
                f"Add to [environments.{name}] variables and {where}: {_names(missing, limit=None)}.",
            )
        )
    if unused:
        problems.append(
            Problem(
                Status.PASS,
                Severity.INFO,
                "unused-in-environment",
                f"listed in {name} but never read by the code: {_names(unused)}",
                tuple(unused),
            )
        )
    return problems


def _documentation_problems(cmp: Comparison) -> list[Problem]:
    undocumented = sorted(cmp.read - cmp.documented)
    stale = sorted(cmp.documented - set(cmp.found.reads) - PLATFORM_VARS)
    docs = [file.path for file in cmp.found.documentation]
    target = docs[0] if docs else ".env.example"
    problems = []
    if undocumented:
        where = "any .env.example" if docs else "a .env.example (there is none)"
        problems.append(
            Problem(
                Status.WARN,
                Severity.MEDIUM,
                "undocumented",
                f"{len(undocumented)} variable{'s' if len(undocumented) != 1 else ''} read by the code "
                f"{'are' if len(undocumented) != 1 else 'is'} not in {where}: {_names(undocumented)}",
                tuple(undocumented),
                f"Document in {target} (name and a placeholder or blank value): "
                f"{_names(undocumented, limit=None)}.",
            )
        )
    if stale:
        problems.append(
            Problem(
                Status.PASS,
                Severity.INFO,
                "stale-documentation",
                f"documented in {', '.join(docs)} but never read by the code: {_names(stale)}",
                tuple(stale),
            )
        )
    return problems


def _names(names: Iterable[str], limit: int | None = MAX_NAMES_IN_TEXT) -> str:
    listed = list(names)
    if limit is None or len(listed) <= limit:
        return ", ".join(listed)
    return f"{', '.join(listed[:limit])} and {len(listed) - limit} more"


# ---------------------------------------------------------------- the result


def verdict(ctx: CheckContext, found: EnvSurvey, environments: Mapping[str, Environment]) -> Result:
    """One result: the worst problem sets status and severity; fix lists every action."""
    cmp = Comparison.of(found, environments)
    problems = problems_of(cmp)
    evidence = evidence_of(cmp, problems)
    actionable = [p for p in problems if p.status in (Status.FAIL, Status.WARN)]
    if not actionable:
        return ctx.result(
            Status.PASS, _clean_summary(cmp, problems), evidence=evidence, severity=Severity.INFO
        )
    worst = actionable[0]
    more = len(actionable) - 1
    tail = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
    summary = worst.message + tail
    fix = " ".join(dict.fromkeys(p.fix for p in actionable if p.fix))
    headline = problem_headline(worst.message) + tail
    return ctx.result(
        worst.status, summary, evidence=evidence, fix=fix, severity=worst.severity, headline=headline
    )


def _clean_summary(cmp: Comparison, problems: list[Problem]) -> str:
    if not cmp.read:
        summary = f"the code reads no environment variables ({cmp.found.sources} source files read)"
    else:
        where = " and set in production" if cmp.production else ""
        summary = f"all {len(cmp.read)} variables the code reads are documented{where}"
    notes = [p.message for p in problems if p.status is Status.PASS]
    return summary + (f"; {notes[0]}" if notes else "")


def evidence_of(cmp: Comparison, problems: list[Problem]) -> dict[str, Any]:
    """Names, places and counts; no value from any file."""
    found = cmp.found
    listing = found.listing
    rows = [_row(cmp, name) for name in sorted(cmp.all_names() | set(found.reads))]
    evidence: dict[str, Any] = {
        "repository": str(listing.root),
        "listing": listing.method,
        "counts": {
            "source_files": found.sources,
            "read_by_code": len(cmp.read),
            "required": len(cmp.required),
            "documented": len(cmp.documented),
            "undocumented": len(cmp.read - cmp.documented),
            "test_reads_ignored": found.test_reads,
            "committed_env_files": sum(1 for f in found.env_files if f.kind == "values" and f.tracked),
        },
        "variables": rows[:MAX_ROWS],
        "documentation": [f.path for f in found.documentation],
        "env_files": [_env_file_json(f) for f in found.env_files],
        "environments": {name: len(env.variables) for name, env in cmp.environments.items()},
        "problems": [p.to_json() for p in problems],
        "findings": _findings_json(found),
    }
    if len(rows) > MAX_ROWS:
        evidence["variables_truncated"] = len(rows) - MAX_ROWS
    if listing.note:
        evidence["listing_note"] = f"{listing.note}; listed the directory instead (committed files unknown)"
    if listing.truncated:
        evidence["listing_truncated"] = True
    if isinstance(found.history, str):
        evidence["history_note"] = found.history
    if found.skipped_sources:
        evidence["skipped_sources"] = [{"path": p, "reason": r} for p, r in found.skipped_sources[:50]]
    return evidence


def _row(cmp: Comparison, name: str) -> dict[str, Any]:
    reads = cmp.found.reads.get(name, [])
    required = [r for r in reads if not r.has_default]
    row: dict[str, Any] = {
        "name": name,
        "read_at": reads[0].where if reads else None,
        "default": bool(reads) and not required,
        "documented": name in cmp.documented,
        "environments": {env: _env_state(cmp, env, name) for env in cmp.environments},
        "public_prefix": public_prefix(name),
    }
    if required and required[0] is not reads[0]:
        row["required_at"] = required[0].where
    if name in PLATFORM_VARS:
        row["platform"] = True
    if is_secret_name(name):
        row["secret_name"] = True
    return row


def _env_state(cmp: Comparison, environment: str, name: str) -> str:
    listed = name in cmp.environments[environment].variables
    if listed:
        return "set" if name in cmp.found.reads else "set, not read"
    if name in cmp.required:
        return "missing"
    return "default" if name in cmp.read else "-"


def _findings_json(found: EnvSurvey) -> list[dict[str, Any]]:
    """The secrets of committed `.env` files and examples in the shared finding shape
    (redacted, with the value's hash), so the handover pack's rotation notes and the
    wizard's findings table list them with the other scans' findings."""
    return [
        {**secret.finding.to_json(), "variable": secret.variable, "advice": ROTATE_ADVICE.get(file.kind, "")}
        for file in found.env_files
        for secret in file.secrets
        if secret.is_secret
    ]


def _env_file_json(file: EnvFile) -> dict[str, Any]:
    data: dict[str, Any] = {"path": file.path, "kind": file.kind, "committed": file.tracked}
    if file.entries:
        data["variables"] = file.names
    if file.secrets:
        data["secrets"] = [
            {
                "variable": s.variable,
                "line": s.line,
                "rule": s.finding.rule,
                "severity": str(s.finding.severity),
            }
            for s in file.secrets
        ]
    if file.error:
        data["error"] = file.error
    return data
