"""The CLI's commands, one module per family; cli.py only parses and dispatches."""

from launchwizard.errors import UserError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(UserError):
    """A problem with what the user asked for; printed as one line, exit 2."""
