"""The entry points: sprint.toml bytes -> text -> TOML -> a validated :class:`Sprint`.

Every failure on the way, from a missing file to a TOML syntax error, becomes one
:class:`ConfigError`, so callers handle a single exception type.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from launchwizard.config.cloudflare import read_cloudflare
from launchwizard.config.endpoints import read_endpoints, read_probes
from launchwizard.config.errors import ConfigError
from launchwizard.config.fields import Reader, reject_unknown_keys
from launchwizard.config.model import Sprint
from launchwizard.config.network import read_network
from launchwizard.config.perf import read_monitors, read_perf
from launchwizard.config.rdap import read_rdap
from launchwizard.config.site import (
    read_dns,
    read_domains,
    read_edge,
    read_email,
    read_redirects,
    read_sprint,
)
from launchwizard.config.workspace import read_environments, read_logs, read_repo
from launchwizard.safe.files import MIB, read_capped

# Every top-level table sprint.toml may have; anything else is a typo.
_TOP_KEYS = (
    "sprint",
    "domains",
    "dns",
    "redirects",
    "email",
    "endpoints",
    "network",
    "probes",
    "perf",
    "monitors",
    "edge",
    "cloudflare",
    "repo",
    "logs",
    "environments",
    "rdap",
)

SPRINT_FILE_LIMIT = MIB
"""A real sprint.toml is a few KB; anything near a megabyte is not one."""
MAX_KEY_PARTS = 32
"""Dotted keys and table headers with more parts than this are refused before parsing:
tomllib's cost grows with the square of a key's length (20,000 parts take 1.6 GB)."""

# The suffixes tomllib puts on its error messages, turned into a line number.
_SYNTAX_AT = re.compile(r"(?s)(.*) \(at line (\d+), column (\d+)\)")
_SYNTAX_END = re.compile(r"(?s)(.*) \(at end of document\)")


def load_sprint(path: Path) -> Sprint:
    """Read and validate a sprint.toml; unreadable or non-UTF-8 files are ConfigErrors too."""
    try:
        data = read_capped(path, SPRINT_FILE_LIMIT)
    except FileNotFoundError:
        raise ConfigError(
            path, "", "file not found (copy sprint.toml.example to sprint.toml and edit it)"
        ) from None
    except OSError as err:
        raise ConfigError(path, "", f"cannot read the file: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        message = "the file is not valid UTF-8 (TOML must be UTF-8)"
        raise ConfigError(path, "", message, line) from None
    return parse_sprint(text, path)


def parse_sprint(text: str, path: Path) -> Sprint:
    """Validate sprint.toml text; ``path`` names it in errors and anchors relative paths."""
    reader = Reader(path, text)
    doc = parse_toml_text(path, text)
    reject_unknown_keys(reader, doc, _TOP_KEYS, ())
    client, canonical = read_sprint(reader, doc)
    apex, hosts, subdomains, not_audited = read_domains(reader, doc)
    endpoints = read_endpoints(reader, doc)
    return Sprint(
        path=path,
        client=client,
        canonical=canonical,
        apex=apex,
        hosts=hosts,
        subdomains=subdomains,
        not_audited=not_audited,
        dns_expect=read_dns(reader, doc),
        redirects=read_redirects(reader, doc),
        email=read_email(reader, doc),
        endpoints=endpoints,
        network=read_network(reader, doc),
        probes=read_probes(reader, doc, endpoints),
        perf=read_perf(reader, doc),
        monitors=read_monitors(reader, doc),
        edge=read_edge(reader, doc),
        cloudflare=read_cloudflare(reader, doc),
        repo=read_repo(reader, doc),
        logs=read_logs(reader, doc),
        environments=read_environments(reader, doc),
        rdap=read_rdap(reader, doc),
    )


def parse_toml_text(path: Path, text: str, error: type[ConfigError] = ConfigError) -> dict[str, Any]:
    """tomllib.loads with its errors turned into `error`s carrying a line number.

    The state files under .launchwizard/ use it too, with their own error class.
    """
    deep = _over_deep_key_line(text)
    if deep is not None:
        raise error(path, "", f"invalid TOML: a key with more than {MAX_KEY_PARTS} dotted parts", deep)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line, message = _syntax_location(str(err), text)
        raise error(path, "", f"invalid TOML: {message}", line) from None
    except RecursionError:
        raise error(path, "", "invalid TOML: arrays or tables nest too deeply") from None
    except ValueError as err:
        raise error(path, "", f"invalid TOML: {err}") from None


_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""' r"|'''[\s\S]*?'''" r'|"(?:\\.|[^"\\\n])*"' r"|'[^'\n]*'" r"|#[^\n]*"
)
_KEY_BREAKS = re.compile(r"[=\[\]{},:\n]")


def _over_deep_key_line(text: str) -> int | None:
    """The line of a dotted key with more than MAX_KEY_PARTS parts, else None.

    Strings and comments are blanked first (keeping their line breaks), then the text is cut
    where a key chain must end; a chain's dots are its parts minus one. Linear in the text.
    """
    blank = _STRINGS_AND_COMMENTS.sub(lambda m: '""' + "\n" * m.group(0).count("\n"), text)
    offset = 0
    for segment in _KEY_BREAKS.split(blank):
        if segment.count(".") >= MAX_KEY_PARTS:
            return blank.count("\n", 0, offset) + 1
        offset += len(segment) + 1
    return None


def _syntax_location(error: str, text: str) -> tuple[int | None, str]:
    """Split tomllib's '... (at line N, column M)' suffix into a line and a plain message."""
    match = _SYNTAX_AT.fullmatch(error)
    if match:
        return int(match.group(2)), f"{match.group(1)} at column {match.group(3)}"
    match = _SYNTAX_END.fullmatch(error)
    if match:
        return text.count("\n", 0, max(len(text) - 1, 0)) + 1, f"{match.group(1)} at end of file"
    return None, error
