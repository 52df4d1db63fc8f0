"""`perf.cache` and `perf.bundle`: the static files the landing page makes every visitor load.

perf.cache judges each same-site asset the page names (scripts, stylesheets, images) by its
caching headers and asks for each twice to sample whether the edge served it; the hit ratio
is labelled a sample because a few requests from one place are not the edge's real ratio.
perf.bundle weighs every script the HTML names, as transferred (compressed) and decoded,
against `[perf] js_budget_kb`; a body is read only up to a cap, so a 20 MB bundle is a
finding, never a hang.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from launchwizard.checks.base import CheckContext
from launchwizard.checks.bundle import size_text
from launchwizard.checks.edgefetch import landing_page
from launchwizard.net.http import FetchError, Response
from launchwizard.perf.caching import cacheability, edge_hit
from launchwizard.results import Result, Severity, Status

MAX_ASSETS = 12
HIT_SAMPLES = 2
ASSET_MAX_BODY = 256 * 1024
MAX_SCRIPTS = 40
SCRIPT_MAX_TRANSFER = 8 * 1024 * 1024
SCRIPT_MAX_DECODED = 32 * 1024 * 1024
DECODED_FACTOR = 4
"""Decoded JavaScript past this many times the budget costs more to parse than the budget allows."""
COMPRESS_FROM = 10 * 1024
ACCEPT_ENCODING = "gzip, deflate"

FIX_UNCACHEABLE = (
    "Serve static files with fingerprinted names and 'Cache-Control: public, max-age=31536000, "
    "immutable', without Set-Cookie and without Vary: * (Next.js and Vite do this for /_next/static "
    "and /assets; check the CDN's cache rules do not bypass them)."
)
FIX_HIT_RATIO = (
    "Let the CDN cache static files: a cache rule for /static or /assets, no cookies on those "
    "responses, and long max-age; then watch the hit ratio in the CDN's analytics."
)
FIX_BUNDLE = (
    "Ship less JavaScript on the landing page: split code per route, lazy-load the chat widget and "
    "heavy vendors, drop unused dependencies (a bundle analyser shows them), and compress (gzip or "
    "brotli) every script."
)


def _same_site(url: str, page_url: str) -> bool:
    return (urlsplit(url).hostname or "") == (urlsplit(page_url).hostname or "")


async def cache(ctx: CheckContext) -> list[Result]:
    """`perf.cache`: static assets cacheable; a sampled edge hit ratio against the target."""
    page = await landing_page(ctx)
    if isinstance(page, str):
        return [ctx.result(Status.ERROR, page)]
    page_url, facts, origin = page
    names = [*(tag.src for tag in facts.scripts), *facts.assets]
    urls = list(dict.fromkeys(urljoin(page_url, name) for name in names))
    assets = [url for url in urls if _same_site(url, page_url)][:MAX_ASSETS]
    if not assets:
        return [
            ctx.result(
                Status.SKIPPED, "the landing page names no static files of its own", severity=Severity.INFO
            )
        ]
    rows = await asyncio.gather(*(_sample_asset(ctx, url, origin) for url in assets))
    return [_cache_verdict(ctx, list(rows))]


async def _sample_asset(ctx: CheckContext, url: str, origin: str) -> dict[str, Any]:
    """Fetch an asset twice (the first may warm the cache): its caching verdict and hits."""
    row: dict[str, Any] = {"url": url, "caching": "error", "why": "", "hits": 0, "sampled": 0}
    for _ in range(HIT_SAMPLES):
        try:
            response = await ctx.net.http.request("GET", url, max_body=ASSET_MAX_BODY, named_by=origin)
        except FetchError as exc:
            row["why"] = exc.message
            return row
        row["status"] = response.status
        row["caching"], row["why"] = cacheability(response.headers)
        hit = edge_hit(response.headers)
        if hit is not None:
            row["sampled"] += 1
            row["hits"] += int(hit)
    return row


def _cache_verdict(ctx: CheckContext, rows: list[dict[str, Any]]) -> Result:
    target = ctx.sprint.perf.cache_hit_pct
    sampled = sum(row["sampled"] for row in rows)
    hits = sum(row["hits"] for row in rows)
    ratio = 100.0 * hits / sampled if sampled else None
    evidence: dict[str, Any] = {
        "assets": rows,
        "hit_ratio_sample": {
            "hits": hits,
            "responses_with_cache_status": sampled,
            "ratio_pct": None if ratio is None else round(ratio, 1),
            "target_pct": target,
            "note": f"a sample of {HIT_SAMPLES} requests per asset from one place, not the edge's real ratio",
        },
    }
    uncacheable = [row for row in rows if row["caching"] == "uncacheable"]
    short = [row for row in rows if row["caching"] == "short"]
    ratio_text = (
        "no cache status header on any response, so the edge hit ratio is unknown"
        if ratio is None
        else f"sampled edge hit ratio {ratio:.0f} % ({hits}/{sampled} responses; target {target:g} %)"
    )
    if uncacheable:
        first = uncacheable[0]["why"]
        summary = f"{len(uncacheable)} of {len(rows)} static files cannot be cached ({first}); {ratio_text}"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_UNCACHEABLE)
    if ratio is None or ratio < target or short:
        detail = f"{len(short)} with short or missing caching ({short[0]['why']}); " if short else ""
        return ctx.result(Status.WARN, f"{detail}{ratio_text}", evidence=evidence, fix=FIX_HIT_RATIO)
    summary = f"{len(rows)} static files cached for a day or more; {ratio_text}"
    return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)


@dataclass
class Script:
    """One script's weight: as transferred and decoded, and why reading it stopped, if it did."""

    url: str
    transferred: int = 0
    decoded: int = 0
    encoding: str = ""
    status: int | None = None
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "transferred_kb": round(self.transferred / 1024, 1),
            "decoded_kb": round(self.decoded / 1024, 1),
            "encoding": self.encoding or "none",
            "problem": self.problem or "",
        }


def decoded_size(body: bytes, encoding: str, cap: int) -> tuple[int, str | None]:
    """How many bytes a gzip/deflate body decodes to, never holding more than `cap` of them."""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return len(body), None if encoding in ("", "identity") else f"encoding {encoding!r} not measured"
    decoder = zlib.decompressobj(zlib.MAX_WBITS | 32)
    total = 0
    data = body
    try:
        while data:
            chunk = decoder.decompress(data, 1024 * 1024)
            total += len(chunk)
            if total > cap:
                return total, f"decodes to more than {cap // (1024 * 1024)} MB (stopped)"
            data = decoder.unconsumed_tail
    except zlib.error as exc:
        return total, f"the {encoding} body does not decode: {exc}"
    return total, None


async def _weigh(ctx: CheckContext, script: Script, origin: str) -> None:
    try:
        response: Response = await ctx.net.http.request(
            "GET",
            script.url,
            headers={"Accept-Encoding": ACCEPT_ENCODING},
            max_body=SCRIPT_MAX_TRANSFER,
            raw=True,
            named_by=origin,
        )
    except FetchError as exc:
        script.problem = exc.message
        return
    script.status = response.status
    script.transferred = len(response.body)
    script.encoding = (response.header("content-encoding") or "").strip().lower()
    script.decoded, script.problem = decoded_size(response.body, script.encoding, SCRIPT_MAX_DECODED)
    if response.truncated:
        script.problem = f"more than {SCRIPT_MAX_TRANSFER // (1024 * 1024)} MB transferred (stopped reading)"
    elif response.body_error:
        script.problem = response.body_error
    elif response.status != 200:
        script.problem = f"status {response.status}"


async def bundle(ctx: CheckContext) -> list[Result]:
    """`perf.bundle`: the JavaScript the landing page loads, against the budget."""
    page = await landing_page(ctx)
    if isinstance(page, str):
        return [ctx.result(Status.ERROR, page)]
    page_url, facts, origin = page
    urls = list(dict.fromkeys(urljoin(page_url, tag.src) for tag in facts.scripts))[:MAX_SCRIPTS]
    if not urls:
        summary = "the landing page loads no script files" + (
            " (inline scripts only)" if facts.script_count else ""
        )
        return [ctx.result(Status.PASS, summary, severity=Severity.INFO)]
    scripts = [Script(url) for url in urls]
    await asyncio.gather(*(_weigh(ctx, script, origin) for script in scripts))
    return [_bundle_verdict(ctx, scripts)]


def _bundle_verdict(ctx: CheckContext, scripts: list[Script]) -> Result:
    budget_kb = ctx.sprint.perf.js_budget_kb
    transferred = sum(s.transferred for s in scripts) / 1024
    decoded = sum(s.decoded for s in scripts) / 1024
    plain = [s for s in scripts if not s.encoding and s.transferred > COMPRESS_FROM]
    evidence: dict[str, Any] = {
        "budget_kb": budget_kb,
        "transferred_kb": round(transferred, 1),
        "decoded_kb": round(decoded, 1),
        "scripts": [s.to_json() for s in sorted(scripts, key=lambda s: -s.decoded)],
        "note": "scripts named in the HTML; code they load later is not counted",
    }
    measured = (
        f"{len(scripts)} scripts: {size_text(int(transferred * 1024))} transferred, "
        f"{size_text(int(decoded * 1024))} decoded"
    )
    plain_text = f"; {len(plain)} served uncompressed" if plain else ""
    stopped = next((s for s in scripts if s.problem and "stopped" in s.problem), None)
    if transferred > budget_kb or decoded > DECODED_FACTOR * budget_kb or stopped:
        why = f"{stopped.url} {stopped.problem}; " if stopped else ""
        summary = f"{why}{measured}, over the {budget_kb:g} kB budget{plain_text}"
        return ctx.result(Status.FAIL, summary, evidence=evidence, fix=FIX_BUNDLE)
    broken = [s for s in scripts if s.problem]
    if broken or plain:
        detail = f"; {broken[0].url}: {broken[0].problem}" if broken else ""
        summary = f"{measured}, within the {budget_kb:g} kB budget{plain_text}{detail}"
        return ctx.result(Status.WARN, summary, evidence=evidence, severity=Severity.LOW, fix=FIX_BUNDLE)
    summary = f"{measured}, within the {budget_kb:g} kB budget"
    return ctx.result(Status.PASS, summary, evidence=evidence, severity=Severity.INFO)
