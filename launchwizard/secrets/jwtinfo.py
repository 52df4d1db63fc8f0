"""What a JSON Web Token says about itself, read without verifying its signature.

A JWT's header and payload are only base64url-encoded JSON, so a scanner can tell a
Supabase `service_role` key (bypasses Row Level Security) from the `anon` key that is
meant for browsers, an expired token from a live one, and the jwt.io documentation
token from a real one. Nothing here checks signatures or calls anyone.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_PART_CHARS = 16_384

# The token shown on jwt.io and copied into countless READMEs and tests.
_DOCS_EXAMPLE_CLAIMS = {"sub": "1234567890", "name": "John Doe"}
# PyJWT's README example payload.
_DOCS_EXAMPLE_PAYLOADS = ({"some": "payload"},)
# Supabase's self-hosting guide publishes fixed keys with this issuer for local stacks.
SUPABASE_DEMO_ISSUER = "supabase-demo"


@dataclass(frozen=True)
class JwtInfo:
    """The decoded header and payload of one token."""

    header: dict[str, Any]
    payload: dict[str, Any]

    @property
    def issuer(self) -> str:
        """The `iss` claim as text ("" when absent)."""
        return str(self.payload.get("iss", ""))

    @property
    def role(self) -> str:
        """The `role` claim Supabase (and PostgREST) use to pick a database role."""
        return str(self.payload.get("role", ""))

    @property
    def expires_at(self) -> float | None:
        """The `exp` claim in Unix seconds, when it is a number."""
        exp = self.payload.get("exp")
        if isinstance(exp, bool) or not isinstance(exp, int | float):
            return None
        return float(exp)

    def expired(self, now: float | None = None) -> bool:
        """True when the token carries an expiry that has passed."""
        exp = self.expires_at
        return exp is not None and exp < (time.time() if now is None else now)

    def expiry_note(self) -> str:
        """`expired 2021-03-04` for an expired token, else ""."""
        exp = self.expires_at
        if exp is None or not self.expired():
            return ""
        try:
            day = datetime.fromtimestamp(exp, UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return "expired"
        return f"expired {day}"

    def is_documentation_example(self) -> bool:
        """The jwt.io sample token or a Supabase self-hosting demo key."""
        sample = all(self.payload.get(k) == v for k, v in _DOCS_EXAMPLE_CLAIMS.items())
        return sample or self.payload in _DOCS_EXAMPLE_PAYLOADS or self.issuer == SUPABASE_DEMO_ISSUER

    def is_supabase(self) -> bool:
        """Issued by Supabase (hosted `supabase` issuer or a project auth URL)."""
        return "supabase" in self.issuer and not self.is_documentation_example()


def _b64url_json(part: str) -> dict[str, Any] | None:
    if not part or len(part) > MAX_PART_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        decoded = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return decoded if isinstance(decoded, dict) else None


def decode(token: str) -> JwtInfo | None:
    """Header and payload of `token`, or None when it is not a JWT with JSON-object parts.

    The header must name an algorithm (`alg`), as every JWS header does.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header = _b64url_json(parts[0])
    if header is None or "alg" not in header:
        return None
    payload = _b64url_json(parts[1])
    if payload is None:
        return None
    return JwtInfo(header=header, payload=payload)
