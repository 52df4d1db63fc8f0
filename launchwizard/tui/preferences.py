"""The wizard's own preferences, kept for the person rather than the sprint: the theme chosen
in the command palette, in `$XDG_CONFIG_HOME/launchwizard/preferences.toml` beside keymap.toml.

    [wizard]
    theme = "nord"

A missing file is normal. A broken one never stops the wizard: it is reported as a toast
and the default theme is used. Saving takes the file's lock, re-reads it and keeps whatever
else it holds, and writes it privately and atomically.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from launchwizard.config.errors import ConfigError
from launchwizard.config.load import parse_toml_text
from launchwizard.errors import UserError
from launchwizard.safe.files import KIB, read_capped

PREFERENCES_FILE_LIMIT = 64 * KIB
PREFERENCES_ENV = "LAUNCHWIZARD_PREFERENCES"
TABLE = "wizard"


def config_dir(environ: dict[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/launchwizard, else ~/.config/launchwizard."""
    env = dict(os.environ) if environ is None else environ
    config_home = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "launchwizard"


def preferences_path(environ: dict[str, str] | None = None) -> Path:
    """$LAUNCHWIZARD_PREFERENCES, else preferences.toml in the config directory."""
    env = dict(os.environ) if environ is None else environ
    if env.get(PREFERENCES_ENV):
        return Path(env[PREFERENCES_ENV]).expanduser()
    return config_dir(env) / "preferences.toml"


def _read(path: Path) -> dict[str, Any]:
    """The file's tables; {} when there is none. Raises ValueError for a broken file."""
    try:
        data = read_capped(path, PREFERENCES_FILE_LIMIT).decode("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"was not read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return parse_toml_text(path, data)
    except ConfigError as exc:
        raise ValueError(f"is not valid TOML: {exc.message}") from None


def load_theme(path: Path) -> tuple[str | None, str | None]:
    """The saved theme (None: none saved) and a problem to report (None: all is well)."""
    try:
        table = _read(path).get(TABLE, {})
    except ValueError as exc:
        return None, f"preferences {path} {exc}"
    theme = table.get("theme") if isinstance(table, dict) else None
    if theme is None:
        return None, None
    if not isinstance(theme, str) or not theme.strip():
        return None, f'preferences {path}: [{TABLE}] theme must be a theme name like "nord"'
    return theme.strip(), None


def save_theme(path: Path, theme: str) -> None:
    """Record the chosen theme; UserError (one line) when the file cannot be read or written
    (a broken file is left as it is, for its owner to fix)."""
    import tomli_w

    from launchwizard.state.atomic import write_text_atomic
    from launchwizard.state.locking import locked

    with locked(path):
        try:
            document = _read(path)
        except ValueError as exc:
            raise UserError(f"the theme was not saved: preferences {path} {exc}") from None
        table = document.get(TABLE)
        document[TABLE] = {**(table if isinstance(table, dict) else {}), "theme": theme}
        write_text_atomic(path, tomli_w.dumps(document))
