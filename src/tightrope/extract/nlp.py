"""The one shared spaCy pipeline: blank English tokenizer + rule-based sentencizer.

No statistical model is loaded (nothing to download); everything else is
rules and dictionaries from ``tightrope/data``.  Built once per process.
"""

from __future__ import annotations

import bisect
import os
import re
from functools import lru_cache
from itertools import accumulate
from typing import Iterable

import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH
from spacy.language import Language


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # Articles are bounded by settings.max_article_bytes; spaCy's default
    # 1M-char guard would reject long but legitimate reports.
    nlp.max_length = 25_000_000
    return nlp


def make_doc(text: str):
    """Tokenise only (no sentence boundaries): the cheap path for matchers."""
    return get_nlp().make_doc(text)


def parse(text: str):
    """Tokenise and split into sentences."""
    return get_nlp()(text)


@lru_cache(maxsize=1)
def _punct_chars() -> frozenset[str]:
    chars = get_nlp().get_pipe("sentencizer").punct_chars
    assert all(len(c) == 1 for c in chars)  # sentence_spans tests only one-character tokens
    return frozenset(chars)


def token_bounds(doc) -> tuple[list[int], list[int]]:
    """(start_char, end_char) lists of ``doc``'s tokens, read from its arrays (no Python Token objects)."""
    if not len(doc):
        return [], []
    arr = doc.to_array([IDX, LENGTH])
    return arr[:, 0].tolist(), (arr[:, 0] + arr[:, 1]).tolist()


def layout(doc, text: str | None = None) -> tuple[tuple[list[int], list[int]], list[tuple[int, int]]]:
    """(token_bounds(doc), sentence_spans(doc)) from one read of the token arrays.  ``text``:
    the doc's text when the caller has it (``Doc.text`` re-joins every token)."""
    if not len(doc):
        return ([], []), []
    arr = doc.to_array([IS_PUNCT, IDX, LENGTH])
    starts, ends = arr[:, 1].tolist(), (arr[:, 1] + arr[:, 2]).tolist()
    return (starts, ends), _sentence_spans(arr, starts, ends, doc.text if text is None else text)


def sentence_spans(doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of each sentence spaCy's sentencizer would mark on ``doc``.

    The rule of ``spacy.pipeline.Sentencizer.predict``: a sentence starts at
    token 0 and at every token that is neither punctuation nor a
    sentence-final character when a sentence-final character came after the
    last such token.  Read from token arrays: running the sentencizer and
    iterating ``doc.sents`` builds a Python Token per token (~30% of the
    tokenizer's own cost, cProfile on 200 articles).
    tests/scale/test_sentences.py checks equality with spaCy's sentencizer.
    """
    return layout(doc)[1]


def _sentence_spans(arr, starts: list[int], ends: list[int], text: str) -> list[tuple[int, int]]:
    """sentence_spans from the doc's [IS_PUNCT, IDX, LENGTH] array (at least one token), its
    tokens' start and end characters and its text.  Only the few sentence-final characters
    (one-character tokens, found with numpy, read in the text) are visited: after each, the
    next token that is neither one nor punctuation starts a sentence (a Python walk over
    every token, or numpy over whole columns, cost ~2x more)."""
    import numpy as np

    n = len(arr)
    pc = _punct_chars()
    finals = [i for i in np.flatnonzero(arr[:, 2] == 1).tolist() if text[starts[i]] in pc]
    firsts = [0]
    if finals:
        punct = arr[:, 0].tolist()
        final = set(finals)
        cursor = 0
        for f in finals:
            if f < cursor:
                continue  # before the sentence start the last one led to
            j = f + 1
            while j < n and (punct[j] or j in final):
                j += 1
            if j < n:
                firsts.append(j)
            cursor = j
    return [(starts[a], ends[b - 1]) for a, b in zip(firsts, firsts[1:] + [n])]


# Characters that re.IGNORECASE equates with an ASCII letter although str.lower() does not
# map them onto it (dotted and dotless i, long s, Kelvin sign): found by testing every code
# point against every ASCII letter; they are also the only ones whose lower case is ASCII or
# longer than one character.
CASE_ODD = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str) -> str | None:
    """``text.lower()``, offsets unchanged, when a lower-case pattern without re.IGNORECASE finds
    on it exactly what the same pattern with re.IGNORECASE finds on ``text`` (patterns whose
    letters are ASCII; \\w, \\s and "-" are unchanged by lower-casing); None when it would not."""
    if not text.isascii() and CASE_ODD.search(text):
        return None
    low = text.lower()
    return low if len(low) == len(text) else None


def phrase_trie(phrases: Iterable[str], *, case_sensitive: bool = False) -> str:
    """Pattern that matches what ``cues.phrase_regex(phrases, case_sensitive=...)`` matches,
    laid out as a trie: lower-case when not case-sensitive, to search on ``lowered(text)``.

    phrase_regex is one flat alternation behind a lookbehind, so re runs its whole
    alternation at every position of the text (~0.2-0.3 ms per pattern and article).  Here
    phrases sharing a prefix share a branch and the word-boundary lookbehind comes after the
    first character, so re skips positions whose character starts no phrase and leaves a
    branch at its first wrong character.
    """
    return rf"(?:{trie_alternation(p if case_sensitive else p.lower() for p in phrases)})(?![\w-])"


def trie_alternation(words: Iterable[str], not_after: str = r"[\w-]", space: str = r"\s+") -> str:
    """Alternation of ``words`` as a trie, matching where a longest-first alternation of them
    would, with ``(?<!not_after)`` before each (tested after its first character) and
    ``space`` for each " ".  Same match at every position: all words that match at one
    position lie on one path of the trie, and longer continuations are tried first, as
    longest-first order does; what follows backtracks into shorter ones the same way."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_body(root, not_after, space)


def _trie_body(node: dict, not_after: str | None, space: str) -> str:
    alts = []
    for ch in sorted(k for k in node if k):
        if ch.isspace() and not_after is not None:
            raise ValueError("word starts with a space")
        piece = space if ch == " " else re.escape(ch)
        if not_after is not None:
            piece += rf"(?<!{not_after}{re.escape(ch)})"
        alts.append(piece + _trie_body(node[ch], None, space))
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


class Spans:
    """Character spans, sorted, answering overlap questions by bisection instead of a scan."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = list(spans)
        ordered = sorted(self.spans)
        self.starts = [a for a, _ in ordered]
        self.maxend = list(accumulate((b for _, b in ordered), max))  # max end of ordered[:i + 1]
        self.ends = sorted(b for _, b in ordered)

    def overlaps(self, a: int, b: int) -> bool:
        """Any span (x, y) with x < b and a < y."""
        i = bisect.bisect_left(self.starts, b) - 1
        return i >= 0 and self.maxend[i] > a

    def covers(self, pos: int) -> bool:
        """Any span (x, y) with x <= pos < y."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.maxend[i] > pos

    def ends_within(self, lo: int, hi: int) -> bool:
        """Any span ending at lo..hi."""
        i = bisect.bisect_left(self.ends, lo)
        return i < len(self.ends) and self.ends[i] <= hi


def find_all(text: str, words: Iterable[str]) -> list[int]:
    """Sorted start positions of every occurrence (overlapping ones too) of each word in text.
    str.find skips through a text several times faster than a regex alternation does."""
    out = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            out.append(i)
            i = text.find(w, i + 1)
    out.sort()
    return out


def _wordish(c: str) -> bool:
    """re's [\\w-] for one character (\\w is str.isalnum() or "_")."""
    return c.isalnum() or c == "_" or c == "-"


class PhraseFinder:
    """The spans ``cues.phrase_regex(phrases)`` finds (re.I, whole words), found on
    ``lowered(text)``: str.find looks for each phrase's first word, and a small pattern of the
    phrases starting with it is matched there.  Many phrases with different first letters
    leave re's alternation no way to skip ahead: it tried them at most positions of a text.
    The alternation's pick at a position is its first (longest) phrase that matches there;
    matches do not overlap, leftmost first."""

    def __init__(self, phrases: Iterable[str]) -> None:
        alts = sorted({p.lower() for p in phrases}, key=len, reverse=True)
        self.rank = {a: i for i, a in enumerate(alts)}
        groups: dict[str, list[str]] = {}
        for a in alts:
            if a != " ".join(a.split()) or not a:
                raise ValueError(f"phrase with odd spacing: {a!r}")
            groups.setdefault(a.split(" ")[0], []).append(a)
        self.groups = [(w, re.compile("(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in group)
                                      + r")(?![\w-])")) for w, group in groups.items()]
        # First words sharing their first 4 letters ("militia", "militants") are found by one
        # str.find scan of their common prefix: each scan costs about as much as the whole
        # text's length, whatever it finds (generic actor words: 44 scans down to 35).
        keyed: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for w, rx in self.groups:
            keyed.setdefault(w[:4], []).append((w, rx))
        self.keys = [(os.path.commonprefix([w for w, _ in ws]), ws) for ws in keyed.values()]

    def spans(self, low: str) -> list[tuple[int, int]]:
        hits = []  # (start, rank, end)
        rank = self.rank
        for key, words in self.keys:
            i = low.find(key)
            while i >= 0:
                if i == 0 or not _wordish(low[i - 1]):
                    for w, rx in words:
                        if low.startswith(w, i) and (m := rx.match(low, i)):
                            hits.append((i, rank[" ".join(m.group().split())], m.end()))
                i = low.find(key, i + 1)
        if len(hits) > 1:
            hits.sort()
        out, cursor = [], 0
        for a, _, b in hits:
            if a >= cursor:
                out.append((a, b))
                cursor = b
        return out
