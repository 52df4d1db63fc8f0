"""The Cloudflare API v4, read-only, through the official SDK over the run's pinned transport.

Every answer goes through one envelope reader (`success`, `errors`, `messages`, `result`,
`result_info`), so an expired token, a missing permission, a 5xx, a body that is not JSON
and a paginated list that never ends all become one `ApiError` with a plain reason. Each
request is bounded by the sprint's timeout; lists by a page limit. Calls are made once per
run: the five cloudflare checks share the token check, the zone and its settings.

The SDK is imported on first use, in a worker thread: it brings pydantic and a model class
for every API object (seconds of imports), which `--help` and the wizard's first paint
should not pay for, and which must not stall the event loop the other checks run on.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

import httpx

from launchwizard.cloudflare.model import (
    DnsRecord,
    Ruleset,
    Setting,
    TokenStatus,
    Zone,
    mapping,
    number,
    text,
)
from launchwizard.cloudflare.transport import ReadOnlyTransport, RefusedRequest, RefusedResponse
from launchwizard.net.http import FetchError, hard_deadline
from launchwizard.net.reasons import plain_reason

ZONE_READ = "Zone: Read"
SETTINGS_READ = "Zone Settings: Read"
DNS_READ = "DNS: Read"
WAF_READ = "Zone WAF: Read"
PERMISSIONS = (ZONE_READ, SETTINGS_READ, DNS_READ, WAF_READ)
"""The token permissions the checks use, each a read permission of the zone."""

MAX_BODY = 4 * 1024 * 1024
PER_PAGE = 500
MAX_PAGES = 20
"""10,000 DNS records: more than any plan below Enterprise allows in one zone."""
AUTH_CODES = frozenset({1000, 1001, 6003, 6103, 6111, 9103, 9106})
"""Envelope error codes that mean the credential itself was refused (invalid, malformed,
missing), whatever the HTTP status."""
MAX_ERRORS_SHOWN = 3

T = TypeVar("T")


class ApiError(Exception):
    """A request that produced no usable answer.

    `kind`: "auth" (the token was refused), "permission" (a 403 for one permission),
    "not-found", "rate-limited", "server" (5xx), "malformed" (not a v4 envelope),
    "timeout", "network", "pagination", "refused" (a request or answer the read-only
    transport would not pass) or "status" (any other HTTP status).
    """

    def __init__(self, kind: str, reason: str, *, permission: str | None = None, status: int | None = None):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.permission = permission
        self.status = status


def describe_errors(envelope: Any) -> str:
    """The envelope's errors as "code 1000: Invalid API Token; ...", cleaned and cut."""
    errors = mapping(envelope).get("errors")
    parts = []
    for item in errors[:MAX_ERRORS_SHOWN] if isinstance(errors, list) else []:
        fields = mapping(item)
        code, message = number(fields.get("code")), text(fields.get("message"), 160)
        chain = fields.get("error_chain")
        inner = mapping(chain[0]) if isinstance(chain, list) and chain else {}
        if inner.get("message"):
            message = f"{message} ({text(inner.get('message'), 120)})"
        parts.append(f"code {code}: {message}" if code is not None else message)
    return "; ".join(part for part in parts if part)


def error_codes(envelope: Any) -> set[int]:
    """Every error code in the envelope, including those of error chains."""
    codes: set[int] = set()
    errors = mapping(envelope).get("errors")
    for item in errors[:20] if isinstance(errors, list) else []:
        fields = mapping(item)
        chain = fields.get("error_chain")
        for entry in [fields, *(chain[:5] if isinstance(chain, list) else [])]:
            code = number(mapping(entry).get("code"))
            if code is not None:
                codes.add(code)
    return codes


def parse_envelope(what: str, content: bytes) -> dict[str, Any]:
    """The v4 envelope of a successful answer; ApiError("malformed"/"api") otherwise."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        start = text(content[:60].decode("utf-8", "replace"), 60)
        raise ApiError("malformed", f"{what}: the API's answer is not JSON (it starts {start!r})") from None
    if not isinstance(data, dict) or not isinstance(data.get("success"), bool):
        raise ApiError(
            "malformed", f"{what}: the answer is not a Cloudflare API v4 envelope (no success field)"
        )
    if not data["success"]:
        detail = describe_errors(data) or "no error given"
        raise ApiError("malformed", f"{what}: the API answered success: false ({detail})")
    return data


def _body_envelope(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def status_error(what: str, permission: str | None, response: httpx.Response) -> ApiError:
    """An HTTP error status as an ApiError with the reason a person can act on."""
    status = response.status_code
    envelope = _body_envelope(response.content)
    detail = describe_errors(envelope) or f"HTTP {status}"
    if status == 401 or error_codes(envelope) & AUTH_CODES:
        return ApiError(
            "auth",
            f"{what}: Cloudflare refused the API token ({detail}): it was revoked, has expired or was "
            "mistyped",
            status=status,
        )
    if status == 403:
        needed = f"the {permission} permission" if permission else "the permission this needs"
        return ApiError(
            "permission",
            f"{what}: the token lacks {needed} for this zone (HTTP 403: {detail})",
            permission=permission,
            status=status,
        )
    if status == 404:
        return ApiError("not-found", f"{what}: not found (HTTP 404: {detail})", status=status)
    if status == 429:
        wait = text(response.headers.get("retry-after", ""), 40)
        after = f"; Retry-After: {wait}" if wait else ""
        return ApiError(
            "rate-limited",
            f"{what}: the API's rate limit was reached (HTTP 429{after}); run the check again later",
            status=status,
        )
    if status >= 500:
        return ApiError(
            "server",
            f"{what}: the Cloudflare API failed (HTTP {status}: {detail}); try again, and see "
            "cloudflarestatus.com if it lasts",
            status=status,
        )
    if 300 <= status < 400:
        location = text(response.headers.get("location", ""), 120) or "nowhere"
        return ApiError(
            "status",
            f"{what}: the API redirected to {location} (HTTP {status}); the token is never sent after a "
            "redirect: check [cloudflare] api_base",
            status=status,
        )
    return ApiError("status", f"{what}: unexpected HTTP {status} ({detail})", status=status)


def connection_error(what: str, timeout_s: float, exc: BaseException) -> ApiError:
    """A request that got no HTTP answer (or whose answer was refused), as an ApiError."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, RefusedRequest | RefusedResponse):
            return ApiError("refused", f"{what}: {cause}")
        if isinstance(cause, httpx.TimeoutException):
            return ApiError("timeout", f"{what}: no answer from the Cloudflare API within {timeout_s:g} s")
        if isinstance(cause, httpx.HTTPError):
            reason = plain_reason(cause).removeprefix("DNS: ")
            return ApiError("network", f"{what}: the Cloudflare API could not be reached: {reason}")
        cause = cause.__cause__ or cause.__context__
    return ApiError("network", f"{what}: the Cloudflare API could not be reached")


class CloudflareApi:
    """One run's read-only view of the API (see the module docstring); made by `open`.

    `permissions` records, for each permission a call needed, "verified" once a call that
    needs it succeeded and "refused" when one was answered 403: the pack's access page
    lists them (never the token).
    """

    def __init__(self, sdk: Any, *, root: str, timeout_s: float) -> None:
        self.sdk = sdk
        self.root = root
        self.timeout_s = timeout_s
        self.permissions: dict[str, str] = {}
        self._calls: dict[Hashable, asyncio.Task[Any]] = {}

    @classmethod
    async def open(
        cls,
        inner: httpx.AsyncBaseTransport,
        *,
        root: str,
        token: str,
        timeout_s: float,
        connect_url: Callable[[str], httpx.URL],
    ) -> CloudflareApi:
        """The API over `inner` (the run's pinned transport), the SDK loaded off the event loop."""
        transport = ReadOnlyTransport(
            inner, root=root, token=token, max_body=MAX_BODY, connect_url=connect_url
        )
        sdk = await asyncio.to_thread(sdk_client, transport, root, timeout_s)
        return cls(sdk, root=root, timeout_s=timeout_s)

    def _once(self, key: Hashable, factory: Callable[[], Awaitable[T]]) -> Awaitable[T]:
        """The same call made once per run, however many checks ask; callers share it."""
        task = self._calls.get(key)
        if task is None:
            task = asyncio.ensure_future(factory())
            self._calls[key] = task
        return asyncio.shield(task)

    async def _get(
        self, what: str, permission: str | None, method: Any, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        """One GET through an SDK method (its `with_raw_response` form), bounded by the
        timeout, as a checked envelope. The method is looked up by the caller, outside the
        deadline."""
        from cloudflare import APIConnectionError, APIStatusError

        limit = self.timeout_s + min(1.0, self.timeout_s / 4)
        try:
            async with hard_deadline(limit):
                raw = await method(*args, **kwargs)
        except FetchError:
            raise ApiError(
                "timeout", f"{what}: no answer from the Cloudflare API within {self.timeout_s:g} s"
            ) from None
        except APIStatusError as exc:
            failure = status_error(what, permission, exc.response)
            if failure.kind == "permission" and permission and self.permissions.get(permission) != "verified":
                self.permissions[permission] = "refused"
            raise failure from None
        except APIConnectionError as exc:
            raise connection_error(what, self.timeout_s, exc) from None
        envelope = parse_envelope(what, raw.http_response.content)
        if permission:
            self.permissions[permission] = "verified"
        return envelope

    async def verify_token(self) -> TokenStatus:
        """GET /user/tokens/verify: the token's status (active, disabled, expired)."""

        async def call() -> TokenStatus:
            envelope = await self._get(
                "verifying the token", None, self.sdk.user.tokens.with_raw_response.verify
            )
            return TokenStatus.from_json(envelope.get("result"))

        return await self._once("verify", call)

    async def verify_account_token(self, account_id: str) -> TokenStatus:
        """GET /accounts/{id}/tokens/verify: the same for a token the account owns."""

        async def call() -> TokenStatus:
            method = self.sdk.accounts.tokens.with_raw_response.verify
            envelope = await self._get("verifying the account's token", None, method, account_id=account_id)
            return TokenStatus.from_json(envelope.get("result"))

        return await self._once(("verify", account_id), call)

    async def zone(self, name: str) -> Zone | None:
        """GET /zones?name=NAME: the zone of that exact name the token can see, or None."""

        async def call() -> Zone | None:
            method = self.sdk.zones.with_raw_response.list
            envelope = await self._get(
                f"looking up the zone {name}", ZONE_READ, method, name=name, per_page=50
            )
            rows = envelope.get("result")
            zones = [z for item in rows[:50] if (z := Zone.from_json(item))] if isinstance(rows, list) else []
            matching = [z for z in zones if z.name == name]
            matching.sort(key=lambda z: z.status != "active")
            return matching[0] if matching else None

        return await self._once(("zone", name), call)

    async def setting(self, zone_id: str, setting_id: str) -> Setting:
        """GET /zones/{id}/settings/{setting}."""

        async def call() -> Setting:
            method = self.sdk.zones.settings.with_raw_response.get
            what = f"reading the {setting_id} setting"
            envelope = await self._get(what, SETTINGS_READ, method, setting_id, zone_id=zone_id)
            return Setting.from_json(setting_id, envelope.get("result"))

        return await self._once(("setting", zone_id, setting_id), call)

    async def dnssec_status(self, zone_id: str) -> str:
        """GET /zones/{id}/dnssec: "active", "pending", "disabled", ..."""

        async def call() -> str:
            method = self.sdk.dns.dnssec.with_raw_response.get
            envelope = await self._get("reading DNSSEC", DNS_READ, method, zone_id=zone_id)
            return text(mapping(envelope.get("result")).get("status"), 32).lower() or "unknown"

        return await self._once(("dnssec", zone_id), call)

    async def entrypoint(self, zone_id: str, phase: str) -> Ruleset:
        """GET /zones/{id}/rulesets/phases/{phase}/entrypoint; an empty Ruleset that does not
        exist when the zone has none (404)."""

        async def call() -> Ruleset:
            method = self.sdk.rulesets.phases.with_raw_response.get
            try:
                envelope = await self._get(
                    f"reading the {phase} rules", WAF_READ, method, phase, zone_id=zone_id
                )
            except ApiError as exc:
                if exc.kind == "not-found":
                    return Ruleset(id="", phase=phase, rules=(), exists=False)
                raise
            return Ruleset.from_json(envelope.get("result"))

        return await self._once(("entrypoint", zone_id, phase), call)

    async def dns_records(self, zone_id: str) -> tuple[DnsRecord, ...]:
        """Every record of the zone, page by page, within MAX_PAGES."""
        return await self._once(("records", zone_id), lambda: self._all_records(zone_id))

    async def _all_records(self, zone_id: str) -> tuple[DnsRecord, ...]:
        method = self.sdk.dns.records.with_raw_response.list
        records: list[DnsRecord] = []
        seen: set[tuple[str, str, str]] = set()
        for page in range(1, MAX_PAGES + 1):
            what = f"listing DNS records (page {page})"
            envelope = await self._get(what, DNS_READ, method, zone_id=zone_id, page=page, per_page=PER_PAGE)
            rows = envelope.get("result")
            if not isinstance(rows, list):
                raise ApiError("malformed", f"{what}: the result is not a list")
            found = [r for item in rows[: PER_PAGE * 2] if (r := DnsRecord.from_json(item))]
            keys = {(r.name, r.type, r.content) for r in found}
            if found and keys <= seen:
                raise ApiError(
                    "pagination", f"listing DNS records: page {page} repeats records already listed"
                )
            seen |= keys
            records.extend(found)
            if _last_page(page, len(rows), mapping(envelope.get("result_info"))):
                return tuple(records)
        raise ApiError(
            "pagination",
            f"listing DNS records: the API still announced more pages after {MAX_PAGES} pages "
            f"({len(records)} records); listing stopped",
        )


def _last_page(page: int, rows: int, info: Any) -> bool:
    """Whether `page` ends the list: no rows, the announced last page, or a short page."""
    if rows == 0:
        return True
    total_pages = number(mapping(info).get("total_pages"))
    if total_pages is not None:
        return page >= total_pages
    return rows < PER_PAGE


def sdk_client(transport: httpx.AsyncBaseTransport, root: str, timeout_s: float) -> Any:
    """The SDK's async client over `transport`, with no credential and no retries, its
    resource modules already imported (call it in a worker thread).

    Explicit empty credentials keep the SDK from reading CLOUDFLARE_API_TOKEN,
    CLOUDFLARE_API_KEY or CLOUDFLARE_EMAIL from the environment; the transport adds the
    token and drops every other credential header. Retries are ours to decide (none: a
    check reports, the operator re-runs).
    """
    from cloudflare import AsyncCloudflare

    class TransportAuthenticated(AsyncCloudflare):
        """The SDK client whose requests the read-only transport authenticates."""

        @property
        def auth_headers(self) -> dict[str, str]:
            return {}

        def _validate_headers(self, headers: Any, custom_headers: Any) -> None:
            """Credentials are added by the transport, so there is nothing to validate here."""

    client = TransportAuthenticated(
        api_token="",
        api_key="",
        api_email="",
        user_service_key="",
        base_url=root,
        max_retries=0,
        timeout=httpx.Timeout(timeout_s),
        http_client=httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(timeout_s)),
    )
    _import_resources(client)
    return client


def _import_resources(client: Any) -> None:
    """Touch every resource the checks use: each is a module import on first access."""
    for path in (
        "user.tokens",
        "accounts.tokens",
        "zones.settings",
        "dns.records",
        "dns.dnssec",
        "rulesets.phases",
    ):
        resource = client
        for name in path.split("."):
            resource = getattr(resource, name)
        _ = resource.with_raw_response
