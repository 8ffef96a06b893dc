"""Cue lexicons from data/cues.yaml, loaded once and compiled to regexes.

Matching is on lower-cased text with word boundaries, longest phrase first,
so "called for" wins over "called".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from tightrope.settings import DATA_DIR


def phrase_regex(phrases: list[str], *, case_sensitive: bool = False) -> re.Pattern[str]:
    """One alternation, longest first, matching whole words (case-insensitively by default).

    Verbs are matched case-sensitively in lower case: "States" in "United States"
    is not the verb "states", nor "Claims" in a headline a claim."""
    alts = sorted({p if case_sensitive else p.lower() for p in phrases}, key=len, reverse=True)
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in alts)
    rx = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", 0 if case_sensitive else re.IGNORECASE)
    _PHRASES[id(rx)] = (rx, tuple(alts))
    return rx


# phrase_regex's patterns and their phrases, by id (the entry keeps the pattern alive, so its id
# is not reused): args.twin_of lays a cue list out as a trie (nlp.phrase_trie) from them.
_PHRASES: dict[int, tuple[re.Pattern[str], tuple[str, ...]]] = {}


def phrases_of(rx: re.Pattern[str]) -> tuple[str, ...] | None:
    """The phrases ``rx`` was built from by phrase_regex; None for any other pattern."""
    hit = _PHRASES.get(id(rx))
    return hit[1] if hit is not None and hit[0] is rx else None


def trie_of(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """phrase_regex's pattern ``rx`` laid out as a trie (nlp.phrase_trie: the same matches, without
    trying the flat alternation whole at every position); lower-case, for lowered text, when rx
    ignores case.  None for a pattern phrase_regex did not build."""
    from tightrope.extract.nlp import phrase_trie

    phrases = phrases_of(rx)
    if phrases is None:
        return None
    return re.compile(phrase_trie(phrases, case_sensitive=not rx.flags & re.IGNORECASE))


@dataclass(frozen=True)
class Cues:
    raw: dict[str, Any]
    irrealis: re.Pattern[str]
    negation: re.Pattern[str]
    hedges: re.Pattern[str]
    claim: tuple[tuple[str, re.Pattern[str]], ...]
    speech: re.Pattern[str]
    source_phrases: re.Pattern[str]
    victims: re.Pattern[str]
    killed: re.Pattern[str]
    interception: re.Pattern[str]
    count_nouns: re.Pattern[str]
    rate_words: re.Pattern[str]
    person_titles: re.Pattern[str]
    roles: re.Pattern[str]
    relation_phrases: re.Pattern[str]
    weapons: re.Pattern[str]
    statement_types: tuple[tuple[str, re.Pattern[str]], ...]

    @property
    def irrealis_window(self) -> int:
        return int(self.raw.get("irrealis_window", 7))

    @property
    def negation_window(self) -> int:
        return int(self.raw.get("negation_window", 4))

    def anaphors(self, kind: str) -> list[str]:
        return list(self.raw["anaphors"].get(kind, []))

    def role_relation(self, phrase: str) -> str | None:
        return self.raw["roles"].get(" ".join(phrase.lower().split()))

    def relation_of(self, phrase: str) -> str | None:
        return self.raw["relation_phrases"].get(" ".join(phrase.lower().split()))

    def rate_unit(self, phrase: str) -> str | None:
        return self.raw["rate_words"].get(" ".join(phrase.lower().split()))


@lru_cache(maxsize=1)
def get_cues() -> Cues:
    raw = yaml.safe_load((DATA_DIR / "cues.yaml").read_text(encoding="utf-8"))
    st = yaml.safe_load((DATA_DIR / "statement_types.yaml").read_text(encoding="utf-8"))
    return Cues(
        raw=raw,
        # Case-sensitive, with sentence-initial capitals ("If ..."), except words that are also
        # names or months when capitalised ("May 2023", "Will Smith").
        irrealis=phrase_regex([v for w in raw["irrealis"] for v in
                               ((w,) if w in raw["irrealis_lowercase_only"] else (w, w.capitalize()))],
                              case_sensitive=True),
        negation=phrase_regex(raw["negation"]),
        hedges=phrase_regex(raw["hedges"]),
        claim=tuple((k, phrase_regex(v, case_sensitive=True)) for k, v in raw["claim_status"].items()),
        speech=phrase_regex(raw["speech_verbs"], case_sensitive=True),
        source_phrases=phrase_regex(raw["source_phrases"]),
        victims=phrase_regex(raw["victims"]),
        killed=phrase_regex(raw["killed_verbs"]),
        interception=phrase_regex(raw["interception"]),
        count_nouns=phrase_regex(raw["count_nouns"]),
        rate_words=phrase_regex(list(raw["rate_words"])),
        person_titles=phrase_regex(raw["person_titles"]),
        roles=phrase_regex(list(raw["roles"])),
        relation_phrases=phrase_regex(list(raw["relation_phrases"])),
        weapons=phrase_regex(raw["weapons"]),
        statement_types=tuple((k, phrase_regex(v)) for k, v in st["verbs"].items()),
    )


@lru_cache(maxsize=1)
def statement_content_cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    st = yaml.safe_load((DATA_DIR / "statement_types.yaml").read_text(encoding="utf-8"))
    return tuple((k, phrase_regex(v)) for k, v in st["content"].items())


def necessary_keys(phrases: Any) -> tuple[str, ...]:
    """Substrings one of which every phrase holds: its longest word, dropping any key
    that holds a shorter key (that one is then in the text too)."""
    keys = {max(reversed(p.split()), key=len) for p in phrases}  # ties: the later word ("lost their lives": lives)
    return tuple(sorted(k for k in keys if not any(o != k and o in k for o in keys)))


def holds_any(low: str, keys: tuple[str, ...]) -> bool:
    """Does the lower-cased text hold one of the keys (a prefilter before a phrase scan)?"""
    for k in keys:
        if k in low:
            return True
    return False
