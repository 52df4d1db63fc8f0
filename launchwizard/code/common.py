"""Building blocks of the rule tables: ast-grep rule fragments that several rules share.

Each helper returns plain data (dicts in ast-grep's rule syntax), so a table stays a table
and the same rules can be written out as YAML for ast-grep's own CLI.
"""

from __future__ import annotations

import re
from typing import Any

Config = dict[str, Any]


def words(*names: str) -> str:
    """An anchored alternation of exact names, for `regex` on an identifier."""
    return "^(?:" + "|".join(re.escape(name) for name in names) + ")$"


def py_kwarg(*names: str) -> Config:
    """A Python call whose arguments include one of these keyword arguments."""
    return {
        "has": {
            "field": "arguments",
            "has": {"kind": "keyword_argument", "has": {"field": "name", "regex": words(*names)}},
        }
    }


def py_kwarg_where(name: str, value: Config) -> Config:
    """A Python call with `name=<a value that satisfies the rule>`."""
    return {
        "has": {
            "field": "arguments",
            "has": {
                "kind": "keyword_argument",
                "all": [
                    {"has": {"field": "name", "regex": words(name)}},
                    {"has": {"field": "value", **value}},
                ],
            },
        }
    }


def py_kwarg_is(name: str, value_kind: str) -> Config:
    """A Python call with `name=<value of this node kind>` (e.g. `timeout=None`)."""
    return py_kwarg_where(name, {"kind": value_kind})


def py_kwarg_value(name: str, value_regex: str) -> Config:
    """A Python call with `name=<value whose text matches>`."""
    return py_kwarg_where(name, {"regex": value_regex})


PY_SPLAT: Config = {"has": {"field": "arguments", "has": {"kind": "dictionary_splat"}}}
"""`f(**options)`: the keyword arguments cannot be known, so no rule reports the call."""

PY_GUARDED: Config = {
    "inside": {
        "stopBy": "end",
        "any": [
            {"pattern": "asyncio.wait_for($$$)"},
            {"pattern": "wait_for($$$)"},
            {
                "kind": "with_statement",
                "has": {"stopBy": "end", "regex": r"^(?:asyncio\.)?timeout(?:_at)?\("},
            },
            {
                "kind": "with_statement",
                "has": {
                    "stopBy": "end",
                    "regex": r"^(?:async_timeout\.timeout|anyio\.(?:fail_after|move_on_after)"
                    r"|trio\.(?:fail_after|move_on_after))\(",
                },
            },
        ],
    }
}
"""A call inside `asyncio.wait_for(...)` or an `async with asyncio.timeout(...)` block is bounded."""


def py_import(*modules: str, prefix_only: bool = False) -> Config:
    """The file imports one of these modules (`import m`, `import m.x`, `from m(.x) import ...`);
    with `prefix_only`, any module whose name starts so (`langchain` covers `langchain_openai`)."""
    tail = r"\w*(?:\.|\s|$|,)" if prefix_only else r"(?:\.|\s|$|,)"
    prefix = "^(?:" + "|".join(re.escape(m) for m in modules) + ")" + tail
    return {
        "rule": {
            "any": [
                {"kind": "import_statement", "has": {"regex": prefix}},
                {"kind": "import_from_statement", "has": {"field": "module_name", "regex": prefix}},
            ]
        }
    }


def py_bound(var: str, *constructors: str) -> Config:
    """`$var` is bound in this file to one of these calls (`x = C(...)`, `with C(...) as x`,
    `self.x = C(...)` is not followed: too far to be sure)."""
    return {
        "inside": {
            "kind": "module",
            "stopBy": "end",
            "has": {
                "stopBy": "end",
                "any": [
                    alternative
                    for constructor in constructors
                    for alternative in (
                        {"pattern": f"${var} = {constructor}"},
                        {"pattern": f"${var} = await {constructor}"},
                        {
                            "pattern": {
                                "context": f"with {constructor} as ${var}: pass",
                                "selector": "as_pattern",
                            }
                        },
                    )
                ],
            },
        }
    }


def js_key(*names: str) -> Config:
    """An object literal with one of these keys (`key: value`, shorthand `key`, or a method)."""
    return {
        "has": {
            "any": [
                {"kind": "pair", "has": {"field": "key", "regex": words(*names)}},
                {"kind": "shorthand_property_identifier", "regex": words(*names)},
                {"kind": "method_definition", "has": {"field": "name", "regex": words(*names)}},
            ]
        }
    }


JS_SPREAD: Config = {"has": {"kind": "spread_element"}}
"""`{...options}`: what the spread brings in cannot be known."""


def js_object_without(*keys: str) -> Config:
    """An object literal that sets none of `keys` and spreads nothing."""
    return {"kind": "object", "not": {"any": [js_key(*keys), JS_SPREAD]}}


def js_import(*modules: str) -> Config:
    """The file imports or requires one of these packages (or a subpath of one)."""
    source = "^['\"](?:" + "|".join(re.escape(m) for m in modules) + ")(?:/[^'\"]*)?['\"]$"
    return {
        "rule": {
            "any": [
                {"kind": "import_statement", "has": {"field": "source", "regex": source}},
                {
                    "kind": "call_expression",
                    "all": [
                        {"has": {"field": "function", "regex": "^(?:require|import)$"}},
                        {"has": {"field": "arguments", "has": {"kind": "string", "regex": source}}},
                    ],
                },
            ]
        }
    }


def js_bound(var: str, *constructors: str) -> Config:
    """`$var` is bound in this file to one of these expressions (`const x = ...`, `x = ...`)."""
    return {
        "inside": {
            "kind": "program",
            "stopBy": "end",
            "has": {
                "stopBy": "end",
                "any": [
                    alternative
                    for constructor in constructors
                    for alternative in (
                        {"kind": "variable_declarator", "pattern": f"${var} = {constructor}"},
                        {"kind": "variable_declarator", "pattern": f"${var} = await {constructor}"},
                        {"pattern": f"${var} = {constructor}"},
                    )
                ],
            },
        }
    }


def file_has(rule: Config) -> Config:
    """A file-level condition: this rule matches somewhere in the file."""
    return {"rule": rule}


def py_call(callee_regex: str) -> Config:
    """A Python call whose callee's text matches (`requests.get`, `OpenAI`)."""
    return {"kind": "call", "has": {"field": "function", "regex": callee_regex}}


def js_call(callee_regex: str) -> Config:
    """A JavaScript call whose callee's text matches."""
    return {"kind": "call_expression", "has": {"field": "function", "regex": callee_regex}}


def js_new(class_regex: str) -> Config:
    """`new C(...)` for a class whose name matches."""
    return {"kind": "new_expression", "has": {"field": "constructor", "regex": class_regex}}


def js_arg(position: int, rule: Config) -> Config:
    """The call's argument at this 1-based position satisfies `rule`."""
    return {"has": {"field": "arguments", "has": {"nthChild": position, **rule}}}


def js_args_at_most(count: int) -> Config:
    """The call has no argument after position `count`."""
    return {"not": {"has": {"field": "arguments", "has": {"nthChild": count + 1}}}}


def js_options_without(position: int, *keys: str) -> Config:
    """The call either stops before `position` or passes there an object literal without `keys`
    (an options object held in a variable cannot be read, so it is not reported)."""
    return {"any": [js_args_at_most(position - 1), js_arg(position, js_object_without(*keys))]}


FASTAPI_HANDLER = (
    "from fastapi import FastAPI\napp = FastAPI()\n@app.post('/chat')\nasync def chat(body: dict):\n"
)


def in_fastapi_handler(code: str) -> str:
    """A rule example: these lines as the body of a FastAPI request handler."""
    return FASTAPI_HANDLER + "".join(f"    {line}\n" for line in code.splitlines())
