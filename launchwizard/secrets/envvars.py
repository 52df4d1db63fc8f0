"""Environment variables of a repository: which ones its code reads, documents and commits.

Three questions drive the `config.env` check, and this module answers each from the files
alone, without running anything:

- which variables the code reads, where first, and whether the read has a default
  (`find_reads`: one regex per read syntax of Python, JavaScript/TypeScript and their
  frameworks, Ruby, Go, PHP, shell, Dockerfiles, compose files and Prisma schemas);
- which `.env`-style files exist, which of them document variables (`.env.example` and
  friends) and which hold real values (`classify_env_file`), the names they set
  (`parse_env_names`: KEY=VALUE with comments, `export`, quotes and multi-line values),
  and whether git tracks them (`list_repo_files`, `env_files_in_history`);
- whether a name is secret-looking or browser-exposed (`public_prefix`, `is_publishable`,
  `is_secret_name`).

`survey` puts these together for one repository. Values of `.env` files are read only to
hand them to the secret engine, which keeps a redacted fingerprint at most: what leaves
this module is names, paths, line numbers and rule ids.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from launchwizard.results import Severity
from launchwizard.secrets.model import Finding, SecretScanner
from launchwizard.secrets.repo import (
    GIT_MISSING,
    NOT_A_REPOSITORY,
    RepoError,
    RepoProbe,
    first_line,
    list_git_files,
    probe_repo,
    run_git,
)

GIT_TIMEOUT_S = 30.0
MAX_LISTED_FILES = 200_000
MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_ENV_FILE_BYTES = 1024 * 1024
BINARY_SNIFF_BYTES = 8000

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "jspm_packages",
        "vendor",
        "third_party",
        "third-party",
        "site-packages",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".next",
        ".nuxt",
        ".svelte-kit",
        ".output",
        ".vercel",
        ".netlify",
        ".turbo",
        ".cache",
        "dist",
        "build",
        "out",
        "coverage",
    }
)
"""Directories of dependencies, build output and caches: their reads are not the product's."""

TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec", "specs", "e2e", "cypress", "playwright"})
_TEST_FILE = re.compile(
    r"(?:^test_.*\.py|.*_test\.(?:py|go|rb)|.*_spec\.rb|.*\.(?:test|spec)\.[cm]?[jt]sx?|conftest\.py)$"
)

DOC_SUFFIXES = frozenset({"example", "sample", "template", "tmpl", "tpl", "dist", "defaults", "schema"})
ENCRYPTED_SUFFIXES = frozenset({"vault", "enc", "encrypted", "gpg", "age", "sops", "asc"})
CODE_SUFFIXES = frozenset({"py", "js", "mjs", "cjs", "ts", "mts", "cts", "tsx", "jsx", "d", "md", "rb", "go"})

EnvFileKind = Literal["values", "documentation", "encrypted"]

PUBLIC_PREFIXES: tuple[str, ...] = (
    "NEXT_PUBLIC_",
    "NUXT_PUBLIC_",
    "EXPO_PUBLIC_",
    "REACT_APP_",
    "VITE_",
    "GATSBY_",
    "PUBLIC_",
)
"""Prefixes that frameworks compile into the browser bundle (Next.js, Nuxt, Expo, Create
React App, Vite, Gatsby, SvelteKit/Astro)."""

_SECRET_WORDS = re.compile(
    r"SECRET|PRIVATE|PASSWORD|PASSWD|PASSPHRASE|TOKEN|SERVICE_ROLE|SERVICE_KEY|CREDENTIAL|"
    r"(?:^|_)(?:PWD|DATABASE_URL|DB_URL|CONNECTION_STRING|SIGNING_KEY|ENCRYPTION_KEY|MASTER_KEY|ADMIN_KEY)(?:_|$)"
)
_SERVER_PROVIDERS = re.compile(
    r"OPENAI|ANTHROPIC|CLAUDE|COHERE|MISTRAL|GROQ|XAI|DEEPSEEK|OPENROUTER|PERPLEXITY|GEMINI|"
    r"HUGGINGFACE|(?:^|_)HF_|REPLICATE|TOGETHER|FIREWORKS|ELEVENLABS|PINECONE|LANGSMITH|LANGCHAIN|"
    r"STRIPE_SECRET|SENDGRID|MAILGUN|POSTMARK|RESEND|TWILIO|SLACK|GITHUB|AWS|AZURE|SUPABASE_SERVICE"
)
_PUBLISHABLE = re.compile(
    r"_ANON_KEY$|_PUBLISHABLE_KEY$|_PUBLIC_KEY$|_SITE_KEY$|_SITEKEY$|_MEASUREMENT_ID$|"
    r"FIREBASE\w*_API_KEY$|SENTRY\w*_DSN$|MAPBOX\w*_TOKEN$"
)


# ---------------------------------------------------------------- names


def public_prefix(name: str) -> str | None:
    """The browser-exposing prefix a variable name starts with, if any."""
    return next((prefix for prefix in PUBLIC_PREFIXES if name.startswith(prefix)), None)


def is_publishable(name: str) -> bool:
    """Names of values that are meant to be public: anon/publishable keys, Firebase web
    keys, CAPTCHA site keys, Sentry DSNs, Mapbox public tokens."""
    return _PUBLISHABLE.search(name.upper()) is not None


def is_secret_name(name: str) -> bool:
    """A name that says it holds a secret: SECRET, PASSWORD, TOKEN, SERVICE_ROLE... or an
    `*_API_KEY` / `*_KEY` of a provider whose keys only servers may hold."""
    upper = name.upper()
    if is_publishable(upper):
        return False
    if _SECRET_WORDS.search(upper):
        return True
    return upper.endswith("KEY") and _SERVER_PROVIDERS.search(upper) is not None


# ---------------------------------------------------------------- listing files


@dataclass(frozen=True)
class RepoFiles:
    """The files of a repository worth reading, relative to its root (POSIX separators).

    `tracked` is what git has committed (empty when git was not used); `method` says
    whether git listed the files or a directory walk did, and `note` why, when not git.
    """

    root: Path
    files: tuple[str, ...]
    tracked: frozenset[str]
    method: Literal["git", "walk"]
    note: str = ""
    truncated: bool = False


def list_repo_files(root: Path) -> RepoFiles:
    """Tracked plus untracked-but-not-ignored files when `root` is a git work tree (listed
    the way `secrets.repo` lists them), else every file under it; dependency, build and
    cache directories are left out."""
    top = root.resolve()
    try:
        probe = probe_repo(top, timeout=GIT_TIMEOUT_S)
        if probe.kind != "git":
            return _walk(root, note=_not_listed_by_git(probe))
        tracked, others = list_git_files(top, timeout=GIT_TIMEOUT_S)
    except RepoError as exc:
        return _walk(root, note=str(exc))
    except OSError as exc:
        return _walk(root, note=f"git could not run: {exc.strerror or exc}")
    listed = [path for path in dict.fromkeys((*tracked, *others)) if not _in_skipped_dir(path)]
    return RepoFiles(
        root=root,
        files=tuple(listed[:MAX_LISTED_FILES]),
        tracked=frozenset(tracked),
        method="git",
        truncated=len(listed) > MAX_LISTED_FILES,
    )


def _not_listed_by_git(probe: RepoProbe) -> str:
    if probe.git_missing:
        return GIT_MISSING
    return "a bare repository has no work tree" if probe.kind == "bare" else NOT_A_REPOSITORY


def _walk(root: Path, *, note: str) -> RepoFiles:
    found: list[str] = []
    truncated = False
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
        base = PurePosixPath(Path(directory).relative_to(root).as_posix())
        for name in sorted(names):
            found.append(str(base / name) if str(base) != "." else name)
        if len(found) > MAX_LISTED_FILES:
            truncated = True
            break
    return RepoFiles(
        root=root,
        files=tuple(found[:MAX_LISTED_FILES]),
        tracked=frozenset(),
        method="walk",
        note=note,
        truncated=truncated,
    )


def _in_skipped_dir(path: str) -> bool:
    return any(part in SKIPPED_DIRS for part in PurePosixPath(path).parts[:-1])


def is_test_path(path: str) -> bool:
    """Tests, specs and end-to-end suites: their reads set up fixtures, not production."""
    parts = PurePosixPath(path).parts
    return any(part in TEST_DIRS for part in parts[:-1]) or _TEST_FILE.match(parts[-1]) is not None


def _git_output(root: Path, *args: str) -> bytes | str:
    """A git command's stdout, or the plain reason it gave none."""
    try:
        done = run_git(root.resolve(), *args, timeout=GIT_TIMEOUT_S)
    except FileNotFoundError:
        return GIT_MISSING
    except RepoError as exc:
        return str(exc)
    except OSError as exc:
        return f"git could not run: {exc.strerror or exc}"
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        return f"git {args[0]} failed: {first_line(stderr, done.returncode)}"
    return done.stdout


def env_files_in_history(root: Path) -> list[str] | str:
    """Every `.env`-style path ever added in any commit on any ref (relative to `root`),
    or the plain reason git could not tell."""
    output = _git_output(
        root,
        "log",
        "--all",
        "--format=",
        "--name-only",
        "--diff-filter=A",
        "--no-renames",
        "--relative",
        "-z",
        "--",
        ":(glob)**/.env*",
        ":(glob)**/*.env",
    )
    if isinstance(output, str):
        return output
    paths = {os.fsdecode(raw).strip("\n") for raw in output.split(b"\0")}
    return sorted(path for path in paths if path and classify_env_file(path) == "values")


# ---------------------------------------------------------------- .env files


def classify_env_file(path: str) -> EnvFileKind | None:
    """What a `.env`-style file is, from its name: real `values` (.env, .env.local,
    .env.production, prod.env, .envrc), `documentation` (.env.example, .env.sample,
    .env.template, .env.dist, .env.defaults, example.env), `encrypted` (.env.vault,
    .env.enc...) or None when the file is not a `.env` file at all (.venv, env.ts)."""
    name = PurePosixPath(path).name
    if name == ".envrc":
        return "values"
    if name == ".env" or name.startswith(".env."):
        parts = name.split(".")[2:]
    elif name.endswith(".env") and len(name) > len(".env"):
        parts = name.split(".")[:-1]
    elif name in ("env.example", "env.sample", "env.template"):
        return "documentation"
    else:
        return None
    lowered = {part.lower() for part in parts}
    if parts and parts[-1].lower() in CODE_SUFFIXES:
        return None
    if lowered & ENCRYPTED_SUFFIXES:
        return "encrypted"
    if lowered & DOC_SUFFIXES:
        return "documentation"
    return "values"


@dataclass(frozen=True)
class EnvEntry:
    """One KEY=VALUE assignment of a `.env` file: the name, its line, whether it has a
    non-empty value, and whether the line was commented out (`# KEY=`)."""

    name: str
    line: int
    has_value: bool
    commented: bool = False


_ASSIGNMENT = re.compile(r"^\s*(#\s*)?(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(.*)$")


def parse_env_names(text: str) -> list[EnvEntry]:
    """The assignments of a `.env` file, whatever its suffix: comments, `export`, single,
    double and back quotes, values spanning lines inside double quotes, blank values.

    A commented-out assignment (`# OPTIONAL_KEY=`) is kept, marked `commented`: in
    examples it documents an optional variable. Only upper-case commented names count,
    so prose in comments is not taken for a variable.
    """
    entries: list[EnvEntry] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _ASSIGNMENT.match(lines[index])
        number = index + 1
        index += 1
        if match is None:
            continue
        comment, name, raw_value = match.groups()
        if comment is not None and not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name):
            continue
        value, index = _value_with_continuation(raw_value, lines, index)
        entries.append(EnvEntry(name, number, bool(value), commented=comment is not None))
    return entries


def _value_with_continuation(raw: str, lines: list[str], index: int) -> tuple[str, int]:
    """The unquoted value, reading on past the line while a double/back quote is open."""
    raw = raw.strip()
    if raw[:1] in ('"', "`") and not _closes(raw[1:], raw[0]):
        quote, parts = raw[0], [raw[1:]]
        while index < len(lines):
            parts.append(lines[index])
            index += 1
            if _closes(lines[index - 1], quote):
                break
        return "\n".join(parts).rstrip().rstrip(quote).strip(), index
    if raw[:1] in ("'", '"', "`"):
        return raw[1:].split(raw[0], 1)[0], index
    if raw.startswith("#"):
        return "", index
    return re.split(r"\s+#", raw, maxsplit=1)[0].strip(), index


def _closes(text: str, quote: str) -> bool:
    return re.search(rf"(?<!\\){re.escape(quote)}", text) is not None


# ---------------------------------------------------------------- reads in code


@dataclass(frozen=True)
class EnvRead:
    """One place where code reads an environment variable.

    `has_default` is True when the read itself supplies a fallback (`os.getenv("X",
    "d")`, `process.env.X || "d"`, `${X:-d}`, `os.LookupEnv`), so a missing variable
    does not crash the app there.
    """

    name: str
    path: str
    line: int
    has_default: bool

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


Family = Literal["python", "js", "ruby", "go", "php", "shell", "docker", "compose", "prisma"]

_Q = r"(?P<q>['\"])"
_NAME = r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
_QUOTED = rf"{_Q}{_NAME}(?P=q)"
_NOT_WRITE = r"(?!\s*=[^=])"
_PY_DEFAULT = r"(?P<default>,(?!\s*None\s*\))|\)\s*or\b)?"
_JS_DEFAULT = r"(?P<default>\s*(?:\|\||\?\?))?"
_RUBY_DEFAULT = r"(?P<default>\s*(?:\|\||\.presence\s*\|\|))?"
_JS_DESTRUCTURED = r"\b(?:const|let|var)\s*\{(?P<names>[^{}]{1,4000})\}\s*=\s*"
_JS_ENV_OBJECTS = r"(?:process\.env|import\.meta\.env|Bun\.env|Deno\.env\.toObject\(\))"
_SVELTE_IMPORT = r"\bimport\s*\{(?P<names>[^{}]{1,4000})\}\s*from\s*['\"]\$env/static/\w+['\"]"


@dataclass(frozen=True)
class ReadSyntax:
    """One way to read a variable: a regex with a `name` (or `names`, for destructuring)
    group and an optional `default` group, the files it applies to, and a substring
    that must be in the file for the regex to be worth running."""

    families: frozenset[Family]
    marker: str
    regex: re.Pattern[str]
    always_default: bool = False


def _syntax(
    families: Iterable[Family], marker: str, pattern: str, *, always_default: bool = False
) -> ReadSyntax:
    return ReadSyntax(frozenset(families), marker, re.compile(pattern), always_default)


_PY: tuple[Family, ...] = ("python",)
_JS: tuple[Family, ...] = ("js",)
_RUBY: tuple[Family, ...] = ("ruby",)
_PHP: tuple[Family, ...] = ("php",)
READ_SYNTAXES: tuple[ReadSyntax, ...] = (
    _syntax(_PY, "environ", rf"\b(?:os\.)?environ\[\s*{_QUOTED}\s*\]{_NOT_WRITE}(?P<default>\s+or\b)?"),
    _syntax(_PY, "environ", rf"\b(?:os\.)?environ\.get\(\s*{_QUOTED}\s*{_PY_DEFAULT}"),
    _syntax(_PY, "setdefault", rf"\b(?:os\.)?environ\.setdefault\(\s*{_QUOTED}\s*(?P<default>,)"),
    _syntax(_PY, "getenv", rf"\b(?:os\.)?getenv\(\s*{_QUOTED}\s*{_PY_DEFAULT}"),
    _syntax(_JS, "process", rf"\bprocess\.env(?:\?\.|\.)\s*{_NAME}\b(?!\s*\(){_NOT_WRITE}{_JS_DEFAULT}"),
    _syntax(_JS, "process", rf"\bprocess\.env(?:\?\.)?\[\s*{_QUOTED}\s*\]{_NOT_WRITE}{_JS_DEFAULT}"),
    _syntax(_JS, "env", _JS_DESTRUCTURED + _JS_ENV_OBJECTS),
    _syntax(_JS, "import.meta", rf"\bimport\.meta\.env(?:\?\.|\.)\s*{_NAME}\b{_JS_DEFAULT}"),
    _syntax(_JS, "import.meta", rf"\bimport\.meta\.env(?:\?\.)?\[\s*{_QUOTED}\s*\]{_JS_DEFAULT}"),
    _syntax(_JS, "Deno", rf"\bDeno\.env\.get\(\s*{_QUOTED}\s*\){_JS_DEFAULT}"),
    _syntax(_JS, "Bun", rf"\bBun\.env(?:\?\.|\.)\s*{_NAME}\b{_JS_DEFAULT}"),
    _syntax(_JS, "Bun", rf"\bBun\.env(?:\?\.)?\[\s*{_QUOTED}\s*\]{_JS_DEFAULT}"),
    _syntax(_JS, "$env/static", _SVELTE_IMPORT),
    _syntax(_JS, "$env/dynamic", rf"(?<![\w.$])env\.{_NAME}\b{_JS_DEFAULT}"),
    _syntax(_RUBY, "ENV", rf"\bENV\[\s*{_QUOTED}\s*\]{_NOT_WRITE}{_RUBY_DEFAULT}"),
    _syntax(_RUBY, "ENV", rf"\bENV\.fetch\(\s*{_QUOTED}\s*(?P<default>,|\)\s*\{{|\)\s*do\b)?"),
    _syntax(("go",), "Getenv", rf"\bos\.Getenv\(\s*\"{_NAME}\"\s*\)"),
    _syntax(("go",), "LookupEnv", rf"\bos\.LookupEnv\(\s*\"{_NAME}\"\s*\)", always_default=True),
    _syntax(_PHP, "getenv", rf"\bgetenv\(\s*{_QUOTED}\s*\)(?P<default>\s*(?:\?:|\?\?))?"),
    _syntax(_PHP, "$_ENV", rf"\$_ENV\[\s*{_QUOTED}\s*\](?P<default>\s*\?\?)?"),
    _syntax(_PHP, "env", rf"(?<![\w$>:])env\(\s*{_QUOTED}\s*(?P<default>,)?"),
    _syntax(("shell", "docker", "compose"), "${", rf"(?<!\$)\$\{{{_NAME}(?P<default>:?[-=+])?"),
    _syntax(("shell",), "$", r"(?<![\\$])\$(?P<name>[A-Z_][A-Z0-9_]*)\b"),
    _syntax(("prisma",), "env(", rf"\benv\(\s*\"{_NAME}\"\s*\)"),
)

_FAMILY_BY_SUFFIX: dict[str, Family] = {
    ".py": "python",
    ".js": "js",
    ".jsx": "js",
    ".ts": "js",
    ".tsx": "js",
    ".mjs": "js",
    ".cjs": "js",
    ".mts": "js",
    ".cts": "js",
    ".vue": "js",
    ".svelte": "js",
    ".astro": "js",
    ".rb": "ruby",
    ".rake": "ruby",
    ".erb": "ruby",
    ".go": "go",
    ".php": "php",
    ".sh": "shell",
    ".bash": "shell",
    ".zsh": "shell",
    ".prisma": "prisma",
}
_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose(?:[.\-][\w.\-]+)?\.ya?ml$")
_DOCKERFILE_NAME = re.compile(r"^(?:Dockerfile|Containerfile)(?:\.[\w.\-]+)?$|\.dockerfile$", re.IGNORECASE)

ENV_SHELL_VARS = frozenset(
    {"HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "HOSTNAME", "TERM", "LANG", "TMPDIR", "IFS", "UID"}
)
"""Shell and system variables a script may mention without them being app config."""

PLATFORM_VARS = frozenset(
    {
        "NODE_ENV",
        "PORT",
        "HOST",
        "HOSTNAME",
        "TZ",
        "CI",
        "VERCEL",
        "VERCEL_ENV",
        "VERCEL_URL",
        "NEXT_RUNTIME",
        "NEXT_PHASE",
        "NETLIFY",
        "RENDER",
        "DYNO",
        "K_SERVICE",
        "FLY_APP_NAME",
        "RAILWAY_ENVIRONMENT",
        "AWS_REGION",
        "AWS_LAMBDA_FUNCTION_NAME",
        "MODE",
        "DEV",
        "PROD",
        "SSR",
        "BASE_URL",
        *ENV_SHELL_VARS,
    }
)
"""Variables the runtime, the hosting platform or the bundler set by themselves (Node,
Vercel, Netlify, Render, Heroku, Cloud Run, Fly, Railway, Lambda, Vite's built-ins):
reading them is not configuration anyone has to document or set."""


def family_of(path: str) -> Family | None:
    """Which read syntaxes apply to a file, from its name; None for files we do not read."""
    name = PurePosixPath(path).name
    if _DOCKERFILE_NAME.search(name):
        return "docker"
    if _COMPOSE_NAME.match(name):
        return "compose"
    return _FAMILY_BY_SUFFIX.get(PurePosixPath(name).suffix.lower())


def find_reads(text: str, path: str, family: Family) -> list[EnvRead]:
    """Every environment read in one source file, in file order; reads on comment lines
    and names the file itself assigns (shell, Dockerfile ARG/ENV) are left out."""
    lines = _LineIndex(text)
    local = _assigned_names(text, family)
    reads: list[EnvRead] = []
    for syntax in READ_SYNTAXES:
        if family not in syntax.families or syntax.marker not in text:
            continue
        for match in syntax.regex.finditer(text):
            if lines.in_comment(match.start(), family):
                continue
            for name, has_default in _names_of(match, syntax):
                if name not in local and not (family == "shell" and name in ENV_SHELL_VARS):
                    reads.append(EnvRead(name, path, lines.number(match.start()), has_default))
    reads.sort(key=lambda read: read.line)
    return reads


def _names_of(match: re.Match[str], syntax: ReadSyntax) -> Iterator[tuple[str, bool]]:
    groups = match.groupdict()
    if groups.get("names") is not None:
        yield from _destructured(groups["names"])
        return
    yield groups["name"], syntax.always_default or bool(groups.get("default"))


_DESTRUCTURED = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:(?::|\bas\b)\s*[\w$]+\s*)?(=)?", re.DOTALL)


def _destructured(body: str) -> Iterator[tuple[str, bool]]:
    """Names of `{ A, B: alias, C = "d" }` or `{ A as B }`, with whether each has a default."""
    for item in body.split(","):
        match = _DESTRUCTURED.match(item)
        if match is not None and not item.strip().startswith("..."):
            yield match.group(1), match.group(2) is not None


_SHELL_ASSIGNED = re.compile(
    r"^\s*(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)=|"
    r"\bread\s+(?:-\w+\s+)*([A-Za-z_]\w*)|\bfor\s+([A-Za-z_]\w*)\s+in\b",
    re.MULTILINE,
)
_DOCKER_DECLARED = re.compile(r"^\s*(?:ARG|ENV)\s+([A-Za-z_]\w*)", re.MULTILINE | re.IGNORECASE)


def _assigned_names(text: str, family: Family) -> frozenset[str]:
    """Names a shell script or Dockerfile sets itself: using them is not reading config."""
    if family == "shell":
        return frozenset(next(g for g in m.groups() if g) for m in _SHELL_ASSIGNED.finditer(text))
    if family == "docker":
        return frozenset(m.group(1) for m in _DOCKER_DECLARED.finditer(text))
    return frozenset()


_COMMENT_STARTS: dict[Family, tuple[str, ...]] = {
    "python": ("#",),
    "ruby": ("#",),
    "shell": ("#",),
    "docker": ("#",),
    "compose": ("#",),
    "php": ("//", "#", "/*", "* "),
    "js": ("//", "/*", "* ", "<!--"),
    "go": ("//", "/*", "* "),
    "prisma": ("//",),
}


class _LineIndex:
    """Line numbers and comment tests for offsets in one text; the line starts are only
    computed once a read is found, since most files read no variable at all."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def number(self, offset: int) -> int:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return bisect.bisect_right(self._starts, offset)

    def in_comment(self, offset: int, family: Family) -> bool:
        line_start = self.text.rfind("\n", 0, offset) + 1
        return self.text[line_start:offset].lstrip().startswith(_COMMENT_STARTS[family])


# ---------------------------------------------------------------- the survey of a repository


@dataclass(frozen=True)
class EnvSecret:
    """A value the secret engine recognised in a `.env` file, and the variable holding it.
    The finding is redacted by construction: it never holds the value."""

    variable: str
    finding: Finding

    @property
    def line(self) -> int:
        return self.finding.line

    @property
    def is_secret(self) -> bool:
        """A credential, not a publishable key or an identifier."""
        return self.finding.exposure == "secret" and self.finding.severity is not Severity.INFO


@dataclass(frozen=True)
class EnvFile:
    """One `.env`-style file: its kind, whether git tracks it (None: unknown, no git), the
    names it sets and the secrets the engine found in it."""

    path: str
    kind: EnvFileKind
    tracked: bool | None
    entries: tuple[EnvEntry, ...] = ()
    secrets: tuple[EnvSecret, ...] = ()
    error: str = ""

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(entry.name for entry in self.entries))


@dataclass
class EnvSurvey:
    """Everything `config.env` compares: reads in production code, `.env` files, history."""

    listing: RepoFiles
    reads: dict[str, list[EnvRead]] = field(default_factory=dict)
    test_reads: int = 0
    sources: int = 0
    skipped_sources: list[tuple[str, str]] = field(default_factory=list)
    env_files: list[EnvFile] = field(default_factory=list)
    history: list[str] | str = field(default_factory=list)

    def add_read(self, read: EnvRead) -> None:
        self.reads.setdefault(read.name, []).append(read)

    @property
    def documentation(self) -> list[EnvFile]:
        return [file for file in self.env_files if file.kind == "documentation"]

    @property
    def documented(self) -> set[str]:
        return {name for file in self.documentation for name in file.names}


def survey(root: Path, scanner: SecretScanner) -> EnvSurvey:
    """List the repository, find every read in its source files, read its `.env` files
    (names, and secrets through `scanner`), and the `.env` files its history ever held."""
    listing = list_repo_files(root)
    result = EnvSurvey(listing=listing)
    for path in listing.files:
        kind = classify_env_file(path)
        if kind is not None:
            result.env_files.append(_read_env_file(root, path, kind, listing, scanner))
            continue
        family = family_of(path)
        if family is not None and not path.endswith((".min.js", ".min.mjs")):
            _read_source(root, path, family, result)
    if listing.method == "git":
        history = env_files_in_history(root)
        result.history = (
            history if isinstance(history, str) else [p for p in history if p not in listing.tracked]
        )
    return result


def _read_text(root: Path, path: str, limit: int) -> str:
    """A file's text, decoded leniently; OSError for unreadable, ValueError for binary or too big."""
    full = root / path
    if full.is_symlink() or not full.is_file():
        raise ValueError("not a regular file")
    with open(full, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MB")
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        raise ValueError("binary")
    return data.decode("utf-8", "replace")


def _read_source(root: Path, path: str, family: Family, result: EnvSurvey) -> None:
    try:
        text = _read_text(root, path, MAX_SOURCE_BYTES)
    except (OSError, ValueError) as exc:
        result.skipped_sources.append((path, _plain(exc)))
        return
    result.sources += 1
    reads = find_reads(text, path, family)
    if is_test_path(path):
        result.test_reads += len(reads)
        return
    for read in reads:
        result.add_read(read)


def _read_env_file(
    root: Path, path: str, kind: EnvFileKind, listing: RepoFiles, scanner: SecretScanner
) -> EnvFile:
    tracked = (path in listing.tracked) if listing.method == "git" else None
    if kind == "encrypted":
        return EnvFile(path, kind, tracked)
    try:
        text = _read_text(root, path, MAX_ENV_FILE_BYTES)
    except (OSError, ValueError) as exc:
        return EnvFile(path, kind, tracked, error=_plain(exc))
    entries = tuple(parse_env_names(text))
    if kind == "values" and not tracked:
        return EnvFile(path, kind, tracked, entries)
    return EnvFile(path, kind, tracked, entries, tuple(_secrets_in(text, path, entries, scanner)))


def _secrets_in(
    text: str, path: str, entries: tuple[EnvEntry, ...], scanner: SecretScanner
) -> Iterator[EnvSecret]:
    """The engine's findings in a `.env` file, each tied to the variable whose value holds it."""
    starts = [entry.line for entry in entries]
    for finding in scanner.scan_text(text, path, source="file"):
        index = bisect.bisect_right(starts, finding.line) - 1
        yield EnvSecret(entries[index].name if index >= 0 else "", finding)


def _plain(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return (exc.strerror or type(exc).__name__).lower()
    return str(exc)
