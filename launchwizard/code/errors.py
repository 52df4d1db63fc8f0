"""code.errors: errors on request paths are logged or re-raised, and something reports them.

An `except Exception: pass` in a handler turns an outage into a quiet wrong answer: the
user sees nothing useful, the logs show nothing, and nobody is paged. A handler that
answers 200 with an error inside does the same to monitoring. An app with no
error-reporting hook at all (Sentry or the like, or a logging error handler) only learns
about errors from its users.
"""

from __future__ import annotations

from functools import partial

from launchwizard.code.common import in_fastapi_handler, js_call, py_call, words
from launchwizard.code.model import JS_FAMILY, PYTHON, Example, RepoRule, Rule, fact_rule
from launchwizard.results import Severity

CHECK = "code.errors"
_fact = partial(fact_rule, CHECK)
BROAD_EXCEPT = r"^except(?:\s+\(?\s*(?:Exception|BaseException)\s*\)?(?:\s+as\s+\w+)?)?\s*:"
PY_NOTHING_DONE = {
    "any": [
        {"kind": "pass_statement"},
        {"kind": "continue_statement"},
        {"kind": "expression_statement", "regex": r"^\.\.\.$"},
        {"kind": "comment"},
    ]
}
PY_LOGGED = {
    "has": {
        "stopBy": "end",
        "any": [
            {"kind": "raise_statement"},
            {
                "kind": "call",
                "has": {
                    "field": "function",
                    "regex": r"(?:^|\.)(?:exception|error|critical|warning|warn|"
                    r"capture_exception|capture_message|print|log)$",
                },
            },
        ],
    }
}
PY_RESPONSE_WITHOUT_STATUS = {
    "any": [
        {"kind": "dictionary"},
        {
            "all": [
                py_call(r"^(?:JSONResponse|ORJSONResponse|jsonify|JsonResponse|Response|PlainTextResponse)$"),
                {
                    "not": {
                        "has": {
                            "field": "arguments",
                            "has": {
                                "kind": "keyword_argument",
                                "has": {"field": "name", "regex": r"^(?:status_code|status)$"},
                            },
                        }
                    }
                },
            ]
        },
    ]
}
JS_LOGGED = {
    "has": {
        "stopBy": "end",
        "any": [
            {"kind": "throw_statement"},
            js_call(r"(?:^console|logger|log|Sentry)\.\w+$|^(?:captureException|reportError|report)$"),
        ],
    }
}
ERROR_HANDLER_DECORATOR = r"\.(?:exception_handler|errorhandler)\(\s*(?:Exception|BaseException)\s*\)"
ERROR_HANDLER_OR_500 = r"\.(?:exception_handler|errorhandler)\(\s*(?:Exception|BaseException|500)\s*\)"
JS_STATEMENT = {"inside": {"kind": "expression_statement"}}
"""The call is a statement of its own: its result (the fallback value) is thrown away."""
REFERENCE_PY = "Python docs: Errors and Exceptions; OWASP Logging Cheat Sheet"
REFERENCE_JS = "ESLint: no-empty (catch blocks); OWASP Logging Cheat Sheet"

JS_ROUTE = "app/api/chat/route.ts"


FACTS: tuple[Rule, ...] = (
    _fact(
        "py-web-app",
        "web-app:python",
        PYTHON,
        {
            "rule": {
                "any": [
                    py_call(
                        r"^(?:fastapi\.)?FastAPI$|^(?:flask\.)?Flask$|^(?:starlette\.applications\.)?Starlette$"
                        r"|^(?:quart\.)?Quart$|^(?:sanic\.)?Sanic$"
                    ),
                    {"pattern": "urlpatterns = $X"},
                ]
            }
        },
        ("FastAPI(", "Flask(", "Starlette(", "Quart(", "Sanic(", "urlpatterns"),
        (
            Example("from fastapi import FastAPI\napp = FastAPI()\n"),
            Example("from flask import Flask\napp = Flask(__name__)\n"),
            Example("urlpatterns = [path('chat/', views.chat)]\n"),
            Example("app = make_app()\n", 0),
        ),
    ),
    _fact(
        "js-web-app",
        "web-app:js",
        JS_FAMILY,
        {
            "rule": {
                "any": [
                    js_call(r"^(?:express|fastify|Fastify|koa)$"),
                    {
                        "kind": "new_expression",
                        "has": {"field": "constructor", "regex": r"^(?:Hono|Koa|Elysia)$"},
                    },
                    {
                        "kind": "import_statement",
                        "has": {"field": "source", "regex": r"^['\"]next/server['\"]$"},
                    },
                ]
            }
        },
        ("express(", "fastify(", "Fastify(", "Hono(", "Koa(", "koa(", "Elysia(", "next/server"),
        (
            Example("import express from 'express';\nconst app = express();\n"),
            Example("import { NextResponse } from 'next/server';\n"),
            Example("const x = expressive();\n", 0),
        ),
    ),
    _fact(
        "py-error-reporting",
        "error-hook:python",
        PYTHON,
        {
            "rule": {
                "any": [
                    py_call(
                        r"^(?:sentry_sdk\.init|rollbar\.init|bugsnag\.configure|honeybadger\.configure|pybrake\.Notifier"
                        r"|ddtrace\.patch_all|newrelic\.agent\.initialize|elasticapm\.Client|configure_azure_monitor)$"
                    ),
                    {"kind": "import_statement", "regex": r"^import (?:ddtrace\.auto|newrelic\.agent)\b"},
                    {
                        "kind": "import_from_statement",
                        "has": {
                            "field": "module_name",
                            "regex": r"^(?:opentelemetry\.instrumentation|elasticapm\.contrib)",
                        },
                    },
                    {
                        "kind": "decorated_definition",
                        "has": {
                            "kind": "decorator",
                            "regex": ERROR_HANDLER_OR_500,
                        },
                        **PY_LOGGED,
                    },
                    {"kind": "string", "regex": r"^['\"]django\.request['\"]$"},
                ]
            }
        },
        (
            "sentry_sdk",
            "rollbar",
            "bugsnag",
            "honeybadger",
            "pybrake",
            "ddtrace",
            "newrelic",
            "elasticapm",
            "opentelemetry",
            "azure_monitor",
            "exception_handler",
            "errorhandler",
            "django.request",
        ),
        (
            Example("import sentry_sdk\nsentry_sdk.init(dsn=DSN, traces_sample_rate=0.1)\n"),
            Example(
                "@app.exception_handler(Exception)\nasync def boom(request, exc):\n"
                "    logger.exception('failed')\n"
                "    return JSONResponse({'error': 'internal'}, status_code=500)\n"
            ),
            Example(
                "LOGGING = {'loggers': {'django.request': {'handlers': ['sentry'], 'level': 'ERROR'}}}\n"
            ),
            Example("SENTRY_DSN = os.getenv('SENTRY_DSN')\n", 0),
        ),
    ),
    _fact(
        "js-error-reporting",
        "error-hook:js",
        JS_FAMILY,
        {
            "rule": {
                "any": [
                    js_call(
                        r"^(?:Sentry\.init|Bugsnag\.start|Honeybadger\.configure|Rollbar\.init|registerOTel|withSentryConfig"
                        r"|LogRocket\.init|Airbrake\.\w+|tracer\.init|Sentry\.setupExpressErrorHandler)$"
                    ),
                    {
                        "kind": "new_expression",
                        "has": {"field": "constructor", "regex": r"^(?:Rollbar|Notifier|NodeSDK)$"},
                    },
                    {
                        "kind": "call_expression",
                        "regex": r"^require\(['\"](?:newrelic|dd-trace|elastic-apm-node)['\"]\)",
                    },
                    {
                        "kind": "export_statement",
                        "has": {
                            "kind": "function_declaration",
                            "has": {"field": "name", "regex": r"^onRequestError$"},
                        },
                    },
                    {
                        "kind": "call_expression",
                        "has": {"field": "function", "regex": r"\.use$"},
                        "all": [
                            {
                                "has": {
                                    "field": "arguments",
                                    "has": {
                                        "kind": "arrow_function",
                                        "has": {
                                            "field": "parameters",
                                            "regex": r"^\(\s*\w+\s*,\s*\w+\s*,\s*\w+\s*,\s*\w+",
                                        },
                                        **JS_LOGGED,
                                    },
                                }
                            }
                        ],
                    },
                ]
            }
        },
        (
            "Sentry",
            "Bugsnag",
            "Honeybadger",
            "Rollbar",
            "registerOTel",
            "LogRocket",
            "Airbrake",
            "tracer.init",
            "Notifier",
            "NodeSDK",
            "newrelic",
            "dd-trace",
            "elastic-apm",
            "onRequestError",
            ".use(",
        ),
        (
            Example(
                "import * as Sentry from '@sentry/nextjs';\nSentry.init({ dsn: process.env.SENTRY_DSN });\n"
            ),
            Example("export function onRequestError(err, request, context) { report(err); }\n"),
            Example("app.use((err, req, res, next) => { logger.error(err); res.status(500).end(); });\n"),
            Example("app.use((req, res, next) => next());\n", 0),
        ),
    ),
)

FINDINGS: tuple[Rule, ...] = (
    Rule(
        id="py-except-swallowed",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "kind": "except_clause",
                "regex": BROAD_EXCEPT,
                "has": {"kind": "block", "not": {"has": {"not": PY_NOTHING_DONE}}},
            }
        },
        message="Every exception swallowed (broad except with only pass/continue): the error leaves no trace",
        fix="Catch the exceptions you expect, and log the rest with logger.exception(...) (or re-raise); "
        "an error tracker then sees it.",
        severity=Severity.MEDIUM,
        keywords=("except",),
        reference=REFERENCE_PY,
        examples=(
            Example("try:\n    send()\nexcept Exception:\n    pass\n"),
            Example("for x in xs:\n    try:\n        send(x)\n    except:\n        continue\n"),
            Example(
                in_fastapi_handler("try:\n    return await answer(body)\nexcept BaseException as e:\n    ...")
            ),
            Example(
                "try:\n    send()\nexcept Exception:\n    logger.exception('send failed')\n    pass\n", 0
            ),
            Example("try:\n    n = int(x)\nexcept ValueError:\n    pass\n", 0),
            Example("try:\n    send()\nexcept Exception:\n    raise\n", 0),
        ),
    ),
    Rule(
        id="py-suppress-exception",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(r"^(?:contextlib\.)?suppress$"),
                    {"has": {"field": "arguments", "has": {"regex": r"^(?:Exception|BaseException)$"}}},
                ]
            }
        },
        message="contextlib.suppress(Exception): every error in the block disappears without a trace",
        fix="Suppress only the exception you expect (suppress(FileNotFoundError)) and log anything else.",
        severity=Severity.MEDIUM,
        keywords=("suppress(",),
        reference=REFERENCE_PY,
        examples=(
            Example("from contextlib import suppress\nwith suppress(Exception):\n    notify()\n"),
            Example("import contextlib\nwith contextlib.suppress(FileNotFoundError):\n    os.remove(p)\n", 0),
        ),
    ),
    Rule(
        id="py-error-answered-200",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "any": [
                    {
                        "kind": "except_clause",
                        "regex": BROAD_EXCEPT,
                        "has": {
                            "kind": "block",
                            "has": {"kind": "return_statement", "has": PY_RESPONSE_WITHOUT_STATUS},
                        },
                    },
                    {
                        "kind": "decorated_definition",
                        "has": {
                            "kind": "decorator",
                            "regex": ERROR_HANDLER_DECORATOR,
                        },
                        "all": [
                            {
                                "has": {
                                    "field": "definition",
                                    "has": {
                                        "stopBy": "end",
                                        "kind": "return_statement",
                                        "has": PY_RESPONSE_WITHOUT_STATUS,
                                    },
                                }
                            }
                        ],
                    },
                ]
            }
        },
        message="An exception answered with status 200: clients, monitors and error rates all see success",
        fix="Answer errors with a 5xx (JSONResponse({'error': 'internal'}, status_code=500), or raise "
        "HTTPException(500)) and log the exception.",
        severity=Severity.MEDIUM,
        keywords=("except", "exception_handler", "errorhandler"),
        reference="RFC 9110 §15.6 (5xx Server Error); OWASP Error Handling Cheat Sheet",
        scope="request",
        examples=(
            Example(
                in_fastapi_handler(
                    "try:\n    return await answer(body)\nexcept Exception as e:\n"
                    "    return {'error': str(e)}"
                )
            ),
            Example(
                "from flask import Flask, jsonify\napp = Flask(__name__)\n@app.errorhandler(Exception)\n"
                "def failed(e):\n    return jsonify(error='oops')\n",
                1,
            ),
            Example(
                in_fastapi_handler(
                    "try:\n    return await answer(body)\nexcept Exception:\n"
                    "    return JSONResponse({'e': 1}, status_code=500)"
                ),
                0,
            ),
            Example(
                "def helper():\n    try:\n        return load()\n    except Exception:\n        return {}\n",
                0,
            ),
        ),
    ),
    Rule(
        id="js-empty-catch",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={"rule": {"kind": "catch_clause", "has": {"field": "body", "regex": r"^\{\s*\}$"}}},
        message="Empty catch block: the error is swallowed without a trace",
        fix="Log it (console.error / your logger, or Sentry.captureException(err)) and answer with a 5xx, or "
        "rethrow; a deliberate ignore gets a comment saying why.",
        severity=Severity.MEDIUM,
        keywords=("catch",),
        reference=REFERENCE_JS,
        examples=(
            Example("try { await send(); } catch (e) {}\n"),
            Example("try { await send(); } catch {\n}\n"),
            Example("try { await send(); } catch (e) { console.error(e); }\n", 0),
            Example("try { localStorage.setItem(k, v); } catch { /* private mode: ignore */ }\n", 0),
        ),
    ),
    Rule(
        id="js-promise-catch-noop",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    js_call(r"\.catch$"),
                    {
                        "has": {
                            "field": "arguments",
                            "has": {
                                "nthChild": 1,
                                "any": [
                                    {
                                        "kind": "arrow_function",
                                        "has": {
                                            "field": "body",
                                            "regex": r"^(?:\{\s*\}|null|undefined|void 0|\(\{\s*\}\))$",
                                        },
                                    },
                                    {
                                        "kind": "function_expression",
                                        "has": {"field": "body", "regex": r"^\{\s*\}$"},
                                    },
                                    {"kind": "identifier", "regex": words("noop")},
                                    {"kind": "member_expression", "regex": r"^_\.noop$"},
                                ],
                            },
                        }
                    },
                    {"any": [JS_STATEMENT, {"inside": {"kind": "await_expression", **JS_STATEMENT}}]},
                ]
            }
        },
        message="Promise error discarded with .catch(() => {}): the failure leaves no trace",
        fix=".catch((err) => logger.error({ err }, 'what failed')) or let it propagate to the handler.",
        severity=Severity.MEDIUM,
        keywords=(".catch(",),
        reference=REFERENCE_JS,
        examples=(
            Example("sendWelcome(user).catch(() => {});\n"),
            Example("track(event).catch(() => null);\n"),
            Example("track(event).catch(noop);\n"),
            Example("await track(event).catch(() => {});\n"),
            Example("const meta = await pdf.getMetadata().catch(() => null);\n", 0),
            Example("track(event).catch((err) => console.error(err));\n", 0),
        ),
    ),
    Rule(
        id="js-error-answered-200",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "kind": "catch_clause",
                "has": {
                    "field": "body",
                    "any": [
                        {
                            "has": {
                                "stopBy": "end",
                                "kind": "return_statement",
                                "has": {
                                    "all": [
                                        js_call(r"^(?:NextResponse|Response)\.json$"),
                                        {"not": {"has": {"field": "arguments", "has": {"nthChild": 2}}}},
                                    ]
                                },
                            }
                        },
                        {
                            "all": [
                                {"has": {"stopBy": "end", **js_call(r"^res\.(?:json|send)$")}},
                                {
                                    "not": {
                                        "has": {
                                            "stopBy": "end",
                                            "kind": "call_expression",
                                            "regex": r"^res\.status\(",
                                        }
                                    }
                                },
                                {
                                    "not": {
                                        "has": {
                                            "stopBy": "end",
                                            "kind": "assignment_expression",
                                            "regex": r"^res\.statusCode\s*=",
                                        }
                                    }
                                },
                            ]
                        },
                    ],
                },
            }
        },
        message="An exception answered with status 200: clients, monitors and error rates all see success",
        fix=(
            "Answer with a 5xx: Response.json({ error: 'internal' }, { status: 500 }) / "
            "res.status(500).json(...), "
            "and log the error."
        ),
        severity=Severity.MEDIUM,
        keywords=("catch",),
        reference="RFC 9110 §15.6 (5xx Server Error); OWASP Error Handling Cheat Sheet",
        scope="request",
        examples=(
            Example(
                "export async function POST(req) {\n  try {\n    return Response.json(await run(req));\n"
                "  } catch (e) {\n    return Response.json({ error: String(e) });\n  }\n}\n",
                path=JS_ROUTE,
            ),
            Example(
                "app.post('/chat', async (req, res) => {\n  try { res.json(await run()); }\n"
                "  catch (e) { res.json({ error: 'failed' }); }\n});\n"
            ),
            Example(
                "export async function POST(req) {\n  try {\n    return Response.json(await run(req));\n"
                "  } catch (e) {\n    return Response.json({ error: 'x' }, { status: 500 });\n  }\n}\n",
                0,
                path=JS_ROUTE,
            ),
            Example(
                "app.post('/chat', async (req, res) => {\n  try { res.json(await run()); }\n"
                "  catch (e) { res.status(502).json({ error: 'failed' }); }\n});\n",
                0,
            ),
        ),
    ),
)

RULES: tuple[Rule, ...] = (*FACTS, *FINDINGS)

REPO_RULES: tuple[RepoRule, ...] = (
    RepoRule(
        id="no-error-reporting",
        check=CHECK,
        when="web-app",
        unless=("error-hook",),
        message=(
            "No error-reporting hook: no Sentry (or similar) SDK initialised and no logging error "
            "handler, "
            "so errors in production are learnt from customers"
        ),
        fix="Initialise an error tracker at startup (sentry_sdk.init(dsn=..., traces_sample_rate=0.1) / "
        "Sentry.init({ dsn }) in instrumentation.ts), or register a catch-all error handler that logs with "
        "the "
        "traceback and answers 500.",
        severity=Severity.MEDIUM,
        reference="OWASP Logging Cheat Sheet; Sentry: Python / Next.js setup",
    ),
)
