"""The generic assignment rule and the provider rules of saas_rules.py: true and false
examples of each, written from the documented formats.

As in test_secrets_rules.py, every key-shaped value is generated at run time (by
`launchwizard.demo.fakesecrets` or here from a seed), so this file holds none.
"""

from __future__ import annotations

import hashlib
import random
import string

import pytest

from launchwizard.demo import fakesecrets
from launchwizard.results import Severity
from launchwizard.secrets import names
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.model import Finding
from launchwizard.secrets.saas_rules import SAAS_RULES

SCANNER = Scanner()
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits


def scan(text: str, path: str = "config/app.env") -> list[Finding]:
    return SCANNER.scan_text(text, path)


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def _pick(seed: int, alphabet: str, n: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


HEX64 = _pick(1, HEX, 64)
HEX32 = _pick(2, HEX, 32)
B64 = _pick(3, ALNUM + "+/", 43) + "="
B62 = _pick(4, ALNUM, 40)
UUID4 = f"{HEX32[:8]}-{HEX32[8:12]}-4{HEX32[13:16]}-a{HEX32[17:20]}-{HEX32[20:]}"

# (path, text): a random-looking value behind a credential name, in every syntax a
# repository holds it in.
GENERIC_POSITIVES = [
    (".env.production", f"JWT_SECRET={HEX64}"),
    (".env", f'export NEXTAUTH_SECRET="{B64}"'),
    ("config/settings.yaml", f"session:\n  signing_key: {HEX64}"),
    ("config/app.json", f'{{"auth": {{"clientSecret": "{B62}"}}}}'),
    ("config/app.toml", f'[server]\nsecret_key_base = "{HEX64}{HEX64}"'),
    ("config/app.ini", f"[crypto]\nencryption_key = {B64}"),
    ("config/app.ini", f"PASSWORD_SALT={B62}"),
    ("app/settings.py", f'SECRET_KEY = "{B62}"'),
    ("app/settings.py", f'JWT_SECRET = os.environ.get("JWT_SECRET", "{HEX64}")'),
    ("web/server.ts", f'const hmacKey = process.env.HMAC_KEY || "{HEX32}";'),
    ("cmd/main.go", f'var webhookSigningSecret string = "{B62}"'),
    ("src/Config.java", f'private static final String API_TOKEN = "{UUID4}";'),
    ("config/app.xml", f"<dbPassword>\n    {B62}\n</dbPassword>"),
    ("Makefile", f'DEPLOY_TOKEN ?= "{B62}"'),
    ("config/app.php", f'$privateKey .= "{HEX64}";'),
    ("config/app.env", f"APP_KEY=base64:{B64}"),
]

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
GENERIC_NEGATIVES = [
    (".env.production", "JWT_SECRET=" + "0" * 64),
    (".env.production", "JWT_SECRET=replace-with-64-hex-characters"),
    (".env.production", f"JWT_SECRET={EMPTY_SHA256}"),
    (".env.production", "JWT_SECRET=<generate with openssl rand -hex 32>"),
    ("config/app.yaml", f"public_key: {B62}"),
    ("config/app.yaml", f"credentialsId: {UUID4}"),
    ("config/app.yaml", f"token_type: {B62}"),
    ("config/app.yaml", f"cache_key: {HEX64}"),
    ("config/app.yaml", f"sort_key: {B62}"),
    ("app/limits.py", "MAX_TOKENS = 4096"),
    ("app/crypto.py", "key_length = XSalsa20.key_length"),
    ("app/ui.js", "const keyPressed = event.key === 'Enter';"),
    ("config/app.ini", "auth_source = sm02915.int.contoso.com"),
    ("pom.properties", "notes = io.jsonwebtoken:jjwt-jackson-0.11.2"),
    ("config/app.yaml", f"signing_key_id: {UUID4}"),
    ("config/app.yaml", "monkey = bananas-and-more-bananas"),
    ("README.md", "Wrap it like <token>your value</token> in the template"),
    ("Dockerfile", "RUN --mount=type=secret,id=npm_token npm ci"),
]


@pytest.mark.parametrize(("path", "text"), GENERIC_POSITIVES)
def test_a_random_value_behind_a_credential_name_is_reported(path: str, text: str) -> None:
    findings = scan(text, path)
    assert rules_of(findings) == ["generic-secret"], text
    assert findings[0].severity is Severity.MEDIUM


@pytest.mark.parametrize(("path", "text"), GENERIC_NEGATIVES)
def test_placeholders_public_values_and_other_names_are_not(path: str, text: str) -> None:
    assert rules_of(scan(text, path)) == []


def test_the_issue_case_a_64_hex_jwt_secret_in_env_production() -> None:
    [finding] = scan(f"# auth\nJWT_SECRET={HEX64}\n", ".env.production")
    assert (finding.rule, finding.line, finding.column) == ("generic-secret", 2, 12)
    assert HEX64 not in repr(finding)


@pytest.mark.parametrize(
    ("name", "strength"),
    [
        ("JWT_SECRET", names.Strength.LOOSE),
        ("dbPassword", names.Strength.LOOSE),
        ("apiKey", names.Strength.LOOSE),
        ("SECRET_KEY_BASE", names.Strength.LOOSE),
        ("ENCRYPTION_KEY", names.Strength.STRONG),
        ("PASSWORD_SALT", names.Strength.LOOSE),
        ("salt", names.Strength.STRONG),
        ("JWT_SIGNING", names.Strength.STRONG),
        ("token_type", None),
        ("max_tokens", None),
        ("credentialsId", None),
        ("public_key", None),
        ("keyboard", None),
        ("turkey", None),
        ("primary_key", None),
    ],
)
def test_names(name: str, strength: names.Strength | None) -> None:
    verdict = names.judge_name(name)
    assert (verdict.strength if verdict else None) is strength


# --- provider rules ---------------------------------------------------------------------

SAAS_IDS = [rule.id for rule in SAAS_RULES]
SELF_NAMED = {"mailchimp-api-key", "newrelic-license-key"}
"""Near rules whose keyword is part of the key itself (`-us19`, `NRAL`)."""
NEAR_IDS = [rule.id for rule in SAAS_RULES if rule.near and rule.id not in SELF_NAMED]


def _stand_in(value: str) -> str:
    """The documented shape with its random half written as x: a documentation example."""
    keep = len(value) // 2
    return value[:keep] + "x" * (len(value) - keep)


@pytest.mark.parametrize("rule", SAAS_IDS)
def test_each_provider_rule_finds_its_documented_format(rule: str) -> None:
    for seed in range(3):
        assert rules_of(scan(fakesecrets.line(rule, seed))) == [rule], fakesecrets.line(rule, seed)


@pytest.mark.parametrize("rule", SAAS_IDS)
def test_each_provider_rule_ignores_a_documentation_stand_in(rule: str) -> None:
    value = fakesecrets.value(rule, 1)
    assert scan(fakesecrets.line(rule, 1).replace(value, _stand_in(value))) == []


@pytest.mark.parametrize("rule", NEAR_IDS)
def test_unprefixed_formats_need_the_provider_nearby(rule: str) -> None:
    assert rule not in rules_of(scan(f"build {fakesecrets.value(rule, 2)} passed", "ci/log.txt"))


def _discord_with_a_name_for_an_id(seed: int) -> str:
    value = fakesecrets.value("discord-bot-token", seed)
    return "MTk" + "abcdXYZ" + value[10:]


# (rule, text): a near miss of each format, that rule must not report.
PROVIDER_NEGATIVES = [
    ("paddle-api-key", "PADDLE_KEY=pdl_live_apikey_short"),
    ("telegram-bot-token", f"telegram: 1234:A{_pick(5, ALNUM, 34)}"),
    ("telegram-bot-token", f'type="clm20310:A{_pick(6, string.ascii_letters, 34)}" # telegram'),
    ("vault-legacy-token", "vault: s.AcceptanceTimeoutSecondsX"),
    ("slack-token", "SLACK_BOT_TOKEN=xoxb-12345-abcd234"),
    ("slack-token", "token: xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere"),
    ("discord-bot-token", f"discord bot: {_discord_with_a_name_for_an_id(3)}"),
    ("notion-token", "NOTION_TOKEN=secret_" + "abcdefghij" * 4 + "klm"),
    ("sentry-token", "SENTRY_AUTH_TOKEN=sntrys_eyJ" + _pick(7, ALNUM, 60) + "_" + _pick(8, ALNUM, 43)),
    ("okta-api-token", f"rookTable = 00{_pick(9, ALNUM, 40)}"),
    ("mailchimp-api-key", f"MAILCHIMP_KEY={HEX32}-eu1"),
    ("brevo-api-key", "BREVO_API_KEY=xkeysib-" + "abcdef" * 10 + "abcd-1234567890abcd12"),
]


@pytest.mark.parametrize(("rule", "text"), PROVIDER_NEGATIVES)
def test_near_misses_of_documented_formats(rule: str, text: str) -> None:
    assert rule not in rules_of(scan(text))


def test_a_search_only_algolia_key_is_publishable_and_an_admin_key_is_not() -> None:
    value = fakesecrets.value("algolia-api-key", 4)
    [search] = scan(f"ALGOLIA_SEARCH_KEY={value}")
    [admin] = scan(f"ALGOLIA_ADMIN_KEY={value}")
    assert (search.exposure, search.severity) == ("publishable", Severity.INFO)
    assert (admin.exposure, admin.severity) == ("secret", Severity.HIGH)


def test_a_clerk_key_is_told_from_a_stripe_key_by_its_company() -> None:
    value = fakesecrets.value("clerk-secret-key", 5)
    assert rules_of(scan(f"CLERK_SECRET_KEY={value}")) == ["clerk-secret-key"]
    assert rules_of(scan(f"STRIPE_SECRET_KEY={value}")) == ["stripe-secret-key"]


def test_sandbox_payment_keys_are_low() -> None:
    for rule in ("paddle-sandbox-api-key", "braintree-sandbox-access-token"):
        [finding] = scan(fakesecrets.line(rule, 6))
        assert finding.severity is Severity.LOW, rule
