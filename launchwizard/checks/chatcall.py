"""One call to the product's chat endpoint: the request from its template, the reply text
read from JSON, a server-sent event stream or plain text, and when each part arrived.

perf.chat, ai.injection, core.errors and deploy.smoke all talk to the chat API this way,
so a wrong `response_path` is caught the same way everywhere: a reply that cannot be
read is a problem in words, never an empty string that looks like a refusal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from launchwizard.config.derived import chat_timeout, render_body
from launchwizard.net.http import FetchError, Response

if TYPE_CHECKING:
    from launchwizard.checks.base import CheckContext
    from launchwizard.config import Endpoint

MAX_REPLY = 1024 * 1024
TARGET_EXCERPT_CHARS = 160
SSE_TYPE = "text/event-stream"
SSE_DONE = "[DONE]"
EVENT_TEXT_PATHS = (
    "choices.0.delta.content",
    "choices.0.text",
    "delta.text",
    "delta",
    "text",
    "content",
    "token",
)
"""Where streamed events usually carry their piece of text (OpenAI style, Anthropic style, plain)."""


async def request_endpoint(
    ctx: CheckContext, endpoint: Endpoint, *, max_body: int, content: bytes | None = None
) -> Response:
    """One request as `[endpoints]` describes it (method, headers, timeout); raises FetchError."""
    return await ctx.net.http.request(
        endpoint.method,
        endpoint.url,
        headers=dict(endpoint.headers),
        content=content,
        timeout_s=endpoint.timeout_s,
        max_body=max_body,
    )


@dataclass
class ChatReply:
    """What one chat call got: status, timings, the reply text or why it could not be read."""

    status: int | None = None
    text: str | None = None
    problem: str | None = None
    format: str = ""
    head_ms: int | None = None
    first_byte_ms: int | None = None
    total_ms: int | None = None
    cut: bool = False
    """The reply was still arriving when the chat timeout ended it."""
    body: str = ""
    retry_after: str | None = None
    """The Retry-After header as sent (a 429 or 503 says when to come back)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "format": self.format,
            "head_ms": self.head_ms,
            "first_byte_ms": self.first_byte_ms,
            "total_ms": self.total_ms,
            "cut_at_timeout": self.cut,
            "problem": self.problem,
        }


async def ask(
    ctx: CheckContext, endpoint: Endpoint, prompt: str, timeout_s: float | None = None
) -> ChatReply:
    """Send one prompt; never raises: no answer becomes a reply with a problem."""
    deadline = timeout_s or chat_timeout(endpoint)
    try:
        response = await ctx.net.http.request(
            endpoint.method,
            endpoint.url,
            headers=dict(endpoint.headers),
            content=render_body(endpoint, prompt),
            timeout_s=deadline,
            max_body=MAX_REPLY,
        )
    except FetchError as exc:
        return ChatReply(problem=f"no answer from {endpoint.url}: {exc.message}")
    return read_reply(response, endpoint.response_path, deadline)


def read_reply(response: Response, response_path: str | None, deadline: float) -> ChatReply:
    """The reply text of a response, with the timings the perf checks judge."""
    reply = ChatReply(
        status=response.status,
        head_ms=response.head_ms,
        first_byte_ms=response.first_byte_ms,
        total_ms=response.elapsed_ms,
        body=response.text,
        retry_after=response.header("retry-after"),
    )
    if response.body_error is not None:
        reply.cut = True
        reply.problem = f"the reply was still arriving after {deadline:g} s and was cut at the timeout"
    content_type = (response.header("content-type") or "").split(";")[0].strip().lower()
    if content_type == SSE_TYPE:
        reply.format = "sse"
        reply.text = _stream_text(response.text, response_path)
    elif "json" in content_type or _looks_like_json(response.body):
        reply.format = "json"
        reply.text, problem = _json_text(response.body, response_path)
        reply.problem = reply.problem or problem
    else:
        reply.format = "text"
        if response_path:
            reply.problem = reply.problem or (
                f"the reply is not JSON (Content-Type {content_type or 'missing'}), so response_path "
                f"{response_path!r} cannot be read"
            )
        else:
            reply.text = response.text
    if reply.text is not None and not reply.text.strip() and reply.problem is None:
        reply.problem = "the reply text is empty"
    return reply


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip()[:1] in (b"{", b"[")


def _json_text(body: bytes, response_path: str | None) -> tuple[str | None, str | None]:
    try:
        document = json.loads(body)
    except ValueError as exc:
        return None, f"the reply says it is JSON but does not parse: {exc}"
    if not response_path:
        if isinstance(document, str):
            return document, None
        return None, "the reply is JSON: set response_path to the dotted path of the reply text"
    found, value = lookup(document, response_path)
    if not found:
        return None, f"response_path {response_path!r} is not in the reply ({_shape(document)})"
    if not isinstance(value, str):
        return None, f"response_path {response_path!r} holds {type(value).__name__}, not text"
    return value, None


def lookup(document: Any, path: str) -> tuple[bool, Any]:
    """Follow a dotted path ("reply.text", "choices.0.message.content") into JSON."""
    value = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False, None
    return True, value


def _shape(document: Any) -> str:
    if isinstance(document, dict):
        keys = ", ".join(repr(k) for k in list(document)[:8])
        return f"its top-level keys are {keys}" if keys else "it is an empty object"
    return f"it is a JSON {type(document).__name__}"


def _stream_text(body: str, response_path: str | None) -> str:
    """The text of an event stream: every `data:` field's piece, joined, up to [DONE]."""
    pieces = []
    for line in body.splitlines():
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == SSE_DONE:
            break
        pieces.append(_event_piece(data, response_path))
    return "".join(pieces)


def _event_piece(data: str, response_path: str | None) -> str:
    try:
        event = json.loads(data)
    except ValueError:
        return data
    if isinstance(event, str):
        return event
    for path in (response_path, *EVENT_TEXT_PATHS):
        if path:
            found, value = lookup(event, path)
            if found and isinstance(value, str):
                return value
    return ""


def target_row(reply: ChatReply) -> dict[str, Any]:
    """The "test the target" reply as evidence: timings, and the start of its text and body."""
    return {
        **reply.to_json(),
        "reply_text": " ".join((reply.text or "")[:TARGET_EXCERPT_CHARS].split()),
        "raw_body": " ".join(reply.body[:TARGET_EXCERPT_CHARS].split()),
    }


def target_problem(reply: ChatReply, endpoint: Endpoint) -> str | None:
    """Why the evaluation cannot start, or None when a reply text was read."""
    if reply.status is None:
        return f"refusing to evaluate: the target test got no answer ({reply.problem})"
    if not 200 <= reply.status < 300:
        return f"refusing to evaluate: the target test got status {reply.status} from {endpoint.url}"
    if reply.cut:
        return f"refusing to evaluate: {reply.problem} (every prompt would wait for the whole timeout)"
    if reply.text is None or reply.problem:
        return f"refusing to evaluate: no reply text could be read ({reply.problem or 'empty reply'})"
    return None


def target_fix(endpoint: Endpoint) -> str:
    where = f"response_path = {endpoint.response_path!r}" if endpoint.response_path else "no response_path"
    return (
        f"Fix [endpoints.{endpoint.name}] ({where}) until a harmless prompt's reply text shows in the target "
        "test above: the method, the body template with {{prompt}}, the headers the API needs and the dotted "
        "path of the reply text in its JSON."
    )
