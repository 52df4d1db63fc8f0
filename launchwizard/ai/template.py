"""Prompt and assertion templates as promptfoo test files write them: `{{ name }}` filled in
from a test's `vars`.

promptfoo renders with Nunjucks, and evaluation sets use it for substitution: `{{ question }}`,
`{{ customer.plan }}`, and `{% raw %}...{% endraw %}` around text that must stay as written.
That is what this renders. Anything else (loops, filters, expressions) is refused with the
reason instead of guessed at, so rendering stays linear in the template's length. A variable
that is not set is an error: Nunjucks would render it as empty text and send a prompt nobody
wrote.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.\w+)*)\s*\}\}")
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)
_OPENERS = ("{{", "{%", "{#")


class TemplateError(ValueError):
    """A template this renderer will not fill in, or a variable that is not set."""


def text_of(value: Any) -> str:
    """A variable's value as text, the way JavaScript's String() writes scalars; objects and
    lists as JSON (Nunjucks would write "[object Object]")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def render(template: str, variables: Mapping[str, Any]) -> str:
    """Fill every `{{ name }}` of `template`; `{% raw %}` blocks are kept verbatim."""
    pieces = []
    position = 0
    for block in _RAW.finditer(template):
        pieces.append(_fill(template[position : block.start()], variables))
        pieces.append(block.group(1))
        position = block.end()
    pieces.append(_fill(template[position:], variables))
    return "".join(pieces)


def _fill(text: str, variables: Mapping[str, Any]) -> str:
    pieces = []
    position = 0
    for placeholder in _PLACEHOLDER.finditer(text):
        pieces.append(_literal(text[position : placeholder.start()]))
        pieces.append(text_of(_lookup(variables, placeholder.group(1))))
        position = placeholder.end()
    pieces.append(_literal(text[position:]))
    return "".join(pieces)


def _literal(text: str) -> str:
    """Text between placeholders; a leftover template opener is something we do not render."""
    for opener in _OPENERS:
        at = text.find(opener)
        if at >= 0:
            snippet = " ".join(text[at : at + 40].split())
            raise TemplateError(
                f"{snippet!r} is not a plain {{{{ variable }}}}: only variables (and {{% raw %}}) are "
                "filled in here, not Nunjucks tags, filters or expressions"
            )
    return text


def _lookup(variables: Mapping[str, Any], name: str) -> Any:
    """A variable, or a key inside an object variable (`customer.plan`)."""
    head, *path = name.split(".")
    if head not in variables:
        known = ", ".join(sorted(variables)) or "none"
        raise TemplateError(f"variable {head!r} is not set in this test's vars (set: {known})")
    value = variables[head]
    for part in path:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise TemplateError(f"{name!r} is not in this test's vars ({head!r} has no {part!r})")
    return value
