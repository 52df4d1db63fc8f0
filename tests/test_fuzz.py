"""Fuzzing every parser that reads untrusted text: no input may raise anything but the
parser's own documented error.

The number of cases per parser is LAUNCHWIZARD_FUZZ_EXAMPLES (default 200, the CI profile);
`LAUNCHWIZARD_FUZZ_EXAMPLES=10000 .venv/bin/python -m pytest tests/test_fuzz.py` is the
thorough run. Inputs mix random text with fragments of the real grammar, so the parsers get
past their first token.
"""

from __future__ import annotations

import contextlib
import json
import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from launchwizard.config import ConfigError, parse_sprint
from launchwizard.edge.cookies import parse_set_cookie
from launchwizard.edge.csp import CspInvalid, parse_policy
from launchwizard.edge.debugpage import debug_markers
from launchwizard.edge.hsts import parse_hsts
from launchwizard.edge.ratelimit import read_ratelimit
from launchwizard.edge.sfv import item_token
from launchwizard.email.dkim import parse_dkim_key
from launchwizard.email.dmarc import parse_dmarc
from launchwizard.email.spf import SpfSyntaxError
from launchwizard.email.spf import parse as parse_spf
from launchwizard.rdap.bootstrap import BootstrapError, parse_bootstrap
from launchwizard.rdap.dates import BadDate, parse_rdap_date
from launchwizard.rdap.domain import RdapDataError, parse_domain
from launchwizard.rdap.facts import registry_facts
from launchwizard.rdap.judge import NameServerSet, judge_delegation, judge_dnssec, judge_expiry, judge_status
from launchwizard.rdap.status import normalise_statuses
from launchwizard.state.statefile import StateFileError, load_state

EXAMPLES = int(os.environ.get("LAUNCHWIZARD_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
EXAMPLE = (Path(__file__).resolve().parent.parent / "sprint.toml.example").read_text(encoding="utf-8")


def grammar(*fragments: str) -> st.SearchStrategy[str]:
    """Text built from the grammar's own pieces, random text and separators."""
    piece = st.one_of(st.sampled_from(fragments), st.text(max_size=12), st.sampled_from(" ;,=:\"'\t\x00"))
    return st.lists(piece, max_size=30).map("".join)


SPF = grammar(
    "v=spf1",
    " ",
    "ip4:",
    "ip6:",
    "a",
    "mx",
    "ptr",
    "include:",
    "exists:",
    "redirect=",
    "exp=",
    "-all",
    "~all",
    "?all",
    "+all",
    "/24",
    "/128",
    "%{i}",
    "%{d2r}",
    "%{l-}",
    "192.0.2.1",
    "2001:db8::",
    "example.com",
)
DMARC = grammar(
    "v=DMARC1",
    "; ",
    "p=",
    "sp=",
    "np=",
    "none",
    "quarantine",
    "reject",
    "pct=",
    "100",
    "rua=",
    "ruf=",
    "mailto:",
    "dmarc@example.com",
    "!10m",
    "adkim=",
    "aspf=",
    "r",
    "s",
    "fo=",
    "1:d:s",
    "ri=",
    "rf=afrf",
    "t=y",
)
DKIM = grammar(
    "v=DKIM1",
    "; ",
    "k=",
    "rsa",
    "ed25519",
    "p=",
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A",
    "t=",
    "y:s",
    "h=",
    "sha256",
    "s=",
    "email",
    "*",
    "n=",
)
CSP = grammar(
    "default-src",
    "script-src",
    "style-src",
    "object-src",
    "frame-ancestors",
    "base-uri",
    "form-action",
    "'self'",
    "'none'",
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'strict-dynamic'",
    "'nonce-abc'",
    "'sha256-x='",
    "https:",
    "http:",
    "data:",
    "*",
    "https://cdn.example",
    "; ",
    ", ",
)
COOKIE = grammar(
    "session=abc",
    "__Host-",
    "__Secure-",
    "; ",
    "Secure",
    "HttpOnly",
    "SameSite=",
    "Strict",
    "Lax",
    "None",
    "Path=/",
    "Domain=",
    "Expires=Wed, 21 Oct 2015 07:28:00 GMT",
    "Max-Age=",
    "-1",
    "=",
)
RATELIMIT = grammar(
    '"default"', ";q=", ";w=", ";r=", ";t=", ";pk=", ":abc:", "100", "60", ", ", '"burst"', "=", "-1"
)
HSTS = grammar("max-age=", "31536000", '"', "; ", "includeSubDomains", "preload", "=", "-1", "max-age")
ERROR_BODY = grammar(
    "<br> &nbsp; &nbsp;at ",
    "    at ",
    "\\n",
    "\n",
    "\t",
    "(/app/x.js:1:2)",
    '{"trace":[',
    '{"file":"/a.php","line":3}',
    '"',
    "<pre>",
    "&lt;",
    "&#x27;",
    "\\u003c",
    'File "/a.py", line 1, in f',
    ".rb:1:in `x'",
    "goroutine 1 [running]:",
    "(A.java:1)",
    ":line 3",
    "[",
    "{",
)


@FUZZ
@given(SPF)
def test_spf(text: str) -> None:
    with contextlib.suppress(SpfSyntaxError):
        parse_spf(text)


@FUZZ
@given(DMARC)
def test_dmarc(text: str) -> None:
    parse_dmarc(text)


@FUZZ
@given(DKIM)
def test_dkim_tags(text: str) -> None:
    parse_dkim_key(text)


@FUZZ
@given(CSP)
def test_csp(text: str) -> None:
    with contextlib.suppress(CspInvalid):
        parse_policy(text)


@FUZZ
@given(COOKIE)
def test_cookies(text: str) -> None:
    parse_set_cookie(text)


@FUZZ
@given(RATELIMIT, RATELIMIT, st.text(max_size=40))
def test_ratelimit_headers(policy: str, current: str, retry: str) -> None:
    read_ratelimit(
        [
            ("RateLimit-Policy", policy),
            ("RateLimit", current),
            ("Retry-After", retry),
            ("X-RateLimit-Limit", retry),
            ("X-RateLimit-Reset", current),
        ],
        now=1_700_000_000.0,
    )


@FUZZ
@given(HSTS)
def test_hsts(text: str) -> None:
    parse_hsts(text)


@FUZZ
@given(grammar("same-origin", "require-corp", ";", " ", "=", '"', "report-to", "?1", ":YQ==:", "-1.5", "Ü"))
def test_structured_field_items(text: str) -> None:
    token = item_token(text)
    assert token is None or token in text


@FUZZ
@given(ERROR_BODY)
def test_debug_page_markers(text: str) -> None:
    assert isinstance(debug_markers(text.encode("utf-8", "surrogatepass")), list)


SCALARS = st.one_of(
    st.text(max_size=20), st.integers(-(2**40), 2**40), st.booleans(), st.floats(allow_nan=False), st.none()
)


def mutate(document: dict, path: list[str], value: object) -> dict:
    """The example with one key (found by walking `path` as far as it goes) set to `value`."""
    table = document
    for key in path[:-1]:
        child = table.get(key) if isinstance(table, dict) else None
        if not isinstance(child, dict):
            break
        table = child
    if isinstance(table, dict) and path:
        table[path[-1]] = value
    return document


KEYS = st.lists(
    st.sampled_from(
        [
            "sprint",
            "domains",
            "endpoints",
            "chat",
            "probes",
            "injection",
            "perf",
            "monitors",
            "network",
            "pins",
            "ports",
            "email",
            "canaries",
            "samples",
            "timeout_s",
            "hosts",
            "url",
            "body",
            "max_requests",
            "canonical",
            "apex",
            "interval_s",
            "headers",
            "dns",
            "expect",
        ]
    ),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(
    KEYS,
    st.one_of(
        SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=8), SCALARS, max_size=3)
    ),
)
def test_sprint_toml_mutations(path: list[str], value: object) -> None:
    document = mutate(tomllib.loads(EXAMPLE), path, value)
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):
        return
    try:
        parse_sprint(text, Path("/fuzz/sprint.toml"))
    except ConfigError as exc:
        assert str(exc)


@FUZZ
@given(st.text(max_size=400))
def test_sprint_toml_garbage(text: str) -> None:
    try:
        parse_sprint(text, Path("/fuzz/sprint.toml"))
    except ConfigError as exc:
        assert str(exc)


STATE = grammar(
    "version = 1\n",
    "started_at = 2026-11-25T12:00:00Z\n",
    "[items.rollback-tested]\n",
    'status = "done"\n',
    'status = "waived"\n',
    'evidence = "x"\n',
    'reason = ""\n',
    "expires = 2026-12-01\n",
    "[override]\n",
    'verdict = "ship-now"\n',
    '[accepted."ai.injection:x"]\n',
    "[monitor_exports.gatus]\n",
    'path = "p"\n',
    "[stages.audit]\n",
    'status = "done"\n',
    "= \n",
    "[[items]]\n",
)


@FUZZ
@given(STATE)
def test_state_files(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "state.toml").write_text(text, encoding="utf-8")
        try:
            load_state(Path(directory))
        except StateFileError as exc:
            assert str(exc)


EVALSET = grammar(
    "tests:\n",
    "  - description: x\n",
    "    vars: {prompt: ",
    "    assert:\n",
    "      - {type: contains, value: ",
    "      - {type: regex, value: ",
    "      - {type: is-json, value: ",
    "prompts: ['{{q}}']\n",
    "defaultTest: ",
    "&a [*a]",
    "{{ x }}",
    "{% raw %}",
    "[",
    "]",
    "}",
    "\n",
    "- ",
)


@FUZZ
@given(EVALSET)
def test_eval_sets(text: str) -> None:
    """Any text is an evaluation set or one EvalSetError; every case grades or says why not."""
    import tempfile

    from launchwizard.ai.evalset import EvalSetError, load_eval_set
    from launchwizard.ai.grading import GradeError, grade

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "evals.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            evalset = load_eval_set(path, 50)
        except EvalSetError:
            return
    for case in evalset.cases:
        if case.problem is None:
            with contextlib.suppress(GradeError):
                grade(case, text[:200], 5)


@FUZZ
@given(grammar("{{", "}}", "{%", "%}", "raw", "endraw", "x", ".", " ", "q", "{#"))
def test_prompt_templates(text: str) -> None:
    from launchwizard.ai.template import TemplateError, render

    with contextlib.suppress(TemplateError):
        render(text, {"x": {"q": 1}, "q": "v"})


# ---------------------------------------------------------------- RDAP answers and the bootstrap file

RDAP_DATE = grammar(
    "2027", "-03-01", "T", "00:00:00", ".123456789", ",5", "Z", "z", "+01:00", "-0500", "60", "W09"
)  # fmt: skip
RDAP_STATUS = grammar("client", "server", "Transfer", "Prohibited", "hold", " ", "_", "ok", "https://icann.org/epp#")
JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)  # fmt: skip
RDAP_KEYS = st.sampled_from(
    [
        "objectClassName", "ldhName", "status", "events", "eventAction", "eventDate", "entities", "roles",
        "vcardArray", "publicIds", "type", "identifier", "nameservers", "secureDNS", "delegationSigned",
        "dsData", "keyData", "keyTag", "algorithm", "digestType", "digest", "flags", "protocol", "publicKey",
        "links", "rel", "href", "services", "publication",
    ]
)  # fmt: skip
RDAP_VALUES = st.recursive(
    st.one_of(JSON_LEAF, st.sampled_from(["domain", "acme.test", "registrar", "abuse", "expiration"])),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(RDAP_KEYS, inner, max_size=6)),
    max_leaves=40,
)


@FUZZ
@given(RDAP_DATE)
def test_rdap_dates(text: str) -> None:
    with contextlib.suppress(BadDate):
        assert parse_rdap_date(text).tzinfo is not None


@FUZZ
@given(RDAP_STATUS)
def test_rdap_statuses(text: str) -> None:
    normalise_statuses([text, text.upper()])


@FUZZ
@given(st.dictionaries(RDAP_KEYS, RDAP_VALUES, max_size=10))
def test_rdap_domain_objects(document: dict[str, object]) -> None:
    document = {"objectClassName": "domain", "ldhName": "acme.test", **document}
    with contextlib.suppress(RdapDataError):
        registration = parse_domain(document, "acme.test")
        judge_status(registration)
        judge_expiry(registration, datetime(2026, 11, 25, tzinfo=UTC))
        judge_delegation(registration, [NameServerSet("zone", ("ns1.acme.test",))])
        judge_dnssec(registration, [], "nowhere")


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(["check", "target", "evidence"]), RDAP_VALUES), max_size=4))
def test_registry_facts_from_saved_results(results: list[dict[str, object]]) -> None:
    for result in results:
        result.setdefault("check", "registrar.status")
        result.setdefault("target", "acme.test")
    facts = registry_facts(results, "acme.test")
    if facts is not None:
        facts.prefill()
        facts.rows()


@FUZZ
@given(st.one_of(st.binary(max_size=200), RDAP_VALUES.map(lambda v: json.dumps({"services": v}).encode())))
def test_rdap_bootstrap_files(data: bytes) -> None:
    with contextlib.suppress(BootstrapError):
        parse_bootstrap(data).match("www.acme.test")
