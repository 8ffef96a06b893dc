"""Numbers in news text: digits, number words, hedges and vague quantities.

``parse_number`` reads one number phrase; ``find_numbers`` finds every count
in a text with exact character spans; ``acled_fatalities`` turns a fatality
phrase into the integer ACLED would code.  The vocabulary (number words,
hedges, the vague-quantity table and its evidence) lives in
``tightrope/data/number_words.yaml``; this module holds only the grammar.

Pure Python and regex only: no model, no ``dateparser``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from tightrope.extract.cues import holds_any, necessary_keys
from tightrope.settings import DATA_DIR


@lru_cache(maxsize=1)
def load_vocab() -> dict[str, Any]:
    """The number/calendar vocabulary, read once per process (shared with dates.py)."""
    with open(DATA_DIR / "number_words.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


_V = load_vocab()
_UNITS: dict[str, int] = _V["units"]
_TEENS: dict[str, int] = _V["teens"]
_TENS: dict[str, int] = _V["tens"]
_MULTS: dict[str, int] = _V["multipliers"]
_SCALES: dict[str, int] = _V["scales"]
_VAGUE: dict[str, int] = _V["vague"]
_EXACT_HEDGES = frozenset(_V["exact_hedges"])
_ARTICLES = ("a", "an")


def _alt(words: Any) -> str:
    """Regex alternation, longest first so "seventeen" beats "seven"."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def _ordinal_words() -> list[str]:
    # Ordinals derived from the cardinals so the YAML lists only irregular ones.
    words = list(_V["ordinals"])
    words += [w + "th" for w in _TEENS if w not in ("ten", "eleven", "twelve")]
    words += [w[:-1] + "ieth" for w in _TENS]
    words += [w + "th" for w in (*_MULTS, *_SCALES)]
    return words


_CARDINAL = _alt([*_UNITS, *_TEENS, *_TENS, *_MULTS, *_SCALES])
_SCALE_WORDS = _alt([*_MULTS, *_SCALES])

# Speed: a pattern that starts with an assertion, a group or a
# case-insensitive letter makes `re` try every position of the text.  So
# the text is lower-cased once and scanned for digit runs; the full digit
# pattern is tried with .match() there, and hedges before a number are read
# backwards (_HEDGE_TAIL).  Number words and vague quantities are only looked
# for when the text holds one of their words (holds_any).
# Written "\d\d*", not "\d+": a pattern that opens with a character class lets
# `re` skip to the next digit instead of trying every position (same matches).
_DIGIT_TRIGGER = re.compile(r"\d\d*")
# A run of number words joined by spaces, hyphens or "and"; _split_run then
# cuts it into valid numbers ("two and three" -> 2, 3).
_WORD_RUN = re.compile(rf"(?<![\w-])(?:{_CARDINAL})(?:(?:\s+and\s+|\s+|-)(?:{_CARDINAL}))*(?![\w])")
_ARTICLE_TAIL = re.compile(r"(?<![\w-])an?\s+\Z")  # "a dozen", "a hundred"
_TOKEN = re.compile(r"[a-z]+")
_ORDINAL_AFTER = re.compile(rf"[\s-](?:{_alt(_ordinal_words())})\b")
# "no one", "one another": the pronoun "one", not a count.
_PRONOUN_ONE_BEFORE = re.compile(r"(?<![\w])no\s+\Z")
_PRONOUN_ONE_AFTER = re.compile(r"\s+another\b")

# Digits: "1,200", "3.5", "2 million", "1.5bn".  Not part of a code or
# identifier ("F-16", "COVID-19", "A320", "122mm", "3rd", "10:30", "1/2").
_DIGIT_CORE = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_DIGITS = re.compile(
    rf"(?<![\w.,/:])(?<![a-z]-)(?P<num>{_DIGIT_CORE})"
    rf"(?:(?:\s+|-)(?P<scale>{_SCALE_WORDS})\b|(?P<bn>bn)\b)?(?![\w/:]|[.,]\d)"
    # Clock times: "0830 GMT", "9 a.m.", "10 pm".
    r"(?!\s*(?:gmt|utc|a\.m\.|p\.m\.|am\b|pm\b|hrs\b|local\s+time))"
)
# "the 2006 war": a year used as a modifier, unless a plural noun follows
# ("the 2000 soldiers").
_THE_TAIL = re.compile(r"(?<![\w])the\s+\Z")
_PLURAL_NEXT = re.compile(rf"\s+(?:[a-z]+s|{'|'.join(_V['irregular_plurals'])})\b")
_NUMBER_FULL = re.compile(
    rf"\s*(?P<neg>-)?(?P<num>{_DIGIT_CORE})(?:(?:\s+|-)(?P<scale>{_SCALE_WORDS})|\s*(?P<bn>bn))?\s*"
)

_NEEDS_OF = frozenset(_V["needs_of"])
_VAGUE_RE = re.compile(
    "|".join(
        re.escape(w).replace(r"\ ", r"\s+") + (r"(?=\s+of\b)" if w in _NEEDS_OF else r"(?![\w-])")
        for w in sorted(_VAGUE, key=len, reverse=True)
    )
)
# A hedge ending right before a number ("at least 3", "some 20").
_HEDGE_TAIL = re.compile(rf"(?<![\w])(?P<hedge>{_alt(_V['hedges'])})\s+\Z")
_HEDGE_WINDOW = 24  # longest hedge ("no fewer than") plus spacing


# Prefilters: a run of number words starts with a cardinal word; a vague quantity
# holds the longest word of its phrase.
_CARDINAL_KEYS = necessary_keys([*_UNITS, *_TEENS, *_TENS, *_MULTS, *_SCALES])
_VAGUE_KEYS = necessary_keys(_VAGUE)


def lower_same_length(text: str) -> str:
    """Lower-cased text whose offsets line up with ``text``."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # "İ" lower-cases to 2 chars


@dataclass(frozen=True)
class NumberMention:
    start: int
    end: int
    text: str
    value: float
    approximate: bool
    vague: bool


# ---------------------------------------------------------------- parsing


def _word_value(tokens: list[str]) -> int | None:
    """Value of a sequence of cardinal words, or None when it is not one number.

    A small state machine: "twenty one" and "one hundred and five" are numbers,
    "two three" and "twenty thirty" are two numbers (None here, so that
    _split_run cuts them apart).
    """
    total, group, prev, last_scale = 0, 0, "", None
    for tok in tokens:
        if tok == "and":
            if prev not in ("mult", "scale"):
                return None
            prev = "and"
        elif tok in _ARTICLES:
            if prev:
                return None
            group, prev = 1, "a"
        elif tok in _UNITS:
            if prev in ("unit", "teen", "a") or (tok == "zero" and len(tokens) > 1):
                return None
            group, prev = group + _UNITS[tok], "unit"
        elif tok in _TEENS or tok in _TENS:
            if prev in ("unit", "teen", "ten", "a"):
                return None
            group += _TEENS.get(tok) or _TENS[tok]
            prev = "teen" if tok in _TEENS else "ten"
        elif tok in _MULTS:
            if prev not in ("unit", "teen", "ten", "a"):
                return None
            group, prev = group * _MULTS[tok], "mult"
        elif tok in _SCALES:
            scale = _SCALES[tok]
            if prev not in ("unit", "teen", "ten", "mult", "a") or (last_scale and scale >= last_scale):
                return None
            total, group, prev, last_scale = total + group * scale, 0, "scale", scale
        else:
            return None
    if prev in ("", "and", "a"):
        return None
    return total + group


_SPLIT_WORDS = re.compile(r"[\s-]+")


def parse_number(s: str) -> float | None:
    """One number phrase to its value; None for vague or non-numbers.

    "two"->2, "twenty-one"->21, "1,200"->1200, "3.5"->3.5, "a dozen"->12,
    "2 million"->2e6, "one hundred and five"->105, "hundreds"->None.
    """
    if not isinstance(s, str) or len(s) > 200:
        return None
    s = s.lower()
    m = _NUMBER_FULL.fullmatch(s)
    if m:
        value = float(m["num"].replace(",", ""))
        if m["scale"]:
            value *= {**_MULTS, **_SCALES}[m["scale"]]
        elif m["bn"]:
            value *= _SCALES["billion"]
        return -value if m["neg"] else value
    tokens = _SPLIT_WORDS.split(s.strip())
    value = _word_value(tokens) if tokens != [""] else None
    return None if value is None else float(value)


# ---------------------------------------------------------------- finding


_MAX_NUMBER_WORDS = 12


def _split_run(low: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Cut a run of number words into maximal valid numbers: (start, end, value)."""
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(low, start, end)]
    out, i = [], 0
    while i < len(toks):
        # The longest spelled-out number in English news ("one hundred and twenty-three thousand four
        # hundred and fifty-six") is 11 words; trying longer spans only made long runs cubic.
        for j in range(min(len(toks), i + _MAX_NUMBER_WORDS), i, -1):
            value = _word_value([t[2] for t in toks[i:j]])
            if value is not None:
                out.append((toks[i][0], toks[j - 1][1], value))
                i = j
                break
        else:
            i += 1
    return out


def _word_numbers(low: str) -> list[tuple[int, int, float, bool]]:
    # Every run starts with a whole cardinal word, so a text holding none of
    # their letter sequences has none (two in three sentences of the bench corpus).
    if not holds_any(low, _CARDINAL_KEYS):
        return []
    found = []
    # _WORD_RUN only matches at a word start: finditer tries the same places
    # the cardinal-word scan did and takes the same non-overlapping runs.
    for run in _WORD_RUN.finditer(low):
        article = _ARTICLE_TAIL.search(low, max(0, run.start() - 4), run.start())
        for s, e, value in _split_run(low, article.start() if article else run.start(), run.end()):
            if _ORDINAL_AFTER.match(low, e):  # "twenty-first", "one hundredth"
                continue
            if low[s:e] == "one" and (
                _PRONOUN_ONE_BEFORE.search(low, max(0, s - 4), s) or _PRONOUN_ONE_AFTER.match(low, e)
            ):
                continue
            found.append((s, e, float(value), False))
    return found


def _digit_numbers(low: str) -> list[tuple[int, int, float, bool]]:
    found = []
    for t in _DIGIT_TRIGGER.finditer(low):
        m = _DIGITS.match(low, t.start())
        value = parse_number(m.group()) if m else None
        if value is None or _not_a_count(low, m):
            continue
        found.append((m.start(), m.end(), value, False))
    return found


def _not_a_count(low: str, m: re.Match) -> bool:
    num = m["num"]
    if len(num) > 1 and num[0] == "0" and "." not in num:  # "0830", "07": codes and clock times
        return True
    if len(num) == 4 and num.isdigit() and 1900 <= int(num) <= 2100 and not m["scale"]:
        return bool(_THE_TAIL.search(low, max(0, m.start() - 8), m.start())) and not _PLURAL_NEXT.match(low, m.end())
    return False


def _vague_numbers(low: str) -> list[tuple[int, int, float, bool]]:
    if not holds_any(low, _VAGUE_KEYS):  # nine in ten sentences of the bench corpus
        return []
    return [
        (m.start(), m.end(), float(_VAGUE[" ".join(m.group().split())]), True)
        for m in _VAGUE_RE.finditer(low)
        if m.start() == 0 or not (low[m.start() - 1].isalnum() or low[m.start() - 1] in "-_")
    ]


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def _with_hedge(low: str, s: int) -> tuple[int, bool]:
    """Start of the mention including a preceding hedge, and whether it is approximate."""
    m = _HEDGE_TAIL.search(low, max(0, s - _HEDGE_WINDOW), s)
    if not m:
        return s, False
    hedge = " ".join(m["hedge"].split())
    return m.start(), hedge not in _EXACT_HEDGES


def _date_spans(text: str) -> list[tuple[int, int]]:
    """dates.date_spans, imported on first use (dates imports this module); then the name is
    rebound to it, sparing an import statement per call (~0.3% of extraction)."""
    global _date_spans
    from tightrope.extract.dates import date_spans

    _date_spans = date_spans
    return date_spans(text)


def find_numbers(text: str, offset: int = 0) -> list[NumberMention]:
    """Every count in ``text``: digits, number words and vague quantities.

    Dates are not counts: anything inside a date expression found by
    ``dates.date_spans`` ("in 2024", "October 17", "two days later") is
    skipped, and so are ordinals ("first", "3rd") and identifiers ("F-16").
    A hedge right before the number ("about 20", "at least 3") is part of
    the span and makes the mention approximate.
    """
    if not isinstance(text, str) or not text:
        return []
    low = lower_same_length(text)
    cores = _digit_numbers(low) + _word_numbers(low)
    if cores:
        masked = _date_spans(text)
        cores = [c for c in cores if not _overlaps(masked, c[0], c[1])]
    cores += _vague_numbers(low)
    if not cores:
        return []
    # Extend each number over its hedge first, then keep the longest of any
    # overlapping mentions ("as many as 20" wins over the vague "many").
    spans = []
    for s, e, value, vague in cores:
        start, approximate = _with_hedge(low, s)
        spans.append((start, e, value, approximate or vague, vague))
    mentions: list[NumberMention] = []
    taken_end = -1
    for start, e, value, approximate, vague in sorted(spans, key=lambda c: (c[0], c[0] - c[1])):
        if start < taken_end:
            continue
        mentions.append(NumberMention(start + offset, e + offset, text[start:e], value, approximate, vague))
        taken_end = e
    return mentions


# ---------------------------------------------------------------- fatalities

# Above this a single-event fatality count is not plausible: the largest
# single events in ACLED/UCDP are in the thousands to low tens of thousands,
# so a six-figure number in a fatality phrase is a cumulative toll or a
# misread (population, money).  A project guard, not an ACLED rule.
_MAX_FATALITIES = 100_000
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|to|or|and)\s*$", re.IGNORECASE)
_ZERO = re.compile(rf"(?<![\w])(?:{_alt(_V['zero'])})\b(?!\s+(?:fewer|less|more)\b)", re.IGNORECASE)
# "a soldier", "an officer": one person.  Not "a few", "a number", "a dozen".
_ONE_ARTICLE = re.compile(
    r"(?<![\w])an?\s+(?!(?:few|number|handful|dozen|hundred|thousand|million|lot|total)\b)[a-z]", re.IGNORECASE
)


def acled_fatalities(phrase: str) -> int | None:
    """Integer fatality count for a phrase, by ACLED's coding rules.

    Exact numbers are taken as stated ("at least 5" -> 5: ACLED codes the most
    conservative figure); ranges take the lower bound ("10 to 15" -> 10);
    vague words use the conservative floors in number_words.yaml
    ("several" -> 10, "dozens" -> 12, "hundreds" -> 100); "a soldier" -> 1;
    "no one" -> 0.  With several counts the first is used.  None when no
    count is found or it is implausible (>= 100,000, or not whole).
    """
    if not isinstance(phrase, str) or not phrase.strip():
        return None
    found = find_numbers(phrase)
    if found:
        value = found[0].value
        if len(found) > 1 and _RANGE_JOIN.match(phrase[found[0].end : found[1].start]):
            value = min(value, found[1].value)
        if value >= _MAX_FATALITIES or value < 0 or not float(value).is_integer():
            return None
        return int(value)
    if _ZERO.search(phrase):
        return 0
    if _ONE_ARTICLE.search(phrase):
        return 1
    return None


__all__ = ["NumberMention", "acled_fatalities", "find_numbers", "load_vocab", "lower_same_length", "parse_number"]
