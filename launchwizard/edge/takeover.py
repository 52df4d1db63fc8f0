"""Subdomain takeover candidates, by the can-i-take-over-xyz method (web-tls-edge.md §5).

A name whose CNAME points under a hosting service's suffix can be claimed by whoever
creates that resource first, once its owner deleted it. The proof is either NXDOMAIN on
the target (services whose names are free once deleted) or the service's own
"unclaimed" page. Services marked "edge-case" can be claimed only in some setups, so a
match there asks for a manual check; "not-vulnerable" services verify ownership. Only
candidates are reported: nothing is ever claimed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_BODY_SCAN = 256 * 1024


@dataclass(frozen=True)
class Service:
    """A hosting service whose names can be left dangling."""

    name: str
    suffixes: tuple[str, ...]
    status: str
    nxdomain: bool = False
    fingerprints: tuple[str, ...] = ()
    documentation: str = ""


AZURE = (
    "cloudapp.net", "cloudapp.azure.com", "azurewebsites.net", "blob.core.windows.net", "azure-api.net",
    "azureedge.net", "azurecontainer.io", "azurecr.io", "database.windows.net", "redis.cache.windows.net",
    "servicebus.windows.net", "search.windows.net", "azurehdinsight.net", "azuredatalakestore.net",
    "visualstudio.com",
)  # fmt: skip

SERVICES: tuple[Service, ...] = (
    Service("AWS S3", ("s3.amazonaws.com", "s3-website-us-east-1.amazonaws.com"), "vulnerable",
            fingerprints=("The specified bucket does not exist", "NoSuchBucket")),
    Service("AWS Elastic Beanstalk", ("elasticbeanstalk.com",), "vulnerable", nxdomain=True),
    Service("Microsoft Azure", AZURE, "vulnerable", nxdomain=True),
    Service("GitHub Pages", ("github.io",), "edge-case",
            fingerprints=("There isn't a GitHub Pages site here.",),
            documentation="blocked when the owner verified the domain in GitHub"),
    Service("Heroku", ("herokuapp.com", "herokudns.com"), "edge-case", fingerprints=("No such app",)),
    Service("Vercel", ("vercel.app", "now.sh"), "edge-case", fingerprints=("DEPLOYMENT_NOT_FOUND",)),
    Service("Netlify", ("netlify.app", "netlify.com"), "edge-case",
            fingerprints=("Not Found - Request ID:",)),
    Service("Shopify", ("myshopify.com",), "edge-case",
            fingerprints=("Sorry, this shop is currently unavailable.",)),
    Service("Webflow", ("proxy.webflow.com", "proxy-ssl.webflow.com"), "edge-case",
            fingerprints=("The page you are looking for doesn't exist or has been moved.",)),
    Service("Intercom", ("custom.intercom.help",), "edge-case",
            fingerprints=("Uh oh. That page doesn't exist.",)),
    Service("Help Scout", ("helpscoutdocs.com",), "vulnerable",
            fingerprints=("No settings were found for this company:",)),
    Service("Surge.sh", ("surge.sh",), "vulnerable", fingerprints=("project not found",)),
    Service("Bitbucket", ("bitbucket.io",), "vulnerable", fingerprints=("Repository not found",)),
    Service("CloudFront", ("cloudfront.net",), "not-vulnerable"),
    Service("Fastly", ("fastly.net", "fastlylb.net"), "not-vulnerable"),
    Service("Zendesk", ("zendesk.com",), "not-vulnerable"),
    Service("HubSpot", ("hubspot.net", "hs-sites.com"), "not-vulnerable"),
    Service("Statuspage", ("stspg-customer.com",), "not-vulnerable"),
    Service("Firebase", ("firebaseapp.com", "web.app"), "not-vulnerable"),
    Service("Fly.io", ("fly.dev",), "not-vulnerable"),
    Service("Unbounce", ("unbouncepages.com",), "not-vulnerable"),
    Service("Google Cloud Storage", ("storage.googleapis.com", "c.storage.googleapis.com"), "not-vulnerable"),
)  # fmt: skip


@dataclass(frozen=True)
class TakeoverVerdict:
    """One name's takeover verdict with the evidence in a sentence and the fix."""

    name: str
    target: str | None
    service: str | None
    verdict: str
    reason: str
    fix: str


def _clean(name: str) -> str:
    return name.rstrip(".").lower()


def match_service(name: str) -> Service | None:
    """The service whose suffix `name` is under, at a label boundary."""
    clean = _clean(name)
    for service in SERVICES:
        if any(clean == suffix or clean.endswith(f".{suffix}") for suffix in service.suffixes):
            return service
    return None


def body_matches(service: Service, body: bytes) -> str | None:
    """The service's "unclaimed" fingerprint found in the page, if any."""
    text = body[:MAX_BODY_SCAN].decode("utf-8", errors="replace")
    return next((mark for mark in service.fingerprints if mark in text), None)


def judge(
    name: str, chain: Sequence[str], *, target_nxdomain: bool, body: bytes | None, fetch_error: str | None
) -> TakeoverVerdict:
    """The verdict for one name from its CNAME chain, the target's existence and its page."""
    if not chain:
        return TakeoverVerdict(name, None, None, "no-cname", f"{name} has no CNAME: nothing to take over", "")
    target = _clean(chain[-1])
    service = next((s for s in map(match_service, chain) if s is not None), None)
    fix = (
        f"Delete the CNAME {name} -> {target} now, or re-create the resource under your own account "
        "before anyone else does; never point DNS at a resource you no longer own."
    )
    if service is None:
        if target_nxdomain:
            reason = f"{name} points at {target}, which does not exist (NXDOMAIN)"
            return TakeoverVerdict(
                name, target, None, "dangling", reason, f"Delete the CNAME {name} -> {target}."
            )
        return TakeoverVerdict(
            name, target, None, "safe", f"{name} -> {target} resolves (no known service)", ""
        )
    if service.status == "not-vulnerable":
        reason = f"{name} -> {target} is on {service.name}, which verifies ownership before serving a name"
        return TakeoverVerdict(name, target, service.name, "not-vulnerable", reason, "")
    candidate = "vulnerable" if service.status == "vulnerable" else "verify"
    if target_nxdomain:
        reason = f"{name} -> {target} on {service.name} does not exist (NXDOMAIN): the name can be registered"
        return TakeoverVerdict(name, target, service.name, candidate, reason, fix)
    mark = body_matches(service, body) if body is not None else None
    if mark is not None:
        reason = f'{name} -> {target} serves {service.name}\'s unclaimed page ("{mark}")'
        if service.documentation:
            reason += f"; {service.documentation}"
        return TakeoverVerdict(name, target, service.name, candidate, reason, fix)
    if body is None and fetch_error:
        reason = (
            f"{name} -> {target} on {service.name} resolves; its page could not be fetched ({fetch_error})"
        )
    else:
        reason = f"{name} -> {target} on {service.name} resolves and serves a claimed site"
    return TakeoverVerdict(name, target, service.name, "safe", reason, "")
