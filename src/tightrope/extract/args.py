"""Event arguments found around a trigger: sources, origin, weapon, fatalities, outcome, place.

Each finder works on one sentence (char offsets are document offsets) and
returns plain values; the event builder decides how to use them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import lru_cache

from tightrope.extract.context import DocContext, Mention, Sentence
from tightrope.extract.cues import get_cues
from tightrope.extract.numbers import acled_fatalities, find_numbers
from tightrope.models import Place

STATE_TYPES = {"state", "state_force", "government_body"}
# Weapon modifiers worth keeping in the weapon phrase besides names and model numbers.
_WEAPON_MODS = {"cruise", "ballistic", "short-range", "long-range", "medium-range", "smart", "suicide", "kamikaze",
                "explosive-laden", "armed", "attack", "guided", "precision", "one-way", "anti-tank", "surface-to-air",
                "air-to-surface", "hypersonic", "unmanned"}


@dataclass(frozen=True)
class Attribution:
    sources: tuple[Mention, ...]  # mentions that report rather than act ("Israel announced that ...")
    source_names: tuple[str, ...]  # names for attributed_to, incl. unnamed ("US officials")


def _rel(s: Sentence, pos: int) -> int:
    return pos - s.start


def attribution(ctx: DocContext, s: Sentence, trigger_start: int) -> Attribution:
    """Who the sentence attributes its content to, relative to one trigger."""
    cues = get_cues()
    sources: list[Mention] = []
    names: list[str] = []
    for m in cues.source_phrases.finditer(s.text):
        # The source is the head of the phrase: "according to the Israeli daily Haaretz" -> Haaretz.
        np_end = s.start + m.end() + (re.search(r"[,;.()]|$", s.text[m.end():]).start())
        inside = [x for x in s.mentions if s.start + m.end() <= x.start < np_end and x.start - (s.start + m.end()) < 60
                  and x.method not in ("demonym", "adjectival")]
        inside = inside[:1]  # "a report by the Washington Institute for ...": the first name is the head
        if inside:
            sources.append(inside[-1])
            names.append(inside[-1].name)
        else:
            np = noun_phrase_after(s.text, m.end())
            if np:
                names.append(np)
    for v in cues.speech.finditer(s.text):
        vpos = s.start + v.start()
        if vpos >= trigger_start or (vpos <= trigger_start < s.start + v.end()):
            continue  # only reporting verbs before the trigger attribute it
        before = [x for x in s.mentions if x.end <= vpos and vpos - x.end < 45 and not ctx.in_quote(x.start)]
        gap = s.text[before[-1].end - s.start:v.start()] if before else ""
        if before and gap.strip() and "," not in gap and before[-1].kind != "person":
            before = []  # "An American security official said", "A US official said": the whole phrase
        if before:
            sources.append(before[-1])
            names.append(before[-1].name)
        else:
            np = noun_phrase_before(s.text, v.start())
            if np:
                names.append(np)
    seen: set[str] = set()
    uniq = tuple(n for n in names if not (n.lower() in seen or seen.add(n.lower())))
    return Attribution(tuple(sources), uniq)


_DETS = re.compile(r"^(?:the|a|an|some|several|two|three)\s+", re.I)


def noun_phrase_before(text: str, pos: int) -> str | None:
    """Up to five words before ``pos`` back to punctuation or a clause word: "An American security official"."""
    m = re.search(r"((?:[A-Za-z][\w'\u2019.-]*\s+){1,5})$", text[:pos])
    if not m:
        return None
    words = m.group(1).split()
    stop = {"that", "and", "but", "which", "who", "when", "while", "as", "also", "has", "have", "had", "was", "were"}
    while words and words[0].lower() in stop:
        words = words[1:]
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in stop:
            words = words[i + 1:]
            break
    np = _DETS.sub("", " ".join(words)).strip()
    return np or None


def noun_phrase_after(text: str, pos: int) -> str | None:
    m = re.match(r"\s*((?:the\s+)?(?:[A-Za-z][\w'\u2019.-]*\s*){1,6})", text[pos:])
    if not m:
        return None
    words = []
    for w in m.group(1).split():
        if w.lower() in {"that", "and", "but", "which", "who", "said", "on", "in", "as"}:
            break
        words.append(w.rstrip(",."))
    np = _DETS.sub("", " ".join(words)).strip()
    return np or None


_FROM = re.compile(r"\b(?:launched|fired|originating|originated|coming|came|sent|flown)?\s*from\s+(?:the\s+)?$", re.I)


def sentence_cached(where):
    """Memoise a pure finder in its sentence's ``Sentence.memo``.

    ``where(*args)`` gives (sentence, key): the key must hold every argument the
    result depends on besides the sentence and its document (a trigger position,
    a mention).  Every trigger of a sentence asks the same questions again (~2.3
    triggers per sentence with events on the bench corpus).  Lists come back as
    copies; the memo lives and dies with the document's context.
    """
    def deco(fn):
        name = fn.__name__

        @functools.wraps(fn)
        def wrapper(*a):
            s, key = where(*a)
            memo = getattr(s, "memo", None)
            if memo is None:
                return fn(*a)
            key = (name, key)
            if key not in memo:
                memo[key] = fn(*a)
            v = memo[key]
            return list(v) if isinstance(v, list) else v

        return wrapper

    return deco


_per_sentence = sentence_cached(lambda *a: (a[-1], None))  # depends on the sentence alone


@_per_sentence
def origin_mentions(ctx: DocContext, s: Sentence) -> list[Mention]:
    """State/place mentions introduced by "from": "launched from Iraq", "from Iraqi soil"."""
    out = []
    for m in s.mentions + s.places:
        if m.kind == "actor" and m.actor_type not in ("state",) and m.kind != "place":
            continue
        if m.kind == "anaphor":
            continue
        if _FROM.search(ctx.doc.text[max(s.start, m.start - 40):m.start]):
            out.append(m)
    return out


def origin_country(ctx: DocContext, ms: list[Mention]) -> str | None:
    for m in ms:
        if m.place is not None and m.place.country:
            return m.place.country
        if m.country:
            name = ctx.gaz.country_of(m.country)
            if name:
                return name
    return None


@_per_sentence
def weapons_in(s: Sentence) -> str:
    """Every weapon word of the sentence, lower-cased and joined (for coding by means)."""
    return " ".join(m.group(0).lower() for m in get_cues().weapons.finditer(s.text))


def find_weapon(s: Sentence, near: int) -> str | None:
    cues = get_cues()
    best = None
    for m in cues.weapons.finditer(s.text):
        a = m.start()
        words = s.text[:a].split()
        mods: list[str] = []
        for w in reversed(words[-3:]):
            wc = w.strip(",;:\u201c\u201d\"'()")
            if wc != w.rstrip() and w.endswith((",", ";", ":")):
                break
            model = any(c.isdigit() for c in wc) and any(c.isalpha() for c in wc)  # "Qasef-2K", not "40"
            if (wc[:1].isupper() and wc.lower() not in {"the", "a", "an", "its", "their"}) or model \
                    or wc.lower() in _WEAPON_MODS:
                mods.insert(0, wc)
            else:
                break
        phrase = " ".join(mods + [m.group(0)])
        dist = abs(s.start + a - near)
        if best is None or dist < best[0]:
            best = (dist, phrase)
    return best[1] if best else None




@lru_cache(maxsize=1)
def _number_alternation() -> str:
    """Digits or a number word from the vocabulary (never any word: "after 3 ..." must find "3")."""
    from tightrope.extract.numbers import load_vocab

    v = load_vocab()
    words = [w for k in ("units", "teens", "tens", "multipliers", "scales", "vague") for w in v[k]]
    words += ["a", "an", "a dozen", "dozens of", "scores of", "hundreds of", "tens of"]
    alt = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return rf"(?:\d[\d,]*|(?:{alt})(?:[- ](?:{alt}))?)"


@lru_cache(maxsize=1)
def _fatality_patterns() -> tuple[re.Pattern[str], ...]:
    cues = get_cues()
    _NUM = _number_alternation()
    victims = cues.victims.pattern
    killed = cues.killed.pattern
    pats = [
        rf"(?P<n>(?:at least |some |about |nearly |more than )?{_NUM})\s+(?:of\s+(?:its|their|his|her|the)\s+)?(?:[\w-]+\s+){{0,2}}?(?:{victims})\s+(?:were\s+|was\s+|had\s+been\s+|have\s+been\s+)?(?:reportedly\s+)?(?:{killed})",
        rf"(?:killed|killing|kills|kill)\s+(?P<n>(?:at least |some |about |nearly |more than )?{_NUM})\s+(?:[\w-]+\s+){{0,2}}?(?:{victims})",
        rf"(?P<n>(?:at least |some |about |nearly |more than )?{_NUM})\s+(?:people\s+)?(?:dead|deaths|fatalities|killed)",
    ]
    return tuple(re.compile(p, re.I) for p in pats)


@_per_sentence
def find_fatalities(s: Sentence) -> int | None:
    """Deaths reported in the sentence: "two of its soldiers were killed", "killing 6 civilians"."""
    if not get_cues().killed.search(s.text):
        return None
    for rx in _fatality_patterns():
        for m in rx.finditer(s.text):
            n = acled_fatalities(m.group("n"))
            if n is not None and n > 0:
                return n
    return None


@_per_sentence
def find_outcome(s: Sentence) -> str | None:
    return "intercepted" if get_cues().interception.search(s.text) else None


def pick_place(ctx: DocContext, s: Sentence, trigger_start: int, exclude: list[Mention]) -> Place | None:
    """The most specific place in the sentence, preferring places after the trigger."""
    ex = {(m.start, m.end) for m in exclude}
    for m in s.mentions:
        located = _locative(ctx, s, m.start)
        # "Washington targeting..." is the US government acting; "in eastern Baghdad" is a place.
        # "Iran-backed", "Iranian": modifiers, never places.  A country named without a
        # locative preposition ("US troops", "hit Israel") is an actor, not the place.
        if (m.method == "metonym" and not located) or m.method in ("demonym", "adjectival") \
                or (m.actor_type == "state" and not located):
            ex.add((m.start, m.end))
    cands = [p for p in s.places if (p.start, p.end) not in ex and p.place is not None
             and not (p.place.kind == "country" and not _locative(ctx, s, p.start))]
    if not cands:
        return None
    cands.sort(key=lambda p: (p.place.geo_precision, p.start < trigger_start, abs(p.start - trigger_start)))
    return cands[0].place


_LOCATIVE = re.compile(r"\b(?:in|inside|at|near|across|throughout|within|into|outside|around|over|on|of|"
                       r"northern|southern|eastern|western|central|north|south|east|west|north-east|"
                       r"north-west|south-east|south-west|northeast|northwest|southeast|southwest)\s+(?:the\s+)?$",
                       re.I)


@sentence_cached(lambda ctx, s, pos: (s, pos))
def _locative(ctx: DocContext, s: Sentence, pos: int) -> bool:
    return bool(_LOCATIVE.search(ctx.doc.text[max(s.start, pos - 30):pos]))


def numbers_in(s: Sentence):
    return find_numbers(s.text, offset=s.start)
