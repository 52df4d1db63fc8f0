"""Where passphrases come from: an environment variable for CI, else a hidden prompt.

A passphrase source is a callable taking `confirm` (True when the passphrase will create
something new, so a typo would lock the owner out) and returning the passphrase. Tests and
the TUI pass their own; the CLI uses PromptPassphrase.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Mapping

from launchwizard.store.errors import NoPassphrase

PassphraseSource = Callable[[bool], str]

KEYRING_PASSPHRASE_ENV = "LAUNCHWIZARD_PASSPHRASE"
SEAL_PASSPHRASE_ENV = "LAUNCHWIZARD_SEAL_PASSPHRASE"


def terminal_available() -> bool:
    """True when a hidden prompt can be shown: getpass reads /dev/tty, even with stdin piped."""
    if os.name == "nt":
        return sys.stdin.isatty()
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


class PromptPassphrase:
    """The passphrase from `env_var`, else asked on the terminal (twice when confirming)."""

    def __init__(
        self,
        env_var: str,
        what: str,
        environ: Mapping[str, str] | None = None,
        ask: Callable[[str], str] = getpass.getpass,
        interactive: Callable[[], bool] = terminal_available,
    ) -> None:
        self.env_var = env_var
        self.what = what
        self._environ = os.environ if environ is None else environ
        self._ask = ask
        self._interactive = interactive

    def from_environment(self) -> bool:
        """Whether the passphrase is already given by the environment variable."""
        return bool(self._environ.get(self.env_var))

    def __call__(self, confirm: bool) -> str:
        given = self._environ.get(self.env_var)
        if given:
            return given
        if not self._interactive():
            raise NoPassphrase(
                f"no passphrase for the {self.what}: set {self.env_var} (there is no terminal to ask on)"
            )
        first = self._ask(f"Passphrase for the {self.what}: ")
        if not first:
            raise NoPassphrase(f"an empty passphrase is not allowed for the {self.what}")
        if confirm and self._ask("Type it again to confirm: ") != first:
            raise NoPassphrase("the two passphrases differ; nothing was saved")
        return first
