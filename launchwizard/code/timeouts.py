"""code.timeouts: outbound calls that can wait forever (or for ten minutes) on a slow service.

The chatbot's first failure in production is a third-party call that never answers: the
request holds a worker, the user stares at a spinner, and retries pile up behind it. Each
rule names one library's way of calling out without a bound, and its fix is that
library's own setting.
"""

from __future__ import annotations

from launchwizard.code.common import (
    JS_SPREAD,
    PY_GUARDED,
    PY_SPLAT,
    file_has,
    js_arg,
    js_call,
    js_import,
    js_new,
    js_object_without,
    js_options_without,
    py_bound,
    py_call,
    py_import,
    py_kwarg,
    py_kwarg_is,
    py_kwarg_value,
    words,
)
from launchwizard.code.model import JS_FAMILY, PYTHON, Example, Rule
from launchwizard.results import Severity

CHECK = "code.timeouts"
BROWSER_DIRS = r"(?:^|/)(?:frontend|client|public|static|components|hooks)/"
"""Directories of code that runs in the browser (a single-page app's API client, components)."""
REQUESTS_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
HTTPX_CALLS = (*REQUESTS_METHODS, "stream", "Client", "AsyncClient")
OPENAI_CLASSES = r"^(?:openai\.)?(?:Async)?(?:Azure)?OpenAI$"
ANTHROPIC_CLASSES = r"^(?:anthropic\.)?(?:Async)?Anthropic(?:Bedrock|Vertex)?$"
LANGCHAIN_MODELS = (
    "ChatOpenAI",
    "AzureChatOpenAI",
    "ChatAnthropic",
    "ChatGoogleGenerativeAI",
    "ChatVertexAI",
    "ChatMistralAI",
    "ChatCohere",
    "ChatGroq",
    "ChatFireworks",
    "ChatTogether",
    "ChatDeepSeek",
    "ChatXAI",
    "init_chat_model",
)
AI_SDK_CALLS = ("generateText", "streamText", "generateObject", "streamObject")
JS_REACT_HOOK = {
    "inside": {
        "stopBy": "end",
        "kind": "call_expression",
        "has": {"field": "function", "regex": r"^use[A-Z]\w*$"},
    }
}
JS_RACED = {
    "inside": {
        "stopBy": "end",
        "kind": "call_expression",
        "has": {"field": "function", "regex": r"^Promise\.(?:race|any)$"},
    }
}
JS_USE_CLIENT = file_has({"kind": "expression_statement", "regex": r"^['\"]use client['\"]"})
JS_BROWSER_CODE = js_import("react", "react-dom", "vue", "svelte", "swr", "@tanstack/react-query", "preact")
"""A component or hook file: its fetch runs in the browser, where a hung request is the user's,
not a server worker's."""
JS_RELATIVE_URL = js_arg(1, {"regex": r"^['\"`]/(?:[^/]|$)"})

PY_NO_TIMEOUT = {"not": {"any": [py_kwarg("timeout"), PY_SPLAT, PY_GUARDED]}}
PY_TIMEOUT_NONE = {"all": [py_kwarg_is("timeout", "none"), {"not": PY_GUARDED}]}

RULES: tuple[Rule, ...] = (
    Rule(
        id="py-requests-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(r"^requests\." + words(*REQUESTS_METHODS)[1:]),
                    {"any": [PY_NO_TIMEOUT, PY_TIMEOUT_NONE]},
                ]
            }
        },
        message="requests call without a timeout: requests waits forever for a server that stops answering",
        fix="Pass timeout=(3.05, 30) (connect, read seconds) on every call: requests has no default timeout.",
        severity=Severity.HIGH,
        keywords=("requests.",),
        reference="Requests: Advanced Usage, Timeouts",
        examples=(
            Example("import requests\nrequests.get(url)\n"),
            Example("import requests\nr = requests.post(url, json=body, headers=h)\n"),
            Example("import requests\nrequests.request('GET', url, timeout=None)\n"),
            Example("import requests\nrequests.get(url, timeout=5)\n", 0),
            Example("import requests\nrequests.post(url, json=body, timeout=(3.05, 27))\n", 0),
            Example("import requests\nrequests.get(url, **options)\n", 0),
            Example("import requests\ns = requests.Session()\n", 0),
            Example("self.requests.get(key)\n", 0),
        ),
    ),
    Rule(
        id="py-requests-session-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    {"pattern": "$S.$M($$$)"},
                    {
                        "has": {
                            "field": "function",
                            "has": {"field": "attribute", "regex": words(*REQUESTS_METHODS)},
                        }
                    },
                    py_bound("S", "requests.Session()", "requests.session()"),
                    {"any": [PY_NO_TIMEOUT, PY_TIMEOUT_NONE]},
                ]
            }
        },
        message="requests.Session call without a timeout: a Session has no default timeout either",
        fix="Pass timeout=(3.05, 30) on each session call, or mount an HTTPAdapter subclass that sets one.",
        severity=Severity.HIGH,
        keywords=("Session(", "session("),
        reference="Requests: Advanced Usage, Timeouts",
        unless=(file_has({"pattern": "$S.mount($$$)"}),),
        examples=(
            Example("import requests\nhttp = requests.Session()\ndef f():\n    return http.get(url)\n"),
            Example("import requests\nwith requests.Session() as s:\n    s.post(url, data=d)\n"),
            Example("import requests\nhttp = requests.Session()\nhttp.get(url, timeout=10)\n", 0),
            Example(
                (
                    "import requests\nhttp = requests.Session()\nhttp.mount('https://', TimeoutAdapter(5))\n"
                    "http.get(u)\n"
                ),
                0,
            ),
            Example("import requests\nother = make_client()\nother.get(url)\n", 0),
        ),
    ),
    Rule(
        id="py-httpx-timeout-disabled",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "any": [
                    {"all": [py_call(r"^httpx\." + words(*HTTPX_CALLS)[1:]), PY_TIMEOUT_NONE]},
                    {"all": [py_call(r"^httpx\.Timeout$"), {"pattern": "httpx.Timeout(None)"}]},
                ]
            }
        },
        message="httpx call or client with its timeout switched off (timeout=None)",
        fix=(
            "Keep a bound: timeout=httpx.Timeout(30.0, connect=5.0) instead of None (httpx's default is 5 s)."
        ),
        severity=Severity.HIGH,
        keywords=("httpx.",),
        reference="HTTPX: Timeouts",
        examples=(
            Example("import httpx\nclient = httpx.AsyncClient(timeout=None)\n"),
            Example("import httpx\nhttpx.post(url, json=b, timeout=None)\n"),
            Example("import httpx\nt = httpx.Timeout(None)\n"),
            Example("import httpx\nclient = httpx.AsyncClient()\n", 0),
            Example("import httpx\nclient = httpx.Client(timeout=10.0)\n", 0),
            Example("import httpx\nt = httpx.Timeout(10.0, connect=5.0)\n", 0),
        ),
    ),
    Rule(
        id="py-aiohttp-session-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "any": [
                    {
                        "all": [
                            py_call(r"^(?:aiohttp\.)?ClientSession$"),
                            {"not": {"any": [py_kwarg("timeout"), PY_SPLAT]}},
                        ]
                    },
                    {
                        "all": [
                            py_call(r"^(?:aiohttp\.)?ClientTimeout$"),
                            {"any": [{"pattern": "$C()"}, py_kwarg_is("total", "none")]},
                        ]
                    },
                ]
            }
        },
        message="aiohttp session without a ClientTimeout: its default allows 5 minutes per request",
        fix="aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30, connect=5)).",
        severity=Severity.MEDIUM,
        keywords=("ClientSession", "ClientTimeout"),
        reference="aiohttp: Client Quickstart, Timeouts",
        requires=(py_import("aiohttp"),),
        unless=(
            file_has(
                {
                    "all": [
                        py_call(r"^(?:aiohttp\.)?ClientTimeout$"),
                        py_kwarg("total", "sock_read", "connect"),
                    ]
                }
            ),
        ),
        examples=(
            Example(
                "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n        pass\n"
            ),
            Example("from aiohttp import ClientSession, ClientTimeout\nt = ClientTimeout()\n"),
            Example(
                (
                    "import aiohttp\n"
                    "async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as s:\n"
                    "    pass\n"
                ),
                0,
            ),
            Example(
                (
                    "import aiohttp\nT = aiohttp.ClientTimeout(total=20)\nasync def f():\n"
                    "    s = aiohttp.ClientSession()\n"
                ),
                0,
            ),
            Example("session = ClientSession()\n", 0),
        ),
    ),
    Rule(
        id="py-urlopen-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(r"^(?:urllib\.request\.)?urlopen$"),
                    {
                        "not": {
                            "any": [
                                py_kwarg("timeout"),
                                PY_SPLAT,
                                {
                                    "has": {
                                        "field": "arguments",
                                        "has": {"nthChild": 3, "not": {"kind": "keyword_argument"}},
                                    }
                                },
                            ]
                        }
                    },
                ]
            }
        },
        message=(
            "urllib.request.urlopen without a timeout: it blocks on the socket default, which is no timeout"
        ),
        fix="urllib.request.urlopen(request, timeout=30).",
        severity=Severity.HIGH,
        keywords=("urlopen",),
        reference="Python docs: urllib.request.urlopen (timeout)",
        requires=(py_import("urllib", "six"),),
        examples=(
            Example("import urllib.request\nurllib.request.urlopen(url)\n"),
            Example("from urllib.request import urlopen\nbody = urlopen(req, data).read()\n"),
            Example("import urllib.request\nurllib.request.urlopen(url, timeout=10)\n", 0),
            Example("from urllib.request import urlopen\nurlopen(url, None, 10)\n", 0),
            Example("urlopen(url)\n", 0),
        ),
    ),
    Rule(
        id="py-openai-client-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(OPENAI_CLASSES),
                    {"not": {"any": [py_kwarg("timeout", "http_client"), PY_SPLAT]}},
                ]
            }
        },
        message="OpenAI client without a timeout: the SDK waits up to 10 minutes for a reply",
        fix="OpenAI(timeout=30.0, max_retries=2), or per call client.with_options(timeout=30.0).",
        severity=Severity.HIGH,
        keywords=("OpenAI(",),
        reference="openai-python: Timeouts",
        requires=(py_import("openai"),),
        unless=(file_has({"all": [{"pattern": "$C.with_options($$$)"}, py_kwarg("timeout")]}),),
        examples=(
            Example("from openai import OpenAI\nclient = OpenAI()\n"),
            Example("import openai\nclient = openai.AsyncOpenAI(api_key=key)\n"),
            Example("from openai import AzureOpenAI\nc = AzureOpenAI(api_version=v, azure_endpoint=e)\n"),
            Example("from openai import OpenAI\nclient = OpenAI(timeout=20.0)\n", 0),
            Example("from openai import OpenAI\nclient = OpenAI(http_client=httpx.Client(timeout=10))\n", 0),
            Example(
                "from openai import OpenAI\nclient = OpenAI()\nfast = client.with_options(timeout=15.0)\n", 0
            ),
            Example("from mylib import OpenAI\nclient = OpenAI()\n", 0),
        ),
    ),
    Rule(
        id="py-anthropic-client-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(ANTHROPIC_CLASSES),
                    {"not": {"any": [py_kwarg("timeout", "http_client"), PY_SPLAT]}},
                ]
            }
        },
        message="Anthropic client without a timeout: the SDK waits up to 10 minutes for a reply",
        fix="Anthropic(timeout=30.0, max_retries=2), or per call client.with_options(timeout=30.0).",
        severity=Severity.HIGH,
        keywords=("Anthropic",),
        reference="anthropic-sdk-python: Timeouts",
        requires=(py_import("anthropic"),),
        unless=(file_has({"all": [{"pattern": "$C.with_options($$$)"}, py_kwarg("timeout")]}),),
        examples=(
            Example("import anthropic\nclient = anthropic.Anthropic()\n"),
            Example("from anthropic import AsyncAnthropic\nclient = AsyncAnthropic(api_key=k)\n"),
            Example(
                "import anthropic\nclient = anthropic.Anthropic(timeout=httpx.Timeout(30.0, connect=5.0))\n",
                0,
            ),
        ),
    ),
    Rule(
        id="py-genai-client-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [py_call(r"^genai\.Client$"), {"not": {"any": [py_kwarg("http_options"), PY_SPLAT]}}]
            }
        },
        message=(
            "Google GenAI client without a timeout: requests are not bounded unless http_options sets one"
        ),
        fix="genai.Client(http_options=types.HttpOptions(timeout=30_000)) (milliseconds).",
        severity=Severity.HIGH,
        keywords=("genai.Client",),
        reference="google-genai: HttpOptions.timeout",
        requires=(
            file_has(
                {
                    "any": [
                        {"pattern": "from google import genai"},
                        {"pattern": "import google.genai as genai"},
                    ]
                }
            ),
        ),
        examples=(
            Example("from google import genai\nclient = genai.Client(api_key=key)\n"),
            Example(
                (
                    "from google import genai\n"
                    "client = genai.Client(http_options=types.HttpOptions(timeout=30000))\n"
                ),
                0,
            ),
            Example("import genai\nclient = genai.Client()\n", 0),
        ),
    ),
    Rule(
        id="py-mistral-client-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(r"^(?:mistralai\.)?Mistral$"),
                    {"not": {"any": [py_kwarg("timeout_ms"), PY_SPLAT]}},
                ]
            }
        },
        message="Mistral client without timeout_ms: its requests are not bounded",
        fix="Mistral(api_key=key, timeout_ms=30_000).",
        severity=Severity.HIGH,
        keywords=("Mistral(",),
        reference="mistralai client: timeout_ms",
        requires=(py_import("mistralai"),),
        examples=(
            Example("from mistralai import Mistral\nclient = Mistral(api_key=key)\n"),
            Example("from mistralai import Mistral\nclient = Mistral(api_key=key, timeout_ms=30000)\n", 0),
        ),
    ),
    Rule(
        id="py-cohere-client-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(r"^(?:cohere\.(?:Async)?Client(?:V2)?|(?:Async)?ClientV2)$"),
                    {"not": {"any": [py_kwarg("timeout", "httpx_client"), PY_SPLAT]}},
                ]
            }
        },
        message="Cohere client without a timeout",
        fix="cohere.ClientV2(api_key=key, timeout=30).",
        severity=Severity.HIGH,
        keywords=("Client",),
        reference="cohere-python: client timeout",
        requires=(py_import("cohere"),),
        examples=(
            Example("import cohere\nco = cohere.ClientV2(api_key=key)\n"),
            Example("import cohere\nco = cohere.ClientV2(api_key=key, timeout=30)\n", 0),
            Example("import cohere\nfrom db import Client\nc = Client()\n", 0),
        ),
    ),
    Rule(
        id="py-llm-client-no-retries",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(f"(?:{OPENAI_CLASSES})|(?:{ANTHROPIC_CLASSES})"),
                    py_kwarg_value("max_retries", r"^0$"),
                ]
            }
        },
        message=(
            "LLM client with max_retries=0: one rate limit (429) or provider hiccup (5xx) reaches the user"
        ),
        fix=(
            "Keep the SDK's retries (max_retries=2, with its backoff) and bound the wait with timeout= "
            "instead."
        ),
        severity=Severity.LOW,
        keywords=("max_retries",),
        reference="openai-python / anthropic-sdk-python: Retries",
        requires=(py_import("openai", "anthropic"),),
        examples=(
            Example("from openai import OpenAI\nclient = OpenAI(timeout=20, max_retries=0)\n"),
            Example("from openai import OpenAI\nclient = OpenAI(timeout=20, max_retries=3)\n", 0),
        ),
    ),
    Rule(
        id="py-langchain-model-no-timeout",
        check=CHECK,
        languages=PYTHON,
        pattern={
            "rule": {
                "all": [
                    py_call(words(*LANGCHAIN_MODELS)),
                    {
                        "not": {
                            "any": [
                                py_kwarg(
                                    "timeout",
                                    "request_timeout",
                                    "default_request_timeout",
                                    "http_client",
                                    "http_async_client",
                                ),
                                PY_SPLAT,
                            ]
                        }
                    },
                ]
            }
        },
        message="LangChain chat model without a timeout: it inherits the provider SDK's long default",
        fix=(
            "ChatOpenAI(model=..., timeout=30, max_retries=2) (the same `timeout` for the other chat models)."
        ),
        severity=Severity.HIGH,
        keywords=("Chat", "init_chat_model"),
        reference="LangChain chat models: timeout / request_timeout",
        requires=(py_import("langchain", prefix_only=True),),
        examples=(
            Example("from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o-mini')\n"),
            Example(
                "from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model=m, temperature=0)\n"
            ),
            Example("from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model=m, timeout=30)\n", 0),
            Example(
                "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model=m, request_timeout=30)\n", 0
            ),
        ),
    ),
    Rule(
        id="js-fetch-no-signal",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    js_call(r"^fetch$"),
                    js_options_without(2, "signal"),
                    {"not": {"any": [JS_RELATIVE_URL, JS_REACT_HOOK, JS_RACED]}},
                ]
            }
        },
        message=(
            "fetch without an abort signal: Node's fetch waits as long as the server keeps the socket open"
        ),
        fix="fetch(url, { ...init, signal: AbortSignal.timeout(10_000) }); in a route handler, "
        "AbortSignal.any([request.signal, AbortSignal.timeout(10_000)]).",
        severity=Severity.HIGH,
        keywords=("fetch(",),
        reference="MDN: AbortSignal.timeout()",
        unless=(JS_USE_CLIENT, JS_BROWSER_CODE),
        not_in_paths=BROWSER_DIRS,
        examples=(
            Example("const r = await fetch('https://api.example.com/v1/x');\n"),
            Example("await fetch(url, { method: 'POST', body });\n"),
            Example("await fetch(url, { signal: AbortSignal.timeout(5000) });\n", 0),
            Example(
                "await fetch(url, { signal: AbortSignal.any([req.signal, AbortSignal.timeout(5000)]) });\n", 0
            ),
            Example("const signal = controller.signal;\nawait fetch(url, { method: 'POST', signal });\n", 0),
            Example("await fetch(url, init);\n", 0),
            Example("await fetch(url, { ...init, method: 'POST' });\n", 0),
            Example("await fetch('/api/chat', { method: 'POST' });\n", 0),
            Example("'use client';\nexport async function send() { await fetch(url); }\n", 0),
            Example(
                "import { useState } from 'react';\nexport async function load() { return fetch(url); }\n", 0
            ),
            Example("export const load = () => fetch(url);\n", 0, path="frontend/src/api/index.ts"),
            Example("useEffect(() => { fetch(url).then(setData); }, []);\n", 0),
            Example("await Promise.race([fetch(url), timeout(5000)]);\n", 0),
        ),
    ),
    Rule(
        id="js-axios-no-timeout",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "any": [
                    {
                        "all": [
                            js_call(r"^axios\.(?:get|delete|head|options)$"),
                            js_options_without(2, "timeout"),
                        ]
                    },
                    {"all": [js_call(r"^axios\.(?:post|put|patch)$"), js_options_without(3, "timeout")]},
                    {"all": [js_call(r"^axios(?:\.request)?$"), js_arg(1, js_object_without("timeout"))]},
                ]
            }
        },
        message="axios request without a timeout: axios's default is 0, no timeout at all",
        fix="Set axios.defaults.timeout = 10_000 once, or pass { timeout: 10_000 } on the call.",
        severity=Severity.HIGH,
        keywords=("axios",),
        reference="axios: Request Config (timeout)",
        requires=(js_import("axios"),),
        unless_facts=("axios-default-timeout",),
        examples=(
            Example("import axios from 'axios';\nconst r = await axios.get(url);\n"),
            Example("import axios from 'axios';\nawait axios.post(url, body, { headers });\n"),
            Example("const axios = require('axios');\naxios({ url, method: 'post' });\n"),
            Example("import axios from 'axios';\nawait axios.get(url, { timeout: 5000 });\n", 0),
            Example("import axios from 'axios';\nawait axios.post(url, body, config);\n", 0),
            Example("import axios from 'axios';\nawait axios.post(url, body, { ...base });\n", 0),
        ),
    ),
    Rule(
        id="js-axios-instance-no-timeout",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={"rule": {"all": [js_call(r"^axios\.create$"), js_options_without(1, "timeout")]}},
        message="axios instance without a timeout: every request through it can wait forever",
        fix="axios.create({ baseURL, timeout: 10_000 }).",
        severity=Severity.HIGH,
        keywords=("axios.create",),
        reference="axios: Request Config (timeout)",
        unless=(file_has({"pattern": "$I.defaults.timeout = $V"}),),
        unless_facts=("axios-default-timeout",),
        examples=(
            Example("import axios from 'axios';\nexport const api = axios.create({ baseURL });\n"),
            Example("import axios from 'axios';\nexport const api = axios.create();\n"),
            Example(
                "import axios from 'axios';\nexport const api = axios.create({ baseURL, timeout: 8000 });\n",
                0,
            ),
            Example(
                (
                    "import axios from 'axios';\nconst api = axios.create({ baseURL });\n"
                    "api.defaults.timeout = 5000;\n"
                ),
                0,
            ),
        ),
    ),
    Rule(
        id="axios-default-timeout",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={"rule": {"pattern": "axios.defaults.timeout = $V"}},
        message="axios has a default timeout for the whole code base",
        fix="",
        severity=Severity.INFO,
        keywords=("axios.defaults",),
        fact="axios-default-timeout",
        examples=(Example("axios.defaults.timeout = 10000;\n"), Example("axios.defaults.baseURL = u;\n", 0)),
    ),
    Rule(
        id="js-openai-client-no-timeout",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {"all": [js_new(r"^(?:OpenAI|AzureOpenAI)$"), js_options_without(1, "timeout", "fetch")]}
        },
        message="OpenAI client without a timeout: the SDK waits up to 10 minutes for a reply",
        fix="new OpenAI({ timeout: 30_000, maxRetries: 2 }) (milliseconds).",
        severity=Severity.HIGH,
        keywords=("OpenAI(",),
        reference="openai-node: Timeouts",
        requires=(js_import("openai"),),
        examples=(
            Example("import OpenAI from 'openai';\nconst openai = new OpenAI();\n"),
            Example(
                "import OpenAI from 'openai';\nconst openai = new OpenAI({ apiKey: process.env.KEY });\n"
            ),
            Example("import OpenAI from 'openai';\nconst openai = new OpenAI({ timeout: 20000 });\n", 0),
            Example("import OpenAI from 'my-wrapper';\nconst openai = new OpenAI();\n", 0),
        ),
    ),
    Rule(
        id="js-anthropic-client-no-timeout",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={"rule": {"all": [js_new(r"^Anthropic$"), js_options_without(1, "timeout", "fetch")]}},
        message="Anthropic client without a timeout: the SDK waits up to 10 minutes for a reply",
        fix="new Anthropic({ timeout: 30_000, maxRetries: 2 }) (milliseconds).",
        severity=Severity.HIGH,
        keywords=("Anthropic(",),
        reference="anthropic-sdk-typescript: Timeouts",
        requires=(js_import("@anthropic-ai/sdk"),),
        examples=(
            Example("import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\n"),
            Example(
                (
                    "import Anthropic from '@anthropic-ai/sdk';\n"
                    "const client = new Anthropic({ timeout: 20000 });\n"
                ),
                0,
            ),
        ),
    ),
    Rule(
        id="js-llm-client-no-retries",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    js_new(r"^(?:OpenAI|AzureOpenAI|Anthropic)$"),
                    js_arg(
                        1,
                        {
                            "kind": "object",
                            "has": {
                                "kind": "pair",
                                "all": [
                                    {"has": {"field": "key", "regex": r"^maxRetries$"}},
                                    {"has": {"field": "value", "regex": r"^0$"}},
                                ],
                            },
                        },
                    ),
                ]
            }
        },
        message=(
            "LLM client with maxRetries: 0: one rate limit (429) or provider hiccup (5xx) reaches the user"
        ),
        fix=(
            "Keep the SDK's retries (maxRetries: 2, with its backoff) and bound the wait with timeout "
            "instead."
        ),
        severity=Severity.LOW,
        keywords=("maxRetries",),
        reference="openai-node / anthropic-sdk-typescript: Retries",
        requires=(js_import("openai", "@anthropic-ai/sdk"),),
        examples=(
            Example(
                "import OpenAI from 'openai';\nconst c = new OpenAI({ timeout: 1000, maxRetries: 0 });\n"
            ),
            Example(
                "import OpenAI from 'openai';\nconst c = new OpenAI({ timeout: 1000, maxRetries: 2 });\n", 0
            ),
        ),
    ),
    Rule(
        id="js-ai-sdk-no-abort",
        check=CHECK,
        languages=JS_FAMILY,
        pattern={
            "rule": {
                "all": [
                    js_call(words(*AI_SDK_CALLS)),
                    js_arg(
                        1,
                        {
                            "kind": "object",
                            "not": {
                                "any": [
                                    {
                                        "has": {
                                            "any": [
                                                {
                                                    "kind": "pair",
                                                    "has": {
                                                        "field": "key",
                                                        "regex": r"^(?:abortSignal|timeout)$",
                                                    },
                                                },
                                                {
                                                    "kind": "shorthand_property_identifier",
                                                    "regex": r"^(?:abortSignal|timeout)$",
                                                },
                                            ]
                                        }
                                    },
                                    JS_SPREAD,
                                ]
                            },
                        },
                    ),
                ]
            }
        },
        message="Vercel AI SDK call without an abortSignal: a stalled model stream holds the request open",
        fix="generateText({ model, prompt, abortSignal: AbortSignal.timeout(30_000) }); in a route handler "
        "AbortSignal.any([req.signal, AbortSignal.timeout(30_000)]).",
        severity=Severity.HIGH,
        keywords=tuple(f"{name}(" for name in AI_SDK_CALLS),
        reference="AI SDK Core: abortSignal (Settings)",
        requires=(js_import("ai"),),
        examples=(
            Example("import { streamText } from 'ai';\nconst result = streamText({ model, messages });\n"),
            Example(
                "import { generateText } from 'ai';\n"
                "const { text } = await generateText({ model, prompt });\n"
            ),
            Example(
                (
                    "import { streamText } from 'ai';\n"
                    "streamText({ model, messages, abortSignal: req.signal });\n"
                ),
                0,
            ),
            Example("import { streamText } from 'ai';\nstreamText({ model, messages, abortSignal });\n", 0),
            Example("import { streamText } from 'ai';\nstreamText({ ...options, model });\n", 0),
            Example("import { streamText } from './mine';\nstreamText({ model, messages });\n", 0),
        ),
    ),
)
