"""JSON from an RDAP or bootstrap server, decoded with bounds: size, UTF-8, nesting depth."""

from __future__ import annotations

import json
from typing import Any


class JsonProblem(ValueError):
    """Bytes that are not the JSON asked for; the message completes "it is ..." / "it has ..."."""


def decode_json(data: bytes, limit: int) -> Any:
    """The JSON value in `data`; raises JsonProblem with a plain reason."""
    if len(data) > limit:
        raise JsonProblem(f"larger than {limit // 1024} KiB")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise JsonProblem("not UTF-8 text") from None
    except RecursionError:
        raise JsonProblem("JSON nested too deeply to read") from None
    except ValueError as exc:
        raise JsonProblem(f"not JSON ({str(exc)[:80]})") from None
