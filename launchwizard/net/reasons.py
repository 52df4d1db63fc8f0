"""Plain one-line reasons for network failures, shared by the resolver, HTTP client and TLS probe.

Libraries wrap socket errors ("All connection attempts failed", an empty ConnectError);
the user needs the cause underneath, in words, never a class name or a traceback.
"""

from __future__ import annotations

import re
import ssl

_OPENSSL_PREFIX = re.compile(r"^\[[A-Z0-9_]+: [A-Z0-9_]+\] ")
_OPENSSL_SUFFIX = re.compile(r" \(_ssl\.c:\d+\)$")


def plain_reason(exc: BaseException) -> str:
    """The first recognisable cause in the exception chain, or the error's first line."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, TimeoutError):
            return "timed out"
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, ConnectionResetError):
            return "connection reset by peer"
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificate verify failed: {(seen.verify_message or _openssl_text(seen)).rstrip('.')}"
        if isinstance(seen, ssl.SSLError):
            return f"TLS handshake failed: {_openssl_text(seen)}"
        seen = seen.__cause__ or seen.__context__
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _openssl_text(exc: ssl.SSLError) -> str:
    """OpenSSL's sentence without the "[SSL: CODE]" prefix and the "(_ssl.c:NNN)" suffix."""
    text = _OPENSSL_SUFFIX.sub("", _OPENSSL_PREFIX.sub("", str(exc).strip()))
    if text and not text.startswith("("):
        return text
    return (exc.reason or "unknown TLS error").lower().replace("_", " ")
