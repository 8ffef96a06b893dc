"""Cue indexes and tries for event extraction (extract.event_facts, extract.events).

cue_index: a cue lexicon indexed by its words, so a sentence lacking them skips the cue's
regex; every index is registered so that one pass over a sentence's words answers all of
them at once (SentenceFacts.may).  as_trie/cue_in: a flat phrase alternation as its trie.
"""

from __future__ import annotations

import re

from tightrope.extract.cues import trie_of
from tightrope.extract.nlp import lowered

_TOKEN = re.compile(r"\w+")


def cue_index(phrases) -> tuple | None:
    r"""(one-word phrases, first words of longer ones, first word -> their words): lower-cased \w runs.

    A cues.phrase_regex match of a phrase holds each of its words as a whole word of the
    sentence, so a sentence lacking them cannot match.  None when unsure (odd phrase)."""
    singles, longer = set(), {}
    for p in map(str, phrases):
        words = _TOKEN.findall(p.lower())
        if not p.isascii() or not words:
            return None
        if len(words) == 1:
            singles.add(words[0])
        else:
            longer.setdefault(words[0], []).append(frozenset(words))
    index = frozenset(singles), frozenset(longer), {k: tuple(v) for k, v in longer.items()}
    _INDEXES.append(index)  # built at load (lexicon, module constants): they live as long as the process
    return index


# Every cue_index, so that one pass over a sentence's words answers SentenceFacts.may for all
# of them at once (a sentence asks ~12 of them, each a set test on its own before).
_INDEXES: list[tuple] = []
_MAY_TABLE: list = [0, {}, {}, {}]  # [indexes covered, id -> bit, word -> bits, first word -> ((bit, words), ...)]


def _may_table() -> list:
    table = _MAY_TABLE
    if table[0] != len(_INDEXES):
        bits, single, longer = {}, {}, {}
        for i, (singles, _, multi) in enumerate(_INDEXES):
            bit = 1 << i
            bits.setdefault(id(_INDEXES[i]), bit)
            for w in singles:
                single[w] = single.get(w, 0) | bit
            for w, groups in multi.items():
                longer[w] = longer.get(w, ()) + tuple((bit, ws) for ws in groups)
        table[:] = [len(_INDEXES), bits, single, longer]
    return table


def as_trie(rx: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str], bool]:
    """(rx, its trie, whether the trie runs on lowered text): cues.trie_of where rx is
    phrase_regex's pattern of a list (else rx stands)."""
    trie = trie_of(rx)
    if trie is None:
        return rx, rx, False
    return rx, trie, bool(rx.flags & re.IGNORECASE)


def cue_in(cue: tuple[re.Pattern[str], re.Pattern[str], bool], text: str) -> bool:
    """rx.search(text) is not None, for a cue of as_trie."""
    rx, trie, on_lowered = cue
    if on_lowered:
        low = lowered(text)
        return (trie.search(low) if low is not None else rx.search(text)) is not None
    return trie.search(text) is not None


def claim_tries(cues) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """cues.claim with each flat alternation as its trie (nlp.phrase_trie, same matches; a flat
    one is tried whole at every position), where the pattern is phrase_regex's of its list."""
    out = []
    for status, rx in cues.claim:
        if not rx.flags & re.IGNORECASE:
            rx = trie_of(rx) or rx
        out.append((status, rx))
    return tuple(out)
