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
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_HEX = "0123456789ABCDEF"
BECH32_UPPER = ("qpzry9x8" + "gf2tvdw0" + "s3jn54kh" + "ce6mua7l").upper()
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

_SAAS_VALUES: dict[str, Callable[[random.Random], str]] = {
    "mistral-api-key": lambda r: _pick(r, ALNUM, 32),
    "cohere-api-key": lambda r: _pick(r, ALNUM, 40),
    "together-api-key": lambda r: f"tgp_v1_{_pick(r, URLSAFE, 43)}",
    "together-legacy-api-key": lambda r: _pick(r, LOWER_HEX, 64),
    "deepseek-api-key": lambda r: f"sk-{_pick(r, LOWER_HEX, 32)}",
    "azure-openai-api-key": lambda r: _pick(r, LOWER_HEX, 32),
    "weaviate-api-key": lambda r: _pick(r, ALNUM, 40),
    "qdrant-api-key": lambda r: f"{_uuid(r)}|{_pick(r, URLSAFE, 40)}",
    "qdrant-jwt-api-key": lambda r: jwt({"access": "r", "exp": 2051222400}, r),
    "paddle-api-key": lambda r: (
        f"pdl_live_apikey_{_pick(r, LOWER_ALNUM, 26)}_{_pick(r, ALNUM, 22)}_{_pick(r, ALNUM, 3)}"
    ),
    "paddle-sandbox-api-key": lambda r: (
        f"pdl_sdbx_apikey_{_pick(r, LOWER_ALNUM, 26)}_{_pick(r, ALNUM, 22)}_{_pick(r, ALNUM, 3)}"
    ),
    "lemonsqueezy-api-key": lambda r: jwt(
        {"aud": _uuid(r), "jti": _pick(r, LOWER_HEX, 80), "iat": 1735689600}, r
    ),
    "braintree-access-token": lambda r: (
        f"access_token$production${_pick(r, LOWER_ALNUM, 16)}${_pick(r, LOWER_HEX, 32)}"
    ),
    "braintree-sandbox-access-token": lambda r: (
        f"access_token$sandbox${_pick(r, LOWER_ALNUM, 16)}${_pick(r, LOWER_HEX, 32)}"
    ),
    "braintree-private-key": lambda r: _pick(r, LOWER_HEX, 32),
    "paypal-client-secret": lambda r: f"E{_pick(r, URLSAFE, 79)}",
    "square-access-token": lambda r: f"sq0csp-{_pick(r, URLSAFE, 43)}",
    "square-oauth-token": lambda r: f"EAAA{_pick(r, URLSAFE, 60)}",
    "adyen-api-key": lambda r: f"AQE{_pick(r, BASE64, 97)}=-{_pick(r, BASE64, 43)}=",
    "mailchimp-api-key": lambda r: f"{_pick(r, LOWER_HEX, 32)}-us{r.randint(1, 21)}",
    "mandrill-api-key": lambda r: f"md-{_pick(r, URLSAFE, 22)}",
    "brevo-api-key": lambda r: f"xkeysib-{_pick(r, LOWER_HEX, 64)}-{_pick(r, ALNUM, 16)}",
    "discord-bot-token": lambda r: (
        f"{_b64url(str(r.randint(10**17, 10**18)).encode())}.{_pick(r, URLSAFE, 6)}.{_pick(r, URLSAFE, 38)}"
    ),
    "discord-client-secret": lambda r: _pick(r, URLSAFE, 32),
    "intercom-access-token": lambda r: _b64url(f"tok:{_uuid(r)}:1:0".encode()) + "=",
    "zendesk-api-token": lambda r: _pick(r, ALNUM, 40),
    "hubspot-private-app-token": lambda r: f"pat-na1-{_uuid(r)}",
    "hubspot-api-key": _uuid,
    "digitalocean-token": lambda r: f"dop_v1_{_pick(r, LOWER_HEX, 64)}",
    "heroku-api-key": lambda r: f"HRKU-{_pick(r, URLSAFE, 60)}",
    "heroku-legacy-api-key": _uuid,
    "vercel-token": lambda r: f"vcp_{_pick(r, URLSAFE, 56)}",
    "vercel-legacy-token": lambda r: _pick(r, ALNUM, 24),
    "netlify-token": lambda r: f"nfp_{_pick(r, ALNUM, 36)}",
    "netlify-legacy-token": lambda r: _pick(r, URLSAFE, 43),
    "flyio-token": lambda r: f"FlyV1 fm2_{_pick(r, BASE64, 300)}",
    "flyio-org-token": lambda r: f"fo1_{_pick(r, URLSAFE, 43)}",
    "render-api-key": lambda r: f"rnd_{_pick(r, ALNUM, 32)}",
    "railway-token": _uuid,
    "cloudflare-origin-ca-key": lambda r: f"v1.0-{_pick(r, LOWER_HEX, 24)}-{_pick(r, LOWER_HEX, 146)}",
    "upstash-token": lambda r: _pick(r, URLSAFE, 60),
    "planetscale-token": lambda r: f"pscale_pw_{_pick(r, URLSAFE, 43)}",
    "neon-api-key": lambda r: f"napi_{_pick(r, LOWER_ALNUM, 64)}",
    "mongodb-atlas-service-account-secret": lambda r: f"mdb_sa_sk_{_pick(r, URLSAFE, 40)}",
    "algolia-api-key": lambda r: _pick(r, LOWER_HEX, 32),
    "aws-bedrock-api-key": lambda r: (
        "ABSK" + base64.b64encode(f"BedrockAPIKey-{_pick(r, ALNUM, 90)}".encode()).decode()
    ),
    "gitlab-runner-registration-token": lambda r: f"GR1348941{_pick(r, URLSAFE, 20)}",
    "dockerhub-token": lambda r: f"dckr_pat_{_pick(r, URLSAFE, 27)}",
    "atlassian-api-token": lambda r: f"ATATT3xFfGF0{_pick(r, URLSAFE, 180)}={_pick(r, UPPER_HEX, 8)}",
    "atlassian-legacy-api-token": lambda r: _pick(r, ALNUM, 24),
    "linear-api-key": lambda r: f"lin_api_{_pick(r, ALNUM, 40)}",
    "linear-oauth-token": lambda r: f"lin_oauth_{_pick(r, LOWER_HEX, 64)}",
    "linear-client-secret": lambda r: _pick(r, LOWER_HEX, 32),
    "notion-token": lambda r: f"ntn_{_pick(r, string.digits, 11)}{_pick(r, ALNUM, 35)}",
    "sentry-token": lambda r: f"sntryu_{_pick(r, LOWER_HEX, 64)}",
    "sentry-legacy-token": lambda r: _pick(r, LOWER_HEX, 64),
    "datadog-api-key": lambda r: _pick(r, LOWER_HEX, 32),
    "newrelic-key": lambda r: f"NRAK-{_pick(r, UPPER_ALNUM, 27)}",
    "newrelic-browser-key": lambda r: f"NRJS-{_pick(r, LOWER_HEX, 19)}",
    "newrelic-license-key": lambda r: f"{_pick(r, LOWER_HEX, 36)}NRAL",
    "grafana-token": lambda r: f"glsa_{_pick(r, ALNUM, 32)}_{_pick(r, LOWER_HEX, 8)}",
    "grafana-api-key": lambda r: "eyJrIjoi" + _pick(r, BASE64, 72),
    "pagerduty-api-key": lambda r: f"u+{_pick(r, URLSAFE, 18)}",
    "doppler-token": lambda r: f"dp.st.{_pick(r, ALNUM, 43)}",
    "1password-service-account-token": lambda r: (
        "ops_"
        + _b64url(
            json.dumps(
                {
                    "signInAddress": "acme.1password.com",
                    "secretKey": _pick(r, ALNUM, 40),
                    "deviceUuid": _uuid(r),
                }
            ).encode()
        )
    ),
    "1password-secret-key": lambda r: (
        f"A3-{_pick(r, UPPER_ALNUM, 6)}-{_pick(r, UPPER_ALNUM, 6)}-{_pick(r, UPPER_ALNUM, 5)}"
        f"-{_pick(r, UPPER_ALNUM, 5)}-{_pick(r, UPPER_ALNUM, 5)}-{_pick(r, UPPER_ALNUM, 5)}"
    ),
    "vault-token": lambda r: f"hvs.{_pick(r, URLSAFE, 95)}",
    "vault-legacy-token": lambda r: f"s.{_pick(r, ALNUM, 22)}a9",
    "auth0-client-secret": lambda r: _pick(r, URLSAFE, 64),
    "clerk-secret-key": lambda r: f"sk_live_{_pick(r, ALNUM, 50)}",
    "okta-api-token": lambda r: f"00{_pick(r, URLSAFE, 40)}",
    "age-secret-key": lambda r: "AGE-SECRET-KEY-1" + _pick(r, BECH32_UPPER, 58),
}

_SAAS_LINES: dict[str, str] = {
    "mistral-api-key": "MISTRAL_API_KEY={v}",
    "cohere-api-key": 'co = cohere.ClientV2(api_key="{v}")',
    "together-api-key": "TOGETHER_API_KEY={v}",
    "together-legacy-api-key": "TOGETHER_API_KEY={v}",
    "deepseek-api-key": 'DEEPSEEK_API_KEY = "{v}"',
    "azure-openai-api-key": "AZURE_OPENAI_API_KEY={v}",
    "weaviate-api-key": "WEAVIATE_API_KEY={v}",
    "qdrant-api-key": 'client = QdrantClient(url=QDRANT_URL, api_key="{v}")',
    "qdrant-jwt-api-key": "QDRANT_API_KEY={v}",
    "paddle-api-key": "PADDLE_API_KEY={v}",
    "paddle-sandbox-api-key": "PADDLE_API_KEY={v}",
    "lemonsqueezy-api-key": "LEMONSQUEEZY_API_KEY={v}",
    "braintree-access-token": "BRAINTREE_ACCESS_TOKEN={v}",
    "braintree-sandbox-access-token": "BRAINTREE_ACCESS_TOKEN={v}",
    "braintree-private-key": "BRAINTREE_PRIVATE_KEY={v}",
    "paypal-client-secret": "PAYPAL_CLIENT_SECRET={v}",
    "square-access-token": "SQUARE_APPLICATION_SECRET={v}",
    "square-oauth-token": "SQUARE_ACCESS_TOKEN={v}",
    "adyen-api-key": "ADYEN_API_KEY={v}",
    "mailchimp-api-key": "mailchimp.setConfig({{ apiKey: '{v}', server: 'us1' }});",
    "mandrill-api-key": "MANDRILL_API_KEY={v}",
    "brevo-api-key": "BREVO_API_KEY={v}",
    "discord-bot-token": "client.login('{v}'); // discord bot",
    "discord-client-secret": "DISCORD_CLIENT_SECRET={v}",
    "intercom-access-token": "INTERCOM_ACCESS_TOKEN={v}",
    "zendesk-api-token": "ZENDESK_API_TOKEN={v}",
    "hubspot-private-app-token": "HUBSPOT_ACCESS_TOKEN={v}",
    "hubspot-api-key": "HUBSPOT_API_KEY={v}",
    "digitalocean-token": "DIGITALOCEAN_TOKEN={v}",
    "heroku-api-key": "HEROKU_API_KEY={v}",
    "heroku-legacy-api-key": "HEROKU_API_KEY={v}",
    "vercel-token": "VERCEL_TOKEN={v}",
    "vercel-legacy-token": "VERCEL_TOKEN={v}",
    "netlify-token": "NETLIFY_AUTH_TOKEN={v}",
    "netlify-legacy-token": "NETLIFY_AUTH_TOKEN={v}",
    "flyio-token": 'FLY_API_TOKEN="{v}"',
    "flyio-org-token": "FLY_API_TOKEN={v}",
    "render-api-key": "RENDER_API_KEY={v}",
    "railway-token": "RAILWAY_TOKEN={v}",
    "cloudflare-origin-ca-key": "CF_ORIGIN_CA_KEY={v}",
    "upstash-token": "UPSTASH_REDIS_REST_TOKEN={v}",
    "planetscale-token": 'password: "{v}"  # planetscale',
    "neon-api-key": "NEON_API_KEY={v}",
    "mongodb-atlas-service-account-secret": "MDB_MCP_API_CLIENT_SECRET={v}",
    "algolia-api-key": "ALGOLIA_ADMIN_API_KEY={v}",
    "aws-bedrock-api-key": "AWS_BEARER_TOKEN_BEDROCK={v}",
    "gitlab-runner-registration-token": "registration-token: {v}",
    "dockerhub-token": "echo {v} | docker login -u acme --password-stdin",
    "atlassian-api-token": "JIRA_API_TOKEN={v}",
    "atlassian-legacy-api-token": "JIRA_API_TOKEN={v}",
    "linear-api-key": "LINEAR_API_KEY={v}",
    "linear-oauth-token": "LINEAR_TOKEN={v}",
    "linear-client-secret": "LINEAR_CLIENT_SECRET={v}",
    "notion-token": "NOTION_TOKEN={v}",
    "sentry-token": "SENTRY_AUTH_TOKEN={v}",
    "sentry-legacy-token": "SENTRY_AUTH_TOKEN={v}",
    "datadog-api-key": "DD_API_KEY={v}",
    "newrelic-key": "NEW_RELIC_API_KEY={v}",
    "newrelic-browser-key": "licenseKey: '{v}',",
    "newrelic-license-key": "license_key: {v}",
    "grafana-token": "GRAFANA_SERVICE_ACCOUNT_TOKEN={v}",
    "grafana-api-key": "GRAFANA_API_KEY={v}",
    "pagerduty-api-key": "PAGERDUTY_API_KEY={v}",
    "doppler-token": "DOPPLER_TOKEN={v}",
    "1password-service-account-token": "OP_SERVICE_ACCOUNT_TOKEN={v}",
    "1password-secret-key": "secret key: {v}",
    "vault-token": "VAULT_TOKEN={v}",
    "vault-legacy-token": "VAULT_TOKEN={v}",
    "auth0-client-secret": "AUTH0_CLIENT_SECRET={v}",
    "clerk-secret-key": "CLERK_SECRET_KEY={v}",
    "okta-api-token": "OKTA_API_TOKEN={v}",
    "age-secret-key": "{v}",
}

_VALUES.update(_SAAS_VALUES)
_LINES.update(_SAAS_LINES)

RULE_IDS: tuple[str, ...] = tuple(_VALUES)


def value(rule: str, seed: int = 0) -> str:
    """A made-up credential that rule `rule` must find; the same for the same seed."""
    return _VALUES[rule](random.Random(f"{rule}:{seed}"))


def line(rule: str, seed: int = 0) -> str:
    """A line of code or configuration holding `value(rule, seed)` with its usual context."""
    return _LINES[rule].format(v=value(rule, seed))
