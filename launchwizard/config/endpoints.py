"""Readers for [endpoints] and [probes]: the product routes checks call, and the opt-in
active probes that may hit them.

They live together because a probe must name one of the endpoints, and that reference is
checked here, with a did-you-mean when the name is a near miss.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from launchwizard.config import values
from launchwizard.config.fields import (
    Reader,
    as_bool,
    as_int,
    as_nonempty_string,
    as_path,
    as_positive_number,
    as_string,
    as_string_list,
    as_table,
    reject_unknown_keys,
    required_value,
    sub_table,
    toml_type_name,
)
from launchwizard.config.keypath import KeyPath
from launchwizard.config.model import Endpoint, EvalProbe, InjectionProbe, ProbeBudget, ProbesConfig

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

_ENDPOINT_KEYS = ("url", "method", "body", "response_path", "timeout_s", "headers")

_PROBE_KEYS = ("enabled", "endpoint", "max_requests", "rate_per_s")
_INJECTION_KEYS = (*_PROBE_KEYS, "canaries", "system_prompt_file")
_EVAL_KEYS = (*_PROBE_KEYS, "file", "pass_pct")
MIN_CANARY = 6
"""Shorter markers match ordinary words in replies and would report leaks that are not."""


def read_endpoints(reader: Reader, doc: dict[str, Any]) -> Mapping[str, Endpoint]:
    """[endpoints]: name -> URL string or a table describing the request."""
    table = sub_table(reader, doc, "endpoints", ())
    endpoints = {}
    for name, value in table.items():
        if not name.strip():
            reader.fail(("endpoints", name), "expected a non-empty endpoint name")
        endpoints[name] = _read_endpoint(reader, name, value, ("endpoints", name))
    return MappingProxyType(endpoints)


def _read_endpoint(reader: Reader, name: str, value: Any, key: KeyPath) -> Endpoint:
    """One endpoint; the short form is just its URL."""
    if isinstance(value, str):
        return Endpoint(name=name, url=reader.check(key, values.url, value))
    if not isinstance(value, dict):
        reader.fail(key, f"expected a URL string or a table with 'url', got {toml_type_name(value)}")
    reject_unknown_keys(reader, value, _ENDPOINT_KEYS, key)
    url = reader.check((*key, "url"), values.url, required_value(reader, value, "url", key))
    method = (
        reader.check((*key, "method"), values.http_method, value["method"]) if "method" in value else "GET"
    )
    body = as_string(reader, value["body"], (*key, "body")) if "body" in value else None
    path = value.get("response_path")
    timeout = value.get("timeout_s")
    return Endpoint(
        name=name,
        url=url,
        method=method,
        body=body,
        response_path=None if path is None else as_nonempty_string(reader, path, (*key, "response_path")),
        timeout_s=None if timeout is None else as_positive_number(reader, timeout, (*key, "timeout_s")),
        headers=_read_headers(reader, value.get("headers", {}), (*key, "headers")),
    )


def _read_headers(reader: Reader, value: Any, key: KeyPath) -> Mapping[str, str]:
    """Extra request headers; names must be tokens and values single-line (no injection)."""
    headers = {}
    for name, text in as_table(reader, value, key).items():
        if not _HEADER_NAME.fullmatch(name):
            reader.fail((*key, name), f"{name!r} is not a valid HTTP header name")
        header = as_string(reader, text, (*key, name))
        if any(char in header for char in "\r\n\0"):
            reader.fail((*key, name), "header values must not contain line breaks or NUL")
        headers[name] = header
    return MappingProxyType(headers)


def read_probes(reader: Reader, doc: dict[str, Any], endpoints: Mapping[str, Endpoint]) -> ProbesConfig:
    """[probes.*]: opt-in active probes with hard budgets."""
    table = sub_table(reader, doc, "probes", ())
    reject_unknown_keys(reader, table, ("ratelimit", "injection", "eval"), ("probes",))
    return ProbesConfig(
        ratelimit=_read_budget(reader, table, "ratelimit", ProbeBudget(), endpoints),
        injection=_read_injection(reader, table, endpoints),
        eval=_read_eval(reader, table, endpoints),
    )


def _read_eval(reader: Reader, probes: dict[str, Any], endpoints: Mapping[str, Endpoint]) -> EvalProbe:
    """[probes.eval]: the budget, the promptfoo test file and the pass rate a deploy needs.

    The file is not required to exist here: a missing evaluation set is ai.eval's error, so
    every other check still runs."""
    defaults = EvalProbe()
    budget = _read_budget(reader, probes, "eval", defaults, endpoints, _EVAL_KEYS)
    table = sub_table(reader, probes, "eval", ("probes",))
    key: KeyPath = ("probes", "eval")
    if budget.enabled and "file" not in table:
        reader.fail(
            (*key, "file"),
            "missing required key 'file' in [probes.eval] (the promptfoo test file with the customers' "
            'prompts, like "evals/customers.yaml")',
        )
    pass_pct = table.get("pass_pct", defaults.pass_pct)
    return EvalProbe(
        enabled=budget.enabled,
        endpoint=budget.endpoint,
        max_requests=budget.max_requests,
        rate_per_s=budget.rate_per_s,
        file=as_path(reader, table["file"], (*key, "file")) if "file" in table else None,
        pass_pct=as_positive_number(reader, pass_pct, (*key, "pass_pct"), 100),
    )


def _read_injection(
    reader: Reader, probes: dict[str, Any], endpoints: Mapping[str, Endpoint]
) -> InjectionProbe:
    """[probes.injection]: the budget plus the planted canaries and the system prompt file."""
    defaults = InjectionProbe()
    budget = _read_budget(reader, probes, "injection", defaults, endpoints, _INJECTION_KEYS)
    table = sub_table(reader, probes, "injection", ("probes",))
    key: KeyPath = ("probes", "injection")
    canaries = []
    for index, value in enumerate(as_string_list(reader, table.get("canaries", []), (*key, "canaries"))):
        marker = value.strip()
        if len(marker) < MIN_CANARY:
            reader.fail(
                (*key, "canaries", index),
                f"canary {marker!r} is too short: use at least {MIN_CANARY} characters, best a random "
                "token like CANARY-3f9a1c2e7b4d",
            )
        canaries.append(marker)
    prompt_file = table.get("system_prompt_file")
    return InjectionProbe(
        enabled=budget.enabled,
        endpoint=budget.endpoint,
        max_requests=budget.max_requests,
        rate_per_s=budget.rate_per_s,
        canaries=tuple(canaries),
        system_prompt_file=None
        if prompt_file is None
        else as_path(reader, prompt_file, (*key, "system_prompt_file"), must_exist=True),
    )


def _read_budget(
    reader: Reader,
    probes: dict[str, Any],
    name: str,
    defaults: ProbeBudget,
    endpoints: Mapping[str, Endpoint],
    allowed: tuple[str, ...] = _PROBE_KEYS,
) -> ProbeBudget:
    """One probe's budget; an enabled probe must say which endpoint it may hit."""
    key: KeyPath = ("probes", name)
    table = sub_table(reader, probes, name, ("probes",))
    reject_unknown_keys(reader, table, allowed, key)
    enabled = as_bool(reader, table.get("enabled", False), (*key, "enabled"))
    endpoint = None
    if "endpoint" in table:
        endpoint = as_string(reader, table["endpoint"], (*key, "endpoint"))
        if endpoint not in endpoints:
            reader.fail((*key, "endpoint"), _unknown_endpoint_message(endpoint, endpoints))
    elif enabled:
        reader.fail(
            (*key, "endpoint"),
            f"missing required key 'endpoint' in [probes.{name}] "
            "(an enabled probe must name the [endpoints] entry it may hit)",
        )
    return ProbeBudget(
        enabled=enabled,
        endpoint=endpoint,
        max_requests=as_int(
            reader, table.get("max_requests", defaults.max_requests), (*key, "max_requests"), 1, 200
        ),
        rate_per_s=as_positive_number(
            reader, table.get("rate_per_s", defaults.rate_per_s), (*key, "rate_per_s"), 20
        ),
    )


def _unknown_endpoint_message(name: str, endpoints: Mapping[str, Endpoint]) -> str:
    """Say which endpoint names exist, suggesting the closest one."""
    close = difflib.get_close_matches(name, list(endpoints), n=1)
    if close:
        return f"{name!r} is not a key of [endpoints] (did you mean {close[0]!r}?)"
    known = ", ".join(endpoints) or "none are defined"
    return f"{name!r} is not a key of [endpoints] (defined: {known})"
