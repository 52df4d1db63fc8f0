"""Key paths: where a value sits in the TOML document, as the operator would write it.

A key path is a tuple of table keys and array indices, ``("domains", "hosts", 2)``; errors
show it as ``domains.hosts[2]`` and the line locator uses it to find the line.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_key(key: KeyPath) -> str:
    """Render a key path the way it would be written in TOML: ``network.pins."a.b"[0]``."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        if not BARE_KEY.fullmatch(part):
            part = '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out += f".{part}" if out else part
    return out
