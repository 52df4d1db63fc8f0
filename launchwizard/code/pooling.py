"""code.pooling: database and cache clients made once per process, not once per request.

An engine, pool or client built inside a request handler opens new connections for every
request: the database's connection limit is reached under the first real load, every
request pays a TCP and TLS handshake, and the pool's limits protect nothing. These rules
only report a client built on a request path (a handler, or a function a handler calls);
one built at module level, in a cached factory or behind a `global`/`is None` guard is
the fix, not a finding.
"""

from __future__ import annotations

from launchwizard.code.common import in_fastapi_handler, js_call, js_import, js_new, py_call, py_import
from launchwizard.code.model import JS_FAMILY, PYTHON, Example, Rule
from launchwizard.results import Severity

CHECK = "code.pooling"
REFERENCE_SQLALCHEMY = "SQLAlchemy: Connection Pooling (one engine per process)"

PY_SINGLETON_GUARD = {
    "any": [
        {
            "inside": {
                "stopBy": "end",
                "kind": "function_definition",
                "has": {"stopBy": "end", "kind": "global_statement"},
            }
        },
        {
            "inside": {
                "stopBy": "end",
                "kind": "if_statement",
                "has": {"field": "condition", "regex": r"\bis None\b|^not\s"},
            }
        },
        {
            "inside": {
                "stopBy": "end",
                "kind": "assignment",
                "has": {
                    "field": "left",
                    "kind": "attribute",
                    "regex": r"^(?:app\.state|request\.app\.state)\.",
                },
            }
        },
    ]
}
"""A client made once and kept: a `global` it is stored in, an `if x is None:` guard, app state."""
JS_SINGLETON_GUARD = {
    "any": [
        {"inside": {"stopBy": "end", "kind": "binary_expression", "regex": r"\?\?|\|\|"}},
        {"inside": {"stopBy": "end", "kind": "augmented_assignment_expression", "regex": r"\?\?=|\|\|="}},
        {
            "inside": {
                "stopBy": "end",
                "kind": "if_statement",
                "has": {"field": "condition", "regex": r"^\(\s*!"},
            }
        },
        {
            "inside": {
                "stopBy": "end",
                "kind": "assignment_expression",
                "has": {"field": "left", "regex": r"^(?:globalThis|global|cached)\b"},
            }
        },
    ]
}
"""`globalThis.prisma ?? new PrismaClient()`, `client ??= createClient()`, `if (!pool) pool = ...`."""

JS_ROUTE = "app/api/chat/route.ts"


def _route(imports: str, body: str) -> str:
    return f"{imports}\nexport async function POST(req) {{\n  {body}\n  return Response.json({{}});\n}}\n"


RULES: tuple[Rule, ...] = (
    Rule(
        id="py-sqlalchemy-engine-per-request",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(r"^(?:sqlalchemy\.|sqlmodel\.)?create(?:_async)?_engine$"),
                    {"not": PY_SINGLETON_GUARD},
                ]
            }
        },
        message="SQLAlchemy engine created on a request path: every request builds a new connection pool",
        fix=(
            "Create the engine once at module level (engine = create_engine(URL, pool_size=5, "
            "max_overflow=10, "
            "pool_pre_ping=True)) and open a Session from it per request."
        ),
        severity=Severity.HIGH,
        keywords=("create_engine", "create_async_engine"),
        reference=REFERENCE_SQLALCHEMY,
        requires=(py_import("sqlalchemy", "sqlmodel"),),
        scope="request",
        examples=(
            Example(
                "from sqlalchemy import create_engine\n"
                + in_fastapi_handler("engine = create_engine(URL)\nreturn {}")
            ),
            Example(
                "from fastapi import FastAPI\nfrom sqlalchemy import create_engine\napp = FastAPI()\n"
                "def get_engine():\n    return create_engine(URL)\n"
                "@app.get('/items')\ndef items():\n    return get_engine().connect()\n"
            ),
            Example(
                "from sqlalchemy import create_engine\nengine = create_engine(URL)\n"
                + in_fastapi_handler("return {}"),
                0,
            ),
            Example(
                "from functools import lru_cache\nfrom sqlalchemy import create_engine\n@lru_cache\n"
                "def get_engine():\n    return create_engine(URL)\n"
                + in_fastapi_handler("return get_engine()"),
                0,
            ),
            Example(
                "from sqlalchemy import create_engine\n_engine = None\n"
                + in_fastapi_handler(
                    "global _engine\nif _engine is None:\n    _engine = create_engine(URL)\nreturn {}"
                ),
                0,
            ),
            Example(
                "from sqlalchemy import create_engine\ndef migrate():\n    engine = create_engine(URL)\n", 0
            ),
        ),
    ),
    Rule(
        id="py-sql-connect-per-request",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(
                        r"^(?:psycopg2?|asyncpg|aiopg|pymysql|aiomysql|mysql\.connector)\.(?:connect|create_pool)$"
                        r"|^(?:psycopg\.)?(?:Async)?Connection\.connect$"
                        r"|^(?:psycopg_pool\.)?(?:Async)?ConnectionPool$"
                        r"|^(?:psycopg2\.pool\.)?(?:Simple|Threaded)ConnectionPool$"
                    ),
                    {"not": PY_SINGLETON_GUARD},
                ]
            }
        },
        message="Database connection or pool opened on a request path: a new connection (and handshake) per "
        "request until the server's connection limit is hit",
        fix=(
            "Create one pool at startup (asyncpg.create_pool / psycopg_pool.ConnectionPool in the app's "
            "lifespan) "
            "and borrow a connection per request (async with pool.acquire() as conn)."
        ),
        severity=Severity.HIGH,
        keywords=("connect", "create_pool", "ConnectionPool"),
        reference="PostgreSQL: max_connections; asyncpg: Connection Pools; psycopg: Connection pools",
        requires=(
            py_import(
                "psycopg", "psycopg2", "psycopg_pool", "asyncpg", "aiopg", "pymysql", "aiomysql", "mysql"
            ),
        ),
        scope="request",
        examples=(
            Example(
                "import asyncpg\n"
                + in_fastapi_handler("conn = await asyncpg.connect(DSN)\nreturn await conn.fetch(q)")
            ),
            Example(
                "import psycopg\n"
                + in_fastapi_handler("with psycopg.connect(DSN) as conn:\n    return conn.execute(q)")
            ),
            Example(
                "import asyncpg\nfrom fastapi import FastAPI\napp = FastAPI()\npool = None\n"
                "@app.on_event('startup')\nasync def start():\n    global pool\n"
                "    pool = await asyncpg.create_pool(DSN)\n",
                0,
            ),
            Example(
                "import asyncpg\n"
                + in_fastapi_handler("async with request.app.state.pool.acquire() as c:\n    return 1"),
                0,
            ),
        ),
    ),
    Rule(
        id="py-mongo-client-per-request",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(
                        r"^(?:pymongo\.)?(?:Async)?MongoClient$|^(?:motor\.motor_asyncio\.)?AsyncIOMotorClient$"
                    ),
                    {"not": PY_SINGLETON_GUARD},
                ]
            }
        },
        message=(
            "MongoDB client created on a request path: each client opens its own pool and monitor threads"
        ),
        fix="Create one MongoClient at module level or at startup and reuse it (it is thread-safe and pools "
        "connections itself).",
        severity=Severity.HIGH,
        keywords=("MongoClient", "MotorClient"),
        reference="PyMongo FAQ: create one MongoClient per process",
        requires=(py_import("pymongo", "motor"),),
        scope="request",
        examples=(
            Example(
                "from pymongo import MongoClient\n"
                + in_fastapi_handler("db = MongoClient(URI).app\nreturn db.x.find_one()")
            ),
            Example(
                "from pymongo import MongoClient\nclient = MongoClient(URI)\n"
                + in_fastapi_handler("return client.app.x.find_one()"),
                0,
            ),
        ),
    ),
    Rule(
        id="py-redis-client-per-request",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(
                        r"^(?:redis\.(?:asyncio\.)?)?(?:Strict)?Redis(?:\.from_url)?$"
                        r"|^(?:redis\.(?:asyncio\.)?|aioredis\.)from_url$"
                    ),
                    {"not": PY_SINGLETON_GUARD},
                ]
            }
        },
        message="Redis client created on a request path: a new connection pool per request",
        fix=(
            "Create the client once (r = redis.Redis.from_url(URL) at module level or in the lifespan) and "
            "share it."
        ),
        severity=Severity.MEDIUM,
        keywords=("Redis", "from_url"),
        reference="redis-py: Connection Pools",
        requires=(py_import("redis", "aioredis"),),
        scope="request",
        examples=(
            Example(
                "import redis\n" + in_fastapi_handler("r = redis.Redis.from_url(URL)\nreturn r.get('k')")
            ),
            Example(
                "import redis\nr = redis.Redis.from_url(URL)\n" + in_fastapi_handler("return r.get('k')"), 0
            ),
        ),
    ),
    Rule(
        id="js-prisma-client-per-request",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={"rule": {"all": [js_new(r"^PrismaClient$"), {"not": JS_SINGLETON_GUARD}]}},
        message="PrismaClient created in a request handler: every request starts a new query engine and "
        "connection pool",
        fix="Create one client in a module (lib/prisma.ts: export const prisma = globalThis.prisma ?? new "
        "PrismaClient(); in development keep it on globalThis) and import it.",
        severity=Severity.HIGH,
        keywords=("PrismaClient",),
        reference="Prisma: Instantiate a single PrismaClient (best practice for Next.js)",
        scope="request",
        examples=(
            Example(
                _route(
                    "import { PrismaClient } from '@prisma/client';",
                    "const prisma = new PrismaClient();\n  await prisma.user.findMany();",
                ),
                path=JS_ROUTE,
            ),
            Example(
                "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n"
                + _route("", "await prisma.user.findMany();"),
                0,
                path=JS_ROUTE,
            ),
            Example(
                (
                    "import { PrismaClient } from '@prisma/client';\n"
                    "export const prisma = globalThis.prisma ?? new "
                    "PrismaClient();\n"
                ),
                0,
                path="lib/prisma.ts",
            ),
            Example(
                "import { PrismaClient } from '@prisma/client';\nconst app = express();\n"
                "app.get('/users', async (req, res) => {\n  const db = new PrismaClient();\n"
                "  res.json(await db.user.findMany());\n});\n"
            ),
        ),
    ),
    Rule(
        id="js-sql-pool-per-request",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    {
                        "any": [
                            js_new(r"^(?:pg\.)?(?:Pool|Client)$"),
                            js_call(r"^(?:mysql\w*\.)?(?:createPool|createConnection)$"),
                        ]
                    },
                    {"not": JS_SINGLETON_GUARD},
                ]
            }
        },
        message="Database pool or client created in a request handler: a new connection per request",
        fix=(
            "Create the pool once at module level (export const pool = new Pool({ max: 10 })) and run "
            "queries "
            "through it (pool.query) in the handler."
        ),
        severity=Severity.HIGH,
        keywords=("Pool(", "Client(", "createPool", "createConnection"),
        reference="node-postgres: Pooling (create the pool once)",
        requires=(js_import("pg", "mysql", "mysql2"),),
        scope="request",
        examples=(
            Example(
                _route(
                    "import { Pool } from 'pg';", "const pool = new Pool();\n  await pool.query('select 1');"
                ),
                path=JS_ROUTE,
            ),
            Example(
                "import { Pool } from 'pg';\nexport const pool = new Pool({ max: 10 });\n",
                0,
                path="lib/db.ts",
            ),
            Example(
                _route("import { Pool } from '@neondatabase/serverless';", "const pool = new Pool();"),
                0,
                path=JS_ROUTE,
            ),
        ),
    ),
    Rule(
        id="js-mongo-client-per-request",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    {"any": [js_new(r"^MongoClient$"), js_call(r"^mongoose\.(?:connect|createConnection)$")]},
                    {"not": JS_SINGLETON_GUARD},
                    {
                        "not": {
                            "inside": {
                                "stopBy": "end",
                                "has": {"stopBy": "end", "regex": r"readyState|cached\.conn"},
                            }
                        }
                    },
                ]
            }
        },
        message="MongoDB connection made in a request handler: a new pool per request (serverless functions "
        "then exhaust the cluster's connections)",
        fix="Connect once per process and reuse the promise: cache it on globalThis (the Next.js/Vercel "
        "'cached connection' pattern) or at module level.",
        severity=Severity.HIGH,
        keywords=("MongoClient", "mongoose."),
        reference="MongoDB: Manage connections with AWS Lambda / Vercel (reuse the client)",
        requires=(js_import("mongodb", "mongoose"),),
        scope="request",
        examples=(
            Example(
                _route("import mongoose from 'mongoose';", "await mongoose.connect(process.env.URI);"),
                path=JS_ROUTE,
            ),
            Example(
                "import mongoose from 'mongoose';\nlet cached = globalThis.mongoose;\nasync function db() {\n"
                "  if (cached.conn) return cached.conn;\n  cached.conn = await mongoose.connect(URI);\n"
                "  return cached.conn;\n}\n" + _route("", "await db();"),
                0,
                path=JS_ROUTE,
            ),
        ),
    ),
    Rule(
        id="js-redis-client-per-request",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    {"any": [js_call(r"^(?:redis\.)?createClient$"), js_new(r"^(?:Redis|IORedis)$")]},
                    {"not": JS_SINGLETON_GUARD},
                ]
            }
        },
        message="Redis client created in a request handler: a new connection per request",
        fix="Create and connect the client once at module level (export const redis = createClient({ url }); "
        "await redis.connect() at startup) and reuse it.",
        severity=Severity.MEDIUM,
        keywords=("createClient", "Redis("),
        reference="node-redis / ioredis: reuse one client per process",
        requires=(js_import("redis", "@redis/client", "ioredis"),),
        scope="request",
        examples=(
            Example(
                _route("import { createClient } from 'redis';", "const r = await createClient().connect();"),
                path=JS_ROUTE,
            ),
            Example(
                _route(
                    "import { createClient } from '@supabase/supabase-js';", "const s = createClient(u, k);"
                ),
                0,
                path=JS_ROUTE,
            ),
            Example(
                "import { createClient } from 'redis';\nexport const redis = createClient({ url });\n",
                0,
                path="lib/redis.ts",
            ),
        ),
    ),
)
