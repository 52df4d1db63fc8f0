"""What a web page makes every visitor's browser download, read without running it.

The `secrets.bundle` check fetches a homepage, the scripts it names and the source maps
those scripts advertise, and scans all of it. This module holds the parts that need no
network: finding script references and inline blocks in hostile HTML, finding the source
maps a script points to, decoding `data:` URLs, reading the original files out of a
source map, and showing URLs without the keys that often ride in their query strings.
Everything here takes text and returns plain data, so each piece can be tested on garbage.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote_to_bytes, urldefrag, urljoin, urlsplit

from launchwizard.secrets.model import Finding

HTTP_SCHEMES = ("http", "https")
MAX_SCRIPTS = 40
MAX_MAPS = 40
SOURCE_MAP_HEADERS = ("SourceMap", "X-SourceMap")
MAP_MARK = "sourceMappingURL="
MAP_COMMENT_TRIES = 16
MAX_MAP_SECTIONS_DEPTH = 4
MAX_LABEL = 60
# Markers of framework state serialised into the page, in the order they are looked for.
FRAMEWORK_MARKERS = (
    ("__NEXT_DATA__", "__NEXT_DATA__"),
    ("self.__next_f", "__next_f"),
    ("window.__NUXT__", "__NUXT__"),
    ("__remixContext", "__remixContext"),
)
SCRIPT_PRELOAD_RELS = frozenset({"preload", "prefetch"})
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<meta", b"<!--", b"<title")

_NOT_NEWLINE = re.compile(r"[^\n]")
# A "<" (not a comment's) whose next "<" (or the end) comes before any ">": it never closes.
_UNCLOSABLE_TAG = re.compile(r"<(?!!--)(?=[^<>]*(?:<|\Z))")
_COMMENT_CLOSE = re.compile(r"--\s*>")
_URL_NOISE = re.compile(r"[\t\n\r]")
_LABEL_NOISE = re.compile(r"[^A-Za-z0-9_.:-]")
_MAP_COMMENT_PREFIX = re.compile(r"(?://|/\*)[#@][ \t]*$")
_MAP_VALUE_END = re.compile(r"[\s'\"`]|\*/")


class SourceMapError(ValueError):
    """A source map that cannot be read; the message says why, in one plain sentence."""


@dataclass(frozen=True)
class InlineScript:
    """One script the page carries in itself, and where its text starts in the page.

    `line` is the 1-based page line and `column` the 0-based column of the text's first
    character, so a finding inside it can be reported at its place in the page. A script
    given as a `data:` URL has no place in the page: its positions are its own (1, 0).
    """

    label: str
    text: str
    line: int = 1
    column: int = 0

    def place(self, finding: Finding) -> Finding:
        """A finding in this block's text, moved to its line and column in the page."""
        if finding.line == 1:
            return finding.with_location(line=self.line, column=finding.column + self.column)
        return finding.with_location(line=self.line + finding.line - 1)


@dataclass(frozen=True)
class Skipped:
    """A reference that was not fetched, and why."""

    ref: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"ref": self.ref, "reason": self.reason}


@dataclass
class PageAssets:
    """What a page makes the browser run: scripts to fetch and blocks it carries itself.

    `markup` is the page with the text of inline blocks blanked out (newlines kept), so a
    scan of it finds what sits in attributes and markup at the right line and column
    without finding the inline blocks a second time.
    """

    scripts: list[str]
    inline: list[InlineScript]
    markup: str
    skipped: list[Skipped] = field(default_factory=list)
    parse_error: str | None = None


@dataclass(frozen=True)
class OriginalSource:
    """One original file listed in a source map; `content` is None when the map omits it."""

    path: str
    content: str | None


@dataclass
class Resource:
    """One thing the scan read (or tried to), as evidence: never its text, only its size.

    `scanned` says its text went through the rules; `done` that nothing more will happen
    to it. `incomplete` marks a resource that could not be read for a reason that may hide
    a secret (a timeout, a cut body); a map that is simply not published is not incomplete.
    """

    url: str
    kind: str
    third_party: bool = False
    status: int | None = None
    bytes: int = 0
    error: str | None = None
    scanned: bool = False
    done: bool = False
    incomplete: bool = False
    sources: int | None = None
    sources_with_content: int | None = None
    maps: list[Resource] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url,
            "kind": self.kind,
            "status": self.status,
            "bytes": self.bytes,
            "error": self.error,
            "scanned": self.scanned,
        }
        if self.incomplete:
            data["incomplete"] = True
        if self.third_party:
            data["third_party"] = True
        if self.sources is not None:
            data["sources"] = self.sources
            data["sources_with_content"] = self.sources_with_content
        return data

    def flatten(self) -> list[Resource]:
        """This resource followed by the maps found through it."""
        return [self, *self.maps]


# ---------------------------------------------------------------- URLs


def public_url(url: str) -> str:
    """A URL safe to show in evidence: no user:password, and no query or fragment.

    Keys travel in query strings (`maps/api/js?key=...`, `embed.js?token=...`), so the
    query is shown only as "?…". Findings use this form as their path too.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "(invalid URL)"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    shown = f"{parts.scheme}://{netloc}{parts.path or '/'}"
    return shown + ("?…" if parts.query else "")


def _clean_ref(ref: str) -> str:
    """A URL as browsers read an attribute: outer whitespace and inner tabs/newlines dropped."""
    return _URL_NOISE.sub("", ref.strip())


def _scheme_of(ref: str) -> str:
    head, sep, _ = ref.partition(":")
    return head.lower() if sep and head.isascii() and head[:1].isalpha() else ""


def resolve_ref(ref: str, base: str) -> str | Skipped:
    """The absolute http(s) URL a reference points to (no fragment), or why it is skipped."""
    cleaned = _clean_ref(ref)
    try:
        absolute, _fragment = urldefrag(urljoin(base, cleaned))
        parts = urlsplit(absolute)
        _ = parts.port
    except ValueError:
        return Skipped("(invalid URL)", "not a valid URL: not fetched")
    if parts.scheme.lower() not in HTTP_SCHEMES:
        return Skipped(f"{parts.scheme or _scheme_of(cleaned)}:…", "not an http(s) URL: not fetched")
    if not parts.hostname:
        return Skipped(public_url(absolute), "URL has no host: not fetched")
    return absolute


def is_first_party(url: str, page_host: str, apex: str | None = None) -> bool:
    """Whether a script is served by the product itself rather than by a third party.

    Without a public-suffix list this is approximated: the page's host, a name above or
    below it, or any name under the sprint's apex domain.
    """
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if not host:
        return False
    page = page_host.rstrip(".").lower()
    if host == page or host.endswith("." + page) or ("." in host and page.endswith("." + host)):
        return True
    root = (apex or "").rstrip(".").lower()
    return bool(root) and (host == root or host.endswith("." + root))


def decode_data_url(url: str) -> bytes:
    """The payload of a `data:` URL (base64 or percent-encoded); ValueError when broken."""
    if _scheme_of(url) != "data":
        raise ValueError("not a data: URL")
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise ValueError("data: URL without a comma")
    if header.lower().rstrip().endswith(";base64"):
        compact = re.sub(r"\s+", "", unquote_to_bytes(payload).decode("ascii", "replace"))
        altchars = b"-_" if "-" in compact or "_" in compact else None
        try:
            return base64.b64decode(compact + "=" * (-len(compact) % 4), altchars=altchars)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"data: URL is not valid base64 ({exc})") from None
    return unquote_to_bytes(payload)


# ---------------------------------------------------------------- HTML


def looks_like_html(content_type: str | None, body: bytes) -> bool:
    """Whether a homepage body is a web page: said so, or looks so, and is not binary."""
    head = body[:2048]
    if b"\x00" in head:
        return False
    if content_type and "html" in content_type.lower():
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(HTML_STARTS)


def defuse(html: str) -> str:
    """The page with the markup html.parser handles badly turned into text, same length.

    html.parser re-reads the rest of the page for every "<" that never closes (a page of
    "<a <a <a ..." takes minutes) and raises on unknown "<![" sections. Browsers read
    both as text or bogus comments, so: a "<" that cannot close before the next "<"
    becomes a space, as does a "<!--" with no comment end anywhere after it, and "<![" becomes
    "<! " (a bogus comment, as browsers read it). Every character keeps its offset, so
    positions found in the defused page are positions in the real one.
    """
    text = _UNCLOSABLE_TAG.sub(" ", html).replace("<![", "<! ")
    last_close = -1
    for match in _COMMENT_CLOSE.finditer(text):
        last_close = match.start()
    cut = max(0, last_close - 3)
    return text[:cut] + text[cut:].replace("<!--", " !--")


def _line_starts(text: str) -> list[int]:
    """Offsets where each line starts; lines end at "\\n" only, as html.parser counts them."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _is_script_link(attrs: dict[str, str]) -> bool:
    """`<link rel=modulepreload>`, or `<link rel=preload|prefetch as=script>`."""
    rels = set(attrs.get("rel", "").lower().split())
    if "modulepreload" in rels:
        return True
    return bool(rels & SCRIPT_PRELOAD_RELS) and attrs.get("as", "").strip().lower() == "script"


class _AssetParser(HTMLParser):
    """Collects script references, the base URL and inline script spans from a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._starts = _line_starts(text)
        self._length = len(text)
        self.base: str | None = None
        self.refs: list[str] = []
        self.spans: list[tuple[int, int, dict[str, str]]] = []
        self._open: tuple[int, dict[str, str]] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return min(self._starts[min(line, len(self._starts)) - 1] + column, self._length)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "base" and self.base is None and values.get("href", "").strip():
            self.base = values["href"]
        elif tag == "link" and values.get("href", "").strip() and _is_script_link(values):
            self.refs.append(values["href"])
        elif tag == "script" and "src" in values:
            if values["src"].strip():
                self.refs.append(values["src"])
        elif tag == "script" and self._open is None:
            self._open = (self._offset() + len(self.get_starttag_text() or ""), values)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._open = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            start, values = self._open
            self.spans.append((start, max(start, self._offset()), values))
            self._open = None

    def finish(self) -> None:
        """A script still open at the end of the page runs to the end of the page."""
        if self._open is not None:
            start, values = self._open
            self.spans.append((start, self._length, values))
            self._open = None


def _label(attrs: dict[str, str], text: str, index: int) -> str:
    """What to call an inline block: its id, the framework state it holds, or its number."""
    ident = _LABEL_NOISE.sub("", attrs.get("id", ""))[:MAX_LABEL]
    if ident:
        return ident
    head = text[:4096]
    for marker, name in FRAMEWORK_MARKERS:
        if marker in head:
            return name
    return f"inline-script-{index}"


def _unique(label: str, taken: set[str]) -> str:
    name, n = label, 1
    while name in taken:
        n += 1
        name = f"{label}-{n}"
    taken.add(name)
    return name


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each span's characters turned into spaces, newlines kept."""
    parts, at = [], 0
    for start, end in sorted(spans):
        if start < at:
            continue
        parts += [text[at:start], _NOT_NEWLINE.sub(" ", text[start:end])]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and 0-based column of an offset."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - starts[lo]


def extract_page(html: str, page_url: str, *, limit: int = MAX_SCRIPTS) -> PageAssets:
    """Every script a page loads or carries, for a page at `page_url` (its final URL).

    External scripts come back resolved (against `<base href>` when the page sets an
    http(s) one), without fragments, de-duplicated and capped at `limit`; `data:` scripts
    are decoded into inline blocks; anything else is listed as skipped with a reason.
    Malformed HTML never raises and never makes parsing slow (see `defuse`); should the
    parser still stop, what was seen is kept and the reason is returned in `parse_error`.
    """
    parser = _AssetParser(html)
    parse_error = None
    try:
        parser.feed(defuse(html))
        parser.close()
    except Exception as exc:
        line, _column = parser.getpos()
        parse_error = (
            f"HTML parsing stopped at line {line} ({type(exc).__name__}); later scripts were not seen"
        )
    parser.finish()
    base = _base_url(parser.base, page_url)
    starts = _line_starts(html)
    taken: set[str] = set()
    inline = []
    for index, (start, end, attrs) in enumerate(parser.spans, 1):
        text = html[start:end]
        line, column = _position(starts, start)
        inline.append(InlineScript(_unique(_label(attrs, text, index), taken), text, line, column))
    scripts, data_scripts, skipped = plan_scripts(parser.refs, base, limit=limit)
    for index, text in enumerate(data_scripts, 1):
        inline.append(InlineScript(_unique(f"data-script-{index}", taken), text))
    markup = _blank(html, ((start, end) for start, end, _attrs in parser.spans))
    return PageAssets(scripts, inline, markup, skipped, parse_error)


def _base_url(base: str | None, page_url: str) -> str:
    """The URL relative references resolve against: an http(s) `<base href>`, else the page."""
    if base is None:
        return page_url
    resolved = resolve_ref(base, page_url)
    return resolved if isinstance(resolved, str) else page_url


def plan_scripts(
    refs: Sequence[str], base: str, *, limit: int = MAX_SCRIPTS
) -> tuple[list[str], list[str], list[Skipped]]:
    """Script URLs to fetch (in order, unique, at most `limit`), decoded `data:` scripts,
    and the references not fetched with their reasons."""
    urls: list[str] = []
    data_scripts: list[str] = []
    skipped: list[Skipped] = []
    for ref in refs:
        if _scheme_of(_clean_ref(ref)) == "data":
            try:
                data_scripts.append(decode_data_url(_clean_ref(ref)).decode("utf-8", "replace"))
            except ValueError as exc:
                skipped.append(Skipped("data:…", f"{exc}: not scanned"))
            continue
        resolved = resolve_ref(ref, base)
        if isinstance(resolved, Skipped):
            skipped.append(resolved)
        elif resolved in urls:
            continue
        elif len(urls) >= limit:
            skipped.append(Skipped(public_url(resolved), f"over the limit of {limit} scripts: not fetched"))
        else:
            urls.append(resolved)
    return urls, data_scripts, skipped


# ---------------------------------------------------------------- source maps


def source_map_comment(text: str) -> str | None:
    """The URL of the last `//# sourceMappingURL=` (or `//@`, or `/*# ... */`) comment.

    Searched from the end, where bundlers put it; an occurrence that is not a comment
    (a bundler's runtime building such a line in a string) is passed over.
    """
    end = len(text)
    for _ in range(MAP_COMMENT_TRIES):
        at = text.rfind(MAP_MARK, 0, end)
        if at < 0:
            return None
        if _MAP_COMMENT_PREFIX.search(text, max(0, at - 8), at):
            value_start = at + len(MAP_MARK)
            stop = _MAP_VALUE_END.search(text, value_start)
            value = text[value_start : stop.start() if stop else len(text)]
            return value or None
        end = at
    return None


def source_map_refs(text: str, headers: Iterable[tuple[str, str]]) -> list[str]:
    """Every source map a script advertises: `SourceMap`/`X-SourceMap` headers, then its comment."""
    wanted = {name.lower() for name in SOURCE_MAP_HEADERS}
    refs = [value.strip() for name, value in headers if name.lower() in wanted and value.strip()]
    comment = source_map_comment(text)
    if comment is not None:
        refs.append(comment)
    return list(dict.fromkeys(refs))


_CHUNK_LITERAL = re.compile(
    r"""(?<![\w$])["'`]((?:\.{1,2}/|/)?(?:[\w@~.-]{1,100}/){0,12}[\w@~.-]{1,120}\.m?js)["'`]"""
)


def chunk_refs(text: str, script_url: str, *, limit: int = MAX_SCRIPTS) -> list[str]:
    """Scripts a bundle loads on demand, from the paths it names in string literals.

    Bundlers write lazy chunks as literal paths: Vite `import("./Chat-1a2b.js")` and its
    preload lists (`"assets/Chat-1a2b.js"`), the Next.js build manifest
    (`"static/chunks/pages/chat-1a2b.js"`). A path with a directory or a `./` is resolved
    like a browser would (against the site root, the script's folder, or the folder the
    path's first part names in the script's own URL); a bare file name is too ambiguous
    to fetch. Webpack runtimes that build chunk names in code are not followed.
    """
    found: dict[str, None] = {}
    for match in _CHUNK_LITERAL.finditer(text):
        ref = match.group(1)
        if "/" not in ref or "node_modules/" in ref or "//" in ref:
            continue
        resolved = resolve_ref(ref, _chunk_base(ref, script_url))
        if isinstance(resolved, str) and resolved != script_url:
            found.setdefault(resolved, None)
            if len(found) >= limit:
                break
    return list(found)


def _chunk_base(ref: str, script_url: str) -> str:
    """Where a relative chunk path starts: "assets/x.js" named by /app/assets/index.js
    means /app/assets/x.js, not /app/assets/assets/x.js."""
    if ref.startswith(("/", "./", "../")):
        return script_url
    first = ref.split("/", 1)[0]
    parts = urlsplit(script_url)
    marker = f"/{first}/"
    if marker in parts.path:
        prefix = parts.path[: parts.path.index(marker) + 1]
        return f"{parts.scheme}://{parts.netloc}{prefix}"
    return script_url


def is_data_ref(ref: str) -> bool:
    return _scheme_of(_clean_ref(ref)) == "data"


def parse_source_map(data: bytes) -> list[OriginalSource]:
    """The original files a source map lists (with `sourceRoot` applied) and their content.

    Accepts the `)]}'` prefix maps may carry and index maps with `sections`; raises
    SourceMapError with a plain reason for anything that is not a readable map.
    """
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.startswith(")]}"):
        text = text.partition("\n")[2]
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceMapError(
            f"source map is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise SourceMapError("source map is not valid JSON (nested too deeply)") from None
    return _map_sources(document, depth=0)


def _map_sources(document: object, depth: int) -> list[OriginalSource]:
    if not isinstance(document, dict):
        raise SourceMapError(f"not a source map: the JSON is a {type(document).__name__}, not an object")
    if isinstance(document.get("sections"), list):
        if depth >= MAX_MAP_SECTIONS_DEPTH:
            raise SourceMapError("not a source map: sections nested too deeply")
        found: list[OriginalSource] = []
        for section in document["sections"]:
            if isinstance(section, dict) and isinstance(section.get("map"), dict):
                found += _map_sources(section["map"], depth + 1)
        return found
    sources = document.get("sources")
    if not isinstance(sources, list):
        raise SourceMapError('not a source map: no "sources" list')
    contents = document.get("sourcesContent")
    contents = contents if isinstance(contents, list) else []
    root = document.get("sourceRoot")
    root = root if isinstance(root, str) else ""
    found = []
    for index, name in enumerate(sources):
        content = contents[index] if index < len(contents) else None
        path = _source_path(root, name) if isinstance(name, str) else f"(source {index})"
        found.append(OriginalSource(path, content if isinstance(content, str) else None))
    return found


def _source_path(root: str, name: str) -> str:
    """`sources[i]` with the map's `sourceRoot` in front, unless the name is already absolute."""
    if not root or _scheme_of(name) or name.startswith("/"):
        return name
    return f"{root.rstrip('/')}/{name}"
