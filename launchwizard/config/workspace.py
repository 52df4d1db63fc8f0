"""Readers for [repo], [logs] and [environments]: the product's own code, logs and
deployment environments, which the secrets and redaction checks inspect."""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from launchwizard.config import values
from launchwizard.config.fields import (
    Reader,
    as_path,
    as_table,
    as_validated_list,
    reject_unknown_keys,
    sub_table,
)
from launchwizard.config.keypath import KeyPath
from launchwizard.config.model import Environment


def read_repo(reader: Reader, doc: dict[str, Any]) -> Path | None:
    """[repo]: the product's git repository, for the secrets history scan."""
    table = sub_table(reader, doc, "repo", ())
    reject_unknown_keys(reader, table, ("path",), ("repo",))
    return as_path(reader, table["path"], ("repo", "path")) if "path" in table else None


def read_logs(reader: Reader, doc: dict[str, Any]) -> tuple[str, ...]:
    """[logs]: globs of log files the redaction check reads."""
    table = sub_table(reader, doc, "logs", ())
    reject_unknown_keys(reader, table, ("globs",), ("logs",))
    if "globs" not in table:
        return ()
    globs = as_validated_list(reader, table["globs"], ("logs", "globs"), values.log_glob)
    return tuple(_anchor_glob(reader.base, pattern) for pattern in globs)


def _anchor_glob(base: Path, pattern: str) -> str:
    """Make a relative glob start from the sprint.toml directory, like every other path.

    The directory part is escaped so a directory named ``[draft]`` is not read as a pattern.
    """
    if os.path.isabs(pattern):
        return pattern
    return f"{glob.escape(str(base))}/{pattern}"


def read_environments(reader: Reader, doc: dict[str, Any]) -> Mapping[str, Environment]:
    """[environments.NAME]: the variables each environment must define."""
    table = sub_table(reader, doc, "environments", ())
    environments = {}
    for name, value in table.items():
        key: KeyPath = ("environments", name)
        if not name.strip():
            reader.fail(key, "expected a non-empty environment name")
        env = as_table(reader, value, key)
        reject_unknown_keys(reader, env, ("variables",), key)
        variables = (
            as_validated_list(reader, env["variables"], (*key, "variables"), values.env_name)
            if "variables" in env
            else ()
        )
        environments[name] = Environment(name=name, variables=variables)
    return MappingProxyType(environments)
