"""The pages checks share: each host's https:// and http:// home and the landing page,
fetched once per run.

edge.headers, edge.hsts and edge.cdn all read the same two redirect chains per host; the
network layer's `follow_once` hands every caller the same chain, so the stage costs one
round of requests per host however many checks look at them.
"""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from launchwizard.checks.base import CheckContext
from launchwizard.config.derived import homepage_url
from launchwizard.edge.page import PageFacts, read_page
from launchwizard.net.http import Chain, Hop

PAGE_MAX_BODY = 2 * 1024 * 1024
"""Enough HTML to find every script and meta tag of a real landing page."""


async def home_chains(ctx: CheckContext, host: str) -> tuple[Chain, Chain]:
    """The redirect chains from https://host/ and http://host/, shared across checks."""
    https, http = await asyncio.gather(
        ctx.net.http.follow_once(f"https://{host}/", max_body=PAGE_MAX_BODY),
        ctx.net.http.follow_once(f"http://{host}/", max_body=PAGE_MAX_BODY),
    )
    return https, http


class LandingPage(NamedTuple):
    """The landing page as the core and perf checks read it; `address` is the server that sent
    it, which every URL the page names is held to (HttpClient's `named_by`)."""

    url: str
    facts: PageFacts
    address: str


async def landing_page(ctx: CheckContext) -> LandingPage | str:
    """The landing page's final URL, HTML facts and server address (shared by the core and
    perf checks), or why it could not be read."""
    url = homepage_url(ctx.sprint)
    chain = await ctx.net.http.follow_once(url, max_body=PAGE_MAX_BODY)
    final = chain.final
    if final is None:
        return f"could not load the landing page {url}: {chain.error or 'no answer'}"
    if final.status != 200:
        return f"could not load the landing page {url}: status {final.status}"
    return LandingPage(final.url, read_page(final.header("content-type"), final.body), final.address or "")


def first_response(chain: Chain) -> Hop | None:
    """The host's own answer: the first hop, when it got a status (redirect or not)."""
    if chain.hops and chain.hops[0].status is not None:
        return chain.hops[0]
    return None


def header_values(hop: Hop, name: str) -> list[str]:
    """Every value of a header in one hop's response, in order."""
    wanted = name.lower()
    return [value for key, value in hop.headers if key.lower() == wanted]
