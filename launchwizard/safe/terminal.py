"""Text from outside made safe for a terminal or a text report.

Servers, repositories, logs and the store all hand us text; printed raw, an escape
sequence moves the cursor, recolours a CI log or writes the clipboard.
"""

from __future__ import annotations

import unicodedata


def safe_text(text: str) -> str:
    """Untrusted text (records, headers, bodies) with control characters made visible.

    A hostile server must not be able to move the cursor or recolour a CI log.
    """
    out = []
    for char in text:
        if char in "\t" or not unicodedata.category(char).startswith("C"):
            out.append(char)
        else:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")
    return "".join(out)
