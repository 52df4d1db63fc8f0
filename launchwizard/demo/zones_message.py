"""Lab zone for `email.message`: `msg.test`, a sending domain whose DKIM key the tests hold.

The RSA key pair is made once when this module is imported; the public half is published
at `lab._domainkey.msg.test` and the private half (`PRIVATE_KEY_PEM`) lets the tests sign
messages with dkimpy at test time, so no private key is ever stored in the repository.
The lab runs in the same process as the tests (a thread), so both see the same key.

Names:
  msg.test                SPF allows 127.53.5.0/24 (-all); DMARC p=reject, relaxed alignment
  lab._domainkey.msg.test the RSA-2048 public key
  strict.msg.test         its own DMARC record with adkim=s and aspf=s (strict alignment)
  broken.msg.test         SERVFAIL for its DKIM key name (DNS error, not a missing key)
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from launchwizard.demo.model import ZoneSpec

DOMAIN = "msg.test"
SELECTOR = "lab"
SENDER_NETWORK = "127.53.5.0/24"
SENDER_IP = "127.53.5.25"  # inside the SPF range
STRANGER_IP = "127.53.6.66"  # outside it

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PRIVATE_KEY_PEM: bytes = _KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
)
PUBLIC_KEY_B64: str = base64.b64encode(
    _KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
).decode("ascii")


def _txt(text: str, chunk: int = 200) -> str:
    """TXT rdata split into quoted character-strings (one string holds at most 255 bytes)."""
    return " ".join(f'"{text[i : i + chunk]}"' for i in range(0, len(text), chunk))


def message_zones() -> tuple[ZoneSpec, ...]:
    """The `msg.test` zone; scenario.py imports this module, so ZoneSpec is imported here."""
    from launchwizard.demo.model import ZoneSpec

    return (
        ZoneSpec(
            origin=DOMAIN,
            records=(
                ("@", "TXT", _txt(f"v=spf1 ip4:{SENDER_NETWORK} -all")),
                ("_dmarc", "TXT", _txt("v=DMARC1; p=reject; adkim=r; aspf=r")),
                (f"{SELECTOR}._domainkey", "TXT", _txt(f"v=DKIM1; k=rsa; p={PUBLIC_KEY_B64}")),
                ("strict", "TXT", _txt(f"v=spf1 ip4:{SENDER_NETWORK} -all")),
                ("_dmarc.strict", "TXT", _txt("v=DMARC1; p=reject; adkim=s; aspf=s")),
            ),
            faults={f"{SELECTOR}._domainkey.broken": "servfail"},
        ),
    )
