"""The rule table: every rule finds its made-up credential, and look-alikes stay quiet.

Positive values come from `launchwizard.demo.fakesecrets` at run time and negatives are
built from fragments or obvious placeholders, so this file holds no key-shaped literal
and the project's own secret scan stays clean.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import struct
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from launchwizard.demo import fakesecrets
from launchwizard.results import Severity
from launchwizard.secrets import filters, jwtinfo
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.model import Finding, secret_hash
from launchwizard.secrets.rules import RULE_IDS, RULES, RULES_BY_ID, Rule

SEEDS = range(5)
SCANNER = Scanner()

# Where each generator's line would typically live; the generic rule reads bare values
# differently in code and in configuration.
LINE_PATHS = {"private-key": "deploy/id_rsa", "gcp-service-account": "secrets/sa.json"}


def scan(text: str, path: str = "config/app.env") -> list[Finding]:
    return SCANNER.scan_text(text, path)


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def expected_capture(rule: str, value: str) -> str:
    """What a rule fingerprints: the value itself, a PEM key's body without layout, or the
    password of a database URL."""
    if rule == "private-key":
        return "".join(value.splitlines()[1:-1])
    if rule == "database-url":
        return urlsplit(value).password or ""
    return value


def test_every_rule_has_a_generator_and_every_generator_a_rule() -> None:
    assert set(RULE_IDS) == set(fakesecrets.RULE_IDS)
    assert len(RULE_IDS) == len(RULES)


@pytest.mark.parametrize("rule", RULE_IDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_rule_finds_its_credential_and_never_reveals_it(rule: str, seed: int) -> None:
    secret = fakesecrets.value(rule, seed)
    findings = scan(fakesecrets.line(rule, seed), LINE_PATHS.get(rule, "config/app.env"))
    assert rules_of(findings) == [rule]
    assert findings[0].secret_hash == secret_hash(expected_capture(rule, secret))
    payload = json.dumps([f.to_json() for f in findings])
    assert secret not in payload
    assert secret[len(secret) // 4 :] not in payload


@pytest.mark.parametrize("rule", [r for r in RULE_IDS if r not in {"private-key", "gcp-service-account"}])
def test_the_same_value_in_two_files_shares_a_hash_not_a_fingerprint(rule: str) -> None:
    line = fakesecrets.line(rule, 7)
    [first] = scan(line, "a/.env")
    [second] = scan(line, "b/.env")
    assert first.secret_hash == second.secret_hash
    assert first.fingerprint != second.fingerprint


def test_rules_are_well_formed() -> None:
    for rule in RULES:
        assert rule.keywords, rule.id
        assert all(k == k.lower() for k in rule.keywords), rule.id
        assert rule.secret_groups, rule.id
        assert rule.severity in set(Severity), rule.id
        assert rule.exposure in {"secret", "publishable", "identifier"}, rule.id
    assert len({rule.id for rule in RULES}) == len(RULES)


def test_a_rule_without_a_secret_group_is_refused() -> None:
    with pytest.raises(ValueError, match="secret group"):
        Rule(
            id="broken",
            provider="x",
            title="x",
            severity=Severity.LOW,
            keywords=("abc",),
            pattern=re.compile("abc"),
        )


def test_upper_case_keywords_are_refused() -> None:
    with pytest.raises(ValueError, match="lower-case"):
        Rule(
            id="broken",
            provider="x",
            title="x",
            severity=Severity.LOW,
            keywords=("ABC",),
            pattern=re.compile("(?P<secret>abc)"),
        )


def _pick(seed: int, alphabet: str, n: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
MARKER = "T3Blbk" + "FJ"

SHAPES = [
    ("openai-api-key", lambda: f"sk-{_pick(1, ALNUM, 20)}{MARKER}{_pick(2, ALNUM, 20)}"),
    ("openai-api-key", lambda: f"sk-svcacct-{_pick(3, URLSAFE, 74)}{MARKER}{_pick(4, URLSAFE, 74)}"),
    ("openai-api-key", lambda: f"sk-admin-{_pick(5, URLSAFE, 74)}{MARKER}{_pick(6, URLSAFE, 74)}"),
    ("aws-access-key-id", lambda: "AS" + "IA" + _pick(7, string.ascii_uppercase + "234567", 16)),
    ("gitlab-token", lambda: "gl" + "dt-" + _pick(8, URLSAFE, 20)),
    ("gitlab-token", lambda: "gl" + "pat-" + _pick(9, URLSAFE, 27) + ".01." + _pick(10, ALNUM, 9)),
    ("github-token", lambda: "gh" + "s_" + _pick(11, ALNUM, 36)),
    (
        "slack-token",
        lambda: (
            "xa"
            + "pp-1-A"
            + _pick(12, "0123456789", 10)
            + "-"
            + _pick(13, "0123456789", 13)
            + "-"
            + _pick(14, HEX, 64)
        ),
    ),
    (
        "slack-token",
        lambda: (
            "xo"
            + "xp-"
            + "-".join(_pick(15 + i, "0123456789", 12) for i in range(3))
            + "-"
            + _pick(19, HEX, 32)
        ),
    ),
    ("stripe-test-key", lambda: "rk" + "_test_" + _pick(20, ALNUM, 99)),
    ("langsmith-api-key", lambda: "lsv2" + "_sk_" + _pick(21, HEX, 32) + "_" + _pick(22, HEX, 10)),
    ("supabase-management-token", lambda: "sb" + "p_v0_" + _pick(23, HEX, 40)),
]


@pytest.mark.parametrize(("rule", "make"), SHAPES)
def test_other_documented_shapes(rule: str, make: Callable[[], str]) -> None:
    value = make()
    findings = scan(f'"credential": "{value}"', "config/app.json")
    assert rules_of(findings) == [rule]
    assert findings[0].secret_hash == secret_hash(value)


def test_mailgun_new_key_shape() -> None:
    value = f"{_pick(24, HEX, 32)}-{_pick(25, HEX, 8)}-{_pick(26, HEX, 8)}"
    [finding] = scan(f"MAILGUN_API_KEY={value}")
    assert finding.rule == "mailgun-api-key"


# --- severities and exposures that carry meaning -------------------------------------


@pytest.mark.parametrize(
    ("rule", "severity", "exposure"),
    [
        ("openai-api-key", Severity.CRITICAL, "secret"),
        ("anthropic-api-key", Severity.CRITICAL, "secret"),
        ("aws-secret-access-key", Severity.CRITICAL, "secret"),
        ("stripe-secret-key", Severity.CRITICAL, "secret"),
        ("stripe-restricted-key", Severity.CRITICAL, "secret"),
        ("stripe-test-key", Severity.LOW, "secret"),
        ("stripe-publishable-key", Severity.INFO, "publishable"),
        ("supabase-service-key", Severity.CRITICAL, "secret"),
        ("supabase-anon-key", Severity.INFO, "publishable"),
        ("supabase-publishable-key", Severity.INFO, "publishable"),
        ("twilio-api-key", Severity.INFO, "identifier"),
        ("private-key", Severity.CRITICAL, "secret"),
        ("database-url", Severity.CRITICAL, "secret"),
        ("gcp-service-account", Severity.CRITICAL, "secret"),
        ("github-token", Severity.HIGH, "secret"),
        ("slack-webhook", Severity.HIGH, "secret"),
        ("jwt", Severity.MEDIUM, "secret"),
        ("generic-secret", Severity.MEDIUM, "secret"),
    ],
)
def test_severity_and_exposure(rule: str, severity: Severity, exposure: str) -> None:
    [finding] = scan(fakesecrets.line(rule, 1), LINE_PATHS.get(rule, "config/app.env"))
    assert (finding.severity, finding.exposure) == (severity, exposure)


def test_a_stripe_test_key_assigned_to_a_secret_name_is_only_the_test_key() -> None:
    findings = scan("STRIPE_SECRET_KEY=" + fakesecrets.value("stripe-test-key", 2))
    assert [(f.rule, f.severity) for f in findings] == [("stripe-test-key", Severity.LOW)]


def test_the_anon_supabase_key_is_publishable_and_the_service_key_is_not() -> None:
    [anon] = scan(fakesecrets.line("supabase-anon-key", 3))
    [service] = scan(fakesecrets.line("supabase-service-key", 3))
    assert (anon.rule, anon.exposure, anon.severity) == ("supabase-anon-key", "publishable", Severity.INFO)
    assert (service.rule, service.exposure) == ("supabase-service-key", "secret")
    assert "Row Level Security" in service.note


def test_a_firebase_web_config_key_is_publishable() -> None:
    key = fakesecrets.value("google-api-key", 4)
    config = f'const firebaseConfig = {{ apiKey: "{key}", authDomain: "acme.firebaseapp.com" }};'
    [finding] = scan(config, "web/src/firebase.js")
    assert (finding.rule, finding.exposure, finding.severity) == (
        "google-api-key",
        "publishable",
        Severity.INFO,
    )


def test_an_expired_jwt_is_noted_and_lowered() -> None:
    token = fakesecrets.jwt({"sub": "user-1", "exp": 1_000_000_000}, random.Random(1))
    [finding] = scan(f'const cached = "{token}";', "web/app.js")
    assert finding.rule == "jwt"
    assert finding.severity == Severity.LOW
    assert "expired 2001-09-09" in finding.note


def test_an_expired_service_role_key_stays_a_finding_one_level_lower() -> None:
    payload = {"iss": "supabase", "ref": "abcdefghijklmnopqrst", "role": "service_role", "exp": 1_000_000_000}
    token = fakesecrets.jwt(payload, random.Random(2))
    [finding] = scan(f"SUPABASE_SERVICE_ROLE_KEY={token}")
    assert (finding.rule, finding.severity) == ("supabase-service-key", Severity.HIGH)


def test_a_database_url_to_a_local_host_is_medium() -> None:
    password = fakesecrets.value("generic-secret", 5).replace("%", "x").replace("#", "y")
    [finding] = scan(f"DATABASE_URL=postgres://app:{password}@localhost:5432/app")
    assert (finding.rule, finding.severity) == ("database-url", Severity.MEDIUM)


@pytest.mark.parametrize(
    "scheme", ["postgresql+asyncpg", "mysql", "mongodb+srv", "rediss", "amqps", "jdbc:sqlserver", "mssql"]
)
def test_database_url_schemes(scheme: str) -> None:
    password = fakesecrets.value("generic-secret", 6).replace("%", "x").replace("#", "y")
    [finding] = scan(f'url = "{scheme}://svc_app:{password}@db.prod.acme.test:1234/app"', "app/settings.py")
    assert (finding.rule, finding.severity) == ("database-url", Severity.CRITICAL)


def test_a_url_with_credentials_but_no_database_scheme_is_not_a_database_url() -> None:
    password = fakesecrets.value("generic-secret", 6).replace("%", "x").replace("#", "y")
    assert scan(f"MIRROR=ftp://svc_app:{password}@files.acme.test/pub") == []


# --- private keys ---------------------------------------------------------------------


def _openssh_key(cipher: bytes, seed: int) -> str:
    rng = random.Random(seed)
    blob = b"openssh-key-v1\x00" + struct.pack(">I", len(cipher)) + cipher + rng.randbytes(400)
    body = base64.b64encode(blob).decode()
    lines = "\n".join(body[i : i + 70] for i in range(0, len(body), 70))
    return f"-----BEGIN OPENSSH PRIVATE KEY-----\n{lines}\n-----END OPENSSH PRIVATE KEY-----\n"


def _pem(label: str, seed: int) -> str:
    return fakesecrets.value("private-key", seed).replace("RSA PRIVATE KEY", label)


@pytest.mark.parametrize(
    "label", ["RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", "PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]
)
def test_pem_private_keys_of_every_label(label: str) -> None:
    text = "before\n" + _pem(label, 2) + "\nafter"
    [finding] = scan(text, "keys/server.key")
    assert (finding.rule, finding.line, finding.column, finding.severity) == (
        "private-key",
        2,
        1,
        Severity.CRITICAL,
    )


def test_encrypted_pem_keys_are_one_level_lower() -> None:
    [finding] = scan(_pem("ENCRYPTED PRIVATE KEY", 3), "keys/server.key")
    assert (finding.rule, finding.severity) == ("private-key", Severity.HIGH)
    assert "passphrase" in finding.note


def test_a_legacy_encrypted_pem_with_headers() -> None:
    body = fakesecrets.value("private-key", 5).split("\n", 1)[1]
    text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n" + body
    [finding] = scan(text, "keys/legacy.key")
    assert (finding.rule, finding.severity) == ("private-key", Severity.HIGH)


def test_openssh_keys_and_their_encryption() -> None:
    [plain] = scan(_openssh_key(b"none", 1), "home/.ssh/id_ed25519")
    [encrypted] = scan(_openssh_key(b"aes256-ctr", 1), "home/.ssh/id_ed25519")
    assert (plain.rule, plain.severity) == ("private-key", Severity.CRITICAL)
    assert (encrypted.rule, encrypted.severity) == ("private-key", Severity.HIGH)


def test_a_putty_key_file() -> None:
    rng = random.Random(9)
    private = "\n".join(base64.b64encode(rng.randbytes(48)).decode() for _ in range(4))
    text = (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\n"
        f"Public-Lines: 1\n{base64.b64encode(rng.randbytes(48)).decode()}\n"
        f"Private-Lines: 4\n{private}\nPrivate-MAC: {rng.randbytes(32).hex()}\n"
    )
    [finding] = scan(text, "keys/deploy.ppk")
    assert (finding.rule, finding.line) == ("private-key", 1)


def test_a_json_escaped_key_matches_the_same_key_in_a_pem_file() -> None:
    pem = fakesecrets.value("private-key", 4)
    service_account = json.dumps({"type": "service_account", "private_key": pem}, indent=2)
    [in_json] = scan(service_account, "secrets/sa.json")
    [in_pem] = scan(pem, "secrets/key.pem")
    assert in_json.rule == "private-key"
    assert in_json.line == 3
    assert in_json.secret_hash == in_pem.secret_hash


@pytest.mark.parametrize(
    "body",
    [
        "...",
        "YOUR_PRIVATE_KEY_HERE",
        "MIIEpAIBAAKCAQEA...(truncated)...",
        "<your key>",
    ],
)
def test_private_key_placeholders(body: str) -> None:
    text = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"
    assert scan(text, "docs/setup.md") == []


# --- things that look like secrets and are not ----------------------------------------

HEX_DIGEST = hashlib.sha256(b"launchwizard").hexdigest()
SHA1_DIGEST = hashlib.sha1(b"launchwizard").hexdigest()
MD5_DIGEST = hashlib.md5(b"launchwizard").hexdigest()
SOME_UUID = str(uuid.UUID(int=0x1234_5678_9ABC_4DEF_8123_4567_89AB_CDEF))
JWT_IO_SAMPLE = fakesecrets.jwt(
    {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}, random.Random(3)
)
NOT_JSON_JWT = (
    base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    + "."
    + base64.urlsafe_b64encode(b"not json at all, just bytes").decode().rstrip("=")
    + ".c2lnbmF0dXJl"
)
SUPABASE_DEMO = fakesecrets.jwt(
    {"iss": "supabase-demo", "role": "service_role", "exp": 1983812996}, random.Random(4)
)

PLACEHOLDERS = [
    ("config/app.env", 'OPENAI_API_KEY="sk-' + "x" * 48 + '"'),
    ("config/app.env", "OPENAI_API_KEY=sk-xxxx…"),
    ("config/app.env", "OPENAI_API_KEY=YOUR_KEY_HERE"),
    ("config/app.yaml", "api_key: your-api-key"),
    ("app/settings.py", 'password = "changeme"'),
    ("app/settings.py", 'SECRET_KEY = "placeholder-for-the-real-secret"'),
    ("config/app.yaml", 'token: "dummy-token-value-123"'),
    ("config/app.env", "API_TOKEN=<token>"),
    ("config/app.yaml", 'password: "{{ vault_db_password }}"'),
    ("config/app.env", "DB_PASSWORD=${DB_PASSWORD}"),
    ("config/app.yaml", 'client_secret: "********"'),
    ("app/settings.py", 'secret = "[REDACTED]"'),
    ("config/app.env", "STRIPE_KEY=sk_live_" + "EXAMPLE" + "0" * 24),
    ("config/app.env", "STRIPE_KEY=sk_live_" + "0123456789abcdef" * 2),
    ("app/settings.py", 'token = "' + "a" * 24 + '"'),
    ("app/settings.py", 'api_key = "sk-proj-..."'),
    ("README.md", "Set `OPENAI_API_KEY` to your key, e.g. `sk-...`"),
    ("config/aws.ini", "aws_access_key_id = AKIA" + "IOSFODNN7" + "EXAMPLE"),
    ("config/aws.ini", "aws_secret_access_key = wJalrXUtnFEMI" + "/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"),
    ("config/app.env", "SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/" + "X" * 24),
    ("config/app.env", "SLACK_BOT_TOKEN=xoxb-not-a-real-token-this-will-not-work"),
]

HASHES_AND_IDS = [
    ("app/settings.py", f'CHECKSUM = "{HEX_DIGEST}"'),
    ("app/settings.py", f'password_hash = "{SHA1_DIGEST}"'),
    ("app/settings.py", f'API_TOKEN = "{SOME_UUID}"'),
    ("Dockerfile", f"ARG TOKEN_SHA256={HEX_DIGEST}"),
    ("config/app.yaml", f"secret_id: {SOME_UUID}"),
    ("app/models.py", f'request_id = "{SOME_UUID}"  # from the postmark webhook'),
    ("app/hooks.py", f'checksum = "{MD5_DIGEST}"  # twilio payload hash'),
    ("app/pinecone_client.py", f'index_id = "{SOME_UUID}"'),
    ("web/index.html", '<script integrity="sha384-' + "A1b2C3d4" * 6 + '"></script>'),
    ("app/settings.py", 'password_hash = "$2b$12$' + "abcdefghijklmnopqrstuv" + '"'),
]

REFERENCES = [
    ("app/settings.py", 'SECRET_KEY = os.environ["SECRET_KEY"]'),
    ("app/settings.py", 'SECRET_KEY = os.getenv("SECRET_KEY", "")'),
    ("web/app.js", "const apiKey = process.env.OPENAI_API_KEY;"),
    ("web/app.ts", "const apiKey = import.meta.env.VITE_API_KEY;"),
    ("app/settings.py", "password = settings.DB_PASSWORD"),
    ("app/client.py", "token = get_token()"),
    ("app/client.py", "access_token = refreshed_access_value"),
    ("app/client.py", "token = self.session.token"),
    (".github/workflows/ci.yml", "token: ${{ secrets.GITHUB_TOKEN }}"),
    ("config/app.yaml", "password: true"),
    ("config/app.env", "API_TOKEN=12345678901234"),
    ("app/client.py", 'token = "short"'),
    ("web/types.ts", "  apiKey: string;"),
    ("web/schema.ts", "  password: z.string().min(8),"),
    ("app/auth.py", "def check_password(password: str) -> bool:"),
    ("config/app.yaml", "secretName: tls-cert-store"),
    ("config/app.yaml", "  password: !vault |"),
    ("app/limits.py", "MAX_TOKENS = 4096"),
    ("app/auth.py", 'token_type = "bearer_token_type"'),
    ("web/dist/app.js", 'e.password=t.password||"",e.token=n.token'),
    ("infra/main.tf", "password = var.db_password"),
    ("src/Db.cs", 'Password = Configuration["Db:Password"];'),
    ("cmd/main.go", 'password := os.Getenv("DB_PASSWORD")'),
    ("config/app.rb", "password: ENV.fetch('DB_PASSWORD')"),
    ("config/app.yaml", "token: GITHUB_TOKEN_FROM_CI"),
    ("config/app.yaml", "private_key: /etc/ssl/private/server.key"),
    ("config/app.yaml", "client_secret: client-secret.json"),
    ("app/client.py", 'headers = {"Authorization": f"Bearer {token}"}'),
    ("README.md", "  password: '" + base64.b64encode(b"not my real password").decode() + "',"),
    ("lib/errors.js", "const UNEXPECTED_TOKEN = /^Unexpected token '?(.)'?(,)? /i"),
    ("api/list.json", '{"next_page_token": "' + base64.b64encode(b"\x0a\x0cpage-two-of-9").decode() + '"}'),
    ("web/form.html", '<input name="csrf_token" value="' + _pick(30, ALNUM, 32) + '">'),
]

DATABASE_PLACEHOLDERS = [
    ("config/app.env", "DATABASE_URL=postgres://user:password@localhost:5432/db"),
    ("config/app.env", "DATABASE_URL=postgres://postgres:postgres@localhost/app"),
    ("docker-compose.yml", "REDIS_URL=redis://default:redis@redis:6379"),
    ("config/app.env", "DATABASE_URL=postgres://app:${DB_PASSWORD}@db.acme.test/app"),
    ("README.md", "mongodb+srv://<username>:<password>@cluster0.mongodb.net/"),
    ("app/cache.py", 'url = "redis://:%s@%s:%d" % (password, host, port)'),
    ("docker-compose.yml", 'AMQP_URL: "amqp://guest:guest@rabbitmq:5672/"'),
    ("README.md", "postgresql://USER:PASSWORD@HOST:5432/DATABASE"),
]

JWT_LOOKALIKES = [
    ("README.md", f"Authorization: Bearer {JWT_IO_SAMPLE}"),
    ("web/app.js", f'const t = "{NOT_JSON_JWT}";'),
    ("supabase/docker/.env", f"SERVICE_ROLE_KEY={SUPABASE_DEMO}"),
]


@pytest.mark.parametrize(
    ("path", "text"), PLACEHOLDERS + HASHES_AND_IDS + REFERENCES + DATABASE_PLACEHOLDERS + JWT_LOOKALIKES
)
def test_not_a_finding(path: str, text: str) -> None:
    assert rules_of(scan(text, path)) == []


def test_keyword_context_rules_need_their_keyword_nearby() -> None:
    """Far from the word "twilio" a 32-hex auth token is no Twilio finding; behind a
    credential name the generic rule still reports it as a secret."""
    token = fakesecrets.value("twilio-auth-token", 1)
    far = "TWILIO_ACCOUNT = 'acme'\n" + "# filler line\n" * 40 + f"AUTH_TOKEN = '{token}'\n"
    assert rules_of(scan(f"TWILIO_AUTH_TOKEN={token}")) == ["twilio-auth-token"]
    assert rules_of(scan(far)) == ["generic-secret"]
    uuid_value = fakesecrets.value("postmark-server-token", 1)
    assert rules_of(scan(f'SERVER_TOKEN = "{uuid_value}"', "app/mail.py")) == ["generic-secret"]
    assert rules_of(scan(f'message_id = "{uuid_value}"  # postmark', "app/mail.py")) == []


def test_generic_rule_reads_bare_values_as_literals_only_outside_code() -> None:
    value = fakesecrets.value("generic-secret", 8)
    assert rules_of(scan(f"API_TOKEN={value}", "config/.env.production")) == ["generic-secret"]
    assert rules_of(scan("API_TOKEN=refreshedTokenValue", "app/client.py")) == []
    assert rules_of(scan("api_token = upstream_token_value", "app/client.py")) == []
    assert rules_of(scan("{token:tokenValue2,id:1}", "https://app.acme.test/static/main.js?v=2")) == []


@pytest.mark.parametrize(
    "template",
    [
        'DB_PASSWORD="{v}"',
        "client_secret: '{v}'",
        '"apiKey": "{v}",',
        "spring.datasource.password={v}",
        '$config["secret"] => "{v}";',
        'password := "{v}"',
        'aws.secret_key = "{v}"',
        '{{\\"api_key\\":\\"{v}\\"}}',
    ],
)
def test_generic_rule_shapes(template: str) -> None:
    value = fakesecrets.value("generic-secret", 9)
    assert rules_of(scan(template.format(v=value), "config/app.conf")) == ["generic-secret"]


# --- filters and JWT decoding ---------------------------------------------------------


def test_entropy() -> None:
    assert filters.shannon_entropy("") == 0.0
    assert filters.shannon_entropy("aaaa") == 0.0
    assert filters.shannon_entropy("abcd") == pytest.approx(2.0)


@pytest.mark.parametrize("value", ["aaaaaaaa", "0123456789abcdef", "zyxwvu12", "ABCDEFGH", "98765432"])
def test_keyboard_runs_are_rejected(value: str) -> None:
    assert filters.rejects_value(value)


@pytest.mark.parametrize("rule", RULE_IDS)
def test_generated_credentials_are_not_mistaken_for_placeholders(rule: str) -> None:
    for seed in SEEDS:
        assert not filters.rejects_value(fakesecrets.value(rule, seed)) or not RULES_BY_ID[rule].value_checks


def test_jwt_decoding() -> None:
    token = fakesecrets.value("supabase-service-key", 1)
    info = jwtinfo.decode(token)
    assert info is not None
    assert (info.role, info.issuer, info.is_supabase(), info.expired(now=0)) == (
        "service_role",
        "supabase",
        True,
        False,
    )
    assert jwtinfo.decode("a.b") is None
    assert jwtinfo.decode(NOT_JSON_JWT) is None
    sample = jwtinfo.decode(JWT_IO_SAMPLE)
    assert sample is not None and sample.is_documentation_example()
