"""Token-level phrase matching of the trigger lexicon (see ``trigger_lexicon``).

A text becomes parallel token columns (lower-cased surfaces, lemma keys, char
offsets) built with C-level passes (one regex split, ``map`` over a word table,
``accumulate``), never one object per token; the phrase index is then probed
only at tokens whose key or surface starts a term.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import partial
from itertools import accumulate, compress, count
from operator import add

from tightrope.extract.trigger_lexicon import (
    INDEX_KEY,
    INDEX_SURF,
    LEX,
    TERM_NAMES_OK,
    TRANSPARENT_TIDS,
    TRIGGER_TIDS,
)

# One capture group: split() alternates gap, word, gap, ..., gap, so the words
# (the same as a finditer of the token pattern) and their offsets come from lengths.
# Possessive repeats: nothing after a repeat can fail, so giving none back changes no match
# and spares the engine its backtracking bookkeeping (54k -> 47k instructions a sentence).
_WORD_SPLIT_RE = re.compile(r"([A-Za-z0-9]++(?:['\u2019][A-Za-z]++)*+)")
# Sentence ends: r"[.!?;]+[\"'\u201d\u2019)]*\s+|\n\s*\n" (same matches) written to open
# with one character class, which lets the regex engine skip ahead instead of trying both
# branches at every character (2.2 -> 0.9 us on a 114-char sentence).
_SENT_END_RE = re.compile(r"[.!?;\n](?:(?<=[.!?;])[.!?;]*[\"'\u201d\u2019)]*\s+|(?<=\n)\s*\n)")

_IS_TITLE = (False, True, False, True)  # by shape (see _WordTable)


def _merge_multi(entries: list[tuple]) -> tuple | None:
    """The longer-term tables of a word's index entries (by key, by surface) as one
    (by_key, by_surf, gap_key or None, gap_surf or None): a term is in one entry only and
    ``find_terms`` sorts its matches, so a merged table finds the same matches in one probe."""
    multis = [e[2] for e in entries if e[2]]
    if not multis:
        return None
    if len(multis) == 1:
        by_key, by_surf, gap_key, gap_surf = multis[0]
        return by_key, by_surf, gap_key or None, gap_surf or None
    merged: list[dict] = [{}, {}, {}, {}]
    for multi in multis:
        for table, part in zip(merged, multi):
            for word, cands in part.items():
                table[word] = table.get(word, []) + list(cands)
    return merged[0], merged[1], merged[2] or None, merged[3] or None


def _probe_entry(key: str, surf: str) -> tuple | None:
    """The phrase-index entries a word starts (by its key, by its surface) merged: (one-word
    term ids, those allowed on names, the entries' longer terms as one ``_merge_multi``
    table or None), or None."""
    entries = [e for e in (INDEX_KEY.get(key), INDEX_SURF.get(surf)) if e is not None]
    if not entries:
        return None
    return (tuple(t for e in entries for t in e[0]), tuple(t for e in entries for t in e[1]),
            _merge_multi(entries))


def _may_trigger(probe: tuple | None) -> bool:
    """Can a term that a word starts (its ``_probe_entry``) be a trigger?"""
    if probe is None:
        return False
    singles, _, multi = probe
    tids = list(singles)
    for table in multi or ():
        for cands in (table or {}).values():
            tids.extend(c[-1] for c in cands)
    return not TRIGGER_TIDS.isdisjoint(tids)


class _WordTable(dict):
    """word -> (surface, lemma key, shape, probe, trig): a pure function of the word and the
    lexicon, shared by every text, filled on first sight (``__missing__``, so a look-up of a
    known word stays in C).  surface: lower-cased, \u2019 as '; shape: bit 0 Titlecase (first
    letter upper, not all caps), bit 1 four or more characters; probe: ``_probe_entry``;
    trig: ``_may_trigger``.  Bounded: cleared when it outgrows a large news vocabulary."""

    MAX = 200_000

    def __missing__(self, w: str) -> tuple[str, str, int, tuple | None, bool]:
        s = w.lower().replace("\u2019", "'")
        k = s[:-2] if s.endswith("'s") else s
        key = LEX.lemma.get(k, k)
        shape = (1 if w[:1].isupper() and not w.isupper() else 0) | (2 if len(w) >= 4 else 0)
        if len(self) >= self.MAX:
            self.clear()
        probe = _probe_entry(key, s)
        info = self[w] = (s, key, shape, probe, _may_trigger(probe))
        return info


_WORDS = _WordTable()


# Byte -> itself for the word characters [A-Za-z0-9'], else a space: with it a text's ASCII
# image becomes its words separated by spaces, at their offsets (see Toks).
_WORD_BYTES = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == 39) else 32 for c in range(256))


def _spaced(text: str) -> str:
    """The text, same length, with every character but [A-Za-z0-9'] a space (\u2019 as ')."""
    if "\u2019" in text:
        text = text.replace("\u2019", "'")
    # ascii/replace: one "?" (a space after translate) for each other character
    return text.encode("ascii", "replace").translate(_WORD_BYTES).decode("ascii")


class Toks:
    """A text's tokens as columns (tuples): ``surf`` (lower-cased, \u2019 as '), ``key`` (lemma
    key), ``start``/``end`` (char offsets), ``shape`` and ``probe`` (see ``_WordTable``), and
    ``trig`` (see ``_WordTable``), and ``stop``, the end of the last word.
    The offsets are computed on first ask: a sentence without a trigger, a name to test or a
    sentence break inside never needs them (one in seven of the bench corpus's sentences).

    Words are the matches of ``_WORD_SPLIT_RE``.  Without an apostrophe (three sentences in
    four) they are the runs of [A-Za-z0-9] and come from str.split of the ``_spaced`` text,
    ~3x cheaper than the regex; ``parts`` then holds that split on single spaces (words and
    empty strings), else the regex split (gaps and words)."""

    __slots__ = ("surf", "key", "shape", "probe", "trig", "parts", "spaced", "stop", "_start", "_end")

    def __init__(self, text: str) -> None:
        self._start = self._end = None
        flat = _spaced(text)
        self.spaced = "'" not in flat
        if self.spaced:
            parts = self.parts = flat.split(" ")
            words = list(filter(None, parts))
            self.stop = len(flat.rstrip(" "))
        else:
            parts = self.parts = _WORD_SPLIT_RE.split(text)
            words = parts[1::2]
            self.stop = len(text) - len(parts[-1])
        if words:
            self.surf, self.key, self.shape, self.probe, self.trig = zip(*map(_WORDS.__getitem__, words))
        else:
            self.surf = self.key = self.shape = self.probe = self.trig = ()

    def _offsets(self) -> None:
        if self.spaced:
            # parts[k] starts after the k parts before it and their k separators
            parts = self.parts
            self._start = list(compress(map(add, accumulate(map(len, parts), initial=0), count()), parts))
            return
        pos = list(accumulate(map(len, self.parts)))
        self._start = pos[0:-1:2]
        self._end = pos[1::2]

    @property
    def start(self) -> list[int]:
        if self._start is None:
            self._offsets()
        return self._start

    @property
    def end(self) -> list[int]:
        """(A word is as long as its surface, which differs only by case and \u2019 as ': the
        hot paths use ``end_of``.)"""
        if self._end is None:
            self._end = list(map(add, self.start, map(len, self.surf)))
        return self._end

    def end_of(self, i: int) -> int:
        return self.start[i] + len(self.surf[i])

    def __len__(self) -> int:
        return len(self.surf)


_BEFORE_SKIP = " \t\"'\u201c\u2018(["
_SENT_OPENERS = ".!?:;\n-\u2013\u2014|"


class Names:
    """Per token (``names[i]``), computed on first ask: True for Titlecase tokens that are
    parts of names ("Amnesty International", "Constitutional Court"): inside a sentence, or
    sentence-initial and followed by another Titlecase word; all False when the text itself
    is written in title case (headlines).  The matcher asks only at Titlecase words that
    start a term, so most tokens are never looked at."""

    __slots__ = ("text", "toks", "_headline", "memo")

    def __init__(self, text: str, toks: Toks) -> None:
        self.text, self.toks, self.memo = text, toks, {}
        self._headline = None  # computed on the first Titlecase ask (most texts make none)

    @property
    def headline(self) -> bool:
        if self._headline is None:
            shape = self.toks.shape
            long_caps = shape.count(3)
            long_n = long_caps + shape.count(2)
            self._headline = bool(long_n and long_caps / long_n > 0.7)
        return self._headline

    def __getitem__(self, i: int) -> bool:
        if not _IS_TITLE[self.toks.shape[i]] or self.headline:
            return False
        flag = self.memo.get(i)
        if flag is None:
            flag = self.memo[i] = self._name(i)
        return flag

    def _name(self, i: int) -> bool:
        text, toks = self.text, self.toks
        j = toks.start[i] - 1
        while j >= 0 and text[j] in _BEFORE_SKIP:
            j -= 1
        if j >= 0 and text[j] not in _SENT_OPENERS:
            return True
        # sentence-initial: a name only when the next word is Titlecase and adjacent
        return i + 1 < len(toks.shape) and _IS_TITLE[toks.shape[i + 1]] \
            and toks.start[i + 1] - toks.end_of(i) <= 1


def _match_words(items: tuple, cols: tuple[list[str], list[str]], j: int) -> int:
    """Match gap-free pattern items from token j; return end index (exclusive) or -1."""
    n = len(cols[0])
    for col, val in items:
        if j >= n or cols[col][j] != val:
            return -1
        j += 1
    return j


def _match_rest(pre: tuple, post: tuple | None, cols, j: int) -> int:
    """Match ``pre`` from token j, then (if the term has a gap) a gap of 0..4 tokens, the
    first that lets ``post`` match; return end index (exclusive) or -1."""
    j = _match_words(pre, cols, j) if pre else j
    if j < 0 or post is None:
        return j
    v0, col0 = post[0][1], cols[post[0][0]]
    for jj in range(j, min(j + 5, len(col0))):
        if col0[jj] == v0:
            e = _match_words(post[1:], cols, jj + 1)
            if e >= 0:
                return e
    return -1


def _probe_longer(multi: tuple, i: int, keys, surfs, name: bool, found: list) -> None:
    """Adds the longer terms of a word's ``_merge_multi`` table that match from token i."""
    by_key, by_surf, gap_key, gap_surf = multi
    cols = (keys, surfs)
    n = len(keys)
    if i + 1 < n:
        for cands in (by_key.get(keys[i + 1]), by_surf.get(surfs[i + 1])):
            if not cands:
                continue
            for pre, post, tid in cands:
                if name and not TERM_NAMES_OK[tid]:
                    continue
                e = _match_rest(pre, post, cols, i + 2) if pre or post else i + 2
                if e > 0:
                    found.append((i, e, tid))
    if gap_key is None and gap_surf is None:
        return
    # "first * rest": each term takes the shortest gap (0..4 tokens) that lets it match
    done: set[int] = set()
    for j in range(i + 1, min(i + 6, n)):
        for cands in (gap_key and gap_key.get(keys[j]), gap_surf and gap_surf.get(surfs[j])):
            if not cands:
                continue
            for rest, tid in cands:
                if tid in done or (name and not TERM_NAMES_OK[tid]):
                    continue
                e = _match_words(rest, cols, j + 1) if rest else j + 1
                if e > 0:
                    found.append((i, e, tid))
                    done.add(tid)


def find_terms(toks: Toks, names: Names | list[bool] | None = None) -> list[tuple[int, int, int]]:
    """All (start_tok, end_tok, term id) matches in text order, minus those inside a longer
    match.  Titlecase name parts (``names``) start only terms allowed on names."""
    keys, surfs, probes, shape = toks.key, toks.surf, toks.probe, toks.shape
    found: list[tuple[int, int, int]] = []
    n = len(keys)
    longer = False  # any multi-word match
    for i in compress(range(n), probes):
        singles, singles_on_names, multi = probes[i]
        name = names is not None and _IS_TITLE[shape[i]] and names[i]
        for tid in (singles_on_names if name else singles):
            found.append((i, i + 1, tid))
        if multi is None:
            continue
        # most phrases fail on their second (or post-gap) word: test it before the call
        by_key, by_surf, gap_key, gap_surf = multi
        if (i + 1 < n and (keys[i + 1] in by_key or surfs[i + 1] in by_surf)) \
                or (gap_key is not None and not gap_key.keys().isdisjoint(keys[i + 1:i + 6])) \
                or (gap_surf is not None and not gap_surf.keys().isdisjoint(surfs[i + 1:i + 6])):
            k = len(found)
            _probe_longer(multi, i, keys, surfs, name, found)
            longer = longer or len(found) > k
    if len(found) < 2:
        return found
    found.sort()
    # one-word matches only: none is inside a longer one
    if not longer:
        return found
    kept = _outermost(found)
    if TRANSPARENT_TIDS.isdisjoint(tid for _, _, tid in kept):
        return kept
    return _with_transparent(found, kept)


def _outermost(found: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop each match inside a longer one (start <= its start, end >= its end), in one pass
    over the matches sorted by (start, end): a container either starts earlier (the running
    maximum end of earlier starts) or starts at the same token and ends later (that start's
    last match)."""
    last_end = {ms: me for ms, me, _ in found}
    kept = []
    cur = earlier = run = -1
    for m in found:
        ms, me, _ = m
        if ms != cur:
            cur, earlier = ms, run
        if me > run:
            run = me
        if earlier >= me or last_end[ms] > me:
            continue
        kept.append(m)
    return kept


def _with_transparent(found: list[tuple[int, int, int]], kept: list[tuple[int, int, int]]
                      ) -> list[tuple[int, int, int]]:
    """``kept`` plus the trigger terms inside a transparent cue term and no other ("security forces
    opened fire on", "protesters were killed": the cue tells how, the trigger stays)."""
    clear = [(s, e) for s, e, tid in kept if tid in TRANSPARENT_TIDS]
    opaque = [(s, e) for s, e, tid in kept if tid not in TRANSPARENT_TIDS]
    held = set(kept)
    inner = [m for m in found if m not in held and m[2] in TRIGGER_TIDS
             and any(s <= m[0] and m[1] <= e for s, e in clear)
             and not any(s <= m[0] and m[1] <= e for s, e in opaque)]
    return sorted(kept + _outermost(inner)) if inner else kept


def sentence_ids(text: str, toks: Toks) -> list[int]:
    """Per token, the index of its sentence within the text."""
    n = len(toks.surf)
    if not n:
        return []
    # A boundary needs one of these characters; after the last word it changes no token.
    head = text[:toks.stop]
    if "." not in head and "\n" not in head and ";" not in head and "?" not in head \
            and "!" not in head:
        return [0] * n
    bounds = [m.end() for m in _SENT_END_RE.finditer(text)]
    if not bounds:
        return [0] * n
    return list(map(partial(bisect_right, bounds), toks.start))
