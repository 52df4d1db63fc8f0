"""Shared fixtures: one lab for the whole session, and clean latency for every test using it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from launchwizard.demo.lab import Lab


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """The local lab, started once per session because making certificates costs time."""
    with Lab() as running:
        yield running


@pytest.fixture(autouse=True)
def _reset_lab_latency(request: pytest.FixtureRequest) -> Iterator[None]:
    """Put latency back to 0 after a test that used the lab, so one test cannot slow the next."""
    if "lab" not in request.fixturenames:
        yield
        return
    running: Lab = request.getfixturevalue("lab")
    yield
    running.set_latency(0.0)
