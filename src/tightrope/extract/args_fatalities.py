"""Fatalities reported in a sentence: "two of its soldiers were killed", "killing 6 civilians".

Split from args.py, whose cue machinery it uses. The number and cue patterns are built once
from the vocabulary and cue lists.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tightrope.extract.args import _CUE_LISTS, cue_spans, finditer_cue, lowered_sentence, per_sentence
from tightrope.extract.context import Sentence
from tightrope.extract.cues import get_cues
from tightrope.extract.nlp import phrase_trie, trie_alternation
from tightrope.extract.numbers import acled_fatalities


@lru_cache(maxsize=1)
def _number_alternation() -> str:
    """Digits or a number word from the vocabulary (never any word: "after 3 ..." must find "3")."""
    from tightrope.extract.numbers import load_vocab

    v = load_vocab()
    words = [w for k in ("units", "teens", "tens", "multipliers", "scales", "vague") for w in v[k]]
    words += ["a", "an", "a dozen", "dozens of", "scores of", "hundreds of", "tens of"]
    # As a trie (nlp.trie_alternation, no lookbehind, a literal blank): the same matches, in
    # the same order, as the longest-first alternation, which re tried whole at every
    # position of a sentence; half the fatality patterns' time on the bench corpus.
    alt = trie_alternation(sorted(set(words)), not_after=None, space=" ")
    return rf"(?:\d[\d,]*|(?:{alt})(?:[- ](?:{alt}))?)"


@lru_cache(maxsize=1)
def _fatality_patterns() -> tuple[re.Pattern[str], ...]:
    _NUM = _number_alternation()
    victims = _cue_pattern("victims")
    pats = [
        rf"(?P<n>(?:at least |some |about |nearly |more than )?{_NUM})\s+(?:of\s+(?:its|their|his|her|the)\s+)?(?:[\w-]+\s+){{0,2}}?{_victims_killed()}",
        rf"(?:killed|killing|kills|kill)\s+(?P<n>(?:at least |some |about |nearly |more than )?{_NUM})\s+(?:[\w-]+\s+){{0,2}}?(?:{victims})",
        rf"(?P<n>(?:at least |some |about |nearly |more than )?{_NUM})\s+(?:people\s+)?(?:dead|deaths|fatalities|killed)",
    ]
    return tuple(re.compile(p, re.I) for p in pats)


def _victims_killed() -> str:
    """The first fatality pattern's tail: "soldiers were killed"."""
    return (rf"(?:{_cue_pattern('victims')})\s+(?:were\s+|was\s+|had\s+been\s+|have\s+been\s+)?"
            rf"(?:reportedly\s+)?(?:{_cue_pattern('killed')})")


def _cue_pattern(name: str) -> str:
    """The source of cue ``name`` (a _CUE_LISTS one) as its trie (nlp.phrase_trie: the same
    matches, without a flat alternation tried whole at every position), where the cue is
    phrase_regex's pattern of its list; else the cue's own source."""
    from tightrope.extract.cues import phrase_regex

    cues = get_cues()
    rx, phrases = getattr(cues, name), cues.raw[_CUE_LISTS[name]]
    if rx.flags & re.IGNORECASE and rx.pattern == phrase_regex(phrases).pattern:
        return phrase_trie(phrases)
    return rx.pattern


@lru_cache(maxsize=1)
def _fatality_gates() -> tuple[re.Pattern[str] | None, ...]:
    """Per fatality pattern, a short pattern that finds a match wherever the pattern does (or None).

    The first pattern opens with a number alternation that no scan can skip to; its tail alone
    opens with a lookbehind that fails mid-word at once, and sees the same character there as
    inside the pattern (after its blank).  Passed by 3 in 10 sentences with a kill word on the
    bench corpus, at about a tenth of the pattern's cost."""
    return re.compile(_victims_killed(), re.I), None, None


# Literal words each fatality pattern cannot match without (a cheap test on the lower-cased
# sentence); patterns 1 and 2 also need a victim word.
_FATALITY_KEYS = ((), ("kill",), ("dead", "deaths", "fatalities", "killed"))
_FATALITY_VICTIMS = (True, True, False)


@per_sentence
def find_fatalities(s: Sentence) -> int | None:
    """Deaths reported in the sentence: "two of its soldiers were killed", "killing 6 civilians"."""
    if not cue_spans("killed", s):
        return None
    victims = bool(cue_spans("victims", s))
    low = lowered_sentence(s)
    for rx, gate, keys, needs_victims in zip(_fatality_patterns(), _fatality_gates(), _FATALITY_KEYS,
                                             _FATALITY_VICTIMS):
        if (needs_victims and not victims) or (keys and low is not None and not any(k in low for k in keys)):
            continue
        if gate is not None and next(finditer_cue(gate, s), None) is None:
            continue
        for m in finditer_cue(rx, s):
            n = acled_fatalities(s.text[m.start("n"):m.end("n")])
            if n is not None and n > 0:
                return n
    return None
