"""`launchwizard spf DOMAIN --ip IP`: evaluate a domain's SPF policy for one client address.

A debugging aid for the email stage: it prints what check_host() came to, the explanation,
the lookups used and the trace of terms, so an operator can see why a sender fails. It
never imports textual; the network layer is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from launchwizard.commands import EXIT_OK, UsageError
from launchwizard.safe.terminal import safe_text

if TYPE_CHECKING:
    from launchwizard.config import Nameserver
    from launchwizard.email.spf_eval import SpfResult


def add_parser(commands: argparse._SubParsersAction) -> None:
    """The `spf` subcommand's options (cli.py calls this)."""
    spf = commands.add_parser(
        "spf",
        help="evaluate a domain's SPF policy for one client IP (RFC 7208 check_host)",
        description=(
            "Evaluate DOMAIN's SPF record for a connecting IP and show how the result came about. "
            "DOMAIN, --sender and --helo are evaluated as given, as a mail server receives them: "
            "a malformed domain, a single-label or address-literal HELO gives the result 'none'."
        ),
    )
    spf.add_argument("domain", metavar="DOMAIN", help="the domain whose SPF policy is evaluated")
    spf.add_argument("--ip", default=None, help="the connecting client's IP address (required)")
    spf.add_argument(
        "--sender", default="", metavar="ADDR", help="MAIL FROM address (default postmaster@DOMAIN)"
    )
    spf.add_argument("--helo", default="", metavar="NAME", help="HELO/EHLO name (default DOMAIN)")
    spf.add_argument(
        "--nameserver",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="resolver to ask (repeatable; default: the system's resolvers)",
    )
    spf.add_argument("--timeout", default="5", metavar="S", help="DNS timeout per question in seconds")
    spf.add_argument("--json", action="store_true", help="print a JSON object instead of text")


def spf(args: argparse.Namespace) -> int:
    """Validate what cannot be evaluated (one-line errors, exit 2), evaluate, print."""
    import asyncio

    ip, servers, timeout = _validated(args)
    domain = args.domain
    sender = args.sender or f"postmaster@{domain}"
    result = asyncio.run(_evaluate(ip, domain, sender, args.helo or domain, servers, timeout))
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(_text(domain, ip, result))
    return EXIT_OK


def _validated(args: argparse.Namespace) -> tuple[str, list[Nameserver], float]:
    """The arguments check_host cannot take, each as one plain sentence.

    DOMAIN, --sender and --helo are not among them: RFC 7208 evaluates whatever identity a
    client presents (a malformed domain is the result "none", §4.3; a sender without a
    local-part is postmaster's, §4.3), so refusing them would hide the answer asked for.
    """
    from launchwizard.config import Nameserver
    from launchwizard.config.values import InvalidValue, ip, nameserver
    from launchwizard.net.dns import system_servers

    if args.ip is None:
        raise UsageError("spf: --ip IP is required")
    try:
        address = ip(args.ip.strip().strip("[]"))
        servers = [Nameserver(host, port or 53) for host, port in map(nameserver, args.nameserver)]
    except InvalidValue as exc:
        raise UsageError(f"spf: {exc}") from None
    try:
        timeout = float(args.timeout)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 300:
        raise UsageError(f"spf: --timeout {args.timeout!r} must be a number of seconds between 0 and 300")
    return address, servers or list(system_servers()), timeout


async def _evaluate(
    ip: str, domain: str, sender: str, helo: str, servers: list[Nameserver], timeout: float
) -> SpfResult:
    from launchwizard.email.spf_eval import ResolverDns, check_host
    from launchwizard.net.dns import Resolver

    dns = ResolverDns(Resolver(servers, timeout_s=timeout))
    return await check_host(ip, domain, sender, helo, dns)


def _text(domain: str, ip: str, result: SpfResult) -> str:
    """The human report: result first, then explanation, counters and the trace. Records
    and explanations come from DNS, so every line goes through the sanitiser."""

    lines = [
        f"SPF {safe_text(domain)} for {ip}: {result.result}",
        f"explanation: {safe_text(result.explanation or '-')}",
        f"lookups: {result.lookups} of 10, void lookups: {result.void_lookups} of 2",
        "trace:",
        *(f"  {safe_text(str(step))}" for step in result.trace),
    ]
    return "\n".join(safe_text(line) for line in lines)
