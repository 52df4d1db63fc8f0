"""Registrable domains from the Public Suffix List, and Chromium's HSTS preload list."""

from __future__ import annotations

import pytest

from launchwizard.checks.message import organisational
from launchwizard.config.registrable import is_registrable, registrable_domain, same_site
from launchwizard.edge.hsts import preloaded
from launchwizard.edge.observatory import registrable_domain as site_of


@pytest.mark.parametrize(
    ("host", "registrable"),
    [
        ("www.example.co.uk", "example.co.uk"),
        ("a.b.example.com.au", "example.com.au"),
        ("acme.github.io", "acme.github.io"),
        ("x.acme.vercel.app", "acme.vercel.app"),
        ("WWW.Acme.Test.", "acme.test"),
        ("co.uk", "co.uk"),
        ("localhost", "localhost"),
        ("", ""),
    ],
)
def test_registrable_domain(host: str, registrable: str) -> None:
    assert registrable_domain(host) == registrable
    assert organisational(host) == registrable


def test_registrable_names_and_sites() -> None:
    assert is_registrable("example.co.uk") and not is_registrable("www.example.co.uk")
    assert not is_registrable("co.uk") and not is_registrable("")
    assert same_site("a.example.co.uk", "b.example.co.uk") and not same_site("a.github.io", "b.github.io")


def test_foreign_scripts_use_the_list_unless_the_sprint_names_the_site() -> None:
    assert site_of("cdn.example.co.uk") == "example.co.uk"
    assert site_of("api.acme.test", "acme.test") == "acme.test"


@pytest.mark.parametrize(
    ("host", "listed"),
    [
        ("bugzilla.mozilla.org", True),
        ("facebook.com", True),
        ("www.cloudflare.com", True),
        ("dropboxusercontent.com", False),
        ("mozilla.org", False),
        ("acme.test", False),
        ("192.0.2.1", False),
        ("localhost", False),
        ("bücher.example", False),
    ],
)
def test_hsts_preload_list(host: str, listed: bool) -> None:
    assert preloaded(host) is listed
