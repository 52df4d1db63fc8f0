"""The lab's SPF zone `spf.test`: one name per SPF situation the email checks must tell apart.

Sender addresses come from the documentation ranges (RFC 5737): approved senders are in
198.51.100.0/24 and 203.0.113.25; 192.0.2.1 is the stranger that must never pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchwizard.demo.model import ZoneSpec


def spf_zones() -> tuple[ZoneSpec, ...]:
    """The SPF zones; scenario.py imports this module, so ZoneSpec is imported here."""
    from launchwizard.demo.model import ZoneSpec

    return (
        ZoneSpec(
            origin="spf.test",
            records=(
                # good: an include, -all; 198.51.100.0/24 and (through the include) 203.0.113.25 pass
                ("@", "TXT", '"v=spf1 ip4:198.51.100.0/24 " "include:_spf.spf.test -all"'),
                ("@", "TXT", '"google-site-verification=lab-not-spf"'),
                ("_spf", "TXT", '"v=spf1 ip4:203.0.113.25 -all"'),
                ("soft", "TXT", '"v=spf1 ip4:198.51.100.10 ~all"'),
                ("plusall", "TXT", '"v=spf1 ip4:198.51.100.10 +all"'),
                ("noall", "TXT", '"v=spf1 ip4:198.51.100.10"'),
                ("none", "A", "127.53.3.50"),
                ("none", "TXT", '"some-other-verification=1"'),
                ("two", "TXT", '"v=spf1 ip4:198.51.100.10 -all"'),
                ("two", "TXT", '"v=spf1 ip4:198.51.100.11 ~all"'),
                # 4 includes of 1 + 2 lookups each: 12 in the worst case
                (
                    "toomany",
                    "TXT",
                    '"v=spf1 include:big1.spf.test include:big2.spf.test '
                    + 'include:big3.spf.test include:big4.spf.test -all"',
                ),
                *((f"big{n}", "TXT", '"v=spf1 a:h1.spf.test a:h2.spf.test -all"') for n in range(1, 5)),
                ("h1", "A", "127.53.3.51"),
                ("h2", "A", "127.53.3.52"),
                (
                    "void",
                    "TXT",
                    '"v=spf1 a:gone1.spf.test a:gone2.spf.test a:gone3.spf.test ip4:198.51.100.10 -all"',
                ),
                ("loop", "TXT", '"v=spf1 include:loop2.spf.test -all"'),
                ("loop2", "TXT", '"v=spf1 include:loop.spf.test -all"'),
                ("ptr", "TXT", '"v=spf1 ptr ip4:198.51.100.10 -all"'),
                ("bad", "TXT", '"v=spf1 ip4:198.51.100.300 -all"'),
                ("mixedcase", "TXT", '"V=SpF1 ip4:198.51.100.10 -all"'),
                # an escape sequence (ESC [2J clears a terminal) inside the published record
                ("ctl", "TXT", '"v=spf1 \\027[2J ~all"'),
            ),
            faults={"servfail": "servfail", "silent": "silent"},
        ),
    )
