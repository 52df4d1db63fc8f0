"""The user's keymap: `$XDG_CONFIG_HOME/launchwizard/keymap.toml`, binding id -> keys.

    [keymap]
    run-stage = "f5"
    rerun-check = "ctrl+r"
    overview = "g,o"        # several keys, comma separated

A missing file is normal; a broken one must never stop the wizard, so problems come back
as a message for a toast, and the valid entries still apply.
"""

from __future__ import annotations

import os
from pathlib import Path

from launchwizard.config.errors import ConfigError
from launchwizard.config.load import parse_toml_text
from launchwizard.safe.files import KIB, read_capped
from launchwizard.tui.preferences import config_dir

KEYMAP_FILE_LIMIT = 64 * KIB

KEYMAP_ENV = "LAUNCHWIZARD_KEYMAP"


def keymap_path(environ: dict[str, str] | None = None) -> Path:
    """$LAUNCHWIZARD_KEYMAP, else $XDG_CONFIG_HOME/launchwizard/keymap.toml, else ~/.config."""
    env = dict(os.environ) if environ is None else environ
    if env.get(KEYMAP_ENV):
        return Path(env[KEYMAP_ENV]).expanduser()
    return config_dir(env) / "keymap.toml"


def load_keymap(path: Path) -> tuple[dict[str, str], str | None]:
    """The binding overrides in `path`, and a problem to report (None when all is well)."""
    try:
        text = read_capped(path, KEYMAP_FILE_LIMIT).decode("utf-8")
        document = parse_toml_text(path, text)
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"keymap {path} was not read: {getattr(exc, 'strerror', None) or exc}"
    except ConfigError as exc:
        return {}, f"keymap {exc.path} is not valid TOML: {exc.message}"
    table = document.get("keymap", {})
    if not isinstance(table, dict):
        return {}, f'keymap {path}: [keymap] must be a table of binding id = "key"'
    keymap = {k: v.strip() for k, v in table.items() if isinstance(v, str) and v.strip()}
    ignored = sorted(set(table) - set(keymap))
    problem = (
        f"keymap {path}: ignored {', '.join(ignored)} (each value must be a key string)" if ignored else None
    )
    return keymap, problem
