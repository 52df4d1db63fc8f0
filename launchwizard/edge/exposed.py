"""The documented list of paths that must never be public, and how each one is recognised.

Each path is judged by content, never by status alone: the body must carry the marker of
what the path claims to be (KEY=value lines for a `.env`, `[core]` for a git config, the
"Bud1" magic of a `.DS_Store`, a password field on an admin page ...), the status must
be 2xx, and the body must differ from what the site answers for random paths that
cannot exist (the soft-404 baseline): a single-page app or an edge that answers every
path with the same 200 page is not a finding. Samples in the evidence are redacted:
variable names without values, section names without URLs, and nothing at all from
keys, dumps or archives.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_SCAN = 64 * 1024
MAX_SAMPLE = 160
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body)", re.I)
_DIGITS = re.compile(rb"\d+")
_SPACE = re.compile(rb"\s+")
_ENV_LINE = re.compile(rb"(?m)^(?:export\s+)?([A-Z][A-Z0-9_]{1,60})=")
_INI_SECTION = re.compile(rb"(?m)^\[([^\]\n]{1,60})\]")


def _rx(*patterns: str) -> tuple[re.Pattern[bytes], ...]:
    return tuple(re.compile(p.encode("latin-1"), re.I | re.M) for p in patterns)


@dataclass(frozen=True)
class SensitivePath:
    """One path, what it would reveal, and the content that proves it is really there."""

    path: str
    kind: str
    severity: str
    title: str
    why: str
    fix: str
    markers: tuple[re.Pattern[bytes], ...]
    marker_text: str
    text_only: bool = False
    sample: str = "match"


DOTFILES_FIX = (
    "Remove it from the deployed files and deny dotfiles at the edge or web server "
    "(nginx: `location ~ /\\. { deny all; }`); rotate every credential it held."
)
BACKUP_FIX = "Delete the file from the web root, keep backups in private storage, and rotate what it held."
INFO_FIX = "Turn the endpoint off in production or restrict it to the internal network or an admin login."
ADMIN_FIX = (
    "Put the admin interface behind SSO or a VPN/IP allow-list, not just a password form on the public site."
)
DOCS_FIX = "If the API is not public, serve its documentation only to signed-in developers or internally."


def _secret(
    path: str, title: str, *markers: str, sample: str = "none", text_only: bool = True
) -> SensitivePath:
    return SensitivePath(
        path,
        "secrets",
        "critical",
        title,
        f"{path} hands out the credentials it holds to anyone who asks.",
        DOTFILES_FIX,
        _rx(*markers),
        title,
        text_only=text_only,
        sample=sample,
    )


def _source(path: str, title: str, severity: str, *markers: str, sample: str = "match") -> SensitivePath:
    return SensitivePath(
        path,
        "source",
        severity,
        title,
        f"{path} lets anyone download the source history and the secrets ever committed.",
        DOTFILES_FIX,
        _rx(*markers),
        title,
        text_only=True,
        sample=sample,
    )


def _backup(path: str, *markers: str, text_only: bool = True) -> SensitivePath:
    return SensitivePath(
        path,
        "backup",
        "critical" if text_only else "high",
        "database or site backup",
        f"{path} is a copy of data or code anyone can download.",
        BACKUP_FIX,
        _rx(*markers),
        "backup content",
        text_only=text_only,
        sample="none",
    )


def _info(path: str, title: str, severity: str, *markers: str) -> SensitivePath:
    return SensitivePath(
        path,
        "server-info",
        severity,
        title,
        f"{path} shows internal state (configuration, requests, memory) that helps an attacker.",
        INFO_FIX,
        _rx(*markers),
        title,
    )


ENV_PAIRS = r"^(export\s+)?[A-Z][A-Z0-9_]{1,60}=.*\n(.*\n)*?(export\s+)?[A-Z][A-Z0-9_]{1,60}="
"""Two KEY=value lines: what a dotenv file is made of."""
SQL_DUMP = r"-- MySQL dump|PostgreSQL database dump|^CREATE TABLE|^INSERT INTO"
PASSWORD_FIELD = r"<input[^>]+type=[\"']?password"
SWAGGER = r"swagger-ui|<redoc|redoc\.standalone"
OPENAPI_JSON = r"^\s*\{.{0,200}\"(openapi|swagger)\"\s*:\s*\"[23]"

SENSITIVE_PATHS: tuple[SensitivePath, ...] = (
    _secret("/.env", "environment file", ENV_PAIRS, sample="names"),
    _secret("/.env.production", "environment file", ENV_PAIRS, sample="names"),
    _secret("/.env.local", "environment file", ENV_PAIRS, sample="names"),
    _secret("/.aws/credentials", "AWS credentials file", r"^aws_access_key_id\s*="),
    _secret("/.npmrc", "npm credentials", r"_authToken\s*="),
    _secret("/id_rsa", "SSH private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    _secret("/.htpasswd", "password hashes", r"^[^:\s]+:(\$apr1\$|\$2[aby]\$|\{SHA\}|\$1\$|\$[56]\$)"),
    _secret("/wp-config.php.bak", "WordPress configuration backup", r"DB_PASSWORD"),
    _secret(
        "/actuator/env", "Spring Boot environment", r"\"(propertySources|activeProfiles)\"", text_only=False
    ),
    _source("/.git/HEAD", "git repository", "high", r"^(ref: refs/|[0-9a-f]{40}\s*$)"),
    _source(
        "/.git/config",
        "git repository configuration",
        "high",
        r"^\[core\][\s\S]*repositoryformatversion",
        sample="sections",
    ),
    _source("/.svn/entries", "Subversion metadata", "high", r"\A(8|9|10|11|12)\s*\n"),
    _source("/.hg/requires", "Mercurial metadata", "high", r"^(revlogv1|store|fncache)$"),
    SensitivePath(
        "/.DS_Store",
        "source",
        "low",
        "macOS folder index",
        "/.DS_Store lists the names of the files in the folder, including ones not linked anywhere.",
        DOTFILES_FIX,
        (re.compile(rb"\A\x00\x00\x00\x01Bud1"),),
        "Bud1 magic",
        sample="none",
    ),
    _backup("/backup.sql", SQL_DUMP),
    _backup("/dump.sql", SQL_DUMP),
    _backup("/db.sql", SQL_DUMP),
    _backup("/database.sql", SQL_DUMP),
    _backup("/backup.zip", r"\APK\x03\x04", text_only=False),
    _backup("/backup.tar.gz", r"\A\x1f\x8b", text_only=False),
    _info("/server-status", "Apache server status", "medium", r"Apache Server Status"),
    _info("/server-info", "Apache server information", "medium", r"Apache Server Information"),
    _info("/phpinfo.php", "phpinfo page", "medium", r"phpinfo\(\)|<title>PHP [0-9.]+ - phpinfo"),
    _info("/actuator", "Spring Boot actuator index", "medium", r"\"_links\"[\s\S]*actuator"),
    _info("/actuator/heapdump", "Java heap dump", "critical", r"\AJAVA PROFILE"),
    _info("/debug/pprof/", "Go profiler", "high", r"Types of profiles available"),
    _info("/metrics", "Prometheus metrics", "low", r"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* "),
    SensitivePath(
        "/admin",
        "admin",
        "medium",
        "admin login",
        "/admin puts the back office's login on the open internet, where it is brute-forced.",
        ADMIN_FIX,
        _rx(PASSWORD_FIELD, r"admin"),
        "an admin page with a password field",
    ),
    SensitivePath(
        "/wp-admin/",
        "admin",
        "medium",
        "WordPress admin",
        "/wp-admin/ is the most brute-forced login on the internet.",
        ADMIN_FIX,
        _rx(PASSWORD_FIELD, r"wordpress|wp-login"),
        "a WordPress login",
    ),
    SensitivePath(
        "/phpmyadmin/",
        "admin",
        "high",
        "phpMyAdmin",
        "/phpmyadmin/ opens the database to whoever guesses or steals a password.",
        ADMIN_FIX,
        _rx(r"phpMyAdmin"),
        "phpMyAdmin",
    ),
    SensitivePath(
        "/docs",
        "docs",
        "low",
        "API documentation (Swagger UI / ReDoc)",
        "/docs maps every API route and parameter for an attacker.",
        DOCS_FIX,
        _rx(SWAGGER),
        "Swagger UI or ReDoc",
    ),
    SensitivePath(
        "/swagger-ui.html",
        "docs",
        "low",
        "Swagger UI",
        "/swagger-ui.html maps every API route.",
        DOCS_FIX,
        _rx(SWAGGER),
        "Swagger UI",
    ),
    SensitivePath(
        "/api-docs",
        "docs",
        "low",
        "API documentation",
        "/api-docs maps every API route.",
        DOCS_FIX,
        _rx(SWAGGER + "|" + OPENAPI_JSON),
        "API docs",
    ),
    SensitivePath(
        "/openapi.json",
        "docs",
        "low",
        "OpenAPI description",
        "/openapi.json lists every API route and parameter.",
        DOCS_FIX,
        _rx(OPENAPI_JSON),
        "an OpenAPI document",
        sample="none",
    ),
    SensitivePath(
        "/swagger.json",
        "docs",
        "low",
        "Swagger description",
        "/swagger.json lists every API route and parameter.",
        DOCS_FIX,
        _rx(OPENAPI_JSON),
        "a Swagger document",
        sample="none",
    ),
    SensitivePath(
        "/graphql",
        "docs",
        "low",
        "GraphiQL explorer",
        "/graphql serves an explorer that lists the whole schema.",
        DOCS_FIX,
        _rx(r"graphiql"),
        "GraphiQL",
    ),
)


def baseline_paths() -> tuple[str, ...]:
    """Three paths that cannot exist, shaped like the list's: plain, dotfile, with an extension."""
    token = secrets.token_hex(8)
    return (f"/launchwizard-{token}", f"/.launchwizard-{token}", f"/launchwizard-{token}.sql")


def _normalised(body: bytes, path: str) -> str:
    """A fingerprint that ignores the echoed path, numbers and whitespace (request ids, dates)."""
    text = body[:MAX_SCAN].replace(path.encode("latin-1", "replace"), b"")
    text = _SPACE.sub(b" ", _DIGITS.sub(b"0", text))
    return hashlib.sha256(text).hexdigest()


def _content_type(headers: Sequence[tuple[str, str]]) -> str | None:
    return next((value for key, value in headers if key.lower() == "content-type"), None)


@dataclass(frozen=True)
class Baseline:
    """How the site answers a path that cannot exist."""

    status: int
    length: int
    content_type: str | None
    fingerprint: str
    head: bytes = field(repr=False)

    @classmethod
    def from_response(
        cls, status: int, headers: Sequence[tuple[str, str]], body: bytes, probe_path: str
    ) -> Baseline:
        return cls(status, len(body), _content_type(headers), _normalised(body, probe_path), body[:MAX_SCAN])


@dataclass(frozen=True)
class Exposure:
    """A sensitive path served with its real content; `sample` is redacted."""

    spec: SensitivePath
    status: int
    marker: str
    sample: str


def _matches(spec: SensitivePath, head: bytes) -> bool:
    return all(marker.search(head) for marker in spec.markers)


def _looks_like_html(headers: Sequence[tuple[str, str]], head: bytes) -> bool:
    content_type = (_content_type(headers) or "").lower()
    return "html" in content_type or bool(_HTML_START.match(head))


def _sample(spec: SensitivePath, head: bytes) -> str:
    if spec.sample == "names":
        names = [m.decode("ascii") for m in _ENV_LINE.findall(head)][:12]
        return ", ".join(f"{name}=…" for name in names)[:MAX_SAMPLE]
    if spec.sample == "sections":
        return ", ".join(f"[{s.decode('latin-1')}]" for s in _INI_SECTION.findall(head)[:8])[:MAX_SAMPLE]
    if spec.sample == "match":
        found = spec.markers[0].search(head)
        text = found.group(0).decode("utf-8", "replace") if found else ""
        return " ".join(text.split())[:MAX_SAMPLE]
    return f"{spec.marker_text} (content withheld)"


def judge(
    spec: SensitivePath,
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    baselines: Sequence[Baseline],
    request_path: str,
) -> Exposure | None:
    """The exposure when `body` is really what `spec` names and not the site's soft 404."""
    if not 200 <= status < 300:
        return None
    head = body[:MAX_SCAN]
    if spec.text_only and _looks_like_html(headers, head):
        return None
    if not _matches(spec, head):
        return None
    fingerprint = _normalised(body, request_path)
    for baseline in baselines:
        if 200 <= baseline.status < 300 and (
            baseline.fingerprint == fingerprint or _matches(spec, baseline.head)
        ):
            return None
    return Exposure(spec, status, spec.marker_text, _sample(spec, head))
