"""What the Observatory reads from a page's HTML: script tags and meta policy tags.

Only `<script>` elements (their src, integrity and crossorigin) and `<meta>` tags that
set a policy (`http-equiv` Content-Security-Policy, Referrer-Policy,
Cross-Origin-Resource-Policy, and `name="referrer"`) matter to the grade. html.parser
reads the page after launchwizard.secrets.bundle.defuse has turned the markup it
handles badly into text, so hostile HTML costs linear time; a page it still cannot read
is reported as unparseable, the Observatory's `html-not-parseable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from launchwizard.secrets.bundle import defuse

HTML_TYPES = ("text/html", "application/xhtml+xml")
META_POLICIES = ("content-security-policy", "referrer-policy", "cross-origin-resource-policy")
MAX_SCRIPTS = 2000
MAX_META = 200
MAX_ASSETS = 200


def _blocks(values: dict[str, str | None]) -> bool:
    """A script blocks rendering unless it is async, deferred or a module (which defers)."""
    kind = (values.get("type") or "").strip().lower()
    return "async" not in values and "defer" not in values and kind != "module"


@dataclass(frozen=True)
class ScriptTag:
    """One `<script src>`: where it loads from and whether it pins its content."""

    src: str
    integrity: str | None
    crossorigin: str | None
    blocking: bool = False
    """A classic script without async or defer: the browser stops rendering to run it."""


@dataclass(frozen=True)
class PageFacts:
    """The HTML facts of one response; `parseable` is False when the HTML could not be read."""

    is_html: bool
    parseable: bool = True
    script_count: int = 0
    scripts: tuple[ScriptTag, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    assets: tuple[str, ...] = ()
    """Stylesheets, images and preloads the page references: what perf.cache samples."""

    def meta_values(self, name: str) -> list[str]:
        """The content of every meta tag that sets policy `name` (lowercase)."""
        return [content for key, content in self.meta if key == name]


def is_html_type(content_type: str | None) -> bool:
    """The Observatory treats a response as HTML unless its MIME type says otherwise."""
    if not content_type:
        return True
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


class _PolicyTagParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.script_count = 0
        self.scripts: list[ScriptTag] = []
        self.meta: list[tuple[str, str]] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value for name, value in attrs}
        if tag == "script":
            self.script_count += 1
            src = (values.get("src") or "").strip()
            if src and len(self.scripts) < MAX_SCRIPTS:
                self.scripts.append(
                    ScriptTag(src, values.get("integrity"), values.get("crossorigin"), _blocks(values))
                )
        elif tag == "meta" and len(self.meta) < MAX_META:
            self._meta(values)
        elif len(self.assets) < MAX_ASSETS:
            self._asset(tag, values)

    def _asset(self, tag: str, values: dict[str, str | None]) -> None:
        rel = (values.get("rel") or "").lower().split()
        if tag == "link" and ("stylesheet" in rel or "preload" in rel or "icon" in rel):
            url = (values.get("href") or "").strip()
        elif tag == "img":
            url = (values.get("src") or "").strip()
        else:
            return
        if url and not url.startswith("data:"):
            self.assets.append(url)

    def _meta(self, values: dict[str, str | None]) -> None:
        content = values.get("content")
        if content is None:
            return
        equiv = (values.get("http-equiv") or "").strip().lower()
        if equiv in META_POLICIES:
            self.meta.append((equiv, content))
        elif (values.get("name") or "").strip().lower() == "referrer":
            self.meta.append(("referrer-policy", content))


def read_page(content_type: str | None, body: bytes) -> PageFacts:
    """Script and meta-policy facts of a response body; never raises."""
    if not is_html_type(content_type):
        return PageFacts(is_html=False)
    parser = _PolicyTagParser()
    try:
        parser.feed(defuse(body.decode("utf-8", errors="replace")))
        parser.close()
    except (AssertionError, ValueError, IndexError):
        return PageFacts(is_html=True, parseable=False)
    return PageFacts(
        is_html=True,
        script_count=parser.script_count,
        scripts=tuple(parser.scripts),
        meta=tuple(parser.meta),
        assets=tuple(parser.assets),
    )
