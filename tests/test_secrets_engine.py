"""The scanner: allow markers, allowlists, path skipping, positions, bytes, size limits,
minified bundles and robustness on arbitrary text.

Credentials come from `launchwizard.demo.fakesecrets` at run time; no key-shaped literal
is written here.
"""

from __future__ import annotations

import json
import re
import re._parser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from launchwizard.demo import fakesecrets
from launchwizard.results import Severity
from launchwizard.secrets import engine
from launchwizard.secrets.engine import Allowlist, Scanner, glob_regex, lower_same_length
from launchwizard.secrets.keywords import KeywordIndex, anchor_index
from launchwizard.secrets.model import secret_hash
from launchwizard.secrets.rules import RULES, RULES_BY_ID, Rule

SCANNER = Scanner()
RULE_KEYWORDS = sorted({k for rule in RULES for k in rule.keywords})
RULE_KEYWORD_INDEX = KeywordIndex(RULE_KEYWORDS)


def line_of(rule: str, seed: int = 0) -> str:
    return fakesecrets.line(rule, seed)


# --- inline allow markers -------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        "  # launchwizard:allow",
        "  // gitleaks:allow",
        "  # pragma: allowlist secret",
        "  # LaunchWizard:Allow (rotated 2026-01)",
        "  # trufflehog:ignore",
    ],
)
def test_inline_markers_silence_their_line_only(marker: str) -> None:
    text = line_of("github-token", 1) + marker + "\n" + line_of("github-token", 2) + "\n"
    findings = SCANNER.scan_text(text, "config/app.env")
    assert [(f.rule, f.line) for f in findings] == [("github-token", 2)]


def test_next_line_pragma_silences_the_following_line() -> None:
    text = "# pragma: allowlist nextline secret\n" + line_of("sendgrid-api-key", 1) + "\n"
    assert SCANNER.scan_text(text, "config/app.env") == []


def test_a_marker_anywhere_in_a_pem_block_silences_it() -> None:
    pem = fakesecrets.value("private-key", 1)
    assert SCANNER.scan_text(pem + "  # gitleaks:allow", "deploy/key.pem") == []


# --- allowlist ------------------------------------------------------------------------


def test_allowlist_by_rule() -> None:
    text = line_of("slack-token", 1) + "\n" + line_of("stripe-secret-key", 1)
    scanner = Scanner(allow=Allowlist(rules=("slack-token",)))
    assert [f.rule for f in scanner.scan_text(text, "a.env")] == ["stripe-secret-key"]


def test_an_allowlisted_rule_does_not_hand_its_value_to_the_generic_rule() -> None:
    text = "SLACK_BOT_TOKEN=" + fakesecrets.value("slack-token", 3)
    assert Scanner(allow=Allowlist(rules=("slack-token",))).scan_text(text, "a.env") == []


def test_allowlist_by_fingerprint() -> None:
    text = line_of("npm-token", 1) + "\n" + line_of("npm-token", 2)
    first, second = SCANNER.scan_text(text, "a/.npmrc")
    scanner = Scanner(allow=Allowlist(fingerprints=frozenset({first.fingerprint})))
    assert scanner.scan_text(text, "a/.npmrc") == [second]
    assert len(scanner.scan_text(text, "b/.npmrc")) == 2


@pytest.mark.parametrize(
    ("pattern", "allowed", "scanned"),
    [
        ("docs/**", ["docs/a.md", "docs/deep/er/b.env"], ["src/docs.py", "other/docs/a.md"]),
        ("*.md", ["README.md", "deep/dir/notes.md"], ["README.md.env", "src/a.py"]),
        ("config/dev.env", ["config/dev.env"], ["x/config/dev.env", "config/dev.env.bak"]),
        ("**/samples/*.env", ["samples/a.env", "a/b/samples/c.env"], ["samples/deep/c.env"]),
        ("scripts/", ["scripts/run.sh", "scripts/a/b.py"], ["tools/scripts.py"]),
        ("testing", ["testing/a.py", "pkg/testing/b.py"], ["testing_utils.py"]),
        ("/build/*.js", ["build/app.js"], ["src/build/app.js"]),
        ("conf/[ab].env", ["conf/a.env", "conf/b.env"], ["conf/c.env"]),
        ("./legacy/**", ["legacy/x.py"], ["new/legacy.py"]),
    ],
)
def test_allowlist_path_globs(pattern: str, allowed: list[str], scanned: list[str]) -> None:
    scanner = Scanner(allow=Allowlist(paths=(pattern,)))
    line = line_of("github-token", 4)
    for path in allowed:
        assert scanner.skips_path(path), (pattern, path)
        assert scanner.scan_text(line, path) == [], (pattern, path)
    for path in scanned:
        assert not scanner.skips_path(path), (pattern, path)
        assert len(scanner.scan_text(line, path)) == 1, (pattern, path)


def test_glob_regex_is_anchored_and_windows_paths_are_normalized() -> None:
    assert glob_regex("*.md") == "(?:.*/)?[^/]*\\.md(?:/.*)?"
    scanner = Scanner(allow=Allowlist(paths=("docs/**",)))
    assert scanner.skips_path("docs\\guide.md")
    assert scanner.skips_path("./docs/guide.md")


# --- built-in path skipping -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "static/logo.png",
        "static/photo.JPEG",
        "fonts/inter.woff2",
        "dist/release.tar.gz",
        "vendor/lib.jar",
        "package-lock.json",
        "web/yarn.lock",
        "poetry.lock",
        "go.sum",
        "web/node_modules/left-pad/index.js",
        ".git/config",
        "tests/fixtures/keys.env",
        "src/__fixtures__/token.json",
        "pkg/testdata/creds.txt",
        "web/__mocks__/api.js",
        "static/js/jquery-3.7.1.min.js",
        "public/bootstrap.bundle.min.js",
        "docs/swagger-ui-bundle.min.js",
        "assets/vendor/chartlib.min.js",
    ],
)
def test_skipped_paths(path: str) -> None:
    assert SCANNER.skips_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "web/dist/app.min.js",
        "web/dist/app.js.map",
        ".env",
        ".env.production",
        "config/settings.py",
        "src/fixtures.py",
        "docs/gitignore.md",
        "vendor/acme/config.php",
    ],
)
def test_scanned_paths(path: str) -> None:
    assert not SCANNER.skips_path(path)


# --- positions ------------------------------------------------------------------------


def test_lines_and_columns_are_one_based_and_sorted() -> None:
    lines = [
        "# settings",
        "    " + line_of("openai-api-key", 1),
        "",
        "x = 1; " + line_of("stripe-secret-key", 1),
        line_of("github-token", 1) + " " + line_of("npm-token", 1).split(":", 1)[1],
    ]
    text = "\n".join(lines)
    findings = SCANNER.scan_text(text, "app/settings.py")
    expected = []
    for rule in ("openai-api-key", "stripe-secret-key", "github-token", "npm-token"):
        value = fakesecrets.value(rule, 1)
        offset = text.index(value)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        expected.append((line, column, rule))
    assert [(f.line, f.column, f.rule) for f in findings] == sorted(expected)


def test_line_map_gives_file_line_numbers() -> None:
    hunk = "context = 1\n" + line_of("github-token", 5) + "\nother = 2\n" + line_of("groq-api-key", 5)
    findings = SCANNER.scan_text(hunk, "app/a.py", source="history", line_map=[40, 41, 97, 98])
    assert [(f.rule, f.line, f.source) for f in findings] == [
        ("github-token", 41, "history"),
        ("groq-api-key", 98, "history"),
    ]


def test_a_line_map_shorter_than_the_text_falls_back_to_counting() -> None:
    hunk = "a\nb\n" + line_of("github-token", 5)
    [finding] = SCANNER.scan_text(hunk, "app/a.py", line_map=[10])
    assert finding.line == 3


def test_columns_count_characters_even_around_dotted_capital_i() -> None:
    text = "name = 'İstanbul'; " + line_of("github-token", 6)
    [finding] = SCANNER.scan_text(text, "a.env")
    assert finding.column == text.index(fakesecrets.value("github-token", 6)) + 1
    assert len(lower_same_length(text)) == len(text)


# --- bytes ----------------------------------------------------------------------------


def test_binary_data_gives_nothing() -> None:
    data = b"\x89PNG\r\n\x1a\n\0\0" + line_of("github-token", 1).encode()
    assert SCANNER.scan_bytes(data, "a.bin") == []


def test_invalid_utf8_keeps_positions() -> None:
    data = b"caf\xe9 = 1\n\xff\xfe" + line_of("github-token", 1).encode() + b"\n"
    [finding] = SCANNER.scan_bytes(data, "a.env")
    assert (finding.line, finding.column) == (2, 3 + len("GITHUB_TOKEN="))


def test_a_utf8_bom_does_not_shift_the_first_line() -> None:
    data = b"\xef\xbb\xbf" + line_of("github-token", 1).encode()
    [finding] = SCANNER.scan_bytes(data, "a.env")
    assert finding.column == len("GITHUB_TOKEN=") + 1


def test_data_beyond_the_size_limit_is_not_scanned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "MAX_SCAN_BYTES", 1000)
    head = line_of("github-token", 1) + "\n"
    data = (head + "#" * 2000 + "\n" + line_of("groq-api-key", 1)).encode()
    assert [f.rule for f in SCANNER.scan_bytes(data, "a.env")] == ["github-token"]


def test_empty_input() -> None:
    assert SCANNER.scan_text("", "a.env") == []
    assert SCANNER.scan_bytes(b"", "a.env") == []


# --- large and hostile inputs ---------------------------------------------------------


def _minified_bundle(size: int, middle: str) -> str:
    chunk = (
        'function a(b,c){return b.token=c.token||"",b.password=c.password,b.apiKey=c.apiKey,'
        'fetch("https://api.acme.test/v1/"+b.id,{headers:{Authorization:"Bearer "+b.token}})}'
        "var d=/^[a-z0-9_-]{3,16}$/,e=0xdeadbeef,f=[1,2,3].map(function(x){return x*2});"
    )
    half = chunk * (size // (2 * len(chunk)))
    return half + middle + half


def test_a_multi_megabyte_one_line_bundle_with_one_key_in_the_middle() -> None:
    key = fakesecrets.value("stripe-secret-key", 3)
    bundle = _minified_bundle(5_000_000, f',stripeKey:"{key}",')
    assert "\n" not in bundle and len(bundle) > 4_900_000
    findings = SCANNER.scan_text(bundle, "web/dist/main.min.js", source="bundle")
    assert [(f.rule, f.line, f.column, f.source) for f in findings] == [
        ("stripe-secret-key", 1, bundle.index(key) + 1, "bundle")
    ]


def test_a_bundle_full_of_near_misses_finishes_with_no_findings() -> None:
    near_misses = "".join(
        [
            "-----BEGIN RSA PRIVATE KEY-----" + "A" * 30,
            "eyJ" + "a" * 50 + ".",
            "sk-" + "b" * 150,
            "postgres://" + "u" * 70 + ":",
            "token=" + "c" * 300,
            "q~" * 20,
            "twilio " + "0" * 40,
        ]
    )
    bundle = near_misses * 2000
    assert SCANNER.scan_text(bundle, "web/dist/main.js") == []


@pytest.mark.parametrize(
    "piece",
    [
        "-----BEGIN PRIVATE KEY-----AAAA",
        "-----BEGIN RSA PRIVATE KEY-----\\n" + "QUJD" * 20,
        "PuTTY-User-Key-File-3: ssh-rsa\n",
        " eyJ" + "a" * 1990 + " ",
        " sk-" + "b" * 190 + "T3BlbkFJ ",
        "://" + "u" * 60 + ":" + "p" * 120,
        "token=" + "=" * 9,
        "twilio " + "0123abcd" * 3,
        "AAAA" * 8 + ":",
    ],
)
def test_hostile_repetition_finishes(piece: str) -> None:
    text = piece * (1_000_000 // len(piece))
    assert SCANNER.scan_text(text, "web/dist/hostile.js") == []


# --- structure ------------------------------------------------------------------------


def test_near_rules_match_less_than_the_search_slack() -> None:
    for rule in RULES:
        if rule.near:
            _, widest = re._parser.parse(rule.pattern.pattern, rule.pattern.flags).getwidth()
            assert widest < engine.NEAR_SLACK, rule.id


def test_a_near_match_cut_by_the_search_window_is_checked_on_the_whole_text() -> None:
    long_rule = Rule(
        id="long-token",
        provider="Test",
        title="Long token",
        severity=Severity.LOW,
        keywords=("kw",),
        near=4,
        min_entropy=0.0,
        pattern=re.compile(r"(?P<secret>Q[A-Za-z0-9]{900,1100})(?![A-Za-z0-9])"),
    )
    scanner = Scanner(rules=[long_rule])
    body = "".join(fakesecrets.value("github-token", seed)[4:] for seed in range(40))
    for length in (1000, 1050, 1100):
        [finding] = scanner.scan_text("kw Q" + body[:length], "a.txt")
        assert finding.secret_hash == secret_hash("Q" + body[:length])
    assert scanner.scan_text("kw Q" + body[:1200], "a.txt") == []


def test_a_scanner_runs_only_the_rules_it_is_given() -> None:
    text = line_of("github-token", 1) + "\n" + line_of("groq-api-key", 1)
    scanner = Scanner(rules=[RULES_BY_ID["groq-api-key"]])
    assert [f.rule for f in scanner.scan_text(text, "a.env")] == ["groq-api-key"]


def test_findings_carry_path_and_source_and_no_raw_value() -> None:
    value = fakesecrets.value("anthropic-api-key", 2)
    [finding] = SCANNER.scan_text(line_of("anthropic-api-key", 2), ".\\web\\app.js", source="worktree")
    assert (finding.path, finding.source, finding.provider) == ("web/app.js", "worktree", "Anthropic")
    assert value not in json.dumps(finding.to_json())
    assert finding.redacted.startswith(value[:4])


def test_keyword_index_agrees_with_plain_substring_checks() -> None:
    text = " ".join(fakesecrets.line(rule) for rule in fakesecrets.RULE_IDS).lower()
    assert _index_positions(RULE_KEYWORD_INDEX, text) == _brute_force(RULE_KEYWORDS, text)


def test_anchor_is_the_rarest_character() -> None:
    assert "twilio"[anchor_index("twilio")] == "w"
    assert "t3blbkfj"[anchor_index("t3blbkfj")] == "3"


SOUP_PIECES = ["=", ":", '"', "'", " ", "\n", "-", "_", ".", "/", "@", "AKIA", "eyJ", "\\n", "İ"]
KEYWORD_SOUP = st.lists(
    st.sampled_from([*RULE_KEYWORDS, *SOUP_PIECES]) | st.text(min_size=1, max_size=8),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400) | KEYWORD_SOUP)
def test_scan_text_never_raises(text: str) -> None:
    for finding in SCANNER.scan_text(text, "fuzz/input.env"):
        assert 1 <= finding.line <= text.count("\n") + 1
        assert finding.column >= 1


def _brute_force(keywords: list[str], lowered: str) -> dict[str, list[int]]:
    found = {k: [i for i in range(len(lowered)) if lowered.startswith(k, i)] for k in keywords}
    return {k: v for k, v in found.items() if v}


def _index_positions(index: KeywordIndex, lowered: str) -> dict[str, list[int]]:
    hits = index.scan(lowered)
    return {k: hits.positions(k) for k in hits.present}


@settings(max_examples=200, deadline=None)
@given(text=KEYWORD_SOUP)
def test_keyword_index_is_exact_on_arbitrary_text(text: str) -> None:
    lowered = lower_same_length(text)
    assert _index_positions(RULE_KEYWORD_INDEX, lowered) == _brute_force(RULE_KEYWORDS, lowered)


@settings(max_examples=300, deadline=None)
@given(
    keywords=st.lists(
        st.text(alphabet="akq~-e", min_size=1, max_size=5), min_size=1, max_size=8, unique=True
    ),
    text=st.text(alphabet="akq~-e", max_size=40),
)
def test_keyword_index_positions_with_overlapping_keywords(keywords: list[str], text: str) -> None:
    assert _index_positions(KeywordIndex(keywords), text) == _brute_force(keywords, text)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=400))
def test_scan_bytes_never_raises(data: bytes) -> None:
    SCANNER.scan_bytes(data, "fuzz/input.bin")
