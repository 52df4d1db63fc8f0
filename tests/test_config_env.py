"""config.env: env reads in every supported syntax, `.env` files, and the check's verdicts.

Repositories are built in tmp_path with real files and, where committed files matter, a
real git repository. Secret values come from `launchwizard.demo.fakesecrets` at run time,
and every check-level test asserts no value from any `.env` file reaches the result.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from launchwizard.config import Sprint, load_sprint
from launchwizard.demo import fakesecrets
from launchwizard.results import Result, Severity, Status
from launchwizard.secrets.envvars import (
    classify_env_file,
    family_of,
    find_reads,
    is_publishable,
    is_secret_name,
    is_test_path,
    list_repo_files,
    parse_env_names,
    public_prefix,
)

RunCheck = Callable[[Sprint, str], Awaitable[dict[str, Result]]]
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_TERMINAL_PROMPT": "0",
}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=root,
        env={"PATH": os.environ.get("PATH", os.defpath), **GIT_ENV},
        check=True,
        capture_output=True,
        timeout=60,
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def git_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return root


def sprint_for(
    tmp_path: Path, repo: str | None = "product", environments: dict[str, list[str]] | None = None
) -> Sprint:
    document: dict[str, Any] = {
        "sprint": {"client": "Test", "canonical": "https://acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["acme.test"]},
    }
    if repo is not None:
        document["repo"] = {"path": repo}
    if environments is not None:
        document["environments"] = {name: {"variables": names} for name, names in environments.items()}
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return load_sprint(path)


async def run_env(run_check: RunCheck, sprint: Sprint) -> Result:
    results = await run_check(sprint, "config.env")
    (result,) = results.values()
    return result


def rows(result: Result) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in result.evidence["variables"]}


def kinds(result: Result) -> list[str]:
    return [problem["kind"] for problem in result.evidence["problems"]]


# ---------------------------------------------------------------- reads in code

READS = [
    ("app.py", 'x = os.environ["API_URL"]', "API_URL", False),
    ("app.py", "x = os.environ.get('API_URL')", "API_URL", False),
    ("app.py", 'x = os.environ.get("API_URL", "http://localhost")', "API_URL", True),
    ("app.py", 'x = os.environ.get("API_URL", None)', "API_URL", False),
    ("app.py", 'x = os.getenv("API_URL")', "API_URL", False),
    ("app.py", 'x = os.getenv("API_URL", "d")', "API_URL", True),
    ("app.py", 'x = os.getenv("API_URL") or "d"', "API_URL", True),
    ("app.py", 'x = environ["API_URL"]', "API_URL", False),
    ("app.py", 'x = getenv("API_URL")', "API_URL", False),
    ("app.py", 'os.environ.setdefault("API_URL", "d")', "API_URL", True),
    ("app.ts", "const x = process.env.API_URL;", "API_URL", False),
    ("app.ts", "const x = process.env.API_URL || 'd';", "API_URL", True),
    ("app.ts", 'const x = process.env.API_URL ?? "d";', "API_URL", True),
    ("app.js", 'const x = process.env["API_URL"];', "API_URL", False),
    ("app.mjs", "const x = process.env?.API_URL;", "API_URL", False),
    ("app.cjs", "const { API_URL } = process.env;", "API_URL", False),
    ("app.jsx", "const { API_URL: url = 'd' } = process.env;", "API_URL", True),
    ("app.tsx", "const x = import.meta.env.VITE_API_URL;", "VITE_API_URL", False),
    ("App.vue", "<script>const x = import.meta.env.VITE_API_URL</script>", "VITE_API_URL", False),
    ("Page.svelte", "import { API_URL } from '$env/static/private';", "API_URL", False),
    ("page.astro", "---\nconst x = import.meta.env.PUBLIC_API_URL;\n---", "PUBLIC_API_URL", False),
    ("edge.ts", 'const x = Deno.env.get("API_URL");', "API_URL", False),
    ("edge.ts", "const x = Bun.env.API_URL;", "API_URL", False),
    ("app.rb", 'x = ENV["API_URL"]', "API_URL", False),
    ("app.rb", "x = ENV.fetch('API_URL')", "API_URL", False),
    ("app.rb", 'x = ENV.fetch("API_URL", "d")', "API_URL", True),
    ("app.rb", 'x = ENV.fetch("API_URL") { "d" }', "API_URL", True),
    ("app.rb", 'x = ENV["API_URL"] || "d"', "API_URL", True),
    ("main.go", 'x := os.Getenv("API_URL")', "API_URL", False),
    ("main.go", 'x, ok := os.LookupEnv("API_URL")', "API_URL", True),
    ("index.php", "$x = getenv('API_URL');", "API_URL", False),
    ("index.php", "$x = getenv('API_URL') ?: 'd';", "API_URL", True),
    ("index.php", "$x = $_ENV['API_URL'];", "API_URL", False),
    ("config.php", "'url' => env('API_URL', 'http://localhost'),", "API_URL", True),
    ("run.sh", 'curl "${API_URL}/health"', "API_URL", False),
    ("run.sh", 'curl "${API_URL:-http://localhost}/health"', "API_URL", True),
    ("run.sh", 'curl "$API_URL/health"', "API_URL", False),
    ("Dockerfile", "RUN curl ${API_URL}/health", "API_URL", False),
    ("docker-compose.yml", "    environment:\n      URL: ${API_URL:-http://web}", "API_URL", True),
    ("compose.prod.yaml", "    environment:\n      URL: ${API_URL}", "API_URL", False),
    ("schema.prisma", 'url = env("DATABASE_URL")', "DATABASE_URL", False),
]


@pytest.mark.parametrize(("path", "source", "name", "has_default"), READS)
def test_every_read_syntax(path: str, source: str, name: str, has_default: bool) -> None:
    family = family_of(path)
    assert family is not None
    text = f"// header\n{source}\n" if family == "js" else f"\n{source}\n"
    reads = find_reads(text, path, family)
    assert [(r.name, r.has_default) for r in reads] == [(name, has_default)]
    assert reads[0].line == text[: text.index(name)].count("\n") + 1


NOT_READS = [
    ("app.py", 'os.environ["API_URL"] = "x"'),
    ("app.py", '# x = os.getenv("API_URL")'),
    ("app.ts", 'process.env.API_URL = "x";'),
    ("app.ts", "// const x = process.env.API_URL;"),
    ("app.ts", " * process.env.API_URL is documented here"),
    ("app.rb", 'ENV["API_URL"] = "x"'),
    ("run.sh", 'API_URL=http://x\ncurl "$API_URL"'),
    ("run.sh", 'echo "$HOME $PATH"'),
    ("run.sh", "for API_URL in a b; do echo $API_URL; done"),
    ("Dockerfile", "ARG API_URL\nRUN curl ${API_URL}"),
    ("docker-compose.yml", "command: echo $${API_URL}"),
]


@pytest.mark.parametrize(("path", "source"), NOT_READS)
def test_writes_comments_and_local_names_are_not_reads(path: str, source: str) -> None:
    family = family_of(path)
    assert family is not None
    assert find_reads(source + "\n", path, family) == []


def test_destructuring_reads_every_name() -> None:
    source = "const {\n  A,\n  B: b,\n  C = 'x',\n  ...rest\n} = process.env;\n"
    reads = find_reads(source, "a.ts", "js")
    assert [(r.name, r.has_default) for r in reads] == [("A", False), ("B", False), ("C", True)]


@pytest.mark.parametrize(
    ("path", "family"),
    [
        ("src/app.py", "python"),
        ("web/Page.tsx", "js"),
        ("Dockerfile.prod", "docker"),
        ("deploy/app.dockerfile", "docker"),
        ("docker-compose.override.yml", "compose"),
        ("README.md", None),
        ("config.yml", None),
    ],
)
def test_family_of(path: str, family: str | None) -> None:
    assert family_of(path) == family


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_app.py", True),
        ("src/__tests__/page.tsx", True),
        ("web/page.test.ts", True),
        ("web/page.spec.jsx", True),
        ("pkg/server_test.go", True),
        ("conftest.py", True),
        ("src/app.py", False),
        ("src/latest.py", False),
        ("src/contest/app.ts", False),
    ],
)
def test_is_test_path(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


# ---------------------------------------------------------------- .env files and names


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".env", "values"),
        (".env.local", "values"),
        (".env.production", "values"),
        (".env.development.local", "values"),
        ("config/.env", "values"),
        ("prod.env", "values"),
        (".envrc", "values"),
        (".env.example", "documentation"),
        (".env.sample", "documentation"),
        (".env.template", "documentation"),
        (".env.dist", "documentation"),
        (".env.defaults", "documentation"),
        (".env.local.example", "documentation"),
        ("example.env", "documentation"),
        (".env.vault", "encrypted"),
        (".env.enc", "encrypted"),
        (".venv", None),
        ("src/env.ts", None),
        (".env.d.ts", None),
        (".environment", None),
    ],
)
def test_classify_env_file(path: str, kind: str | None) -> None:
    assert classify_env_file(path) == kind


def test_parse_env_names() -> None:
    text = (
        "# Settings\n"
        "export API_URL=https://api.example.com\n"
        'QUOTED="a value # not a comment"\n'
        "SINGLE='x'\n"
        "BLANK=\n"
        "SPACED = value # comment\n"
        'MULTI="-----BEGIN KEY-----\n'
        "abc\n"
        '-----END KEY-----"\n'
        "# OPTIONAL_FEATURE=\n"
        "# see https://docs.example.com/?a=b\n"
        "AFTER=1\n"
    )
    entries = parse_env_names(text)
    assert [(e.name, e.line, e.has_value, e.commented) for e in entries] == [
        ("API_URL", 2, True, False),
        ("QUOTED", 3, True, False),
        ("SINGLE", 4, True, False),
        ("BLANK", 5, False, False),
        ("SPACED", 6, True, False),
        ("MULTI", 7, True, False),
        ("OPTIONAL_FEATURE", 10, False, True),
        ("AFTER", 12, True, False),
    ]


@pytest.mark.parametrize(
    ("name", "prefix", "secret", "publishable"),
    [
        ("NEXT_PUBLIC_OPENAI_API_KEY", "NEXT_PUBLIC_", True, False),
        ("VITE_STRIPE_SECRET_KEY", "VITE_", True, False),
        ("REACT_APP_ADMIN_PASSWORD", "REACT_APP_", True, False),
        ("EXPO_PUBLIC_SUPABASE_SERVICE_ROLE_KEY", "EXPO_PUBLIC_", True, False),
        ("NUXT_PUBLIC_GITHUB_TOKEN", "NUXT_PUBLIC_", True, False),
        ("PUBLIC_ANTHROPIC_API_KEY", "PUBLIC_", True, False),
        ("GATSBY_PRIVATE_KEY", "GATSBY_", True, False),
        ("NEXT_PUBLIC_SUPABASE_ANON_KEY", "NEXT_PUBLIC_", False, True),
        ("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_", False, True),
        ("NEXT_PUBLIC_FIREBASE_API_KEY", "NEXT_PUBLIC_", False, True),
        ("VITE_RECAPTCHA_SITE_KEY", "VITE_", False, True),
        ("NEXT_PUBLIC_SENTRY_DSN", "NEXT_PUBLIC_", False, True),
        ("NEXT_PUBLIC_SITE_URL", "NEXT_PUBLIC_", False, False),
        ("OPENAI_API_KEY", None, True, False),
        ("LOG_LEVEL", None, False, False),
    ],
)
def test_name_classification(name: str, prefix: str | None, secret: bool, publishable: bool) -> None:
    assert public_prefix(name) == prefix
    assert is_secret_name(name) is secret
    assert is_publishable(name) is publishable


# ---------------------------------------------------------------- listing


def test_git_listing_leaves_out_ignored_and_dependency_files(tmp_path: Path) -> None:
    root = git_repo(
        tmp_path / "product",
        {".gitignore": ".env\nnode_modules/\n", "src/app.py": "", "node_modules/x/index.js": ""},
    )
    write(root, {".env": "A=1\n", "src/new.ts": "", "dist/bundle.js": ""})
    listing = list_repo_files(root)
    assert listing.method == "git"
    assert sorted(listing.files) == [".gitignore", "src/app.py", "src/new.ts"]
    assert listing.tracked == frozenset({".gitignore", "src/app.py"})


def test_a_plain_directory_is_walked(tmp_path: Path) -> None:
    root = tmp_path / "product"
    write(root, {"src/app.py": "", "node_modules/x/index.js": "", ".env": ""})
    listing = list_repo_files(root)
    assert listing.method == "walk"
    assert "not a git repository" in listing.note
    assert sorted(listing.files) == [".env", "src/app.py"]
    assert listing.tracked == frozenset()


# ---------------------------------------------------------------- the check

CLEAN_FILES = {
    "src/app.py": 'import os\nDB = os.environ["DATABASE_URL"]\nLEVEL = os.getenv("LOG_LEVEL", "info")\n',
    "web/page.tsx": "export const site = process.env.NEXT_PUBLIC_SITE_URL;\n",
    ".env.example": "DATABASE_URL=\nLOG_LEVEL=info\nNEXT_PUBLIC_SITE_URL=\n",
    ".gitignore": ".env\n.env*.local\n",
}
PRODUCTION = {"production": ["DATABASE_URL", "NEXT_PUBLIC_SITE_URL"]}


async def test_documented_and_set_in_production_passes(tmp_path: Path, run_check: RunCheck) -> None:
    git_repo(tmp_path / "product", CLEAN_FILES)
    write(tmp_path / "product", {".env": f"DATABASE_URL={fakesecrets.value('database-url', 1)}\n"})
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert result.status is Status.PASS
    assert result.summary == "all 3 variables the code reads are documented and set in production"
    assert rows(result)["DATABASE_URL"] == {
        "name": "DATABASE_URL",
        "read_at": "src/app.py:2",
        "default": False,
        "documented": True,
        "environments": {"production": "set"},
        "public_prefix": None,
        "secret_name": True,
    }
    assert rows(result)["LOG_LEVEL"]["environments"] == {"production": "default"}
    assert result.evidence["listing"] == "git"
    assert [f["path"] for f in result.evidence["env_files"]] == [".env.example"]


async def test_missing_from_production_fails_with_the_exact_fix(tmp_path: Path, run_check: RunCheck) -> None:
    files = dict(CLEAN_FILES)
    files["src/billing.py"] = 'import os\nWEBHOOK = os.environ["STRIPE_WEBHOOK_SECRET"]\n'
    files[".env.example"] += "STRIPE_WEBHOOK_SECRET=\n"
    git_repo(tmp_path / "product", files)
    environments = {**PRODUCTION, "staging": ["DATABASE_URL"]}
    result = await run_env(run_check, sprint_for(tmp_path, environments=environments))
    assert (result.status, result.severity) == (Status.FAIL, Severity.HIGH)
    assert result.summary.startswith(
        "1 variable the code needs is missing from production: STRIPE_WEBHOOK_SECRET"
    )
    assert (
        "[environments.production] variables and set it in the hosting dashboard: STRIPE_WEBHOOK"
        in result.fix
    )
    assert "Add to [environments.staging] variables" in result.fix
    assert rows(result)["STRIPE_WEBHOOK_SECRET"]["environments"] == {
        "production": "missing",
        "staging": "missing",
    }


async def test_missing_from_another_environment_warns(tmp_path: Path, run_check: RunCheck) -> None:
    git_repo(tmp_path / "product", CLEAN_FILES)
    environments = {**PRODUCTION, "staging": ["DATABASE_URL", "OLD_FLAG"]}
    result = await run_env(run_check, sprint_for(tmp_path, environments=environments))
    assert (result.status, result.severity) == (Status.WARN, Severity.MEDIUM)
    assert result.summary == "1 variable the code needs is missing from staging: NEXT_PUBLIC_SITE_URL"
    assert "unused-in-environment" in kinds(result)


async def test_undocumented_reads_warn_and_stale_ones_are_noted(tmp_path: Path, run_check: RunCheck) -> None:
    files = dict(CLEAN_FILES)
    files["src/mail.py"] = 'import os\nKEY = os.getenv("POSTMARK_TOKEN", "")\n'
    files[".env.example"] += "LEGACY_FLAG=1\n"
    git_repo(tmp_path / "product", files)
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert result.status is Status.WARN
    assert result.summary.startswith("1 variable read by the code is not in any .env.example: POSTMARK_TOKEN")
    assert "Document in .env.example (name and a placeholder or blank value): POSTMARK_TOKEN." in result.fix
    assert "stale-documentation" in kinds(result)
    assert rows(result)["LEGACY_FLAG"]["read_at"] is None


async def test_no_example_file_at_all(tmp_path: Path, run_check: RunCheck) -> None:
    files = {k: v for k, v in CLEAN_FILES.items() if k != ".env.example"}
    git_repo(tmp_path / "product", files)
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert "not in a .env.example (there is none)" in result.summary
    assert result.evidence["documentation"] == []


async def test_example_files_anywhere_document(tmp_path: Path, run_check: RunCheck) -> None:
    files = {k: v for k, v in CLEAN_FILES.items() if k != ".env.example"}
    files["web/.env.sample"] = "NEXT_PUBLIC_SITE_URL=\n"
    files["api/.env.template"] = "export DATABASE_URL=''\n# LOG_LEVEL=info\n"
    git_repo(tmp_path / "product", files)
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert result.status is Status.PASS
    assert sorted(result.evidence["documentation"]) == ["api/.env.template", "web/.env.sample"]


async def test_a_secret_behind_a_browser_prefix_fails_critical(tmp_path: Path, run_check: RunCheck) -> None:
    files = dict(CLEAN_FILES)
    files["web/chat.tsx"] = (
        "const key = process.env.NEXT_PUBLIC_OPENAI_API_KEY;\n"
        "const anon = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;\n"
    )
    files[".env.example"] += "NEXT_PUBLIC_OPENAI_API_KEY=\nNEXT_PUBLIC_SUPABASE_ANON_KEY=\n"
    git_repo(tmp_path / "product", files)
    environments = {
        "production": [
            *PRODUCTION["production"],
            "NEXT_PUBLIC_OPENAI_API_KEY",
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
        ]
    }
    result = await run_env(run_check, sprint_for(tmp_path, environments=environments))
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    assert result.summary == (
        "NEXT_PUBLIC_OPENAI_API_KEY is compiled into the JavaScript every visitor downloads "
        "(browser-exposed prefix on a secret)"
    )
    assert result.fix.startswith("Rename NEXT_PUBLIC_OPENAI_API_KEY without the NEXT_PUBLIC_ prefix")
    assert rows(result)["NEXT_PUBLIC_SUPABASE_ANON_KEY"]["public_prefix"] == "NEXT_PUBLIC_"
    assert "secret_name" not in rows(result)["NEXT_PUBLIC_SUPABASE_ANON_KEY"]


async def test_a_committed_env_file_with_a_secret_fails_critical(tmp_path: Path, run_check: RunCheck) -> None:
    secret = fakesecrets.value("stripe-secret-key", 9)
    files = {**CLEAN_FILES, ".gitignore": "", ".env": f"STRIPE_SECRET_KEY={secret}\nLOG_LEVEL=debug-marker\n"}
    git_repo(tmp_path / "product", files)
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    assert result.summary == ".env is committed and holds secrets (STRIPE_SECRET_KEY)"
    assert "git rm --cached .env" in result.fix
    assert "rotate every secret it held" in result.fix
    env_file = next(f for f in result.evidence["env_files"] if f["path"] == ".env")
    assert env_file["committed"] is True
    assert env_file["secrets"] == [
        {"variable": "STRIPE_SECRET_KEY", "line": 1, "rule": "stripe-secret-key", "severity": "critical"}
    ]
    (finding,) = result.evidence["findings"]
    assert (finding["rule"], finding["path"], finding["line"], finding["variable"]) == (
        "stripe-secret-key",
        ".env",
        1,
        "STRIPE_SECRET_KEY",
    )
    assert finding["advice"] == "committed to git: rotate it, then remove the file from git"
    dumped = json.dumps(result.to_json())
    assert secret not in dumped
    assert secret[:12] not in dumped
    assert "debug-marker" not in dumped


@pytest.mark.parametrize(
    ("name", "text", "status", "severity"),
    [
        (".env.local", "FEATURE_FLAG=on\n", Status.FAIL, Severity.HIGH),
        (".env.production", "ADMIN_PASSWORD=not-a-real-one\n", Status.FAIL, Severity.HIGH),
        (".env.production", "NEXT_PUBLIC_SITE_URL=https://acme.test\n", Status.WARN, Severity.MEDIUM),
    ],
)
async def test_committed_env_files_by_content(
    tmp_path: Path, run_check: RunCheck, name: str, text: str, status: Status, severity: Severity
) -> None:
    git_repo(tmp_path / "product", {**CLEAN_FILES, ".gitignore": "", name: text})
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert (result.status, result.severity) == (status, severity)
    assert result.summary.startswith(f"{name} is committed")
    assert "not-a-real-one" not in json.dumps(result.to_json())


async def test_an_env_file_neither_committed_nor_ignored_warns(tmp_path: Path, run_check: RunCheck) -> None:
    root = git_repo(tmp_path / "product", {**CLEAN_FILES, ".gitignore": ""})
    local_key = fakesecrets.value("anthropic-api-key", 8)
    write(root, {".env.local": f"ANTHROPIC_API_KEY={local_key}\n"})
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert result.status is Status.WARN
    assert result.summary == ".env.local is not ignored by git: one `git add .` commits it"
    assert "Add .env.local to .gitignore." in result.fix
    local = next(f for f in result.evidence["env_files"] if f["path"] == ".env.local")
    assert local == {
        "path": ".env.local",
        "kind": "values",
        "committed": False,
        "variables": ["ANTHROPIC_API_KEY"],
    }
    assert result.evidence["findings"] == []
    assert local_key not in json.dumps(result.to_json())


async def test_an_env_file_deleted_from_git_is_still_in_history(tmp_path: Path, run_check: RunCheck) -> None:
    root = git_repo(
        tmp_path / "product", {**CLEAN_FILES, ".gitignore": "", "config/.env": "SESSION_SECRET=x\n"}
    )
    git(root, "rm", "-q", "config/.env")
    git(root, "commit", "-q", "-m", "remove env")
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert (result.status, result.severity) == (Status.WARN, Severity.HIGH)
    assert (
        result.summary
        == "config/.env was committed in the past and deleted since: every clone still has the values"
    )


async def test_a_real_secret_in_the_example_fails(tmp_path: Path, run_check: RunCheck) -> None:
    key = fakesecrets.value("openai-api-key", 3)
    files = dict(CLEAN_FILES)
    files["src/ai.py"] = 'import os\nKEY = os.environ["OPENAI_API_KEY"]\n'
    files[".env.example"] += f"OPENAI_API_KEY={key}\n"
    git_repo(tmp_path / "product", files)
    environments = {"production": [*PRODUCTION["production"], "OPENAI_API_KEY"]}
    result = await run_env(run_check, sprint_for(tmp_path, environments=environments))
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    assert result.summary.startswith(".env.example holds real secret values (OPENAI_API_KEY)")
    assert key not in json.dumps(result.to_json())


async def test_no_production_environment_declared(tmp_path: Path, run_check: RunCheck) -> None:
    git_repo(tmp_path / "product", CLEAN_FILES)
    result = await run_env(
        run_check, sprint_for(tmp_path, environments={"staging": PRODUCTION["production"]})
    )
    assert result.status is Status.WARN
    assert result.summary.startswith("sprint.toml declares no [environments.production] (declared: staging)")
    assert "the code needs: DATABASE_URL, NEXT_PUBLIC_SITE_URL" in result.fix


async def test_prod_counts_as_production(tmp_path: Path, run_check: RunCheck) -> None:
    git_repo(tmp_path / "product", CLEAN_FILES)
    result = await run_env(run_check, sprint_for(tmp_path, environments={"prod": ["DATABASE_URL"]}))
    assert (result.status, result.severity) == (Status.FAIL, Severity.HIGH)
    assert "missing from prod: NEXT_PUBLIC_SITE_URL" in result.summary


async def test_reads_in_tests_and_dependencies_do_not_count(tmp_path: Path, run_check: RunCheck) -> None:
    files = {
        **CLEAN_FILES,
        "tests/test_app.py": 'import os\nos.environ["TEST_DATABASE_URL"]\n',
        "web/page.test.tsx": "process.env.E2E_USER;\n",
        "vendor/lib/x.rb": 'ENV["VENDORED"]\n',
    }
    root = git_repo(tmp_path / "product", files)
    write(root, {"node_modules/pkg/index.js": "process.env.FROM_DEPENDENCY;\n"})
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert result.status is Status.PASS
    assert result.evidence["counts"]["test_reads_ignored"] == 2
    assert set(rows(result)) == {"DATABASE_URL", "LOG_LEVEL", "NEXT_PUBLIC_SITE_URL"}


async def test_platform_variables_are_not_configuration(tmp_path: Path, run_check: RunCheck) -> None:
    files = {**CLEAN_FILES, "server.js": "const port = process.env.PORT;\nif (process.env.NODE_ENV) {}\n"}
    git_repo(tmp_path / "product", files)
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert result.status is Status.PASS
    assert rows(result)["PORT"]["platform"] is True


async def test_a_plain_directory_is_checked_without_git(tmp_path: Path, run_check: RunCheck) -> None:
    write(tmp_path / "product", {**CLEAN_FILES, ".env": "DATABASE_URL=postgres://local\n"})
    result = await run_env(run_check, sprint_for(tmp_path, environments=PRODUCTION))
    assert result.status is Status.PASS
    assert result.evidence["listing"] == "walk"
    assert "committed files unknown" in result.evidence["listing_note"]
    env_file = next(f for f in result.evidence["env_files"] if f["path"] == ".env")
    assert env_file["committed"] is None


async def test_no_repo_is_skipped(tmp_path: Path, run_check: RunCheck) -> None:
    result = await run_env(run_check, sprint_for(tmp_path, repo=None))
    assert result.status is Status.SKIPPED
    assert "[repo]" in result.summary


async def test_a_missing_repo_directory_is_an_error(tmp_path: Path, run_check: RunCheck) -> None:
    result = await run_env(run_check, sprint_for(tmp_path, repo="nowhere"))
    assert result.status is Status.ERROR
    assert result.summary.endswith("nowhere is not a directory")
