"""Lab zones for the email benchmark (bench/email_stage.py): `bench01.test` … `bench20.test`.

Twenty ordinary, healthy sending domains, the kind a batch audit meets: each has an SPF
record with one or two includes of a shared sender service (`_spf.benchmail.test`, and for
even-numbered domains also `_spf.relay.benchmail.test`) ending in `-all` or `~all`, a DMARC
record with aggregate reports sent to the shared receiver `benchmail.test` (which authorises
them under `_report._dmarc`), an MX to `mx.benchmail.test` (which resolves), and an RSA-2048
DKIM key for selector `s1`. Kept out of scenario.py, which adds these rows with one line.
Names live on 127.53.20.x; the approved senders are in 198.51.100.0/24 and 203.0.113.0/24.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from launchwizard.demo.zones_mail import RSA_2048

if TYPE_CHECKING:
    from launchwizard.demo.model import ZoneSpec

BENCH_COUNT = 20
SERVICE = "benchmail.test"
MX_HOST = f"mx.{SERVICE}"
MX_ADDRESS = "127.53.20.25"
SERVICE_SENDER = "198.51.100.25"  # allowed by _spf.benchmail.test
RELAY_SENDER = "203.0.113.25"  # allowed by _spf.relay.benchmail.test (even-numbered domains)


def bench_domains() -> tuple[str, ...]:
    """The benchmark's sending domains, in order."""
    return tuple(f"bench{n:02d}.test" for n in range(1, BENCH_COUNT + 1))


def sender_ips(domain: str) -> tuple[str, ...]:
    """The addresses benchNN.test's SPF approves: the service, and the relay when included."""
    n = int(domain.removeprefix("bench").removesuffix(".test"))
    return (SERVICE_SENDER, RELAY_SENDER) if n % 2 == 0 else (SERVICE_SENDER,)


def _txt(text: str, chunk: int = 200) -> str:
    """TXT rdata split into quoted character-strings (one string holds at most 255 bytes)."""
    return " ".join(f'"{text[i : i + chunk]}"' for i in range(0, len(text), chunk))


def _domain_records(n: int) -> tuple[tuple[str, str, str], ...]:
    """The records of benchNN.test: A, MX, SPF, DMARC and the DKIM key for `s1`."""
    includes = f"include:_spf.{SERVICE}"
    if n % 2 == 0:
        includes += f" include:_spf.relay.{SERVICE}"
    final = "-all" if n % 3 else "~all"
    policy = ("reject", "quarantine")[n % 2]
    return (
        ("@", "A", f"127.53.20.{100 + n}"),
        ("@", "MX", f"10 {MX_HOST}."),
        ("@", "TXT", _txt(f"v=spf1 {includes} {final}")),
        ("@", "TXT", _txt(f"bench-site-verification=bench{n:02d}")),
        ("_dmarc", "TXT", _txt(f"v=DMARC1; p={policy}; rua=mailto:dmarc@{SERVICE}; adkim=r; aspf=r")),
        ("s1._domainkey", "TXT", _txt(f"v=DKIM1; k=rsa; p={RSA_2048}")),
    )


def bench_zones() -> tuple[ZoneSpec, ...]:
    """The twenty benchmark zones and `benchmail.test`, the shared sender and report service."""
    from launchwizard.demo.model import ZoneSpec

    service = ZoneSpec(
        origin=SERVICE,
        records=(
            ("@", "MX", f"10 {MX_HOST}."),
            ("mx", "A", MX_ADDRESS),
            ("_spf", "TXT", _txt("v=spf1 ip4:198.51.100.0/24 a:mx.benchmail.test -all")),
            ("_spf.relay", "TXT", _txt("v=spf1 ip4:203.0.113.0/24 -all")),
            ("_dmarc", "TXT", _txt("v=DMARC1; p=reject; rua=mailto:dmarc@benchmail.test")),
            *((f"{d}._report._dmarc", "TXT", _txt("v=DMARC1")) for d in bench_domains()),
        ),
    )
    domains = tuple(
        ZoneSpec(origin=domain, records=_domain_records(n)) for n, domain in enumerate(bench_domains(), 1)
    )
    return (service, *domains)
