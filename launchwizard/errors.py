"""The one base class for problems a user can fix: the CLI prints them as one line, exit 2.

Anything else that escapes a command is a bug, reported as an internal error without a
traceback (LAUNCHWIZARD_DEBUG=1 logs one).
"""


class UserError(Exception):
    """A problem with input, files or environment, explained well enough to act on."""
