"""`secrets.bundle`: no credential in anything the homepage makes a browser download.

The check fetches the deployed homepage, every script it loads (same-site and third
party), the inline blocks it carries (framework state such as `__NEXT_DATA__` included)
and the source maps the scripts advertise, and runs the secret rules over all of it. What
a browser receives is public, so a secret there is critical whatever its usual severity;
keys that are publishable by design are listed for a review of their restrictions instead.

Every fetch is bounded (count, size, redirects, concurrency and the check's own deadline),
and a resource that cannot be read gets its own reason in the evidence rather than
failing the whole check.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from launchwizard.checks.base import CheckContext
from launchwizard.config.derived import homepage_url
from launchwizard.net.http import Chain, HttpClient, Response
from launchwizard.results import SEVERITY_RANK, Result, Severity, Status
from launchwizard.secrets.bundle import (
    MAX_MAPS,
    MAX_SCRIPTS,
    InlineScript,
    Resource,
    Skipped,
    SourceMapError,
    chunk_refs,
    decode_data_url,
    extract_page,
    is_data_ref,
    is_first_party,
    looks_like_html,
    parse_source_map,
    public_url,
    resolve_ref,
    source_map_refs,
)
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.model import Finding, SecretScanner
from launchwizard.secrets.policy import repo_allowlist

MIB = 1024 * 1024
PAGE_MAX_BODY = 8 * MIB
SCRIPT_MAX_BODY = 8 * MIB
MAP_MAX_BODY = 16 * MIB
PAGE_REDIRECTS = 5
ASSET_REDIRECTS = 3
CONCURRENT_FETCHES = 8
# Texts longer than this are scanned on a worker thread so the event loop keeps serving
# the other checks of the run.
THREAD_SCAN_CHARS = 256 * 1024
SHOWN_FINDINGS = 3
# Redirect endings a browser would also give up on: nothing was served, nothing is hidden.
UNFOLLOWABLE = frozenset({"loop", "too-many-hops", "scheme", "bad-location", "url"})

ADVICE = {
    "publishable": "publishable by design: check its restrictions (allowed referrers/domains, RLS)",
    "identifier": "an identifier, not a credential: fine in a browser if nothing accepts it alone",
    "pii": "personal data in a file every visitor downloads: remove it unless it is meant to be public",
}


@dataclass(frozen=True)
class Located:
    """A finding and the resource it was found in (the URL a reviewer can open)."""

    finding: Finding
    url: str
    kind: str
    third_party: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**self.finding.to_json(), "url": self.url, "kind": self.kind, "third_party": self.third_party}


@dataclass
class SiteScan:
    """Everything one scan of a site read and found; `page_error` means the page was not read."""

    homepage: str
    final_url: str | None = None
    page_status: int | None = None
    page_error: str | None = None
    not_html: str | None = None
    parse_error: str | None = None
    resources: list[Resource] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    findings: list[Located] = field(default_factory=list)

    def rows(self) -> list[Resource]:
        return [row for resource in self.resources for row in resource.flatten()]

    def sort_findings(self) -> None:
        """Worst first, then in page order (resource, then place), whatever order the fetches
        ended in: the top of the list is what to fix first."""
        order = {row.url: index for index, row in enumerate(self.rows())}
        self.findings.sort(
            key=lambda f: (
                -SEVERITY_RANK[f.finding.severity],
                order.get(f.url, len(order)),
                f.finding.path,
                f.finding.line,
                f.finding.column,
            )
        )

    def scanned(self) -> dict[str, int]:
        """How many scripts, inline blocks and maps went through the rules, and their size."""
        rows = [r for r in self.rows() if r.scanned]
        return {
            "scripts": sum(1 for r in rows if r.kind in ("script", "chunk")),
            "inline": sum(1 for r in rows if r.kind == "inline"),
            "maps": sum(1 for r in rows if r.kind == "map"),
            "bytes": sum(r.bytes for r in rows),
        }

    def evidence(self) -> dict[str, Any]:
        """The evidence of a result: what was read, how big, what failed, what was found."""
        data: dict[str, Any] = {
            "homepage": public_url(self.homepage),
            "final_url": public_url(self.final_url) if self.final_url else None,
            "status": self.page_status,
            "scanned": self.scanned(),
            "resources": [r.to_json() for r in self.rows()],
            "skipped": [s.to_json() for s in self.skipped],
            "findings": [f.to_json() for f in self.findings],
        }
        if self.parse_error:
            data["parse_error"] = self.parse_error
        return data


def chain_reason(chain: Chain, limit: int) -> str:
    """Why a fetch produced no response, in words that never repeat a URL's query."""
    last = public_url(chain.hops[-1].url) if chain.hops else public_url(chain.start)
    reasons = {
        "too-many-hops": f"still redirecting after {limit} redirects (last at {last}): gave up",
        "loop": f"redirect loop (back to an earlier URL after {last})",
        "scheme": f"redirects from {last} to a non-http(s) URL: not followed",
        "bad-location": f"redirects from {last} to an invalid Location",
        "url": "not a valid URL",
    }
    return reasons.get(chain.error_kind or "", chain.error or "no response")


def cut_reason(max_body: int) -> str:
    return f"larger than {max_body // MIB} MB: only the first {max_body // MIB} MB were scanned"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def judged_for_browser(finding: Finding) -> Finding:
    """A finding with the severity it has in a browser: secrets critical, the rest info."""
    if finding.exposure == "secret":
        return replace(finding, severity=Severity.CRITICAL)
    return replace(finding, severity=Severity.INFO, note=ADVICE.get(finding.exposure, finding.note))


class _Crawl:
    """One bounded walk from a page to its scripts and their source maps, scanning as it goes."""

    def __init__(
        self,
        http: HttpClient,
        scanner: SecretScanner,
        first_party: Callable[[str], bool],
        deadline: float,
        scan: SiteScan,
        origin: str,
    ) -> None:
        self.http = http
        self.origin = origin
        """The server that sent the page: every script, chunk and map it leads to is held to its network."""
        self.scanner = scanner
        self.first_party = first_party
        self.deadline = deadline
        self.scan = scan
        self._gate = asyncio.Semaphore(CONCURRENT_FETCHES)
        self._maps: set[str] = set()
        self._scripts: set[str] = set()

    async def find(self, text: str, path: str, where: Resource, block: InlineScript | None = None) -> None:
        """Scan one text and keep its findings, placed in the page when it is an inline block."""
        if len(text) > THREAD_SCAN_CHARS:
            found = await asyncio.to_thread(self.scanner.scan_text, text, path, source="bundle")
        else:
            found = self.scanner.scan_text(text, path, source="bundle")
        where.scanned = True
        for finding in found:
            placed = block.place(finding) if block is not None else finding
            self.scan.findings.append(
                Located(judged_for_browser(placed), where.url, where.kind, where.third_party)
            )

    async def fetch(self, url: str, row: Resource, max_body: int) -> Response | None:
        """GET with a few redirects; None (and the reason on `row`) when there is no usable body."""
        async with self._gate:
            chain = await self.http.follow(
                url, max_redirects=ASSET_REDIRECTS, max_body=max_body, named_by=self.origin
            )
        if chain.final is None:
            row.error = chain_reason(chain, ASSET_REDIRECTS)
            row.incomplete = chain.error_kind not in UNFOLLOWABLE
            return None
        response = chain.final
        row.status, row.bytes = response.status, len(response.body)
        if not 200 <= response.status < 300:
            row.error = f"not served (HTTP {response.status})"
            return None
        if response.truncated:
            row.error = cut_reason(max_body)
            row.incomplete = True
        elif response.body_error:
            row.error = f"{response.body_error}: only the part received was scanned"
            row.incomplete = True
        return response

    async def page(self, page: Response) -> list[str]:
        """Scan the page's markup and inline blocks; the scripts it loads, to fetch next."""
        row = Resource(public_url(page.url), "page", status=page.status, bytes=len(page.body), done=True)
        self.scan.resources.append(row)
        if page.truncated:
            row.error = cut_reason(PAGE_MAX_BODY)
            row.incomplete = True
        if not looks_like_html(page.header("content-type"), page.body):
            kind = page.header("content-type") or "no Content-Type"
            self.scan.not_html = f"homepage {row.url} is not an HTML page ({kind}): no scripts to follow"
            await self.find(page.text, row.url, row)
            return []
        assets = extract_page(page.text, page.url, limit=MAX_SCRIPTS)
        self.scan.skipped, self.scan.parse_error = assets.skipped, assets.parse_error
        await self.find(assets.markup, row.url, row)
        for block in assets.inline:
            inline = Resource(f"{row.url}#{block.label}", "inline", bytes=len(block.text.encode()), done=True)
            self.scan.resources.append(inline)
            await self.find(block.text, inline.url, inline, block)
        return assets.scripts

    async def scripts(self, urls: list[str]) -> None:
        """Fetch and scan every script (and its maps) concurrently until the deadline."""
        rows = [Resource(public_url(u), "script", third_party=not self.first_party(u)) for u in urls]
        self.scan.resources += rows
        self._scripts.update(urls)
        tasks = [asyncio.create_task(self.script(url, row)) for url, row in zip(urls, rows, strict=True)]
        if not tasks:
            return
        remaining = max(0.0, self.deadline - asyncio.get_running_loop().time())
        _done, pending = await asyncio.wait(tasks, timeout=remaining)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        reason = (
            "not finished within the check's time budget" if pending else "not finished: its scan stopped"
        )
        for row in self.scan.rows():
            if not row.done and row.error is None:
                row.error, row.incomplete = reason, True

    async def script(self, url: str, row: Resource) -> None:
        """One script and its maps; a crash stays on its row, a cancellation leaves it unfinished."""
        try:
            await self._script(url, row)
        except Exception as exc:
            row.error = row.error or f"could not be scanned ({type(exc).__name__}: {exc})"
            row.incomplete = True
        row.done = True

    async def _script(self, url: str, row: Resource) -> None:
        response = await self.fetch(url, row, SCRIPT_MAX_BODY)
        if response is None:
            return
        text = response.text
        await self.find(text, row.url, row)
        row.done = True
        refs = source_map_refs(text, response.headers)
        await asyncio.gather(
            *(self.source_map(ref, response.url, row) for ref in refs),
            *(self.script(chunk, chunk_row) for chunk, chunk_row in self._chunks(text, response.url, row)),
        )

    def _chunks(self, text: str, script_url: str, script: Resource) -> list[tuple[str, Resource]]:
        """The lazy chunks a first-party script names and nobody fetched yet, within the
        limit on scripts; each gets its own row, after the script that named it."""
        if script.third_party:
            return []
        fresh = [u for u in chunk_refs(text, script_url) if u not in self._scripts and self.first_party(u)]
        chunks = []
        for url in fresh:
            if len(self._scripts) >= MAX_SCRIPTS:
                self.scan.skipped.append(Skipped(public_url(url), f"over the limit of {MAX_SCRIPTS} scripts"))
                continue
            self._scripts.add(url)
            row = Resource(public_url(url), "chunk")
            self.scan.resources.append(row)
            chunks.append((url, row))
        return chunks

    async def source_map(self, ref: str, script_url: str, script: Resource) -> None:
        """Read one advertised map: decoded in place when inline, fetched when it is a URL."""
        if is_data_ref(ref):
            row = Resource(f"{script.url}#sourcemap", "map", third_party=script.third_party)
            script.maps.append(row)
            try:
                data = decode_data_url(ref)
            except ValueError as exc:
                row.error, row.done = f"inline source map: {exc}", True
                return
            row.bytes = len(data)
            await self.map_body(data, row)
            return
        resolved = resolve_ref(ref, script_url)
        if isinstance(resolved, Skipped):
            script.maps.append(Resource(resolved.ref, "map", error=resolved.reason, done=True))
            return
        if resolved in self._maps:
            return
        self._maps.add(resolved)
        row = Resource(public_url(resolved), "map", third_party=script.third_party)
        script.maps.append(row)
        if len(self._maps) > MAX_MAPS:
            row.error, row.done = f"over the limit of {MAX_MAPS} source maps: not fetched", True
            return
        response = await self.fetch(resolved, row, MAP_MAX_BODY)
        if response is not None:
            await self.map_body(response.body, row, cut=response.truncated)
        row.done = True

    async def map_body(self, data: bytes, row: Resource, *, cut: bool = False) -> None:
        """Scan every original file in a map; an unreadable map is scanned as plain text."""
        try:
            if cut:
                raise SourceMapError("source map was cut at the size limit, so it is not valid JSON")
            sources = parse_source_map(data)
        except SourceMapError as exc:
            row.error = f"{exc}; its raw text was scanned instead"
            await self.find(data.decode("utf-8", errors="replace"), row.url, row)
            row.done = True
            return
        row.sources = len(sources)
        row.sources_with_content = sum(1 for s in sources if s.content is not None)
        for source in sources:
            if source.content is not None:
                await self.find(source.content, source.path, row)
        row.done = True


async def scan_site(
    http: HttpClient,
    scanner: SecretScanner,
    url: str,
    *,
    apex: str | None = None,
    budget_s: float = 30.0,
) -> SiteScan:
    """Fetch and scan a homepage and everything it makes a browser load, within `budget_s`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_s
    scan = SiteScan(homepage=url)
    chain = await http.follow(url, max_redirects=PAGE_REDIRECTS, max_body=PAGE_MAX_BODY)
    page = chain.final
    if page is None:
        scan.page_error = (
            f"homepage {public_url(url)} could not be fetched: {chain_reason(chain, PAGE_REDIRECTS)}"
        )
        return scan
    scan.final_url, scan.page_status = page.url, page.status
    if not 200 <= page.status < 300:
        scan.page_error = (
            f"homepage {public_url(page.url)} answered HTTP {page.status}: the page visitors get "
            "could not be read"
        )
        return scan
    page_host = _host(page.url)
    crawl = _Crawl(
        http, scanner, lambda u: is_first_party(u, page_host, apex), deadline, scan, page.address or ""
    )
    scripts = await crawl.page(page)
    await crawl.scripts(scripts)
    scan.sort_findings()
    return scan


# ---------------------------------------------------------------- the check


async def bundle(ctx: CheckContext) -> list[Result]:
    """`secrets.bundle`: scan what the homepage makes browsers load, then judge the findings."""
    try:
        scan = await scan_site(
            ctx.net.http,
            Scanner(allow=repo_allowlist(ctx.sprint.repo)),
            homepage_url(ctx.sprint),
            apex=ctx.sprint.apex,
            budget_s=time_budget(ctx),
        )
    except Exception as exc:
        return [ctx.result(Status.ERROR, f"the bundle scan stopped: {type(exc).__name__}: {exc}")]
    return [judge(ctx, scan)]


def time_budget(ctx: CheckContext) -> float:
    """Seconds the walk may take: the runner's deadline for this check less two network
    timeouts, so slow scripts end as per-script reasons instead of the whole check timing out."""
    timeout = ctx.sprint.network.timeout_s
    spec = ctx.spec
    deadline = spec.budget_s if spec.budget_s is not None else (spec.round_trips + 1) * timeout
    return max(timeout, deadline - 2 * timeout)


def judge(ctx: CheckContext, scan: SiteScan) -> Result:
    """The verdict: secrets fail critical; an unread page is an error; gaps and
    publishable keys warn; otherwise pass with what was scanned."""
    evidence = scan.evidence()
    if scan.page_error:
        return ctx.result(Status.ERROR, scan.page_error, evidence=evidence)
    secrets = [f for f in scan.findings if f.finding.exposure == "secret"]
    if secrets:
        return ctx.result(
            Status.FAIL,
            secrets_summary(secrets),
            evidence=evidence,
            fix=secrets_fix(secrets),
            severity=Severity.CRITICAL,
        )
    if scan.not_html:
        summary = f"{scan.not_html}; point [endpoints] homepage at the page visitors load"
        return ctx.result(Status.ERROR, summary, evidence=evidence)
    what = scanned_phrase(scan.scanned())
    unread = [r for r in scan.rows() if r.incomplete]
    notes = scan.findings
    if unread:
        summary = (
            f"no secret in {what}, but {_count(len(unread), 'resource')} could not be read completely "
            f"({unread[0].url}: {unread[0].error})"
        )
        fix = (
            "Make sure every script and source map the homepage loads is served quickly and in "
            "full, then re-run this check; until then what could not be read is unverified."
        )
        return ctx.result(Status.WARN, summary, evidence=evidence, fix=fix, severity=Severity.MEDIUM)
    if notes:
        first = notes[0]
        noun = "publishable key" if all(n.finding.exposure == "publishable" for n in notes) else "finding"
        summary = (
            f"no secret in {what}; {_count(len(notes), noun)} to review "
            f"({first.finding.rule} in {first.url}): {first.finding.note}"
        )
        fix = "; ".join(sorted({f"{n.finding.rule}: {n.finding.note}" for n in notes}))
        return ctx.result(Status.WARN, summary, evidence=evidence, fix=fix, severity=Severity.INFO)
    return ctx.result(Status.PASS, f"no secret in {what}", evidence=evidence)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def scanned_phrase(counts: dict[str, int]) -> str:
    """ "the page, 3 scripts, 1 inline block and 2 source maps (1.4 MB)"."""
    parts = ["the page"]
    for key, noun in (("scripts", "script"), ("inline", "inline block"), ("maps", "source map")):
        if counts[key]:
            parts.append(_count(counts[key], noun))
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"{listed} ({size_text(counts['bytes'])})"


def size_text(n: int) -> str:
    """A byte count as people read it: "812 bytes", "14.2 kB", "3.1 MB"."""
    if n >= MIB:
        return f"{n / MIB:.1f} MB"
    return f"{n / 1024:.1f} kB" if n >= 1024 else f"{n} bytes"


def _where(located: Located) -> str:
    """Where a reviewer finds it: the URL, and the original file when it came from a map."""
    finding = located.finding
    if located.kind == "map":
        return f"{located.url} ({finding.path}, line {finding.line})"
    return f"{located.url} line {finding.line}"


def secrets_summary(secrets: list[Located]) -> str:
    """ "2 secrets in what browsers download: openai-api-key in ... and 1 more place"."""
    distinct = len({s.finding.secret_hash for s in secrets})
    shown = [f"{s.finding.rule} in {_where(s)}" for s in secrets[:SHOWN_FINDINGS]]
    more = len(secrets) - len(shown)
    tail = f" and {_count(more, 'more place')}" if more else ""
    return f"{_count(distinct, 'secret')} in what browsers download: {'; '.join(shown)}{tail}"


def secrets_fix(secrets: list[Located]) -> str:
    """Exactly what to do, in order, for the places these secrets were found."""
    keys = ", ".join(sorted({f"{s.finding.provider} key {s.finding.redacted}" for s in secrets}))
    steps = [
        "Remove the key from client code: nothing a browser downloads can keep a secret.",
        "Move the call that needs it server-side, behind your own API route: the browser calls "
        "your route, your server adds the key.",
        f"Rotate the key now ({keys}): it is public, so assume it has been copied.",
    ]
    if any(s.kind == "map" for s in secrets):
        steps.append(
            "Stop publishing source maps (Next.js productionBrowserSourceMaps: false; Vite "
            "build.sourcemap: false or 'hidden'; webpack devtool: 'hidden-source-map') or strip "
            "sourcesContent from them, and delete the .map files already deployed."
        )
    if any(s.kind == "inline" for s in secrets):
        steps.append(
            "Do not serialise server settings into the page (__NEXT_DATA__, __NUXT__, loader "
            "data): pass only values meant to be public."
        )
    vendors = sorted({_host(s.url) for s in secrets if s.third_party})
    if vendors:
        steps.append(
            f"A third-party script ({', '.join(vendors)}) carries a key: if it is yours, given in "
            "the widget's configuration, rotate it and configure the widget server-side; if it is "
            "the vendor's, report it to them."
        )
    return " ".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
