"""Where the published conformance suites are (../shared/conformance beside the checkout, or
$LAUNCHWIZARD_CONFORMANCE), and a skip marker with the reason for a checkout without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "LAUNCHWIZARD_CONFORMANCE"
BESIDE = Path(__file__).resolve().parents[2] / "shared" / "conformance"


def conformance_root() -> Path:
    return Path(os.environ[ENV]) if os.environ.get(ENV) else BESIDE


def conformance_path(*parts: str) -> Path:
    return conformance_root().joinpath(*parts)


def needs_conformance(*parts: str) -> pytest.MarkDecorator:
    """Skip, saying why, when this part of the conformance data is not on this machine."""
    path = conformance_path(*parts)
    where = "put ../shared/conformance beside the checkout, or set " + ENV
    return pytest.mark.skipif(
        not path.exists(),
        reason=f"conformance data {path} is absent ({where})",
    )
