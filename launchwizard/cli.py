"""Command line entry point: parse, dispatch, and turn every failure into one line.

Headless commands never import textual, and heavy modules are imported by the command
that needs them, so `launchwizard check --help` stays well under half a second.
Exit codes: 0 nothing at or above --fail-on failed; 1 something did; 2 usage, config or
file error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from launchwizard import __version__
from launchwizard.commands import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from launchwizard.commands.output import add_output_option, emit_failed_run
from launchwizard.errors import UserError
from launchwizard.sprint import STAGE_IDS

LEVELS = ("critical", "high", "medium", "low", "info")
VERDICTS = ("ship-now", "fix-first", "delay-24h")
ITEM_ACTIONS = ("done", "na", "waive", "reopen")
COMMANDS = (
    "check",
    "demo",
    "lab",
    "status",
    "item",
    "decide",
    "store",
    "export",
    "unseal",
    "spf",
    "secrets",
    "code",
    "headers",
    "smoke",
    "eval",
    "accept-risk",
    "monitors",
)


class _OneLineParser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, pointing at --help (subcommands inherit it)."""

    def error(self, message: str) -> NoReturn:
        from launchwizard.safe.terminal import safe_text

        print(f"{self.prog}: error: {safe_text(message)} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="launchwizard",
        usage="launchwizard [SPRINT_TOML] | launchwizard COMMAND ...",
        description=(
            "Launch-readiness sprint for B2B AI-chatbot products: live checks, a wizard, a handover pack. "
            "With no command, or with the path of a sprint.toml (default ./sprint.toml), it opens "
            "the terminal wizard on it; without that file the wizard starts by writing one."
        ),
    )
    parser.add_argument("--version", action="version", version=f"launchwizard {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="launchwizard")
    _add_check(commands)
    _add_demo(commands)
    _add_lab(commands)
    _add_status(commands)
    _add_item(commands)
    _add_decide(commands)
    _add_store(commands)
    _add_export(commands)
    _add_unseal(commands)
    _add_spf(commands)
    _add_secrets(commands)
    _add_code(commands)
    _add_headers(commands)
    _add_smoke(commands)
    _add_eval(commands)
    _add_accept_risk(commands)
    _add_monitors(commands)
    return parser


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path("sprint.toml"), help="sprint.toml path")


def _add_check(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check", help="run checks headless (CI)", description="Run the live checks and report."
    )
    _config_option(check)
    _add_run_options(check)
    check.add_argument("--no-save", action="store_true", help="do not save the run under .launchwizard/runs/")
    check.add_argument(
        "--since",
        metavar="RUN",
        help="print only what changed since a saved run (a runs/ file name, its timestamp, or latest)",
    )
    add_output_option(check)


def _add_demo(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo",
        help="start the local lab with a sample product and audit it",
        description="Start the lab (DNS + HTTPS on loopback) with a sample B2B chatbot and audit it.",
    )
    demo.add_argument("--headless", action="store_true", help="print the report instead of the wizard")
    demo.add_argument(
        "--dir",
        type=Path,
        default=Path("launchwizard-demo"),
        help="where the demo sprint lives between runs (default ./launchwizard-demo)",
    )
    demo.add_argument("--latency-ms", type=int, default=0, help="delay added to every lab response")
    _add_run_options(demo, default_fail_on=None)


def _add_lab(commands: argparse._SubParsersAction) -> None:
    lab = commands.add_parser(
        "lab",
        help="serve the lab until Ctrl-C and write its sprint.toml",
        description=(
            "Serve the lab until interrupted; point `launchwizard check --config` at its sprint.toml."
        ),
    )
    lab.add_argument("--dir", type=Path, default=Path("lab-sprint"), help="where to write sprint.toml")
    lab.add_argument("--latency-ms", type=int, default=0, help="delay added to every lab response")
    lab.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop when standard input closes (so a supervising process never leaves it behind)",
    )


def _add_status(commands: argparse._SubParsersAction) -> None:
    status = commands.add_parser(
        "status",
        help="show the sprint clock, manual items and the latest decision",
        description="Show where the sprint stands: clock and phase, manual items, latest run.",
    )
    _config_option(status)


def _add_item(commands: argparse._SubParsersAction) -> None:
    item = commands.add_parser(
        "item",
        help="mark a manual item done, N/A, waived or open again",
        description="Record a manual checklist item with its evidence, reason or waiver.",
    )
    item.add_argument("item_id", metavar="ITEM", help="manual item id (see `launchwizard status`)")
    item.add_argument("action", choices=ITEM_ACTIONS, help="done | na | waive | reopen")
    item.add_argument("--evidence", default="", help="what proves it is done (for done)")
    item.add_argument("--reason", default="", help="why it does not apply or is waived (na, waive)")
    item.add_argument("--owner", default="", help="who owns the waived item (waive)")
    item.add_argument("--expires", default="", metavar="YYYY-MM-DD", help="when the waiver ends (waive)")
    _config_option(item)


def _add_decide(commands: argparse._SubParsersAction) -> None:
    decide = commands.add_parser(
        "decide",
        help="override the launch decision with a reason, or clear the override",
        description="Record a launch decision that differs from the rule, and why.",
    )
    decide.add_argument("verdict", nargs="?", choices=VERDICTS, help="ship-now | fix-first | delay-24h")
    decide.add_argument("--reason", default="", help="why (required with a verdict)")
    decide.add_argument("--by", default="", help="who decided")
    decide.add_argument("--clear", action="store_true", help="remove the override")
    _config_option(decide)


def _add_store(commands: argparse._SubParsersAction) -> None:
    store = commands.add_parser(
        "store",
        help="capture access details and secrets (values from stdin)",
        description=(
            "Capture owner and access details (store.toml) and secrets (keyring). NAME is "
            "section.field, e.g. registrar.owner or dns.api_token; values are read from stdin."
        ),
    )
    store.add_argument(
        "store_action",
        choices=("set", "get", "list", "delete"),
        metavar="ACTION",
        help="set | get | list | delete",
    )
    store.add_argument("name", nargs="?", metavar="NAME", help="section.field")
    store.add_argument("--secret", action="store_true", help="keep the value in the keyring (set)")
    _config_option(store)


def _add_export(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="render the markdown handover pack (and seal the secrets on request)",
        description="Render the handover pack from the sprint state, the latest run and the store.",
    )
    export.add_argument(
        "--out", type=Path, default=None, help="pack directory (default: handover/ beside sprint.toml)"
    )
    export.add_argument(
        "--templates", type=Path, default=None, help="directory of templates overriding the shipped ones"
    )
    export.add_argument(
        "--seal",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the secrets to this passphrase-encrypted file",
    )
    _config_option(export)


def _add_unseal(commands: argparse._SubParsersAction) -> None:
    unseal = commands.add_parser(
        "unseal",
        help="read a sealed secrets file into this machine's keyring",
        description="Read secrets sealed with `export --seal` into this machine's keyring.",
    )
    unseal.add_argument("file", type=Path, help="the sealed file")
    _config_option(unseal)


def _add_spf(commands: argparse._SubParsersAction) -> None:
    from launchwizard.commands.spf import add_parser

    add_parser(commands)


def _add_secrets(commands: argparse._SubParsersAction) -> None:
    from launchwizard.commands.secrets import add_parser

    add_parser(commands)


def _add_code(commands: argparse._SubParsersAction) -> None:
    from launchwizard.commands.code import add_parser

    add_parser(commands)


def _add_smoke(commands: argparse._SubParsersAction) -> None:
    from launchwizard.commands.smoke import add_parser

    add_parser(commands)


def _add_eval(commands: argparse._SubParsersAction) -> None:
    from launchwizard.commands.evaluate import add_parser

    add_parser(commands)


def _add_monitors(commands: argparse._SubParsersAction) -> None:
    from launchwizard.commands.monitors import add_parser

    add_parser(commands)


def _add_accept_risk(commands: argparse._SubParsersAction) -> None:
    accept = commands.add_parser(
        "accept-risk",
        help="accept one finding (like ai.injection:extract-repeat or ai.eval:refund-window) with a reason",
        description=(
            "Record that the team accepts one finding (a prompt the bot fails, a false positive): it stops "
            "counting against the launch and is listed, with the reason, in the handover pack."
        ),
    )
    _config_option(accept)
    accept.add_argument("risk", metavar="CHECK:FINDING", help="e.g. ai.injection:extract-repeat")
    accept.add_argument("--reason", default="", help="why the risk is accepted (required unless --clear)")
    accept.add_argument("--by", default="", help="who accepts it")
    accept.add_argument("--clear", action="store_true", help="withdraw the acceptance")


def _add_headers(commands: argparse._SubParsersAction) -> None:
    from launchwizard.commands.headers import add_parser

    add_parser(commands)


def _add_run_options(parser: argparse.ArgumentParser, default_fail_on: str | None = "high") -> None:
    parser.add_argument(
        "--stage",
        action="append",
        default=[],
        choices=STAGE_IDS,
        metavar="STAGE",
        help=f"only checks of this stage (repeatable): {', '.join(STAGE_IDS)}",
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="ID", help="only this check id (repeatable)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "sarif", "junit"),
        default="text",
        help="report format on stdout: text, json (the run contract), sarif (2.1.0) or junit",
    )
    parser.add_argument(
        "--fail-on",
        choices=LEVELS,
        default=default_fail_on,
        metavar="LEVEL",
        help="exit 1 when a check of this severity or worse fails or errors "
        f"({', '.join(LEVELS)}; default {default_fail_on or 'never, for the demo'})",
    )


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function behind a command name, imported only when that command runs."""
    if name in ("check", "demo", "lab"):
        from launchwizard.commands import audit

        return {"check": audit.check, "demo": audit.demo, "lab": audit.lab}[name]
    if name in ("store", "unseal", "export"):
        from launchwizard.commands import handover

        return {"store": handover.store, "unseal": handover.unseal, "export": handover.export}[name]
    if name == "spf":
        from launchwizard.commands.spf import spf

        return spf
    if name == "secrets":
        from launchwizard.commands.secrets import secrets

        return secrets
    if name == "code":
        from launchwizard.commands.code import code

        return code
    if name == "headers":
        from launchwizard.commands.headers import headers

        return headers
    if name == "smoke":
        from launchwizard.commands.smoke import smoke

        return smoke
    if name == "monitors":
        from launchwizard.commands.monitors import monitors

        return monitors
    if name == "eval":
        from launchwizard.commands.evaluate import evaluate

        return evaluate
    from launchwizard.commands import sprintstate

    return {
        "status": sprintstate.status,
        "item": sprintstate.item,
        "decide": sprintstate.decide,
        "accept-risk": sprintstate.accept_risk,
    }[name]


def _wizard_config(argv: list[str]) -> Path | None:
    """The sprint.toml to open the wizard on, or None when argv names a command or an option.

    A lone word that is neither an existing file nor a .toml name is left to argparse, so
    a mistyped command (`launchwizard chek`) gets "invalid choice", not a setup screen.
    """
    if not argv:
        return Path("sprint.toml")
    word = argv[0]
    if len(argv) == 1 and word not in COMMANDS and (word.endswith(".toml") or Path(word).is_file()):
        return Path(word)
    return None


WIRE_LOGGERS = ("httpcore", "hpack")
"""Libraries that log raw protocol frames at DEBUG: every response header, so cookies and any
token a server echoes back. They stay at INFO even with LAUNCHWIZARD_DEBUG=1."""


def configure_logging() -> None:
    """WARNING, or DEBUG with LAUNCHWIZARD_DEBUG=1, to stderr; never the wire-level loggers."""
    logging.basicConfig(level=logging.DEBUG if os.environ.get("LAUNCHWIZARD_DEBUG") else logging.WARNING)
    for name in WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure becomes a one-line message and an exit code."""
    configure_logging()
    argv = sys.argv[1:] if argv is None else argv
    config = _wizard_config(argv)
    args: argparse.Namespace | None = None
    try:
        if config is not None:
            from launchwizard.commands.wizard import open_wizard

            return open_wizard(config)
        args = _parser().parse_args(argv)
        return _command(args.command)(args)
    except KeyboardInterrupt:
        print("launchwizard: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except UserError as exc:
        emit_failed_run(args, str(exc))
        _fail(str(exc))
    except Exception as exc:
        logging.getLogger("launchwizard").debug("unexpected failure", exc_info=True)
        _fail(f"internal error: {type(exc).__name__} (set LAUNCHWIZARD_DEBUG=1 for details)")


def _quiet_stdout() -> None:
    """The reader went away (`| head`): stop writing without a second error at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _fail(message: str) -> NoReturn:
    from launchwizard.safe.terminal import safe_text

    print(f"launchwizard: error: {safe_text(message)}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)
