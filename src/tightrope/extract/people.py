"""People not in the knowledge base, found in running text (for context.build_context).

A capitalised name with a title before it, an apposition or a speech verb after it
("Foreign Minister Ali Smith", "Ali Smith, a spokesman", "Ali Smith said"), a title and
a single surname ("President Obama"), and later bare surnames of the people found.
"""

from __future__ import annotations

import bisect
import os
import re
from functools import lru_cache

from tightrope.extract.cues import get_cues
from tightrope.extract.nlp import Spans, phrase_trie, trie_alternation

# A person-name token: capitalised word, or particle + hyphen + capitalised ("al-Darb", "Al-Maliki").
_NAME_TOKEN = r"(?:(?:[Aa]l|[Ee]l|[Aa]bu|[Bb]in|[Ii]bn|[Aa]bd)[-\u2010][A-Z][\w'\u2019]+|[A-Z][a-z]+(?:['\u2019][a-z]+)?(?:-[A-Z][a-z]+)?)"
_PARTICLE = r"(?:al|el|bin|ibn|abu|bint|de|van|von|da)"
_NAME_REST = rf"(?:\s+(?:{_PARTICLE}\s+)?{_NAME_TOKEN}){{1,3}}"
_NAME = re.compile(rf"{_NAME_TOKEN}{_NAME_REST}")
# _NAME split by the case of its first character, so that re can skip to candidate positions
# (_NAME opens with [Aa]-style classes, which leave re no first-character filter: it ran the
# whole pattern at every position).  Upper: the first character is read by [A-Z], and each
# alternative of the first token checks it by a lookbehind, in _NAME_TOKEN's order.
_NAME_UPPER = re.compile(
    r"[A-Z](?:(?:(?<=A)l|(?<=E)l|(?<=A)bu|(?<=B)in|(?<=I)bn|(?<=A)bd)[-\u2010][A-Z][\w'\u2019]+"
    rf"|[a-z]+(?:['\u2019][a-z]+)?(?:-[A-Z][a-z]+)?)(?=\s+[A-Zabdeiv]){_NAME_REST}")
# (?=...): what _NAME_REST needs next (blanks, then a particle or a name token), tested in one
# step before its alternatives are tried after most capitalised words.
_NAME_LOWER = re.compile(rf"(?:al|el|abu|bin|ibn|abd)[-\u2010][A-Z][\w'\u2019]+{_NAME_REST}")


def _name_matches(text: str):
    """The matches of _NAME.finditer(text): the leftmost of the upper- and lower-case searches,
    each search redone from the end of the last match when it started before it."""
    particles = _particle_starts(text)

    def lower_search(pos: int) -> re.Match | None:
        for i in range(bisect.bisect_left(particles, pos), len(particles)):
            if m := _NAME_LOWER.match(text, particles[i]):
                return m
        return None

    up, lo = _NAME_UPPER.search(text), lower_search(0)
    while up is not None or lo is not None:
        m = up if lo is None or (up is not None and up.start() < lo.start()) else lo
        yield m
        pos = m.end()
        if up is not None and up.start() < pos:
            up = _NAME_UPPER.search(text, pos)
        if lo is not None and lo.start() < pos:
            lo = lower_search(pos)


def _particle_starts(text: str) -> list[int]:
    """Sorted starts of "al-", "abu-", ... (lower case), where _NAME_LOWER can match: found
    from the hyphens, which are few, instead of a search that stops at every a, e, b and i."""
    out = []
    for h in ("-", "\u2010"):
        i = text.find(h)
        while i >= 0:
            for k in (2, 3):
                if i >= k and text[i - k:i] in _PARTICLES:
                    out.append(i - k)
            i = text.find(h, i + 1)
    out.sort()
    return out


_PARTICLES = frozenset(("al", "el", "abu", "bin", "ibn", "abd"))  # _NAME_LOWER's, before the hyphen


@lru_cache(maxsize=1)
def _nonname_words() -> frozenset[str]:
    cues = get_cues()
    words = {"the", "a", "an", "in", "on", "at", "of", "and", "but", "however", "moreover", "notably", "despite",
             "while", "since", "after", "before", "during", "for", "with", "as", "this", "that", "these", "those",
             "israeli", "iraqi", "american", "iranian", "arab", "islamic", "western", "us", "un", "his", "her",
             "their", "its", "our", "when", "if", "although", "whatever", "such", "following", "last", "initially",
             "currently", "analysts", "observers", "political", "security", "military", "prime", "foreign",
             "president", "minister", "national", "shiite", "sunni", "monday", "tuesday", "wednesday", "thursday",
             "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
             "august", "september", "october", "november", "december", "resistance", "axis", "popular"}
    words.update(t.lower() for t in cues.raw["person_titles"])
    return frozenset(words)


def _find_people(text: str, taken: Spans, low: str | None) -> list[tuple[int, int, str]]:
    """Names of people not in the KB: a capitalised name with a title before it,
    an apposition or a speech verb after it.  ``taken``: the actor mentions' spans;
    ``low``: lowered(text)."""
    nonname = _nonname_words()
    titled_rx, apposed_rx, speaks_rx = _people_res(low is not None)
    out = []
    for m in _name_matches(text):
        a, b = m.start(), m.end()
        words = m.group(0).split()
        # Trim leading words that are not names ("Notably Salam ...", "Israeli Foreign ...").
        while words and words[0].lower().strip("'\u2019") in nonname:
            a = text.index(words[1], a + len(words[0])) if len(words) > 1 else b
            words = words[1:]
        # Trailing title words ("... Foreign Minister") and possessives ("Taiwan's") are not names.
        while words and words[-1].lower() in nonname:
            b = a + len(" ".join(words[:-1])) if len(words) > 1 else a
            words = words[:-1]
        b = a + len(text[a:b].rstrip())
        if len(words) < 2 or any(w.endswith(("'s", "\u2019s")) for w in words) or taken.overlaps(a, b):
            continue
        after = text[b:b + 40]
        if speaks_rx.match(after) or apposed_rx.match(after) or titled_rx.search(
                (text if low is None else low)[max(0, a - 40):a]):
            out.append((a, b, text[a:b]))
    # "President Obama", "Gen. Sims": a title and a single surname.
    spans = Spans([(x, y) for x, y, _ in out] + taken.spans)
    for m in _titled_matches(text, low):
        a, b = m.start(1), m.end(1)
        if m.group(1).lower() in nonname or spans.overlaps(a, b):
            continue
        out.append((a, b, m.group(1)))
    return out


@lru_cache(maxsize=2)
def _people_res(lower: bool) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The title / apposition / speech-verb tests of _find_people, compiled once.  The title
    test ends a search of the 40 characters before a name: as a trie (nlp.phrase_trie) on the
    lowered text when ``lower``, else with the cue pattern and re.I."""
    cues = get_cues()
    titles = phrase_trie(cues.raw["person_titles"]) if lower else cues.person_titles.pattern
    return (re.compile(rf"(?:{titles})\s*$", 0 if lower else re.I),
            re.compile(r",\s+(?:a|an|the)?\s*(?:\w+\s+){0,3}?(?:" + cues.roles.pattern + "|"
                       + cues.person_titles.pattern + ")", re.I),
            re.compile(rf"\s*,?\s*(?:{phrase_trie(cues.raw['speech_verbs'], case_sensitive=True)})"))


def _titled_matches(text: str, low: str | None) -> list[re.Match]:
    """_titled_surname().finditer(text), trying the pattern only where low (the lowered text)
    holds a title in some case: the pattern's many titles left re no letter to skip to."""
    rx = _titled_surname()
    if low is None:
        return list(rx.finditer(text))
    out, cursor = [], 0
    for p in _title_starts(low):
        if p >= cursor and (m := rx.match(text, p)):
            out.append(m)
            cursor = m.end()
    return out


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    return frozenset(t.lower() for t in get_cues().raw["person_titles"] if t[0].isalpha())


def _title_starts(low: str) -> list[int]:
    """Sorted positions in ``low`` that may start a title: every start of one (what
    find_all(low, _title_words()) finds), and a few more where _titled_matches' pattern fails.
    Each str.find scan costs about as much as the whole-text scan, so titles share them
    (_title_keys)."""
    out = []
    for key, offsets in _title_keys():
        i = low.find(key)
        while i >= 0:
            out.extend(i - o for o in offsets if i >= o)
            i = low.find(key, i + 1)
    out.sort()
    return out


@lru_cache(maxsize=1)
def _title_keys() -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(string to find, offsets of title starts from it): a title holding another of 4+
    letters is found by that one ("prime minister" by "minister", 6 before it), and titles
    sharing their first 5 letters by their common prefix ("advis" for adviser and advisor):
    51 titles, 42 scans."""
    words = sorted(_title_words())
    keys: dict[str, set[int]] = {}
    roots = []
    for t in words:
        inner = [w for w in words if w != t and w in t and len(w) >= 4]
        if inner:
            w = min(inner, key=len)
            keys.setdefault(w, set()).add(t.index(w))
        else:
            roots.append(t)
    groups: dict[str, list[str]] = {}
    for t in roots:
        groups.setdefault(t[:5], []).append(t)
    for group in groups.values():
        key = os.path.commonprefix(group) if len(group) > 1 else group[0]
        keys.setdefault(key, set()).add(0)
    return tuple((k, tuple(sorted(v))) for k, v in sorted(keys.items()))


@lru_cache(maxsize=1)
def _titled_surname() -> re.Pattern[str]:
    titles = {v for t in get_cues().raw["person_titles"] if t[0].isalpha() for v in (t, t.capitalize(), t.title())}
    # Case-sensitive on purpose: the name must be capitalised ("expert on" is no name).  The
    # titles as a trie (longest first, like a longest-first alternation) with the word boundary
    # after their first letter, so that re skips positions where no title starts.
    trie = trie_alternation(titles, not_after=r"\w", space=" ")
    return re.compile(rf"(?:{trie})\.?\s+({_NAME_TOKEN})\b(?!\s+(?:[A-Z]|(?:al|el|bin|ibn|abu)\b))")


def _surname_hits(text: str, low: str | None, names: list[str]) -> list[tuple[int, int]]:
    r"""Spans the regex (?<![\w-])(name1|name2|...)(?![\w-]) with re.I finds, found with
    str.find on the lowered text (compiling that per-document regex cost more than the search).
    Where the names are not all ASCII, the regex itself."""
    if low is None or not all(n.isascii() for n in names):
        rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.I)
        return [m.span() for m in rx.finditer(text)]
    hits = []  # (start, rank of the alternative, end)
    for rank, name in enumerate(names):
        key, k = name.lower(), len(name)
        i = low.find(key)
        while i >= 0:
            if (i == 0 or not _WORDISH.match(low, i - 1)) and not _WORDISH.match(low, i + k):
                hits.append((i, rank, i + k))
            i = low.find(key, i + 1)
    hits.sort()
    out, cursor = [], 0
    for a, _, b in hits:  # the alternation's pick: leftmost, then first alternative, never overlapping
        if a >= cursor and b > a:
            out.append((a, b))
            cursor = b
    return out


_WORDISH = re.compile(r"[\w-]")
