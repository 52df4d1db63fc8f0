"""Facts the sprint's settings imply: the homepage, the core routes, the chat request.

Checks, the monitor exports and the pack all need the same answers to "which page do
visitors land on", "which routes are sampled" and "what body does a chat prompt become",
so they are derived here, beside the config they come from, once for every layer.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.config.model import Endpoint, Sprint

PLACEHOLDER = "{{prompt}}"
CHAT_TIMEOUT_S = 30.0
"""The chat timeout when `[endpoints.chat] timeout_s` is not set: LLM replies are slow."""
CORE_ROUTES = ("homepage", "health", "login")


def homepage_url(sprint: Sprint) -> str:
    """The page visitors land on: `[endpoints] homepage`, else the canonical URL."""
    homepage = sprint.endpoints.get("homepage")
    return homepage.url if homepage is not None else sprint.canonical


def chat_timeout(endpoint: Endpoint) -> float:
    """The configured chat timeout, or the default for LLM replies."""
    return endpoint.timeout_s or CHAT_TIMEOUT_S


def render_body(endpoint: Endpoint, prompt: str) -> bytes | None:
    """The request body with the prompt in place; JSON-escaped when the template is JSON, so a
    prompt with quotes or line breaks cannot break (or change) the request."""
    if endpoint.body is None:
        return None
    template = endpoint.body
    try:
        json.loads(template.replace(PLACEHOLDER, "x"))
        is_json = True
    except ValueError:
        is_json = False
    value = json.dumps(prompt)[1:-1] if is_json else prompt
    return template.replace(PLACEHOLDER, value).encode("utf-8")


def core_routes(sprint: Sprint) -> list[tuple[str, str]]:
    """(name, URL) of the non-LLM routes to sample: the configured ones, else the homepage."""
    routes = [
        (name, sprint.endpoints[name].url)
        for name in CORE_ROUTES
        if name in sprint.endpoints and sprint.endpoints[name].method in ("GET", "HEAD")
    ]
    return routes or [("homepage", homepage_url(sprint))]


def cloudflare_zone(sprint: Sprint) -> str:
    """The Cloudflare zone the cloudflare.* checks read: `[cloudflare] zone`, else the apex."""
    return sprint.cloudflare.zone or sprint.apex
