"""The cue scans' fast forms find exactly what the plain cue patterns find.

args.twin_of runs a case-insensitive phrase_regex as a trie (nlp.phrase_trie) over the
lower-cased text; these tests hold its spans equal to the original pattern's on real cue
lists over our sample articles, and on random phrase lists over random texts built to
share prefixes, case, hyphens, apostrophes and odd whitespace.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tightrope.extract import args
from tightrope.extract.cues import get_cues, phrase_regex, phrases_of
from tightrope.extract.nlp import lowered

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CUE_LISTS = ["negation", "hedges", "speech_verbs", "source_phrases", "victims", "killed_verbs", "interception",
             "origin_verbs", "count_nouns", "person_titles", "weapons", "event_nouns", "past_irregular",
             "commitment", "aspect_verbs"]


def _spans_both(rx: re.Pattern[str], text: str) -> tuple[list, list]:
    twin = args.twin_of(rx)
    low = lowered(text)
    assert twin is not None and low is not None
    return [m.span() for m in twin.finditer(low)], [m.span() for m in rx.finditer(text)]


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    assert texts, "the sample articles are missing"
    return texts


@pytest.mark.parametrize("name", CUE_LISTS)
def test_real_cue_lists_as_tries_find_what_the_patterns_find(name):
    phrases = get_cues().raw[name]
    rx = phrase_regex(phrases)
    assert phrases_of(rx) is not None
    assert args.twin_of(rx).pattern != rx.pattern  # the trie form, not a copy of the pattern
    found = 0
    for text in _texts() + [text.upper() for text in _texts()[:2]]:
        fast, plain = _spans_both(rx, text)
        assert fast == plain
        found += len(plain)
    if name in ("speech_verbs", "weapons", "event_nouns", "killed_verbs"):
        assert found > 0  # the samples exercise these lists


def test_patterns_not_built_by_phrase_regex_have_no_phrases():
    assert phrases_of(re.compile(r"(?<![\w-])(?:said)(?![\w-])", re.I)) is None


WORDS = st.text(alphabet="abAB-'", min_size=1, max_size=4)
PHRASES = st.lists(st.lists(WORDS, min_size=1, max_size=3).map(" ".join).filter(
    lambda p: p[0] not in "-'" or len(p) > 1), min_size=1, max_size=8)
TEXTS = st.text(alphabet="abAB-' \t\n.,", max_size=60)


@settings(max_examples=300, deadline=None)
@given(PHRASES, TEXTS)
def test_random_phrase_lists_as_tries_find_what_the_patterns_find(phrases, text):
    rx = phrase_regex(phrases)
    fast, plain = _spans_both(rx, text)
    assert fast == plain
