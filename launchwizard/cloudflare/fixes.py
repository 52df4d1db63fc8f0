"""How to fix each Cloudflare finding: where to click, the API call, the Terraform resource.

The API calls change the zone, so they need a token with the matching Edit permission:
launchwizard's own token only reads. Terraform resources are those of the Cloudflare
provider v5 (`cloudflare_zone_setting`, `cloudflare_ruleset`, `cloudflare_dns_record`,
`cloudflare_zone_dnssec`, `cloudflare_zone`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MANAGED_RULESET = "efb7b8c949ac4650a09736fc376e9aee"
"""The Cloudflare Managed Ruleset (Pro plans and above)."""
KNOWN_RULESETS = {
    MANAGED_RULESET: "Cloudflare Managed Ruleset",
    "4814384a9e5d4991b9815dcfc25d2f1f": "Cloudflare OWASP Core Ruleset",
    "c2e184081120413c86c3ab7e14069605": "Cloudflare Exposed Credentials Check",
    "77454fe2d30c4220b5701f6fdfb893ba": "Cloudflare Free Managed Ruleset",
}
EDIT_TOKEN = "$CLOUDFLARE_EDIT_TOKEN"


@dataclass(frozen=True)
class Api:
    """Where the zone lives in the API, to write calls the operator can paste."""

    root: str
    zone_id: str

    def call(self, method: str, path: str, body: Any, permission: str) -> str:
        data = json.dumps(body, separators=(",", ":"))
        return (
            f'API (a token with {permission}): curl -X {method} "{self.root}/zones/{self.zone_id}{path}" '
            f'-H "Authorization: Bearer {EDIT_TOKEN}" -H "Content-Type: application/json" --data \'{data}\''
        )


def _terraform(resource: str, name: str, attributes: str) -> str:
    return f'Terraform: resource "{resource}" "{name}" {{ {attributes} }}'


def setting(api: Api, setting_id: str, value: str, dashboard: str, before: str = "") -> str:
    """Fix for one zone setting: the dashboard path, the PATCH call, the Terraform resource."""
    steps = [
        f"Dashboard: {dashboard}.",
        api.call("PATCH", f"/settings/{setting_id}", {"value": value}, "Zone Settings: Edit") + ".",
        _terraform(
            "cloudflare_zone_setting",
            setting_id,
            f'zone_id = "{api.zone_id}", setting_id = "{setting_id}", value = "{value}"',
        )
        + ".",
    ]
    return " ".join([before, *steps] if before else steps)


SSL_STRICT = (
    "Give the origin a certificate Cloudflare can validate first (a public one, or a free Cloudflare "
    "Origin CA certificate: SSL/TLS > Origin Server > Create Certificate), then switch to Full (strict)."
)


def ssl_strict(api: Api) -> str:
    return setting(api, "ssl", "strict", "SSL/TLS > Overview > Configure > Full (strict)", SSL_STRICT)


def always_https(api: Api) -> str:
    return setting(api, "always_use_https", "on", "SSL/TLS > Edge Certificates > Always Use HTTPS: On")


def min_tls(api: Api) -> str:
    return setting(
        api, "min_tls_version", "1.2", "SSL/TLS > Edge Certificates > Minimum TLS Version: TLS 1.2"
    )


def development_mode_off(api: Api) -> str:
    return setting(api, "development_mode", "off", "Caching > Configuration > Development Mode: Off")


def security_level(api: Api) -> str:
    return setting(api, "security_level", "medium", "Security > Settings > Security Level: Medium")


def under_attack_off(api: Api) -> str:
    return setting(
        api,
        "security_level",
        "medium",
        "Overview > Under Attack Mode: Off (or Security > Settings > Security Level: Medium)",
        "Once the attack is over, go back to a normal level: Under Attack mode challenges every visitor "
        "and breaks API clients and the chat widget's calls.",
    )


def managed_waf(api: Api, ruleset_id: str) -> str:
    """Deploy the Cloudflare Managed Ruleset into the zone's managed-rules phase."""
    rule = {
        "action": "execute",
        "action_parameters": {"id": MANAGED_RULESET},
        "expression": "true",
        "description": "Cloudflare Managed Ruleset",
    }
    if ruleset_id:
        call = api.call("POST", f"/rulesets/{ruleset_id}/rules", rule, "Zone WAF: Edit")
    else:
        path = "/rulesets/phases/http_request_firewall_managed/entrypoint"
        call = api.call("PUT", path, {"rules": [rule]}, "Zone WAF: Edit")
    terraform = _terraform(
        "cloudflare_ruleset",
        "managed_waf",
        f'zone_id = "{api.zone_id}", name = "Managed WAF", kind = "zone", '
        'phase = "http_request_firewall_managed", rules = [{ action = "execute", '
        f'action_parameters = {{ id = "{MANAGED_RULESET}" }}, expression = "true" }}]',
    )
    return (
        "Dashboard: Security > WAF > Managed rules > Deploy the Cloudflare Managed Ruleset (Pro plan and "
        "above; on the Free plan the Cloudflare Free Managed Ruleset, ruleset "
        "77454fe2d30c4220b5701f6fdfb893ba). "
        f"{call}. {terraform}."
    )


def enable_rule(api: Api, ruleset_id: str, rule_id: str) -> str:
    return (
        "Dashboard: Security > WAF > Managed rules: switch the managed ruleset on (and its action off Log). "
        + api.call(
            "PATCH",
            f"/rulesets/{ruleset_id}/rules/{rule_id}",
            {"enabled": True, "action": "execute"},
            "Zone WAF: Edit",
        )
        + "; in Terraform remove `enabled = false` from the rule of the cloudflare_ruleset."
    )


def proxy_record(api: Api, host: str, record_id: str) -> str:
    path = f"/dns_records/{record_id or '<record id>'}"
    return (
        f"Dashboard: DNS > Records > Edit {host} > Proxy status: Proxied (the orange cloud). "
        + api.call("PATCH", path, {"proxied": True}, "DNS: Edit")
        + ". Terraform: set `proxied = true` on its cloudflare_dns_record. Then let the origin's firewall "
        "accept web traffic only from Cloudflare's published IP ranges."
    )


def add_record(api: Api, host: str) -> str:
    record = {"type": "A", "name": host, "content": "<origin address>", "proxied": True}
    return (
        f"Dashboard: DNS > Records > Add record: {host}, type A/AAAA (the origin) or CNAME, Proxy status: "
        f"Proxied. {api.call('POST', '/dns_records', record, 'DNS: Edit')}. Terraform: a "
        "cloudflare_dns_record "
        f'with name = "{host}" and proxied = true.'
    )


def hide_origin(name: str, address: str, proxied_hosts: list[str]) -> str:
    shown = ", ".join(proxied_hosts[:3])
    return (
        f"{name} publishes {address}, the origin behind {shown}. Either proxy {name} (DNS > Records > "
        "Edit > Proxy status: Proxied), or move what "
        f"it serves (mail, FTP, SSH) to another address, then change the origin's address (the old one is "
        "known) and let its firewall accept web traffic only from Cloudflare's IP ranges."
    )


def enable_dnssec(api: Api) -> str:
    return (
        "Dashboard: DNS > Settings > DNSSEC > Enable DNSSEC, then add the DS record it shows at the "
        "registrar. "
        + api.call("PATCH", "/dnssec", {"status": "active"}, "DNS: Edit")
        + ". "
        + _terraform("cloudflare_zone_dnssec", "zone", f'zone_id = "{api.zone_id}", status = "active"')
        + "."
    )


def delegate(name_servers: tuple[str, ...]) -> str:
    listed = ", ".join(name_servers) or "the name servers shown on the zone's Overview page"
    return (
        f"At the registrar, set the name servers of the domain to exactly {listed} (and nothing else); "
        "Cloudflare activates the zone once it sees them (Dashboard: Overview > Check nameservers now)."
    )


def resume(api: Api) -> str:
    return (
        "Dashboard: Overview > Advanced actions > Resume Cloudflare on Site. "
        + api.call("PATCH", "", {"paused": False}, "Zone: Edit")
        + ". Terraform: set `paused = false` on the cloudflare_zone."
    )


@dataclass(frozen=True)
class RateRule:
    """A rate-limiting rule to paste for one route: it works on every plan (the Free plan
    allows only the path field, a 10 s period and a 10 s timeout)."""

    route: str
    path: str
    requests: int
    period: int = 10
    timeout: int = 10

    @property
    def expression(self) -> str:
        return f'(http.request.uri.path eq "{_escaped(self.path)}")'

    def to_json(self) -> dict[str, Any]:
        return {
            "description": f"Throttle {self.route} ({self.path})",
            "expression": self.expression,
            "action": "block",
            "ratelimit": {
                "characteristics": ["cf.colo.id", "ip.src"],
                "period": self.period,
                "requests_per_period": self.requests,
                "mitigation_timeout": self.timeout,
            },
        }


def _escaped(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')


def add_rate_rule(api: Api, ruleset_id: str, rule: RateRule) -> str:
    """Where to click, the API call and the Terraform for one missing rate limit."""
    body = rule.to_json()
    if ruleset_id:
        call = api.call("POST", f"/rulesets/{ruleset_id}/rules", body, "Zone WAF: Edit")
    else:
        call = api.call(
            "PUT", "/rulesets/phases/http_ratelimit/entrypoint", {"rules": [body]}, "Zone WAF: Edit"
        )
    expression = rule.expression.replace('"', '\\"')
    terraform = _terraform(
        "cloudflare_ruleset",
        "rate_limits",
        f'zone_id = "{api.zone_id}", name = "Rate limits", kind = "zone", phase = "http_ratelimit", '
        f'rules = [{{ description = "{body["description"]}", expression = "{expression}", action = "block", '
        f'ratelimit = {{ characteristics = ["cf.colo.id", "ip.src"], period = {rule.period}, '
        f"requests_per_period = {rule.requests}, mitigation_timeout = {rule.timeout} }} }}]",
    )
    return (
        f"Dashboard: Security > WAF > Rate limiting rules > Create rule: when URI Path equals {rule.path}, "
        f"with the same IP, more than {rule.requests} requests per {rule.period} s, then Block for "
        f"{rule.timeout} s (on Pro and above a 60 s period and a 600 s block hold attackers off longer). "
        f"{call}. {terraform}."
    )
