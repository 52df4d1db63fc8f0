"""Made-up credentials in each provider's documented format, for the lab, tests and benchmarks.

Values are generated from a seed at run time, so no key-shaped string is ever written into
this repository (our own scan of it stays clean) and every run plants the same values.
None of them is or was ever a real credential.

`value(rule, seed)` is the bare credential; `line(rule, seed)` is a realistic line of code
or configuration holding it, with whatever context word the rule needs (a Twilio auth
token is only recognisable next to the word "twilio").
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_HEX = "0123456789abcdef"
URLSAFE = ALNUM + "-_"
BASE64 = ALNUM + "+/"
BASE32_UPPER = string.ascii_uppercase + "234567"


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(payload: dict[str, object], rng: random.Random) -> str:
    """An HS256-shaped JWT with the given payload and a random signature."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    return f"{header}.{body}.{_pick(rng, URLSAFE, 43)}"


def _pem(rng: random.Random, label: str, lines: int = 12) -> str:
    body = "\n".join(_pick(rng, BASE64, 64) for _ in range(lines))
    return f"-----BEGIN {label}-----\n{body}\n{_pick(rng, BASE64, 40)}==\n-----END {label}-----"


def _uuid(rng: random.Random) -> str:
    h = _pick(rng, LOWER_HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


_VALUES: dict[str, Callable[[random.Random], str]] = {
    "openai-api-key": lambda r: f"sk-proj-{_pick(r, URLSAFE, 74)}T3BlbkFJ{_pick(r, URLSAFE, 74)}",
    "anthropic-api-key": lambda r: f"sk-ant-api03-{_pick(r, URLSAFE, 93)}AA",
    "anthropic-admin-key": lambda r: f"sk-ant-admin01-{_pick(r, URLSAFE, 93)}AA",
    "google-api-key": lambda r: f"AIza{_pick(r, URLSAFE, 35)}",
    "gcp-service-account": lambda r: _pick(r, LOWER_HEX, 40),
    "aws-access-key-id": lambda r: f"AKIA{_pick(r, BASE32_UPPER, 16)}",
    "aws-secret-access-key": lambda r: _pick(r, BASE64, 40),
    "azure-storage-key": lambda r: _pick(r, BASE64, 86) + "==",
    "azure-ad-client-secret": lambda r: f"{_pick(r, ALNUM, 3)}8Q~{_pick(r, ALNUM + '_-', 34)}",
    "stripe-secret-key": lambda r: f"sk_live_{_pick(r, ALNUM, 99)}",
    "stripe-restricted-key": lambda r: f"rk_live_{_pick(r, ALNUM, 99)}",
    "stripe-test-key": lambda r: f"sk_test_{_pick(r, ALNUM, 99)}",
    "stripe-webhook-secret": lambda r: f"whsec_{_pick(r, ALNUM, 32)}",
    "stripe-publishable-key": lambda r: f"pk_live_{_pick(r, ALNUM, 99)}",
    "github-token": lambda r: f"ghp_{_pick(r, ALNUM, 36)}",
    "github-fine-grained-pat": lambda r: f"github_pat_{_pick(r, UPPER_ALNUM, 22)}_{_pick(r, ALNUM, 59)}",
    "gitlab-token": lambda r: f"glpat-{_pick(r, URLSAFE, 20)}",
    "slack-token": lambda r: (
        f"xoxb-{_pick(r, string.digits, 12)}-{_pick(r, string.digits, 13)}-{_pick(r, ALNUM, 24)}"
    ),
    "slack-webhook": lambda r: (
        f"https://hooks.slack.com/services/T{_pick(r, UPPER_ALNUM, 10)}"
        f"/B{_pick(r, UPPER_ALNUM, 10)}/{_pick(r, ALNUM, 24)}"
    ),
    "discord-webhook": lambda r: (
        f"https://discord.com/api/webhooks/{_pick(r, string.digits, 19)}/{_pick(r, URLSAFE, 68)}"
    ),
    "twilio-api-key": lambda r: f"SK{_pick(r, LOWER_HEX, 32)}",
    "twilio-auth-token": lambda r: _pick(r, LOWER_HEX, 32),
    "sendgrid-api-key": lambda r: f"SG.{_pick(r, URLSAFE, 22)}.{_pick(r, URLSAFE, 43)}",
    "mailgun-api-key": lambda r: f"key-{_pick(r, LOWER_HEX, 32)}",
    "postmark-server-token": _uuid,
    "resend-api-key": lambda r: f"re_{_pick(r, ALNUM, 8)}_{_pick(r, ALNUM, 24)}",
    "supabase-service-key": lambda r: jwt(
        {
            "iss": "supabase",
            "ref": _pick(r, string.ascii_lowercase, 20),
            "role": "service_role",
            "iat": 1735689600,
            "exp": 2051222400,
        },
        r,
    ),
    "supabase-anon-key": lambda r: jwt(
        {
            "iss": "supabase",
            "ref": _pick(r, string.ascii_lowercase, 20),
            "role": "anon",
            "iat": 1735689600,
            "exp": 2051222400,
        },
        r,
    ),
    "supabase-management-token": lambda r: f"sbp_{_pick(r, LOWER_HEX, 40)}",
    "firebase-fcm-server-key": lambda r: f"AAAA{_pick(r, URLSAFE, 7)}:APA91b{_pick(r, URLSAFE, 134)}",
    "pinecone-api-key": lambda r: f"pcsk_{_pick(r, ALNUM, 6)}_{_pick(r, ALNUM, 63)}",
    "huggingface-token": lambda r: f"hf_{_pick(r, string.ascii_letters, 34)}",
    "cloudflare-api-token": lambda r: _pick(r, URLSAFE, 40),
    "npm-token": lambda r: f"npm_{_pick(r, ALNUM, 36)}",
    "pypi-token": lambda r: f"pypi-AgEIcHlwaS5vcmc{_pick(r, URLSAFE, 70)}",
    "private-key": lambda r: _pem(r, "RSA PRIVATE KEY"),
    "jwt": lambda r: jwt({"sub": _uuid(r), "scope": "admin", "iat": 1735689600}, r),
    "database-url": lambda r: f"postgres://app_prod:{_pick(r, ALNUM, 24)}@db.internal.acme.test:5432/acme",
    "generic-secret": lambda r: _pick(r, ALNUM + "!#%", 32),
    "groq-api-key": lambda r: f"gsk_{_pick(r, ALNUM, 52)}",
    "xai-api-key": lambda r: f"xai-{_pick(r, ALNUM, 80)}",
    "openrouter-api-key": lambda r: f"sk-or-v1-{_pick(r, LOWER_HEX, 64)}",
    "langsmith-api-key": lambda r: f"lsv2_pt_{_pick(r, LOWER_HEX, 32)}_{_pick(r, LOWER_HEX, 10)}",
    "perplexity-api-key": lambda r: f"pplx-{_pick(r, ALNUM, 48)}",
    "replicate-api-token": lambda r: f"r8_{_pick(r, ALNUM, 37)}",
    "huggingface-org-token": lambda r: f"api_org_{_pick(r, string.ascii_letters, 34)}",
    "pinecone-legacy-api-key": _uuid,
    "google-oauth-client-secret": lambda r: f"GOCSPX-{_pick(r, URLSAFE, 28)}",
    "cloudflare-global-api-key": lambda r: _pick(r, LOWER_HEX, 37),
    "supabase-secret-key": lambda r: f"sb_secret_{_pick(r, URLSAFE, 31)}",
    "supabase-publishable-key": lambda r: f"sb_publishable_{_pick(r, URLSAFE, 31)}",
    "npm-legacy-token": _uuid,
    "telegram-bot-token": lambda r: (
        f"{_pick(r, string.digits[1:], 1)}{_pick(r, string.digits, 9)}:AA{_pick(r, URLSAFE, 33)}"
    ),
    "teams-webhook": lambda r: (
        f"https://acme.webhook.office.com/webhookb2/{_uuid(r)}@{_uuid(r)}"
        f"/IncomingWebhook/{_pick(r, LOWER_HEX, 32)}/{_uuid(r)}"
    ),
}

_LINES: dict[str, str] = {
    "openai-api-key": 'OPENAI_API_KEY = "{v}"',
    "anthropic-api-key": "const anthropic = new Anthropic({{ apiKey: '{v}' }});",
    "anthropic-admin-key": "ANTHROPIC_ADMIN_KEY={v}",
    "google-api-key": 'GEMINI_API_KEY = "{v}"',
    "gcp-service-account": (
        '{{"type": "service_account", "project_id": "acme-prod", "private_key_id": "{v}"}}'
    ),
    "aws-access-key-id": "aws_access_key_id = {v}",
    "aws-secret-access-key": "aws_secret_access_key = {v}",
    "azure-storage-key": (
        "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acmeprod;"
        "AccountKey={v};EndpointSuffix=core.windows.net"
    ),
    "azure-ad-client-secret": 'AZURE_CLIENT_SECRET="{v}"',
    "stripe-secret-key": "stripe.api_key = '{v}'",
    "stripe-restricted-key": "STRIPE_RESTRICTED_KEY={v}",
    "stripe-test-key": "STRIPE_SECRET_KEY={v}",
    "stripe-webhook-secret": "STRIPE_WEBHOOK_SECRET={v}",
    "stripe-publishable-key": "const stripe = Stripe('{v}');",
    "github-token": "GITHUB_TOKEN={v}",
    "github-fine-grained-pat": 'token: "{v}"',
    "gitlab-token": "GITLAB_TOKEN={v}",
    "slack-token": "SLACK_BOT_TOKEN={v}",
    "slack-webhook": 'ALERT_WEBHOOK = "{v}"',
    "discord-webhook": 'DISCORD_WEBHOOK_URL="{v}"',
    "twilio-api-key": "TWILIO_API_KEY={v}",
    "twilio-auth-token": "TWILIO_AUTH_TOKEN={v}",
    "sendgrid-api-key": "SENDGRID_API_KEY={v}",
    "mailgun-api-key": "MAILGUN_API_KEY={v}",
    "postmark-server-token": 'headers["X-Postmark-Server-Token"] = "{v}"',
    "resend-api-key": "const resend = new Resend('{v}');",
    "supabase-service-key": "SUPABASE_SERVICE_ROLE_KEY={v}",
    "supabase-anon-key": "NEXT_PUBLIC_SUPABASE_ANON_KEY={v}",
    "supabase-management-token": "SUPABASE_ACCESS_TOKEN={v}",
    "firebase-fcm-server-key": 'FCM_SERVER_KEY = "{v}"',
    "pinecone-api-key": 'pc = Pinecone(api_key="{v}")',
    "huggingface-token": "HF_TOKEN={v}",
    "cloudflare-api-token": "CLOUDFLARE_API_TOKEN={v}",
    "npm-token": "//registry.npmjs.org/:_authToken={v}",
    "pypi-token": "password = {v}",
    "private-key": "{v}",
    "jwt": 'const adminToken = "{v}";',
    "database-url": 'DATABASE_URL="{v}"',
    "generic-secret": 'SESSION_SECRET = "{v}"',
    "groq-api-key": "client = Groq(api_key='{v}')",
    "xai-api-key": "XAI_API_KEY={v}",
    "openrouter-api-key": 'OPENROUTER_API_KEY = "{v}"',
    "langsmith-api-key": "LANGSMITH_API_KEY={v}",
    "perplexity-api-key": "PERPLEXITY_API_KEY={v}",
    "replicate-api-token": "REPLICATE_API_TOKEN={v}",
    "huggingface-org-token": 'HF_ORG_TOKEN = "{v}"',
    "pinecone-legacy-api-key": 'PINECONE_API_KEY="{v}"',
    "google-oauth-client-secret": '"client_secret": "{v}",',
    "cloudflare-global-api-key": "CLOUDFLARE_GLOBAL_API_KEY={v}",
    "supabase-secret-key": "SUPABASE_SECRET_KEY={v}",
    "supabase-publishable-key": "const supabase = createClient(url, '{v}');",
    "npm-legacy-token": "//registry.npmjs.org/:_authToken={v}",
    "telegram-bot-token": 'TELEGRAM_BOT_TOKEN = "{v}"',
    "teams-webhook": "TEAMS_WEBHOOK_URL={v}",
}

RULE_IDS: tuple[str, ...] = tuple(_VALUES)


def value(rule: str, seed: int = 0) -> str:
    """A made-up credential that rule `rule` must find; the same for the same seed."""
    return _VALUES[rule](random.Random(f"{rule}:{seed}"))


def line(rule: str, seed: int = 0) -> str:
    """A line of code or configuration holding `value(rule, seed)` with its usual context."""
    return _LINES[rule].format(v=value(rule, seed))
