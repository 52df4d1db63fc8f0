"""The secret-detection rules: one frozen `Rule` per credential kind, written from each
provider's documented key format.

A rule is data: which lower-case keywords must occur before its regex is worth running,
the regex (bounded quantifiers only, with a `secret…` named group), an entropy floor and
an optional validator for checks a regex cannot make. The engine in `engine.py` runs the
table; adding a credential kind is adding an entry here (or in `saas_rules.py`) and a
generator in `launchwizard/demo/fakesecrets.py`.
"""

from __future__ import annotations

from launchwizard.secrets import validators as v
from launchwizard.secrets.rulebase import (
    ASSIGN,
    BROAD,
    CRITICAL,
    GENERIC,
    HIGH,
    INFO,
    JWT,
    LOW,
    MEDIUM,
    REFINED,
    SPECIFIC,
    UUID,
    R,
    Rule,
    _re,
    _token,
)
from launchwizard.secrets.saas_rules import SAAS_RULES

__all__ = ["BROAD", "GENERIC", "REFINED", "RULES", "RULES_BY_ID", "RULE_IDS", "SPECIFIC", "Rule"]

AI_RULES: tuple[Rule, ...] = (
    Rule(
        id="openai-api-key",
        provider="OpenAI",
        title="OpenAI API key",
        severity=CRITICAL,
        keywords=("t3blbkfj",),
        pattern=_re(
            f"(?P<secret>sk-(?<![A-Za-z0-9_-]sk-)[A-Za-z0-9_-]{{10,200}}?T3BlbkFJ[A-Za-z0-9_-]{{10,200}}){R}"
        ),
        note="project, service-account, admin and legacy keys all carry the T3BlbkFJ marker",
    ),
    _token(
        id="anthropic-api-key",
        provider="Anthropic",
        title="Anthropic API key",
        severity=CRITICAL,
        prefixes=("sk-ant-api",),
        body=r"\d\d-[A-Za-z0-9_-]{80,120}AA",
    ),
    _token(
        id="anthropic-admin-key",
        provider="Anthropic",
        title="Anthropic Admin API key",
        severity=CRITICAL,
        prefixes=("sk-ant-admin",),
        body=r"\d\d-[A-Za-z0-9_-]{80,120}AA",
    ),
    _token(
        id="google-api-key",
        provider="Google",
        title="Google API key (Gemini, Firebase, Maps)",
        severity=HIGH,
        prefixes=("AIza",),
        body="[A-Za-z0-9_-]{35}",
        validator=v.google_api_key,
    ),
    _token(
        id="huggingface-token",
        provider="Hugging Face",
        title="Hugging Face access token",
        severity=HIGH,
        prefixes=("hf_",),
        body="[A-Za-z]{34}",
        validator=v.mixed_case_letters,
    ),
    _token(
        id="huggingface-org-token",
        provider="Hugging Face",
        title="Hugging Face organization API token",
        severity=HIGH,
        prefixes=("api_org_",),
        body="[A-Za-z]{34}",
        validator=v.mixed_case_letters,
    ),
    _token(
        id="pinecone-api-key",
        provider="Pinecone",
        title="Pinecone API key",
        severity=HIGH,
        prefixes=("pcsk_",),
        body="[A-Za-z0-9]{4,10}_[A-Za-z0-9]{50,80}",
    ),
    Rule(
        id="pinecone-legacy-api-key",
        provider="Pinecone",
        title="Pinecone API key (legacy UUID)",
        severity=HIGH,
        keywords=("pinecone",),
        near=200,
        pattern=_re(rf"(?<![A-Za-z0-9-])(?P<secret>{UUID})(?![A-Za-z0-9-])"),
        validator=v.words_before(("key", "token"), 80),
    ),
    _token(
        id="groq-api-key",
        provider="Groq",
        title="Groq API key",
        severity=HIGH,
        prefixes=("gsk_",),
        body="[A-Za-z0-9]{52}",
    ),
    _token(
        id="xai-api-key",
        provider="xAI",
        title="xAI (Grok) API key",
        severity=HIGH,
        prefixes=("xai-",),
        body="[A-Za-z0-9_-]{70,120}",
        min_entropy=3.5,
    ),
    _token(
        id="openrouter-api-key",
        provider="OpenRouter",
        title="OpenRouter API key",
        severity=HIGH,
        prefixes=("sk-or-v1-",),
        body="[0-9a-f]{64}",
    ),
    _token(
        id="langsmith-api-key",
        provider="LangSmith",
        title="LangSmith API key",
        severity=HIGH,
        prefixes=("lsv2_pt_", "lsv2_sk_"),
        body="[0-9a-f]{32}_[0-9a-f]{10}",
    ),
    _token(
        id="perplexity-api-key",
        provider="Perplexity",
        title="Perplexity API key",
        severity=HIGH,
        prefixes=("pplx-",),
        body="[A-Za-z0-9]{40,56}",
    ),
    _token(
        id="replicate-api-token",
        provider="Replicate",
        title="Replicate API token",
        severity=HIGH,
        prefixes=("r8_",),
        body="[A-Za-z0-9]{37}",
    ),
)

CLOUD_RULES: tuple[Rule, ...] = (
    _token(
        id="aws-access-key-id",
        provider="AWS",
        title="AWS access key ID",
        severity=HIGH,
        prefixes=("AKIA", "ASIA", "ABIA", "ACCA"),
        body="[A-Z2-7]{16}",
        left="(?<![A-Za-z0-9])",
        right="(?![A-Za-z0-9])",
        note="the key ID alone cannot sign requests; look for its secret access key nearby",
    ),
    Rule(
        id="aws-secret-access-key",
        provider="AWS",
        title="AWS secret access key",
        severity=CRITICAL,
        keywords=("aws", "secret"),
        anchored=True,
        min_entropy=4.0,
        pattern=_re(
            r"(?:aws[_.-]?secret|secret[_-]?access)[A-Za-z0-9_.-]{0,30}"
            + ASSIGN
            + r"(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
            ignore_case=True,
        ),
    ),
    Rule(
        id="gcp-service-account",
        provider="Google Cloud",
        title="GCP service-account key file",
        severity=CRITICAL,
        keywords=("private_key_id",),
        pattern=_re(r"\"private_key_id\"\s{0,5}:\s{0,5}\"(?P<secret>[0-9a-f]{40})\""),
        validator=v.gcp_service_account,
    ),
    _token(
        id="google-oauth-client-secret",
        provider="Google",
        title="Google OAuth client secret",
        severity=HIGH,
        prefixes=("GOCSPX-",),
        body="[A-Za-z0-9_-]{28}",
    ),
    Rule(
        id="azure-storage-key",
        provider="Azure",
        title="Azure storage account key",
        severity=CRITICAL,
        keywords=("accountkey", "azure"),
        anchored=True,
        min_entropy=4.0,
        pattern=_re(
            r"(?:accountkey|azure[A-Za-z0-9_.-]{0,30}?key)"
            + ASSIGN
            + r"(?P<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])",
            ignore_case=True,
        ),
    ),
    Rule(
        id="azure-ad-client-secret",
        provider="Azure",
        title="Microsoft Entra ID (Azure AD) client secret",
        severity=HIGH,
        keywords=("q~",),
        near=8,
        pattern=_re(
            r"(?<![A-Za-z0-9_~.-])(?P<secret>[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])"
        ),
    ),
    Rule(
        id="cloudflare-api-token",
        provider="Cloudflare",
        title="Cloudflare API token",
        severity=HIGH,
        keywords=("cloudflare", "cf_", "cf-"),
        anchored=True,
        min_entropy=3.5,
        pattern=_re(
            r"(?<![A-Za-z0-9])(?:cloudflare[_.-]?|cf[_-])[A-Za-z0-9_.-]{0,30}?(?:token|key)"
            + ASSIGN
            + rf"(?P<secret>[A-Za-z0-9_-]{{40}}){R}",
            ignore_case=True,
        ),
    ),
    Rule(
        id="cloudflare-global-api-key",
        provider="Cloudflare",
        title="Cloudflare global API key",
        severity=HIGH,
        keywords=("cloudflare", "cf_", "cf-"),
        anchored=True,
        pattern=_re(
            r"(?<![A-Za-z0-9])(?:cloudflare[_.-]?|cf[_-])[A-Za-z0-9_.-]{0,30}?key"
            + ASSIGN
            + r"(?P<secret>[0-9a-f]{37})(?![A-Za-z0-9])",
            ignore_case=True,
        ),
        note="a global key acts with every permission of the account",
    ),
)

STRIPE_BODY = "[A-Za-z0-9]{24,247}"
NO_WORD_BEFORE = "(?<![A-Za-z0-9_])"
NO_WORD_AFTER = "(?![A-Za-z0-9_])"

PAYMENT_RULES: tuple[Rule, ...] = (
    _token(
        id="stripe-secret-key",
        provider="Stripe",
        title="Stripe live secret key",
        severity=CRITICAL,
        prefixes=("sk_live_",),
        body=STRIPE_BODY,
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
    ),
    _token(
        id="stripe-restricted-key",
        provider="Stripe",
        title="Stripe live restricted key",
        severity=CRITICAL,
        prefixes=("rk_live_",),
        body=STRIPE_BODY,
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
    ),
    _token(
        id="stripe-test-key",
        provider="Stripe",
        title="Stripe test-mode key",
        severity=LOW,
        prefixes=("sk_test_", "rk_test_"),
        body=STRIPE_BODY,
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
        note="test mode moves no money, but exposes test data and webhooks",
    ),
    _token(
        id="stripe-webhook-secret",
        provider="Stripe",
        title="Stripe webhook signing secret",
        severity=HIGH,
        prefixes=("whsec_",),
        body="[A-Za-z0-9+/]{32,88}={0,2}",
        left=NO_WORD_BEFORE,
        right="(?![A-Za-z0-9_+/=])",
        note="anyone holding it can forge Stripe events to your webhook",
    ),
    _token(
        id="stripe-publishable-key",
        provider="Stripe",
        title="Stripe live publishable key",
        severity=INFO,
        exposure="publishable",
        prefixes=("pk_live_",),
        body=STRIPE_BODY,
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
        note="publishable keys are meant for browsers",
    ),
)

CODE_HOST_RULES: tuple[Rule, ...] = (
    _token(
        id="github-token",
        provider="GitHub",
        title="GitHub token (classic PAT, OAuth, app or refresh token)",
        severity=HIGH,
        prefixes=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        body="[A-Za-z0-9]{36,251}",
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
    ),
    _token(
        id="github-fine-grained-pat",
        provider="GitHub",
        title="GitHub fine-grained personal access token",
        severity=HIGH,
        prefixes=("github_pat_",),
        body="[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
    ),
    _token(
        id="gitlab-token",
        provider="GitLab",
        title="GitLab token",
        severity=HIGH,
        prefixes=(
            "glpat-",
            "gldt-",
            "glrt-",
            "glrtr-",
            "glptt-",
            "glft-",
            "glimt-",
            "glagent-",
            "gloas-",
            "glcbt-",
        ),
        body=r"[A-Za-z0-9_-]{20,64}(?:\.[A-Za-z0-9_-]{2,64}){0,3}",
    ),
    _token(
        id="npm-token",
        provider="npm",
        title="npm access token",
        severity=HIGH,
        prefixes=("npm_",),
        body="[A-Za-z0-9]{36}",
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
    ),
    Rule(
        id="npm-legacy-token",
        provider="npm",
        title="npm auth token in .npmrc (legacy UUID)",
        severity=HIGH,
        keywords=("_authtoken",),
        anchored=True,
        pattern=_re(rf"_authToken\s{{0,3}}=\s{{0,3}}[\"']?(?P<secret>{UUID})(?![A-Za-z0-9-])"),
    ),
    _token(
        id="pypi-token",
        provider="PyPI",
        title="PyPI upload token",
        severity=HIGH,
        prefixes=("pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"),
        body="[A-Za-z0-9_-]{50,2000}",
    ),
)

MESSAGING_RULES: tuple[Rule, ...] = (
    Rule(
        id="slack-token",
        provider="Slack",
        title="Slack token",
        severity=HIGH,
        keywords=("xox", "xapp-"),
        anchored=True,
        pattern=_re(
            r"(?<![A-Za-z0-9_-])(?P<secret>xox(?:[abcoprs]|e(?:\.xox[bp])?)-[0-9A-Za-z-]{10,250}"
            r"|xoxd-[A-Za-z0-9%/+_=-]{40,400}"
            r"|xapp-\d-[A-Z0-9]{8,14}-\d{8,16}-[a-f0-9]{32,80})(?![A-Za-z0-9_-])"
        ),
        validator=v.slack_token,
    ),
    Rule(
        id="slack-webhook",
        provider="Slack",
        title="Slack incoming webhook URL",
        severity=HIGH,
        keywords=("hooks.slack.com",),
        pattern=_re(
            r"(?P<secret>(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{40,200})"
            r"(?![A-Za-z0-9_/-])"
        ),
    ),
    Rule(
        id="discord-webhook",
        provider="Discord",
        title="Discord webhook URL",
        severity=HIGH,
        keywords=("/api/webhooks/",),
        pattern=_re(
            r"(?P<secret>https://(?:(?:canary|ptb)\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/"
            rf"[A-Za-z0-9_-]{{60,80}}){R}"
        ),
    ),
    Rule(
        id="teams-webhook",
        provider="Microsoft Teams",
        title="Microsoft Teams incoming webhook URL",
        severity=HIGH,
        keywords=("webhook.office.com",),
        pattern=_re(
            rf"(?P<secret>https://[a-z0-9-]{{1,63}}\.webhook\.office\.com/webhookb2/{UUID}@{UUID}"
            rf"/IncomingWebhook/[0-9a-f]{{32}}/{UUID}(?:/[A-Za-z0-9_-]{{1,100}})?){R}"
        ),
    ),
    Rule(
        id="telegram-bot-token",
        provider="Telegram",
        title="Telegram bot token",
        severity=HIGH,
        keywords=("telegram", "bot"),
        near=120,
        pattern=_re(rf"(?<![A-Za-z0-9_])(?P<secret>\d{{1,20}}:A[A-Za-z0-9_-]{{20,60}}){R}"),
        validator=v.telegram_bot_token,
    ),
    Rule(
        id="twilio-api-key",
        provider="Twilio",
        title="Twilio API key SID",
        severity=INFO,
        exposure="identifier",
        keywords=("twilio",),
        near=250,
        pattern=_re(r"(?<![A-Za-z0-9])(?P<secret>SK[0-9a-f]{32})(?![A-Za-z0-9])"),
        note="an API key SID identifies the key; its secret is usually on a nearby line",
    ),
    Rule(
        id="twilio-auth-token",
        provider="Twilio",
        title="Twilio auth token",
        severity=HIGH,
        keywords=("twilio",),
        near=250,
        pattern=_re(r"(?<![A-Za-z0-9])(?P<secret>[0-9a-f]{32})(?![A-Za-z0-9])"),
        validator=v.words_before(("token", "auth", "secret", "client("), 60),
    ),
    _token(
        id="sendgrid-api-key",
        provider="SendGrid",
        title="SendGrid API key",
        severity=HIGH,
        prefixes=("SG.",),
        body=r"[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    ),
    Rule(
        id="mailgun-api-key",
        provider="Mailgun",
        title="Mailgun API key",
        severity=HIGH,
        keywords=("mailgun",),
        near=300,
        pattern=_re(
            r"(?<![A-Za-z0-9-])(?P<secret>key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})(?![A-Za-z0-9-])"
        ),
    ),
    Rule(
        id="postmark-server-token",
        provider="Postmark",
        title="Postmark server or account token",
        severity=HIGH,
        keywords=("postmark",),
        near=200,
        pattern=_re(rf"(?<![A-Za-z0-9-])(?P<secret>{UUID})(?![A-Za-z0-9-])"),
        validator=v.words_before(("token", "key", "serverclient", "accountclient"), 80),
    ),
    _token(
        id="resend-api-key",
        provider="Resend",
        title="Resend API key",
        severity=HIGH,
        prefixes=("re_",),
        body="[A-Za-z0-9]{6,12}_[A-Za-z0-9]{20,32}",
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
        min_entropy=3.5,
    ),
    Rule(
        id="firebase-fcm-server-key",
        provider="Firebase",
        title="Firebase Cloud Messaging legacy server key",
        severity=HIGH,
        keywords=("apa91b",),
        pattern=_re(
            rf"(?P<secret>AAAA(?<![A-Za-z0-9_-]AAAA)[A-Za-z0-9_-]{{7}}:APA91b[A-Za-z0-9_-]{{130,140}}){R}"
        ),
        note="anyone holding it can push notifications to every app user",
    ),
)

SUPABASE_RULES: tuple[Rule, ...] = (
    _token(
        id="supabase-service-key",
        provider="Supabase",
        title="Supabase service_role key",
        severity=CRITICAL,
        prefixes=("eyJ",),
        body=JWT.removeprefix("eyJ"),
        priority=REFINED,
        min_entropy=0.0,
        validator=v.supabase_service_role,
        note="bypasses Row Level Security: full read and write on every table",
    ),
    _token(
        id="supabase-anon-key",
        provider="Supabase",
        title="Supabase anon key",
        severity=INFO,
        exposure="publishable",
        prefixes=("eyJ",),
        body=JWT.removeprefix("eyJ"),
        priority=REFINED,
        min_entropy=0.0,
        validator=v.supabase_anon,
        note="public by design; data safety rests on Row Level Security policies",
    ),
    _token(
        id="supabase-secret-key",
        provider="Supabase",
        title="Supabase secret API key",
        severity=CRITICAL,
        prefixes=("sb_secret_",),
        body="[A-Za-z0-9_-]{31}",
        left=NO_WORD_BEFORE,
        note="bypasses Row Level Security: full read and write on every table",
    ),
    _token(
        id="supabase-publishable-key",
        provider="Supabase",
        title="Supabase publishable API key",
        severity=INFO,
        exposure="publishable",
        prefixes=("sb_publishable_",),
        body="[A-Za-z0-9_-]{20,80}",
        left=NO_WORD_BEFORE,
        note="public by design; data safety rests on Row Level Security policies",
    ),
    _token(
        id="supabase-management-token",
        provider="Supabase",
        title="Supabase management API token",
        severity=CRITICAL,
        prefixes=("sbp_",),
        body="(?:v0_)?[0-9a-f]{40}",
        left=NO_WORD_BEFORE,
        right=NO_WORD_AFTER,
        note="manages every project of the account, including running SQL",
    ),
)

# Key bodies never hold four dashes in a row, so a body stops at the next armour line and a
# header without its END line costs only the text up to the next one.
PEM = (
    r"(?P<secret>----[- ]BEGIN [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)?[- ]----"
    r"(?:[A-Za-z0-9+/=\s\\:,.()_@]|-(?!---)){40,16000}?"
    r"----[- ]END [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)?[- ]----)"
)
PUTTY = (
    r"(?P<secret_putty>PuTTY-User-Key-File-\d: [^\r\n]{1,120}\r?\n"
    r"(?:[^P]|P(?!uTTY-User-Key-File-)){0,4000}?Private-Lines: \d{1,4}\r?\n"
    r"[A-Za-z0-9+/=\r\n]{40,8000}?\r?\nPrivate-MAC)"
)

# A bare `settings.SECRET_KEY` or `c.token` is a reference: refusing it inside the regex saves
# building a candidate for each of the many in a minified bundle.
NOT_A_DOTTED_NAME = r"(?![A-Za-z_$][A-Za-z0-9_$]*(?:\??\.[A-Za-z_$][A-Za-z0-9_$]*)+(?![A-Za-z0-9_$.]))"

# The credential nouns a generic assignment's name is found by; `names.judge_name` decides
# from the whole name whether it names a credential.
GENERIC_KEYWORDS = (
    "secret", "token", "pass", "pwd", "key", "salt", "pepper", "signing", "private", "cred",
    "auth", "hmac",
)  # fmt: skip
# NAME (rest of an identifier) CLOSE (its quote or bracket) TYPE (a Go, Kotlin or Python
# annotation) OP (=, :=, ::=, ?=, .=, =>, :, ||, ??, the comma of `f("NAME", "value")`, the
# `>` of `<Name>value`) VALUE (quoted in any of three quotes, or bare).
GENERIC_ASSIGNMENT = (
    r"(?:secret|token|pass|pwd|key|salt|pepper|signing|private|cred|auth|hmac)"
    r"(?P<tail>[A-Za-z0-9_.-]{0,40}?)"
    r"(?P<close>(?:\\?[\"'`\]]){0,2})"
    r"(?:[ \t]{1,4}string|[ \t]{0,2}:[ \t]{0,2}(?:str|string)(?![A-Za-z0-9_]))?"
    r"[ \t]{0,8}(?P<op>:::=|::=|:=|\?=|\.=|\+=|=>|\|\|=|\?\?=|\|\||\?\?|=|:|,|>)"
    r"(?:(?<=>)\s{0,40}|[ \t]{0,8})"
    r"(?:\\?\"(?P<secret_dq>[^\"\s\\]{8,256})\\?\""
    r"|'(?P<secret_sq>[^'\s\\]{8,256})'"
    r"|`(?P<secret_bt>[^`\s\\]{8,256})`"
    r"|" + NOT_A_DOTTED_NAME + r"(?P<secret_bare>[^\s\"'`,;()\[\]{}<>\\]{8,256}))"
)

GENERAL_RULES: tuple[Rule, ...] = (
    Rule(
        id="private-key",
        provider="Cryptographic key",
        title="Private key (PEM, OpenSSH, PGP or PuTTY)",
        severity=CRITICAL,
        keywords=("-----begin", "---- begin", "putty-user-key-file"),
        anchored=True,
        min_entropy=0.0,
        value_checks=False,
        pattern=_re(f"{PEM}|{PUTTY}"),
        validator=v.private_key,
    ),
    Rule(
        id="database-url",
        provider="Database",
        title="Database or broker URL with a password",
        severity=CRITICAL,
        keywords=("://",),
        anchored=True,
        min_entropy=0.0,
        pattern=_re(
            r"://(?P<user>[^\s:@/'\"`<>]{0,64}):(?P<secret>[^\s/'\"`\\]{1,128})@(?P<host>[^\s/:'\"`?#,;)\\@]{1,253})"
        ),
        validator=v.database_url,
    ),
    _token(
        id="jwt",
        provider="JSON Web Token",
        title="JSON Web Token",
        severity=MEDIUM,
        prefixes=("eyJ",),
        body=JWT.removeprefix("eyJ"),
        priority=BROAD,
        validator=v.jwt_token,
        note="a bearer credential until it expires",
    ),
    Rule(
        id="generic-secret",
        provider="Generic",
        title="Hard-coded secret, token, API key or password",
        severity=MEDIUM,
        keywords=GENERIC_KEYWORDS,
        anchored=True,
        priority=GENERIC,
        pattern=_re(GENERIC_ASSIGNMENT, ignore_case=True),
        validator=v.generic_assignment,
        note="generate a new value, keep it in the environment or a secret manager, and rotate the old one",
    ),
)


RULES: tuple[Rule, ...] = (
    AI_RULES
    + CLOUD_RULES
    + PAYMENT_RULES
    + CODE_HOST_RULES
    + MESSAGING_RULES
    + SUPABASE_RULES
    + SAAS_RULES
    + GENERAL_RULES
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
RULE_IDS: tuple[str, ...] = tuple(RULES_BY_ID)
