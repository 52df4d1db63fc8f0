"""Which rule keywords occur in a text, found in one regex pass plus a few `in` checks.

Checking ~100 keywords with `kw in text` costs one pass over the text per absent keyword,
and a plain alternation of all keywords makes the regex engine try every position. This
index instead anchors each keyword on its rarest character in source code: the combined
regex starts with a small set of rare characters, so the engine skips from one rare
character to the next in C and only tries keywords there. Keywords made only of common
characters (`secret`, `token`) are checked with `in`, which is cheap for them because they
usually occur early or the text is short.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Printable ASCII (upper case folded) from rarest to most common: each character ranked by
# its highest share in Python sources, in JavaScript/JSON/Markdown from npm packages, and in
# minified bundles. Characters outside this string count as rarest.
CODE_CHAR_RANKING = "~%^@\\<7968543$#+2*jz>q-?`|x1!'k/0w:[]v&}{by;gm_fupd\"chl=.)(o,narsite "
# Anchors are taken only from characters before this many of the most common ones.
COMMON_TAIL = 22

_RANK = {ch: i for i, ch in enumerate(CODE_CHAR_RANKING)}
_ANCHOR_LIMIT = len(CODE_CHAR_RANKING) - COMMON_TAIL


def _rank(ch: str) -> int:
    return _RANK.get(ch, -1)


def anchor_index(keyword: str) -> int:
    """Offset of the rarest character of `keyword` (the last one on ties)."""
    return min(range(len(keyword)), key=lambda i: (_rank(keyword[i]), -i))


class KeywordHits:
    """The keywords found in one lower-cased text, and where each starts."""

    def __init__(self, lowered: str, positions: dict[str, list[int]]) -> None:
        self._lowered = lowered
        self._positions = positions
        self.present: frozenset[str] = frozenset(positions)

    def positions(self, keyword: str) -> list[int]:
        """Every start offset of `keyword` (overlapping ones included), ascending."""
        found = self._positions.get(keyword)
        if found is None:
            return []
        if not found:
            found.extend(occurrences(self._lowered, keyword))
        return found


def occurrences(lowered: str, keyword: str) -> list[int]:
    """Every start offset of `keyword` in `lowered`, overlapping ones included."""
    found: list[int] = []
    at = lowered.find(keyword)
    while at >= 0:
        found.append(at)
        at = lowered.find(keyword, at + 1)
    return found


@dataclass(frozen=True)
class _Anchored:
    """A keyword found through its anchor, and the keywords a match of it settles.

    When the regex reports `keyword` at an anchor, `implied` keywords (its sub-strings
    around the same anchor) occur there too, and `related` ones might: only those are
    checked with `startswith`. No other keyword can match at that anchor.
    """

    keyword: str
    offset: int
    implied: tuple[tuple[str, int], ...]
    related: tuple[tuple[str, int], ...]


class KeywordIndex:
    """Answers "which of these keywords occur in this lower-cased text, and where?"."""

    def __init__(self, keywords: Iterable[str]) -> None:
        anchored: dict[str, list[tuple[str, int]]] = {}
        plain: list[str] = []
        for keyword in sorted(set(keywords)):
            at = anchor_index(keyword)
            if _rank(keyword[at]) < _ANCHOR_LIMIT:
                anchored.setdefault(keyword[at], []).append((keyword, at))
            else:
                plain.append(keyword)
        self._plain = tuple(plain)
        self._leaves = _leaves(anchored)
        self._pattern = _anchor_pattern(anchored, self._leaves) if anchored else None

    def scan(self, lowered: str) -> KeywordHits:
        """The keywords in `lowered` (already lower case). Positions of anchored keywords
        come from the same regex pass; those of plain keywords are found on first request."""
        positions: dict[str, list[int]] = {keyword: [] for keyword in self._plain if keyword in lowered}
        if self._pattern is not None:
            self._anchored_positions(self._pattern, lowered, positions)
        return KeywordHits(lowered, positions)

    def _anchored_positions(
        self, pattern: re.Pattern[str], lowered: str, positions: dict[str, list[int]]
    ) -> None:
        leaves = self._leaves
        for match in pattern.finditer(lowered):
            at = match.start()
            leaf = leaves[match.lastgroup or ""]
            positions.setdefault(leaf.keyword, []).append(at - leaf.offset)
            for keyword, offset in leaf.implied:
                positions.setdefault(keyword, []).append(at - offset)
            for keyword, offset in leaf.related:
                if offset <= at and lowered.startswith(keyword, at - offset):
                    positions.setdefault(keyword, []).append(at - offset)


def _leaves(anchored: dict[str, list[tuple[str, int]]]) -> dict[str, _Anchored]:
    """One regex group name per anchored keyword, with what a match of it settles."""
    leaves: dict[str, _Anchored] = {}
    for members in anchored.values():
        for keyword, at in members:
            head, tail = keyword[:at], keyword[at + 1 :]
            implied: list[tuple[str, int]] = []
            related: list[tuple[str, int]] = []
            for other, other_at in members:
                other_head, other_tail = other[:other_at], other[other_at + 1 :]
                if other == keyword:
                    continue
                if head.endswith(other_head) and tail.startswith(other_tail):
                    implied.append((other, other_at))
                elif (head.endswith(other_head) or other_head.endswith(head)) and (
                    tail.startswith(other_tail) or other_tail.startswith(tail)
                ):
                    related.append((other, other_at))
            leaves[f"k{len(leaves)}"] = _Anchored(keyword, at, tuple(implied), tuple(related))
    return leaves


def _anchor_pattern(
    anchored: dict[str, list[tuple[str, int]]], leaves: dict[str, _Anchored]
) -> re.Pattern[str]:
    """`k(?=en(?<=token)(?P<k7>)|_(?:…))|…`: each branch starts at an anchor character,
    walks a trie of the keywords' tails (cheap literal tests that fail fast) and only then
    checks a keyword's head with a fixed-width lookbehind; an empty named group says which
    keyword matched. The pattern's first-character set is just the anchors, so the regex
    engine skips everything else, and everything after the anchor is a lookahead, so
    `finditer` sees every anchor, overlapping keywords included."""
    names = {leaf.keyword: name for name, leaf in leaves.items()}
    branches = []
    for ch, members in sorted(anchored.items()):
        trie: dict[str, Any] = {}
        for keyword, at in members:
            node = trie
            for tail_char in keyword[at + 1 :]:
                node = node.setdefault(tail_char, {})
            node.setdefault("", []).append(keyword)
        branches.append(f"{re.escape(ch)}(?={_trie_regex(trie, names)})")
    return re.compile("|".join(branches))


def _trie_regex(node: dict[str, Any], names: dict[str, str]) -> str:
    alternatives: list[str] = []
    for key in sorted(node, key=lambda k: (k == "", k)):
        if key == "":
            alternatives.extend(
                f"(?<={re.escape(kw)})(?P<{names[kw]}>)" for kw in sorted(node[""], key=len, reverse=True)
            )
        else:
            alternatives.append(re.escape(key) + _trie_regex(node[key], names))
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"
