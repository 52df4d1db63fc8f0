"""Handover commands: `store` (capture details and secrets), `export` (the pack) and `unseal`."""

from __future__ import annotations

import argparse
import sys

from launchwizard.commands import UsageError
from launchwizard.config import load_sprint
from launchwizard.store import commands as store_commands
from launchwizard.store.store import Store


def _store(args: argparse.Namespace) -> Store:
    return Store.for_sprint(load_sprint(args.config))


def store(args: argparse.Namespace) -> int:
    """`store set|get|list|delete`: values come from stdin, never from the command line."""
    captured = _store(args)
    if args.store_action == "list":
        return store_commands.store_list(captured, sys.stdout, sys.stderr)
    if args.name is None:
        raise UsageError(f"`store {args.store_action}` needs a NAME like registrar.owner")
    if args.store_action == "set":
        return store_commands.store_set(captured, args.name, sys.stdin, sys.stderr, secret=args.secret)
    if args.store_action == "get":
        return store_commands.store_get(captured, args.name, sys.stdout, sys.stderr)
    return store_commands.store_delete(captured, args.name, sys.stderr)


def unseal(args: argparse.Namespace) -> int:
    """Read a sealed secrets file into this machine's keyring for the sprint."""
    return store_commands.unseal_command(_store(args), args.file, sys.stderr)


def export(args: argparse.Namespace) -> int:
    """Render the handover pack from the state, the latest run and the store; seal on request."""
    from launchwizard.checks.runner import sprint_targets
    from launchwizard.report.pack import PackInput, render_pack
    from launchwizard.state.model import now_utc
    from launchwizard.state.runs import current_results
    from launchwizard.state.statefile import load_state

    sprint = load_sprint(args.config)
    captured = Store.for_sprint(sprint)
    run, problems = current_results(sprint.state_dir, sprint_targets(sprint))
    notes = [f"an unreadable run was skipped: {problem}" for problem in problems]
    pack = PackInput(sprint, load_state(sprint.state_dir), run, captured.view(), now_utc(), notes)
    out_dir = args.out or sprint.path.parent / "handover"
    written = render_pack(pack, out_dir, args.templates)
    print(f"handover pack: {len(written)} files in {out_dir} (start with {written[0].name})", file=sys.stderr)
    if run is None:
        print(
            "note: no check run yet, so the pack has no findings; run `launchwizard check`", file=sys.stderr
        )
    if args.seal is not None:
        return store_commands.seal_command(captured, args.seal, sys.stderr)
    return 0
