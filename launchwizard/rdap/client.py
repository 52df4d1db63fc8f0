"""One RDAP lookup of a domain through the run's own HTTP client, bounded in time and size.

The way there: the bootstrap file (from the disk cache when fresh) names the registry's
server; its answer may redirect (RFC 7480 §5.2, at most three hops, never back to a URL
already seen), may ask us to slow down (429, RFC 7480 §5.5: one polite retry after the
Retry-After the server gives, if the lookup's deadline allows it), and a thin registry's
answer links to the registrar's server (`related`), which is read once when the
registry's own answer lacks the expiry, the registrar's name or its abuse contact.

Every URL is outside data, so each hop is checked before it is requested: http(s) only,
https unless every address of the host is on this machine (the lab, a local mirror), and
never into a more internal network than the bootstrap file came from (the HTTP client's
guard). The lookup never raises: what went wrong is its `error` or `skipped` reason.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from launchwizard.net.dns import DnsError, Resolver
from launchwizard.net.http import (
    FetchError,
    HttpClient,
    Response,
    address_kind,
    network_kind,
    resolve_location,
    retry_after_s,
)
from launchwizard.rdap.bootstrap import (
    MAX_BOOTSTRAP_BYTES,
    Bootstrap,
    BootstrapError,
    domain_url,
    parse_bootstrap,
    tld_of,
)
from launchwizard.rdap.bootstrap_cache import BootstrapCache, CachedCopy, age_text, max_age_from
from launchwizard.rdap.domain import (
    MAX_DOMAIN_BYTES,
    RdapDataError,
    Registration,
    merge_registrar_answer,
    parse_domain_answer,
)
from launchwizard.rdap.jsondata import JsonProblem, decode_json
from launchwizard.state.atomic import WriteError

ACCEPT = "application/rdap+json, application/json;q=0.9"
MAX_REDIRECTS = 3
DEFAULT_RETRY_WAIT_S = 1.0
"""The pause before the one retry when a 429 names no Retry-After."""
MAX_TRAIL = 12
MAX_ERROR_BYTES = 64 * 1024


class _Stop(Exception):
    """Ends a lookup early: `skipped` (nothing to look up) or an error, with the reason."""

    def __init__(self, reason: str, skipped: bool = False, unanswered: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skipped = skipped
        self.unanswered = unanswered
        """True when no HTTP answer came at all (the next server of the bootstrap may answer)."""


@dataclass
class BootstrapInfo:
    """Which bootstrap file was used and how old it was, for the evidence."""

    url: str
    publication: str | None = None
    fetched_at: datetime | None = None
    from_cache: bool = False
    note: str | None = None

    def describe(self, now: datetime) -> str:
        """ "the RDAP bootstrap (published 2026-11-20, fetched 3 h ago)"."""
        parts = [f"published {self.publication[:10]}"] if self.publication else []
        if self.fetched_at is not None:
            age = age_text(now - self.fetched_at)
            parts.append("fetched just now" if age == "just now" else f"fetched {age} ago")
        return f"the RDAP bootstrap {self.url}" + (f" ({', '.join(parts)})" if parts else "")

    def to_json(self, now: datetime) -> dict[str, Any]:
        data: dict[str, Any] = {"url": self.url, "publication": self.publication}
        if self.fetched_at is not None:
            data["fetched_at"] = self.fetched_at.isoformat(timespec="seconds")
            data["age"] = age_text(now - self.fetched_at)
        data["from_cache"] = self.from_cache
        if self.note:
            data["note"] = self.note
        return data


@dataclass
class Lookup:
    """The outcome of one domain lookup: a Registration, or why there is none."""

    domain: str
    bootstrap_url: str
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    registration: Registration | None = None
    error: str | None = None
    skipped: str | None = None
    server: str | None = None
    bootstrap: BootstrapInfo | None = None
    notes: list[str] = field(default_factory=list)
    trail: list[dict[str, Any]] = field(default_factory=list)

    def provenance(self) -> dict[str, Any]:
        """Where the data came from and when: the "rdap" part of every registrar result."""
        data: dict[str, Any] = {
            "server": self.server,
            "retrieved_at": self.retrieved_at.isoformat(timespec="seconds"),
        }
        if self.bootstrap is not None:
            data["bootstrap"] = self.bootstrap.to_json(self.retrieved_at)
        if self.trail:
            data["requests"] = self.trail[:MAX_TRAIL]
        if self.notes:
            data["notes"] = list(self.notes)
        if self.registration is not None and self.registration.problems:
            data["ignored"] = list(self.registration.problems[:10])
        return data


class RdapClient:
    """Looks domains up over RDAP with a run's HTTP client and resolver."""

    def __init__(
        self,
        http: HttpClient,
        dns: Resolver,
        *,
        bootstrap_url: str,
        cache_dir: Path,
        timeout_s: float,
        budget_s: float,
    ) -> None:
        self.http = http
        self.dns = dns
        self.bootstrap_url = bootstrap_url
        self.cache = BootstrapCache(cache_dir)
        self.timeout_s = timeout_s
        self.budget_s = budget_s
        self._deadline = 0.0
        self._start_kind = "public"

    async def lookup(self, domain: str) -> Lookup:
        """Look `domain` up; never raises for anything the network or the data does."""
        result = Lookup(domain.rstrip(".").lower(), self.bootstrap_url)
        self._deadline = time.monotonic() + self.budget_s
        try:
            await self._lookup(result)
        except _Stop as stop:
            if stop.skipped:
                result.skipped = stop.reason
            else:
                result.error = stop.reason
        result.retrieved_at = datetime.now(UTC)
        return result

    async def _lookup(self, result: Lookup) -> None:
        bootstrap = await self._bootstrap(result)
        match = bootstrap.match(result.domain)
        if match is None:
            assert result.bootstrap is not None
            raise _Stop(
                f"{result.bootstrap.describe(datetime.now(UTC))} lists no RDAP server for "
                f".{tld_of(result.domain)}: its registry does not publish registration data over RDAP",
                skipped=True,
            )
        _suffix, bases = match
        response, url = await self._first_answer(result, [domain_url(b, result.domain) for b in bases])
        result.server = url
        registration = self._registration(response, url, result.domain)
        if registration.needs_registrar_data and registration.related:
            registration = await self._with_registrar_data(result, registration)
        result.registration = registration

    # ------------------------------------------------------------ bootstrap

    async def _bootstrap(self, result: Lookup) -> Bootstrap:
        """The bootstrap file: a fresh saved copy, else a fetch, else a stale copy with a note."""
        url = self.bootstrap_url
        self._start_kind = await self._kind_of(url)
        now = datetime.now(UTC)
        cached = self.cache.read(url)
        saved = _readable(cached.body) if cached is not None else None
        if cached is not None and saved is not None and cached.fresh(now):
            result.bootstrap = BootstrapInfo(url, saved.publication, cached.fetched_at, True)
            return saved
        try:
            response, parsed = await self._fetch_bootstrap(result, url)
        except _Stop as stop:
            if cached is None or saved is None or not cached.usable_when_stale(now):
                raise _Stop(f"could not read the RDAP bootstrap {url}: {stop.reason}") from None
            note = f"the bootstrap could not be refreshed ({stop.reason}); a saved copy was used"
            result.bootstrap = BootstrapInfo(url, saved.publication, cached.fetched_at, True, note)
            result.notes.append(note)
            return saved
        result.bootstrap = BootstrapInfo(url, parsed.publication, now, False)
        fresh_for = max_age_from(response.header("cache-control"))
        await self._save(result, url, CachedCopy(response.body, now, fresh_for))
        return parsed

    async def _fetch_bootstrap(self, result: Lookup, url: str) -> tuple[Response, Bootstrap]:
        response = await self._get(result, url, MAX_BOOTSTRAP_BYTES, "request")
        if response.status != 200:
            raise _Stop(f"{urlsplit(response.url).hostname or url} answered {response.status}")
        try:
            return response, parse_bootstrap(self._body(response, url, "the bootstrap file"))
        except BootstrapError as exc:
            raise _Stop(str(exc)) from None

    async def _save(self, result: Lookup, url: str, copy: CachedCopy) -> None:
        """Keep the fetched file for the next runs; a disk that refuses only costs a note."""
        try:
            await asyncio.to_thread(self.cache.write, url, copy)
        except WriteError as exc:
            result.notes.append(f"the bootstrap was not saved for the next run: {exc.reason}")
        except OSError as exc:
            result.notes.append(f"the bootstrap was not saved for the next run: {exc.strerror or exc}")

    # ------------------------------------------------------------ the domain

    async def _first_answer(self, result: Lookup, urls: list[str]) -> tuple[Response, str]:
        """The first of the registry's servers that answers; the next is tried only when one
        gives no HTTP answer at all."""
        last: _Stop | None = None
        for url in urls[:2]:
            try:
                return await self._get(result, url, MAX_DOMAIN_BYTES, "request"), url
            except _Stop as stop:
                last = stop
                if not stop.unanswered:
                    raise
        assert last is not None
        raise last

    def _registration(self, response: Response, url: str, domain: str) -> Registration:
        host = urlsplit(url).hostname or url
        if response.status == 404:
            raise _Stop(
                f"the registry's RDAP server ({host}) has no record of {domain} (404 Not Found): "
                "is [domains] apex the registered domain?"
            )
        if response.status == 429:
            raise _Stop(
                f"the registry's RDAP server ({host}) is rate-limiting this address (429 Too Many "
                "Requests, also after one polite retry); run the check again in a few minutes"
            )
        if response.status != 200:
            title = _error_title(response.body)
            said = f": {title}" if title else ""
            raise _Stop(f"the registry's RDAP server ({host}) answered {response.status}{said}")
        body = self._body(response, url, "the answer")
        try:
            return parse_domain_answer(body, domain)
        except RdapDataError as exc:
            raise _Stop(f"the registry's RDAP server ({host}) sent an unusable answer: {exc}") from None

    async def _with_registrar_data(self, result: Lookup, registration: Registration) -> Registration:
        """Fill a thin registry's gaps from the registrar's server, following one link once."""
        link = registration.related[0]
        try:
            response = await self._get(result, link, MAX_DOMAIN_BYTES, "link")
            if response.status != 200:
                raise _Stop(f"it answered {response.status}")
            other = parse_domain_answer(self._body(response, link, "the answer"), result.domain)
        except (_Stop, RdapDataError) as exc:
            reason = exc.reason if isinstance(exc, _Stop) else str(exc)
            result.notes.append(f"the registrar's RDAP server ({link}) could not be read: {reason}")
            return registration
        result.notes.append(f"the registry's answer is thin; its gaps were filled from {link}")
        return merge_registrar_answer(registration, other)

    # ------------------------------------------------------------ one GET

    async def _get(self, result: Lookup, url: str, max_body: int, what: str) -> Response:
        """GET `url` with redirects by hand and one polite retry after a 429."""
        current, seen, retried = url, {url}, False
        for _hop in range(MAX_REDIRECTS + 2):
            await self._allow(current, what)
            response = await self._request(result, current, max_body)
            if response.status == 429 and not retried:
                await self._polite_wait(result, response)
                retried = True
                continue
            if not response.is_redirect:
                return response
            try:
                target = resolve_location(current, response.header("location") or "")
            except FetchError as exc:
                raise _Stop(exc.message) from None
            if target in seen:
                raise _Stop(f"redirect loop: {target} again")
            if len(seen) > MAX_REDIRECTS:
                raise _Stop(f"more than {MAX_REDIRECTS} redirects")
            seen.add(target)
            current, what = target, "redirect"
        raise _Stop(f"more than {MAX_REDIRECTS} redirects")

    async def _request(self, result: Lookup, url: str, max_body: int) -> Response:
        remaining = self._remaining()
        try:
            response = await self.http.request(
                "GET",
                url,
                headers={"Accept": ACCEPT},
                timeout_s=min(self.timeout_s, remaining),
                max_body=max_body,
            )
        except FetchError as exc:
            result.trail.append({"url": url, "error": exc.message})
            host = urlsplit(url).hostname or url
            raise _Stop(f"no answer from {host}: {exc.message}", unanswered=True) from None
        result.trail.append({"url": url, "status": response.status})
        return response

    async def _polite_wait(self, result: Lookup, response: Response) -> None:
        """Wait what the server asked before the one retry, if the deadline leaves room."""
        asked = response.header("retry-after")
        wait = retry_after_s(asked) if asked else None
        wait = DEFAULT_RETRY_WAIT_S if wait is None else wait
        host = urlsplit(response.url).hostname or response.url
        room = self._remaining() - self.timeout_s
        if wait > room:
            raise _Stop(
                f"{host} is rate-limiting this address (429 Too Many Requests) and asks to wait "
                f"{wait:g} s, longer than this check can wait; run it again later"
            )
        result.notes.append(f"{host} answered 429 Too Many Requests; retried once after {wait:g} s")
        await asyncio.sleep(wait)

    def _remaining(self) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0.05:
            raise _Stop(f"no answer within this check's {self.budget_s:g} s for RDAP")
        return remaining

    def _body(self, response: Response, url: str, what: str) -> bytes:
        host = urlsplit(url).hostname or url
        if response.truncated:
            raise _Stop(f"{what} from {host} is larger than this check reads; it is not RDAP data")
        if response.body_error:
            raise _Stop(f"{what} from {host} did not arrive whole: {response.body_error}")
        return response.body

    # ------------------------------------------------------------ where a URL may lead

    async def _kind_of(self, url: str) -> str:
        """The network kind of the bootstrap's host: what every later hop is measured against."""
        try:
            addresses = await self.dns.addresses(urlsplit(url).hostname or "")
        except DnsError:
            return "public"
        return address_kind(addresses[0]) if addresses else "public"

    async def _allow(self, url: str, what: str) -> None:
        """Refuse a URL before requesting it: not http(s), http off this machine, or inward."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            raise _Stop(f"{what} URL {url[:200]!r} is not valid") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not host:
            raise _Stop(f"{what} URL {url[:200]!r} is not an http(s) URL")
        if scheme == "http" and not await self._on_this_machine(host):
            raise _Stop(
                f"{what} to {url[:200]} refused: RDAP outside this machine must use https "
                "(RFC 7481: HTTP over TLS), or anyone on the path can rewrite the registry's answer"
            )
        try:
            await self.http.refuse_inward(self._start_kind, url, what)
        except FetchError as exc:
            raise _Stop(exc.message) from None

    async def _on_this_machine(self, host: str) -> bool:
        try:
            addresses = await self.dns.addresses(host)
        except DnsError:
            return False
        return bool(addresses) and all(network_kind(a) == "loopback" for a in addresses)


def _readable(body: bytes) -> Bootstrap | None:
    """A saved bootstrap file, parsed; None when it no longer parses."""
    try:
        return parse_bootstrap(body)
    except BootstrapError:
        return None


def _error_title(body: bytes) -> str | None:
    """The title of an RDAP error response (RFC 9083 §6), when the body is one."""
    try:
        document = decode_json(body, MAX_ERROR_BYTES)
    except JsonProblem:
        return None
    title = document.get("title") if isinstance(document, dict) else None
    return title.strip()[:120] if isinstance(title, str) and title.strip() else None
