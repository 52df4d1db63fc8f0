"""secrets.bundle: the page/script/source-map extractor on hostile input, and the check
against the lab's real web servers (launchwizard.demo.sites_bundle).

Secret values come from fakesecrets at run time; none is written in this file.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest
import pytest_asyncio
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from launchwizard.checks.base import CheckContext
from launchwizard.checks.bundle import ADVICE, Located, SiteScan, judge, judged_for_browser, scan_site
from launchwizard.checks.registry import select
from launchwizard.config import Sprint, load_sprint
from launchwizard.demo import fakesecrets
from launchwizard.demo.sites_bundle import (
    DEMO_SOURCE_FILE,
    LEAKY_INLINE_SOURCE,
    LEAKY_SOURCE_FILE,
    SEED,
    leaky_secrets,
)
from launchwizard.net import Net
from launchwizard.results import Result, Severity, Status
from launchwizard.secrets.bundle import (
    InlineScript,
    Resource,
    SourceMapError,
    decode_data_url,
    defuse,
    extract_page,
    is_first_party,
    looks_like_html,
    parse_source_map,
    public_url,
    source_map_comment,
    source_map_refs,
)
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.model import make_finding

CHECK = "secrets.bundle"
PAGE = "https://shop.example.test/app/index.html"
OPENAI = "openai-api-key"


# ---------------------------------------------------------------- the page extractor


def test_scripts_links_and_base_are_resolved_in_page_order() -> None:
    html = """<!doctype html><html><head>
    <base href="https://cdn.example.test/v2/">
    <link rel="modulepreload" href="chunks/a.js">
    <link rel="preload" as="script" href="/b.js#frag">
    <link rel="preload" as="style" href="/style.css">
    <link rel="stylesheet" href="/site.css">
    <link rel="prefetch" as="script" href="//other.test/c.js">
    <SCRIPT SRC="  d.js?x=1&amp;y=2 "></SCRIPT>
    <script src="chunks/a.js"></script>
    <script type="module" src="e\n\t.js"></script>
    </head></html>"""
    assets = extract_page(html, PAGE)
    assert assets.scripts == [
        "https://cdn.example.test/v2/chunks/a.js",
        "https://cdn.example.test/b.js",
        "https://other.test/c.js",
        "https://cdn.example.test/v2/d.js?x=1&y=2",
        "https://cdn.example.test/v2/e.js",
    ]
    assert assets.skipped == [] and assets.parse_error is None


def test_non_http_references_are_skipped_with_a_reason_and_data_scripts_decoded() -> None:
    data_script = base64.b64encode(b"var fromDataUrl = 1;").decode()
    html = (
        '<script src="javascript:alert(1)"></script><script src="blob:https://x/1"></script>'
        '<script src="ftp://files.test/a.js"></script><script src="http://[::1"></script>'
        f'<script src="data:text/javascript;base64,{data_script}"></script>'
        '<script src="data:text/javascript,var%20b%3D2"></script>'
        '<base href="javascript:void(0)"><script src="ok.js"></script>'
    )
    assets = extract_page(html, PAGE)
    assert assets.scripts == ["https://shop.example.test/app/ok.js"]
    reasons = {s.ref: s.reason for s in assets.skipped}
    assert reasons == {
        "javascript:…": "not an http(s) URL: not fetched",
        "blob:…": "not an http(s) URL: not fetched",
        "ftp:…": "not an http(s) URL: not fetched",
        "(invalid URL)": "not a valid URL: not fetched",
    }
    assert [(b.label, b.text) for b in assets.inline] == [
        ("data-script-1", "var fromDataUrl = 1;"),
        ("data-script-2", "var b=2"),
    ]


def test_script_cap_lists_the_rest_as_skipped() -> None:
    html = "".join(f'<script src="/s{i}.js"></script>' for i in range(50))
    assets = extract_page(html, PAGE, limit=40)
    assert len(assets.scripts) == 40
    assert assets.scripts[-1] == "https://shop.example.test/s39.js"
    assert [s.ref for s in assets.skipped] == [f"https://shop.example.test/s{i}.js" for i in range(40, 50)]
    assert {s.reason for s in assets.skipped} == {"over the limit of 40 scripts: not fetched"}


def test_inline_blocks_are_labelled_placed_and_blanked_from_the_markup() -> None:
    secret = fakesecrets.value(OPENAI, 1)
    html = (
        "<html><body>\n"
        f'<div data-key="{secret}"></div>\n'
        f'  <script id="__NEXT_DATA__" type="application/json">{{"k": "{secret}"}}</script>\n'
        "<script>window.__NUXT__={a:1}</script><script>window.__remixContext={}</script>\n"
        "<script>if (a < b) { s = '</div>' }</script><script>x()</script><script id=x>1</script>"
        "<script id=x>2</script>\n"
        "<!-- <script src=commented.js></script> -->\n"
        "<script>unterminated"
    )
    assets = extract_page(html, PAGE)
    assert [b.label for b in assets.inline] == [
        "__NEXT_DATA__",
        "__NUXT__",
        "__remixContext",
        "inline-script-4",
        "inline-script-5",
        "x",
        "x-2",
        "inline-script-8",
    ]
    assert assets.scripts == []
    assert assets.inline[3].text == "if (a < b) { s = '</div>' }"
    assert assets.inline[-1].text == "unterminated"
    assert len(assets.markup) == len(html)
    assert assets.markup.count("\n") == html.count("\n")
    assert assets.markup.count(secret) == 1  # the attribute stays, the inline block is blanked
    scanner = Scanner()
    next_data = assets.inline[0]
    (inside,) = scanner.scan_text(next_data.text, "p")
    (in_markup,) = scanner.scan_text(assets.markup, "p")
    in_whole_page = {(f.line, f.column) for f in scanner.scan_text(html, "p")}
    placed = next_data.place(inside)
    assert {(placed.line, placed.column), (in_markup.line, in_markup.column)} == in_whole_page


def test_first_line_of_an_inline_block_is_shifted_by_its_column() -> None:
    block = InlineScript("b", "abc", line=7, column=12)
    finding = make_finding(
        rule="r",
        provider="p",
        title="t",
        severity=Severity.HIGH,
        exposure="secret",
        path="p",
        line=1,
        column=3,
        secret="x" * 20,
    )
    assert (block.place(finding).line, block.place(finding).column) == (7, 15)
    later = finding.with_location(line=4, column=2)
    assert (block.place(later).line, block.place(later).column) == (10, 2)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "\x00\xff\xfe<<<>>>",
        "<![if !IE]><script>a</script><![endif]>",
        "<!DOCTYPE><scr<script>ipt>x</script>",
        '<script src=">',
        "<script src=x.js/>after",
        "<" * 10_000,
        "<script>" * 500,
        "<a href='</script>'><base href=><link rel=modulepreload>",
        "<?xml version='1.0'?><!ELEMENT x><![CDATA[<script src=cdata.js></script>]]>",
        "<a " * 50_000,
        '<a b="' * 50_000,
        "<!-- >" * 50_000,
        "<!--" * 50_000,
    ],
)
def test_hostile_html_never_raises(html: str) -> None:
    assets = extract_page(html, PAGE)
    assert len(assets.markup) == len(html)
    assert all(url.startswith("https://") for url in assets.scripts)


def test_markup_that_stops_or_stalls_html_parser_is_defused() -> None:
    html = (
        "<![unknown section]><![CDATA[x]]>\n"
        '<a <b <c d="\n'
        '<script src="/after.js"></script>\n'
        "<!-- never closed <script src=/hidden.js></script>"
    )
    defused = defuse(html)
    assert len(defused) == len(html)
    assert [i for i, c in enumerate(html) if c == "\n"] == [i for i, c in enumerate(defused) if c == "\n"]
    assets = extract_page(html, PAGE)
    assert assets.parse_error is None
    assert assets.scripts == ["https://shop.example.test/after.js", "https://shop.example.test/hidden.js"]


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' \n!-[]?abcdefghijklmnopqrstuvwxyz:#."))) | st.text())
def test_any_text_is_read_without_raising(html: str) -> None:
    assets = extract_page(html, PAGE)
    assert len(assets.markup) == len(html)
    assert all(url.split(":", 1)[0] in ("http", "https") for url in assets.scripts)
    for block in assets.inline:
        assert block.line >= 1 and block.column >= 0


def test_public_url_hides_queries_and_credentials() -> None:
    assert public_url("https://user:pw@maps.example.test:8443/api/js?key=abc#x") == (
        "https://maps.example.test:8443/api/js?…"
    )
    assert public_url("https://x.test") == "https://x.test/"
    assert public_url("http://[::1") == "(invalid URL)"


def test_first_party_is_the_page_host_its_relatives_and_the_apex() -> None:
    assert is_first_party("https://www.acme.test/a.js", "www.acme.test")
    assert is_first_party("https://static.www.acme.test/a.js", "www.acme.test")
    assert is_first_party("https://app.acme.test/a.js", "www.acme.test", "acme.test")
    assert not is_first_party("https://app.acme.test/a.js", "www.acme.test")
    assert not is_first_party("https://widgets.vendor.test/a.js", "www.acme.test", "acme.test")
    assert not is_first_party("https://test/a.js", "www.acme.test")


def test_html_is_recognised_by_type_or_content_but_never_when_binary() -> None:
    assert looks_like_html("text/html; charset=utf-8", b"hello")
    assert looks_like_html(None, b"\xef\xbb\xbf\n  <!DOCTYPE html><p>")
    assert looks_like_html("text/plain", b"<html>")
    assert not looks_like_html("application/octet-stream", b"\x89PNG\r\n")
    assert not looks_like_html("text/html", b"<html>\x00\x01")


# ---------------------------------------------------------------- source maps


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("var a=1;\n//# sourceMappingURL=app.js.map\n", "app.js.map"),
        ("var a=1;\n//@ sourceMappingURL=old.map", "old.map"),
        ("a();\n/*# sourceMappingURL=style.map */", "style.map"),
        ('x="//# sourceMappingURL=";var y=1;\n//# sourceMappingURL=real.map', "real.map"),
        ('var s = "\\n//# sourceMappingURL=" + url;', None),
        ("var a = 'sourceMappingURL=nope.map';", None),
        ("no map here", None),
        ("//# sourceMappingURL=", None),
    ],
)
def test_source_map_comment(script: str, expected: str | None) -> None:
    assert source_map_comment(script) == expected


def test_source_map_headers_come_first_and_duplicates_collapse() -> None:
    text = "a();\n//# sourceMappingURL=app.js.map"
    headers = [("X-SourceMap", "/maps/app.js.map"), ("Content-Type", "x"), ("sourcemap", "app.js.map")]
    assert source_map_refs(text, headers) == ["/maps/app.js.map", "app.js.map"]


def test_data_urls_decode_base64_urlsafe_and_percent_forms() -> None:
    assert decode_data_url("data:application/json;base64,eyJhIjoxfQ==") == b'{"a":1}'
    assert decode_data_url("data:application/json;charset=utf-8;base64,eyJhIjoxfQ") == b'{"a":1}'
    assert decode_data_url("data:,%7B%7D") == b"{}"
    assert decode_data_url("data:;base64,-_8") == b"\xfb\xff"
    with pytest.raises(ValueError, match="without a comma"):
        decode_data_url("data:application/json;base64")
    with pytest.raises(ValueError, match="not a data: URL"):
        decode_data_url("https://x.test/")


def test_source_map_sources_with_root_prefix_and_sections() -> None:
    plain = {
        "version": 3,
        "sourceRoot": "webpack://app/",
        "sources": ["src/a.ts", "/abs/b.ts", "webpack://other/c.ts", 7],
        "sourcesContent": ["A", None, "C"],
    }
    found = parse_source_map(b")]}'\n" + json.dumps(plain).encode())
    assert [(s.path, s.content) for s in found] == [
        ("webpack://app/src/a.ts", "A"),
        ("/abs/b.ts", None),
        ("webpack://other/c.ts", "C"),
        ("(source 3)", None),
    ]
    indexed = {
        "version": 3,
        "sections": [{"offset": {}, "map": {"sources": ["s.ts"], "sourcesContent": ["S"]}}],
    }
    assert [(s.path, s.content) for s in parse_source_map(json.dumps(indexed).encode())] == [("s.ts", "S")]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"version":3,"sources":["a"]', "source map is not valid JSON (Expecting ',' delimiter at line 1"),
        (b"\xff\xfe garbage", "source map is not valid JSON (Expecting value at line 1 column 1)"),
        (b"[1, 2]", "not a source map: the JSON is a list, not an object"),
        (b'{"version":3}', 'not a source map: no "sources" list'),
        (b"[" * 100_000 + b"]" * 100_000, "source map is not valid JSON"),
    ],
)
def test_unreadable_source_maps_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(SourceMapError) as caught:
        parse_source_map(data)
    assert str(caught.value).startswith(reason)


# ---------------------------------------------------------------- the check against the lab

SCENARIOS = (
    "clean.bundle.test",
    "leaky.bundle.test",
    "loop.bundle.test",
    "badmap.bundle.test",
    "huge.bundle.test",
    "garbage.bundle.test",
    "stalled.bundle.test",
    "chunks.bundle.test",
    "nowhere.bundle.test",
)


def site_sprint(make_sprint: Any, host: str) -> Sprint:
    """A sprint whose homepage is https://HOST/ on the lab."""
    return make_sprint([host], apex="bundle.test", endpoints={"homepage": {"url": f"https://{host}/"}})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def results(make_sprint, run_check) -> dict[str, Result]:
    """secrets.bundle run through the registry on every scenario at once, by homepage host."""
    runs = await asyncio.gather(*(run_check(site_sprint(make_sprint, host), CHECK) for host in SCENARIOS))
    return {host: run[host] for host, run in zip(SCENARIOS, runs, strict=True)}


def _findings(result: Result) -> list[dict[str, Any]]:
    return list(result.evidence["findings"])


def _resource(result: Result, url: str) -> dict[str, Any]:
    (row,) = [r for r in result.evidence["resources"] if r["url"] == url]
    return row


async def test_clean_site_passes_with_what_was_scanned(results) -> None:
    result = results["clean.bundle.test"]
    assert result.status is Status.PASS
    assert result.evidence["scanned"]["scripts"] == 3
    assert result.evidence["scanned"]["inline"] == 1
    assert result.evidence["scanned"]["maps"] == 2
    assert result.summary.startswith("no secret in the page, 3 scripts, 1 inline block and 2 source maps (")
    kinds = [(r["url"], r["kind"]) for r in result.evidence["resources"]]
    assert ("https://clean.bundle.test/maps/vendor.js.map", "map") in kinds  # from the X-SourceMap header
    assert ("https://clean.bundle.test/assets/app.4c1d.js.map", "map") in kinds  # from the comment
    assert _resource(result, "https://widgets.vendor.test/analytics.js")["third_party"] is True
    assert _findings(result) == []


async def test_leaky_site_fails_critical_at_every_place(results) -> None:
    result = results["leaky.bundle.test"]
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    places = {(f["rule"], f["url"], f["path"], f["kind"], f["severity"]) for f in _findings(result)}
    page = "https://leaky.bundle.test/"
    assert places == {
        ("stripe-secret-key", f"{page}#__NEXT_DATA__", f"{page}#__NEXT_DATA__", "inline", "critical"),
        (
            "stripe-publishable-key",
            f"{page}static/checkout.js",
            f"{page}static/checkout.js",
            "script",
            "info",
        ),
        ("anthropic-api-key", f"{page}static/main.js", f"{page}static/main.js", "script", "critical"),
        ("anthropic-api-key", f"{page}static/main.js#sourcemap", LEAKY_INLINE_SOURCE, "map", "critical"),
        ("openai-api-key", f"{page}static/chunk.js.map", LEAKY_SOURCE_FILE, "map", "critical"),
        (
            "sendgrid-api-key",
            "https://widgets.vendor.test/embed.js?…",
            "https://widgets.vendor.test/embed.js?…",
            "script",
            "critical",
        ),
    }
    vendor = next(f for f in _findings(result) if f["rule"] == "sendgrid-api-key")
    assert vendor["third_party"] is True
    publishable = next(f for f in _findings(result) if f["exposure"] == "publishable")
    assert (
        publishable["note"]
        == "publishable by design: check its restrictions (allowed referrers/domains, RLS)"
    )
    assert result.summary.startswith("4 secrets in what browsers download: ")


async def test_leaky_fix_says_exactly_what_to_do(results) -> None:
    fix = results["leaky.bundle.test"].fix
    assert "Remove the key from client code" in fix
    assert "server-side, behind your own API route" in fix
    assert "Rotate the key now" in fix and "it is public" in fix
    assert "Stop publishing source maps" in fix and "strip sourcesContent" in fix
    assert "third-party script (widgets.vendor.test)" in fix
    assert "__NEXT_DATA__" in fix


async def test_no_raw_value_ever_reaches_the_result(results) -> None:
    text = json.dumps([r.to_json() for r in results.values()])
    for secret in leaky_secrets().values():
        assert secret not in text
    assert fakesecrets.value("github-token", SEED) not in text


async def test_inline_block_findings_point_at_the_page_line(results) -> None:
    finding = next(f for f in _findings(results["leaky.bundle.test"]) if f["kind"] == "inline")
    assert finding["line"] > 1
    assert finding["column"] > 1


async def test_lazy_chunks_named_by_a_script_are_fetched_and_scanned(results) -> None:
    result = results["chunks.bundle.test"]
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    chunks = {r["url"]: r for r in result.evidence["resources"] if r["kind"] == "chunk"}
    site = "https://chunks.bundle.test/assets/"
    assert set(chunks) == {f"{site}vendor-c3d1.js", f"{site}Settings-d4f0.js", f"{site}Chat-b2e9.js"}
    assert chunks[f"{site}Chat-b2e9.js"]["scanned"] is True
    assert chunks[f"{site}Settings-d4f0.js"]["error"] == "not served (HTTP 404)"
    assert "incomplete" not in chunks[f"{site}Settings-d4f0.js"]
    assert [(f["rule"], f["url"]) for f in _findings(result)] == [
        ("anthropic-api-key", f"{site}Chat-b2e9.js")
    ]
    assert result.evidence["scanned"]["scripts"] == 3


def test_chunk_paths_resolve_like_a_browser_and_bare_names_are_left_alone() -> None:
    from launchwizard.secrets.bundle import chunk_refs

    text = (
        'import("./lazy.js");d=["assets/vendor.js"];e("react.js");u="/abs/y.mjs";'
        'm="../up/z.js";n="https://cdn.example/a.js";o="node_modules/q/r.js";c="assets/x.css"'
    )
    assert chunk_refs(text, "https://s.test/app/assets/index.js") == [
        "https://s.test/app/assets/lazy.js",
        "https://s.test/app/assets/vendor.js",
        "https://s.test/abs/y.mjs",
        "https://s.test/app/up/z.js",
    ]
    manifest = '"static/chunks/pages/chat-1a.js"'
    assert chunk_refs(manifest, "https://s.test/_next/static/b1/_buildManifest.js") == [
        "https://s.test/_next/static/chunks/pages/chat-1a.js"
    ]


async def test_script_that_redirects_forever_gets_its_own_reason(results) -> None:
    result = results["loop.bundle.test"]
    assert result.status is Status.PASS
    row = _resource(result, "https://loop.bundle.test/js/app.js")
    assert row["error"] == (
        "still redirecting after 3 redirects (last at https://loop.bundle.test/js/next/next/next/): gave up"
    )
    assert "incomplete" not in row


async def test_invalid_map_is_named_and_scanned_as_text(results) -> None:
    result = results["badmap.bundle.test"]
    assert result.status is Status.PASS
    row = _resource(result, "https://badmap.bundle.test/app.js.map")
    assert row["error"].startswith("source map is not valid JSON (Expecting ',' delimiter at line 1 column ")
    assert row["error"].endswith("; its raw text was scanned instead")
    assert row["scanned"] is True


async def test_key_in_the_middle_of_a_huge_one_line_script_is_found(results) -> None:
    result = results["huge.bundle.test"]
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    (finding,) = _findings(result)
    assert (finding["rule"], finding["line"]) == ("github-token", 1)
    assert finding["column"] > 2_000_000
    assert _resource(result, "https://huge.bundle.test/bundle.min.js")["bytes"] > 4 * 1024 * 1024


async def test_homepage_that_is_not_html_is_an_error(results) -> None:
    result = results["garbage.bundle.test"]
    assert result.status is Status.ERROR
    assert result.summary.startswith(
        "homepage https://garbage.bundle.test/ is not an HTML page (application/octet-stream)"
    )
    assert result.evidence["resources"][0]["scanned"] is True


async def test_unreachable_homepage_is_an_error_with_the_plain_reason(results) -> None:
    result = results["nowhere.bundle.test"]
    assert result.status is Status.ERROR
    assert result.summary == (
        "homepage https://nowhere.bundle.test/ could not be fetched: "
        "nowhere.bundle.test does not exist (NXDOMAIN)"
    )


async def test_script_that_never_answers_leaves_the_scan_incomplete(results) -> None:
    result = results["stalled.bundle.test"]
    assert (result.status, result.severity) == (Status.WARN, Severity.MEDIUM)
    row = _resource(result, "https://hang.lab.test/sdk.js")
    assert row["error"].startswith("no response within")
    assert row["incomplete"] is True and row["third_party"] is True
    assert _resource(result, "https://stalled.bundle.test/app.js")["scanned"] is True


async def test_time_budget_ends_slow_fetches_with_a_reason(make_sprint) -> None:
    sprint = make_sprint(["stalled.bundle.test"], apex="bundle.test")
    async with Net(sprint.network) as net:
        scan = await scan_site(
            net.http, Scanner(), "https://stalled.bundle.test/", apex="bundle.test", budget_s=0.2
        )
    (row,) = [r for r in scan.rows() if r.url == "https://hang.lab.test/sdk.js"]
    assert row.error == "not finished within the check's time budget"
    assert row.incomplete


async def test_demo_homepage_leaks_one_key_through_its_source_map(lab, tmp_path, run_check) -> None:
    path = tmp_path / "sprint.toml"
    path.write_text(tomli_w.dumps(lab.demo_sprint()), encoding="utf-8")
    result = (await run_check(load_sprint(path), CHECK))["www.acme.test"]
    assert (result.status, result.severity) == (Status.FAIL, Severity.CRITICAL)
    secrets = [f for f in _findings(result) if f["exposure"] == "secret"]
    assert [(f["url"], f["path"]) for f in secrets] == [
        ("https://www.acme.test/static/app.js.map", DEMO_SOURCE_FILE)
    ]
    assert {f["exposure"] for f in _findings(result)} == {"secret", "publishable"}
    assert _resource(result, "https://app.acme.test/widget/v2/chat.js").get("third_party") is None
    assert fakesecrets.value(OPENAI, 7) not in json.dumps(result.to_json())


async def test_publishable_key_alone_warns_as_info(make_sprint) -> None:
    sprint = site_sprint(make_sprint, "clean.bundle.test")
    page = "https://clean.bundle.test/"
    text = fakesecrets.line("stripe-publishable-key", 3)
    found = Scanner().scan_text(text, f"{page}app.js", source="bundle")
    scan = SiteScan(homepage=page, final_url=page, page_status=200)
    scan.resources.append(Resource(f"{page}app.js", "script", status=200, bytes=len(text), scanned=True))
    scan.findings += [Located(judged_for_browser(f), f"{page}app.js", "script") for f in found]
    async with Net(sprint.network) as net:
        result = judge(CheckContext(sprint, net, select(only=[CHECK])[0], "clean.bundle.test"), scan)
    assert (result.status, result.severity) == (Status.WARN, Severity.INFO)
    assert result.summary.startswith("no secret in the page and 1 script (")
    assert "1 publishable key to review (stripe-publishable-key in https://clean.bundle.test/app.js)" in (
        result.summary
    )
    assert result.fix == f"stripe-publishable-key: {ADVICE['publishable']}"
