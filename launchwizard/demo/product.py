"""The demo product's own code, history and logs: "acme-app", as an AI-built product ships.

The demo audits a repository with the classic leaks: a `.env` with live keys committed
and later deleted (still in history: rotate), a Slack webhook still in the code, a
secret in a `NEXT_PUBLIC_` variable, a variable production does not set, and logs that
hold a bearer token, customer e-mails, a card number and chat prompts. Its code has the
usual gaps in discipline: an OpenAI client and a `requests` call without timeouts, a
`fetch` without an abort signal, a database engine and a PrismaClient made per request,
a Celery task without retries or a failure handler, errors swallowed in both handlers,
and no error tracker initialised. Everything is made
up (launchwizard.demo.fakesecrets) and built on first use, then left as the operator
edits it.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
from pathlib import Path
from typing import Any

from launchwizard.demo import fakesecrets
from launchwizard.demo.gitrepo import Commit, build_repo
from launchwizard.secrets.pii import luhn_valid

PRODUCT_DIR = "acme-app"
PUBLIC_VARIABLES = ("NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY")
PRODUCTION_VARIABLES = ("DATABASE_URL", "OPENAI_API_KEY", "SESSION_SECRET", "SENTRY_DSN", *PUBLIC_VARIABLES)
STAGING_VARIABLES = ("DATABASE_URL", "OPENAI_API_KEY", "SESSION_SECRET", *PUBLIC_VARIABLES)

_README = """# Acme Assist

The AI assistant for B2B support teams: a Python API and a Next.js front end.

    cp .env.example .env   # then fill it in
    python -m app.server
"""

_GITIGNORE = "node_modules/\n__pycache__/\n.env\n.env.local\nlogs/\n"

_ENV_EXAMPLE = """# Copy to .env and fill in. Never commit .env.
DATABASE_URL=
OPENAI_API_KEY=
SESSION_SECRET=
SENTRY_DSN=
NEXT_PUBLIC_SUPABASE_URL=
NEXT_PUBLIC_SUPABASE_ANON_KEY=
"""

_SERVER = """\"\"\"Acme Assist API: chat answers from the customer's documentation.\"\"\"

import os

from app.chat import answer

DATABASE_URL = os.environ["DATABASE_URL"]
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
SESSION_SECRET = os.getenv("SESSION_SECRET")
STRIPE_WEBHOOK_SECRET = os.environ["STRIPE_WEBHOOK_SECRET"]
SENTRY_DSN = os.getenv("SENTRY_DSN", "")


def handle_chat(request):
    return answer(request.json["message"], api_key=OPENAI_API_KEY)
"""

_CHAT = """\"\"\"Calls the model with the customer's question and the retrieved documents.\"\"\"


def answer(message, api_key):
    return {"reply": {"text": f"You asked: {message}"}}
"""


def _settings(webhook: str) -> str:
    return f'''"""Operational settings."""

ALERT_CHANNEL = "#acme-alerts"
SLACK_ALERT_WEBHOOK = "{webhook}"
'''


_WIDGET = """export function startChat() {
  const supabaseUrl = process.env.NEXT_PUBLIC_SUPABASE_URL;
  const anonKey = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;
  const model = process.env.NEXT_PUBLIC_OPENAI_API_KEY;
  return { supabaseUrl, anonKey, model };
}
"""


_LLM = """\"\"\"The model call behind the chat answers, and the documents it reads.\"\"\"

import requests
from openai import OpenAI

client = OpenAI()


def complete(prompt):
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
    )
    return reply.choices[0].message.content


def fetch_document(url):
    return requests.get(url).text
"""

_API = """\"\"\"HTTP routes of the chat API.\"\"\"

from fastapi import FastAPI
from sqlalchemy import create_engine, text

from app.llm import complete

app = FastAPI()


def history_engine():
    return create_engine("sqlite:///history.db")


@app.post("/v1/chat")
async def chat(body: dict):
    try:
        with history_engine().connect() as db:
            db.execute(text("insert into turns (prompt) values (:p)"), {"p": body["message"]})
    except Exception:
        pass
    return {"reply": {"text": complete(body["message"])}}
"""

_TASKS = """\"\"\"Background jobs: the documents customers upload are indexed here.\"\"\"

from celery import Celery

from app.llm import fetch_document

celery = Celery("acme", broker="redis://localhost:6379/0")


@celery.task
def index_document(url):
    return len(fetch_document(url))
"""

_ROUTE = """import { PrismaClient } from "@prisma/client";

export async function POST(req) {
  const prisma = new PrismaClient();
  const { message } = await req.json();
  try {
    await prisma.turn.create({ data: { message } });
  } catch (e) {}
  const upstream = await fetch("https://answers.acme-assist.test/v1/answer", {
    method: "POST",
    body: JSON.stringify({ message }),
  });
  return Response.json(await upstream.json());
}
"""


def _dot_env() -> str:
    return "\n".join(
        (
            "# local settings",
            fakesecrets.line("database-url", 7),
            fakesecrets.line("stripe-secret-key", 7)
            .replace("stripe.api_key = ", "STRIPE_SECRET_KEY=")
            .replace("'", ""),
            f"OPENAI_API_KEY={fakesecrets.value('openai-api-key', 7)}",
            "",
        )
    )


def commits() -> list[Commit]:
    """The product's history: a first version, a `.env` committed by mistake, its removal,
    then the chat routes and jobs."""
    first = {
        "README.md": _README,
        ".env.example": _ENV_EXAMPLE,
        "app/__init__.py": "",
        "app/server.py": _SERVER,
        "app/chat.py": _CHAT,
        "web/src/widget.ts": _WIDGET,
    }
    return [
        Commit(files=first, message="First version of the API and the chat widget"),
        Commit(files={".env": _dot_env()}, message="Add local settings"),
        Commit(
            files={"app/settings.py": _settings(fakesecrets.value("slack-webhook", 7))},
            message="Send alerts to Slack",
        ),
        Commit(files={".env": None, ".gitignore": _GITIGNORE}, message="Stop tracking .env"),
        Commit(
            files={
                "app/llm.py": _LLM,
                "app/api.py": _API,
                "app/tasks.py": _TASKS,
                "web/app/api/chat/route.ts": _ROUTE,
            },
            message="Chat API routes, document indexing jobs and the web chat route",
        ),
    ]


def made_up_card(seed: int) -> str:
    """A 16-digit number that passes the Luhn check but is no published test card.

    Generated at run time like every other planted value, so no card-shaped text is
    written into this repository.
    """
    rng = random.Random(f"card:{seed}")
    body = "4917" + "".join(str(rng.randrange(10)) for _ in range(11))
    digits = next(body + check for check in "0123456789" if luhn_valid(body + check))
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


def _log_lines() -> list[str]:
    bearer = fakesecrets.value("jwt", 8)
    return [
        "2026-11-24T09:12:03Z INFO app.server started on :8000",
        "2026-11-24T09:12:07Z INFO POST /v1/chat user=ana.lopez@customer-one.test "
        f"authorization=Bearer {bearer}",
        "2026-11-24T09:12:08Z INFO chat answered in 812 ms",
        f"2026-11-24T09:13:44Z WARN payment failed for card {made_up_card(8)} (ana.lopez@customer-one.test)",
        "2026-11-24T09:15:10Z INFO GET /healthz 200",
    ]


def _chat_log() -> bytes:
    rows = [
        {
            "ts": "2026-11-24T09:12:07Z",
            "level": "info",
            "event": "chat",
            "user_id": "u_1842",
            "prompt": "Our invoices for March are wrong, can you resend them to finance@customer-one.test?",
        },
        {"ts": "2026-11-24T09:12:08Z", "level": "info", "event": "chat.reply", "ms": 812},
    ]
    return gzip.compress("".join(json.dumps(row) + "\n" for row in rows).encode())


def demo_product_tables(directory: Path) -> dict[str, Any]:
    """The sprint.toml tables that point at acme-app/ in `directory` (built or not yet).

    Without git on this machine the demo keeps its logs and environments but has no
    repository to scan.
    """
    tables: dict[str, Any] = {
        "logs": {"globs": [f"{PRODUCT_DIR}/logs/*.log", f"{PRODUCT_DIR}/logs/*.jsonl.gz"]},
        "environments": {
            "production": {"variables": list(PRODUCTION_VARIABLES)},
            "staging": {"variables": list(STAGING_VARIABLES)},
        },
    }
    if (directory / PRODUCT_DIR / ".git").exists() or shutil.which("git") is not None:
        tables["repo"] = {"path": PRODUCT_DIR}
    return tables


def build_demo_product(directory: Path) -> None:
    """Make acme-app/ (logs, then the git repository) unless it exists: the operator's
    edits to it are kept across restarts."""
    root = directory / PRODUCT_DIR
    if root.exists():
        return
    _write_logs(root / "logs")
    if shutil.which("git") is not None:
        build_repo(root, commits())


def _write_logs(logs: Path) -> None:
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "app.log").write_text("\n".join(_log_lines()) + "\n", encoding="utf-8")
    (logs / "chat.jsonl.gz").write_bytes(_chat_log())
