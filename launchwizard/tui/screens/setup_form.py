"""The setup form's fields and the sprint.toml they make, with no Textual in sight.

Each field checks its text with the same validators sprint.toml is read with
(launchwizard.config.values), so what the form accepts as typed is exactly what
load_sprint will accept from the file it writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from launchwizard.config import Sprint, load_sprint, parse_sprint, values
from launchwizard.config.errors import InvalidValue
from launchwizard.errors import UserError

_SEPARATORS = re.compile(r"[\s,]+")


def split_hosts(raw: str) -> list[str]:
    """Hosts as typed: separated by commas, spaces or both."""
    return [name for name in _SEPARATORS.split(raw.strip()) if name]


def check_client(raw: str) -> str:
    """The client's name is shown on every screen and on the pack, so it cannot be blank."""
    if not raw.strip():
        raise InvalidValue("expected the client's name, like 'Acme Support AI'")
    return raw.strip()


def check_hosts(raw: str) -> list[str]:
    """Every public host, each a full name; duplicates are dropped, order kept."""
    names = split_hosts(raw)
    if not names:
        raise InvalidValue("expected at least one full host name, like 'acme.test www.acme.test'")
    return list(dict.fromkeys(values.host(name) for name in names))


def suggested_hosts(apex: str) -> str:
    """What most products serve: the apex and www.<apex>."""
    return f"{apex} www.{apex}"


@dataclass(frozen=True)
class FieldSpec:
    """One input of the setup form: where its value goes and how it is checked."""

    id: str
    label: str
    placeholder: str
    check: Callable[[str], object]
    optional: bool = False


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("client", "Client", "Acme Support AI", check_client),
    FieldSpec("apex", "Apex domain", "acme.test", values.host),
    FieldSpec("hosts", "Hosts", "acme.test, www.acme.test", check_hosts),
    FieldSpec("email", "Email domain", "acme.test", values.host),
    FieldSpec("homepage", "Homepage URL", "https://www.acme.test/", values.url),
    FieldSpec("health", "Health URL", "https://www.acme.test/health", values.url),
    FieldSpec("chat", "Chat URL (optional)", "https://api.acme.test/chat", values.url, optional=True),
)
"""The form, top to bottom."""


def problem_with(spec: FieldSpec, raw: str) -> str | None:
    """Why a field's text is refused, in the validator's words; None when it is fine."""
    if not raw.strip():
        return None if spec.optional else f"required, like '{spec.placeholder}'"
    try:
        spec.check(raw.strip())
    except InvalidValue as exc:
        return exc.message
    return None


def sprint_document(form: Mapping[str, str]) -> dict[str, Any]:
    """The sprint.toml tables for a valid form (no secrets: none are asked for here)."""
    homepage = values.url(form["homepage"].strip())
    endpoints = {"homepage": homepage, "health": values.url(form["health"].strip())}
    if form.get("chat", "").strip():
        endpoints["chat"] = values.url(form["chat"].strip())
    return {
        "sprint": {"client": check_client(form["client"]), "canonical": homepage},
        "domains": {"apex": values.host(form["apex"].strip()), "hosts": check_hosts(form["hosts"])},
        "email": {"domain": values.host(form["email"].strip())},
        "endpoints": endpoints,
    }


def write_sprint(path: Path, document: dict[str, Any]) -> Sprint:
    """Write a new sprint.toml and read it back the way every command will.

    The text is validated before anything is written, and an existing file is never
    replaced: it may hold hand edits this form knows nothing about.
    """
    text = tomli_w.dumps(document)
    parse_sprint(text, path)
    if path.exists():
        raise UserError(f"{path} exists already; open it with `launchwizard {path}` or move it away")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UserError(f"could not write {path}: {exc.strerror or exc}") from None
    return load_sprint(path)
