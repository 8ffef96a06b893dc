"""Document context shared by the extractors: sentences, mentions, quotes, discourse.

One pass builds, for a Document:

* sentences (spaCy sentencizer, also split at line breaks so headlines and
  section headers stand alone), each with its paragraph index;
* entity mentions: KB actors, places, people not in the KB (title or
  speech-verb context), and anaphors ("the group", "it", "he") resolved to the
  last salient compatible entity;
* date mentions resolved against the publication date, with "the following
  day" anchored to the last explicit date before it;
* quote spans (curly and straight quotes).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from tightrope.extract.cues import get_cues
from tightrope.extract.dates import DateMention, find_dates
from tightrope.extract.nlp import make_doc, sentence_spans
from tightrope.models import DateValue, Document, Place
from tightrope.resolve.actors import ActorKB, find_actors
from tightrope.resolve.places import Gazetteer, find_places


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    kind: str  # actor|person|place|anaphor
    name: str  # canonical display name (or the surface for unknown people)
    actor_id: str | None = None
    actor_type: str | None = None
    country: str | None = None  # ISO2 of the actor's / place's country
    place: Place | None = None
    method: str = "kb"


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    para: int
    is_header: bool = False
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    subject: Mention | None = None
    # Per-sentence results of argument finders that several triggers of the sentence
    # ask for (args.py); filled lazily once the context is built, never compared.
    memo: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Person:
    name: str
    actor_id: str | None
    role: str | None = None
    org: str | None = None  # canonical org name
    org_id: str | None = None


@dataclass
class DocContext:
    doc: Document
    sentences: list[Sentence]
    quotes: list[tuple[int, int]]  # spans including the quote marks
    people: dict[str, Person]  # key: folded full name
    surnames: dict[str, str]  # folded surname -> folded full name
    kb: ActorKB
    gaz: Gazetteer
    country: str | None  # ISO2 of the story's main country

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quotes, (pos, 10**12)) - 1
        return i >= 0 and self.quotes[i][0] <= pos < self.quotes[i][1]

    def person(self, name: str) -> Person | None:
        key = fold(name)
        if key in self.people:
            return self.people[key]
        full = self.surnames.get(key)
        return self.people.get(full) if full else None


def fold(s: str) -> str:
    s = re.sub(r"[\u2018\u2019'`\u02bc]", "", s.lower())
    return " ".join(re.sub(r"[-\u2010-\u2015]", " ", s).split())


# A person-name token: capitalised word, or particle + hyphen + capitalised ("al-Darb", "Al-Jazaeri").
_NAME_TOKEN = r"(?:(?:[Aa]l|[Ee]l|[Aa]bu|[Bb]in|[Ii]bn|[Aa]bd)[-\u2010][A-Z][\w'\u2019]+|[A-Z][a-z]+(?:['\u2019][a-z]+)?(?:-[A-Z][a-z]+)?)"
_PARTICLE = r"(?:al|el|bin|ibn|abu|bint|de|van|von|da)"
_NAME = re.compile(rf"{_NAME_TOKEN}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_TOKEN}){{1,3}}")
_QUOTE_PAIRS = re.compile(r"\u201c[^\u201c\u201d]{1,3000}?\u201d|\"[^\"\n]{1,3000}?\"|\u201c[^\u201c\u201d\"\n]{1,3000}?\"|\"[^\"\u201c\u201d\n]{1,3000}?\u201d")


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


def find_quotes(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE_PAIRS.finditer(text)]


def _sentences(doc: Document, sdoc) -> list[Sentence]:
    out: list[Sentence] = []
    text = doc.text
    for sent_start, sent_end in sentence_spans(sdoc):
        # Split each spaCy sentence at line breaks: headlines have no full stop.
        pieces = []
        s0 = sent_start
        for m in re.finditer(r"\n+", text[sent_start:sent_end]):
            pieces.append((s0, sent_start + m.start(), True))
            s0 = sent_start + m.end()
        pieces.append((s0, sent_end, False))
        for a, b, _ends_line in pieces:
            seg = text[a:b]
            lead = len(seg) - len(seg.lstrip())
            a, b = a + lead, a + len(seg.rstrip())
            if b <= a:
                continue
            body = text[a:b]
            line_start = a == 0 or text[a - 1] == "\n"
            line_end = b == len(text) or text[b] == "\n"
            # Headlines and section headers: a whole short line without closing punctuation.
            header = (not out and line_end) or (
                line_start and line_end and not re.search(r"[.!?\"\u201d]$", body) and len(body.split()) <= 15
            )
            out.append(Sentence(len(out), a, b, body, 0, is_header=header))
    # Paragraph index: a line break between two sentences starts a new paragraph.
    para = 0
    for i, s in enumerate(out):
        if i and "\n" in text[out[i - 1].end:s.start]:
            para += 1
        s.para = para
    return out


def _country_of_story(mentions: list[Mention], places: list[Mention]) -> str | None:
    counts: dict[str, int] = {}
    for m in places + mentions:
        if m.country:
            counts[m.country] = counts.get(m.country, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _find_people(text: str, taken: list[tuple[int, int]], kb: ActorKB) -> list[tuple[int, int, str]]:
    """Names of people not in the KB: a capitalised name with a title before it,
    an apposition or a speech verb after it."""
    cues = get_cues()
    nonname = _nonname_words()
    out = []
    for m in _NAME.finditer(text):
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
        if len(words) < 2 or any(re.search(r"['\u2019]s$", w) for w in words):
            continue
        if any(s < b and a < e for s, e in taken):
            continue
        before = text[max(0, a - 40):a]
        after = text[b:b + 40]
        titled_rx, apposed_rx, speaks_rx = _people_res()
        titled = bool(titled_rx.search(before))
        apposed = bool(apposed_rx.match(after))
        speaks = bool(speaks_rx.match(after))
        if titled or apposed or speaks:
            out.append((a, b, text[a:b]))
    # "President Obama", "Gen. Sims": a title and a single surname.
    spans = [(x, y) for x, y, _ in out] + list(taken)
    for m in _titled_surname().finditer(text):
        a, b = m.start(1), m.end(1)
        if m.group(1).lower() in nonname or any(x < b and a < y for x, y in spans):
            continue
        out.append((a, b, m.group(1)))
    return out


@lru_cache(maxsize=1)
def _people_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The title / apposition / speech-verb tests of _find_people, compiled once: built per
    candidate from kB-long cue patterns they cost a rebuild and re-hash each time, and
    evict other patterns from re's cache."""
    cues = get_cues()
    return (re.compile(rf"(?:{cues.person_titles.pattern})\s*$", re.I),
            re.compile(r",\s+(?:a|an|the)?\s*(?:\w+\s+){0,3}?(?:" + cues.roles.pattern + "|"
                       + cues.person_titles.pattern + ")", re.I),
            re.compile(rf"\s*,?\s*(?:{cues.speech.pattern})"))


@lru_cache(maxsize=1)
def _titled_surname() -> re.Pattern[str]:
    titles = {v for t in get_cues().raw["person_titles"] if t[0].isalpha() for v in (t, t.capitalize(), t.title())}
    alt = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True))
    # Case-sensitive on purpose: the name must be capitalised ("expert on" is no name).
    return re.compile(rf"\b(?:{alt})\.?\s+({_NAME_TOKEN})\b(?!\s+(?:[A-Z]|(?:al|el|bin|ibn|abu)\b))")


@lru_cache(maxsize=1)
def _generic_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    table = get_cues().raw["generic_actors"]
    label = {w.lower(): name for name, words in table.items() for w in words}
    from tightrope.extract.cues import phrase_regex

    return phrase_regex(list(label)), label


def _generic_mentions(text: str, named: list[Mention]) -> list[Mention]:
    rx, label = _generic_regex()
    spans = [(m.start, m.end) for m in named]
    out = []
    for m in rx.finditer(text):
        a, b = m.start(), m.end()
        if any(x < b and a < y for x, y in spans):
            continue
        before = text[max(0, a - 25):a]
        if any(0 <= a - y <= 3 for _, y in spans) or re.search(r"\b(?:its|their|his|her|our|whose)\s+(?:\w+\s+)?$",
                                                                  before, re.I):
            continue
        name = label[" ".join(m.group(0).lower().split())]
        out.append(Mention(a, b, m.group(0), "generic", name, actor_type="unidentified", method="generic"))
    return out


_PREV_WORD = re.compile(r"([A-Z][\w'\u2019-]*)\s+$")
_NEXT_WORD = re.compile(r"\s+([A-Z][\w'\u2019-]*)")
# Capitalised words that may sit beside a place name without being part of another name.
_PLACE_NEIGHBOURS = {"Province", "Governorate", "District", "Region", "City", "County", "State", "Valley",
                     "Heights", "Strip", "Bank", "Air", "Base", "Airport", "Port", "The", "In", "At", "On",
                     "From", "Near", "Northern", "Southern", "Eastern", "Western", "Central", "North", "South",
                     "East", "West", "Upper", "Lower", "Greater", "Mr", "Ms", "And", "But", "While", "After",
                     "Before", "Since", "During", "Outside", "Inside", "Across"}


def _name_fragment(text: str, p: Mention, named: list[Mention]) -> bool:
    """"Kafr Batna", "Maart Numan": a gazetteer hit that is one word of a longer, unknown name."""
    covered = [(m.start, m.end) for m in named]
    prev = _PREV_WORD.search(text[max(0, p.start - 40):p.start])
    if prev:
        ps = p.start - len(prev.group(0))
        sentence_start = not text[:ps].strip() or text[:ps].rstrip()[-1:] in ".!?\n\"\u201c"
        if prev.group(1) not in _PLACE_NEIGHBOURS and not sentence_start \
                and not any(a <= ps < b for a, b in covered):
            return True
    nxt = _NEXT_WORD.match(text[p.end:p.end + 40])
    if nxt and nxt.group(1) not in _PLACE_NEIGHBOURS:
        ns = p.end + nxt.start(1)
        if not any(a <= ns < b for a, b in covered):
            return True
    return False


def _inside_longer(p: Mention, actors: list[Mention], starts: list[int]) -> bool:
    """Is p inside a longer actor mention?  Actor mentions never overlap and come sorted
    (find_actors), so only the last one starting at or before p can hold it."""
    i = bisect.bisect_right(starts, p.start) - 1
    if i < 0:
        return False
    a = actors[i]
    return a.start <= p.start and p.end <= a.end and (a.end - a.start) > (p.end - p.start)


def build_context(doc: Document, kb: ActorKB | None = None, gaz: Gazetteer | None = None) -> DocContext:
    kb = kb or ActorKB.load()
    gaz = gaz or Gazetteer.load()
    text = doc.text
    # Tokenised once; the recognisers reuse it, and the sentences come from its token arrays.
    sdoc = make_doc(text)
    sentences = _sentences(doc, sdoc)
    actor_ms = [
        Mention(m.start, m.end, m.text, "actor", m.canonical, m.actor_id, m.actor_type,
                (kb.get(m.actor_id).country if kb.get(m.actor_id) else None), method=m.method)
        for m in find_actors(sdoc, kb, full_text=text)
    ]
    place_ms = [
        Mention(p.start, p.end, p.text, "place", p.place.name, country=p.place.country_code, place=p.place,
                method=p.place.method)
        for p in find_places(sdoc, gaz, full_text=text)
    ]
    # "Iraq" inside "Islamic Resistance in Iraq", "Washington" inside "Washington Institute": not places.
    actor_starts = [a.start for a in actor_ms]
    place_ms = [p for p in place_ms if not _inside_longer(p, actor_ms, actor_starts)]
    place_ms = [p for p in place_ms if p.method == "curated" or not _name_fragment(text, p, actor_ms)]
    country = _country_of_story(actor_ms, place_ms)
    taken = [(m.start, m.end) for m in actor_ms]
    people: dict[str, Person] = {}
    surnames: dict[str, str] = {}
    person_ms = []
    for a, b, name in _find_people(text, taken, kb):
        key = fold(name)
        people.setdefault(key, Person(name=name, actor_id=None))
        surname = name.split()[-1]
        surnames.setdefault(fold(surname), key)
        person_ms.append(Mention(a, b, name, "person", name, actor_type="person", method="pattern"))
    for m in actor_ms:
        if m.actor_type == "person":
            key = fold(m.name)
            people.setdefault(key, Person(name=m.name, actor_id=m.actor_id))
            surnames.setdefault(fold(m.name.split()[-1]), key)
    # Later bare surnames of recognised people ("Al-Darb explained").
    if surnames:
        sur_re = re.compile(r"(?<![\w-])(" + "|".join(
            re.escape(people[full].name.split()[-1]) for full in set(surnames.values())) + r")(?![\w-])", re.I)
        spans = [(m.start, m.end) for m in actor_ms + person_ms]
        for m in sur_re.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            full = people[surnames[fold(m.group(0))]]
            if full.actor_id:
                continue  # KB people are already found by their aliases
            person_ms.append(Mention(m.start(), m.end(), m.group(0), "person", full.name, actor_type="person",
                                     method="surname"))
    generic_ms = _generic_mentions(text, actor_ms + person_ms)
    mentions = sorted(actor_ms + person_ms + generic_ms, key=lambda m: m.start)
    quotes = find_quotes(text)
    ctx = DocContext(doc, sentences, quotes, people, surnames, kb, gaz, country)
    _assign(ctx, mentions, place_ms)
    from tightrope.extract.discourse import resolve_discourse

    resolve_discourse(ctx)
    return ctx


def _assign(ctx: DocContext, mentions: list[Mention], places: list[Mention]) -> None:
    starts = [s.start for s in ctx.sentences]

    def sent_of(pos: int) -> Sentence | None:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and pos < ctx.sentences[i].end:
            return ctx.sentences[i]
        return None

    for m in mentions:
        s = sent_of(m.start)
        if s:
            s.mentions.append(m)
    for p in places:
        s = sent_of(p.start)
        if s:
            s.places.append(p)
    ref = ctx.doc.published
    last: DateValue | None = None
    for s in ctx.sentences:
        found = find_dates(s.text, ref=ref, offset=s.start, anchor=last)
        s.dates = found
        explicit = [d for d in found if d.kind != "anchor"] or found
        if explicit:
            last = explicit[-1].value
