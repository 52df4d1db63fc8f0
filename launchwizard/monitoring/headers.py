"""Which request headers an export may write down, and the environment variable for the rest.

An export is a file people commit, paste into a dashboard or attach to a ticket, so a
credential must never be copied into it. Only headers that describe the request's format
(content type, accepted languages and the like) are written as they are; every other header
(Authorization, cookies, API keys, tenant ids...) becomes a reference to an environment
variable that Gatus and k6 expand when they run, and that the Uptime Kuma sheet asks the
operator to paste from sprint.toml. An allowlist rather than a list of secret names means
a credential under a header name nobody thought of is still never copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COPIED_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "cache-control",
        "content-language",
        "content-type",
        "pragma",
        "user-agent",
        "x-requested-with",
    }
)
"""Headers that say how the request is encoded and never carry a credential."""

ENV_PREFIX = "LW_"
_NOT_ENV = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True)
class ExportedHeader:
    """One request header as an export writes it: its value, or the variable that holds it."""

    name: str
    value: str | None
    env: str | None
    source: str
    """Where the operator finds the value: the sprint.toml key of the header."""

    @property
    def secret(self) -> bool:
        return self.env is not None


def env_name(endpoint: str, header: str) -> str:
    """`LW_<ENDPOINT>_<HEADER>`: upper-case letters, digits and underscores only."""
    words = _NOT_ENV.sub("_", f"{endpoint}_{header}".upper()).strip("_")
    return ENV_PREFIX + words


def exported_headers(endpoint: str, headers: tuple[tuple[str, str], ...]) -> list[ExportedHeader]:
    """The endpoint's headers in export form; two headers never share a variable."""
    taken: set[str] = set()
    exported = []
    for name, value in headers:
        source = f"[endpoints.{endpoint}] headers.{name}"
        if name.lower() in COPIED_HEADERS:
            exported.append(ExportedHeader(name, value, None, source))
            continue
        env = base = env_name(endpoint, name)
        suffix = 2
        while env in taken:
            env, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(env)
        exported.append(ExportedHeader(name, None, env, source))
    return exported
