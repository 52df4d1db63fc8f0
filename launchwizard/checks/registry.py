"""The registry table: every check's id, stage, title, default severity, scope and references.

Adding a row here adds the check to `launchwizard check`, to its stage and to the wizard's
stage screen; nothing else needs to change. Ids are a public interface (DESIGN §5).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from launchwizard.checks.base import CheckContext, CheckSpec, RunFn
from launchwizard.results import Result, Severity

if TYPE_CHECKING:
    from launchwizard.config import Sprint


def lazy(module: str, function: str) -> RunFn:
    """A check function imported on its first run, so reading the registry stays cheap.

    The checks pull in httpx, dnspython and cryptography; the wizard and `--help` only
    need the table, not the network layer.
    """

    async def run(ctx: CheckContext) -> list[Result]:
        implementation = getattr(importlib.import_module(module), function)
        return await implementation(ctx)  # type: ignore[no-any-return]

    run.__qualname__ = run.__name__ = f"{module.rsplit('.', 1)[-1]}.{function}"
    return run


def _ratelimit_deadline(sprint: Sprint) -> float:
    """The rate-limit probe's deadline, imported only when that check runs."""
    from launchwizard.checks.ratelimit import probe_deadline

    return probe_deadline(sprint)


def _injection_deadline(sprint: Sprint) -> float:
    """The injection evaluation's deadline, imported only when that check runs."""
    from launchwizard.checks.injection import injection_deadline

    return injection_deadline(sprint)


def _eval_deadline(sprint: Sprint) -> float:
    """The customers' evaluation's deadline, imported only when that check runs."""
    from launchwizard.checks.customer_eval import eval_deadline

    return eval_deadline(sprint)


def _smoke_deadline(sprint: Sprint) -> float:
    """The smoke test's deadline: two tries of its slowest route."""
    from launchwizard.checks.smoke import smoke_deadline

    return smoke_deadline(sprint)


def _perf_deadline(name: str) -> Callable[[Sprint], float]:
    """A sampling check's deadline, computed by its module from the sprint's [perf] budget."""

    def deadline(sprint: Sprint) -> float:
        from launchwizard.checks import perf

        return getattr(perf, name)(sprint)  # type: ignore[no-any-return]

    return deadline


REGISTRY: tuple[CheckSpec, ...] = (
    CheckSpec(
        "dns.records",
        "audit",
        "Host resolves to the expected records",
        Severity.HIGH,
        "host",
        lazy("launchwizard.checks.dnscheck", "records"),
        ("RFC 1034 §3.6", "RFC 1035 §3.3.1"),
        round_trips=3,
        why=(
            "If a host does not resolve to where the product runs, visitors reach nothing, an old "
            "server, or someone else's; every other check on that host then tests the wrong machine."
        ),
    ),
    CheckSpec(
        "dns.nameservers",
        "audit",
        "Name servers answer and agree",
        Severity.HIGH,
        "apex",
        lazy("launchwizard.checks.dnscheck", "nameservers"),
        ("RFC 1034 §4.1", "RFC 2182 §5", "RFC 1912 §2.8 (lame delegation)"),
        round_trips=4,
        why=(
            "A lame or out-of-date name server answers some visitors wrongly at random: outages that "
            "come and go, certificates that fail to renew, mail that bounces."
        ),
    ),
    CheckSpec(
        "redirect.https",
        "audit",
        "HTTP redirects to HTTPS on the same host",
        Severity.HIGH,
        "host",
        lazy("launchwizard.checks.redirect", "https"),
        (
            "internet.nl https_forced",
            "MDN HTTP Observatory: redirection",
            "RFC 9110 §15.4 (redirection status codes)",
            "RFC 6797 §7.2 (HSTS: redirect HTTP to HTTPS)",
        ),
        round_trips=2,
        why=(
            "Visitors and links that start on http:// must be moved to https:// at once, or logins and "
            "chat messages travel in clear text that any network on the way can read or change."
        ),
    ),
    CheckSpec(
        "redirect.canonical",
        "audit",
        "Every entry point ends on its canonical URL",
        Severity.HIGH,
        "host",
        lazy("launchwizard.checks.redirect", "canonical"),
        ("MDN HTTP Observatory: redirection", "RFC 9110 §15.4 (redirection status codes)"),
        round_trips=12,
        why=(
            "Every way in (apex, www, app, http) must end on one canonical URL: loops and long chains "
            "break the site, a downgrade to http leaks sessions, split URLs split cookies and search "
            "ranking."
        ),
    ),
    CheckSpec(
        "tls.certificate",
        "audit",
        "Certificate trusted, matching and strong",
        Severity.CRITICAL,
        "host",
        lazy("launchwizard.checks.tls", "certificate"),
        (
            "RFC 5280 §6 (path validation)",
            "RFC 6125 §6 (host name verification)",
            "CA/B Forum Baseline Requirements §6.1.5 (key sizes)",
            "CA/B Forum Baseline Requirements §6.3.2 (398-day validity)",
            "internet.nl cert_trust, cert_pubkey, cert_signature, cert_hostmatch",
        ),
        round_trips=3,
        why=(
            "Browsers refuse an untrusted, mismatched or weak certificate with a full-page warning: the"
            " product looks hacked, and users who click through can be intercepted."
        ),
    ),
    CheckSpec(
        "tls.expiry",
        "audit",
        "Certificate is not about to expire",
        Severity.HIGH,
        "host",
        lazy("launchwizard.checks.tls", "expiry"),
        ("RFC 5280 §4.1.2.5 (validity)", "RFC 8555 (ACME automated renewal)"),
        round_trips=3,
        why=(
            "An expired certificate takes the whole product offline for every visitor at once, usually "
            "on a weekend; renewal has to be automated and verified well before the date."
        ),
    ),
    CheckSpec(
        "tls.protocols",
        "audit",
        "Only TLS 1.2 and 1.3 accepted",
        Severity.HIGH,
        "host",
        lazy("launchwizard.checks.tls", "protocols"),
        (
            "RFC 8996 (TLS 1.0 and 1.1 deprecated)",
            "RFC 8446 (TLS 1.3)",
            "internet.nl tls_version (NCSC-NL TLS guidelines)",
            "MDN: Transport Layer Security",
        ),
        round_trips=3,
        why=(
            "TLS 1.0 and 1.1 have known attacks and fail the security questionnaires and compliance "
            "scans (PCI DSS) that B2B buyers run before they sign."
        ),
    ),
    # Registrar checks: the registry's RDAP answer about the apex, one lookup shared by the four.
    CheckSpec(
        "registrar.expiry",
        "audit",
        "Domain registration is not about to expire",
        Severity.HIGH,
        "apex",
        lazy("launchwizard.checks.registrar", "expiry"),
        (
            "RFC 9083 §4.5 (events: expiration)",
            "ICANN Expired Registration Recovery Policy (ERRP)",
            "RFC 3915 (redemption grace period)",
        ),
        round_trips=9,
        why=(
            "A domain that lapses takes the website, the chat API and every email address down at "
            "once, and after the grace periods anyone can register it and receive the product's mail."
        ),
    ),
    CheckSpec(
        "registrar.status",
        "audit",
        "Domain is active at the registry and locked against transfer",
        Severity.HIGH,
        "apex",
        lazy("launchwizard.checks.registrar", "status"),
        (
            "RFC 8056 §2 (EPP and RDAP status values)",
            "RFC 5731 §2.3 (EPP domain status)",
            "RFC 3915 §2 (grace period statuses)",
            "ICANN: EPP status codes, what do they mean",
        ),
        round_trips=9,
        why=(
            "A hold (a failed card, an unanswered verification email) removes the domain from the DNS "
            "overnight, and without a transfer lock one phished account is enough to move the domain "
            "to another registrar."
        ),
    ),
    CheckSpec(
        "registrar.delegation",
        "audit",
        "Registry delegates to the name servers that hold the zone",
        Severity.HIGH,
        "apex",
        lazy("launchwizard.checks.registrar", "delegation"),
        ("RFC 1034 §4.2.2 (delegation: parent and child NS)", "RFC 9083 §5.3 (nameservers)"),
        round_trips=9,
        why=(
            "The registry's delegation decides which servers the world asks; while it still names the "
            "previous DNS host, DNS changes made at the new one reach only part of the visitors, or none."
        ),
    ),
    CheckSpec(
        "registrar.dnssec",
        "audit",
        "DS at the registry matches the zone's keys",
        Severity.CRITICAL,
        "apex",
        lazy("launchwizard.checks.registrar", "dnssec"),
        (
            "RFC 4035 §5 (validation starts at the DS)",
            "RFC 4034 §5 (DS records)",
            "RFC 8624 §3.3 (DS digest algorithms)",
            "RFC 9083 §5.3 (secureDNS)",
        ),
        round_trips=9,
        why=(
            "A DS record left from the old DNS host after a move makes every validating resolver "
            "refuse the whole domain (SERVFAIL): the site, the API and mail vanish for a large share of "
            "users while it works on the developer's laptop."
        ),
    ),
    CheckSpec(
        "secrets.repo",
        "audit",
        "No secrets in the code or anywhere in its git history",
        Severity.CRITICAL,
        "repo",
        lazy("launchwizard.checks.secretscan", "repo"),
        (
            "CWE-798 (hard-coded credentials)",
            "OWASP Secrets Management Cheat Sheet",
            "gitleaks / trufflehog: history scanning",
        ),
        why=(
            "A key that was ever committed is in every clone, fork and CI cache of the repository; "
            "deleting the file does not remove it from history, so it must be rotated, not just removed."
        ),
        budget_s=300.0,
    ),
    CheckSpec(
        "secrets.bundle",
        "audit",
        "No secrets in the JavaScript the site sends to browsers",
        Severity.CRITICAL,
        "site",
        lazy("launchwizard.checks.bundle", "bundle"),
        (
            "CWE-798 (hard-coded credentials)",
            "CWE-540 (sensitive information in source code)",
            "OWASP Secrets Management Cheat Sheet",
        ),
        round_trips=8,
        why=(
            "Everything a page loads, source maps included, is public: any visitor can open the "
            "browser's developer tools and copy a key from it, then spend the product's money or "
            "read its customers' data."
        ),
    ),
    CheckSpec(
        "core.landing",
        "core",
        "Landing page answers 200 over HTTPS on every visit",
        Severity.CRITICAL,
        "site",
        lazy("launchwizard.checks.core", "landing"),
        ("RFC 9110 §15.3.1 (200 OK)", "web.dev: Core Web Vitals"),
        round_trips=18,
        why=(
            "The landing page is the product's front door: if it fails on one visit in three, or only "
            "loads over http://, launch traffic and paid ads land on an error."
        ),
    ),
    CheckSpec(
        "core.widget",
        "core",
        "Chat widget loads without blocking the page",
        Severity.MEDIUM,
        "site",
        lazy("launchwizard.checks.core", "widget"),
        ("HTML Standard: script async and defer", "web.dev: render-blocking resources"),
        round_trips=8,
        why=(
            "A widget script without async or defer stops the browser from drawing the page until it "
            "has downloaded and run: a slow widget CDN makes the whole site look down."
        ),
    ),
    CheckSpec(
        "core.errors",
        "core",
        "Unknown routes and bad input get a useful 4xx, never a stack trace",
        Severity.HIGH,
        "site",
        lazy("launchwizard.checks.core", "errors"),
        (
            "RFC 9110 §15.5 (client error status codes)",
            "RFC 9457 (problem details for HTTP APIs)",
            "OWASP WSTG-ERRH-01 (improper error handling)",
            "CWE-209 (error message containing sensitive information)",
        ),
        round_trips=3,
        why=(
            "A crash on malformed input is an outage anyone can trigger, and a stack trace or debug page "
            "shows attackers the code's files, versions and sometimes its settings."
        ),
    ),
    CheckSpec(
        "core.health",
        "core",
        "Health route answers 200 quickly",
        Severity.MEDIUM,
        "site",
        lazy("launchwizard.checks.core", "health"),
        ("Gatus: endpoint conditions", "Kubernetes: liveness and readiness probes"),
        round_trips=2,
        why=(
            "Monitors, load balancers and the deploy smoke test all ask the health route; without a fast, "
            "honest 200 nobody learns the product is down until a customer says so."
        ),
    ),
    CheckSpec(
        "edge.cdn",
        "edge",
        "A CDN/WAF edge fronts the host",
        Severity.MEDIUM,
        "host",
        lazy("launchwizard.checks.cdn", "cdn"),
        (
            "OWASP Denial of Service Cheat Sheet",
            "Cloudflare docs: proxied vs DNS-only records",
            "wafw00f / cdncheck: passive edge fingerprints",
        ),
        round_trips=6,
        why=(
            "Without an edge in front, floods, bots and vulnerability scanners hit the origin directly: "
            "one bad afternoon of traffic takes the product down, and its real address is public."
        ),
    ),
    CheckSpec(
        "edge.headers",
        "edge",
        "Security headers score well on the MDN HTTP Observatory",
        Severity.MEDIUM,
        "host",
        lazy("launchwizard.checks.headers", "headers"),
        (
            "MDN HTTP Observatory: scoring (algorithm v6)",
            "MDN: Content-Security-Policy",
            "MDN: Set-Cookie (Secure, HttpOnly, SameSite)",
            "W3C Subresource Integrity",
            "RFC 6797 (HSTS)",
        ),
        round_trips=8,
        why=(
            "Security headers are the browser's half of the defence: without them one injected script "
            "steals sessions, the site can be framed for clickjacking, and B2B security questionnaires "
            "(which often ask for the Observatory grade) come back red."
        ),
    ),
    CheckSpec(
        "edge.hsts",
        "edge",
        "HSTS set for at least a year",
        Severity.HIGH,
        "host",
        lazy("launchwizard.checks.headers", "hsts"),
        ("RFC 6797 §6.1 (the STS header)", "internet.nl https_hsts (one year)", "MDN HTTP Observatory: HSTS"),
        round_trips=6,
        why=(
            "Without HSTS a visitor's first request can be downgraded to plain HTTP on any café Wi-Fi and "
            "their login and chat read or changed; HSTS makes the browser refuse http:// for the host."
        ),
    ),
    CheckSpec(
        "edge.cors",
        "edge",
        "Only approved origins can read API responses from a browser",
        Severity.CRITICAL,
        "host",
        lazy("launchwizard.checks.cors", "cors"),
        (
            "Fetch standard: CORS protocol",
            "MDN HTTP Observatory: cross-origin-resource-sharing",
            "PortSwigger: CORS misconfigurations (reflected origin, null origin)",
        ),
        round_trips=8,
        why=(
            "If the API lets any origin read its answers with the user's cookies, every website a "
            "customer visits can silently download their conversations and account data."
        ),
    ),
    CheckSpec(
        "edge.exposed",
        "edge",
        "No secrets, repositories, admin or debug routes publicly served",
        Severity.HIGH,
        "host",
        lazy("launchwizard.checks.exposed", "exposed"),
        (
            "OWASP WSTG-CONF-04 (old, backup and unreferenced files)",
            "OWASP WSTG-CONF-05 (admin interfaces)",
            "CWE-538 (file and directory information exposure)",
        ),
        round_trips=10,
        why=(
            "A served .env or .git folder hands out database passwords and the whole source code; a public "
            "admin or debug route is the first thing automated scanners try, minutes after launch."
        ),
    ),
    CheckSpec(
        "edge.ratelimit",
        "edge",
        "Public APIs and forms throttle repeated requests",
        Severity.MEDIUM,
        "ratelimit",
        lazy("launchwizard.checks.ratelimit", "ratelimit"),
        (
            "RFC 6585 §4 (429 Too Many Requests)",
            "RFC 9110 §10.2.3 (Retry-After)",
            "IETF draft-ietf-httpapi-ratelimit-headers",
            "OWASP API Security Top 10: API4 (unrestricted resource consumption)",
        ),
        why=(
            "An unthrottled login lets bots try passwords all night, and an unthrottled chat API lets one "
            "script spend the month's LLM budget in an hour."
        ),
        deadline=_ratelimit_deadline,
    ),
    CheckSpec(
        "dns.takeover",
        "edge",
        "No subdomain points at a service someone else could claim",
        Severity.HIGH,
        "apex",
        lazy("launchwizard.checks.dnsedge", "takeover"),
        (
            "can-i-take-over-xyz (EdOverflow, CC-BY-4.0)",
            "OWASP WSTG-CONF-10 (subdomain takeover)",
            "RFC 1034 §3.6.2 (CNAME)",
        ),
        round_trips=8,
        why=(
            "A CNAME left pointing at a deleted Heroku app, S3 bucket or Azure site can be claimed by "
            "anyone, who then serves phishing pages and reads cookies on the product's own domain."
        ),
    ),
    CheckSpec(
        "dns.caa",
        "edge",
        "CAA limits which CAs may issue certificates, and allows the one in use",
        Severity.LOW,
        "host",
        lazy("launchwizard.checks.dnsedge", "caa"),
        ("RFC 8659 (CAA)", "internet.nl web_caa", "CA/B Forum Baseline Requirements §3.2.2.8 (CAA)"),
        round_trips=6,
        why=(
            "CAA records stop other CAs from issuing certificates for the product's names; records that "
            "leave out the CA actually in use make the next automatic renewal fail."
        ),
    ),
    CheckSpec(
        "cloudflare.zone",
        "edge",
        "Cloudflare zone active, delegated, not paused, development mode off",
        Severity.HIGH,
        "cloudflare",
        lazy("launchwizard.checks.cloudflare", "zone"),
        (
            "Cloudflare API: GET /user/tokens/verify, GET /zones",
            "Cloudflare docs: zone status (active, pending, moved)",
            "Cloudflare docs: Development Mode",
            "RFC 1034 §4.2.2 (delegation)",
        ),
        round_trips=8,
        why=(
            "A zone that is pending, paused or delegated elsewhere means Cloudflare's WAF, DDoS protection "
            "and TLS are not in the path at all, whatever the dashboard shows; development mode sends every "
            "request past the cache to the origin."
        ),
    ),
    CheckSpec(
        "cloudflare.tls",
        "edge",
        "Cloudflare SSL mode Full (strict), Always Use HTTPS on, TLS 1.2 minimum",
        Severity.HIGH,
        "cloudflare",
        lazy("launchwizard.checks.cloudflare", "tls"),
        (
            "Cloudflare docs: SSL/TLS encryption modes (Off, Flexible, Full, Full (strict))",
            "Cloudflare docs: Always Use HTTPS",
            "Cloudflare docs: Minimum TLS Version",
            "RFC 8996 (TLS 1.0 and 1.1 deprecated)",
        ),
        round_trips=6,
        why=(
            "Flexible SSL shows visitors a padlock while Cloudflare fetches every page, login and chat "
            "message from the origin over plain HTTP, one of the most common launch-day mistakes; Full "
            "without strict accepts any certificate at the origin."
        ),
    ),
    CheckSpec(
        "cloudflare.dns",
        "edge",
        "Audited hosts proxied, no DNS-only record exposing the origin, DNSSEC active",
        Severity.HIGH,
        "cloudflare",
        lazy("launchwizard.checks.cloudflare", "dns"),
        (
            "Cloudflare docs: proxied vs DNS-only records",
            "Cloudflare docs: protect your origin server",
            "Cloudflare docs: DNSSEC",
            "RFC 4033 (DNSSEC)",
        ),
        round_trips=26,
        why=(
            "A DNS-only (grey cloud) host bypasses the WAF and DDoS protection, and a DNS-only name such as "
            "mail or ftp on the origin's address tells attackers where to hit it directly."
        ),
    ),
    CheckSpec(
        "cloudflare.waf",
        "edge",
        "A managed WAF ruleset runs; security level on, not left under attack",
        Severity.HIGH,
        "cloudflare",
        lazy("launchwizard.checks.cloudflare", "waf"),
        (
            "Cloudflare docs: WAF managed rules (http_request_firewall_managed)",
            "Cloudflare docs: Security Level",
            "Cloudflare docs: I'm Under Attack mode",
            "OWASP Top 10:2021 A03 (injection)",
        ),
        round_trips=6,
        why=(
            "Without managed WAF rules, the exploits scanners throw at every new site (SQL injection, XSS, "
            "known CVEs) reach the origin; Under Attack mode left on challenges every visitor and breaks "
            "the chat widget's API calls."
        ),
    ),
    CheckSpec(
        "cloudflare.ratelimit",
        "edge",
        "A Cloudflare rate-limiting rule covers the login and chat endpoints",
        Severity.HIGH,
        "cloudflare",
        lazy("launchwizard.checks.cloudflare", "ratelimit"),
        (
            "Cloudflare docs: rate limiting rules (http_ratelimit)",
            "Cloudflare docs: Rules language (fields, operators)",
            "OWASP API Security Top 10: API4 (unrestricted resource consumption)",
            "OWASP Authentication Cheat Sheet: protect against automated attacks",
        ),
        round_trips=6,
        why=(
            "A login without a rate limit lets bots try passwords all night, and a chat API without one lets "
            "a single script spend the month's LLM budget; the edge is the cheapest place to stop both."
        ),
    ),
    CheckSpec(
        "email.spf",
        "email",
        "One valid SPF record within the lookup limits, ending in ~all or -all",
        Severity.HIGH,
        "email",
        lazy("launchwizard.checks.spf", "spf"),
        (
            "RFC 7208 §4.5 (one record)",
            "RFC 7208 §4.6.4 (10 lookups, 2 void lookups)",
            "RFC 7208 §5.1 (all)",
            "RFC 7208 §5.5 (ptr discouraged)",
            "checkdmarc SPF lookup count",
        ),
        round_trips=24,
        why=(
            "Receivers reject or spam-folder mail whose SPF is missing, duplicated, invalid or over the "
            "10-lookup limit, and a record ending in +all or ?all lets anyone send as the product."
        ),
    ),
    CheckSpec(
        "email.spf_senders",
        "email",
        "Every approved sender passes SPF, and strangers do not",
        Severity.HIGH,
        "email",
        lazy("launchwizard.checks.spf", "senders"),
        ("RFC 7208 §4 (check_host)", "RFC 5737 (documentation addresses)"),
        round_trips=24,
        why=(
            "If the product's own mail servers do not get SPF pass, sign-up and alert mail fails DMARC; "
            "if a random address passes, anyone can forge it."
        ),
    ),
    CheckSpec(
        "email.dmarc",
        "email",
        "DMARC policy published, valid and enforcing",
        Severity.HIGH,
        "email",
        lazy("launchwizard.checks.mail", "dmarc"),
        ("RFC 7489 §6 (DMARC record)", "RFC 9989 (DMARCbis tree walk)", "RFC 7489 §7.1 (external reports)"),
        round_trips=10,
        why=(
            "Without an enforcing DMARC policy anyone can send mail as the product's domain: phishing "
            "in your name, and Gmail and Yahoo bulk-sender rules put your own mail in spam."
        ),
    ),
    CheckSpec(
        "email.dkim",
        "email",
        "DKIM keys published and strong",
        Severity.HIGH,
        "email",
        lazy("launchwizard.checks.mail", "dkim"),
        ("RFC 6376 §3.6.1 (key records)", "RFC 8301 (key sizes)", "RFC 8463 (Ed25519)"),
        round_trips=2,
        why=(
            "Receivers check each message's DKIM signature against the published key; a missing, weak or "
            "revoked key makes sign-up and alert mail fail DMARC and land in spam."
        ),
    ),
    CheckSpec(
        "email.mx",
        "email",
        "MX records deliverable (and MTA-STS, TLS-RPT)",
        Severity.HIGH,
        "email",
        lazy("launchwizard.checks.mail", "mx"),
        ("RFC 5321 §5.1", "RFC 7505 (null MX)", "RFC 8461 (MTA-STS)", "RFC 8460 (TLS-RPT)"),
        round_trips=6,
        why=(
            "Replies, bounces and DMARC reports go to the MX hosts; a CNAME, IP literal or unresolvable "
            "target loses that mail, and MTA-STS keeps it from being read in transit."
        ),
    ),
    CheckSpec(
        "email.message",
        "email",
        "A received message passes DKIM, SPF and DMARC alignment",
        Severity.HIGH,
        "email",
        lazy("launchwizard.checks.message", "message"),
        ("RFC 6376 §6 (DKIM verification)", "RFC 7208 §4 (check_host)", "RFC 7489 §3.1 (alignment)"),
        round_trips=12,
        why=(
            "Records can look right while real mail still fails: only a message as received shows that "
            "outbound mail is signed with an aligned key and sent from an authorised server."
        ),
    ),
    CheckSpec(
        "perf.latency",
        "perf",
        "Core routes: p95 latency and error rate within targets",
        Severity.HIGH,
        "site",
        lazy("launchwizard.checks.perf", "latency"),
        ("k6 thresholds: p(95) and http_req_failed", "Google SRE Workbook: latency SLIs"),
        why=(
            "Averages hide the slow requests users remember: the p95 is what one visitor in twenty "
            "waits, and a few per cent of errors under light load become an outage at launch traffic."
        ),
        deadline=_perf_deadline("latency_deadline"),
    ),
    CheckSpec(
        "perf.chat",
        "perf",
        "Chat answers start within seconds and stop at the timeout",
        Severity.HIGH,
        "site",
        lazy("launchwizard.checks.perf", "chat"),
        ("OWASP LLM10:2025 (unbounded consumption: timeouts)", "WHATWG HTML: server-sent events"),
        why=(
            "Users give a chat about three seconds before they think it is broken, and a reply with no "
            "timeout holds a connection and an LLM bill open for as long as the provider hangs."
        ),
        deadline=_perf_deadline("chat_deadline"),
    ),
    CheckSpec(
        "perf.cache",
        "perf",
        "Static files cacheable and served from the edge cache",
        Severity.MEDIUM,
        "site",
        lazy("launchwizard.checks.static", "cache"),
        ("RFC 9111 §5.2 (Cache-Control)", "RFC 9211 (Cache-Status)", "Cloudflare docs: cf-cache-status"),
        round_trips=8,
        why=(
            "Every static file the edge cannot cache is fetched from the origin for every visitor: slower "
            "pages everywhere and an origin that falls over at the first traffic spike."
        ),
    ),
    CheckSpec(
        "perf.bundle",
        "perf",
        "JavaScript on the landing page within the budget",
        Severity.MEDIUM,
        "site",
        lazy("launchwizard.checks.static", "bundle"),
        ("web.dev: performance budgets", "web.dev: reduce JavaScript payloads with code splitting"),
        round_trips=8,
        why=(
            "Every kilobyte of JavaScript is downloaded, parsed and run before the page responds; on a "
            "mid-range phone a few megabytes mean seconds of a frozen page."
        ),
    ),
    CheckSpec(
        "ai.injection",
        "perf",
        "The chat bot resists prompt injection and does not leak",
        Severity.CRITICAL,
        "injection",
        lazy("launchwizard.checks.injection", "injection"),
        (
            "OWASP Top 10 for LLM Applications 2025: LLM01, LLM02, LLM05, LLM06, LLM07, LLM08, LLM10",
            "garak: prompt-extraction n-gram detector",
            "Rebuff: canary words",
        ),
        why=(
            "A bot that can be talked into printing its instructions, another customer's data or a key "
            "leaks them to the first curious user; B2B buyers test exactly this before they sign."
        ),
        deadline=_injection_deadline,
    ),
    CheckSpec(
        "ai.eval",
        "perf",
        "The chat bot still answers the customers' own prompts well",
        Severity.HIGH,
        "eval",
        lazy("launchwizard.checks.customer_eval", "customer_eval"),
        (
            "promptfoo: test cases and deterministic assertions (weight, threshold)",
            "OWASP Top 10 for LLM Applications 2025: LLM09 (misinformation)",
        ),
        why=(
            "A deploy that changes the prompt, the model or the retrieval index can make the bot worse at "
            "the questions customers actually ask; without their own prompts checked after each deploy, "
            "customers are the ones who notice."
        ),
        deadline=_eval_deadline,
    ),
    CheckSpec(
        "logs.redaction",
        "perf",
        "Logs hold no secrets, passwords or customer personal data",
        Severity.HIGH,
        "logs",
        lazy("launchwizard.checks.logscheck", "logs"),
        (
            "CWE-532 (sensitive information in log files)",
            "OWASP Logging Cheat Sheet: data to exclude",
            "GDPR Art. 5(1)(c) (data minimisation)",
        ),
        why=(
            "Logs are copied to log services, laptops and support tickets, and kept for months: a "
            "token or a customer's message in them leaks to everyone who can read logs."
        ),
        budget_s=120.0,
    ),
    CheckSpec(
        "config.env",
        "deploy",
        "Every environment variable the code reads is documented and set in production",
        Severity.HIGH,
        "repo",
        lazy("launchwizard.checks.envcheck", "env"),
        (
            "The Twelve-Factor App: III. Config",
            "Next.js: bundling environment variables for the browser (NEXT_PUBLIC_)",
            "Vite: env variables (VITE_ prefix is exposed to client code)",
        ),
        why=(
            "A variable missing in production crashes the app at the first request that needs it, "
            "and a secret in a NEXT_PUBLIC_ or VITE_ variable is compiled into the JavaScript every "
            "visitor downloads."
        ),
        budget_s=120.0,
    ),
    CheckSpec(
        "deploy.smoke",
        "deploy",
        "Homepage, login, chat and health answer after the deploy",
        Severity.CRITICAL,
        "site",
        lazy("launchwizard.checks.smoke", "smoke"),
        ("Google SRE book: launch checklist (canaries)", "Gatus: failure-threshold"),
        why=(
            "A deploy that broke sign-in or the chat is an outage for every customer until someone "
            "notices; the smoke test notices in the first minute, and tells one dropped request apart "
            "from a broken route."
        ),
        deadline=_smoke_deadline,
    ),
    CheckSpec(
        "monitor.alerts",
        "handover",
        "A test alert reaches the alert channel",
        Severity.HIGH,
        "alerts",
        lazy("launchwizard.checks.alerts", "alerts"),
        ("Google SRE book: launch checklist (monitoring the monitoring)", "Slack: incoming webhooks"),
        round_trips=2,
        why=(
            "A monitor that alerts into a deleted webhook or a channel nobody reads is the same as no "
            "monitor: the first outage is reported by a customer."
        ),
    ),
    # The product's code, read for its own discipline (launchwizard.code): one shared scan.
    CheckSpec(
        "code.timeouts",
        "perf",
        "Every outbound HTTP and LLM call has an explicit timeout",
        Severity.HIGH,
        "repo",
        lazy("launchwizard.checks.codecheck", "timeouts"),
        ("Requests: Timeouts", "openai-python / openai-node: Timeouts", "MDN: AbortSignal.timeout()"),
        why=(
            "The chatbot's first failure in production is a third-party call that never answers: without a "
            "timeout the request holds a worker until the user gives up, and the pile-up takes the app down."
        ),
        budget_s=120.0,
    ),
    CheckSpec(
        "code.retries",
        "core",
        "Background jobs retry with backoff and have a dead-letter path",
        Severity.MEDIUM,
        "repo",
        lazy("launchwizard.checks.codecheck", "retries"),
        ("Celery: Tasks, retrying", "RQ: Retrying failed jobs", "BullMQ: Retrying failing jobs"),
        why=(
            "A job that fails once on a provider's hiccup is lost unless it runs again later, and one that "
            "fails for good vanishes unless it lands where someone sees it."
        ),
        budget_s=120.0,
    ),
    CheckSpec(
        "code.pooling",
        "core",
        "Database clients are created once per process, not per request",
        Severity.HIGH,
        "repo",
        lazy("launchwizard.checks.codecheck", "pooling"),
        (
            "SQLAlchemy: Connection Pooling",
            "Prisma: a single PrismaClient instance",
            "node-postgres: Pooling",
        ),
        why=(
            "A client built per request opens new connections every time: the database's connection limit "
            "is hit under the first real traffic, and every request pays a fresh handshake."
        ),
        budget_s=120.0,
    ),
    CheckSpec(
        "code.errors",
        "core",
        "No silently swallowed errors on request paths; an error-reporting hook exists",
        Severity.MEDIUM,
        "repo",
        lazy("launchwizard.checks.codecheck", "errors"),
        ("OWASP Logging Cheat Sheet", "ESLint: no-empty", "RFC 9110 §15.6 (5xx Server Error)"),
        why=(
            "A swallowed exception turns an outage into a quiet wrong answer: users see nothing useful, "
            "the logs show nothing, and nobody is alerted until customers complain."
        ),
        budget_s=120.0,
    ),
)

CHECK_IDS: tuple[str, ...] = tuple(spec.id for spec in REGISTRY)


class UnknownCheck(ValueError):
    """A `--only` or `--stage` value that names nothing in the registry."""


def select(
    stages: Iterable[str] = (), only: Iterable[str] = (), registry: Sequence[CheckSpec] = REGISTRY
) -> list[CheckSpec]:
    """The checks to run: all, or those of the given stages, narrowed to the given ids."""
    stages, only = list(stages), list(only)
    known = {spec.id for spec in registry}
    unknown = [check for check in only if check not in known]
    if unknown:
        raise UnknownCheck(f"unknown check id {unknown[0]!r}; known: {', '.join(sorted(known))}")
    chosen = [spec for spec in registry if not stages or spec.stage in stages]
    if only:
        chosen = [spec for spec in chosen if spec.id in only]
    return chosen
